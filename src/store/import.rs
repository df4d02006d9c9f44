//! Importing a timeline: every row in one IMMEDIATE transaction, all or nothing.
//!
//! An import is recorded as one history row (the import, with its counts), not one per
//! event: a million-row file would otherwise write a million snapshots. Undo removes the
//! events the import added; it cannot be redone (importing the file again does the same,
//! and skips what is already there).

use super::{Result, Store, StoreError, Writer};
use crate::domain::imported::{ImportedRow, RowError, RowFingerprint};
use crate::domain::{ActorKind, Attribution};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// How to run an import.
#[derive(Debug, Clone, Default)]
pub struct ImportRun {
    /// The file, as the analyst named it (recorded with the import).
    pub file: String,
    /// The format's name (`timesketch-csv`).
    pub format: String,
    /// Import the good rows and skip the bad ones (otherwise one bad row stops it all).
    pub skip_bad: bool,
    /// Read, check and count everything, then roll back.
    pub dry_run: bool,
    /// An import of at least this many events leaves indexing them for search to
    /// afterwards (store/search_backlog.rs); `None`: [`SEARCH_LATER_FROM`].
    pub search_later_from: Option<u64>,
}

/// Imports of this many events or more commit before they are indexed for search: the
/// timeline of a million events is usable seconds sooner, and search follows.
pub const SEARCH_LATER_FROM: u64 = 200_000;

/// What an import did (or, in a dry run or a refused import, would have done).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOutcome {
    pub rows: u64,
    pub imported: u64,
    pub duplicates: u64,
    pub bad: u64,
    /// Whether the events are in the database now.
    pub committed: bool,
    pub import_id: Option<String>,
    /// The events are committed but wait in the search backlog to be indexed for search
    /// ([`Store::index_backlog`]).
    pub search_later: bool,
}

/// Rows inserted with the events table's indexes in place before they are dropped and
/// built again once at the end (sorting a million keys once is cheaper than keeping
/// several indexes in order row by row), unless the table already holds more.
const BULK_AFTER: i64 = 50_000;

/// The full-text index's buffer of pending words during an import (FTS5's `hashsize`,
/// 1 MB by default): flushed as fewer, larger segments, there is less merging (about a
/// third of the index's build time at a million events). Set back before the commit.
pub(super) const FTS_IMPORT_HASHSIZE: i64 = 64 * 1024 * 1024;
pub(super) const FTS_DEFAULT_HASHSIZE: i64 = 1024 * 1024;

