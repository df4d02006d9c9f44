//! The search backlog (schema 12): events committed before the full-text index holds
//! them. A large import commits its events, their indexes and counts first, so the
//! timeline is usable at once, and leaves the events in `search_backlog`; they are
//! indexed afterwards a slice at a time, each slice one short transaction, so another
//! window's writes go in between and a kill loses at most the slice in hand (the next
//! window that opens the database goes on with the rest). Until then a search finds the
//! events indexed so far, never a wrong one; the workbench says "indexing for search".

use super::{Result, Store};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

/// Events indexed per transaction: about 0.7 s of work, short enough for another window's
/// write to wait on. Smaller slices cost more in all (at a million events, slices of
/// 50,000 took 8.5 s of CPU, of 100,000 7.0 s, one slice 6.2 s: more, smaller segments
/// for FTS5 to merge).
pub const BACKLOG_SLICE: i64 = 100_000;

/// The full-text index's buffer of pending words while a slice is indexed (as the import
/// sets it): one segment per slice, fewer merges.
const SLICE_HASHSIZE: i64 = 64 * 1024 * 1024;
const DEFAULT_HASHSIZE: i64 = 1024 * 1024;
/// A slice's segment is not merged with the others as it is written (FTS5's `automerge`
/// off for the slice, its default of 4 put back before the commit): at a million events
/// that cut the indexing from 7.0 s to 5.2 s of CPU, and searches over the ten segments
/// left took as long as over four; later writes merge them a little at a time.
const DEFAULT_AUTOMERGE: i64 = 4;

impl Store {
    /// How many events wait to be indexed for search (at most: an event deleted while it
    /// waited still counts until its slice comes).
    pub fn search_backlog(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(to_seq - from_seq), 0) FROM search_backlog",
            [],
            |r| r.get(0),
        )?)
    }

    /// Indexes the next `slice` events of the backlog in one transaction and says how
    /// many are left.
    pub fn index_backlog_slice(&mut self, slice: i64) -> Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let next: Option<(i64, i64, i64)> = tx
            .query_row(
                "SELECT id, from_seq, to_seq FROM search_backlog ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((id, from, to)) = next {
            let upto = from.saturating_add(slice.max(1)).min(to);
            let config = "INSERT INTO events_fts (events_fts, rank) VALUES (?1, ?2)";
            tx.execute(config, params!["hashsize", SLICE_HASHSIZE])?;
            tx.execute(config, params!["automerge", 0])?;
            tx.execute(
                "INSERT INTO events_fts (rowid, text, source, tags, attrs)
                 SELECT seq, text, source, tags, attrs FROM events_fts_source WHERE seq > ?1 AND seq <= ?2",
                [from, upto],
            )?;
            tx.execute(config, params!["hashsize", DEFAULT_HASHSIZE])?;
            tx.execute(config, params!["automerge", DEFAULT_AUTOMERGE])?;
            if upto >= to {
                tx.execute("DELETE FROM search_backlog WHERE id = ?1", [id])?;
            } else {
                tx.execute(
                    "UPDATE search_backlog SET from_seq = ?2 WHERE id = ?1",
                    params![id, upto],
                )?;
            }
        }
        let left = tx.query_row(
            "SELECT coalesce(sum(to_seq - from_seq), 0) FROM search_backlog",
            [],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(left)
    }

    /// Indexes the whole backlog, slice by slice, reporting into the store's progress (a
    /// background job's gauge) and to `on_slice` (left, at the start).
    pub fn index_backlog(&mut self, on_slice: &mut dyn FnMut(i64, i64)) -> Result<()> {
        let start = self.search_backlog()?;
        if let Some(p) = &self.progress {
            p.add_total(start.max(0) as u64);
        }
        let mut left = start;
        while left > 0 {
            let now = self.index_backlog_slice(BACKLOG_SLICE)?;
            if let Some(p) = &self.progress {
                p.advance((left - now).max(0) as u64);
            }
            left = now;
            on_slice(left, start);
        }
        Ok(())
    }
}
