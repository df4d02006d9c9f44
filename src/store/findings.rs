//! Findings and the events that support them.

use super::rows::{EVENT_COLUMNS, EVENT_FROM, event, instant, parsed};
use super::{Result, Store, StoreError, Writer};
use crate::domain::{Event, Finding, LapseKind, NewFinding};
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Value, json};

const FINDING_COLUMNS: &str = "f.id, f.incident_id, f.kind, f.title, f.description, f.impact, \
    f.cross_org, f.org_group, f.created_us, f.updated_us, f.version";

fn finding(r: &Row<'_>) -> rusqlite::Result<Finding> {
    Ok(Finding {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        kind: parsed(r, 2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        impact: r.get(5)?,
        cross_org: r.get(6)?,
        group: r.get(7)?,
        created: instant(r, 8)?,
        updated: instant(r, 9)?,
        version: r.get(10)?,
    })
}

/// The JSON shape of a finding (CLI output and history snapshots).
pub fn finding_json(f: &Finding) -> Value {
    json!({
        "id": f.id,
        "kind": f.kind.as_str(),
        "title": f.title,
        "description": f.description,
        "impact": f.impact,
        "cross_org": f.cross_org,
        "group": f.group,
    })
}

/// A finding as the Findings view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingSummary {
    pub finding: Finding,
    pub events: i64,
    /// Evidence linked to the finding or to any of its events.
    pub evidence: i64,
}

impl Store {
    /// Creates a finding supported by `events` (ids in the same incident).
    pub fn create_finding(
        &mut self,
        incident_id: &str,
        new: &NewFinding,
        events: &[String],
    ) -> Result<Finding> {
        self.create_finding_with_evidence(incident_id, new, events, &[])
    }

    /// Creates a finding with its events and the evidence it rests on, as one action.
    pub fn create_finding_with_evidence(
        &mut self,
        incident_id: &str,
        new: &NewFinding,
        events: &[String],
        evidence: &[String],
    ) -> Result<Finding> {
        self.write("add finding", |w| {
            let f = w.insert_finding(incident_id, None, new)?;
            for e in events {
                w.link_finding_event(&f.id, e)?;
            }
            for ev in evidence {
                w.link_evidence(ev, super::Target::Finding(&f.id))?;
            }
            Ok(f)
        })
    }

    /// Links an event to a finding (nothing changes when it already is).
    pub fn link_event(&mut self, finding_id: &str, event_id: &str) -> Result<()> {
        self.write("tag event", |w| w.link_finding_event(finding_id, event_id))
    }

    pub fn unlink_event(&mut self, finding_id: &str, event_id: &str) -> Result<()> {
        self.write("untag event", |w| {
            w.unlink_finding_event(finding_id, event_id)
        })
    }

    pub fn delete_finding(&mut self, id: &str) -> Result<Finding> {
        self.write("delete finding", |w| w.delete_finding(id))
    }

    pub fn finding(&self, id: &str) -> Result<Option<Finding>> {
        let sql = format!("SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id = ?1");
        Ok(self.conn.query_row(&sql, [id], finding).optional()?)
    }

