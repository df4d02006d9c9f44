//! Incidents: create, find, list, change.

use super::error::is_unique_violation;
use super::rows::{INCIDENT_COLUMNS, incident};
use super::{Result, Store, StoreError, Writer};
use crate::domain::{Incident, IncidentPatch, NewIncident, TimeContext, Timestamp};
use crate::io::json;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// An incident as the incident list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    pub incident: Incident,
    pub events: i64,
    /// When anything in the incident last changed.
    pub last_change: DateTime<Utc>,
}

impl Store {
    pub fn create_incident(&mut self, new: &NewIncident) -> Result<Incident> {
        self.write(|w| w.insert_incident(new))
    }

    pub fn incident_by_key(&self, key: &str) -> Result<Option<Incident>> {
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE i.key = ?1");
        Ok(self
            .conn
            .query_row(&sql, [key.trim()], incident)
            .optional()?)
    }

    /// The incident with this key, or an error saying there is none.
    pub fn require_incident(&self, key: &str) -> Result<Incident> {
        self.incident_by_key(key)?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no incident {key:?} in this database ('debrief incident list' shows the keys)"
            ))
        })
    }

    pub fn incident_by_id(&self, id: &str) -> Result<Option<Incident>> {
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE i.id = ?1");
        Ok(self.conn.query_row(&sql, [id], incident).optional()?)
    }

    /// Every incident, newest change first, with its number of events.
    pub fn list_incidents(&self) -> Result<Vec<IncidentSummary>> {
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS},
                    (SELECT count(*) FROM events e WHERE e.incident_id = i.id),
                    max(i.updated_us, coalesce((SELECT max(h.at_us) FROM history h
                                                WHERE h.incident_id = i.id), 0))
             FROM incidents i ORDER BY 19 DESC, i.key"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(IncidentSummary {
                incident: incident(r)?,
                events: r.get(17)?,
                last_change: DateTime::from_timestamp_micros(r.get(18)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes the fields the patch sets. With `expected_version`, refuses when someone
    /// else changed the incident since it was read.
    pub fn update_incident(
        &mut self,
        id: &str,
        patch: &IncidentPatch,
        expected_version: Option<i64>,
    ) -> Result<Incident> {
        self.write(|w| w.update_incident(id, patch, expected_version))
    }

    /// How bare and naive times are read for this incident: in its zone, and on the day
    /// it was detected (or, before that is known, the day of its first event).
    pub fn time_context(&self, incident: &Incident) -> Result<TimeContext> {
        let first: Option<i64> = self.conn.query_row(
            "SELECT min(at_us) FROM events WHERE incident_id = ?1",
            [&incident.id],
            |r| r.get(0),
        )?;
        let day = incident
            .detected
            .map(|t| t.utc)
            .or_else(|| first.and_then(DateTime::from_timestamp_micros))
            .map(|utc| utc.with_timezone(&incident.zone).date_naive());
        Ok(TimeContext {
            zone: incident.zone,
            date: day,
        })
    }
}

