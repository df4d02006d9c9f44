//! The response evaluation: an incident's checklist areas with their two ratings, note and
//! linked findings. Every change is recorded, so undo and redo cover the evaluation too.

use super::rows::optional_parsed as parsed_opt;
use super::{Result, Store, StoreError, Writer};
use crate::domain::evaluation::{ChecklistArea, EvaluationItem, parse_rating};
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Value, json};

const ITEM_COLUMNS: &str = "id, incident_id, position, area, question, sufficiency, \
    completeness, note, findings, version";

/// The fields an analyst edits, by their history names.
pub const EVALUATION_FIELDS: [&str; 6] = [
    "area",
    "question",
    "sufficiency",
    "completeness",
    "note",
    "findings",
];

fn item(r: &Row<'_>) -> rusqlite::Result<EvaluationItem> {
    let findings: String = r.get(8)?;
    Ok(EvaluationItem {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        position: r.get(2)?,
        area: r.get(3)?,
        question: r.get(4)?,
        sufficiency: parsed_opt(r, 5)?,
        completeness: parsed_opt(r, 6)?,
        note: r.get(7)?,
        findings: findings.split_whitespace().map(str::to_string).collect(),
        version: r.get(9)?,
    })
}

/// The JSON shape of an evaluation item (CLI output and history snapshots).
pub fn evaluation_json(i: &EvaluationItem) -> Value {
    json!({
        "id": i.id,
        "position": i.position,
        "area": i.area,
        "question": i.question,
        "sufficiency": i.sufficiency.map(|r| r.as_str()),
        "completeness": i.completeness.map(|r| r.as_str()),
        "note": i.note,
        "findings": i.findings,
    })
}

