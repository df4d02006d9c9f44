//! The state of the incident's other views: Overview, Findings, Evidence & actors. Each is
//! read from the store by `load` when the view is shown or after a change.

use crate::domain::{Actor, Event, Evidence, Incident, LapseKind};
use crate::store::{EvidenceSummary, FindingSummary, Result, Store, Target};

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
    pub fn load(store: &Store, incident: &Incident) -> Result<Self> {
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
        self.selected = current
            .and_then(|id| self.rows.iter().position(|r| r.finding.id == id))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
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
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
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

/// The Evidence & actors view: two lists, one of them focused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceState {
    pub actors: Vec<(Actor, i64)>,
    pub evidence: Vec<EvidenceSummary>,
    /// False: the actors list has the keys; true: the evidence list.
    pub on_evidence: bool,
    pub actor: usize,
    pub item: usize,
}

impl EvidenceState {
    pub fn load(&mut self, store: &Store, incident: &Incident) -> Result<()> {
        let counts = store.actor_event_counts(&incident.id)?;
        self.actors = store
            .list_actors(&incident.id)?
            .into_iter()
            .map(|a| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == a.id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (a, n)
            })
            .collect();
        self.evidence = store.list_evidence(&incident.id)?;
        self.actor = self.actor.min(self.actors.len().saturating_sub(1));
        self.item = self.item.min(self.evidence.len().saturating_sub(1));
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        let (index, len) = if self.on_evidence {
            (&mut self.item, self.evidence.len())
        } else {
            (&mut self.actor, self.actors.len())
        };
        let last = len.saturating_sub(1) as isize;
        *index = (*index as isize + delta).clamp(0, last.max(0)) as usize;
    }
}
