//! A deleted incident's events set aside whole (schema 19): they move, as stored, into
//! `events_set_aside`, and the history records one step for all of them. Undo moves them
//! back; redo sets them aside again under the same set id. Recording each event as its
//! own snapshot took 90 s and 1.4 GB of history for a million imported events.

use super::import::{index_new_events, without_triggers};
use super::{Result, StoreError, Writer};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value, json};

/// The history entity of a set of events set aside (its id is the set's).
pub(crate) const ENTITY: &str = "events_set_aside";

/// Events moved per statement: the progress moves often, and each statement costs
/// nothing beside its rows. A few under test, so small incidents cross slices.
const SLICE: i64 = if cfg!(test) { 7 } else { 50_000 };

/// The columns `events` and `events_set_aside` share, in the same order.
const SHARED: &str = "id, at_us, at_offset, at_precision, text, actor_id, source, phase, tags, \
    technique, key_kind, caused_by, created_us, updated_us, version, attrs, attr_names, \
    fingerprint";

/// The columns of an import kept with a set, to put the import back with it.
const IMPORT_COLUMNS: [&str; 11] = [
    "id",
    "file",
    "format",
    "sha256",
    "rows",
    "imported",
    "skipped",
    "duplicates",
    "at_us",
    "by",
    "num",
];

