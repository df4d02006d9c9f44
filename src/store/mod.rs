//! The store: one SQLite file holding everything about every incident.
//!
//! Repository functions take and return domain types. Every user action is one
//! `BEGIN IMMEDIATE` transaction that also writes its history rows, so a change is
//! either wholly there (with its record) or not at all.

mod actions;
mod actors;
mod attr_names;
mod bundle;
mod bundle_check;
mod bundle_load;
mod bundle_stream;
mod bundle_tables;
mod bundle_values;
mod columns;
mod density;
mod error;
mod evaluation;
mod events;
mod evidence;
mod fields;
mod findings;
mod history;
mod ids;
mod import;
mod incidents;
pub mod merge;
mod merge_import;
mod open;
mod owners;
mod progress;
mod rows;
mod search;
mod search_backlog;
mod seed;
mod set_aside;
mod undo;

pub use actions::{BacklogFilter, OwnerLoad, ReviewInput, action_json, review_json};
/// The SQL function a connection to debrief's database needs to read events through the
/// view `events_v` or to change them (schema 17): tools that open the file themselves.
pub use attr_names::register as register_sql_functions;
pub use bundle::{BUNDLE_VERSION, BundleOutcome};
pub use bundle_load::{BaseText, ROW_HISTORY_EVENTS};
pub use bundle_stream::precheck_bundle;
pub use density::Density;
pub use error::{Result, StoreError};
pub use evaluation::{EVALUATION_FIELDS, evaluation_json};
pub use events::{EventFilter, EventPage, PageCursor};
pub use evidence::{EvidenceSummary, Target, evidence_json};
pub use findings::{FindingSummary, finding_json};
pub use ids::{IdKind, short_id};
pub use import::{ImportOutcome, ImportRun};
pub use incidents::IncidentSummary;
pub use merge_import::{Base, MergeImport};
pub use open::{APPLICATION_ID, folder_warning, latest_version, migrations, open_regular};
pub use progress::{BACKGROUND_WEIGHT, Progress};
pub use search_backlog::BACKLOG_SLICE;
pub(crate) use set_aside::ENTITY as EVENTS_SET_ASIDE;
pub use undo::Replayed;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::Cell;
use std::path::Path;

/// Where "now" comes from: the wall clock, or a fixed instant in tests.
pub type Clock = Box<dyn Fn() -> DateTime<Utc> + Send>;

/// How new record ids are made: UUID v7, or a predictable sequence in tests.
enum Ids {
    Random,
    Sequential(Cell<u64>),
}

impl Ids {
    fn next(&self) -> String {
        match self {
            Ids::Random => crate::domain::new_id(),
            Ids::Sequential(n) => {
                n.set(n.get() + 1);
                format!("00000000-0000-7000-8000-{:012}", n.get())
            }
        }
    }

    /// The next id of a batch (an import's events). The first is a UUID v7 like any
    /// other; the next ones count its 62 random bits up, so a million ids cost one draw
    /// of randomness instead of a million system calls. They stay unique, valid v7 and in
    /// order (they share the batch's millisecond).
    fn next_of_batch(&self, batch: &mut Option<u128>) -> String {
        const RANDOM_B: u128 = (1 << 62) - 1;
        match self {
            Ids::Sequential(_) => self.next(),
            Ids::Random => {
                let v = match *batch {
                    None => uuid::Uuid::now_v7().as_u128(),
                    Some(prev) => (prev & !RANDOM_B) | (prev.wrapping_add(1) & RANDOM_B),
                };
                *batch = Some(v);
                uuid::Uuid::from_u128(v).to_string()
            }
        }
    }
}

