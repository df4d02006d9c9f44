//! Tagging an event with what went wrong: link it to one of the incident's findings, or
//! start a new finding of one of the six lapse kinds (`1`-`6`).

use super::super::effect::Effect;
use super::super::shell::{Cx, step};
use super::Outcome;
use crate::domain::{Event, LapseKind};
use crate::text::{clip, inert};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, PartialEq)]
pub enum LapseChoice {
    Link { finding_id: String, label: String },
    New(LapseKind),
}

#[derive(Debug, Clone)]
pub struct LapsePicker {
    pub event: Event,
    pub choices: Vec<LapseChoice>,
    pub selected: usize,
}

impl LapsePicker {
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        let index = match key.code {
            KeyCode::Esc => {
                cx.shell.info("nothing tagged");
                return Outcome::Close(Effect::None);
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = step(self.selected, self.choices.len(), 1);
                return Outcome::Keep;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = step(self.selected, self.choices.len(), -1);
                return Outcome::Keep;
            }
            KeyCode::Enter => self.selected,
            // Digits pick a new finding of the n-th kind directly.
            KeyCode::Char(c @ '1'..='6') => self.choices.len() - 6 + (c as usize - '1' as usize),
            _ => return Outcome::Keep,
        };
        match self.choices.get(index).cloned() {
            Some(choice) => Outcome::Close(self.tag(choice, cx)),
            None => Outcome::Keep,
        }
    }

    fn tag(&self, choice: LapseChoice, cx: &mut Cx<'_>) -> Effect {
        let event = &self.event;
        let changed = Effect::Changed(Some(event.id.clone()));
        match choice {
            LapseChoice::Link { finding_id, label } => {
                match cx.store.link_event(&finding_id, &event.id) {
                    Ok(()) => {
                        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
                        cx.shell.success(format!("tagged: {label}"));
                        changed
                    }
                    Err(e) => {
                        cx.shell.error(format!("not tagged: {e}"));
                        Effect::None
                    }
                }
            }
            LapseChoice::New(kind) => {
                let created = crate::domain::NewFinding::new(kind, &clip(&event.text, 80))
                    .map_err(crate::store::StoreError::Invalid)
                    .and_then(|n| {
                        let from = std::slice::from_ref(&event.id);
                        cx.store.create_finding(&event.incident_id, &n, from)
                    });
                match created {
                    Ok(f) => {
                        cx.shell.success(format!(
                            "new {} finding from the event: {} (edit it in Findings, 4)",
                            kind.label(),
                            inert(&clip(&f.title, 40))
                        ));
                        changed
                    }
                    Err(e) => {
                        cx.shell.error(format!("not tagged: {e}"));
                        Effect::None
                    }
                }
            }
        }
    }
}