    /// The incident's findings by kind (in the order of the six kinds), then by creation.
    pub fn list_findings(&self, incident_id: &str) -> Result<Vec<FindingSummary>> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS},
                (SELECT count(*) FROM finding_events fe WHERE fe.finding_id = f.id),
                (SELECT count(DISTINCT l.evidence_id) FROM evidence_links l
                  WHERE l.finding_id = f.id
                     OR l.event_id IN (SELECT event_id FROM finding_events fe WHERE fe.finding_id = f.id))
             FROM findings f WHERE f.incident_id = ?1 ORDER BY f.created_us, f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([incident_id], |r| {
            Ok(FindingSummary {
                finding: finding(r)?,
                events: r.get(11)?,
                evidence: r.get(12)?,
            })
        })?;
        let mut all: Vec<FindingSummary> = rows.collect::<rusqlite::Result<_>>()?;
        all.sort_by_key(|s| s.finding.kind);
        Ok(all)
    }

    /// The events supporting a finding, in time order.
    pub fn finding_events(&self, finding_id: &str) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM}
             WHERE e.id IN (SELECT event_id FROM finding_events WHERE finding_id = ?1)
             ORDER BY e.at_us, e.seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([finding_id], event)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The findings an event supports.
    pub fn findings_of_event(&self, event_id: &str) -> Result<Vec<Finding>> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM findings f JOIN finding_events fe ON fe.finding_id = f.id
             WHERE fe.event_id = ?1 ORDER BY f.kind, f.created_us"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([event_id], finding)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    pub(crate) fn insert_finding(
        &self,
        incident_id: &str,
        id: Option<&str>,
        new: &NewFinding,
    ) -> Result<Finding> {
        let id = id.map(str::to_string).unwrap_or_else(|| self.new_id());
        self.tx.execute(
            "INSERT INTO findings (id, incident_id, kind, title, description, impact, cross_org,
                 org_group, created_us, updated_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                id,
                incident_id,
                new.kind.as_str(),
                new.title,
                new.description,
                new.impact,
                new.cross_org,
                new.group,
                self.now_us()
            ],
        )?;
        let f = self.finding(&id)?;
        self.record_insert("finding", &id, Some(incident_id), &finding_json(&f))?;
        Ok(f)
    }

    pub(crate) fn finding(&self, id: &str) -> Result<Finding> {
        let sql = format!("SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id = ?1");
        self.tx
            .query_row(&sql, [id], finding)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("finding {id} no longer exists")))
    }

    pub(crate) fn link_finding_event(&self, finding_id: &str, event_id: &str) -> Result<()> {
        let f = self.finding(finding_id)?;
        let e = self.event(event_id)?;
        if e.incident_id != f.incident_id {
            return Err(StoreError::invalid(
                "finding",
                format!("event {event_id} belongs to another incident than the finding"),
            ));
        }
        let added = self.tx.execute(
            "INSERT OR IGNORE INTO finding_events (finding_id, event_id) VALUES (?1, ?2)",
            [finding_id, event_id],
        )?;
        if added > 0 {
            let link = json!({"finding_id": finding_id, "event_id": event_id});
            self.record_insert(
                "finding_event",
                &format!("{finding_id}/{event_id}"),
                Some(&f.incident_id),
                &link,
            )?;
        }
        Ok(())
    }

    pub(crate) fn unlink_finding_event(&self, finding_id: &str, event_id: &str) -> Result<()> {
        let incident: Option<String> = self
            .tx
            .query_row(
                "SELECT incident_id FROM findings WHERE id = ?1",
                [finding_id],
                |r| r.get(0),
            )
            .optional()?;
        let removed = self.tx.execute(
            "DELETE FROM finding_events WHERE finding_id = ?1 AND event_id = ?2",
            [finding_id, event_id],
        )?;
        if removed > 0 {
            let link = json!({"finding_id": finding_id, "event_id": event_id});
            self.record_delete(
                "finding_event",
                &format!("{finding_id}/{event_id}"),
                incident.as_deref(),
                &link,
            )?;
        }
        Ok(())
    }

    /// Removes every link of an event to findings and evidence, recorded, so undoing the
    /// event's deletion brings them back.
    pub(crate) fn unlink_event_everywhere(&self, event_id: &str) -> Result<()> {
        let findings = self.strings(
            "SELECT finding_id FROM finding_events WHERE event_id = ?1",
            event_id,
        )?;
        for f in findings {
            self.unlink_finding_event(&f, event_id)?;
        }
        let evidence = self.strings(
            "SELECT evidence_id FROM evidence_links WHERE event_id = ?1",
            event_id,
        )?;
        for ev in evidence {
            self.unlink_evidence(&ev, "event", event_id)?;
        }
        Ok(())
    }

    pub(crate) fn delete_finding(&self, id: &str) -> Result<Finding> {
        let f = self.finding(id)?;
        let events = self.strings(
            "SELECT event_id FROM finding_events WHERE finding_id = ?1",
            id,
        )?;
        for e in events {
            self.unlink_finding_event(id, &e)?;
        }
        let evidence = self.strings(
            "SELECT evidence_id FROM evidence_links WHERE finding_id = ?1",
            id,
        )?;
        for ev in evidence {
            self.unlink_evidence(&ev, "finding", id)?;
        }
        self.record_delete("finding", id, Some(&f.incident_id), &finding_json(&f))?;
        self.tx
            .execute("DELETE FROM findings WHERE id = ?1", [id])?;
        Ok(f)
    }

    /// Writes one finding field from its text form (edits, undo and redo).
    pub(crate) fn set_finding_field(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let text = value.unwrap_or_default();
        let n = match field {
            "kind" => {
                text.parse::<LapseKind>().map_err(StoreError::Invalid)?;
                self.tx.execute(
                    "UPDATE findings SET kind = ?1 WHERE id = ?2",
                    params![text, id],
                )?
            }
            "title" | "description" | "impact" => self.tx.execute(
                &format!("UPDATE findings SET {field} = ?1 WHERE id = ?2"),
                params![text, id],
            )?,
            "group" => self.tx.execute(
                "UPDATE findings SET org_group = ?1 WHERE id = ?2",
                params![text, id],
            )?,
            "cross_org" => self.tx.execute(
                "UPDATE findings SET cross_org = ?1 WHERE id = ?2",
                params![text == "true", id],
            )?,
            other => {
                return Err(StoreError::invalid(
                    "finding",
                    format!("findings have no field {other:?}"),
                ));
            }
        };
        self.touched("findings", "finding", id, n)
    }
}

/// Finding fields in their history text form.
pub(crate) fn finding_values(f: &Finding) -> [(&'static str, String); 6] {
    [
        ("kind", f.kind.to_string()),
        ("title", f.title.clone()),
        ("description", f.description.clone()),
        ("impact", f.impact.clone()),
        ("cross_org", f.cross_org.to_string()),
        ("group", f.group.clone()),
    ]
}

impl Store {
    /// Changes a finding's fields to `new`; with `expected_version`, refuses a stale edit.
    pub fn update_finding(
        &mut self,
        id: &str,
        new: &NewFinding,
        expected_version: Option<i64>,
    ) -> Result<Finding> {
        self.write("edit finding", |w| {
            let before = w.finding(id)?;
            if let Some(v) = expected_version.filter(|v| *v != before.version) {
                return Err(StoreError::Stale(format!(
                    "the finding was changed elsewhere (version {v} is now {}); reload it first",
                    before.version
                )));
            }
            let mut after = before.clone();
            after.kind = new.kind;
            after.title =
                crate::domain::required("title", &new.title).map_err(StoreError::Invalid)?;
            after.description = new.description.clone();
            after.impact = new.impact.clone();
            after.cross_org = new.cross_org;
            after.group = new.group.clone();
            for ((field, old), (_, new)) in finding_values(&before)
                .into_iter()
                .zip(finding_values(&after))
            {
                if old != new {
                    w.set_finding_field(id, field, Some(&new))?;
                    w.record_update(
                        "finding",
                        id,
                        Some(&before.incident_id),
                        field,
                        Some(&old),
                        Some(&new),
                    )?;
                }
            }
            w.finding(id)
        })
    }
}
