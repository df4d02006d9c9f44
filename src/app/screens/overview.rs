//! The Overview screen: the incident's summary, metrics and counts, scrolled; `e` edits
//! the summary, response and takeaways.

use super::super::effect::Effect;
use super::super::overlays::{Overlay, record_form::RecordForm};
use super::super::shell::Cx;
use crate::domain::{Event, Incident, LapseKind};
use crate::keymap::Command;
use crate::store::{Result, Store};

/// Counts shown on the Overview.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverviewState {
    pub events: i64,
    pub findings: Vec<(LapseKind, usize)>,
    pub findings_without_evidence: usize,
    pub actors: usize,
    pub evidence: usize,
    /// Open actions, and how many of them are past due (on the store's day).
    pub open_actions: usize,
    pub overdue_actions: usize,
    pub key_events: Vec<Event>,
    /// Time to detect, contain, recover, and in all, from the key events.
    pub metrics: Vec<crate::domain::metrics::Metric>,
    /// How far the long texts are scrolled.
    pub scroll: u16,
}

impl OverviewState {
    pub fn read(store: &Store, incident: &Incident) -> Result<Self> {
        let findings = store.list_findings(&incident.id)?;
        let by_kind = LapseKind::ALL
            .iter()
            .map(|k| (*k, findings.iter().filter(|f| f.finding.kind == *k).count()))
            .collect();
        let key_events = store.key_events(&incident.id)?;
        let filter = crate::store::BacklogFilter {
            incident_id: Some(incident.id.clone()),
            open_only: true,
            ..Default::default()
        };
        let open = store.backlog(&filter)?;
        let today = store.now().date_naive();
        Ok(OverviewState {
            events: store.count_events(&incident.id)?,
            findings: by_kind,
            findings_without_evidence: findings.iter().filter(|f| f.evidence == 0).count(),
            actors: store.list_actors(&incident.id)?.len(),
            evidence: store.list_evidence(&incident.id)?.len(),
            open_actions: open.len(),
            overdue_actions: open.iter().filter(|a| a.is_overdue(today)).count(),
            metrics: crate::domain::metrics::metrics(&key_events),
            key_events,
            scroll: 0,
        })
    }
}

impl OverviewState {
    /// Re-reads the counts, keeping how far the text is scrolled.
    pub fn load(&mut self, store: &Store, incident: &Incident) -> Result<()> {
        let scroll = self.scroll;
        *self = OverviewState {
            scroll,
            ..OverviewState::read(store, incident)?
        };
        Ok(())
    }

    /// One command of the Overview screen.
    pub fn command(&mut self, incident: &Incident, command: Command, cx: &mut Cx<'_>) -> Effect {
        let page = cx.shell.height.saturating_sub(6).max(1);
        let scroll = &mut self.scroll;
        match command {
            Command::Down => *scroll = scroll.saturating_add(1),
            Command::Up => *scroll = scroll.saturating_sub(1),
            Command::PageDown => *scroll = scroll.saturating_add(page),
            Command::PageUp => *scroll = scroll.saturating_sub(page),
            Command::Top => *scroll = 0,
            Command::Edit => {
                let form = RecordForm::overview(incident);
                return Effect::Open(Overlay::Record(Box::new(form)));
            }
            _ => {}
        }
        Effect::None
    }
}
