//! Evidence: what a claim rests on, a local file (hashed) or a URL / ticket reference.

use super::string_enum;
use chrono::{DateTime, Utc};

string_enum!(
    EvidenceKind, "evidence kind" {
        File = "file" / "file",
        Url = "url" / "URL or ticket",
    }
);

string_enum!(
    /// What the last check of a file found.
    VerifyState, "verification state" {
        Ok = "ok" / "unchanged",
        Changed = "changed" / "changed since it was added",
        Missing = "missing" / "missing",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: String,
    pub incident_id: String,
    pub kind: EvidenceKind,
    /// The path as given (absolute), or the URL / ticket reference.
    pub locator: String,
    pub title: String,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub modified: Option<DateTime<Utc>>,
    pub added: DateTime<Utc>,
    pub verified: Option<DateTime<Utc>>,
    pub state: Option<VerifyState>,
}

/// What a file's hash, size and time were when read (the hashing is in `io::hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub sha256: String,
    pub size: i64,
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
}
