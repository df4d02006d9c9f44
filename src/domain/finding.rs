//! Findings: what went wrong, in the six kinds a postmortem names.

use super::string_enum;
use chrono::{DateTime, Utc};

string_enum!(
    /// The six kinds of lapse.
    LapseKind, "finding kind" {
        TechnicalLapse = "technical-lapse" / "technical lapse",
        ProceduralFailure = "procedural-failure" / "procedural failure",
        ManualError = "manual-error" / "manual error",
        ProcessFlaw = "process-flaw" / "process flaw",
        CommunicationGlitch = "communication-glitch" / "communication glitch",
        UnknownVector = "unknown-vector" / "previously unknown attack vector",
    }
);

impl LapseKind {
    /// A two-letter mark for narrow columns.
    pub fn mark(self) -> &'static str {
        match self {
            LapseKind::TechnicalLapse => "TL",
            LapseKind::ProceduralFailure => "PF",
            LapseKind::ManualError => "ME",
            LapseKind::ProcessFlaw => "PR",
            LapseKind::CommunicationGlitch => "CG",
            LapseKind::UnknownVector => "UV",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: String,
    pub incident_id: String,
    pub kind: LapseKind,
    pub title: String,
    pub description: String,
    pub impact: String,
    /// It needs a group outside the team to act.
    pub cross_org: bool,
    pub group: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    pub kind: LapseKind,
    pub title: String,
    pub description: String,
    pub impact: String,
    pub cross_org: bool,
    pub group: String,
}

impl NewFinding {
    pub fn new(kind: LapseKind, title: &str) -> super::Checked<Self> {
        Ok(NewFinding {
            kind,
            title: super::required("title", title)?,
            description: String::new(),
            impact: String::new(),
            cross_org: false,
            group: String::new(),
        })
    }
}
