//! Bundles: one incident with everything attached, as deterministic JSON, and back.
//!
//! A bundle holds the incident's rows table by table, exactly as stored (ids, times in
//! microseconds, versions), so exporting, importing into a fresh database and exporting
//! again gives the same bytes. Importing into a database that has the incident merges row
//! by row: a missing row is added; a row that differs is a conflict, won by the side with
//! the newer `updated_us` (this database's row when the table has no such column). Each
//! added or replaced row is recorded in the history as a whole row (`row:<table>`), so
//! undo takes the import back.
//!
//! A bundle is untrusted: `bundle_check` refuses it whole, before anything is written,
//! when a value breaks the domain's rules or a row belongs to another incident.

use super::{Result, Store, StoreError, Writer};
use rusqlite::types::Value as Sql;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The bundle format's name and version. Bump the version when a reader of the old one
/// could misread the new one.
pub const BUNDLE_FORMAT: &str = "debrief-bundle";
pub const BUNDLE_VERSION: i64 = 1;

pub(super) use super::bundle_tables::{TABLES, Table, table};

/// A stored value as a bundle writes it. Bytes (an event's fingerprint) are written as
/// lowercase hex digits.
pub(super) fn to_json(v: Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => json!(i),
        Sql::Real(f) => json!(f),
        Sql::Text(t) => json!(t),
        Sql::Blob(b) => json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// A bundle's value for column `c` of table `t`, as this database keeps it. An event's
/// fingerprint is kept as 8 bytes, written as 16 hex digits; a bundle written before
/// schema 14 has 32, whose first 16 are the same key. Other text there (written by
/// hand, or by another tool) is kept as it is.
pub(super) fn to_sql_in(t: &Table, c: &str, v: &Value) -> Sql {
    if t.name == "events"
        && c == "fingerprint"
        && let Value::String(s) = v
        && let Some(bytes) = fingerprint_bytes(s)
    {
        return Sql::Blob(bytes);
    }
    to_sql(v)
}

/// The 8 bytes a fingerprint of 16 or 32 lowercase hex digits starts with.
fn fingerprint_bytes(s: &str) -> Option<Vec<u8>> {
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if !matches!(s.len(), 16 | 32) || !s.bytes().all(hex) {
        return None;
    }
    (0..8)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// A bundle's value for column `c` of `t` as reading it back from this database gives
/// it (what a stored row is compared with).
fn as_stored(t: &Table, c: &str, v: &Value) -> Value {
    to_json(to_sql_in(t, c, v))
}

pub(super) fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Sql::Integer)
            .or_else(|| n.as_f64().map(Sql::Real))
            .unwrap_or(Sql::Null),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// What a bundle import did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BundleOutcome {
    pub incident_key: String,
    /// The incident was not in this database before.
    pub created: bool,
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// One line per row that differed, saying which side was kept.
    pub conflicts: Vec<String>,
}

