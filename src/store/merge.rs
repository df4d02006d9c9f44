//! Three-way merge of bundles: pure functions over the bundle JSON, no database.
//!
//! Three bundles of one incident (the common ancestor, ours, theirs) are merged record by
//! record and field by field against the ancestor. A field changed on one side takes that
//! side; changed on both to the same value is fine; changed on both to different values
//! is a conflict. Added records are kept; a record deleted on one side and unchanged on
//! the other is deleted; deleted on one side and changed on the other is a conflict.
//! Link tables (`finding_events`, `evidence_links`, `action_findings`) are sets of rows,
//! and an event's `tags` a set of words. `version` and `updated_us` are bookkeeping, never
//! a conflict: changed on both sides, they become one past the larger.
//!
//! Conflicts are listed in a `conflicts` section (table, id, field, base, ours, theirs);
//! the merged row holds our value until it is resolved. The output is sorted as `bundle
//! export` sorts, so merging A into B and B into A gives the same bytes when clean.

use super::bundle::{BUNDLE_FORMAT, BUNDLE_VERSION, TABLES, Table, key_text};
use super::{Result, StoreError};
use serde_json::{Map, Value, json};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The field named in a conflict about a whole record (deleted on one side, changed on
/// the other); its values are the whole rows, null where deleted.
pub const RECORD: &str = "(record)";

/// One field the two sides changed differently.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeConflict {
    pub table: String,
    pub id: String,
    pub field: String,
    pub base: Value,
    pub ours: Value,
    pub theirs: Value,
}

impl MergeConflict {
    fn to_json(&self) -> Value {
        json!({
            "table": self.table,
            "id": self.id,
            "field": self.field,
            "base": self.base,
            "ours": self.ours,
            "theirs": self.theirs,
        })
    }

    /// One line naming the table, record, field and both values.
    pub fn describe(&self) -> String {
        format!(
            "{} {} field {}: ours {}, theirs {} (was {})",
            self.table, self.id, self.field, self.ours, self.theirs, self.base
        )
    }
}

impl MergeConflict {
    /// The value one side holds.
    pub fn side(&self, side: Side) -> &Value {
        match side {
            Side::Ours => &self.ours,
            Side::Theirs => &self.theirs,
        }
    }

    /// `TABLE:ID:FIELD`, how the command line names the conflict.
    pub fn target(&self) -> String {
        format!("{}:{}:{}", self.table, self.id, self.field)
    }

    /// A new value typed for the field, in the field's type: a number where a side holds
    /// a number, nothing (null) for empty text where a side holds nothing, else the text.
    /// A whole record (deleted on one side) is settled by a side only.
    pub fn typed_value(&self, text: &str) -> std::result::Result<Value, String> {
        if self.field == RECORD {
            return Err(format!(
                "{} {} was deleted on one side and changed on the other: take ours or theirs",
                self.table, self.id
            ));
        }
        let sides = [&self.ours, &self.theirs, &self.base];
        if sides.iter().any(|v| v.is_number()) {
            let text = text.trim();
            if text.is_empty() && sides.iter().any(|v| v.is_null()) {
                return Ok(Value::Null);
            }
            return text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<f64>().map(Value::from))
                .map_err(|_| format!("{}: {text:?} is not a number", self.field));
        }
        if text.is_empty() && sides.iter().any(|v| v.is_null()) {
            return Ok(Value::Null);
        }
        Ok(Value::String(text.to_string()))
    }
}

/// Which side a conflict is settled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Ours,
    Theirs,
}

/// A merged bundle and what it still holds unsettled (also in its `conflicts` section).
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub bundle: Value,
    pub conflicts: Vec<MergeConflict>,
}

pub(super) type Row = Map<String, Value>;

/// The bundle's rows of one table by their key, refused when it is not a bundle.
pub(super) fn rows_of<'a>(
    bundle: &'a Value,
    t: &Table,
    which: &str,
) -> Result<BTreeMap<String, &'a Row>> {
    let mut out = BTreeMap::new();
    for row in bundle["tables"][t.name].as_array().into_iter().flatten() {
        let row = row.as_object().ok_or_else(|| {
            StoreError::invalid(
                "bundle",
                format!("{which}: a {} row is not an object", t.name),
            )
        })?;
        out.insert(key_text(t, row), row);
    }
    Ok(out)
}

fn check(bundle: &Value, which: &str) -> Result<()> {
    if bundle["format"] != BUNDLE_FORMAT || !bundle["tables"].is_object() {
        return Err(StoreError::invalid(
            "bundle",
            format!("{which} is not a debrief bundle"),
        ));
    }
    if bundle["version"]
        .as_i64()
        .is_none_or(|v| v > BUNDLE_VERSION)
    {
        return Err(StoreError::invalid(
            "bundle",
            format!("{which} is a bundle of another version; update debrief to merge it"),
        ));
    }
    if conflicts_of(bundle).is_some_and(|c| !c.is_empty()) {
        return Err(StoreError::invalid(
            "conflicts",
            format!("{which} still has conflicts; settle them first with `debrief bundle resolve`"),
        ));
    }
    Ok(())
}

