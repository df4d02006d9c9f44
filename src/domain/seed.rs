//! A whole incident to create in one go (the demo incident; later, imported bundles).

use super::{
    ActorKind, Attribution, EvidenceKind, IncidentPatch, NewEvent, NewFinding, NewIncident,
};

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSeed {
    pub incident: NewIncident,
    /// Fields beyond what a new incident has (summary, flags, status).
    pub details: IncidentPatch,
    pub actors: Vec<SeedActor>,
    /// In any order; `caused_by` of each names another event's `reference`.
    pub events: Vec<SeedEvent>,
    pub findings: Vec<SeedFinding>,
    pub evidence: Vec<SeedEvidence>,
    pub actions: Vec<SeedAction>,
    /// The response evaluation, in checklist order (empty: not started).
    pub evaluation: Vec<SeedEvaluation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedEvaluation {
    pub area: String,
    pub question: String,
    pub sufficiency: Option<super::Rating>,
    pub completeness: Option<super::Rating>,
    pub note: String,
    /// References of the findings the rating rests on.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedAction {
    pub action: super::NewAction,
    /// References of the findings it addresses.
    pub findings: Vec<String>,
    /// Its review history, oldest first.
    pub reviews: Vec<SeedReview>,
    /// The procedure it changed: document, section, when incorporated.
    pub sop: Option<(String, String, Option<chrono::NaiveDate>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedReview {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub note: String,
    /// The status the review set, if it changed it.
    pub status: Option<super::ActionStatus>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedFinding {
    pub reference: String,
    pub finding: NewFinding,
    /// References of the supporting events.
    pub events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedEvidence {
    pub kind: EvidenceKind,
    pub locator: String,
    pub title: String,
    /// For a file: its SHA-256, size and modification time as recorded when collected.
    pub file: Option<(String, i64, chrono::DateTime<chrono::Utc>)>,
    /// References of the events and findings it supports.
    pub events: Vec<String>,
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedActor {
    pub name: String,
    pub kind: ActorKind,
    pub attribution: Attribution,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedEvent {
    pub event: NewEvent,
    /// A name other events of the seed use to say this one caused them.
    pub reference: Option<String>,
    pub caused_by: Option<String>,
}
