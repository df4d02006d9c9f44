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
use super::bundle_values::check_values;
use super::{Result, StoreError, Writer};
use crate::domain::Invalid;
use crate::domain::action::parse_date;
use crate::domain::incident::validate_key;
use rusqlite::OptionalExtension;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// The earliest and latest instants a bundle may hold: years 1 to 9999, the range every
/// view and report can show.
pub(super) const MIN_US: i64 = -62_135_596_800_000_000;
pub(super) const MAX_US: i64 = 253_402_300_799_999_999;
/// UTC offsets as the time parser accepts them: up to 14:59 either way.
pub(super) const MAX_OFFSET: i64 = 14 * 3600 + 59 * 60;
/// Record versions count edits; far below where `version + 1` could overflow.
pub(super) const MAX_VERSION: i64 = 1 << 48;

/// A refusal naming where in the bundle the bad value is.
fn bad(table: &str, key: &str, what: String) -> StoreError {
    StoreError::invalid(
        "bundle",
        format!(
            "the bundle was refused, nothing was imported: {table} {}: {what}",
            crate::text::inert(key)
        ),
    )
}

/// One row being checked: its table, its key (for messages) and its values.
pub(super) struct RowCheck<'a> {
    pub(super) table: &'static str,
    pub(super) key: String,
    pub(super) row: &'a Map<String, Value>,
}

impl RowCheck<'_> {
    pub(super) fn fail(&self, column: &str, why: impl std::fmt::Display) -> StoreError {
        bad(self.table, &self.key, format!("{column}: {why}"))
    }

    pub(super) fn value(&self, column: &str) -> &Value {
        self.row.get(column).unwrap_or(&Value::Null)
    }

    pub(super) fn opt_text(&self, column: &str) -> Result<Option<&str>> {
        match self.value(column) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Err(self.fail(column, format!("expected text, found {}", kind(other)))),
        }
    }

    pub(super) fn text(&self, column: &str) -> Result<&str> {
        self.opt_text(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    /// Text that must not be blank (titles, names).
    pub(super) fn required(&self, column: &str) -> Result<&str> {
        let t = self.text(column)?;
        crate::domain::required(column, t).map_err(|e| self.fail(column, e))?;
        Ok(t)
    }

    pub(super) fn opt_int(&self, column: &str, min: i64, max: i64) -> Result<Option<i64>> {
        match self.value(column) {
            Value::Null => Ok(None),
            Value::Number(n) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                Some(i) => Err(self.fail(column, format!("{i} is out of range ({min} to {max})"))),
                None => Err(self.fail(column, format!("{n} is not a whole number"))),
            },
            other => Err(self.fail(column, format!("expected a number, found {}", kind(other)))),
        }
    }

    pub(super) fn int(&self, column: &str, min: i64, max: i64) -> Result<i64> {
        self.opt_int(column, min, max)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    pub(super) fn opt_micros(&self, column: &str) -> Result<Option<i64>> {
        self.opt_int(column, MIN_US, MAX_US).map_err(|_| {
            self.fail(
                column,
                format!(
                    "{} is not a time in microseconds between the years 1 and 9999",
                    self.value(column)
                ),
            )
        })
    }

    pub(super) fn micros(&self, column: &str) -> Result<i64> {
        self.opt_micros(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    pub(super) fn flag(&self, column: &str) -> Result<()> {
        self.int(column, 0, 1).map(drop)
    }

    pub(super) fn version(&self) -> Result<()> {
        self.int("version", 1, MAX_VERSION).map(drop)
    }

    pub(super) fn offset(&self, column: &str) -> Result<()> {
        self.int(column, -MAX_OFFSET, MAX_OFFSET).map(drop)
    }

    /// A name of a closed set, exactly as stored (`in-review`, not `In Review`).
    pub(super) fn opt_enum<T: FromStr<Err = Invalid> + std::fmt::Display>(
        &self,
        column: &str,
    ) -> Result<Option<T>> {
        let Some(text) = self.opt_text(column)? else {
            return Ok(None);
        };
        let value: T = text
            .parse()
            .map_err(|e: Invalid| self.fail(column, e.reason))?;
        if value.to_string() != text {
            return Err(self.fail(
                column,
                format!("{text:?} is not written as stored ({value})"),
            ));
        }
        Ok(Some(value))
    }

    pub(super) fn enumerated<T: FromStr<Err = Invalid> + std::fmt::Display>(
        &self,
        column: &str,
    ) -> Result<T> {
        self.opt_enum(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    pub(super) fn opt_id(&self, column: &str) -> Result<Option<&str>> {
        let Some(id) = self.opt_text(column)? else {
            return Ok(None);
        };
        check_id(id).map_err(|e| self.fail(column, e))?;
        Ok(Some(id))
    }

    pub(super) fn id(&self, column: &str) -> Result<&str> {
        self.opt_id(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    pub(super) fn opt_date(&self, column: &str) -> Result<()> {
        if let Some(text) = self.opt_text(column)? {
            let date = parse_date(text).map_err(|e| self.fail(column, e))?;
            if date.to_string() != text {
                return Err(self.fail(column, format!("{text:?} is not written YYYY-MM-DD")));
            }
        }
        Ok(())
    }
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Record ids are UUIDs in their usual lowercase form, as debrief makes them.
pub(super) fn check_id(id: &str) -> std::result::Result<(), String> {
    match uuid::Uuid::try_parse(id) {
        Ok(u) if u.hyphenated().to_string() == id => Ok(()),
        _ => Err(format!(
            "{:?} is not a record id (a UUID such as 0190a1b2-...)",
            crate::text::inert(crate::text::head(id, 40))
        )),
    }
}

/// A SHA-256 as stored: 64 lowercase hex digits.
pub(super) fn check_sha256(text: &str) -> std::result::Result<(), String> {
    if text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err("is not a SHA-256 (64 lowercase hex digits)".into())
    }
}

/// The ids each table of the bundle holds, to check references against.
#[derive(Default)]
struct InBundle {
    ids: HashMap<&'static str, HashSet<String>>,
}

impl InBundle {
    pub(super) fn has(&self, table: &str, id: &str) -> bool {
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
    fn stored_incident(&self, table: &str, id: &str) -> Result<Option<String>> {
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
                        &format!("SELECT incident_id FROM {table} WHERE id = ?1"),
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
    fn reference(
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
        if t.columns.contains(&"incident_id") {
            let theirs = check.id("incident_id")?;
            if theirs != incident_id {
                return Err(check.fail(
                    "incident_id",
                    format!("{theirs} is another incident than the bundle's ({incident_id})"),
                ));
            }
        }
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
        let refs: &[(&str, &'static str)] = match t.name {
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
        };
        for (column, table) in refs {
            if let Some(id) = text(column) {
                self.reference(check, column, table, id, incident_id, seen)?;
            }
        }
        match t.name {
            "evaluation_items" => {
                for id in check.text("findings")?.split_whitespace() {
                    check_id(id).map_err(|e| check.fail("findings", e))?;
                    self.reference(check, "findings", "findings", id, incident_id, seen)?;
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
