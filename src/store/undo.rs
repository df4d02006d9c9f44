//! Undo and redo: both replay the history of a change set backwards or forwards, and are
//! themselves recorded as change sets, so the history stays complete.
//!
//! Each connection is a session (a workbench window, one CLI command) and marks the change
//! sets it writes. [`Store::undo`] and [`Store::redo`] act on this session's own changes
//! only: with two windows and the CLI on one file, `u` in one window never takes back
//! another window's capture or the CLI's event. [`Store::undo_any`] and
//! [`Store::redo_any`] (the `debrief undo` and `debrief redo` commands, whose every run is
//! a new session) act on the latest change of any session, as a shell user expects.

use super::{Result, Store, StoreError, Writer};
use crate::domain::json;
use crate::domain::{
    ActorKind, Attribution, KeyEventKind, NewEvent, Phase, Precision, TimeContext, parse_time,
};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

/// What undo or redo did, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub label: String,
    pub change_set: i64,
}

/// One history row, as replay needs it.
struct Step {
    entity: String,
    entity_id: String,
    incident_id: Option<String>,
    op: String,
    field: Option<String>,
    old: Option<String>,
    new: Option<String>,
}

/// Change sets that are users' own actions (not undos or redos of them), in a scope: an
/// incident (`?1`, or any) and a session (`?2`, or any).
const OWN_ACTIONS: &str = "undoes IS NULL AND redoes IS NULL AND (?1 IS NULL OR incident_id = ?1) \
     AND (?2 IS NULL OR session = ?2)";

impl Store {
    /// Undoes this session's latest action not yet undone (of one incident, or of any).
    /// `None` when this session has nothing to undo, whatever other sessions did.
    pub fn undo(&mut self, incident_id: Option<&str>) -> Result<Option<Replayed>> {
        let session = self.session.clone();
        self.undo_in(incident_id, Some(&session))
    }

    /// Undoes the latest action of any session (the `debrief undo` command).
    pub fn undo_any(&mut self, incident_id: Option<&str>) -> Result<Option<Replayed>> {
        self.undo_in(incident_id, None)
    }

    /// Redoes this session's most recently undone action, unless this session made a new
    /// action after the undo.
    pub fn redo(&mut self, incident_id: Option<&str>) -> Result<Option<Replayed>> {
        let session = self.session.clone();
        self.redo_in(incident_id, Some(&session))
    }

    /// Redoes the most recently undone action of any session (the `debrief redo` command).
    pub fn redo_any(&mut self, incident_id: Option<&str>) -> Result<Option<Replayed>> {
        self.redo_in(incident_id, None)
    }

