//! Actors of an incident.

use super::{Result, Store, Writer};
use crate::domain::{Actor, ActorKind, Attribution};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

const ACTOR_COLUMNS: &str = "id, incident_id, name, kind, attribution, note, version";

fn actor(r: &Row<'_>) -> rusqlite::Result<Actor> {
    let parse = |idx: usize, e: crate::domain::Invalid| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    };
    let kind: String = r.get(3)?;
    let attribution: String = r.get(4)?;
    Ok(Actor {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        name: r.get(2)?,
        kind: kind.parse().map_err(|e| parse(3, e))?,
        attribution: attribution.parse().map_err(|e| parse(4, e))?,
        note: r.get(5)?,
        version: r.get(6)?,
    })
}

impl Store {
    /// Adds an actor to the incident, or reclassifies the one with that name (an actor
    /// created on the fly from an event starts unclassified). Says whether it was new.
    /// With `expected_version` (the version the analyst's copy was read at), refuses
    /// when another window changed the actor since.
    pub fn save_actor(
        &mut self,
        incident_id: &str,
        name: &str,
        kind: ActorKind,
        attribution: Attribution,
        note: &str,
        expected_version: Option<i64>,
    ) -> Result<(Actor, bool)> {
        let name =
            crate::domain::required("actor name", name).map_err(super::StoreError::Invalid)?;
        self.write("save actor", |w| {
            let Some(existing) = w.actor_by_name(incident_id, &name)? else {
                let a = w.ensure_actor(incident_id, &name, kind, attribution, note)?;
                return Ok((a, true));
            };
            if let Some(v) = expected_version.filter(|v| *v != existing.version) {
                return Err(super::StoreError::Stale(format!(
                    "actor {} was changed elsewhere (version {v} is now {}); reload it first",
                    existing.name, existing.version
                )));
            }
            let changes = [
                ("kind", existing.kind.as_str(), kind.as_str()),
                (
                    "attribution",
                    existing.attribution.as_str(),
                    attribution.as_str(),
                ),
                ("note", existing.note.as_str(), note),
            ];
            for (field, old, new) in changes {
                if old != new {
                    w.set_actor_field(&existing.id, field, new)?;
                    w.record_update(
                        "actor",
                        &existing.id,
                        Some(incident_id),
                        field,
                        Some(old),
                        Some(new),
                    )?;
                }
            }
            Ok((
                w.actor_by_name(incident_id, &name)?.unwrap_or(existing),
                false,
            ))
        })
    }

    /// Renames an actor of the incident: its events follow (they point at the actor),
    /// one change that undo reverses. Refuses a name another actor already has.
    pub fn rename_actor(
        &mut self,
        incident_id: &str,
        name: &str,
        new_name: &str,
        expected_version: Option<i64>,
    ) -> Result<Actor> {
        let new_name = crate::domain::required("the new name", new_name)
            .map_err(super::StoreError::Invalid)?;
        self.write("rename actor", |w| {
            let actor = w.actor_by_name(incident_id, name)?.ok_or_else(|| {
                super::StoreError::NotFound(format!("no actor named {name:?} in this incident"))
            })?;
            if let Some(v) = expected_version.filter(|v| *v != actor.version) {
                return Err(super::StoreError::Stale(format!(
                    "actor {} was changed elsewhere (version {v} is now {}); reload it first",
                    actor.name, actor.version
                )));
            }
            if let Some(other) = w
                .actor_by_name(incident_id, &new_name)?
                .filter(|o| o.id != actor.id)
            {
                return Err(super::StoreError::Conflict(format!(
                    "the incident already has an actor named {:?}; pick another name",
                    other.name
                )));
            }
            if actor.name != new_name {
                w.set_actor_field(&actor.id, "name", &new_name)?;
                w.record_update(
                    "actor",
                    &actor.id,
                    Some(incident_id),
                    "name",
                    Some(&actor.name),
                    Some(&new_name),
                )?;
            }
            w.actor_by_name(incident_id, &new_name)?
                .ok_or_else(|| super::StoreError::NotFound("the renamed actor".into()))
        })
    }

    /// How many events each actor of the incident has, by actor id.
    pub fn actor_event_counts(&self, incident_id: &str) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT actor_id, count(*) FROM events_v WHERE incident_id = ?1 AND actor_id IS NOT NULL GROUP BY actor_id",
        )?;
        let rows = stmt.query_map([incident_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The incident's actors, by name.
    pub fn list_actors(&self, incident_id: &str) -> Result<Vec<Actor>> {
        list(&self.conn, incident_id)
    }
}

pub(crate) fn list(conn: &Connection, incident_id: &str) -> Result<Vec<Actor>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACTOR_COLUMNS} FROM actors WHERE incident_id = ?1 ORDER BY name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([incident_id], actor)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer<'_> {
    pub(crate) fn actor_by_name(&self, incident_id: &str, name: &str) -> Result<Option<Actor>> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT {ACTOR_COLUMNS} FROM actors WHERE incident_id = ?1 AND name = ?2 COLLATE NOCASE"
            ))?
            .query_row(params![incident_id, name], actor)
            .optional()?)
    }

    /// Writes one actor field from its text form (edits, undo and redo).
    pub(crate) fn set_actor_field(&self, id: &str, field: &str, value: &str) -> Result<()> {
        match field {
            "kind" => drop(
                value
                    .parse::<ActorKind>()
                    .map_err(super::StoreError::Invalid)?,
            ),
            "attribution" => drop(
                value
                    .parse::<Attribution>()
                    .map_err(super::StoreError::Invalid)?,
            ),
            "note" | "name" => {}
            other => {
                return Err(super::StoreError::invalid(
                    "actor",
                    format!("actors have no field {other:?}"),
                ));
            }
        }
        self.tx.execute(
            &format!("UPDATE actors SET {field} = ?1, version = version + 1 WHERE id = ?2"),
            params![value, id],
        )?;
        Ok(())
    }

    /// The actor with this name (any case), created when the incident has none yet.
    pub(crate) fn ensure_actor(
        &self,
        incident_id: &str,
        name: &str,
        kind: ActorKind,
        attribution: Attribution,
        note: &str,
    ) -> Result<Actor> {
        if let Some(existing) = self.actor_by_name(incident_id, name)? {
            return Ok(existing);
        }
        let id = self.new_id();
        self.insert_actor_with_id(&id, incident_id, name, kind, attribution, note)
    }

    /// Inserts an actor under a known id (undo and redo bring actors back as they were).
    pub(crate) fn insert_actor_with_id(
        &self,
        id: &str,
        incident_id: &str,
        name: &str,
        kind: ActorKind,
        attribution: Attribution,
        note: &str,
    ) -> Result<Actor> {
        self.tx
            .prepare_cached(
                "INSERT INTO actors (id, incident_id, name, kind, attribution, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                incident_id,
                name,
                kind.as_str(),
                attribution.as_str(),
                note
            ])?;
        let snapshot = json!({
            "name": name, "kind": kind.as_str(), "attribution": attribution.as_str(), "note": note,
        });
        self.record_insert("actor", id, Some(incident_id), &snapshot)?;
        Ok(Actor {
            id: id.to_string(),
            incident_id: incident_id.to_string(),
            name: name.to_string(),
            kind,
            attribution,
            note: note.to_string(),
            version: 1,
        })
    }
}
