//! What is stacked over a screen: help, a confirmation, a prompt, a form, a picker, the
//! review walk, the conflict box. The top one gets the keys. Its handler returns an
//! [`Outcome`]: staying open is the default (`Keep`); closing says what follows.

pub mod confirm;
pub mod conflict;
pub mod event_form;
pub mod evidence_links;
pub mod finding_links;
pub mod form;
pub mod help;
pub mod incident_form;
pub mod key_picker;
pub mod lapse_picker;
pub mod merge_conflicts;
pub mod prompt;
pub mod record_form;
pub mod walk;

use super::effect::Effect;
use super::open::OpenIncident;
use super::shell::Cx;
use crossterm::event::KeyEvent;

pub use confirm::{Confirm, Pending};

#[derive(Debug, Clone)]
pub enum Overlay {
    Help(help::Help),
    Confirm(Confirm),
    EventForm(Box<event_form::EventForm>),
    IncidentForm(Box<incident_form::IncidentForm>),
    Prompt(Box<prompt::Prompt>),
    Record(Box<record_form::RecordForm>),
    Walk(Box<walk::Walk>),
    /// Tick the findings an evaluation area's rating rests on.
    FindingLinks(Box<finding_links::FindingLinks>),
    /// A save refused because another window changed the record first: what now?
    Conflict(Box<conflict::Conflict>),
    /// Choose what went wrong for an event: an existing finding, or a new one of a kind.
    LapsePicker(Box<lapse_picker::LapsePicker>),
    /// Tick the events and findings a piece of evidence backs.
    EvidenceLinks(Box<evidence_links::EvidenceLinks>),
    /// Mark the event as one of the four key events, or none.
    KeyPicker(Box<key_picker::KeyPicker>),
    /// A merged bundle's conflicts, each settled by a side or a new value.
    MergeConflicts(Box<merge_conflicts::MergeConflicts>),
}

/// What a key did to the overlay that had it.
#[derive(Debug)]
pub enum Outcome {
    /// Stay open (the default).
    Keep,
    /// Stay open, and apply this (another overlay over this one).
    KeepAnd(Effect),
    /// Close, then apply this.
    Close(Effect),
    /// Close and put this one in its place.
    Replace(Overlay),
}

impl Overlay {
    pub fn confirm(question: String, pending: Pending) -> Overlay {
        Overlay::Confirm(Confirm { question, pending })
    }

    /// Handles one key.
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>, open: Option<&OpenIncident>) -> Outcome {
        match self {
            Overlay::Help(h) => h.key(key),
            Overlay::Confirm(c) => c.key(key, cx),
            Overlay::EventForm(f) => f.key(key, cx, open),
            Overlay::IncidentForm(f) => f.key(key, cx),
            Overlay::Prompt(p) => p.key(key),
            Overlay::Record(f) => f.key(key, cx, open),
            Overlay::Walk(w) => w.key(key, cx),
            Overlay::FindingLinks(f) => f.key(key, cx),
            Overlay::Conflict(c) => c.key(key, cx, open),
            Overlay::LapsePicker(p) => p.key(key, cx),
            Overlay::KeyPicker(p) => p.key(key, cx),
            Overlay::EvidenceLinks(p) => p.key(key, cx),
            Overlay::MergeConflicts(c) => c.key(key, cx),
        }
    }
}

/// What a key did in a list of ticks (the link pickers).
pub enum Ticked {
    Keep,
    Save,
    Cancel,
}

/// The keys every tick list shares: ↑↓ (j/k) move, space or x ticks, enter saves, esc
/// cancels. `tick` flips the choice at an index.
pub fn tick_list(
    key: KeyEvent,
    selected: &mut usize,
    len: usize,
    tick: impl FnOnce(usize),
) -> Ticked {
    use crossterm::event::KeyCode;
    match key.code {
        KeyCode::Esc => return Ticked::Cancel,
        KeyCode::Enter => return Ticked::Save,
        KeyCode::Down | KeyCode::Char('j') => *selected = super::shell::step(*selected, len, 1),
        KeyCode::Up | KeyCode::Char('k') => *selected = super::shell::step(*selected, len, -1),
        KeyCode::Char(' ' | 'x') => tick(*selected),
        _ => {}
    }
    Ticked::Keep
}
