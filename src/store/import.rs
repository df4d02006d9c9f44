//! Importing a timeline: every row in one IMMEDIATE transaction, all or nothing.
//!
//! An import is recorded as one history row (the import, with its counts), not one per
//! event: a million-row file would otherwise write a million snapshots. Undo removes the
//! events the import added; it cannot be redone (importing the file again does the same,
//! and skips what is already there).

use super::{Result, Store, StoreError, Writer};
use crate::domain::imported::{ImportedRow, RowError};
use crate::domain::{ActorKind, Attribution};
use rusqlite::params;
use serde_json::json;
use std::collections::HashMap;

/// The triggers that index and count a new event (migrations 5 and 6), put back after a
/// bulk load.
const INSERT_TRIGGERS: &str = "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags, new.attrs);
END;
CREATE TRIGGER event_counts_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_counts (incident_id, events) VALUES (new.incident_id, 1)
        ON CONFLICT (incident_id) DO UPDATE SET events = events + 1;
END;";

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
}

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
}

impl Store {
    /// Imports rows into an incident. `on_bad` sees each bad row as it is met (to list it
    /// or write it to a rejects file); `file_hash` is asked at the end, once the file has
    /// been read (the SHA-256 recorded with the import).
    pub fn import_rows(
        &mut self,
        incident_id: &str,
        rows: &mut dyn Iterator<Item = std::result::Result<ImportedRow, RowError>>,
        run: &ImportRun,
        on_bad: &mut dyn FnMut(&RowError),
        file_hash: &dyn Fn() -> String,
    ) -> Result<ImportOutcome> {
        self.require_incident_id(incident_id)?;
        let label = format!("import {}", run.file);
        // A bigger page cache while the indexes grow (64 MB, given back afterwards).
        self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        let result = self.write_if(&label, |w| {
            let mut out = ImportOutcome::default();
            let import_id = w.new_id();
            // The full-text index is filled once at the end, in one statement, instead of
            // by the trigger row by row (the trigger comes back in the same transaction).
            let last_seq: i64 =
                w.tx.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
            w.tx.execute_batch("DROP TRIGGER events_fts_insert; DROP TRIGGER event_counts_insert")?;
            let mut importer = Importer::new(w, incident_id, &import_id);
            for row in rows {
                out.rows += 1;
                match row {
                    Ok(r) => {
                        if importer.insert(&r)? {
                            out.imported += 1;
                        } else {
                            out.duplicates += 1;
                        }
                    }
                    Err(e) => {
                        out.bad += 1;
                        on_bad(&e);
                    }
                }
            }
            w.tx.execute(
                "INSERT INTO events_fts (rowid, text, source, tags, attrs)
                 SELECT seq, text, source, tags, attrs FROM events WHERE seq > ?1",
                [last_seq],
            )?;
            w.tx.execute_batch(INSERT_TRIGGERS)?;
            w.tx.execute(
                "INSERT INTO event_counts (incident_id, events) VALUES (?1, ?2)
                 ON CONFLICT (incident_id) DO UPDATE SET events = events + ?2",
                rusqlite::params![incident_id, out.imported as i64],
            )?;
            let commit = !run.dry_run && (out.bad == 0 || run.skip_bad) && out.imported > 0;
            if commit {
                w.tx.execute(
                    "INSERT INTO imports (id, incident_id, file, format, sha256, rows, imported,
                         skipped, duplicates, at_us, by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
                        w.by
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
            Ok((out, commit))
        });
        self.conn.execute_batch("PRAGMA cache_size = -2000")?;
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

/// Inserts imported rows with prepared statements, remembering the actors it has seen.
struct Importer<'w, 'a> {
    w: &'w Writer<'a>,
    incident_id: &'w str,
    import_id: &'w str,
    actors: HashMap<String, String>,
    now: i64,
}

impl<'w, 'a> Importer<'w, 'a> {
    fn new(w: &'w Writer<'a>, incident_id: &'w str, import_id: &'w str) -> Self {
        Importer {
            w,
            incident_id,
            import_id,
            actors: HashMap::new(),
            now: w.now_us(),
        }
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

    /// Inserts one row; false when the incident already has it (same fingerprint).
    fn insert(&mut self, r: &ImportedRow) -> Result<bool> {
        let actor = r.actor.as_deref().map(|a| self.actor_id(a)).transpose()?;
        let id = self.w.new_id();
        let inserted = self
            .w
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events (id, incident_id, at_us, at_offset, at_precision,
                     text, actor_id, source, phase, tags, technique, created_us, updated_us,
                     attrs, fingerprint, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                id,
                self.incident_id,
                r.at.micros(),
                r.at.offset_secs,
                r.at.precision.as_str(),
                r.text,
                actor,
                r.source,
                r.phase.map(|p| p.as_str()),
                r.tags.join(" "),
                r.technique,
                self.now,
                super::rows::attrs_to_text(&r.attrs),
                r.fingerprint,
                self.import_id
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
        if !r.tags.is_empty() {
            self.w.index_tags(self.w.tx.last_insert_rowid(), &r.tags)?;
        }
        Ok(true)
    }
}

impl Writer<'_> {
    /// Undoes an import: its events go (with their tags, links and index entries).
    pub(crate) fn remove_import(&self, import_id: &str, incident_id: Option<&str>) -> Result<()> {
        let removed: i64 = self.tx.query_row(
            "SELECT count(*) FROM events WHERE import_id = ?1",
            [import_id],
            |r| r.get(0),
        )?;
        self.deleting_events(removed, || self.delete_import_events(import_id, removed))?;
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