impl Store {
    /// Imports rows into an incident. `on_bad` sees each bad row as it is met (to list it
    /// or write it to a rejects file); `file_hash` is asked at the end, once the file has
    /// been read (the SHA-256 recorded with the import).
    ///
    /// Everything happens in one transaction: a kill or a failure at any point leaves the
    /// database as it was. A large import (see [`ImportRun::search_later_from`]) commits
    /// its events before they are indexed for search: they wait in the search backlog,
    /// which [`Store::index_backlog`] works off afterwards. A large import drops the
    /// events' time index after its first rows and builds it again at the end, then
    /// removes the rows the incident already had (same time, fingerprint and text),
    /// looked up through that index after the load instead of row by row.
    pub fn import_rows(
        &mut self,
        incident_id: &str,
        rows: &mut (dyn Iterator<Item = std::result::Result<ImportedRow, RowError>> + Send),
        run: &ImportRun,
        on_bad: &mut dyn FnMut(&RowError),
        file_hash: &dyn Fn() -> String,
    ) -> Result<ImportOutcome> {
        self.require_incident_id(incident_id)?;
        let label = format!("import {}", run.file);
        // A bigger page cache while the indexes grow (64 MB, given back afterwards).
        self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        // Its commit is not followed by copying the whole import from the -wal file into
        // the database (seconds at a million events) before the timeline can show it:
        // the commit is durable in the -wal already, and the next write (the indexing for
        // search, the next edit) or closing the database checkpoints it.
        self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        let result = self.write_if(&label, |w| {
            let mut out = ImportOutcome::default();
            let import_id = w.new_id();
            let import_num = w.next_import_num()?;
            let incident = w.incident_num(incident_id)?;
            // The full-text index is filled once at the end, in one statement, instead of
            // by the trigger row by row (the trigger comes back in the same transaction).
            let (last_seq, existing): (i64, i64) = w.tx.query_row(
                "SELECT coalesce(max(seq), 0), count(*) FROM events",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let triggers = take_triggers(
                &w.tx,
                &[
                    "events_fts_insert",
                    "event_counts_insert",
                    "event_slots_insert",
                ],
            )?;
            let bulk_after = BULK_AFTER.max(existing);
            let mut dropped: Option<Vec<String>> = None;
            let mut inserted: i64 = 0;
            // A row the incident already had is passed over while the time index is
            // there to say so (an import that finds mostly duplicates never drops it):
            // the same file imported again writes nothing instead of inserting every row
            // and deleting it again. The rest are found after the load.
            let mut passed_over: u64 = 0;
            let had_imported = had_fingerprints(&w.tx, incident)?;
            let mut had_before = had_imported;
            // Into an incident with no imported rows, a duplicate can only repeat an
            // earlier line of this file: the rows whose fingerprint came before are the
            // only ones to look at after the load (8 bytes a row, in memory).
            let mut repeats = Repeats::new(!had_imported);
            let mut importer = Importer::new(w, incident_id, incident, import_num)?;
            read_ahead(rows, |row| -> Result<()> {
                out.rows += 1;
                match row {
                    Ok(r) => {
                        had_before &= dropped.is_none();
                        if had_before && importer.had_before(r, last_seq)? {
                            passed_over += 1;
                            return Ok(());
                        }
                        let seq = importer.insert(r)?;
                        repeats.note(r.fingerprint, seq);
                        inserted += 1;
                        if inserted == bulk_after && dropped.is_none() {
                            dropped = Some(drop_event_indexes(&w.tx)?);
                        }
                    }
                    Err(e) => {
                        out.bad += 1;
                        on_bad(e);
                    }
                }
                Ok(())
            })?;
            drop(importer);
            for sql in dropped.iter().flatten() {
                w.tx.execute_batch(sql)?;
            }
            let duplicates = remove_duplicates(&w.tx, incident, last_seq, inserted, &repeats)?;
            out.duplicates = duplicates + passed_over;
            out.imported = inserted as u64 - duplicates;
            let later = !run.dry_run
                && inserted as u64 >= run.search_later_from.unwrap_or(SEARCH_LATER_FROM);
            if later {
                // Committed first, indexed for search afterwards (search_backlog.rs).
                // Starting past every range waiting already: after an undo the new rows
                // may reuse rowids an earlier range holds, which indexes them itself.
                w.tx.execute(
                    "INSERT INTO search_backlog (from_seq, to_seq)
                     SELECT f, top FROM (SELECT max(?1, coalesce(
                         (SELECT max(to_seq) FROM search_backlog), 0)) AS f,
                         (SELECT max(seq) FROM events) AS top)
                     WHERE top > f",
                    [last_seq],
                )?;
            } else {
                index_new_events(&w.tx, last_seq)?;
            }
            for sql in &triggers {
                w.tx.execute_batch(sql)?;
            }
            w.count_slots_after(incident_id, last_seq)?;
            w.tx.execute(
                "INSERT INTO event_counts (incident_id, events) VALUES (?1, ?2)
                 ON CONFLICT (incident_id) DO UPDATE SET events = events + ?2",
                rusqlite::params![incident_id, out.imported as i64],
            )?;
            let commit = !run.dry_run && (out.bad == 0 || run.skip_bad) && out.imported > 0;
            if commit {
                w.tx.execute(
                    "INSERT INTO imports (id, incident_id, file, format, sha256, rows, imported,
                         skipped, duplicates, at_us, by, num)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        import_id,
                        incident_id,
                        run.file,
                        run.format,
                        file_hash(),
                        out.rows as i64,
                        out.imported as i64,
                        out.bad as i64,
                        out.duplicates as i64,
                        w.now_us(),
                        w.by,
                        import_num
                    ],
                )?;
                w.record_insert(
                    "import",
                    &import_id,
                    Some(incident_id),
                    &json!({
                        "file": run.file, "format": run.format, "rows": out.rows,
                        "imported": out.imported, "skipped": out.bad,
                        "duplicates": out.duplicates,
                    }),
                )?;
                out.import_id = Some(import_id);
            }
            out.committed = commit;
            out.search_later = commit && later;
            Ok((out, commit))
        });
        self.conn
            .execute_batch("PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000")?;
        result
    }

    fn require_incident_id(&self, id: &str) -> Result<()> {
        match self.incident_by_id(id)? {
            Some(_) => Ok(()),
            None => Err(StoreError::NotFound(format!(
                "incident {id} no longer exists"
            ))),
        }
    }
}

