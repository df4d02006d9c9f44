//! A timeline row as a reader of another tool's file gives it: an event ready to
//! store, or why the row could not be read. The readers live in `io::import`; the store
//! takes these.

use super::{Phase, Timestamp};

/// An event read from a row, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRow {
    /// The line the row starts on (1 is the header of a CSV).
    pub line: u64,
    pub at: Timestamp,
    pub text: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub phase: Option<Phase>,
    pub tags: Vec<String>,
    pub technique: Option<String>,
    /// Every other column, in file order.
    pub attrs: Vec<(String, String)>,
    /// Identifies the source row: the same row imported again is recognised.
    pub fingerprint: String,
}

/// A row that could not be read: where, which column, what was wrong, and the row as
/// it was (for the rejects file).
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
    /// The row's cells (CSV) or its one line (JSONL), for the rejects file.
    pub raw: Vec<String>,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c:?}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}
