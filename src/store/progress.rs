//! Long writes in the background: how far one has gone, the removal of an import's events
//! in slices that report it, and giving the freed pages back to the file system.
//!
//! A large undo (an import of a million events) runs on a thread with a connection of its
//! own (the workbench's `app/job.rs`); it is still one transaction, so a crash or a kill
//! leaves all or nothing. [`Progress`] is shared with the window, which draws the share
//! done while it keeps answering keys; the window's own connection refuses writes
//! meanwhile ([`Store::hold_writes`]) rather than wait on the lock.

use super::{Result, Store, Writer};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How far a long operation has gone: units done of a total (rows, bytes, pages). Cloning
/// shares the counters.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        let p = Progress::default();
        p.total.store(total, Ordering::Relaxed);
        p
    }

    /// The counter of units done, for a reader that counts bytes itself.
    pub fn done_counter(&self) -> Arc<AtomicU64> {
        self.done.clone()
    }

    pub fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// The share done, 0 to 1 (0 while the total is unknown).
    pub fn ratio(&self) -> f64 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0)
    }
}

/// Events removed per statement when an import is taken back: small enough that the
/// share done moves often, large enough that the statements cost nothing beside the rows.
const SLICE: i64 = 5_000;

/// Free pages given back per step of the incremental vacuum (4 MB at SQLite's 4 KB page).
const VACUUM_STEP: i64 = 1_000;

/// A change of at least this weight (history rows plus imported events) is undone in the
/// background by the workbench.
pub const BACKGROUND_WEIGHT: i64 = 20_000;

impl Store {
    /// Reports the progress of this connection's writes into `progress` (undo, redo).
    pub fn with_progress(mut self, progress: Progress) -> Store {
        self.progress = Some(progress);
        self
    }

    /// While `reason` is set, every write through this connection is refused at once with
    /// it (a long write of another connection holds the lock; waiting for it would freeze
    /// the window). `None` lets writes through again.
    pub fn hold_writes(&mut self, reason: Option<String>) {
        self.held = reason;
    }

    /// How much work undoing (`redo` false) or redoing this session's latest change in
    /// `scope` is: its label and weight (history rows, plus the events of an import or of a
    /// deleted incident's set aside).
    /// `None` when there is nothing to undo or redo.
    pub fn replay_weight(&self, scope: Option<&str>, redo: bool) -> Result<Option<(String, i64)>> {
        let Some((target, label)) = self.replay_target(scope, Some(&self.session), redo)? else {
            return Ok(None);
        };
        let weight: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM history WHERE change_set = ?1)
                  + (SELECT coalesce(sum(imported), 0) FROM imports WHERE id IN
                        (SELECT entity_id FROM history WHERE change_set = ?1 AND entity = 'import'))
                  + (SELECT coalesce(sum(json_extract(coalesce(old, new), '$.events')), 0)
                        FROM history WHERE change_set = ?1 AND entity = 'events_set_aside')",
            [target],
            |r| r.get(0),
        )?;
        Ok(Some((label, weight)))
    }

    /// The number of free pages in the file (given back by [`Store::give_back_space`]).
    pub fn free_pages(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))?)
    }

    /// Whether the file gives free pages back step by step (`auto_vacuum = INCREMENTAL`:
    /// databases created by this version; older ones switch with [`Store::give_back_space`]).
    pub fn incremental_vacuum(&self) -> Result<bool> {
        let mode: i64 = self
            .conn
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        Ok(mode == 2)
    }

    /// Gives the file's free pages back to the file system: step by step on a database in
    /// incremental mode (each step a short transaction, so other windows write between
    /// them), else one `VACUUM` that also switches the file to incremental mode (its time
    /// is that of the data kept, not of the data freed). Then a checkpoint writes the
    /// moved pages into the file, cuts it to its new size and empties the write-ahead log.
    /// Returns the file's size in bytes before and after (its -wal included).
    pub fn give_back_space(&mut self) -> Result<(u64, u64)> {
        let progress = self.progress.clone().unwrap_or_default();
        let before = self.file_bytes();
        if self.incremental_vacuum()? {
            let free = self.free_pages()?;
            progress.add_total(free.max(0) as u64);
            // Each step of the statement frees one page; all its steps are one commit.
            let mut step = self
                .conn
                .prepare(&format!("PRAGMA incremental_vacuum({VACUUM_STEP})"))?;
            loop {
                let left = self.free_pages()?;
                if left == 0 {
                    break;
                }
                let mut rows = step.query([])?;
                while rows.next()?.is_some() {}
                drop(rows);
                let freed = left - self.free_pages()?;
                if freed <= 0 {
                    break;
                }
                progress.advance(freed as u64);
            }
        } else {
            progress.add_total(1);
            self.conn
                .execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")?;
            progress.advance(1);
        }
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok((before, self.file_bytes()))
    }

    /// The database file's size with its write-ahead log (0 in memory).
    pub fn file_bytes(&self) -> u64 {
        let Some(path) = self.path() else { return 0 };
        let size = |suffix: &str| {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
        };
        size("") + size("-wal")
    }
}

impl Writer<'_> {
    /// Deletes the `removed` events of an import (named by its number, as its events name
    /// it) in slices of rowids, moving the progress.
    pub(crate) fn delete_import_events(&self, import_num: &str, removed: i64) -> Result<()> {
        if let Some(p) = self.progress {
            p.add_total(removed.max(0) as u64);
        }
        let mut after = i64::MIN;
        loop {
            let last: Option<i64> = self.tx.query_row(
                "SELECT max(seq) FROM (SELECT seq FROM events WHERE seq > ?2 AND import_id = ?1
                     ORDER BY seq LIMIT ?3)",
                rusqlite::params![import_num, after, SLICE],
                |r| r.get(0),
            )?;
            let Some(last) = last else { return Ok(()) };
            let n = self.tx.execute(
                "DELETE FROM events WHERE seq > ?2 AND seq <= ?3 AND import_id = ?1",
                rusqlite::params![import_num, after, last],
            )?;
            if let Some(p) = self.progress {
                p.advance(n as u64);
            }
            after = last;
        }
    }

    /// One step of an undo or redo done (the total counts the steps).
    pub(crate) fn step_done(&self) {
        if let Some(p) = self.progress {
            p.advance(1);
        }
    }

    /// Says how many steps an undo or redo has.
    pub(crate) fn steps_ahead(&self, n: usize) {
        if let Some(p) = self.progress {
            p.add_total(n as u64);
        }
    }
}