/// Rows in a batch handed from the reading thread to the writing one.
const READ_AHEAD_BATCH: usize = 256;

/// Calls `each` on every row while a second thread reads the rows ahead (parses, maps and
/// fingerprints each one, and hashes the file on the way): a third of an import's time at
/// a million rows, which the writing thread no longer waits for. The reader stays a few
/// batches ahead, and stops as soon as `each` fails. The writer hands each batch back for
/// the reader to free and fill again: freeing memory another thread allocated made the
/// allocator contend for its lock, and the import slower than with one thread.
pub(super) fn read_ahead<T: Send, E>(
    rows: &mut (dyn Iterator<Item = T> + Send),
    mut each: impl FnMut(&T) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    use std::sync::mpsc;
    std::thread::scope(|scope| {
        let (full, filled) = mpsc::sync_channel::<Vec<T>>(8);
        let (empty, emptied) = mpsc::channel::<Vec<T>>();
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(READ_AHEAD_BATCH);
            for row in rows {
                batch.push(row);
                if batch.len() == READ_AHEAD_BATCH {
                    let mut next = emptied
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(READ_AHEAD_BATCH));
                    next.clear();
                    // The writer has stopped (a failure): nothing more to read.
                    if full.send(std::mem::replace(&mut batch, next)).is_err() {
                        return;
                    }
                }
            }
            let _ = full.send(batch);
        });
        // Both ends are dropped when this closure returns (a failure too), so a reader
        // blocked on a full channel is let go before the scope waits for it.
        for batch in filled.iter() {
            for row in &batch {
                each(row)?;
            }
            let _ = empty.send(batch);
        }
        Ok(())
    })
}

/// Drops the events table's indexes that every imported row enters (the one on `id`
/// belongs to the table and stays) and returns the statements that make them again, as
/// the schema holds them. The partial indexes of the actor, the cause and the key event
/// stay: an imported row rarely has a value for them, and each built again is one more
/// pass over the whole table (half a second at a million events).
fn drop_event_indexes(tx: &Transaction<'_>) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL
               AND name NOT IN ('events_by_actor', 'events_by_cause', 'events_key_kind')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// The new events (after `last_seq`) whose source row the incident already had: the
/// same time, fingerprint and text on an earlier event of the incident (an earlier
/// import, or an earlier line of this file). The time leads the lookup down the time
/// index; the text guards against two different rows whose 8-byte fingerprints happen to
/// be equal.
const DUPLICATE: &str = "e.incident = ?1 AND e.fingerprint IS NOT NULL
    AND EXISTS (SELECT 1 FROM events p INDEXED BY events_by_time
                WHERE p.incident = e.incident AND p.at_us = e.at_us AND p.seq < e.seq
                  AND p.fingerprint = e.fingerprint AND p.text = e.text)";

/// Whether any event of the incident came from an imported row (only then can a row be
/// one it already had).
fn had_fingerprints(tx: &Transaction<'_>, incident: i64) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM events WHERE incident = ?1 AND fingerprint IS NOT NULL)",
        [incident],
        |r| r.get(0),
    )?)
}

/// The rows of this import whose fingerprint an earlier row of the same import had: the
/// only possible duplicates when the incident had no imported rows before. Not kept
/// (`watch` false) when every new row is looked at anyway.
struct Repeats {
    watch: bool,
    seen: HashSet<RowFingerprint>,
    seqs: Vec<i64>,
}

impl Repeats {
    fn new(watch: bool) -> Self {
        Repeats {
            watch,
            seen: HashSet::new(),
            seqs: Vec::new(),
        }
    }