pub struct Store {
    conn: Connection,
    /// Who the history says made the changes.
    analyst: String,
    clock: Clock,
    ids: Ids,
    /// Writes committed through this store, so cached search hits know they are stale
    /// (other connections' commits show in `PRAGMA data_version`).
    writes: Cell<u64>,
    /// Which search `temp.search_hits` holds.
    search_hits: std::cell::RefCell<Option<search::SearchKey>>,
    /// How the latest search is run (see `search.rs`).
    search_plan: std::cell::RefCell<Option<(search::SearchKey, search::Plan)>>,
    /// The latest search's FTS5 query with its prefixes written out (see `search.rs`).
    search_terms: std::cell::RefCell<Option<(search::SearchKey, String)>>,
    /// The first hits of the latest capped search count, in rowid order (see `search.rs`).
    search_head: std::cell::RefCell<Option<search::SearchHead>>,
    /// This connection's session (a workbench window, one CLI command): recorded on every
    /// change set it writes, so undo and redo take back this session's own changes.
    session: String,
    /// Where a long write reports how far it has gone (a background undo).
    progress: Option<Progress>,
    /// Why writes are refused for now (another connection's long write holds the lock).
    held: Option<String>,
}

impl Store {
    /// Opens the database file at `path`, creating it (0600) and its folder when missing.
    /// Refuses, without writing to it, a file that is empty, not SQLite, not debrief's, or
    /// from a newer debrief.
    pub fn open(path: &Path, analyst: &str) -> Result<Store> {
        Ok(Store::with_connection(open::open_file(path)?, analyst))
    }

    /// [`Store::open`], telling `note` before an upgrade of the schema starts.
    pub fn open_noting(path: &Path, analyst: &str, note: &(dyn Fn(&str) + Sync)) -> Result<Store> {
        Ok(Store::with_connection(
            open::open_file_noting(path, note)?,
            analyst,
        ))
    }

    pub fn open_in_memory(analyst: &str) -> Result<Store> {
        Ok(Store::with_connection(open::open_memory()?, analyst))
    }

    fn with_connection(conn: Connection, analyst: &str) -> Store {
        Store {
            conn,
            analyst: analyst.to_string(),
            clock: Box::new(Utc::now),
            ids: Ids::Random,
            writes: Cell::new(0),
            search_hits: std::cell::RefCell::new(None),
            search_plan: std::cell::RefCell::new(None),
            search_terms: std::cell::RefCell::new(None),
            search_head: std::cell::RefCell::new(None),
            session: crate::domain::new_id(),
            progress: None,
            held: None,
        }
    }

    /// This connection's session id (see [`Store::undo`]).
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Joins another connection's session: the workbench's import thread writes with a
    /// connection of its own, and the window's `u` must undo that import as its own.
    pub fn with_session(mut self, session: &str) -> Store {
        self.session = session.to_string();
        self
    }

    /// Fixes the clock (tests, reproducible reports).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Makes ids predictable (`00000000-0000-7000-8000-000000000001`, ...) for tests.
    pub fn use_sequential_ids(&mut self) {
        self.ids = Ids::Sequential(Cell::new(0));
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub fn analyst(&self) -> &str {
        &self.analyst
    }

    /// Runs `f` in one IMMEDIATE transaction recording one change set named `label`
    /// ("add event"), the unit that undo reverses. IMMEDIATE takes the write lock up
    /// front: a deferred read-then-write transaction would fail at once with "database
    /// is locked" when another process writes.
    fn write<T>(&mut self, label: &str, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_if(label, |w| f(w).map(|v| (v, true)))
    }

    /// Like [`Store::write`], but `f` decides whether to commit (`true`) or roll back
    /// (`false`, e.g. a dry run or an import with bad rows); its value is returned either way.
    fn write_if<T>(
        &mut self,
        label: &str,
        f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        let by = self.analyst.clone();
        self.write_by(&by, label, f)
    }

    /// Like [`Store::write_if`], recorded as made by `by` (a bundle's side, when its
    /// changes are merged in) rather than this database's analyst.
    fn write_by<T>(
        &mut self,
        by: &str,
        label: &str,
        f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        if let Some(reason) = &self.held {
            return Err(StoreError::Held(reason.clone()));
        }
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO change_sets (at_us, by, label, session) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![now.timestamp_micros(), by, label, self.session],
        )?;
        let change_set = tx.last_insert_rowid();
        let writer = Writer {
            tx,
            now,
            by,
            change_set,
            ids: &self.ids,
            progress: self.progress.as_ref(),
        };
        let (value, commit) = f(&writer)?;
        if commit {
            writer.finish()?;
            writer.tx.commit()?;
            self.writes.set(self.writes.get() + 1);
        }
        Ok(value)
    }