impl Store {
    /// The incident's evaluation in checklist order; empty when not started. Linked
    /// findings that no longer exist are left out.
    pub fn evaluation(&self, incident_id: &str) -> Result<Vec<EvaluationItem>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM evaluation_items WHERE incident_id = ?1 ORDER BY position"
        ))?;
        let mut items: Vec<EvaluationItem> = stmt
            .query_map([incident_id], item)?
            .collect::<rusqlite::Result<_>>()?;
        let mut exists = self
            .conn
            .prepare_cached("SELECT 1 FROM findings WHERE id = ?1")?;
        for i in &mut items {
            let mut kept = Vec::new();
            for f in i.findings.drain(..) {
                if exists.exists([&f])? {
                    kept.push(f);
                }
            }
            i.findings = kept;
        }
        Ok(items)
    }

    /// Starts the incident's evaluation from a checklist (the default one, or the
    /// analyst's). Refused when the incident already has one.
    pub fn start_evaluation(
        &mut self,
        incident_id: &str,
        areas: &[ChecklistArea],
    ) -> Result<Vec<EvaluationItem>> {
        self.write("start the response evaluation", |w| {
            w.start_evaluation(incident_id, areas)
        })?;
        self.evaluation(incident_id)
    }

    /// Adds an area at the end of the checklist.
    pub fn add_evaluation_area(
        &mut self,
        incident_id: &str,
        area: &str,
        question: &str,
    ) -> Result<EvaluationItem> {
        self.write(&format!("add evaluation area {}", area.trim()), |w| {
            w.insert_evaluation_item(incident_id, area, question)
        })
    }

    /// Sets one field of an area (`sufficiency`, `completeness`, `note`, `findings`,
    /// `area`, `question`) from its text form; `None` clears it.
    pub fn edit_evaluation(
        &mut self,
        item_id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<EvaluationItem> {
        self.edit_evaluation_fields(item_id, &[(field, value)], None)
    }

    /// Sets several fields of an area at once: one action, one undo. With
    /// `expected_version` (the version the analyst's copy was read at), refuses when
    /// another window changed the area since.
    pub fn edit_evaluation_fields(
        &mut self,
        item_id: &str,
        changes: &[(&str, Option<&str>)],
        expected_version: Option<i64>,
    ) -> Result<EvaluationItem> {
        let before = self.evaluation_item(item_id)?;
        let fields: Vec<&str> = changes.iter().map(|(f, _)| *f).collect();
        let label = format!("evaluate {}: {}", before.area, fields.join(", "));
        self.write(&label, |w| {
            // Checked under the write lock: `before` is what the history will say was there.
            let now: i64 = w.tx.query_row(
                "SELECT version FROM evaluation_items WHERE id = ?1",
                [item_id],
                |r| r.get(0),
            )?;
            let expected = expected_version.unwrap_or(before.version);
            if now != expected {
                return Err(StoreError::Stale(format!(
                    "the evaluation of {} was changed elsewhere (version {expected} is now {now}); reload it first",
                    before.area
                )));
            }
            for (field, value) in changes {
                let old = evaluation_value(&before, field)?;
                let value = canonical(field, *value)?;
                if old == value {
                    continue;
                }
                w.set_evaluation_field(item_id, field, value.as_deref())?;
                w.record_update(
                    "evaluation",
                    item_id,
                    Some(&before.incident_id),
                    field,
                    old.as_deref(),
                    value.as_deref(),
                )?;
            }
            Ok(())
        })?;
        self.evaluation_item(item_id)
    }

    /// Removes an area from the incident's checklist (recorded, so undo brings it back).
    pub fn remove_evaluation_area(&mut self, item_id: &str) -> Result<()> {
        let gone = self.evaluation_item(item_id)?;
        self.write(&format!("remove evaluation area {}", gone.area), |w| {
            w.delete_evaluation_item(&gone)
        })
    }

    /// An area of the incident's checklist by its number (`3`) or the start of its name
    /// (`contain`), case-insensitive.
    pub fn resolve_evaluation_area(
        &self,
        incident_id: &str,
        typed: &str,
    ) -> Result<EvaluationItem> {
        let items = self.evaluation(incident_id)?;
        if items.is_empty() {
            return Err(StoreError::NotFound(
                "the incident has no response evaluation yet; start one with `debrief evaluation start`".into(),
            ));
        }
        if let Ok(n) = typed.trim().parse::<usize>() {
            return items.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no evaluation area {n}: the checklist has {} areas",
                    items.len()
                ))
            });
        }
        let wanted = typed.trim().to_lowercase();
        if let Some(exact) = items.iter().find(|i| i.area.to_lowercase() == wanted) {
            return Ok(exact.clone());
        }
        let matches: Vec<&EvaluationItem> = items
            .iter()
            .filter(|i| i.area.to_lowercase().starts_with(&wanted))
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(StoreError::NotFound(format!(
                "no evaluation area starts with {typed:?}"
            ))),
            many => Err(StoreError::invalid(
                "evaluation",
                format!(
                    "{typed:?} could be any of: {}",
                    many.iter()
                        .map(|i| i.area.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    fn evaluation_item(&self, id: &str) -> Result<EvaluationItem> {
        self.conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM evaluation_items WHERE id = ?1"),
                [id],
                item,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("evaluation area {id} no longer exists")))
    }
}

/// A typed value in the form the history keeps: trimmed, empty as none, ratings by
/// their stored names (`not met` → `not-met`).
fn canonical(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    match (field, value) {
        ("sufficiency" | "completeness", Some(v)) => parse_rating(v)
            .map(|r| r.map(|r| r.as_str().to_string()))
            .map_err(|e| StoreError::invalid(field.to_string(), format!("{field}: {e}"))),
        (_, v) => Ok(v.map(str::to_string)),
    }
}

/// The text form of one field, as the history keeps it.
fn evaluation_value(i: &EvaluationItem, field: &str) -> Result<Option<String>> {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(match field {
        "area" => Some(i.area.clone()),
        "question" => text(&i.question),
        "sufficiency" => i.sufficiency.map(|r| r.as_str().to_string()),
        "completeness" => i.completeness.map(|r| r.as_str().to_string()),
        "note" => text(&i.note),
        "findings" => text(&i.findings.join(" ")),
        other => {
            return Err(StoreError::invalid(
                "evaluation",
                format!(
                    "evaluation areas have no field {other:?} (one of: {})",
                    EVALUATION_FIELDS.join(", ")
                ),
            ));
        }
    })
}

impl Writer<'_> {
    fn start_evaluation(&self, incident_id: &str, areas: &[ChecklistArea]) -> Result<()> {
        let started: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM evaluation_items WHERE incident_id = ?1)",
            [incident_id],
            |r| r.get(0),
        )?;
        if started {
            return Err(StoreError::Conflict(
                "the incident's response evaluation is already started".into(),
            ));
        }
        for a in areas {
            self.insert_evaluation_item(incident_id, &a.name, &a.question)?;
        }
        Ok(())
    }

    pub(crate) fn insert_evaluation_item(
        &self,
        incident_id: &str,
        area: &str,
        question: &str,
    ) -> Result<EvaluationItem> {
        let snapshot = json!({"area": area.trim(), "question": question.trim()});
        let id = self.new_id();
        self.insert_evaluation_snapshot(&id, incident_id, &snapshot, None)?;
        let item = self.tx.query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM evaluation_items WHERE id = ?1"),
            [&id],
            item,
        )?;
        Ok(item)
    }

    /// Inserts an area from its JSON snapshot (new areas, undo, the demo seed) and records
    /// it. Without a position it goes last.
    pub(crate) fn insert_evaluation_snapshot(
        &self,
        id: &str,
        incident_id: &str,
        v: &Value,
        position: Option<i64>,
    ) -> Result<()> {
        let text = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
        let area = text("area");
        if area.is_empty() {
            return Err(StoreError::invalid(
                "area",
                "an evaluation area needs a name",
            ));
        }
        let rating = |k: &str| -> Result<Option<String>> {
            parse_rating(v[k].as_str().unwrap_or_default())
                .map(|r| r.map(|r| r.as_str().to_string()))
                .map_err(|e| StoreError::invalid(k.to_string(), format!("{k}: {e}")))
        };
        let findings: Vec<&str> = v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let position = match position.or(v["position"].as_i64()) {
            Some(p) => p,
            None => self.tx.query_row(
                "SELECT coalesce(max(position), 0) + 1 FROM evaluation_items WHERE incident_id = ?1",
                [incident_id],
                |r| r.get(0),
            )?,
        };
        self.tx
            .execute(
                "INSERT INTO evaluation_items (id, incident_id, position, area, question,
                     sufficiency, completeness, note, findings, created_us, updated_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    id,
                    incident_id,
                    position,
                    area,
                    text("question"),
                    rating("sufficiency")?,
                    rating("completeness")?,
                    text("note"),
                    findings.join(" "),
                    self.now_us()
                ],
            )
            .map_err(|e| duplicate_area(e, &area))?;
        let stored = self.tx.query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM evaluation_items WHERE id = ?1"),
            [id],
            item,
        )?;
        self.record_insert(
            "evaluation",
            id,
            Some(incident_id),
            &evaluation_json(&stored),
        )
    }

    /// Writes one field of an area from its text form (edits, undo and redo).
    pub(crate) fn set_evaluation_field(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let n = match field {
            "sufficiency" | "completeness" => {
                let r = parse_rating(value.unwrap_or_default())
                    .map_err(|e| StoreError::invalid(field.to_string(), format!("{field}: {e}")))?;
                self.tx.execute(
                    &format!("UPDATE evaluation_items SET {field} = ?1 WHERE id = ?2"),
                    params![r.map(|r| r.as_str()), id],
                )?
            }
            "area" => {
                let area = value.unwrap_or_default().trim();
                if area.is_empty() {
                    return Err(StoreError::invalid(
                        "area",
                        "an evaluation area needs a name",
                    ));
                }
                self.tx
                    .execute(
                        "UPDATE evaluation_items SET area = ?1 WHERE id = ?2",
                        params![area, id],
                    )
                    .map_err(|e| duplicate_area(e, area))?
            }
            "question" | "note" => self.tx.execute(
                &format!("UPDATE evaluation_items SET {field} = ?1 WHERE id = ?2"),
                params![value.unwrap_or_default(), id],
            )?,
            "findings" => {
                let ids: Vec<&str> = value.unwrap_or_default().split_whitespace().collect();
                for f in &ids {
                    let known: bool = self.tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM findings f JOIN evaluation_items i
                             ON i.incident_id = f.incident_id WHERE f.id = ?1 AND i.id = ?2)",
                        [f, &id],
                        |r| r.get(0),
                    )?;
                    if !known {
                        return Err(StoreError::NotFound(format!(
                            "no finding {f} in this incident"
                        )));
                    }
                }
                self.tx.execute(
                    "UPDATE evaluation_items SET findings = ?1 WHERE id = ?2",
                    params![ids.join(" "), id],
                )?
            }
            other => {
                return Err(StoreError::invalid(
                    "evaluation",
                    format!("evaluation areas have no field {other:?}"),
                ));
            }
        };
        self.touched("evaluation_items", "evaluation area", id, n)
    }

    pub(crate) fn delete_evaluation_item(&self, i: &EvaluationItem) -> Result<()> {
        self.record_delete(
            "evaluation",
            &i.id,
            Some(&i.incident_id),
            &evaluation_json(i),
        )?;
        self.tx
            .execute("DELETE FROM evaluation_items WHERE id = ?1", [&i.id])?;
        Ok(())
    }

    /// Every area of an incident, for deleting the incident (recorded for undo).
    pub(crate) fn evaluation_items(&self, incident_id: &str) -> Result<Vec<EvaluationItem>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM evaluation_items WHERE incident_id = ?1 ORDER BY position DESC"
        ))?;
        let rows = stmt.query_map([incident_id], item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn duplicate_area(e: rusqlite::Error, area: &str) -> StoreError {
    if super::error::is_unique_violation(&e) {
        StoreError::Conflict(format!("the evaluation already has an area named {area:?}"))
    } else {
        e.into()
    }
}