impl Writer<'_> {
    pub(crate) fn insert_incident(&self, new: &NewIncident) -> Result<Incident> {
        let id = self.new_id();
        let now = self.now_us();
        let d = new.detected;
        let inserted = self.tx.execute(
            "INSERT INTO incidents (id, key, title, severity, status, zone, detected_us,
                 detected_offset, detected_precision, created_us, updated_us)
             VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                id,
                new.key,
                new.title,
                new.severity.as_str(),
                new.zone.name(),
                d.map(|t| t.micros()),
                d.map(|t| t.offset_secs),
                d.map(|t| t.precision.as_str()),
                now
            ],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(format!(
                    "incident {} already exists",
                    new.key
                )));
            }
            other => other?,
        };
        let created = self.incident(&id)?;
        self.record_insert("incident", &id, Some(&id), &json::incident(&created, None))?;
        Ok(created)
    }

    pub(crate) fn incident(&self, id: &str) -> Result<Incident> {
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE i.id = ?1");
        self.tx
            .query_row(&sql, [id], incident)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id} no longer exists")))
    }

    pub(crate) fn update_incident(
        &self,
        id: &str,
        patch: &IncidentPatch,
        expected_version: Option<i64>,
    ) -> Result<Incident> {
        let before = self.incident(id)?;
        if let Some(v) = expected_version.filter(|v| *v != before.version) {
            return Err(StoreError::Conflict(format!(
                "incident {} was changed elsewhere (version {} is now {}); reload it first",
                before.key, v, before.version
            )));
        }
        let mut changed = 0;
        let mut set = |field: &str,
                       old: Option<String>,
                       new: Option<String>,
                       sql: &str,
                       value: rusqlite::types::Value|
         -> Result<()> {
            if old != new {
                self.tx.execute(
                    &format!("UPDATE incidents SET {sql} = ?1 WHERE id = ?2"),
                    params![value, id],
                )?;
                self.record_update(
                    "incident",
                    id,
                    Some(id),
                    field,
                    old.as_deref(),
                    new.as_deref(),
                )?;
                changed += 1;
            }
            Ok(())
        };
        use rusqlite::types::Value as V;
        let text = |s: &str| V::Text(s.to_string());
        if let Some(t) = &patch.title {
            let t = crate::domain::required("title", t).map_err(StoreError::Invalid)?;
            set(
                "title",
                Some(before.title.clone()),
                Some(t.clone()),
                "title",
                text(&t),
            )?;
        }
        if let Some(s) = patch.severity {
            set(
                "severity",
                Some(before.severity.to_string()),
                Some(s.to_string()),
                "severity",
                text(s.as_str()),
            )?;
        }
        if let Some(s) = patch.status {
            set(
                "status",
                Some(before.status.to_string()),
                Some(s.to_string()),
                "status",
                text(s.as_str()),
            )?;
        }
        if let Some(b) = patch.customer_impact {
            set(
                "customer_impact",
                Some(before.customer_impact.to_string()),
                Some(b.to_string()),
                "customer_impact",
                V::Integer(b.into()),
            )?;
        }
        if let Some(b) = patch.data_breach {
            set(
                "data_breach",
                Some(before.data_breach.to_string()),
                Some(b.to_string()),
                "data_breach",
                V::Integer(b.into()),
            )?;
        }
        if let Some(z) = patch.zone {
            set(
                "zone",
                Some(before.zone.name().into()),
                Some(z.name().into()),
                "zone",
                text(z.name()),
            )?;
        }
        if let Some(d) = patch.detected {
            let show = |t: Option<Timestamp>| {
                t.map(|t| format!("{} ({})", t.rfc3339_original(), t.precision.as_str()))
            };
            let micros = d.map(|t| t.micros()).map_or(V::Null, V::Integer);
            set(
                "detected",
                show(before.detected),
                show(d),
                "detected_us",
                micros,
            )?;
            self.tx.execute(
                "UPDATE incidents SET detected_offset = ?1, detected_precision = ?2 WHERE id = ?3",
                params![
                    d.map(|t| t.offset_secs),
                    d.map(|t| t.precision.as_str()),
                    id
                ],
            )?;
        }
        for (field, old, new) in [
            ("summary", &before.summary, &patch.summary),
            ("response", &before.response, &patch.response),
            ("takeaways", &before.takeaways, &patch.takeaways),
        ] {
            if let Some(new) = new {
                set(
                    field,
                    Some(old.clone()),
                    Some(new.clone()),
                    field,
                    text(new),
                )?;
            }
        }
        if changed > 0 {
            self.tx.execute(
                "UPDATE incidents SET updated_us = ?1, version = version + 1 WHERE id = ?2",
                params![self.now_us(), id],
            )?;
        }
        self.incident(id)
    }
}
