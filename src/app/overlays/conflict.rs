//! An edit that another window overtook: the store refused it (the record's version moved
//! on since the form opened), and the analyst is asked what to do instead of losing
//! either side's work silently.

use super::super::effect::Effect;
use super::super::open::OpenIncident;
use super::super::shell::Cx;
use super::event_form::EventForm;
use super::form::Field;
use super::incident_form::IncidentForm;
use super::record_form::{RecordForm, RecordKind};
use super::{Outcome, Overlay};
use crate::store::Store;
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};

/// The form whose save was refused.
#[derive(Debug, Clone)]
pub enum StaleForm {
    Event(Box<EventForm>),
    Incident(Box<IncidentForm>),
    Record(Box<RecordForm>),
}

/// What the conflict box shows and holds.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// "event", "incident", "finding", "overview", "evaluation area", "actor".
    pub what: &'static str,
    /// The analyst's form, already merged onto the other window's version: fields the
    /// analyst did not touch hold the other window's values.
    pub form: StaleForm,
    /// The fields the other window changed.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub label: &'static str,
    pub theirs: String,
    /// What the analyst typed there, when they changed the field too.
    pub yours: Option<String>,
}

/// Called when a save came back with a conflict: reads the record as it is now and asks.
pub fn ask(cx: &mut Cx<'_>, form: StaleForm) -> Outcome {
    match merge(cx.store, form) {
        Ok(Some(conflict)) => {
            cx.shell.error(format!(
                "this {} was changed in another window since you opened it",
                conflict.what
            ));
            Outcome::Replace(Overlay::Conflict(Box::new(conflict)))
        }
        Ok(None) => {
            cx.shell
                .error("not saved: the record was deleted in another window");
            Outcome::Close(Effect::None)
        }
        Err(e) => {
            cx.shell
                .error(format!("not saved, and cannot read the record: {e}"));
            Outcome::Keep
        }
    }
}

impl StaleForm {
    fn into_overlay(self) -> Overlay {
        match self {
            StaleForm::Event(f) => Overlay::EventForm(f),
            StaleForm::Incident(f) => Overlay::IncidentForm(f),
            StaleForm::Record(f) => Overlay::Record(f),
        }
    }
}

impl Conflict {
    /// The analyst's answer: `o` saves theirs over, `e` goes back to the form, `t` keeps
    /// the other window's version.
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>, open: Option<&OpenIncident>) -> Outcome {
        let incident_id = open.map(|o| o.incident.id.as_str()).unwrap_or_default();
        let saved = match key.code {
            KeyCode::Char('o') | KeyCode::Enter => match &self.form {
                StaleForm::Event(f) => super::event_form::save(f, incident_id, cx),
                StaleForm::Incident(f) => super::incident_form::save(f, cx),
                StaleForm::Record(f) => super::record_form::save(f, incident_id, cx),
            },
            KeyCode::Char('e') | KeyCode::Esc => {
                cx.shell.info(
                    "back to your edit, now on top of the other window's version; ctrl-s saves",
                );
                return Outcome::Replace(self.form.clone().into_overlay());
            }
            KeyCode::Char('t') => {
                cx.shell.info(format!(
                    "kept the other window's {}; your edit was dropped",
                    self.what
                ));
                return Outcome::Close(Effect::Refresh);
            }
            _ => return Outcome::Keep,
        };
        match saved {
            // The save was refused for another reason: back to the form with the message.
            Outcome::Keep => Outcome::Replace(self.form.clone().into_overlay()),
            other => other,
        }
    }
}