/// The incident's id a bundle holds, if it holds one.
fn incident_id(bundle: &Value) -> Option<&str> {
    bundle["tables"]["incidents"].get(0)?["id"].as_str()
}

/// An empty bundle: the ancestor of a file both sides added.
pub fn empty_bundle() -> Value {
    json!({"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "tables": {}})
}

/// The conflicts a bundle lists, if it has the section.
pub fn conflicts_of(bundle: &Value) -> Option<Vec<MergeConflict>> {
    let list = bundle.get("conflicts")?.as_array()?;
    Some(
        list.iter()
            .map(|c| MergeConflict {
                table: c["table"].as_str().unwrap_or_default().to_string(),
                id: c["id"].as_str().unwrap_or_default().to_string(),
                field: c["field"].as_str().unwrap_or_default().to_string(),
                base: c["base"].clone(),
                ours: c["ours"].clone(),
                theirs: c["theirs"].clone(),
            })
            .collect(),
    )
}

/// Merges `ours` and `theirs` against their common ancestor `base` (see the module notes).
pub fn merge_bundles(base: &Value, ours: &Value, theirs: &Value) -> Result<Merged> {
    check(base, "the common ancestor")?;
    check(ours, "our bundle")?;
    check(theirs, "their bundle")?;
    let (o, t) = (incident_id(ours), incident_id(theirs));
    if o.is_some() && t.is_some() && o != t {
        return Err(StoreError::invalid(
            "bundle",
            "the two bundles hold different incidents; only bundles of one incident merge",
        ));
    }
    let mut tables = Map::new();
    let mut conflicts = Vec::new();
    for table in &TABLES {
        let b = rows_of(base, table, "the common ancestor")?;
        let o = rows_of(ours, table, "our bundle")?;
        let t = rows_of(theirs, table, "their bundle")?;
        let keys: BTreeSet<&String> = b.keys().chain(o.keys()).chain(t.keys()).collect();
        let mut rows = Vec::new();
        for k in keys {
            if let Some(row) = merge_record(
                table,
                k,
                b.get(k).copied(),
                o.get(k).copied(),
                t.get(k).copied(),
                &mut conflicts,
            ) {
                rows.push(row);
            }
        }
        rows.sort_by(|x, y| export_order(table, x, y));
        tables.insert(
            table.name.to_string(),
            Value::Array(rows.into_iter().map(Value::Object).collect()),
        );
    }
    let mut bundle = json!({
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "tables": tables,
    });
    set_conflicts(&mut bundle, &conflicts);
    Ok(Merged { bundle, conflicts })
}

fn set_conflicts(bundle: &mut Value, conflicts: &[MergeConflict]) {
    let Some(obj) = bundle.as_object_mut() else {
        return;
    };
    if conflicts.is_empty() {
        obj.remove("conflicts");
    } else {
        obj.insert(
            "conflicts".into(),
            Value::Array(conflicts.iter().map(MergeConflict::to_json).collect()),
        );
    }
}

fn merge_record(
    table: &Table,
    key: &str,
    b: Option<&Row>,
    o: Option<&Row>,
    t: Option<&Row>,
    conflicts: &mut Vec<MergeConflict>,
) -> Option<Row> {
    if o == t {
        return o.cloned();
    }
    if o == b {
        return t.cloned();
    }
    if t == b {
        return o.cloned();
    }
    // Both sides differ from the ancestor and from each other.
    let (Some(o), Some(t)) = (o, t) else {
        let row_value = |r: Option<&Row>| r.cloned().map_or(Value::Null, Value::Object);
        conflicts.push(MergeConflict {
            table: table.name.into(),
            id: key.into(),
            field: RECORD.into(),
            base: row_value(b),
            ours: row_value(o),
            theirs: row_value(t),
        });
        // The changed side's row stays, so the records hanging from it stay valid.
        return o.or(t).cloned();
    };
    let empty = Row::new();
    let b = b.unwrap_or(&empty);
    let mut out = Row::new();
    for c in table.columns {
        let (bv, ov, tv) = (field(b, c), field(o, c), field(t, c));
        let v = if ov == tv || tv == bv {
            ov.clone()
        } else if ov == bv {
            tv.clone()
        } else if matches!(*c, "version" | "updated_us") {
            // One past both sides, so the merged record is newer than either side's
            // copy: importing it where one side was exported replaces that copy.
            match larger(ov, tv).as_i64() {
                Some(n) => json!(n.saturating_add(1)),
                None => larger(ov, tv),
            }
        } else if table.name == "events" && *c == "tags" {
            merge_words(bv, ov, tv)
        } else {
            conflicts.push(MergeConflict {
                table: table.name.into(),
                id: key.into(),
                field: (*c).into(),
                base: bv.clone(),
                ours: ov.clone(),
                theirs: tv.clone(),
            });
            ov.clone()
        };
        out.insert((*c).to_string(), v);
    }
    Some(out)
}

fn field<'a>(row: &'a Row, c: &str) -> &'a Value {
    row.get(c).unwrap_or(&Value::Null)
}

