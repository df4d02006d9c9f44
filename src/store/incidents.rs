//! Incidents: create, find, list, change.

use super::error::is_unique_violation;
use super::fields::{INCIDENT_FIELDS, incident_values, time_text};
use super::rows::{INCIDENT_COLUMNS, incident};
use super::{Result, Store, StoreError, Writer};
use crate::domain::json;
use crate::domain::{Incident, IncidentPatch, NewIncident, TimeContext};
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
        self.write("create incident", |w| w.insert_incident(new))
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
                    coalesce((SELECT n.events FROM event_counts n WHERE n.incident_id = i.id), 0),
                    -- One row per action (not per changed field): cheap even after big imports.
                    max(i.updated_us, coalesce((SELECT max(c.at_us) FROM change_sets c
                                                WHERE c.incident_id = i.id), 0))
             FROM incidents i ORDER BY 21 DESC, i.key"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(IncidentSummary {
                incident: incident(r)?,
                events: r.get(19)?,
                last_change: DateTime::from_timestamp_micros(r.get(20)?).unwrap_or_default(),
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
        self.write("edit incident", |w| {
            w.update_incident(id, patch, expected_version)
        })
    }

    /// How bare and naive times are read for this incident: in its zone, and on the day
    /// it was detected (or, before that is known, the day of its first event).
    pub fn time_context(&self, incident: &Incident) -> Result<TimeContext> {
        let first: Option<i64> = self.conn.query_row(
            "SELECT min(at_us) FROM events_v WHERE incident_id = ?1",
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
    /// The incident's number, by which its events name it (events.incident, schema 15).
    pub(super) fn incident_num(&self, id: &str) -> Result<i64> {
        self.tx
            .query_row("SELECT num FROM incidents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id} no longer exists")))
    }

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
            return Err(StoreError::Stale(format!(
                "incident {} was changed elsewhere (version {} is now {}); reload it first",
                before.key, v, before.version
            )));
        }
        let old = incident_values(&before);
        let new = patched_values(&before, patch)?;
        for ((field, old), new) in INCIDENT_FIELDS.iter().zip(&old).zip(&new) {
            if old != new {
                self.set_incident_field(id, field, new.as_deref())?;
                self.record_update(
                    "incident",
                    id,
                    Some(id),
                    field,
                    old.as_deref(),
                    new.as_deref(),
                )?;
            }
        }
        self.incident(id)
    }
}

/// The incident's field values after the patch, in the history's text form.
fn patched_values(before: &Incident, p: &IncidentPatch) -> Result<[Option<String>; 12]> {
    let mut v = incident_values(before);
    if let Some(t) = &p.title {
        v[0] = Some(crate::domain::required("title", t).map_err(StoreError::Invalid)?);
    }
    let mut put = |i: usize, value: Option<String>| {
        if value.is_some() {
            v[i] = value;
        }
    };
    put(1, p.severity.map(|s| s.to_string()));
    put(2, p.status.map(|s| s.to_string()));
    put(3, p.customer_impact.map(|b| b.to_string()));
    put(4, p.data_breach.map(|b| b.to_string()));
    put(5, p.zone.map(|z| z.name().to_string()));
    put(7, p.summary.clone());
    put(8, p.response.clone());
    put(9, p.takeaways.clone());
    put(10, p.impact.clone());
    put(11, p.classification.clone());
    if let Some(d) = p.detected {
        v[6] = d.as_ref().map(time_text);
    }
    Ok(v)
}
