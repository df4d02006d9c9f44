//! Importing a bundle into the incident already here, field by field.
//!
//! Each incident remembers the bundle last exchanged with each file (imported from it or
//! exported to it, by the file's canonical path: table `bundle_bases`). Importing that
//! file again is a three-way merge (store/merge.rs): this database's incident as ours,
//! the file as theirs, the remembered bundle as the common ancestor. A field changed only
//! here is never overwritten; a record removed on one side and untouched on the other
//! goes. When both sides changed a field differently the import is refused, listing each
//! conflict, and nothing is written, unless a choice for each was given. Without a
//! remembered base the import is the record-by-record one of bundle.rs (the newer change
//! of a record wins), and says so.
//!
//! What the merge changes is recorded as whole rows (`row:<table>`, as bundle.rs does),
//! under one change set made by the bundle's side, so undo takes it back as one change;
//! the base it writes belongs to that change set, so an undone import's base is set aside
//! with it.

use super::bundle::{TABLES, add_later_columns, check_header, key_text, with_later_columns};
use super::merge::{self, MergeConflict, Row};
use super::{Result, Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use std::collections::HashMap;

/// How many bases are kept per incident and file (the newest; older ones serve only an
/// undo of several imports of one file in a row).
const KEPT_BASES: i64 = 4;

/// The bundle remembered for an incident and a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    pub at: DateTime<Utc>,
    pub bundle: Value,
}

/// What an import of a bundle did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeImport {
    pub incident_key: String,
    /// The incident was not in this database before.
    pub created: bool,
    /// When the file's remembered bundle was the common ancestor: when it was remembered.
    /// `None`: there was none, and the import went record by record.
    pub base_at: Option<DateTime<Utc>>,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Records the record-by-record import left as they were.
    pub unchanged: usize,
    /// Fields that took the bundle's value (bookkeeping columns not counted).
    pub fields: usize,
    /// Conflicts settled by the choices given.
    pub settled: usize,
    /// The record-by-record import's notes (which side of a record was kept).
    pub notes: Vec<String>,
}

/// The choice for a conflict: a value, none (stays a conflict), or a bad choice.
pub type Chooser<'a> = &'a dyn Fn(&MergeConflict) -> std::result::Result<Option<Value>, String>;

impl Store {
    /// The bundle last exchanged with the file at `path` (canonical) for this incident,
    /// not counting one written by an import that was undone.
    pub fn bundle_base(&self, incident_id: &str, path: &str) -> Result<Option<Base>> {
        let row: Option<(i64, rusqlite::types::Value)> = self
            .conn
            .query_row(
                "SELECT b.at_us, b.bundle FROM bundle_bases b
                 LEFT JOIN change_sets c ON c.id = b.change_set
                 WHERE b.incident_id = ?1 AND b.path = ?2 AND coalesce(c.undone, 0) = 0
                 ORDER BY b.id DESC LIMIT 1",
                params![incident_id, path],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((at_us, stored)) = row else {
            return Ok(None);
        };
        let bundle = read_base(stored).map_err(|e| {
            StoreError::invalid("bundle_bases", format!("unreadable remembered bundle: {e}"))
        })?;
        Ok(Some(Base {
            at: DateTime::from_timestamp_micros(at_us).unwrap_or_default(),
            bundle,
        }))
    }

    /// Remembers the bundle just written to the file at `path` (canonical) as the base of
    /// the next import of that file. Not a change of the incident: no history.
    pub fn remember_export(&mut self, incident_id: &str, path: &str, bundle: &Value) -> Result<()> {
        let now = self.now().timestamp_micros();
        let tx = self.conn.transaction()?;
        remember(&tx, incident_id, path, None, now, bundle)?;
        tx.commit()?;
        Ok(())
    }

    /// Imports a bundle read from the file at `path` (canonical): created here, merged
    /// three-way against the file's remembered bundle, or record by record when none is
    /// remembered (see the module notes). Recorded as made by `by`. `choose` settles
    /// conflicts; any left unsettled refuse the import, naming each, with nothing written.
    pub fn import_bundle_from(
        &mut self,
        bundle: &Value,
        path: &str,
        by: &str,
        choose: Chooser<'_>,
        dry_run: bool,
    ) -> Result<MergeImport> {
        check_header(bundle)?;
        merge::refuse_conflicts(bundle)?;
        let theirs = with_later_columns(bundle).into_owned();
        let (id, key) = super::bundle_check::declared(&theirs)?;
        let here = self.incident_by_id(&id)?.is_some();
        let base = match here {
            true => self.bundle_base(&id, path)?,
            false => None,
        };
        let Some(base) = base else {
            let o = self.import_bundle_by(bundle, dry_run, by, |w, o| {
                let change_set = (o.added + o.replaced > 0).then_some(w.change_set);
                remember(&w.tx, &id, path, change_set, w.now_us(), bundle)
            })?;
            return Ok(MergeImport {
                incident_key: o.incident_key,
                created: o.created,
                added: o.added,
                changed: o.replaced,
                unchanged: o.unchanged,
                notes: o.conflicts,
                ..Default::default()
            });
        };
        // Read before the write lock is taken: the lock's check below refuses the import
        // when another window or command changed the database since.
        let seen = self.data_version()?;
        let ours = self.bundle(&id)?;
        let owners = self.owner_ids()?;
        let base_at = base.at;
        let mut ancestor = base.bundle;
        add_later_columns(&mut ancestor);
        let (ancestor, ours, theirs) = local_owners(&owners, ancestor, ours, theirs);
        let mut merged = merge::merge_bundles(&ancestor, &ours, &theirs)?;
        let listed = merged.conflicts.len();
        if listed > 0 {
            let mut chosen = Vec::new();
            for c in &merged.conflicts {
                let value = choose(c).map_err(|e| StoreError::invalid("conflicts", e))?;
                chosen.push((c.target(), value));
            }
            merged = merge::settle(&merged.bundle, |c| {
                let target = c.target();
                chosen
                    .iter()
                    .find(|(t, _)| *t == target)
                    .and_then(|(_, v)| v.clone())
            })?;
        }
        if !merged.conflicts.is_empty() {
            return Err(StoreError::Conflict(refusal(&key, &merged.conflicts)));
        }
        let label = format!("merge bundle into {key}");
        self.write_by(by, &label, |w| {
            let now: i64 = w.tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            if now != seen {
                return Err(StoreError::Stale(format!(
                    "{key} changed in another window while the bundle was merged; nothing was imported: import it again"
                )));
            }
            // The result is checked whole before the first row is written.
            w.check_bundle(&merged.bundle, &id)?;
            let mut out = w.apply_merge(&ours, &merged.bundle, &id)?;
            out.incident_key = key.clone();
            out.base_at = Some(base_at);
            out.settled = listed;
            let wrote = out.added + out.changed + out.removed > 0;
            remember(
                &w.tx,
                &id,
                path,
                wrote.then_some(w.change_set),
                w.now_us(),
                bundle,
            )?;
            Ok((out, !dry_run))
        })
    }

    /// Every owner here by name (owners are shared across incidents and known by name).
    fn owner_ids(&self) -> Result<HashMap<String, Row>> {
        let t = super::bundle::table("owners")?;
        let sql = format!("SELECT {} FROM owners", t.columns.join(", "));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            let mut row = Row::new();
            for (i, c) in t.columns.iter().enumerate() {
                let v: rusqlite::types::Value = r.get(i)?;
                row.insert(c.to_string(), sql_json(v));
            }
            Ok(row)
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let row = row?;
            if let Some(name) = row.get("name").and_then(Value::as_str) {
                out.insert(name.to_string(), row.clone());
            }
        }
        Ok(out)
    }
}

