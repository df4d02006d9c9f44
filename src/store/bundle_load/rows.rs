//! The rows of a streamed bundle import: each one checked, inserted and recorded, and
//! what needs every row checked at the end (see the parent module's notes).

use super::Load;
use crate::store::bundle::{Table, key_text};
use crate::store::bundle_check::{InBundle, references};
use crate::store::bundle_stream::check_row;
use crate::store::bundle_values::{RowCheck, bad};
use crate::store::import::{index_new_events, take_triggers};
use crate::store::{Result, StoreError};
use rusqlite::OptionalExtension;
use serde_json::{Map, Value, json};

impl Load<'_, '_> {
    pub(super) fn one_incident(&self) -> StoreError {
        StoreError::invalid(
            "bundle",
            format!(
                "the bundle was refused, nothing was imported: it must hold exactly one incident, not {}",
                self.incidents
            ),
        )
    }

    /// One row: checked, inserted, recorded. `false`: the incident is already here.
    pub(super) fn row(&mut self, t: &'static Table, i: usize, mut row: Value) -> Result<bool> {
        if t.name == "incidents" {
            self.incidents += 1;
            if self.incidents > 1 {
                return Ok(true);
            }
            if let Some(r) = row.as_object_mut() {
                for c in ["impact", "classification"] {
                    r.entry(c).or_insert_with(|| Value::from(""));
                }
            }
            check_row(t, i, &row)?;
            let bundle = json!({"tables": {"incidents": [row.clone()]}});
            let (id, key) = crate::store::bundle_check::declared(&bundle)?;
            let q = |sql: &str, arg: &str| -> Result<Option<String>> {
                Ok(self.w.tx.query_row(sql, [arg], |r| r.get(0)).optional()?)
            };
            if q("SELECT id FROM incidents WHERE id = ?1", &id)?.is_some() {
                // Here already: merged record by record as it is read, unless a base is
                // remembered for this file (the three-way merge holds the bundle whole).
                let base: Option<i64> = self
                    .w
                    .tx
                    .query_row(
                        "SELECT b.id FROM bundle_bases b
                         LEFT JOIN change_sets c ON c.id = b.change_set
                         WHERE b.incident_id = ?1 AND b.path = ?2 AND coalesce(c.undone, 0) = 0
                         LIMIT 1",
                        [id.as_str(), self.path],
                        |r| r.get(0),
                    )
                    .optional()?;
                if base.is_some() {
                    return Ok(false);
                }
                self.here = true;
            }
            if let Some(other) =
                q("SELECT id FROM incidents WHERE key = ?1", &key)?.filter(|other| *other != id)
            {
                return Err(StoreError::Conflict(format!(
                    "this database already has an incident {key} that is not the bundle's (id {other} here, {id} in the bundle); rename one of them first"
                )));
            }
            self.incident = Some((id, key));
        } else {
            check_row(t, i, &row)?;
        }
        let Value::Object(row) = row else {
            unreachable!("check_row refuses a row that is not an object")
        };
        let row = self.checked(t, row)?;
        if let Some(row) = row {
            self.insert(t, row)?;
        }
        Ok(true)
    }

    fn incident_id(&self) -> &str {
        self.incident.as_ref().map_or("", |(id, _)| id)
    }

