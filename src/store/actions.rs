//! The improvement backlog: actions, owners on the fly, reviews and SOP changes.

use super::rows::{instant, parsed};
use super::{Result, Store, StoreError, Writer};
use crate::domain::action::parse_date;
use crate::domain::{Action, ActionStatus, Finding, NewAction, OwnerKind, Review, SopChange};
use chrono::{DateTime, NaiveDate};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use serde_json::{Value, json};

const ACTION_COLUMNS: &str = "a.id, a.incident_id, i.key, a.kind, a.title, a.description, \
    o.name, g.name, a.priority, a.due, a.status, a.reject_reason, a.ticket, a.created_us, \
    a.updated_us, (SELECT max(r.at_us) FROM reviews r WHERE r.action_id = a.id), a.version";

const ACTION_FROM: &str = "actions a JOIN incidents i ON i.id = a.incident_id \
    LEFT JOIN owners o ON o.id = a.owner_id LEFT JOIN owners g ON g.id = a.group_id";

fn action(r: &Row<'_>) -> rusqlite::Result<Action> {
    let due: Option<String> = r.get(9)?;
    Ok(Action {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        incident_key: r.get(2)?,
        kind: parsed(r, 3)?,
        title: r.get(4)?,
        description: r.get(5)?,
        owner: r.get(6)?,
        group: r.get(7)?,
        priority: parsed(r, 8)?,
        due: due.and_then(|d| parse_date(&d).ok()),
        status: parsed(r, 10)?,
        reject_reason: r.get(11)?,
        ticket: r.get(12)?,
        created: instant(r, 13)?,
        updated: instant(r, 14)?,
        last_review: r
            .get::<_, Option<i64>>(15)?
            .and_then(DateTime::from_timestamp_micros),
        version: r.get(16)?,
    })
}

/// The JSON shape of an action (CLI output and history snapshots).
pub fn action_json(a: &Action, today: NaiveDate) -> Value {
    json!({
        "id": a.id,
        "incident": a.incident_key,
        "title": a.title,
        "description": a.description,
        "kind": a.kind.as_str(),
        "owner": a.owner,
        "group": a.group,
        "priority": a.priority.as_str(),
        "status": a.status.as_str(),
        "reject_reason": a.reject_reason,
        "due": a.due.map(|d| d.to_string()),
        "ticket": a.ticket,
        "overdue": a.is_overdue(today),
        "last_review": a.last_review.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    })
}

/// Which actions a backlog shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacklogFilter {
    pub incident_id: Option<String>,
    /// A person or a group (either field matches).
    pub owner: Option<String>,
    pub group: Option<String>,
    pub status: Option<ActionStatus>,
    /// Only proposed, accepted and in-progress ones.
    pub open_only: bool,
    /// Only those open and due before this day.
    pub overdue_on: Option<NaiveDate>,
}

/// What a review records: a note, and any of a new status, owner, group or due date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewInput {
    pub note: String,
    pub status: Option<ActionStatus>,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub due: Option<Option<NaiveDate>>,
}

/// An owner with how much of the backlog is theirs.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerLoad {
    pub name: String,
    pub kind: OwnerKind,
    /// How the owner is reached (an e-mail becomes the Assignee in the actions CSV).
    pub contact: String,
    pub open: i64,
    pub overdue: i64,
    pub due_this_week: i64,
}

