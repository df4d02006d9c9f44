//! The event form: add or edit one event of the open incident's timeline.

use super::super::effect::Effect;
use super::super::open::OpenIncident;
use super::super::shell::Cx;
use super::conflict::{self, StaleForm};
use super::form::{Field, Fields, FormAction, cancel, form_key, optional, problem, show_time};
use super::{Outcome, Overlay};
use crate::domain::event::{normalize_tags, validate_technique_id};
use crate::domain::{Event, NewEvent, Phase, TimeContext, Timestamp, attack, parse_time};
use crate::store::StoreError;
use crate::text::{clip, inert};
use crossterm::event::KeyEvent;

pub const WHEN: &str = "When";
pub const WHAT: &str = "What";
pub const ACTOR: &str = "Actor";
pub const SOURCE: &str = "Source";
pub const PHASE: &str = "Phase";
pub const TAGS: &str = "Tags";
pub const TECHNIQUE: &str = "Technique";

#[derive(Debug, Clone)]
pub struct EventForm {
    pub fields: Fields,
    /// The event being edited (with the version it was read at), or none when adding.
    pub editing: Option<Event>,
    pub ctx: TimeContext,
}

impl EventForm {
    pub fn add(ctx: TimeContext, default_at: Option<&Timestamp>) -> EventForm {
        let at = default_at
            .map(|t| show_time(t, ctx.zone))
            .unwrap_or_default();
        EventForm::with_values(ctx, None, [&at, "", "", "", "", "", ""])
    }

    pub fn edit(ctx: TimeContext, e: &Event) -> EventForm {
        let at = show_time(&e.at, ctx.zone);
        let phase = e.phase.map(|p| p.as_str()).unwrap_or_default();
        let tags = e.tags.join(" ");
        let actor = e.actor.as_deref().unwrap_or_default();
        let source = e.source.as_deref().unwrap_or_default();
        let technique = e.technique.as_deref().unwrap_or_default();
        let values = [at.as_str(), &e.text, actor, source, phase, &tags, technique];
        EventForm::with_values(ctx, Some(e.clone()), values)
    }

    #[rustfmt::skip]
    fn with_values(ctx: TimeContext, editing: Option<Event>, v: [&str; 7]) -> EventForm {
        let list = vec![
            Field::new(WHEN, v[0], false, "14:02, 2026-03-11 14:02:05Z, ~15:00"),
            Field::new(WHAT, v[1], true, "what happened, as precisely as the evidence says"),
            Field::new(ACTOR, v[2], false, "who or what did it"),
            Field::new(SOURCE, v[3], false, "where it was seen: a log, an alert, a person"),
            Field::new(PHASE, v[4], false, "precursor, initial-access, impact, detection, ..."),
            Field::new(TAGS, v[5], false, "words separated by spaces"),
            Field::new(TECHNIQUE, v[6], false, "ATT&CK id, e.g. T1078.004"),
        ];
        let focus = if editing.is_some() { WHAT } else { WHEN };
        EventForm { fields: Fields::new(list, focus), editing, ctx }
    }

    pub fn changed(&self) -> bool {
        self.fields.changed()
    }

    /// The problem with a field as typed (`None` when it is fine).
    fn error_of(&self, label: &str) -> Option<String> {
        let v = self.fields.value(label);
        match label {
            WHEN => parse_time(&v, &self.ctx).err().map(|e| e.reason),
            WHAT => v.trim().is_empty().then(|| "say what happened".to_string()),
            PHASE => optional(&v).and_then(|p| problem(p.parse::<Phase>())),
            TAGS => problem(normalize_tags(&v.split_whitespace().collect::<Vec<_>>())),
            TECHNIQUE => optional(&v).and_then(|t| {
                problem(
                    validate_technique_id(&t).and_then(|id| attack::require_known(&id).map(drop)),
                )
            }),
            _ => None,
        }
    }

    /// The problem with each field as typed, in the order of the fields.
    pub fn errors(&self) -> Vec<Option<String>> {
        self.fields.check(|label| self.error_of(label))
    }