    /// The row's checks that need other rows; `None` when the row is not to be inserted
    /// (an owner matched by name). Actions come back naming the owners' ids here.
    fn checked(
        &mut self,
        t: &'static Table,
        mut row: Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>> {
        let incident_id = self.incident_id().to_string();
        let check = RowCheck {
            table: t.name,
            key: key_text(t, &row),
            row: &row,
        };
        check.of_incident(t.columns, &incident_id)?;
        let none = InBundle::default();
        // Merging into the incident here: a row may not be one of another incident's.
        if self.here
            && t.name != "owners"
            && let Some(id) = row.get("id").and_then(Value::as_str)
            && let Some(owner) = self.w.stored_incident(t.name, id)?
            && owner != incident_id
        {
            return Err(bad(
                t.name,
                id,
                format!("this id belongs to another incident here ({owner})"),
            ));
        }
        match t.name {
            // An event's actor and cause are checked by query once all are in.
            "events" | "incidents" => {}
            "owners" => {
                let id = check.id("id")?.to_string();
                self.owners.push(id.clone());
                if let Some(local) = self.w.owner_named(&row)? {
                    self.owner_ids.insert(id, local);
                    self.unchanged += 1;
                    return Ok(None);
                }
                let name = check.required("name")?;
                let here: Option<String> = self
                    .w
                    .tx
                    .query_row("SELECT name FROM owners WHERE id = ?1", [&id], |r| r.get(0))
                    .optional()?;
                if let Some(here) = here {
                    return Err(bad(
                        "owners",
                        &id,
                        format!(
                            "this id is the owner {:?} here, not {:?}",
                            crate::text::inert(&here),
                            crate::text::inert(name)
                        ),
                    ));
                }
            }
            "actions" => {
                let mut named = Vec::new();
                for column in ["owner_id", "group_id"] {
                    if let Some(id) = check.opt_id(column)? {
                        if !self.owners.iter().any(|o| o == id) {
                            return Err(
                                check.fail(column, format!("{id} names no owner of the bundle"))
                            );
                        }
                        named.push((column, id.to_string()));
                    }
                }
                for (column, id) in named {
                    if let Some(local) = self.owner_ids.get(&id) {
                        row.insert(column.into(), json!(local));
                    }
                    self.named_owners.insert(id);
                }
            }
            "evaluation_items" => {
                for id in check.text("findings")?.split_whitespace() {
                    crate::store::bundle_values::check_id(id)
                        .map_err(|e| check.fail("findings", e))?;
                    if let Some(owner) = self.w.stored_incident("findings", id)?
                        && owner != incident_id
                    {
                        return Err(check.fail(
                            "findings",
                            format!("{id} is a record of findings of another incident"),
                        ));
                    }
                }
            }
            _ => {
                for (column, table) in references(t.name) {
                    if let Some(id) = row.get(*column).and_then(Value::as_str) {
                        self.w
                            .reference(&check, column, table, id, &incident_id, &none)?;
                    }
                }
            }
        }
        Ok(Some(row))
    }

    /// Inserts a checked row and records it; a refused insert is explained.
    fn insert(&mut self, t: &'static Table, row: Map<String, Value>) -> Result<()> {
        let row: Map<String, Value> = t
            .columns
            .iter()
            .map(|c| (c.to_string(), row.get(*c).cloned().unwrap_or(Value::Null)))
            .collect();
        let incident_id = self.incident_id().to_string();
        if self.here {
            // As bundle.rs merges a row: added, or the newer change of a record kept.
            return self
                .w
                .merge_row(t, &incident_id, &row, &mut self.merged)
                .map_err(|e| self.explain(t, &row, e));
        }
        if t.name == "events" {
            self.events += 1;
            if self.events > self.row_history && self.import.is_none() {
                self.record_events_as_import()?;
            }
        }
        let put = match (t.name, &self.import) {
            ("events", Some((_, num))) => self.put_event(&row, *num),
            _ => self.w.put_row(t, &row, false),
        };
        put.map_err(|e| self.explain(t, &row, e))?;
        if t.name != "events" || self.import.is_none() {
            let entity = format!("row:{}", t.name);
            self.w.record_insert(
                &entity,
                &key_text(t, &row),
                Some(&incident_id),
                &Value::Object(row),
            )?;
        }
        self.added += 1;
        Ok(())
    }

    /// From here on the events are recorded as one import: those already in take its id
    /// and lose their own history rows.
    fn record_events_as_import(&mut self) -> Result<()> {
        let import_id = self.w.new_id();
        let num = self.w.next_import_num()?;
        self.w.tx.execute(
            "DELETE FROM history WHERE change_set = ?1 AND entity = 'row:events'",
            [self.w.change_set],
        )?;
        self.w.tx.execute(
            "UPDATE events SET import_id = ?1
             WHERE incident = (SELECT num FROM incidents WHERE id = ?2)",
            [&num.to_string(), self.incident_id()],
        )?;
        // As a timeline import does: the full-text index and the count filled once at
        // the end instead of by the triggers row by row (they come back before the end
        // of the table, in the same transaction).
        self.bulk_after =
            self.w
                .tx
                .query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
        self.counted = self.events - 1;
        self.triggers = take_triggers(&self.w.tx, &["events_fts_insert", "event_counts_insert"])?;
        self.import = Some((import_id, num));
        Ok(())
    }

    /// An event of a large bundle, inserted with its import's id.
    fn put_event(&self, row: &Map<String, Value>, import_num: i64) -> Result<()> {
        let t = crate::store::bundle::table("events")?;
        let sql = t.insert_sql(&["import_id"]);
        let mut values: Vec<rusqlite::types::Value> = t
            .columns
            .iter()
            .map(|c| crate::store::bundle::to_sql_in(t, c, row.get(*c).unwrap_or(&Value::Null)))
            .collect();
        values.push(rusqlite::types::Value::Text(import_num.to_string()));
        self.w
            .tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
        let seq = self.w.tx.last_insert_rowid();
        let tags: Vec<String> = row
            .get("tags")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        self.w.index_tags(seq, &tags)
    }

    /// Why the database refused a row: its id taken, twice in the bundle, or a reference
    /// to nothing; otherwise the database's own words, naming the row.
    fn explain(&self, t: &Table, row: &Map<String, Value>, e: StoreError) -> StoreError {
        let key = key_text(t, row);
        let incident_id = self.incident_id();
        if let Some(id) = row.get("id").and_then(Value::as_str) {
            match self.w.stored_incident(t.name, id) {
                Ok(Some(owner)) if owner != incident_id => {
                    return bad(
                        t.name,
                        id,
                        format!("this id belongs to another incident here ({owner})"),
                    );
                }
                Ok(Some(_)) => return bad(t.name, &key, "appears twice".into()),
                _ => {}
            }
        }
        let check = RowCheck {
            table: t.name,
            key: key.clone(),
            row,
        };
        for (column, table) in references(t.name) {
            if let Some(id) = row.get(*column).and_then(Value::as_str)
                && let Err(refused) =
                    self.w
                        .reference(&check, column, table, id, incident_id, &InBundle::default())
            {
                return refused;
            }
        }
        bad(t.name, &key, e.to_string())
    }

    /// After a table's last row.
    pub(super) fn end_of(&mut self, t: &Table) -> Result<()> {
        match t.name {
            "incidents" if self.incidents != 1 => Err(self.one_incident()),
            "events" => self.end_of_events(),
            _ => Ok(()),
        }
    }

    /// A large bundle's events recorded as one import (counts, then undone as one).
    fn end_of_events(&mut self) -> Result<()> {
        let Some((import_id, num)) = &self.import else {
            return Ok(());
        };
        let n = self.events as i64;
        let tx = &self.w.tx;
        index_new_events(tx, self.bulk_after)?;
        for sql in &self.triggers {
            tx.execute_batch(sql)?;
        }
        tx.execute(
            "INSERT INTO event_counts (incident_id, events) VALUES (?1, ?2)
             ON CONFLICT (incident_id) DO UPDATE SET events = events + ?2",
            rusqlite::params![self.incident_id(), (self.events - self.counted) as i64],
        )?;
        self.w.tx.execute(
            "INSERT INTO imports (id, incident_id, file, format, sha256, rows, imported,
                 skipped, duplicates, at_us, by, num)
             VALUES (?1, ?2, ?3, 'debrief-bundle', '', ?4, ?4, 0, 0, ?5, ?6, ?7)",
            rusqlite::params![
                import_id,
                self.incident_id(),
                self.file,
                n,
                self.w.now_us(),
                self.w.by,
                num
            ],
        )?;
        self.w.record_insert(
            "import",
            import_id,
            Some(self.incident_id()),
            &json!({
                "file": self.file, "format": "debrief-bundle", "rows": n,
                "imported": n, "skipped": 0, "duplicates": 0,
            }),
        )
    }

