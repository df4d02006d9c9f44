//! Writing and reading the history of changes.

use super::{Result, Store, Writer};
use crate::domain::Change;
use chrono::DateTime;
use rusqlite::params;

impl Writer<'_> {
    pub(crate) fn record(
        &self,
        entity: &str,
        entity_id: &str,
        incident_id: Option<&str>,
        op: &str,
        field: Option<&str>,
        (old, new): (Option<&str>, Option<&str>),
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO history (change_set, at_us, by, entity, entity_id, incident_id, op, field, old, new)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                self.change_set,
                self.now_us(),
                self.by,
                entity,
                entity_id,
                incident_id,
                op,
                field,
                old,
                new
            ])?;
        Ok(())
    }

    /// Records a new record, as a JSON snapshot of its fields.
    pub(crate) fn record_insert(
        &self,
        entity: &str,
        id: &str,
        incident_id: Option<&str>,
        snapshot: &serde_json::Value,
    ) -> Result<()> {
        let json = snapshot.to_string();
        self.record(entity, id, incident_id, "insert", None, (None, Some(&json)))
    }

    /// Records a removed record, as a JSON snapshot of what it held.
    pub(crate) fn record_delete(
        &self,
        entity: &str,
        id: &str,
        incident_id: Option<&str>,
        snapshot: &serde_json::Value,
    ) -> Result<()> {
        let json = snapshot.to_string();
        self.record(entity, id, incident_id, "delete", None, (Some(&json), None))
    }

    /// Records one changed field with its old and new values as text.
    pub(crate) fn record_update(
        &self,
        entity: &str,
        id: &str,
        incident_id: Option<&str>,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        self.record(entity, id, incident_id, "update", Some(field), (old, new))
    }
}

impl Store {
    /// The most recent changes, newest first; of one incident when `incident_id` is given.
    pub fn history(&self, incident_id: Option<&str>, limit: usize) -> Result<Vec<Change>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, change_set, at_us, by, entity, entity_id, incident_id, op, field, old, new
             FROM history WHERE ?1 IS NULL OR incident_id = ?1
             ORDER BY seq DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![incident_id, limit as i64], |r| {
            Ok(Change {
                seq: r.get(0)?,
                change_set: r.get(1)?,
                at: DateTime::from_timestamp_micros(r.get(2)?).unwrap_or_default(),
                by: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                incident_id: r.get(6)?,
                op: r.get(7)?,
                field: r.get(8)?,
                old: r.get(9)?,
                new: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