    fn note(&mut self, fingerprint: RowFingerprint, seq: i64) {
        if self.watch && !self.seen.insert(fingerprint) {
            self.seqs.push(seq);
        }
    }
}

/// Removes the duplicates among the rows just inserted and says how many there were.
/// Each candidate is looked up in the time index: every new row when the incident had
/// imported rows before (or the import is small), otherwise only the rows whose
/// fingerprint came earlier in the file. There is no index of fingerprints: at a million
/// events it took 17 MB and 1.4 s of the import to keep, for a question the time index
/// answers as well (a row that came before has the same time).
fn remove_duplicates(
    tx: &Transaction<'_>,
    incident: i64,
    last_seq: i64,
    inserted: i64,
    repeats: &Repeats,
) -> Result<u64> {
    // The rows are in neither the full-text index nor the counts yet (all are filled
    // afterwards), so the triggers that take a deleted event out of them stay out of it.
    let delete = |rows: &str| {
        format!(
            "DELETE FROM events WHERE seq IN (SELECT e.seq FROM events e WHERE {rows} AND {DUPLICATE})"
        )
    };
    let triggers = [
        "events_fts_delete",
        "event_counts_delete",
        "event_slots_delete",
    ];
    without_triggers(tx, &triggers, || {
        if repeats.watch && inserted > 10_000 {
            let mut one = tx.prepare(&delete("e.seq = ?2"))?;
            let mut removed = 0;
            for seq in &repeats.seqs {
                removed += one.execute(params![incident, seq])? as u64;
            }
            Ok(removed)
        } else {
            Ok(tx.execute(&delete("e.seq > ?2"), params![incident, last_seq])? as u64)
        }
    })
}

/// Runs `f` with the named triggers dropped and makes them again afterwards, in the same
/// transaction (a failure rolls their drop back with the rest).
pub(super) fn without_triggers<T>(
    tx: &Transaction<'_>,
    names: &[&str],
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let made = take_triggers(tx, names)?;
    let out = f()?;
    for sql in &made {
        tx.execute_batch(sql)?;
    }
    Ok(out)
}

/// Drops the named triggers and returns the statements that make them again, as the
/// schema holds them (put back in the same transaction).
pub(super) fn take_triggers(tx: &Transaction<'_>, names: &[&str]) -> Result<Vec<String>> {
    let mut made = Vec::new();
    for name in names {
        let sql: String = tx.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
        made.push(sql);
    }
    Ok(made)
}

/// Indexes the events after `last_seq` for search, in one statement with a large buffer
/// of pending words (set back before the commit). Rows whose rowid a range of the search
/// backlog holds (reused after an undo) are left to that range.
pub(super) fn index_new_events(tx: &Transaction<'_>, last_seq: i64) -> Result<()> {
    let hashsize = "INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', ?1)";
    tx.execute(hashsize, [FTS_IMPORT_HASHSIZE])?;
    tx.execute(
        "INSERT INTO events_fts (rowid, text, source, tags, attrs)
         SELECT seq, text, source, tags, attrs FROM events_fts_source e WHERE seq > ?1
           AND NOT EXISTS (SELECT 1 FROM search_backlog b
                           WHERE e.seq > b.from_seq AND e.seq <= b.to_seq)",
        [last_seq],
    )?;
    tx.execute(hashsize, [FTS_DEFAULT_HASHSIZE])?;
    Ok(())
}

/// Inserts imported rows with one prepared statement, remembering the actors it has seen.
struct Importer<'w, 'a> {
    w: &'w Writer<'a>,
    insert: rusqlite::Statement<'w>,
    incident_id: &'w str,
    /// The incident's number, as its events name it (events.incident).
    incident: i64,
    /// The import's number, as its events name it (events.import_id).
    import_num: String,
    actors: HashMap<String, String>,
    /// The sets of attribute names met: a row keeps only its values (schema 17).
    attr_sets: super::attr_names::AttrSets,
    ids: Option<u128>,
}

