//! The Findings screen: findings grouped by kind with the selected one's events and
//! evidence; and tagging an event with what went wrong (the lapse picker's choices).

use super::super::effect::Effect;
use super::super::overlays::{
    Overlay, Pending,
    lapse_picker::{LapseChoice, LapsePicker},
    record_form::RecordForm,
};
use super::super::shell::{Cx, keep_in, step};
use crate::domain::{Event, Evidence, Incident, LapseKind};
use crate::keymap::Command;
use crate::store::{EventFilter, FindingSummary, Result, Store, Target};
use crate::text::{clip, inert};

/// The Findings view: findings grouped by kind, and the selected one's events and evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingsState {
    pub rows: Vec<FindingSummary>,
    pub selected: usize,
    pub events: Vec<Event>,
    pub evidence: Vec<Evidence>,
}

impl FindingsState {
    pub fn load(&mut self, store: &Store, incident: &Incident) -> Result<()> {
        let current = self.selected_row().map(|r| r.finding.id.clone());
        self.rows = store.list_findings(&incident.id)?;
        let at = current.and_then(|id| self.rows.iter().position(|r| r.finding.id == id));
        self.selected = keep_in(at.unwrap_or(0), self.rows.len());
        self.load_selected(store)
    }

    pub fn selected_row(&self) -> Option<&FindingSummary> {
        self.rows.get(self.selected)
    }

    pub fn select_id(&mut self, store: &Store, id: &str) -> Result<()> {
        if let Some(i) = self.rows.iter().position(|r| r.finding.id == id) {
            self.selected = i;
        }
        self.load_selected(store)
    }

    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        self.selected = step(self.selected, self.rows.len(), delta);
        self.load_selected(store)
    }

    fn load_selected(&mut self, store: &Store) -> Result<()> {
        let id = self.selected_row().map(|r| r.finding.id.clone());
        (self.events, self.evidence) = match id {
            Some(id) => (
                store.finding_events(&id)?,
                store.evidence_for(Target::Finding(&id))?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        Ok(())
    }
}

impl FindingsState {
    /// One command of the Findings screen.
    pub fn command(&mut self, incident: &Incident, command: Command, cx: &mut Cx<'_>) -> Effect {
        use Command::*;
        let result = match command {
            Up => self.move_by(cx.store, -1),
            Down => self.move_by(cx.store, 1),
            PageUp | Top => self.move_by(cx.store, isize::MIN),
            PageDown | Bottom => self.move_by(cx.store, isize::MAX),
            _ => Ok(()),
        };
        if let Err(e) = result {
            cx.shell.error(format!("cannot read the findings: {e}"));
            return Effect::None;
        }
        let selected = self.selected_row().map(|r| r.finding.clone());
        let form = |f: RecordForm| Effect::Open(Overlay::Record(Box::new(f)));
        match (command, selected) {
            (Open, Some(f)) => {
                let mut filter = EventFilter::incident(&incident.id);
                filter.finding = Some(f.id.clone());
                let label = format!("finding: {}", clip(&f.title, 40));
                Effect::ShowEvents { filter, label }
            }
            (Add, _) => form(RecordForm::finding(
                None,
                None,
                LapseKind::TechnicalLapse,
                "",
            )),
            (Edit, Some(f)) => form(RecordForm::finding(
                Some(f),
                None,
                LapseKind::TechnicalLapse,
                "",
            )),
            (ActionFromFinding, Some(f)) => form(RecordForm::action(Some(f))),
            (LinkEvidence, Some(f)) => {
                super::super::overlays::evidence_links::EvidenceLinks::for_finding(cx, f)
            }
            (ActionFromFinding, None) => {
                cx.shell.info("no finding selected");
                Effect::None
            }
            (Delete, Some(f)) => {
                let question = format!(
                    "Delete the finding \"{}\"? Its events stay. (u undoes)",
                    inert(&clip(&f.title, 40))
                );
                let pending = Pending::DeleteFinding {
                    id: f.id,
                    title: f.title,
                };
                Effect::Open(Overlay::confirm(question, pending))
            }
            _ => Effect::None,
        }
    }
}

/// Deletes a finding the analyst confirmed.
pub fn delete_finding(cx: &mut Cx<'_>, id: &str, title: &str) -> Effect {
    match cx.store.delete_finding(id) {
        Ok(_) => {
            cx.shell.success(format!(
                "deleted the finding \"{}\" (u undoes)",
                inert(&clip(title, 40))
            ));
            Effect::Changed(None)
        }
        Err(e) => {
            cx.shell.error(format!("not deleted: {e}"));
            Effect::None
        }
    }
}

/// The lapse picker for an event: its incident's findings to link, then a new finding
/// of each kind.
pub fn lapse_picker(cx: &mut Cx<'_>, event: Event) -> Effect {
    let findings = match cx.store.list_findings(&event.incident_id) {
        Ok(f) => f,
        Err(e) => {
            cx.shell.error(format!("cannot read the findings: {e}"));
            return Effect::None;
        }
    };
    let mut choices: Vec<LapseChoice> = findings
        .into_iter()
        .map(|s| LapseChoice::Link {
            label: format!(
                "{:<21} {}",
                s.finding.kind.as_str(),
                inert(&clip(&s.finding.title, 60))
            ),
            finding_id: s.finding.id,
        })
        .collect();
    choices.extend(LapseKind::ALL.iter().map(|k| LapseChoice::New(*k)));
    Effect::Open(Overlay::LapsePicker(Box::new(LapsePicker {
        event,
        choices,
        selected: 0,
    })))
}