    /// Writes a consistent copy of the whole database into `target`, while it is in use:
    /// SQLite's `VACUUM INTO` reads one snapshot. The caller creates `target` empty
    /// beforehand (readable by its owner only, so the copy is private from its first
    /// byte); it is removed again when the copy fails.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        let result = self
            .conn
            .execute("VACUUM INTO ?1", [target.to_string_lossy().into_owned()]);
        if let Err(e) = result {
            let _ = std::fs::remove_file(target);
            return Err(e.into());
        }
        Ok(())
    }

    /// What `PRAGMA integrity_check` finds wrong, page by page (nothing when the file is
    /// sound). It reads the whole file, so it is a command of its own, not part of opening.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let mut rows = stmt.query([])?;
        let mut problems = Vec::new();
        loop {
            match rows.next() {
                // One row may hold several problems, one a line, under a heading.
                Ok(Some(row)) => problems.extend(
                    row.get::<_, String>(0)?
                        .lines()
                        .filter(|line| !line.starts_with("*** in database"))
                        .map(str::to_string),
                ),
                Ok(None) => break,
                // Damage the check cannot read past (the full-text index's own check reads
                // every event) ends the list, after what the page checks found.
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                    problems.push(format!("the check stopped: {e}"));
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        problems.retain(|line| line != "ok");
        Ok(problems)
    }

    /// How many incidents and events the whole database holds.
    pub fn totals(&self) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM events)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    /// A number that changes whenever another connection (another window, the CLI, a
    /// background import) commits to the database; this connection's own commits leave it
    /// alone. The workbench polls it to show other windows' changes.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The raw connection, for checks in tests and maintenance commands.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The context of one write transaction: when, by whom, and which change set it records.
pub(crate) struct Writer<'a> {
    tx: Transaction<'a>,
    now: DateTime<Utc>,
    by: &'a str,
    change_set: i64,
    ids: &'a Ids,
    progress: Option<&'a Progress>,
}

impl Writer<'_> {
    fn new_id(&self) -> String {
        self.ids.next()
    }

    /// An id of a batch of many records (see `Ids::next_of_batch`).
    fn batch_id(&self, batch: &mut Option<u128>) -> String {
        self.ids.next_of_batch(batch)
    }

    fn now_us(&self) -> i64 {
        self.now.timestamp_micros()
    }

    /// The one text column of every row a query returns (ids to walk through).
    pub(crate) fn strings(&self, sql: &str, param: &str) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let rows = stmt.query_map([param], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// After a field setter: says so when the record is gone, else bumps its version.
    pub(crate) fn touched(&self, table: &str, what: &str, id: &str, rows: usize) -> Result<()> {
        if rows == 0 {
            return Err(StoreError::NotFound(format!(
                "{what} {id} no longer exists"
            )));
        }
        self.tx.execute(
            &format!("UPDATE {table} SET updated_us = ?1, version = version + 1 WHERE id = ?2"),
            rusqlite::params![self.now_us(), id],
        )?;
        Ok(())
    }

    /// Files the change set under the incident it touched; drops it when nothing changed,
    /// so undo never steps over an empty action.
    fn finish(&self) -> Result<()> {
        let recorded: i64 = self.tx.query_row(
            "SELECT count(*) FROM history WHERE change_set = ?1",
            [self.change_set],
            |r| r.get(0),
        )?;
        if recorded == 0 {
            self.tx
                .execute("DELETE FROM change_sets WHERE id = ?1", [self.change_set])?;
        } else {
            self.tx.execute(
                "UPDATE change_sets SET incident_id =
                     (SELECT incident_id FROM history WHERE change_set = ?1 AND incident_id IS NOT NULL LIMIT 1)
                 WHERE id = ?1",
                [self.change_set],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod bundle_load_tests;
#[cfg(test)]
mod bundle_tests;
#[cfg(test)]
mod density_tests;
#[cfg(test)]
mod evaluation_tests;
#[cfg(test)]
mod failure_tests;
#[cfg(test)]
mod import_tests;
#[cfg(test)]
mod interchange_tests;
#[cfg(test)]
mod search_backlog_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