fn sql_json(v: rusqlite::types::Value) -> Value {
    use rusqlite::types::Value as Sql;
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => Value::from(f),
        Sql::Text(t) => Value::from(t),
        Sql::Blob(b) => Value::from(b),
    }
}

/// An owner named in a bundle who is known here is the same person, whatever id the
/// bundle gives: the ancestor's and their owners take the local id (and their actions
/// follow), and our side lists every such owner, so none looks added or removed.
fn local_owners(
    owners: &HashMap<String, Row>,
    base: Value,
    ours: Value,
    theirs: Value,
) -> (Value, Value, Value) {
    let mut named = Vec::new();
    let mut localise = |mut b: Value| -> Value {
        let mut ids: HashMap<String, String> = HashMap::new();
        if let Some(rows) = b["tables"]["owners"].as_array_mut() {
            for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                let name = row.get("name").and_then(Value::as_str).unwrap_or_default();
                let Some(local) = owners.get(name) else {
                    continue;
                };
                named.push(name.to_string());
                if let (Some(theirs), Some(id)) =
                    (row.get("id").and_then(Value::as_str), local.get("id"))
                {
                    ids.insert(
                        theirs.to_string(),
                        id.as_str().unwrap_or_default().to_string(),
                    );
                    row.insert("id".into(), id.clone());
                }
            }
        }
        if let Some(rows) = b["tables"]["actions"].as_array_mut() {
            for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                for c in ["owner_id", "group_id"] {
                    let local = row.get(c).and_then(Value::as_str).and_then(|o| ids.get(o));
                    if let Some(local) = local.cloned() {
                        row.insert(c.into(), Value::from(local));
                    }
                }
            }
        }
        b
    };
    let base = localise(base);
    let theirs = localise(theirs);
    let mut ours = ours;
    if let Some(rows) = ours["tables"]["owners"].as_array_mut() {
        for name in named {
            let listed = rows
                .iter()
                .any(|r| r["name"].as_str() == Some(name.as_str()));
            if !listed && let Some(local) = owners.get(&name) {
                rows.push(Value::Object(local.clone()));
            }
        }
    }
    (base, ours, theirs)
}

