//! A bundle is untrusted input, like an imported log: every table, row and value is
//! checked here before the import writes anything, and one bad value refuses it whole.
//!
//! Two kinds of check. Values go through the domain's own parsers and rules (ids, keys,
//! zones, enums, times, tags, technique ids, hashes, dates), so a bundle can hold nothing
//! the CLI would refuse. Ownership: a bundle declares one incident and may only create or
//! change rows of that incident; a row that belongs (or, by its `incident_id` or the
//! record it hangs from, would belong) to another incident refuses the import, naming
//! the table and the id.

use super::bundle::{TABLES, Table};
use super::bundle_values::{RowCheck, bad, check_id, check_values, kind};
use super::{Result, StoreError, Writer};
use crate::domain::incident::validate_key;
use rusqlite::OptionalExtension;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The ids each table of the bundle holds, to check references against.
#[derive(Default)]
pub(super) struct InBundle {
    ids: HashMap<&'static str, HashSet<String>>,
}

impl InBundle {
    fn has(&self, table: &str, id: &str) -> bool {
        self.ids.get(table).is_some_and(|s| s.contains(id))
    }
}

/// The rows of one table of the bundle, as objects.
pub(super) fn rows<'a>(bundle: &'a Value, t: &Table) -> Result<Vec<&'a Map<String, Value>>> {
    match &bundle["tables"][t.name] {
        Value::Null => Ok(Vec::new()),
        Value::Array(rows) => rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.as_object().ok_or_else(|| {
                    bad(t.name, &format!("row {}", i + 1), "is not an object".into())
                })
            })
            .collect(),
        other => Err(bad(
            t.name,
            "",
            format!("the table is {}, not a list of rows", kind(other)),
        )),
    }
}

/// The incident a bundle declares: its id and key, from its one incident row.
pub(super) fn declared(bundle: &Value) -> Result<(String, String)> {
    let tables = bundle["tables"]
        .as_object()
        .ok_or_else(|| StoreError::invalid("bundle", "the bundle has no \"tables\" object"))?;
    if let Some(unknown) = tables.keys().find(|k| !TABLES.iter().any(|t| t.name == *k)) {
        return Err(StoreError::invalid(
            "bundle",
            format!(
                "the bundle was refused, nothing was imported: it has a table {:?} that debrief does not know",
                crate::text::inert(unknown)
            ),
        ));
    }
    let incidents = rows(bundle, &TABLES[0])?;
    let [incident] = incidents.as_slice() else {
        return Err(StoreError::invalid(
            "bundle",
            format!(
                "the bundle was refused, nothing was imported: it must hold exactly one incident, not {}",
                incidents.len()
            ),
        ));
    };
    let check = RowCheck {
        table: "incidents",
        key: String::new(),
        row: incident,
    };
    let id = check.id("id")?.to_string();
    let key = check.text("key")?.to_string();
    let valid = validate_key(&key).map_err(|e| bad("incidents", &id, format!("key: {e}")))?;
    if valid != key {
        return Err(bad(
            "incidents",
            &id,
            format!("key: {key:?} has spaces around it"),
        ));
    }
    Ok((id, key))
}

/// The columns of a table's rows that name a record of another table.
pub(super) fn references(table: &str) -> &'static [(&'static str, &'static str)] {
    match table {
        "events" => &[("actor_id", "actors"), ("caused_by", "events")],
        "finding_events" => &[("finding_id", "findings"), ("event_id", "events")],
        "evidence_links" => &[
            ("evidence_id", "evidence"),
            ("event_id", "events"),
            ("finding_id", "findings"),
        ],
        "action_findings" => &[("action_id", "actions"), ("finding_id", "findings")],
        "reviews" | "sop_changes" => &[("action_id", "actions")],
        _ => &[],
    }
}

