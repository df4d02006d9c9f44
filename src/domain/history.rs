//! The record of every change: what, old, new, when and by whom.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One changed field (or a whole record inserted or deleted, as JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub seq: i64,
    /// Groups the rows written by one user action, so it can be undone as one.
    pub change_set: i64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub entity: String,
    pub entity_id: String,
    pub incident_id: Option<String>,
    /// `insert`, `update` or `delete`.
    pub op: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}