impl Store {
    /// Adds an action, creating its owner and group when new, linked to findings.
    pub fn create_action(
        &mut self,
        incident_id: &str,
        new: &NewAction,
        findings: &[String],
    ) -> Result<Action> {
        self.write("add action", |w| {
            let id = w.new_id();
            let owner = new
                .owner
                .as_deref()
                .map(|n| w.ensure_owner(n, OwnerKind::Person))
                .transpose()?;
            let group = new
                .group
                .as_deref()
                .map(|n| w.ensure_owner(n, OwnerKind::Group))
                .transpose()?;
            w.tx.execute(
                "INSERT INTO actions (id, incident_id, kind, title, description, owner_id, group_id,
                     priority, due, status, ticket, created_us, updated_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'proposed', ?10, ?11, ?11)",
                params![
                    id,
                    incident_id,
                    new.kind.as_str(),
                    new.title,
                    new.description,
                    owner,
                    group,
                    new.priority.as_str(),
                    new.due.map(|d| d.to_string()),
                    new.ticket,
                    w.now_us()
                ],
            )?;
            for f in findings {
                let finding = w.finding(f)?;
                if finding.incident_id != incident_id {
                    return Err(StoreError::invalid(
                        "action",
                        format!("finding {f} belongs to another incident"),
                    ));
                }
                w.tx.execute(
                    "INSERT OR IGNORE INTO action_findings (action_id, finding_id) VALUES (?1, ?2)",
                    [&id, f],
                )?;
            }
            let a = w.action(&id)?;
            let mut snapshot = action_json(&a, w.now.date_naive());
            snapshot["findings"] = json!(findings);
            w.record_insert("action", &id, Some(incident_id), &snapshot)?;
            Ok(a)
        })
    }

    /// Links an action to more findings and unlinks others, in one change (one undo):
    /// an action logged before its finding is linked later.
    pub fn relink_action_findings(
        &mut self,
        action_id: &str,
        link: &[String],
        unlink: &[String],
    ) -> Result<()> {
        self.write("link action", |w| {
            for f in link {
                w.link_action_finding(action_id, f)?;
            }
            for f in unlink {
                w.unlink_action_finding(action_id, f)?;
            }
            Ok(())
        })
    }

    pub fn action(&self, id: &str) -> Result<Option<Action>> {
        let sql = format!("SELECT {ACTION_COLUMNS} FROM {ACTION_FROM} WHERE a.id = ?1");
        Ok(self.conn.query_row(&sql, [id], action).optional()?)
    }

    /// The one action whose id starts or ends with `typed` (any incident).
    pub fn resolve_action_id(&self, typed: &str) -> Result<String> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() < 4 || !typed.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::invalid(
                "action",
                format!(
                    "action id {typed:?}: give at least 4 characters of the id (hex digits and '-')"
                ),
            ));
        }
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM actions WHERE id LIKE ?1 || '%' OR id LIKE '%' || ?1 LIMIT 2",
            )?
            .query_map([&typed], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::NotFound(format!(
                "no action with an id like {typed:?} ('debrief backlog' lists them)"
            ))),
            _ => Err(StoreError::invalid(
                "action",
                format!("action id {typed:?} is ambiguous; give more characters"),
            )),
        }
    }

    /// The backlog: matching actions, by incident then creation (callers sort as they show).
    pub fn backlog(&self, f: &BacklogFilter) -> Result<Vec<Action>> {
        let mut sql = format!("SELECT {ACTION_COLUMNS} FROM {ACTION_FROM} WHERE 1 = 1");
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(i) = &f.incident_id {
            sql.push_str(" AND a.incident_id = ?");
            args.push(i.clone().into());
        }
        if let Some(o) = &f.owner {
            sql.push_str(" AND (o.name = ? COLLATE NOCASE OR g.name = ? COLLATE NOCASE)");
            args.push(o.clone().into());
            args.push(o.clone().into());
        }
        if let Some(g) = &f.group {
            sql.push_str(" AND g.name = ? COLLATE NOCASE");
            args.push(g.clone().into());
        }
        if let Some(s) = f.status {
            sql.push_str(" AND a.status = ?");
            args.push(s.as_str().to_string().into());
        }
        if f.open_only || f.overdue_on.is_some() {
            sql.push_str(" AND a.status IN ('proposed', 'accepted', 'in-progress')");
        }
        if let Some(day) = f.overdue_on {
            sql.push_str(" AND a.due IS NOT NULL AND a.due < ?");
            args.push(day.to_string().into());
        }
        sql.push_str(" ORDER BY i.key, a.created_us, a.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), action)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a review of an action: the note and what changed, all in one action.
    /// Rejecting needs a reason (the note).
    pub fn review_action(
        &mut self,
        id: &str,
        input: &ReviewInput,
        expected_version: Option<i64>,
    ) -> Result<Review> {
        self.write("review action", |w| {
            w.review_action(id, input, expected_version)
        })
    }

    pub fn reviews(&self, action_id: &str) -> Result<Vec<Review>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, action_id, at_us, by, note, status_before, status_after, changes
             FROM reviews WHERE action_id = ?1 ORDER BY at_us, id",
        )?;
        let rows = stmt.query_map([action_id], |r| {
            Ok(Review {
                id: r.get(0)?,
                action_id: r.get(1)?,
                at: instant(r, 2)?,
                by: r.get(3)?,
                note: r.get(4)?,
                status_before: parsed(r, 5)?,
                status_after: parsed(r, 6)?,
                changes: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The findings an action addresses.
    pub fn action_findings(&self, action_id: &str) -> Result<Vec<Finding>> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached("SELECT finding_id FROM action_findings WHERE action_id = ?1")?
            .query_map([action_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids
            .iter()
            .filter_map(|id| self.finding(id).ok().flatten())
            .collect())
    }

    /// Records that an action changed a procedure (document and section), and when it
    /// was incorporated.
    pub fn add_sop_change(
        &mut self,
        action_id: &str,
        document: &str,
        section: &str,
        incorporated: Option<NaiveDate>,
    ) -> Result<SopChange> {
        let document =
            crate::domain::required("document", document).map_err(StoreError::Invalid)?;
        self.write("record SOP change", |w| {
            let a = w.action(action_id)?;
            let id = w.new_id();
            w.tx.execute(
                "INSERT INTO sop_changes (id, action_id, document, section, incorporated) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, action_id, document, section, incorporated.map(|d| d.to_string())],
            )?;
            let snapshot = json!({"action_id": action_id, "document": document, "section": section,
                "incorporated": incorporated.map(|d| d.to_string())});
            w.record_insert("sop_change", &id, Some(&a.incident_id), &snapshot)?;
            Ok(SopChange { id, action_id: action_id.to_string(), document: document.clone(), section: section.to_string(), incorporated })
        })
    }

    /// SOP changes, of one incident or all, with the action that made each.
    pub fn sop_changes(&self, incident_id: Option<&str>) -> Result<Vec<(SopChange, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.action_id, s.document, s.section, s.incorporated, a.title
             FROM sop_changes s JOIN actions a ON a.id = s.action_id
             WHERE ?1 IS NULL OR a.incident_id = ?1 ORDER BY s.document, s.section",
        )?;
        let rows = stmt.query_map([incident_id], |r| {
            let incorporated: Option<String> = r.get(4)?;
            Ok((
                SopChange {
                    id: r.get(0)?,
                    action_id: r.get(1)?,
                    document: r.get(2)?,
                    section: r.get(3)?,
                    incorporated: incorporated.and_then(|d| parse_date(&d).ok()),
                },
                r.get(5)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// The owner with this name (any case), created with `kind` when new.
    pub(crate) fn ensure_owner(&self, name: &str, kind: OwnerKind) -> Result<String> {
        let name = crate::domain::required("owner", name).map_err(StoreError::Invalid)?;
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT id FROM owners WHERE name = ?1 COLLATE NOCASE",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let id = self.new_id();
        self.tx.execute(
            "INSERT INTO owners (id, name, kind) VALUES (?1, ?2, ?3)",
            params![id, name, kind.as_str()],
        )?;
        self.record_insert(
            "owner",
            &id,
            None,
            &json!({"name": name, "kind": kind.as_str(), "contact": ""}),
        )?;
        Ok(id)
    }

    /// An owner's name as stored when one matches (any case), else as typed; none when blank.
    /// Reviews compare and record this, so "l. ortega" for "L. Ortega" is no change.
    fn known_owner_name(&self, typed: &str) -> Result<Option<String>> {
        let Some(typed) = crate::domain::optional(Some(typed)) else {
            return Ok(None);
        };
        let stored: Option<String> = self
            .tx
            .query_row(
                "SELECT name FROM owners WHERE name = ?1 COLLATE NOCASE",
                [&typed],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Some(stored.unwrap_or(typed)))
    }

    pub(super) fn owner_id(&self, name: &str) -> Result<String> {
        self.tx
            .query_row(
                "SELECT id FROM owners WHERE name = ?1 COLLATE NOCASE",
                [name],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no owner {name:?} ('debrief owner list' shows them)"
                ))
            })
    }

    /// Links an action to a finding of its incident (recorded, so undo removes it).
    pub(crate) fn link_action_finding(&self, action_id: &str, finding_id: &str) -> Result<()> {
        let a = self.action(action_id)?;
        let f = self.finding(finding_id)?;
        if f.incident_id != a.incident_id {
            return Err(StoreError::invalid(
                "finding",
                format!("finding {finding_id} belongs to another incident"),
            ));
        }
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO action_findings (action_id, finding_id) VALUES (?1, ?2)",
            [action_id, finding_id],
        )?;
        if n > 0 {
            let link = json!({"action_id": action_id, "finding_id": finding_id});
            self.record_insert(
                "action_finding",
                &format!("{action_id}/{finding_id}"),
                Some(&a.incident_id),
                &link,
            )?;
        }
        Ok(())
    }

    pub(crate) fn unlink_action_finding(&self, action_id: &str, finding_id: &str) -> Result<()> {
        let a = self.action(action_id)?;
        let n = self.tx.execute(
            "DELETE FROM action_findings WHERE action_id = ?1 AND finding_id = ?2",
            [action_id, finding_id],
        )?;
        if n > 0 {
            let link = json!({"action_id": action_id, "finding_id": finding_id});
            self.record_delete(
                "action_finding",
                &format!("{action_id}/{finding_id}"),
                Some(&a.incident_id),
                &link,
            )?;
        }
        Ok(())
    }

    pub(crate) fn action(&self, id: &str) -> Result<Action> {
        let sql = format!("SELECT {ACTION_COLUMNS} FROM {ACTION_FROM} WHERE a.id = ?1");
        self.tx
            .query_row(&sql, [id], action)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("action {id} no longer exists")))
    }

    /// Writes one action field from its text form (reviews, undo and redo).
    pub(crate) fn set_action_field(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let n = match field {
            "status" | "reject_reason" | "due" | "priority" | "title" | "ticket" => {
                self.tx.execute(
                    &format!("UPDATE actions SET {field} = ?1 WHERE id = ?2"),
                    params![
                        if field == "due" {
                            value.map(str::to_string)
                        } else {
                            Some(value.unwrap_or_default().to_string())
                        },
                        id
                    ],
                )?
            }
            "owner" | "group" => {
                let kind = if field == "owner" {
                    OwnerKind::Person
                } else {
                    OwnerKind::Group
                };
                let owner = value.map(|n| self.ensure_owner(n, kind)).transpose()?;
                self.tx.execute(
                    &format!("UPDATE actions SET {field}_id = ?1 WHERE id = ?2"),
                    params![owner, id],
                )?
            }
            other => {
                return Err(StoreError::invalid(
                    "action",
                    format!("actions have no field {other:?}"),
                ));
            }
        };
        self.touched("actions", "action", id, n)
    }

    fn review_action(
        &self,
        id: &str,
        input: &ReviewInput,
        expected_version: Option<i64>,
    ) -> Result<Review> {
        let before = self.action(id)?;
        if let Some(v) = expected_version.filter(|v| *v != before.version) {
            return Err(StoreError::Stale(format!(
                "the action was changed elsewhere (version {v} is now {}); reload it first",
                before.version
            )));
        }
        let status_after = input.status.unwrap_or(before.status);
        if status_after == ActionStatus::Rejected
            && before.status != ActionStatus::Rejected
            && input.note.trim().is_empty()
        {
            return Err(StoreError::invalid(
                "note",
                "rejecting an action needs a reason: say why in the note",
            ));
        }
        let inc = Some(before.incident_id.as_str());
        let mut changes = Vec::new();
        let mut change = |field: &str, old: Option<String>, new: Option<String>| -> Result<()> {
            if old != new {
                self.set_action_field(id, field, new.as_deref())?;
                self.record_update("action", id, inc, field, old.as_deref(), new.as_deref())?;
                // The reason is the review's note already; the summary need not say it twice.
                if field != "reject_reason" {
                    changes.push(format!(
                        "{field}: {} → {}",
                        old.unwrap_or_else(|| "none".into()),
                        new.unwrap_or_else(|| "none".into())
                    ));
                }
            }
            Ok(())
        };
        // The reason before the status: the schema refuses a rejection without one (and undo,
        // replaying backwards, takes the status back before clearing the reason).
        if status_after == ActionStatus::Rejected && before.status != ActionStatus::Rejected {
            change(
                "reject_reason",
                Some(before.reject_reason.clone()),
                Some(input.note.trim().to_string()),
            )?;
        }
        change(
            "status",
            Some(before.status.to_string()),
            Some(status_after.to_string()),
        )?;
        if let Some(o) = &input.owner {
            let owner = self.known_owner_name(o)?;
            change("owner", before.owner.clone(), owner)?;
        }
        if let Some(g) = &input.group {
            let group = self.known_owner_name(g)?;
            change("group", before.group.clone(), group)?;
        }
        if let Some(d) = input.due {
            change(
                "due",
                before.due.map(|d| d.to_string()),
                d.map(|d| d.to_string()),
            )?;
        }
        let review = Review {
            id: self.new_id(),
            action_id: id.to_string(),
            at: self.now,
            by: self.by.to_string(),
            note: input.note.trim().to_string(),
            status_before: before.status,
            status_after,
            changes: changes.join("; "),
        };
        self.insert_review(&review)?;
        self.record_insert("review", &review.id, inc, &review_json(&review))?;
        Ok(review)
    }

    /// Deletes an action with its reviews and SOP changes, all recorded so undo restores them.
    pub(crate) fn delete_action(&self, id: &str) -> Result<()> {
        let a = self.action(id)?;
        let inc = Some(a.incident_id.as_str());
        for review in self.strings(
            "SELECT id FROM reviews WHERE action_id = ?1 ORDER BY at_us",
            id,
        )? {
            let r: Value = self.tx.query_row(
                "SELECT id, action_id, at_us, by, note, status_before, status_after, changes FROM reviews WHERE id = ?1",
                [&review],
                |r| {
                    let at: i64 = r.get(2)?;
                    Ok(json!({"id": r.get::<_, String>(0)?, "action_id": r.get::<_, String>(1)?,
                        "at": DateTime::from_timestamp_micros(at).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
                        "by": r.get::<_, String>(3)?, "note": r.get::<_, String>(4)?,
                        "status_before": r.get::<_, String>(5)?, "status_after": r.get::<_, String>(6)?,
                        "changes": r.get::<_, String>(7)?}))
                },
            )?;
            self.record_delete("review", &review, inc, &r)?;
            self.tx
                .execute("DELETE FROM reviews WHERE id = ?1", [&review])?;
        }
        for sop in self.strings("SELECT id FROM sop_changes WHERE action_id = ?1", id)? {
            let v: Value = self.tx.query_row(
                "SELECT action_id, document, section, incorporated FROM sop_changes WHERE id = ?1",
                [&sop],
                |r| Ok(json!({"action_id": r.get::<_, String>(0)?, "document": r.get::<_, String>(1)?,
                    "section": r.get::<_, String>(2)?, "incorporated": r.get::<_, Option<String>>(3)?})),
            )?;
            self.record_delete("sop_change", &sop, inc, &v)?;
            self.tx
                .execute("DELETE FROM sop_changes WHERE id = ?1", [&sop])?;
        }
        let mut snapshot = action_json(&a, self.now.date_naive());
        snapshot["findings"] = json!(self.strings(
            "SELECT finding_id FROM action_findings WHERE action_id = ?1",
            id
        )?);
        self.record_delete("action", id, inc, &snapshot)?;
        self.tx.execute("DELETE FROM actions WHERE id = ?1", [id])?;
        Ok(())
    }

    pub(crate) fn insert_review(&self, r: &Review) -> Result<()> {
        self.tx.execute(
            "INSERT INTO reviews (id, action_id, at_us, by, note, status_before, status_after, changes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![r.id, r.action_id, r.at.timestamp_micros(), r.by, r.note, r.status_before.as_str(), r.status_after.as_str(), r.changes],
        )?;
        Ok(())
    }
}

pub fn review_json(r: &Review) -> Value {
    json!({
        "id": r.id,
        "action_id": r.action_id,
        "at": r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "by": r.by,
        "note": r.note,
        "status_before": r.status_before.as_str(),
        "status_after": r.status_after.as_str(),
        "changes": r.changes,
    })
}
