//! The Incidents view's state.

use crate::store::{IncidentSummary, Result, Store};

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
        self.selected = current
            .and_then(|id| self.rows.iter().position(|r| r.incident.id == id))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
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
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }
}