fn larger(a: &Value, b: &Value) -> Value {
    if compare(a, b) == Ordering::Less {
        b.clone()
    } else {
        a.clone()
    }
}

/// A space-separated list of words merged as a set: a word added on either side is
/// kept, one removed on either side (and not added back by the other) goes. Sorted, so
/// the result is the same whichever side is ours.
fn merge_words(b: &Value, o: &Value, t: &Value) -> Value {
    let words = |v: &Value| -> BTreeSet<String> {
        v.as_str()
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (b, o, t) = (words(b), words(o), words(t));
    let all: BTreeSet<&String> = b.iter().chain(&o).chain(&t).collect();
    let kept: Vec<&str> = all
        .into_iter()
        .filter(|w| {
            let (ib, io, it) = (b.contains(*w), o.contains(*w), t.contains(*w));
            if io == it {
                io
            } else if io == ib {
                it
            } else {
                io
            }
        })
        .map(String::as_str)
        .collect();
    json!(kept.join(" "))
}

/// Orders values as SQLite does: null, then numbers, then text.
fn compare(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) | Value::Number(_) => 1,
            Value::String(_) => 2,
            _ => 3,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                x.total_cmp(&y)
            }
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => rank(a)
            .cmp(&rank(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// The order `bundle export` writes a table's rows in (its ORDER BY), then the key.
fn export_order(t: &Table, x: &Row, y: &Row) -> Ordering {
    t.order
        .split(',')
        .map(str::trim)
        .fold(Ordering::Equal, |acc, c| {
            acc.then_with(|| compare(field(x, c), field(y, c)))
        })
        .then_with(|| key_text(t, x).cmp(&key_text(t, y)))
}

/// Settles a merged bundle's conflicts: `choose` picks a side for each (None leaves it
/// listed). Returns the bundle with the chosen values and the conflicts still open.
pub fn resolve(bundle: &Value, choose: impl Fn(&MergeConflict) -> Option<Side>) -> Result<Merged> {
    settle(bundle, |c| choose(c).map(|s| c.side(s).clone()))
}

/// Like [`resolve`], with the value to keep for each conflict (a side's, or a new one;
/// for a whole record, a side's row or null).
pub fn settle(bundle: &Value, choose: impl Fn(&MergeConflict) -> Option<Value>) -> Result<Merged> {
    let mut bundle = bundle.clone();
    let listed = conflicts_of(&bundle).unwrap_or_default();
    let mut open = Vec::new();
    for c in listed {
        let Some(value) = choose(&c) else {
            open.push(c);
            continue;
        };
        let t = super::bundle::table(&c.table)?;
        let rows = bundle["tables"][t.name].as_array_mut().ok_or_else(|| {
            StoreError::invalid("conflicts", format!("the bundle has no table {}", t.name))
        })?;
        let at = rows
            .iter()
            .position(|r| r.as_object().is_some_and(|r| key_text(t, r) == c.id));
        if c.field == RECORD {
            match (at, value) {
                (Some(i), Value::Null) => {
                    rows.remove(i);
                }
                (Some(i), Value::Object(row)) => rows[i] = Value::Object(row),
                (None, Value::Object(row)) => rows.push(Value::Object(row)),
                _ => {}
            }
        } else {
            let row = at.and_then(|i| rows[i].as_object_mut()).ok_or_else(|| {
                StoreError::invalid(
                    "conflicts",
                    format!(
                        "the conflict names {} {}, which the bundle does not hold",
                        t.name, c.id
                    ),
                )
            })?;
            row.insert(c.field.clone(), value);
        }
        let mut sorted: Vec<Row> = rows.iter().filter_map(|r| r.as_object().cloned()).collect();
        sorted.sort_by(|x, y| export_order(t, x, y));
        *rows = sorted.into_iter().map(Value::Object).collect();
    }
    set_conflicts(&mut bundle, &open);
    Ok(Merged {
        bundle,
        conflicts: open,
    })
}

/// A merged bundle whose conflicts are not settled is refused, naming each.
pub(super) fn refuse_conflicts(bundle: &Value) -> Result<()> {
    let open = conflicts_of(bundle).unwrap_or_default();
    if open.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = open
        .iter()
        .map(|c| crate::text::inert(&c.describe()).into_owned())
        .collect();
    Err(StoreError::invalid(
        "conflicts",
        format!(
            "the bundle was refused, nothing was imported: {} conflicts are not settled ({}); settle them with `debrief bundle resolve`",
            open.len(),
            list.join("; ")
        ),
    ))
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod merge_tests;
