//! The incident open in the workbench: the incident, its time context, and the state of
//! each screen that belongs to it. There is at most one; its screens read it, and the
//! router re-reads it after a change.

use super::screens::evaluation::EvaluationState;
use super::screens::evidence::EvidenceState;
use super::screens::findings::FindingsState;
use super::screens::overview::OverviewState;
use super::screens::report::ReportState;
use super::screens::timeline::{Incidental, TimelineState};
use super::settings::Settings;
use crate::app::View;
use crate::domain::{Incident, TimeContext};
use crate::store::{Result, Store};

pub struct OpenIncident {
    pub incident: Incident,
    /// The zone and date naive times are read in.
    pub ctx: TimeContext,
    pub timeline: TimelineState,
    pub overview: OverviewState,
    pub findings: FindingsState,
    pub evidence: EvidenceState,
    pub evaluation: EvaluationState,
    pub report: ReportState,
}

impl OpenIncident {
    pub fn open(store: &Store, incident: Incident, viewport: usize) -> Result<OpenIncident> {
        let ctx = store.time_context(&incident)?;
        let timeline = TimelineState::open(store, &incident, viewport)?;
        Ok(OpenIncident {
            incident,
            ctx,
            timeline,
            overview: OverviewState::default(),
            findings: FindingsState::default(),
            evidence: EvidenceState::default(),
            evaluation: EvaluationState::default(),
            report: ReportState::default(),
        })
    }

    pub fn id(&self) -> &str {
        &self.incident.id
    }

    /// What the timeline's keys need of the incident.
    pub fn parts(&mut self) -> (&mut TimelineState, Incidental<'_>) {
        let on = Incidental {
            incident: &self.incident,
            ctx: &self.ctx,
        };
        (&mut self.timeline, on)
    }

    /// Re-reads the incident and its time context. `false`: it is gone.
    pub fn refresh_incident(&mut self, store: &Store) -> Result<bool> {
        match store.incident_by_id(&self.incident.id)? {
            Some(i) => {
                self.ctx = store.time_context(&i)?;
                self.incident = i;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Re-reads what one of the incident's screens shows.
    pub fn load(&mut self, view: View, store: &Store, settings: &Settings) -> Result<()> {
        let i = &self.incident;
        match view {
            View::Overview => self.overview.load(store, i),
            View::Findings => self.findings.load(store, i),
            View::Evidence => self.evidence.load(store, i),
            View::Evaluation => self.evaluation.load(store, i, settings),
            View::Report => self.report.load(store, i, settings),
            _ => Ok(()),
        }
    }
}