/// The refusal naming each conflict and how to settle them.
fn refusal(key: &str, conflicts: &[MergeConflict]) -> String {
    let list: Vec<String> = conflicts
        .iter()
        .map(|c| crate::text::inert(&c.describe()).into_owned())
        .collect();
    format!(
        "the bundle was refused, nothing was imported: {} fields of {key} were changed both here (ours) and in the file (theirs) since they last matched: {}; settle them by importing again with --take ours or --take theirs (every conflict), --field TABLE:ID:FIELD=ours|theirs or --set TABLE:ID:FIELD=VALUE (one), e.g. --field {}=theirs",
        conflicts.len(),
        list.join("; "),
        crate::text::inert(&conflicts[0].target())
    )
}

/// Writes a remembered bundle, keeping the few newest per incident and file.
fn remember(
    tx: &rusqlite::Transaction<'_>,
    incident_id: &str,
    path: &str,
    change_set: Option<i64>,
    at_us: i64,
    bundle: &Value,
) -> Result<()> {
    let text = deflate(bundle)?;
    // The same bundle again (an export of an unchanged incident, a file imported again
    // with nothing new), not tied to a change: the remembered one is only dated anew.
    if change_set.is_none() {
        let same = tx.execute(
            "UPDATE bundle_bases SET at_us = ?3 WHERE id =
               (SELECT id FROM bundle_bases WHERE incident_id = ?1 AND path = ?2
                ORDER BY id DESC LIMIT 1)
             AND change_set IS NULL AND bundle = ?4",
            params![incident_id, path, at_us, text],
        )?;
        if same > 0 {
            return Ok(());
        }
    }
    tx.execute(
        "INSERT INTO bundle_bases (incident_id, path, change_set, at_us, bundle)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![incident_id, path, change_set, at_us, text],
    )?;
    tx.execute(
        "DELETE FROM bundle_bases WHERE incident_id = ?1 AND path = ?2 AND id NOT IN
           (SELECT id FROM bundle_bases WHERE incident_id = ?1 AND path = ?2
            ORDER BY id DESC LIMIT ?3)",
        params![incident_id, path, KEPT_BASES],
    )?;
    Ok(())
}

/// A remembered bundle as stored: its JSON deflated (zlib). The same bundle always gives
/// the same bytes, so "the same bundle again" is found by comparing them.
fn deflate(bundle: &Value) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    serde_json::to_writer(&mut z, bundle)
        .and_then(|()| z.flush().map_err(serde_json::Error::io))
        .map_err(|e| StoreError::invalid("bundle_bases", e.to_string()))?;
    z.finish()
        .map_err(|e| StoreError::invalid("bundle_bases", e.to_string()))
}

/// A remembered bundle read back: deflated JSON, or the JSON text that databases
/// written before deflating hold.
fn read_base(stored: rusqlite::types::Value) -> std::result::Result<Value, String> {
    use rusqlite::types::Value as Sql;
    match stored {
        Sql::Blob(b) => serde_json::from_reader(flate2::read::ZlibDecoder::new(&b[..]))
            .map_err(|e| e.to_string()),
        Sql::Text(t) => serde_json::from_str(&t).map_err(|e| e.to_string()),
        _ => Err("neither JSON nor deflated JSON".into()),
    }
}

/// A row as the history keeps it: its JSON text.
fn text(row: &Row) -> String {
    Value::Object(row.clone()).to_string()
}

impl Writer<'_> {
    /// Makes the incident's rows (`ours`, as stored) those of `merged`: rows added and
    /// changed table by table in insert order, then rows gone in the reverse order.
    /// Owners are shared by every incident and never removed here.
    fn apply_merge(&self, ours: &Value, merged: &Value, incident_id: &str) -> Result<MergeImport> {
        let mut out = MergeImport::default();
        let inc = Some(incident_id);
        let mut gone = Vec::new();
        for t in &TABLES {
            let before = merge::rows_of(ours, t, "this database")?;
            let after = merge::rows_of(merged, t, "the merge")?;
            let entity = format!("row:{}", t.name);
            for (k, row) in &after {
                let new = || text(row);
                match before.get(k) {
                    None => {
                        let new = new();
                        self.replay_row(t.name, &entity, &key_text(t, row), inc, None, Some(&new))?;
                        out.added += 1;
                    }
                    Some(old) if old != row => {
                        let fields = t
                            .columns
                            .iter()
                            .filter(|c| !matches!(**c, "version" | "updated_us"))
                            .filter(|c| old.get(**c) != row.get(**c))
                            .count();
                        // A record both sides changed may differ only in its version
                        // (settled with this side's values): it is written all the same,
                        // so both databases hold the same row after importing each
                        // other's file.
                        out.fields += fields;
                        let old = text(old);
                        let new = new();
                        self.replay_row(
                            t.name,
                            &entity,
                            &key_text(t, row),
                            inc,
                            Some(&old),
                            Some(&new),
                        )?;
                        out.changed += 1;
                    }
                    Some(_) => {}
                }
            }
            if t.name != "owners" {
                for (k, row) in &before {
                    if !after.contains_key(k) {
                        gone.push((t, *row));
                    }
                }
            }
        }
        for (t, row) in gone.iter().rev() {
            let old = text(row);
            let entity = format!("row:{}", t.name);
            self.replay_row(t.name, &entity, &key_text(t, row), inc, Some(&old), None)?;
            out.removed += 1;
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "merge_import_tests.rs"]
mod merge_import_tests;