impl Store {
    /// The incident as a bundle (see the module notes).
    pub fn bundle(&self, incident_id: &str) -> Result<Value> {
        let mut tables = Map::new();
        for t in &TABLES {
            let sql = format!(
                "SELECT {} FROM {} WHERE {} ORDER BY {}",
                t.columns.join(", "),
                t.read_from(),
                t.filter,
                t.order
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map([incident_id], |r| {
                let mut row = Map::new();
                for (i, c) in t.columns.iter().enumerate() {
                    row.insert(c.to_string(), to_json(r.get::<_, Sql>(i)?));
                }
                Ok(Value::Object(row))
            })?;
            let rows: Vec<Value> = rows.collect::<rusqlite::Result<_>>()?;
            tables.insert(t.name.to_string(), Value::Array(rows));
        }
        Ok(json!({
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "tables": tables,
        }))
    }

    /// Imports a bundle: recreates its incident, or merges into the one already here.
    /// `dry_run` does it all and rolls back.
    pub fn import_bundle(&mut self, bundle: &Value, dry_run: bool) -> Result<BundleOutcome> {
        let by = self.analyst.clone();
        self.import_bundle_by(bundle, dry_run, &by, |_, _| Ok(()))
    }

    /// [`Store::import_bundle`] recorded as made by `by`; `then` runs in the same
    /// transaction after the rows (store/merge_import.rs remembers the file's bundle).
    pub(super) fn import_bundle_by(
        &mut self,
        bundle: &Value,
        dry_run: bool,
        by: &str,
        then: impl FnOnce(&Writer<'_>, &BundleOutcome) -> Result<()>,
    ) -> Result<BundleOutcome> {
        check_header(bundle)?;
        super::merge::refuse_conflicts(bundle)?;
        let bundle = &*with_later_columns(bundle);
        let (id, key) = super::bundle_check::declared(bundle)?;
        if let Some(other) = self.incident_by_key(&key)?.filter(|i| i.id != id) {
            return Err(StoreError::Conflict(format!(
                "this database already has an incident {} that is not the bundle's (id {} here, {id} in the bundle); rename one of them first",
                other.key, other.id
            )));
        }
        let created = self.incident_by_id(&id)?.is_none();
        let label = format!("import bundle of {key}");
        self.write_by(by, &label, |w| {
            // Everything is checked before the first row is written (see bundle_check).
            w.check_bundle(bundle, &id)?;
            let mut out = BundleOutcome {
                incident_key: key.clone(),
                created,
                ..Default::default()
            };
            let mut owner_ids: HashMap<String, String> = HashMap::new();
            for t in &TABLES {
                for row in bundle["tables"][t.name].as_array().into_iter().flatten() {
                    let Some(row) = row.as_object() else {
                        return Err(StoreError::invalid(
                            "bundle",
                            format!("a {} row of the bundle is not an object", t.name),
                        ));
                    };
                    let mut row = row.clone();
                    if t.name == "actions" {
                        for c in ["owner_id", "group_id"] {
                            if let Some(local) = col(&row, c)
                                .as_str()
                                .and_then(|o| owner_ids.get(o))
                                .cloned()
                            {
                                row.insert(c.into(), json!(local));
                            }
                        }
                    }
                    // Owners are shared by all incidents: one with the same name here is
                    // the same person, whatever its id; the actions follow the local id.
                    if t.name == "owners"
                        && let Some(local) = w.owner_named(&row)?
                    {
                        if let Some(bundle_id) = col(&row, "id").as_str() {
                            owner_ids.insert(bundle_id.to_string(), local);
                        }
                        out.unchanged += 1;
                        continue;
                    }
                    w.merge_row(t, &id, &row, &mut out)?;
                }
            }
            then(w, &out)?;
            Ok((out, !dry_run))
        })
    }
}

pub(super) fn check_header(bundle: &Value) -> Result<()> {
    if bundle["format"] != BUNDLE_FORMAT {
        return Err(StoreError::invalid(
            "bundle",
            "not a debrief bundle (its \"format\" is not \"debrief-bundle\")",
        ));
    }
    match bundle["version"].as_i64() {
        Some(v) if v <= BUNDLE_VERSION => Ok(()),
        Some(v) => Err(StoreError::invalid(
            "bundle",
            format!(
                "the bundle is version {v}, written by a newer debrief (this one reads up to {BUNDLE_VERSION}); update debrief to import it"
            ),
        )),
        None => Err(StoreError::invalid("bundle", "the bundle has no version")),
    }
}

/// A row's value in column `c`, null when the row lacks it (a row from a bundle or the
/// history may lack any column; indexing would panic).
fn col<'a>(row: &'a Map<String, Value>, c: &str) -> &'a Value {
    row.get(c).unwrap_or(&Value::Null)
}