impl<'w, 'a> Importer<'w, 'a> {
    fn new(
        w: &'w Writer<'a>,
        incident_id: &'w str,
        incident: i64,
        import_num: i64,
    ) -> Result<Self> {
        let insert = w.tx.prepare(
            "INSERT INTO events (id, incident, at_us, at_offset, at_precision,
                 text, actor_id, source, phase, tags, technique, created_us, updated_us,
                 attrs, fingerprint, import_id, attr_names)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15, ?16)",
        )?;
        Ok(Importer {
            w,
            insert,
            incident_id,
            incident,
            import_num: import_num.to_string(),
            actors: HashMap::new(),
            attr_sets: super::attr_names::AttrSets::new(),
            ids: None,
        })
    }

    fn actor_id(&mut self, name: &str) -> Result<String> {
        let key = name.to_lowercase();
        if let Some(id) = self.actors.get(&key) {
            return Ok(id.clone());
        }
        let actor = self.w.ensure_actor(
            self.incident_id,
            name,
            ActorKind::Unclassified,
            Attribution::Known,
            "",
        )?;
        self.actors.insert(key, actor.id.clone());
        Ok(actor.id)
    }

    /// Whether an event of the incident from before this import (its rowid up to
    /// `last_seq`) has the row's time, fingerprint and text: the same source row (as
    /// [`DUPLICATE`] decides after the load). Asked through the time index.
    fn had_before(&self, r: &ImportedRow, last_seq: i64) -> Result<bool> {
        Ok(self
            .w
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events INDEXED BY events_by_time
                                WHERE incident = ?2 AND at_us = ?5 AND seq <= ?3
                                  AND fingerprint = ?1 AND text = ?4)",
            )?
            .query_row(
                params![
                    &r.fingerprint.0[..],
                    self.incident,
                    last_seq,
                    r.text,
                    r.at.micros()
                ],
                |row| row.get(0),
            )?)
    }

    /// Inserts one row (a duplicate too: duplicates are removed after the load) and
    /// returns its rowid.
    fn insert(&mut self, r: &ImportedRow) -> Result<i64> {
        let actor = r.actor.as_deref().map(|a| self.actor_id(a)).transpose()?;
        let id = self.w.batch_id(&mut self.ids);
        let (attrs, attr_names) = self.attr_sets.store(&self.w.tx, &r.attrs)?;
        self.insert.execute(params![
            id,
            self.incident,
            r.at.micros(),
            r.at.offset_secs,
            r.at.precision.as_str(),
            r.text,
            actor,
            r.source,
            r.phase.map(|p| p.as_str()),
            r.tags.join(" "),
            r.technique,
            // Created and updated when the import is (the view shows its time, schema
            // 18): a 0 is kept in no bytes.
            0,
            attrs,
            &r.fingerprint.0[..],
            self.import_num,
            attr_names
        ])?;
        let seq = self.w.tx.last_insert_rowid();
        if !r.tags.is_empty() {
            self.w.index_tags(seq, &r.tags)?;
        }
        Ok(seq)
    }
}

impl Writer<'_> {
    /// The number the next import's events will name it by (events.import_id): one past
    /// the highest (the write transaction is the only writer).
    pub(super) fn next_import_num(&self) -> Result<i64> {
        Ok(self
            .tx
            .query_row("SELECT coalesce(max(num), 0) + 1 FROM imports", [], |r| {
                r.get(0)
            })?)
    }

    /// Undoes an import: its events go (with their tags, links and index entries).
    pub(crate) fn remove_import(&self, import_id: &str, incident_id: Option<&str>) -> Result<()> {
        // Its events name it by its number (schema 14).
        let num: Option<String> = self
            .tx
            .query_row(
                "SELECT CAST(num AS TEXT) FROM imports WHERE id = ?1",
                [import_id],
                |r| r.get(0),
            )
            .optional()?;
        let num = num.unwrap_or_default();
        let removed: i64 = self.tx.query_row(
            "SELECT count(*) FROM events WHERE import_id = ?1",
            [&num],
            |r| r.get(0),
        )?;
        self.deleting_events(removed, || self.delete_import_events(&num, removed))?;
        self.tx
            .execute("DELETE FROM imports WHERE id = ?1", [import_id])?;
        self.record_delete(
            "import",
            import_id,
            incident_id,
            &json!({"import": import_id}),
        )
    }
}