/// Re-reads the record and moves the form onto it; `None` when the record is gone.
fn merge(store: &Store, form: StaleForm) -> crate::store::Result<Option<Conflict>> {
    Ok(match form {
        StaleForm::Event(mut mine) => {
            let Some(id) = mine.editing.as_ref().map(|e| e.id.clone()) else {
                return Ok(None);
            };
            let Some(theirs) = store.event(&id)? else {
                return Ok(None);
            };
            let fresh = EventForm::edit(mine.ctx, &theirs);
            let changes = rebase(&mut mine.fields.list, fresh.fields.list);
            mine.editing = Some(theirs);
            Some(Conflict {
                what: "event",
                form: StaleForm::Event(mine),
                changes,
            })
        }
        StaleForm::Incident(mut mine) => {
            let Some(id) = mine.editing.as_ref().map(|i| i.id.clone()) else {
                return Ok(None);
            };
            let Some(theirs) = store.incident_by_id(&id)? else {
                return Ok(None);
            };
            let changes = rebase(
                &mut mine.fields.list,
                IncidentForm::edit(&theirs).fields.list,
            );
            mine.editing = Some(theirs);
            Some(Conflict {
                what: "incident",
                form: StaleForm::Incident(mine),
                changes,
            })
        }
        StaleForm::Record(mut mine) => {
            let (what, fresh) = match &mine.kind {
                RecordKind::Finding {
                    editing: Some(f),
                    from_event,
                } => match store.finding(&f.id)? {
                    Some(theirs) => (
                        "finding",
                        RecordForm::finding(Some(theirs), from_event.clone(), f.kind, ""),
                    ),
                    None => return Ok(None),
                },
                RecordKind::Overview { incident } => match store.incident_by_id(&incident.id)? {
                    Some(theirs) => ("overview", RecordForm::overview(&theirs)),
                    None => return Ok(None),
                },
                RecordKind::Actor { actor } => {
                    match store
                        .list_actors(&actor.incident_id)?
                        .into_iter()
                        .find(|a| a.id == actor.id)
                    {
                        Some(theirs) => ("actor", RecordForm::actor(&theirs)),
                        None => return Ok(None),
                    }
                }
                RecordKind::Evaluation { item } => {
                    match store
                        .evaluation(&item.incident_id)?
                        .into_iter()
                        .find(|i| i.id == item.id)
                    {
                        Some(theirs) => ("evaluation area", RecordForm::evaluation(&theirs)),
                        None => return Ok(None),
                    }
                }
                // Other records are not version-checked, so they never come here.
                _ => return Ok(None),
            };
            let changes = rebase(&mut mine.fields.list, fresh.fields.list);
            mine.kind = fresh.kind;
            Some(Conflict {
                what,
                form: StaleForm::Record(mine),
                changes,
            })
        }
    })
}

/// Moves `mine` onto `theirs` field by field: a field the analyst did not touch takes
/// the other window's value; one they typed in keeps what they typed. Returns the fields
/// the other window changed.
fn rebase(mine: &mut [Field], theirs: Vec<Field>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (m, t) in mine.iter_mut().zip(theirs) {
        if m.original == t.original {
            continue;
        }
        changes.push(Change {
            label: t.label,
            theirs: inert(&t.original).into_owned(),
            yours: m.changed().then(|| m.value()),
        });
        if m.changed() {
            // Keep the typing; "unchanged" now means "as the other window left it".
            m.initial = t.initial;
            m.original = t.original;
        } else {
            *m = t;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_fields_take_theirs_and_typed_fields_stay() {
        let mut mine = vec![
            Field::new("Title", "old title", false, ""),
            Field::new("Details", "old details", true, ""),
            Field::new("Impact", "same", true, ""),
        ];
        mine[1].set_text("my details");
        let theirs = vec![
            Field::new("Title", "their title", false, ""),
            Field::new("Details", "their details", true, ""),
            Field::new("Impact", "same", true, ""),
        ];
        let changes = rebase(&mut mine, theirs);
        assert_eq!(mine[0].value(), "their title");
        assert!(!mine[0].changed());
        assert_eq!(mine[1].value(), "my details");
        assert!(mine[1].changed(), "still counts as the analyst's change");
        assert_eq!(mine[2].value(), "same");
        assert_eq!(
            changes,
            vec![
                Change {
                    label: "Title",
                    theirs: "their title".into(),
                    yours: None
                },
                Change {
                    label: "Details",
                    theirs: "their details".into(),
                    yours: Some("my details".into())
                },
            ]
        );
    }
}
