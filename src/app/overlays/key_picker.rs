//! Marking an event as one of the incident's four key events (`1`-`4`, `0` none). Each
//! kind shows the event holding it now; picking a held kind moves the mark, in one change.

use super::super::effect::Effect;
use super::super::shell::{Cx, step};
use super::Outcome;
use crate::domain::{Event, KeyEventKind};
use crate::text::{clip, inert};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone)]
pub struct KeyPicker {
    /// The event being marked.
    pub event: Event,
    /// For each kind in [`KeyEventKind::ALL`] order, the event holding it now.
    pub holders: Vec<Option<Event>>,
    /// 0-3 a kind, 4 none.
    pub selected: usize,
}

impl KeyPicker {
    /// The picker for `event`, reading who holds each kind now.
    pub fn open(cx: &mut Cx<'_>, event: Event) -> Effect {
        match cx.store.key_events(&event.incident_id) {
            Ok(keyed) => {
                let holders = KeyEventKind::ALL
                    .iter()
                    .map(|k| keyed.iter().find(|e| e.key_kind == Some(*k)).cloned())
                    .collect();
                let selected = event
                    .key_kind
                    .and_then(|k| KeyEventKind::ALL.iter().position(|x| *x == k))
                    .unwrap_or(0);
                Effect::Open(super::Overlay::KeyPicker(Box::new(KeyPicker {
                    event,
                    holders,
                    selected,
                })))
            }
            Err(e) => {
                cx.shell.error(format!("cannot read the key events: {e}"));
                Effect::None
            }
        }
    }

    /// The kind at a row (the last row is none).
    pub fn kind_at(index: usize) -> Option<KeyEventKind> {
        KeyEventKind::ALL.get(index).copied()
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        let rows = KeyEventKind::ALL.len() + 1;
        let index = match key.code {
            KeyCode::Esc => {
                cx.shell.info("key events unchanged");
                return Outcome::Close(Effect::None);
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = step(self.selected, rows, 1);
                return Outcome::Keep;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = step(self.selected, rows, -1);
                return Outcome::Keep;
            }
            KeyCode::Enter => self.selected,
            KeyCode::Char(c @ '1'..='4') => c as usize - '1' as usize,
            KeyCode::Char('0') => KeyEventKind::ALL.len(),
            _ => return Outcome::Keep,
        };
        Outcome::Close(self.mark(Self::kind_at(index), cx))
    }

    fn mark(&self, kind: Option<KeyEventKind>, cx: &mut Cx<'_>) -> Effect {
        if kind == self.event.key_kind {
            cx.shell.info("key events unchanged");
            return Effect::None;
        }
        match cx.store.set_key_event(&self.event.id, kind) {
            Ok((saved, moved_from)) => {
                let msg = match (kind, moved_from) {
                    (Some(k), Some(from)) => format!(
                        "saved: {} moved here from \"{}\" (u undoes)",
                        k.label(),
                        inert(&clip(&from.text, 40))
                    ),
                    (Some(k), None) => format!("saved: marked as key event: {}", k.label()),
                    (None, _) => "saved: no longer a key event".to_string(),
                };
                cx.shell.success(msg);
                Effect::Changed(Some(saved.id))
            }
            Err(e) => {
                cx.shell.error(format!("not marked: {e}"));
                Effect::Changed(Some(self.event.id.clone()))
            }
        }
    }
}