impl Writer<'_> {
    /// Sets the incident's events aside and deletes them, with one history step; `set`
    /// names the set (a redo gives the one its step recorded, else a new id). Nothing
    /// happens, and nothing is recorded, when the incident has no events.
    pub(crate) fn set_aside_events(&self, incident_id: &str, set: Option<&str>) -> Result<()> {
        let incident = self.incident_num(incident_id)?;
        let count: i64 = self.tx.query_row(
            "SELECT count(*) FROM events WHERE incident = ?1",
            [incident],
            |r| r.get(0),
        )?;
        if count == 0 {
            return Ok(());
        }
        let set = set.map_or_else(|| self.new_id(), str::to_string);
        self.tx
            .execute("INSERT INTO set_aside (id) VALUES (?1)", [&set])?;
        let num = self.tx.last_insert_rowid();
        let imports = self.imports_of(incident_id)?;
        self.add_total(count);
        // The counts follow once, not one update a row (the incident goes next anyway).
        without_triggers(&self.tx, &["event_counts_delete"], || {
            self.deleting_events(count, || self.move_aside(incident, num))
        })?;
        self.tx.execute(
            "UPDATE event_counts SET events = events - ?2 WHERE incident_id = ?1",
            params![incident_id, count],
        )?;
        self.record_delete(
            ENTITY,
            &set,
            Some(incident_id),
            &json!({ "events": count, "imports": imports }),
        )
    }

    /// Moves the incident's events into the set numbered `num`, a slice at a time (each
    /// copied, then deleted, while its pages are at hand). Deleting an event unlinks its
    /// effects (`caused_by` is SET NULL) before a later slice copies them, so the links
    /// are read first and an effect copied unlinked takes its cause from them.
    fn move_aside(&self, incident: i64, num: i64) -> Result<()> {
        let linked: i64 = self.tx.query_row(
            "SELECT count(*) FROM events WHERE incident = ?1 AND caused_by IS NOT NULL",
            [incident],
            |r| r.get(0),
        )?;
        let columns = if linked > 0 {
            self.tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS set_aside_links
                     (id TEXT PRIMARY KEY, caused_by TEXT NOT NULL) WITHOUT ROWID;
                 DELETE FROM temp.set_aside_links;",
            )?;
            self.tx.execute(
                "INSERT INTO temp.set_aside_links
                 SELECT id, caused_by FROM events WHERE incident = ?1 AND caused_by IS NOT NULL",
                [incident],
            )?;
            SHARED.replace(
                "caused_by",
                "coalesce(caused_by,
                     (SELECT l.caused_by FROM temp.set_aside_links l WHERE l.id = e.id))",
            )
        } else {
            SHARED.to_string()
        };
        let mut after = i64::MIN;
        let mut done: i64 = 0;
        while let Some(last) = self.slice_end(incident, after)? {
            let copied = self.tx.execute(
                &format!(
                    "INSERT INTO events_set_aside (key, {SHARED}, import_ref, import_num)
                     SELECT (?1 << 32) + ?2 + row_number() OVER (ORDER BY seq), {columns},
                         (SELECT i.id FROM imports i WHERE i.num = e.import_id), import_id
                     FROM events e WHERE incident = ?3 AND seq > ?4 AND seq <= ?5
                     ORDER BY seq"
                ),
                params![num, done, incident, after, last],
            )? as i64;
            self.tx.execute(
                "DELETE FROM events WHERE incident = ?1 AND seq > ?2 AND seq <= ?3",
                params![incident, after, last],
            )?;
            done += copied;
            self.advance(copied);
            after = last;
        }
        if linked > 0 {
            self.tx.execute_batch("DELETE FROM temp.set_aside_links")?;
        }
        Ok(())
    }

    /// The last rowid of the incident's next slice of events after `after`.
    fn slice_end(&self, incident: i64, after: i64) -> Result<Option<i64>> {
        Ok(self.tx.query_row(
            "SELECT max(seq) FROM (SELECT seq FROM events WHERE incident = ?1 AND seq > ?2
                 ORDER BY seq LIMIT ?3)",
            params![incident, after, SLICE],
            |r| r.get(0),
        )?)
    }

    /// Brings a set of events back into its incident (restored already), with the imports
    /// they came from; records the step.
    pub(crate) fn bring_back_events(
        &self,
        set: &str,
        incident_id: &str,
        snapshot: &Value,
    ) -> Result<()> {
        let num: i64 = self
            .tx
            .query_row("SELECT num FROM set_aside WHERE id = ?1", [set], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                StoreError::invalid(
                    "history",
                    format!("the events set aside as {set} are no longer in the database"),
                )
            })?;
        let incident = self.incident_num(incident_id)?;
        for import in snapshot["imports"].as_array().into_iter().flatten() {
            self.put_back_import(incident_id, import)?;
        }
        let last_seq: i64 =
            self.tx
                .query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
        let (low, high) = (num << 32, (num + 1) << 32);
        let count: i64 = self.tx.query_row(
            "SELECT count(*) FROM events_set_aside WHERE key > ?1 AND key < ?2",
            params![low, high],
            |r| r.get(0),
        )?;
        self.add_total(count);
        // The index, the counts and the slots are filled once below, not a row at a time.
        let triggers = [
            "events_fts_insert",
            "event_counts_insert",
            "event_slots_insert",
        ];
        without_triggers(&self.tx, &triggers, || self.move_back(incident, low, high))?;
        self.tx.execute(
            "DELETE FROM events_set_aside WHERE key > ?1 AND key < ?2",
            params![low, high],
        )?;
        self.tx
            .execute("DELETE FROM set_aside WHERE num = ?1", [num])?;
        // A cause in another incident may have gone meanwhile (the link goes, as when
        // the cause is deleted); the tag index and the counts follow the rows.
        self.tx.execute(
            "UPDATE events SET caused_by = NULL WHERE seq > ?1 AND caused_by IS NOT NULL
               AND caused_by NOT IN (SELECT id FROM events)",
            [last_seq],
        )?;
        self.index_tags_after(last_seq)?;
        index_new_events(&self.tx, last_seq)?;
        self.count_slots_after(incident_id, last_seq)?;
        self.tx.execute(
            "INSERT INTO event_counts (incident_id, events) VALUES (?1, ?2)
             ON CONFLICT (incident_id) DO UPDATE SET events = events + ?2",
            params![incident_id, count],
        )?;
        self.record_insert(ENTITY, set, Some(incident_id), snapshot)
    }

    /// Moves the set's rows (keys between `low` and `high`) back into the events, in their
    /// order, a slice at a time. An actor that is gone leaves the event without one.
    fn move_back(&self, incident: i64, low: i64, high: i64) -> Result<()> {
        let mut after = low;
        loop {
            let last = (after + SLICE).min(high - 1);
            let moved = self.tx.execute(
                &format!(
                    "INSERT INTO events (incident, {SHARED}, import_id)
                     SELECT ?1, {}, CASE WHEN import_ref IS NULL THEN import_num
                         ELSE (SELECT CAST(i.num AS TEXT) FROM imports i
                               WHERE i.id = s.import_ref) END
                     FROM events_set_aside s WHERE key > ?2 AND key <= ?3 ORDER BY key",
                    SHARED.replace(
                        "actor_id",
                        "CASE WHEN actor_id IN (SELECT id FROM actors) THEN actor_id END"
                    )
                ),
                params![incident, after, last],
            )? as i64;
            if moved == 0 {
                return Ok(());
            }
            self.advance(moved);
            after = last;
        }
    }

    /// The incident's imports as the history keeps them with a set.
    fn imports_of(&self, incident_id: &str) -> Result<Vec<Value>> {
        let sql = format!(
            "SELECT {} FROM imports WHERE incident_id = ?1 ORDER BY num",
            IMPORT_COLUMNS.join(", ")
        );
        let mut stmt = self.tx.prepare(&sql)?;
        let rows = stmt.query_map([incident_id], |r| {
            let mut object = Map::new();
            for (i, name) in IMPORT_COLUMNS.iter().enumerate() {
                let value = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(n) => json!(n),
                    rusqlite::types::ValueRef::Null => Value::Null,
                    other => json!(other.as_str().unwrap_or_default()),
                };
                object.insert((*name).to_string(), value);
            }
            Ok(Value::Object(object))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts an import back as it was, under its number unless another import has taken
    /// it meanwhile (its events find it by its id). Any failure but the import being
    /// there already stops the undo whole, rather than leave its events without it.
    fn put_back_import(&self, incident_id: &str, import: &Value) -> Result<()> {
        let text = |k: &str| import[k].as_str().unwrap_or_default().to_string();
        let int = |k: &str| import[k].as_i64().unwrap_or_default();
        self.tx.execute(
            "INSERT INTO imports (id, incident_id, file, format, sha256, rows, imported,
                 skipped, duplicates, at_us, by, num)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                 CASE WHEN EXISTS (SELECT 1 FROM imports WHERE num = ?12)
                      THEN (SELECT max(num) + 1 FROM imports) ELSE ?12 END)
             ON CONFLICT (id) DO NOTHING",
            params![
                text("id"),
                incident_id,
                text("file"),
                text("format"),
                text("sha256"),
                int("rows"),
                int("imported"),
                int("skipped"),
                int("duplicates"),
                int("at_us"),
                text("by"),
                int("num"),
            ],
        )?;
        Ok(())
    }

    /// Fills the tag index for the events after `last_seq` from their `tags` column.
    fn index_tags_after(&self, last_seq: i64) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare("SELECT seq, tags FROM events WHERE seq > ?1 AND tags != ''")?;
        let tagged: Vec<(i64, String)> = stmt
            .query_map([last_seq], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, tags) in tagged {
            self.index_tags_text(seq, &tags)?;
        }
        Ok(())
    }

    fn add_total(&self, n: i64) {
        if let Some(p) = self.progress {
            p.add_total(n.max(0) as u64);
        }
    }

    fn advance(&self, n: i64) {
        if let Some(p) = self.progress {
            p.advance(n.max(0) as u64);
        }
    }
}

#[cfg(test)]
#[path = "set_aside_tests.rs"]
mod set_aside_tests;