pub(super) fn key_text(t: &Table, row: &Map<String, Value>) -> String {
    t.key
        .iter()
        .map(|k| match col(row, k) {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl Writer<'_> {
    /// The local id of an owner with the bundle owner's name, if there is one.
    pub(super) fn owner_named(&self, row: &Map<String, Value>) -> Result<Option<String>> {
        let name = col(row, "name").as_str().unwrap_or_default();
        use rusqlite::OptionalExtension;
        Ok(self
            .tx
            .query_row("SELECT id FROM owners WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The row of `t` with the key of `row`, as stored here.
    fn stored_row(
        &self,
        t: &Table,
        row: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>> {
        let cond: Vec<String> = t
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} IS ?{}", i + 1))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            t.columns.join(", "),
            t.read_from(),
            cond.join(" AND ")
        );
        let args: Vec<Sql> = t.key.iter().map(|k| to_sql(col(row, k))).collect();
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        match rows.next()? {
            Some(r) => {
                let mut m = Map::new();
                for (i, c) in t.columns.iter().enumerate() {
                    m.insert(c.to_string(), to_json(r.get::<_, Sql>(i)?));
                }
                Ok(Some(m))
            }
            None => Ok(None),
        }
    }

    pub(super) fn merge_row(
        &self,
        t: &Table,
        incident_id: &str,
        row: &Map<String, Value>,
        out: &mut BundleOutcome,
    ) -> Result<()> {
        // Only the columns the table has, in its order, as this database keeps them.
        let row: Map<String, Value> = t
            .columns
            .iter()
            .map(|c| (c.to_string(), as_stored(t, c, col(row, c))))
            .collect();
        let entity = format!("row:{}", t.name);
        let key = key_text(t, &row);
        match self.stored_row(t, &row)? {
            None => {
                self.put_row(t, &row, false)?;
                self.record_insert(&entity, &key, Some(incident_id), &Value::Object(row))?;
                out.added += 1;
            }
            Some(local) if local == row => out.unchanged += 1,
            Some(local) => {
                let differ: Vec<&str> = t
                    .columns
                    .iter()
                    .copied()
                    .filter(|c| {
                        col(&local, c) != col(&row, c) && !matches!(*c, "updated_us" | "version")
                    })
                    .collect();
                let key = format!("{key} ({})", differ.join(", "));
                let theirs = col(&row, "updated_us").as_i64().unwrap_or(i64::MIN);
                let ours = col(&local, "updated_us").as_i64().unwrap_or(i64::MIN);
                if t.has_updated() && theirs > ours {
                    self.put_row(t, &row, true)?;
                    self.record(
                        &entity,
                        &key_text(t, &row),
                        Some(incident_id),
                        "update",
                        None,
                        (
                            Some(&Value::Object(local).to_string()),
                            Some(&Value::Object(row).to_string()),
                        ),
                    )?;
                    out.replaced += 1;
                    out.conflicts.push(format!(
                        "{} {key}: changed on both sides; the bundle's is newer and was kept",
                        t.name
                    ));
                } else {
                    out.unchanged += 1;
                    out.conflicts.push(format!(
                        "{} {key}: changed on both sides; this database's is newer and was kept",
                        t.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// Writes a whole row: inserted, or (`replace`) updated in place so its local rowid,
    /// links and index entries stay.
    pub(super) fn put_row(&self, t: &Table, row: &Map<String, Value>, replace: bool) -> Result<()> {
        let values: Vec<Sql> = t
            .columns
            .iter()
            .map(|c| to_sql_in(t, c, col(row, c)))
            .collect();
        let sql = if replace {
            let set: Vec<String> = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} = {}", t.stored_column(c), t.value_mark(c, i + 1)))
                .collect();
            let cond: Vec<String> = t
                .key
                .iter()
                .map(|k| {
                    let i = t.columns.iter().position(|c| c == k).unwrap_or(0);
                    format!("{k} IS ?{}", i + 1)
                })
                .collect();
            format!(
                "UPDATE {} SET {} WHERE {}",
                t.name,
                set.join(", "),
                cond.join(" AND ")
            )
        } else {
            t.insert_sql(&[])
        };
        self.tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values))?;
        if t.name == "events" {
            self.reindex_tags(col(row, "id").as_str().unwrap_or_default())?;
        }
        Ok(())
    }

    fn delete_whole_row(&self, t: &Table, row: &Map<String, Value>) -> Result<()> {
        let cond: Vec<String> = t
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} IS ?{}", i + 1))
            .collect();
        let args: Vec<Sql> = t.key.iter().map(|k| to_sql(col(row, k))).collect();
        self.tx.execute(
            &format!("DELETE FROM {} WHERE {}", t.name, cond.join(" AND ")),
            rusqlite::params_from_iter(args),
        )?;
        Ok(())
    }

    /// Undo and redo of a whole-row step (`row:<table>`): `to` is the row it should hold
    /// afterwards, `None` when it should not be there.
    pub(crate) fn replay_row(
        &self,
        table_name: &str,
        entity: &str,
        key: &str,
        incident_id: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<()> {
        let t = table(table_name)?;
        let parse = |s: &str| -> Result<Map<String, Value>> {
            serde_json::from_str::<Map<String, Value>>(s).map_err(|e| {
                StoreError::invalid("bundle", format!("unreadable row in history: {e}"))
            })
        };
        let from = from.map(parse).transpose()?;
        let to = to.map(parse).transpose()?;
        match (&from, &to) {
            (Some(old), None) => {
                self.delete_whole_row(t, old)?;
                self.record(
                    entity,
                    key,
                    incident_id,
                    "delete",
                    None,
                    (Some(&Value::Object(old.clone()).to_string()), None),
                )
            }
            (None, Some(new)) => {
                self.put_row(t, new, false)?;
                self.record(
                    entity,
                    key,
                    incident_id,
                    "insert",
                    None,
                    (None, Some(&Value::Object(new.clone()).to_string())),
                )
            }
            (Some(old), Some(new)) => {
                self.put_row(t, new, true)?;
                self.record(
                    entity,
                    key,
                    incident_id,
                    "update",
                    None,
                    (
                        Some(&Value::Object(old.clone()).to_string()),
                        Some(&Value::Object(new.clone()).to_string()),
                    ),
                )
            }
            (None, None) => Ok(()),
        }
    }
}

/// A bundle written before schema 9 has no incident impact or classification: they are
/// read as empty, as the migration left them in the database that wrote it.
/// Copies the bundle only when it lacks them (a copy of a large bundle doubles its memory).
pub(super) fn with_later_columns(bundle: &Value) -> std::borrow::Cow<'_, Value> {
    let lacks = bundle["tables"]["incidents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .any(|row| !row.contains_key("impact") || !row.contains_key("classification"));
    if !lacks {
        return std::borrow::Cow::Borrowed(bundle);
    }
    let mut bundle = bundle.clone();
    add_later_columns(&mut bundle);
    std::borrow::Cow::Owned(bundle)
}

/// [`with_later_columns`] in place.
pub(super) fn add_later_columns(bundle: &mut Value) {
    if let Some(rows) = bundle["tables"]["incidents"].as_array_mut() {
        for row in rows.iter_mut().filter_map(Value::as_object_mut) {
            for column in ["impact", "classification"] {
                row.entry(column).or_insert_with(|| Value::from(""));
            }
        }
    }
}