    /// After the last table: what needed every row. `None`: the bundle had no tables
    /// this path could take (the whole-bundle import says why).
    pub(super) fn finish(&mut self) -> Result<Option<(String, String)>> {
        let Some((id, key)) = self.incident.clone() else {
            return Ok(None);
        };
        if let Some(owner) = self.owners.iter().find(|o| !self.named_owners.contains(*o)) {
            return Err(bad(
                "owners",
                owner,
                "no action of the bundle names this owner".into(),
            ));
        }
        // An event's actor and cause: of this incident (an actor named by no record at all
        // was refused by the database as the event came).
        let dangling: Option<(String, String, String)> = self.w.tx.query_row(
            "SELECT e.id, 'actor_id', e.actor_id FROM events_v e JOIN actors a ON a.id = e.actor_id
               WHERE e.incident_id = ?1 AND a.incident_id <> ?1
             UNION ALL
             SELECT * FROM (SELECT e.id, 'caused_by', e.caused_by FROM events_v e
               WHERE e.incident_id = ?1 AND e.caused_by IS NOT NULL AND NOT EXISTS
                 (SELECT 1 FROM events_v c WHERE c.id = e.caused_by AND c.incident_id = ?1))
             LIMIT 1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
        if let Some((event, column, target)) = dangling {
            let mut row = Map::new();
            row.insert("id".into(), json!(event));
            row.insert(column.clone(), json!(target));
            let check = RowCheck {
                table: "events",
                key: event,
                row: &row,
            };
            let table = if column == "actor_id" {
                "actors"
            } else {
                "events"
            };
            self.w
                .reference(&check, &column, table, &target, &id, &InBundle::default())?;
            return Err(check.fail(&column, format!("{target} is not of this incident")));
        }
        Ok(Some((id, key)))
    }
}
