//! What can go wrong in the store, worded for the person who has to act on it.

use crate::domain::Invalid;
use std::borrow::Cow;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file at `path` is not one debrief may open; nothing was written to it.
    #[error("{}: {reason}", path.display())]
    Refused { path: PathBuf, reason: String },
    #[error("{0}")]
    NotFound(String),
    /// A value that breaks the rules: which field, and why.
    #[error("{0}")]
    Invalid(Invalid),
    /// A clash with what is there (a duplicate key, a second "first malicious" event).
    #[error("{0}")]
    Conflict(String),
    /// An edit of a record that another connection changed since it was read (its
    /// version moved on); nothing was written.
    #[error("{0}")]
    Stale(String),
    #[error("the database is busy (another debrief is writing to it); try again in a moment")]
    Busy,
    /// This window refuses writes while its own long write runs in the background (an
    /// undo of a large import): the reason says which and what to do.
    #[error("{0}")]
    Held(String),
    /// SQLite met a damaged page (or a file that is no database) while reading; the
    /// statement failed and its transaction rolled back. Found only when that page is read:
    /// checking every page on each open would be too slow for a large database.
    #[error(
        "the database file is damaged ({0}); nothing was changed: run `debrief check` for \
         the details, and restore the file from a backup"
    )]
    Corrupt(String),
    /// SQLITE_FULL (the disk, or the file's size limit); the transaction rolled back.
    #[error("the disk is full: nothing was saved; free some space and try again")]
    DiskFull,
    /// SQLITE_IOERR: the operating system refused a read or write (a failing or removed
    /// disk, a file size limit); the transaction rolled back.
    #[error(
        "the disk reported an error ({0}); nothing was saved: check the disk and free \
         space, then run `debrief check`"
    )]
    DiskError(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// A broken rule found by the store itself (a reference to nothing, a clash with
    /// what is stored), named by the field or record it is about.
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid(Invalid::new(field, reason))
    }
}

impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> StoreError {
        StoreError::Invalid(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt(e.to_string())
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::SystemIoFailure) => StoreError::DiskError(e.to_string()),
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => err.into(),
            other => StoreError::invalid("schema", format!("migration failed: {other}")),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// True when a SQLite error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}