    /// The change set undo (`redo` false) or redo would replay next, with its label.
    pub(super) fn replay_target(
        &self,
        incident_id: Option<&str>,
        session: Option<&str>,
        redo: bool,
    ) -> Result<Option<(i64, String)>> {
        let sql = if redo {
            // The undo must be this session's too, and no later action of it in between.
            format!(
                "SELECT c.id, c.label FROM change_sets c JOIN change_sets u ON u.undoes = c.id
                 WHERE c.undone = 1 AND (?1 IS NULL OR c.incident_id = ?1)
                   AND (?2 IS NULL OR (c.session = ?2 AND u.session = ?2))
                   AND u.id > (SELECT coalesce(max(id), 0) FROM change_sets WHERE {OWN_ACTIONS})
                 ORDER BY u.id DESC LIMIT 1"
            )
        } else {
            format!(
                "SELECT id, label FROM change_sets WHERE {OWN_ACTIONS} AND undone = 0 ORDER BY id DESC LIMIT 1"
            )
        };
        Ok(self
            .conn
            .query_row(&sql, params![incident_id, session], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn undo_in(
        &mut self,
        incident_id: Option<&str>,
        session: Option<&str>,
    ) -> Result<Option<Replayed>> {
        let Some((target, label)) = self.replay_target(incident_id, session, false)? else {
            return Ok(None);
        };
        self.write(&format!("undo {label}"), |w| {
            let steps = w.steps(target)?;
            w.steps_ahead(steps.len());
            for step in steps.iter().rev() {
                w.reverse(step)?;
                w.step_done();
            }
            w.tx.execute("UPDATE change_sets SET undone = 1 WHERE id = ?1", [target])?;
            w.tx.execute(
                "UPDATE change_sets SET undoes = ?1 WHERE id = ?2",
                [target, w.change_set],
            )?;
            Ok(())
        })?;
        Ok(Some(Replayed {
            label,
            change_set: target,
        }))
    }

    fn redo_in(
        &mut self,
        incident_id: Option<&str>,
        session: Option<&str>,
    ) -> Result<Option<Replayed>> {
        let Some((target, label)) = self.replay_target(incident_id, session, true)? else {
            return Ok(None);
        };
        self.write(&format!("redo {label}"), |w| {
            let steps = w.steps(target)?;
            w.steps_ahead(steps.len());
            for step in &steps {
                w.replay(step)?;
                w.step_done();
            }
            w.tx.execute("UPDATE change_sets SET undone = 0 WHERE id = ?1", [target])?;
            w.tx.execute(
                "UPDATE change_sets SET redoes = ?1 WHERE id = ?2",
                [target, w.change_set],
            )?;
            Ok(())
        })?;
        Ok(Some(Replayed {
            label,
            change_set: target,
        }))
    }

    /// Deletes an incident with its events and actors (recorded, so it can be undone).
    pub fn delete_incident(&mut self, id: &str) -> Result<()> {
        self.write("delete incident", |w| w.delete_incident(id))
    }
}

impl Writer<'_> {
    fn steps(&self, change_set: i64) -> Result<Vec<Step>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT entity, entity_id, incident_id, op, field, old, new FROM history
             WHERE change_set = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([change_set], |r| {
            Ok(Step {
                entity: r.get(0)?,
                entity_id: r.get(1)?,
                incident_id: r.get(2)?,
                op: r.get(3)?,
                field: r.get(4)?,
                old: r.get(5)?,
                new: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Applies the opposite of a step: an insert is removed, a delete restored, a field
    /// set back to its old value.
    fn reverse(&self, s: &Step) -> Result<()> {
        if let Some(table) = s.entity.strip_prefix("row:") {
            let (from, to) = match s.op.as_str() {
                "insert" => (s.new.as_deref(), None),
                "delete" => (None, s.old.as_deref()),
                _ => (s.new.as_deref(), s.old.as_deref()),
            };
            let inc = s.incident_id.as_deref();
            return self.replay_row(table, &s.entity, &s.entity_id, inc, from, to);
        }
        match s.op.as_str() {
            "insert" => self.remove(s),
            "delete" => self.restore(s, s.old.as_deref()),
            _ => self.set_field(s, s.new.as_deref(), s.old.as_deref()),
        }
    }

    /// Applies a step again.
    fn replay(&self, s: &Step) -> Result<()> {
        if let Some(table) = s.entity.strip_prefix("row:") {
            let (from, to) = match s.op.as_str() {
                "insert" => (None, s.new.as_deref()),
                "delete" => (s.old.as_deref(), None),
                _ => (s.old.as_deref(), s.new.as_deref()),
            };
            let inc = s.incident_id.as_deref();
            return self.replay_row(table, &s.entity, &s.entity_id, inc, from, to);
        }
        match s.op.as_str() {
            "insert" => self.restore(s, s.new.as_deref()),
            "delete" => self.remove(s),
            _ => self.set_field(s, s.old.as_deref(), s.new.as_deref()),
        }
    }

    fn set_field(&self, s: &Step, from: Option<&str>, to: Option<&str>) -> Result<()> {
        let field = s.field.as_deref().unwrap_or_default();
        let inc = s.incident_id.as_deref();
        match s.entity.as_str() {
            "incident" => self.set_incident_field(&s.entity_id, field, to)?,
            "event" => self.set_event_field(&s.entity_id, inc.unwrap_or_default(), field, to)?,
            "finding" => self.set_finding_field(&s.entity_id, field, to)?,
            "evaluation" => self.set_evaluation_field(&s.entity_id, field, to)?,
            "action" => self.set_action_field(&s.entity_id, field, to)?,
            "actor" => self.set_actor_field(&s.entity_id, field, to.unwrap_or_default())?,
            "owner" if field == "name" || field == "contact" => {
                self.tx.execute(
                    &format!("UPDATE owners SET {field} = ?1 WHERE id = ?2"),
                    params![to.unwrap_or_default(), s.entity_id],
                )?;
            }
            "evidence" if field == "verify_state" => {
                self.tx.execute(
                    "UPDATE evidence SET verify_state = ?1 WHERE id = ?2",
                    params![to, s.entity_id],
                )?;
            }
            other => {
                return Err(StoreError::invalid(
                    "history",
                    format!("cannot replay a change of a {other}"),
                ));
            }
        }
        self.record_update(&s.entity, &s.entity_id, inc, field, from, to)
    }

    fn remove(&self, s: &Step) -> Result<()> {
        match s.entity.as_str() {
            "event" => self.delete_event(&s.entity_id).map(drop),
            "incident" => self.delete_incident(&s.entity_id),
            "actor" => self.delete_row("actors", "actor", s),
            "finding" => self.delete_finding(&s.entity_id).map(drop),
            "action" => self.delete_row("actions", "action", s),
            "review" => self.delete_row("reviews", "review", s),
            "evaluation" => self.delete_row("evaluation_items", "evaluation", s),
            "sop_change" => self.delete_row("sop_changes", "sop_change", s),
            "evidence" => self.delete_evidence(&s.entity_id).map(drop),
            "action_finding" => {
                let (a, f) = s.entity_id.split_once('/').unwrap_or_default();
                self.unlink_action_finding(a, f)
            }
            "finding_event" | "evidence_link" => {
                let (a, b) = s.entity_id.split_once('/').unwrap_or_default();
                if s.entity == "finding_event" {
                    self.unlink_finding_event(a, b)
                } else {
                    let kind = link_kind(s);
                    self.unlink_evidence(a, &kind, b)
                }
            }
            "owner" => self.delete_row("owners", "owner", s),
            "import" => self.remove_import(&s.entity_id, s.incident_id.as_deref()),
            super::set_aside::ENTITY => {
                let incident = s.incident_id.as_deref().unwrap_or_default();
                self.set_aside_events(incident, Some(&s.entity_id))
            }
            other => Err(StoreError::invalid(
                "history",
                format!("cannot remove a {other}"),
            )),
        }
    }

    /// Deletes a record that has no dependants of its own to record (actor, owner).
    fn delete_row(&self, table: &str, entity: &str, s: &Step) -> Result<()> {
        let snapshot: Option<Value> = s
            .new
            .as_deref()
            .or(s.old.as_deref())
            .and_then(|j| serde_json::from_str(j).ok());
        self.tx.execute(
            &format!("DELETE FROM {table} WHERE id = ?1"),
            [&s.entity_id],
        )?;
        self.record_delete(
            entity,
            &s.entity_id,
            s.incident_id.as_deref(),
            &snapshot.unwrap_or(Value::Null),
        )
    }

    fn restore(&self, s: &Step, snapshot: Option<&str>) -> Result<()> {
        let v: Value = serde_json::from_str(snapshot.unwrap_or("null")).map_err(|e| {
            StoreError::invalid("history", format!("unreadable snapshot in history: {e}"))
        })?;
        let inc = s.incident_id.as_deref().unwrap_or_default();
        let text = |k: &str| v[k].as_str().map(str::to_string);
        match s.entity.as_str() {
            "event" => self.restore_event(&s.entity_id, inc, &v).map(drop),
            super::set_aside::ENTITY => self.bring_back_events(&s.entity_id, inc, &v),
            "actor" => {
                let kind = text("kind")
                    .and_then(|k| k.parse().ok())
                    .unwrap_or(ActorKind::Unclassified);
                let attribution = text("attribution")
                    .and_then(|k| k.parse().ok())
                    .unwrap_or(Attribution::Known);
                let name = text("name").unwrap_or_default();
                let note = text("note").unwrap_or_default();
                self.insert_actor_with_id(&s.entity_id, inc, &name, kind, attribution, &note)
                    .map(drop)
            }
            "incident" => self.restore_incident(&s.entity_id, &v),
            "finding" => {
                let kind = text("kind")
                    .and_then(|k| k.parse().ok())
                    .ok_or_else(|| StoreError::invalid("history", "unreadable finding snapshot"))?;
                let new = crate::domain::NewFinding {
                    kind,
                    title: text("title").unwrap_or_default(),
                    description: text("description").unwrap_or_default(),
                    impact: text("impact").unwrap_or_default(),
                    cross_org: v["cross_org"].as_bool().unwrap_or(false),
                    group: text("group").unwrap_or_default(),
                };
                self.insert_finding(inc, Some(&s.entity_id), &new).map(drop)
            }
            "evidence" => self.insert_evidence_snapshot(&s.entity_id, inc, &v),
            "evaluation" => self.insert_evaluation_snapshot(&s.entity_id, inc, &v, None),
            "action" => self.restore_action(&s.entity_id, inc, &v),
            "review" => {
                let review = crate::domain::Review {
                    id: s.entity_id.clone(),
                    action_id: text("action_id").unwrap_or_default(),
                    at: text("at")
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .unwrap_or(self.now),
                    by: text("by").unwrap_or_default(),
                    note: text("note").unwrap_or_default(),
                    status_before: text("status_before")
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(crate::domain::ActionStatus::Proposed),
                    status_after: text("status_after")
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(crate::domain::ActionStatus::Proposed),
                    changes: text("changes").unwrap_or_default(),
                };
                self.insert_review(&review)?;
                self.record_insert("review", &s.entity_id, Some(inc), &v)
            }
            "sop_change" => {
                self.tx.execute(
                    "INSERT INTO sop_changes (id, action_id, document, section, incorporated) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![s.entity_id, text("action_id"), text("document"), text("section").unwrap_or_default(), text("incorporated")],
                )?;
                self.record_insert("sop_change", &s.entity_id, Some(inc), &v)
            }
            "finding_event" => {
                let (f, e) = s.entity_id.split_once('/').unwrap_or_default();
                self.link_finding_event(f, e)
            }
            "action_finding" => {
                let (a, f) = s.entity_id.split_once('/').unwrap_or_default();
                self.link_action_finding(a, f)
            }
            "evidence_link" => {
                let (ev, target) = s.entity_id.split_once('/').unwrap_or_default();
                let target = if link_kind(s) == "event" {
                    super::Target::Event(target)
                } else {
                    super::Target::Finding(target)
                };
                self.link_evidence(ev, target)
            }
            "owner" => {
                self.tx.execute(
                    "INSERT INTO owners (id, name, kind, contact) VALUES (?1, ?2, ?3, ?4)",
                    params![
                        s.entity_id,
                        text("name"),
                        text("kind"),
                        text("contact").unwrap_or_default()
                    ],
                )?;
                self.record_insert("owner", &s.entity_id, None, &v)
            }
            "import" if v.get("format").and_then(|f| f.as_str()) == Some("debrief-bundle") => {
                Err(StoreError::invalid(
                    "history",
                    "an undone bundle import cannot be redone: import the bundle file again",
                ))
            }
            "import" => Err(StoreError::invalid(
                "history",
                "an undone import cannot be redone: import the file again (rows already there are skipped)",
            )),
            other => Err(StoreError::invalid(
                "history",
                format!("cannot restore a {other}"),
            )),
        }
    }

    fn restore_event(
        &self,
        id: &str,
        incident_id: &str,
        v: &Value,
    ) -> Result<crate::domain::Event> {
        let bad = |what: &str| {
            StoreError::invalid("history", format!("unreadable event snapshot: {what}"))
        };
        let text = |k: &str| v[k].as_str().map(str::to_string);
        let mut at = parse_time(
            &text("at_original").ok_or_else(|| bad("at"))?,
            &TimeContext::utc(),
        )
        .map_err(|_| bad("at"))?;
        at.precision = text("precision")
            .and_then(|p| p.parse::<Precision>().ok())
            .unwrap_or_default();
        let tags: Vec<String> = v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let new = NewEvent {
            at,
            text: text("text").unwrap_or_default(),
            actor: text("actor"),
            source: text("source"),
            phase: text("phase").and_then(|p| p.parse::<Phase>().ok()),
            tags,
            technique: text("technique"),
            key_kind: text("key_event").and_then(|k| k.parse::<KeyEventKind>().ok()),
            caused_by: text("caused_by"),
            attrs: v["attrs"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        };
        self.insert_event_with_id(id, incident_id, &new)
    }

    fn restore_incident(&self, id: &str, v: &Value) -> Result<()> {
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let created = chrono::DateTime::parse_from_rfc3339(&text("created"))
            .map(|t| t.timestamp_micros())
            .unwrap_or_else(|_| self.now_us());
        self.tx.execute(
            "INSERT INTO incidents (id, key, title, severity, status, zone, created_us, updated_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                text("key"),
                text("title"),
                text("severity"),
                text("status"),
                text("zone"),
                created,
                self.now_us()
            ],
        )?;
        // The rest through the field setters, so they are checked the same way as edits.
        for field in [
            "customer_impact",
            "data_breach",
            "summary",
            "response",
            "takeaways",
            "impact",
            "classification",
        ] {
            let value = match &v[field] {
                Value::Bool(b) => b.to_string(),
                other => other.as_str().unwrap_or_default().to_string(),
            };
            self.set_incident_field(id, field, Some(&value))?;
        }
        if let (Some(at), Some(precision)) = (
            v["detected_original"].as_str(),
            v["detected_precision"].as_str(),
        ) {
            self.set_incident_field(id, "detected", Some(&format!("{at} {precision}")))?;
        }
        let restored = self.incident(id)?;
        self.record_insert("incident", id, Some(id), &json::incident(&restored, None))
    }

    /// Brings back an action from its snapshot (owners by name, created if gone).
    fn restore_action(&self, id: &str, incident_id: &str, v: &Value) -> Result<()> {
        let text = |k: &str| v[k].as_str().map(str::to_string);
        self.tx.execute(
            "INSERT INTO actions (id, incident_id, kind, title, description, priority, due, status,
                 reject_reason, ticket, created_us, updated_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                id,
                incident_id,
                text("kind"),
                text("title"),
                text("description").unwrap_or_default(),
                text("priority"),
                text("due"),
                text("status"),
                text("reject_reason").unwrap_or_default(),
                text("ticket").unwrap_or_default(),
                self.now_us()
            ],
        )?;
        for field in ["owner", "group"] {
            if let Some(name) = text(field) {
                self.set_action_field(id, field, Some(&name))?;
            }
        }
        for f in v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
        {
            self.tx.execute(
                "INSERT OR IGNORE INTO action_findings (action_id, finding_id) VALUES (?1, ?2)",
                [id, f],
            )?;
        }
        self.record_insert("action", id, Some(incident_id), v)
    }

    pub(crate) fn delete_incident(&self, id: &str) -> Result<()> {
        let gone = self.incident(id)?;
        // Actions, findings and evidence first, each with what hangs on it, so undo
        // rebuilds them all (in reverse: evidence, findings, then the actions addressing them).
        for action in self.strings(
            "SELECT id FROM actions WHERE incident_id = ?1 ORDER BY created_us DESC",
            id,
        )? {
            self.delete_action(&action)?;
        }
        for item in self.evaluation_items(id)? {
            self.delete_evaluation_item(&item)?;
        }
        let findings = self.strings(
            "SELECT id FROM findings WHERE incident_id = ?1 ORDER BY created_us DESC",
            id,
        )?;
        for f in findings {
            self.delete_finding(&f)?;
        }
        let evidence = self.strings(
            "SELECT id FROM evidence WHERE incident_id = ?1 ORDER BY added_us DESC",
            id,
        )?;
        for ev in evidence {
            self.delete_evidence(&ev)?;
        }
        // All at once, as they are stored: one history step (set_aside.rs).
        self.set_aside_events(id, None)?;
        for actor in self.actors(id)? {
            let snapshot = json!({
                "name": actor.name, "kind": actor.kind.as_str(),
                "attribution": actor.attribution.as_str(), "note": actor.note,
            });
            self.record_delete("actor", &actor.id, Some(id), &snapshot)?;
            self.tx
                .execute("DELETE FROM actors WHERE id = ?1", [&actor.id])?;
        }
        self.record_delete("incident", id, Some(id), &json::incident(&gone, None))?;
        self.tx
            .execute("DELETE FROM incidents WHERE id = ?1", [id])?;
        Ok(())
    }

    fn actors(&self, incident_id: &str) -> Result<Vec<crate::domain::Actor>> {
        super::actors::list(&self.tx, incident_id)
    }
}

/// Whether an evidence-link step was about an event or a finding.
fn link_kind(s: &Step) -> String {
    let snapshot = s.new.as_deref().or(s.old.as_deref()).unwrap_or("null");
    serde_json::from_str::<Value>(snapshot)
        .ok()
        .and_then(|v| v["target_kind"].as_str().map(str::to_string))
        .unwrap_or_else(|| "event".into())
}