impl Writer<'_> {
    /// Checks the whole bundle against the rules above; writes nothing.
    pub(super) fn check_bundle(&self, bundle: &Value, incident_id: &str) -> Result<()> {
        let mut seen = InBundle::default();
        for t in &TABLES {
            let mut ids = HashSet::new();
            for row in rows(bundle, t)? {
                let key = super::bundle::key_text(t, row);
                if let Some(unknown) = row.keys().find(|c| !t.columns.contains(&c.as_str())) {
                    return Err(bad(t.name, &key, format!("unknown column {unknown:?}")));
                }
                if let Some(missing) = t.columns.iter().find(|c| !row.contains_key(**c)) {
                    return Err(bad(
                        t.name,
                        &key,
                        format!("the column {missing:?} is missing"),
                    ));
                }
                if t.columns.contains(&"id") {
                    let check = RowCheck {
                        table: t.name,
                        key: key.clone(),
                        row,
                    };
                    let id = check.id("id")?;
                    if !ids.insert(id.to_string()) {
                        return Err(bad(t.name, &key, "appears twice".into()));
                    }
                }
            }
            seen.ids.insert(t.name, ids);
        }
        // The owners the bundle's actions name: the only owners it may bring.
        let mut owner_refs = HashSet::new();
        for row in rows(bundle, super::bundle::table("actions")?)? {
            for column in ["owner_id", "group_id"] {
                if let Some(id) = row.get(column).and_then(Value::as_str) {
                    owner_refs.insert(id.to_string());
                }
            }
        }
        seen.ids.insert("owner_refs", owner_refs);
        for t in &TABLES {
            for row in rows(bundle, t)? {
                let check = RowCheck {
                    table: t.name,
                    key: super::bundle::key_text(t, row),
                    row,
                };
                check_values(&check)?;
                self.check_owner(t, &check, incident_id, &seen)?;
            }
        }
        Ok(())
    }

    /// The incident a stored row of `table` with this id belongs to, if it is stored.
    pub(super) fn stored_incident(&self, table: &str, id: &str) -> Result<Option<String>> {
        let sql = match table {
            "incidents" => "SELECT id FROM incidents WHERE id = ?1",
            "reviews" => {
                "SELECT a.incident_id FROM reviews r JOIN actions a ON a.id = r.action_id WHERE r.id = ?1"
            }
            "sop_changes" => {
                "SELECT a.incident_id FROM sop_changes s JOIN actions a ON a.id = s.action_id WHERE s.id = ?1"
            }
            "actors" | "events" | "findings" | "evidence" | "actions" | "evaluation_items" => {
                return Ok(self
                    .tx
                    .query_row(
                        &format!(
                            "SELECT incident_id FROM {} WHERE id = ?1",
                            super::bundle::table(table)?.read_from()
                        ),
                        [id],
                        |r| r.get(0),
                    )
                    .optional()?);
            }
            _ => return Ok(None),
        };
        Ok(self.tx.query_row(sql, [id], |r| r.get(0)).optional()?)
    }

    /// A reference from the bundle to a record of `table`: it must be in the bundle, or
    /// stored here under the bundle's incident.
    pub(super) fn reference(
        &self,
        check: &RowCheck<'_>,
        column: &str,
        table: &'static str,
        id: &str,
        incident_id: &str,
        seen: &InBundle,
    ) -> Result<()> {
        if seen.has(table, id) {
            return Ok(());
        }
        match self.stored_incident(table, id)? {
            Some(owner) if owner == incident_id => Ok(()),
            Some(_) => Err(check.fail(
                column,
                format!("{id} is a record of {table} of another incident"),
            )),
            None => Err(check.fail(
                column,
                format!("{id} names no record of {table} in the bundle or in this incident"),
            )),
        }
    }

    /// The row belongs to the bundle's incident, and so do the records it names.
    fn check_owner(
        &self,
        t: &Table,
        check: &RowCheck<'_>,
        incident_id: &str,
        seen: &InBundle,
    ) -> Result<()> {
        let row = check.row;
        let text = |c: &str| row.get(c).and_then(Value::as_str);
        check.of_incident(t.columns, incident_id)?;
        if t.name != "owners"
            && let Some(id) = text("id")
            && let Some(owner) = self.stored_incident(t.name, id)?
            && owner != incident_id
        {
            return Err(bad(
                t.name,
                id,
                format!("this id belongs to another incident here ({owner})"),
            ));
        }
        for (column, table) in references(t.name) {
            if let Some(id) = text(column) {
                self.reference(check, column, table, id, incident_id, seen)?;
            }
        }
        match t.name {
            // An area may name a finding deleted since (reads skip it, undo brings it
            // back): only a finding of another incident is refused.
            "evaluation_items" => {
                for id in check.text("findings")?.split_whitespace() {
                    check_id(id).map_err(|e| check.fail("findings", e))?;
                    if !seen.has("findings", id)
                        && let Some(owner) = self.stored_incident("findings", id)?
                        && owner != incident_id
                    {
                        return Err(check.fail(
                            "findings",
                            format!("{id} is a record of findings of another incident"),
                        ));
                    }
                }
            }
            // Owners are shared by every incident: a bundle brings only those its actions
            // name, and one with a new name may not take an id another owner has here.
            "owners" => {
                let id = check.id("id")?;
                if !seen.has("owner_refs", id) {
                    return Err(bad(
                        "owners",
                        id,
                        "no action of the bundle names this owner".into(),
                    ));
                }
                let name = check.required("name")?;
                let here: Option<(String, String)> = self
                    .tx
                    .query_row(
                        "SELECT id, name FROM owners WHERE id = ?1 OR name = ?2",
                        [id, name],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                if let Some((here_id, here_name)) = here
                    && here_id == id
                    && !here_name.eq_ignore_ascii_case(name)
                {
                    return Err(bad(
                        "owners",
                        id,
                        format!(
                            "this id is the owner {:?} here, not {:?}",
                            crate::text::inert(&here_name),
                            crate::text::inert(name)
                        ),
                    ));
                }
            }
            "actions" => {
                for column in ["owner_id", "group_id"] {
                    if let Some(id) = check.opt_id(column)?
                        && !seen.has("owners", id)
                    {
                        return Err(
                            check.fail(column, format!("{id} names no owner of the bundle"))
                        );
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