    /// The event as typed, or the first problem.
    pub fn to_new_event(&self) -> Result<NewEvent, String> {
        self.fields.first_error(&self.errors())?;
        let v = |label: &str| self.fields.value(label);
        // An untouched time keeps its original offset and sub-second precision.
        let at = match &self.editing {
            Some(e) if !self.fields.get(WHEN).changed() => e.at,
            _ => parse_time(&v(WHEN), &self.ctx).map_err(|e| e.to_string())?,
        };
        let tags: Vec<String> = v(TAGS).split_whitespace().map(str::to_string).collect();
        let mut new = NewEvent::new(at, &v(WHAT))?
            .with_tags(&tags)?
            .with_technique(optional(&v(TECHNIQUE)).as_deref())?;
        new.actor = optional(&v(ACTOR));
        new.source = optional(&v(SOURCE));
        new.phase = optional(&v(PHASE)).map(|p| p.parse()).transpose()?;
        if let Some(e) = &self.editing {
            new.key_kind = e.key_kind;
            new.caused_by = e.caused_by.clone();
        }
        Ok(new)
    }

    /// What the focused field could become by completion (whole field values), from what
    /// the incident already has.
    pub fn suggestions(&self, actors: &[String], tags: &[String]) -> Vec<String> {
        let field = self.fields.focused();
        // Tab completes only what the analyst is typing: an empty field, or one still as
        // the form opened it, is passed over, never changed unasked (tabbing through an
        // edit once turned the actor "M. Ruiz" into a longer known name).
        if field.value().trim().is_empty() || !field.changed() {
            return Vec::new();
        }
        let word = field.current_word().to_lowercase();
        let starts = |c: &String| c.to_lowercase().starts_with(&word) && c.to_lowercase() != word;
        match field.label {
            ACTOR => {
                let typed = field.value().to_lowercase();
                actors
                    .iter()
                    .filter(|a| a.to_lowercase().starts_with(&typed) && a.to_lowercase() != typed)
                    .take(5)
                    .cloned()
                    .collect()
            }
            PHASE => Phase::ALL
                .iter()
                .map(|p| p.as_str().to_string())
                .filter(starts)
                .take(9)
                .collect(),
            TAGS if !word.is_empty() => {
                tags.iter().filter(|t| starts(t)).take(5).cloned().collect()
            }
            TECHNIQUE if field.value().trim().len() >= 2 => {
                technique_suggestions(field.value().trim())
            }
            _ => Vec::new(),
        }
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>, open: Option<&OpenIncident>) -> Outcome {
        let (actors, tags) = open
            .map(|o| (o.timeline.actors.as_slice(), o.timeline.tags.as_slice()))
            .unwrap_or_default();
        let suggestions = self.suggestions(actors, tags);
        match form_key(&mut self.fields, &suggestions, key) {
            FormAction::Handled => Outcome::Keep,
            FormAction::Cancel => cancel(self.changed(), cx),
            FormAction::Save => match open {
                Some(o) => save(self, &o.incident.id, cx),
                None => Outcome::Close(Effect::None),
            },
        }
    }
}

/// Saves the form: a new event of the incident, or the edited one (refused, and the
/// conflict box shown, when another window changed it since the form opened).
pub fn save(form: &EventForm, incident_id: &str, cx: &mut Cx<'_>) -> Outcome {
    let new = match form.to_new_event() {
        Ok(n) => n,
        Err(e) => {
            cx.shell.error(format!("not saved: {e}"));
            return Outcome::Keep;
        }
    };
    let result = match &form.editing {
        Some(before) => cx
            .store
            .update_event(&before.id, &new, Some(before.version)),
        None => cx.store.add_event(incident_id, &new),
    };
    match result {
        Ok(saved) => {
            let verb = if form.editing.is_some() {
                "saved"
            } else {
                "added"
            };
            cx.shell
                .success(format!("{verb}: {}", clip(&inert(&saved.text), 60)));
            Outcome::Close(Effect::Changed(Some(saved.id)))
        }
        Err(StoreError::Stale(_)) => conflict::ask(cx, StaleForm::Event(Box::new(form.clone()))),
        Err(e) => {
            cx.shell.error(format!("not saved: {e}"));
            Outcome::Keep
        }
    }
}

/// Techniques matching what was typed, by id or name, fuzzily ("cloud acc" finds
/// T1078.004 Cloud Accounts), best first.
pub fn technique_suggestions(typed: &str) -> Vec<String> {
    crate::domain::attack::search(typed, 5)
        .into_iter()
        .filter(|t| !t.id.eq_ignore_ascii_case(typed))
        .map(|t| t.id.to_string())
        .collect()
}

impl From<EventForm> for Overlay {
    fn from(form: EventForm) -> Overlay {
        Overlay::EventForm(Box::new(form))
    }
}
