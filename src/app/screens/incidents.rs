//! The Incidents screen (and the Welcome screen it replaces while there is none): the
//! list of incidents, and its keys.

use super::super::effect::Effect;
use super::super::overlays::{Overlay, Pending, incident_form::IncidentForm};
use super::super::shell::{Cx, keep_in, step};
use crate::keymap::Command;
use crate::store::{IncidentSummary, Result, Store};
use crate::text::inert;

#[derive(Debug, Clone, Default)]
pub struct IncidentsState {
    pub rows: Vec<IncidentSummary>,
    pub selected: usize,
}

impl IncidentsState {
    /// Re-reads the list, keeping the selection on the same incident when it still exists.
    pub fn reload(&mut self, store: &Store) -> Result<()> {
        let current = self.selected_row().map(|r| r.incident.id.clone());
        self.rows = store.list_incidents()?;
        let at = current.and_then(|id| self.rows.iter().position(|r| r.incident.id == id));
        self.selected = keep_in(at.unwrap_or(0), self.rows.len());
        Ok(())
    }

    pub fn selected_row(&self) -> Option<&IncidentSummary> {
        self.rows.get(self.selected)
    }

    pub fn select_key(&mut self, key: &str) {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| r.incident.key.eq_ignore_ascii_case(key))
        {
            self.selected = i;
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = step(self.selected, self.rows.len(), delta);
    }

    /// One command of the Incidents screen.
    pub fn command(&mut self, command: Command, cx: &mut Cx<'_>) -> Effect {
        use Command::*;
        let page = cx.shell.page();
        match command {
            Up => self.move_by(-1),
            Down => self.move_by(1),
            PageUp => self.move_by(-page),
            PageDown => self.move_by(page),
            Top => self.move_by(isize::MIN),
            Bottom => self.move_by(isize::MAX),
            Open => {
                if let Some(r) = self.selected_row() {
                    return Effect::OpenIncident(r.incident.clone());
                }
            }
            Add => return Effect::Open(Overlay::IncidentForm(Box::new(IncidentForm::add()))),
            Edit => {
                if let Some(r) = self.selected_row() {
                    let form = IncidentForm::edit(&r.incident);
                    return Effect::Open(Overlay::IncidentForm(Box::new(form)));
                }
            }
            Delete => {
                if let Some(r) = self.selected_row() {
                    let (id, key, events) =
                        (r.incident.id.clone(), r.incident.key.clone(), r.events);
                    let question = format!(
                        "Delete incident {} and its {events} events? (u undoes)",
                        inert(&key)
                    );
                    let pending = Pending::DeleteIncident { id, key, events };
                    return Effect::Open(Overlay::confirm(question, pending));
                }
            }
            _ => {}
        }
        Effect::None
    }
}

/// The Welcome screen's one key of its own: add the first incident.
pub fn welcome(command: Command) -> Effect {
    match command {
        Command::Add => Effect::Open(Overlay::IncidentForm(Box::new(IncidentForm::add()))),
        _ => Effect::None,
    }
}

/// Deletes an incident the analyst confirmed.
pub fn delete_incident(cx: &mut Cx<'_>, id: &str, key: &str, events: i64) -> Effect {
    match cx.store.delete_incident(id) {
        Ok(()) => {
            cx.shell.success(format!(
                "deleted incident {} with {events} events (u undoes)",
                inert(key)
            ));
            Effect::Refresh
        }
        Err(e) => {
            cx.shell.error(format!("not deleted: {e}"));
            Effect::None
        }
    }
}
