//! The conflicts of a merged bundle, settled one by one (`debrief bundle resolve FILE`
//! with no side given): take ours, take theirs, or type a new value; `w` writes the clean
//! bundle once every conflict is settled; `q` asks before dropping choices not written.

use super::super::effect::Effect;
use super::super::shell::{Cx, step};
use super::Outcome;
use crate::store::merge::{self, MergeConflict, Side};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use std::path::PathBuf;

/// How a conflict was settled.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Side(Side),
    /// A value typed in the one-line editor.
    Edited(Value),
}

#[derive(Debug, Clone)]
pub struct MergeConflicts {
    /// The merged bundle, with its `conflicts` section.
    pub bundle: Value,
    /// Where `w` writes the settled bundle.
    pub target: PathBuf,
    pub conflicts: Vec<MergeConflict>,
    /// One per conflict.
    pub chosen: Vec<Option<Choice>>,
    pub selected: usize,
    /// The one-line editor's text, while a new value is typed.
    pub editing: Option<String>,
    /// `q` was pressed with choices not written: y drops them.
    pub asking_quit: bool,
    pub help: bool,
    /// The clean bundle was written.
    pub written: bool,
}

impl MergeConflicts {
    pub fn new(bundle: Value, target: PathBuf) -> MergeConflicts {
        let conflicts = merge::conflicts_of(&bundle).unwrap_or_default();
        MergeConflicts {
            chosen: vec![None; conflicts.len()],
            bundle,
            target,
            conflicts,
            selected: 0,
            editing: None,
            asking_quit: false,
            help: false,
            written: false,
        }
    }

    /// The value a choice keeps for its conflict.
    pub fn value(&self, i: usize) -> Option<Value> {
        match self.chosen.get(i)?.as_ref()? {
            Choice::Side(s) => Some(self.conflicts[i].side(*s).clone()),
            Choice::Edited(v) => Some(v.clone()),
        }
    }

    pub fn open(&self) -> usize {
        self.chosen.iter().filter(|c| c.is_none()).count()
    }

    fn unsaved(&self) -> bool {
        !self.written && self.chosen.iter().any(Option::is_some)
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        if let Some(text) = self.editing.as_mut() {
            let ctrl_c =
                key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                _ if ctrl_c => {
                    self.editing = None;
                    cx.shell.info("not changed");
                }
                KeyCode::Esc => {
                    self.editing = None;
                    cx.shell.info("not changed");
                }
                KeyCode::Enter => self.finish_edit(cx),
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    text.clear();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    text.push(c);
                }
                _ => {}
            }
            return Outcome::Keep;
        }
        if self.asking_quit {
            self.asking_quit = false;
            return match key.code {
                KeyCode::Char('y' | 'Y') => Outcome::KeepAnd(Effect::Quit),
                _ => {
                    cx.shell.info("still settling");
                    Outcome::Keep
                }
            };
        }
        if self.help {
            self.help = false;
            return Outcome::Keep;
        }
        let len = self.conflicts.len();
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            _ if ctrl_c => return self.quit(),
            KeyCode::Down | KeyCode::Char('j') => self.selected = step(self.selected, len, 1),
            KeyCode::Up | KeyCode::Char('k') => self.selected = step(self.selected, len, -1),
            KeyCode::Char('o') => self.choose(Choice::Side(Side::Ours), cx),
            KeyCode::Char('t') => self.choose(Choice::Side(Side::Theirs), cx),
            KeyCode::Char('x') => {
                if let Some(c) = self.chosen.get_mut(self.selected) {
                    *c = None;
                    cx.shell.info("unsettled again");
                }
            }
            KeyCode::Char('e') => self.start_edit(cx),
            KeyCode::Char('w') => return self.write(cx),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Char('q') | KeyCode::Esc => return self.quit(),
            _ => cx
                .shell
                .info("o ours, t theirs, e a new value, w write, q quit, ? help"),
        }
        Outcome::Keep
    }

    /// Quits, after asking when choices were made and not written.
    fn quit(&mut self) -> Outcome {
        if self.unsaved() {
            self.asking_quit = true;
            Outcome::Keep
        } else {
            Outcome::KeepAnd(Effect::Quit)
        }
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(t) = self.editing.as_mut() {
            t.extend(text.chars().filter(|c| !c.is_control()));
        }
    }

    fn choose(&mut self, choice: Choice, cx: &mut Cx<'_>) {
        let Some(slot) = self.chosen.get_mut(self.selected) else {
            return;
        };
        *slot = Some(choice);
        self.selected = step(self.selected, self.conflicts.len(), 1);
        cx.shell.info(self.progress());
    }

    fn start_edit(&mut self, cx: &mut Cx<'_>) {
        let Some(c) = self.conflicts.get(self.selected) else {
            return;
        };
        if c.field == merge::RECORD {
            cx.shell.error(format!(
                "{} {} was deleted on one side and changed on the other: take ours (o) or theirs (t)",
                c.table, c.id
            ));
            return;
        }
        let start = self.value(self.selected).unwrap_or_else(|| c.ours.clone());
        self.editing = Some(plain(&start));
    }

    fn finish_edit(&mut self, cx: &mut Cx<'_>) {
        let Some(text) = self.editing.clone() else {
            return;
        };
        match self.conflicts[self.selected].typed_value(&text) {
            Ok(value) => {
                self.editing = None;
                self.choose(Choice::Edited(value), cx);
            }
            Err(e) => cx.shell.error(e),
        }
    }

    fn progress(&self) -> String {
        match self.open() {
            0 => "every conflict is settled: w writes the bundle".to_string(),
            n => format!("{n} of {} conflicts still open", self.conflicts.len()),
        }
    }

    fn write(&mut self, cx: &mut Cx<'_>) -> Outcome {
        if self.open() > 0 {
            cx.shell
                .error(format!("{}; settle each before writing", self.progress()));
            return Outcome::Keep;
        }
        let values: Vec<(String, Value)> = (0..self.conflicts.len())
            .filter_map(|i| Some((self.conflicts[i].target(), self.value(i)?)))
            .collect();
        let settled = merge::settle(&self.bundle, |c| {
            let target = c.target();
            values
                .iter()
                .find(|(t, _)| *t == target)
                .map(|(_, v)| v.clone())
        });
        let result = settled.map_err(|e| e.to_string()).and_then(|m| {
            let mut text = serde_json::to_string_pretty(&m.bundle).map_err(|e| e.to_string())?;
            text.push('\n');
            crate::io::files::write_private(&self.target, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", self.target.display()))
        });
        match result {
            Ok(()) => {
                self.written = true;
                Outcome::KeepAnd(Effect::Quit)
            }
            Err(e) => {
                cx.shell.error(e);
                Outcome::Keep
            }
        }
    }
}

/// A value as the editor and the list show it: text as it is, nothing as empty.
pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
