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
    pub fingerprint: RowFingerprint,
}

/// A row with a time, a text and a fingerprint and nothing else (tests).
#[cfg(test)]
impl ImportedRow {
    pub(crate) fn plain(
        line: u64,
        at: Timestamp,
        text: impl Into<String>,
        fingerprint: impl Into<RowFingerprint>,
    ) -> Self {
        ImportedRow {
            line,
            at,
            text: text.into(),
            actor: None,
            source: None,
            phase: None,
            tags: vec![],
            technique: None,
            attrs: vec![],
            fingerprint: fingerprint.into(),
        }
    }
}

/// Identifies a source row: the first 8 bytes of the SHA-256 of its cells and their
/// column names, kept as 8 bytes (hex text took 32 in every row and its index). A row is
/// a duplicate only with the same text as well, so two rows whose hashes happen to share
/// 8 bytes are both kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowFingerprint(pub [u8; 8]);

impl RowFingerprint {
    /// The fingerprint of these bytes (a reader hashes a row's cells and names).
    pub fn of_bytes(bytes: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        Self::from_digest(&Sha256::digest(bytes))
    }

    /// The first 8 bytes of a SHA-256 digest.
    pub fn from_digest(digest: &[u8]) -> Self {
        let mut out = [0u8; 8];
        out.copy_from_slice(&digest[..8]);
        RowFingerprint(out)
    }
}

/// Tests name rows by text: the fingerprint of that text.
impl From<&str> for RowFingerprint {
    fn from(text: &str) -> Self {
        Self::of_bytes(text.as_bytes())
    }
}

impl From<String> for RowFingerprint {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
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
