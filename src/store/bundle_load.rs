//! A bundle imported as it is read, one row held at a time and each checked and written
//! inside the one write transaction, so memory does not grow with the number of events:
//! the incident created (a colleague's incident, not in this database yet), or, when it
//! is here and no bundle of this file is remembered, merged record by record as
//! bundle.rs merges (a missing row added, the newer change of a record kept).
//!
//! What needs other rows is checked in the same transaction before the commit: a row's
//! references to records of earlier tables (the bundle's tables come in insert order) by
//! looking them up where they were just written; an event's actor and cause, and the
//! owners no action names, by queries once every row is in. A refusal names the table,
//! the row and the field as the whole-bundle check does, and leaves the database as it
//! was.
//!
//! History of a created incident: up to [`ROW_HISTORY_EVENTS`] events each row is
//! recorded whole (`row:<table>`, as bundle.rs records a merge). A larger bundle's events
//! are recorded as one import (as a timeline import is: the events carry its id, the
//! full-text index is filled once after them), so undo removes them together, in the
//! background when there are many; the other tables' rows stay recorded one by one. A
//! merge records each row it adds or replaces.
//!
//! A bundle this path cannot take as it comes (a base of its file remembered: the
//! three-way merge; its tables out of order; unsettled conflicts; no header before its
//! tables) is rolled back at once and left to the whole-bundle import, which says what it
//! makes of it.

use super::bundle::{TABLES, Table};
use super::merge_import::{MergeImport, remember_text};
use super::{Result, Store, StoreError, Writer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::Read;

mod rows;

/// Events recorded in the history row by row; a bundle with more is recorded as one import.
pub const ROW_HISTORY_EVENTS: u64 = 10_000;

/// The bundle's remembered base: its text, asked for only when the import commits
/// (`None`: the file is too large to remember).
pub type BaseText<'a> = Option<&'a dyn Fn() -> std::io::Result<String>>;

/// Why the parse stopped early.
enum Stop {
    Refused(StoreError),
    /// Not for this path: roll back and import the bundle whole.
    Whole,
}

impl Store {
    /// Imports the bundle read from `reader`, created or merged record by record (see
    /// the module notes). `None`: nothing was written, the bundle is for the
    /// whole-bundle import. `path` is the file's canonical name, `file` as the user
    /// named it and `file_hash` its SHA-256 once read (both recorded with the import of a
    /// large bundle's events).
    #[allow(clippy::too_many_arguments)]
    pub fn import_new_bundle(
        &mut self,
        reader: impl Read,
        path: &str,
        file: &str,
        file_hash: &dyn Fn() -> String,
        by: &str,
        dry_run: bool,
        base: BaseText<'_>,
    ) -> Result<Option<MergeImport>> {
        let file = (file, file_hash);
        self.import_new_bundle_with(reader, path, file, by, dry_run, base, ROW_HISTORY_EVENTS)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn import_new_bundle_with(
        &mut self,
        reader: impl Read,
        path: &str,
        (file, file_hash): (&str, &dyn Fn() -> String),
        by: &str,
        dry_run: bool,
        base: BaseText<'_>,
        row_history: u64,
    ) -> Result<Option<MergeImport>> {
        self.write_by(by, "import bundle", |w| {
            let mut load = Load {
                w,
                file,
                row_history,
                incident: None,
                incidents: 0,
                next_table: 0,
                header: (None, None),
                added: 0,
                unchanged: 0,
                owner_ids: HashMap::new(),
                owners: Vec::new(),
                named_owners: HashSet::new(),
                events: 0,
                import: None,
                bulk_after: 0,
                counted: 0,
                triggers: Vec::new(),
                stop: None,
                path,
                here: false,
                merged: Default::default(),
            };
            let read = {
                let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
                de.deserialize_map(Top(&mut load)).and_then(|()| de.end())
            };
            match (load.stop.take(), read) {
                (Some(Stop::Refused(e)), _) => return Err(e),
                (Some(Stop::Whole), _) => return Ok((None, false)),
                (None, Err(e)) => {
                    return Err(StoreError::invalid(
                        "bundle",
                        format!(
                            "not a bundle: line {}, column {}: {e}",
                            e.line(),
                            e.column()
                        ),
                    ));
                }
                (None, Ok(())) => {}
            }
            let Some((id, key)) = load.finish()? else {
                return Ok((None, false));
            };
            if let Some((import_id, _)) = &load.import {
                w.tx.execute(
                    "UPDATE imports SET sha256 = ?1 WHERE id = ?2",
                    [file_hash().as_str(), import_id],
                )?;
            }
            w.tx.execute(
                "UPDATE change_sets SET label = ?1 WHERE id = ?2",
                rusqlite::params![format!("import bundle of {key}"), w.change_set],
            )?;
            if let Some(base) = base.filter(|_| !dry_run) {
                let text = base().map_err(|e| {
                    StoreError::invalid("bundle", format!("cannot read it again: {e}"))
                })?;
                let wrote = load.added + load.merged.added + load.merged.replaced > 0;
                let change_set = wrote.then_some(w.change_set);
                remember_text(&w.tx, &id, path, change_set, w.now_us(), &text)?;
            }
            let m = &load.merged;
            let out = match load.here {
                false => MergeImport {
                    incident_key: key,
                    created: true,
                    added: load.added,
                    unchanged: load.unchanged,
                    ..Default::default()
                },
                true => MergeImport {
                    incident_key: key,
                    added: m.added,
                    changed: m.replaced,
                    unchanged: m.unchanged + load.unchanged,
                    notes: m.conflicts.clone(),
                    ..Default::default()
                },
            };
            Ok((Some(out), !dry_run))
        })
    }
}

/// The state of one streamed import.
struct Load<'w, 'a> {
    w: &'w Writer<'a>,
    file: &'w str,
    row_history: u64,
    /// The bundle's incident (id, key), once its row is in.
    incident: Option<(String, String)>,
    incidents: usize,
    /// The first table a row may still come from (tables come in insert order).
    next_table: usize,
    /// `format` and `version` as read, checked before the first table.
    header: (Option<Value>, Option<Value>),
    added: usize,
    unchanged: usize,
    /// Owners matched by name: the bundle's id → the one here.
    owner_ids: HashMap<String, String>,
    /// Every owner the bundle brings (few), and those its actions name.
    owners: Vec<String>,
    named_owners: HashSet<String>,
    events: u64,
    /// Set once the events outnumber `row_history`: they are recorded as this import.
    /// The import the events are recorded as, once there is one: its id, and the number
    /// its events name it by (events.import_id).
    import: Option<(String, i64)>,
    /// From then on: the last event's rowid before the bulk load, and the events the
    /// trigger had counted.
    bulk_after: i64,
    counted: u64,
    /// The insert triggers set aside for the bulk load, as the schema holds them.
    triggers: Vec<String>,
    stop: Option<Stop>,
    /// The file's canonical name (a remembered base of it leaves the bundle whole).
    path: &'w str,
    /// The incident is here, with no base remembered: merged record by record.
    here: bool,
    merged: super::bundle::BundleOutcome,
}

/// Stops the parse; the reason is kept aside so its words reach the user.
fn stop<E: de::Error>(slot: &mut Option<Stop>, s: Stop) -> E {
    let text = match &s {
        Stop::Refused(e) => e.to_string(),
        Stop::Whole => "left to the whole-bundle import".into(),
    };
    *slot = Some(s);
    E::custom(text)
}

struct Top<'l, 'w, 'a>(&'l mut Load<'w, 'a>);

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a debrief bundle (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let load = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => load.header.0 = Some(map.next_value::<Value>()?),
                "version" => load.header.1 = Some(map.next_value::<Value>()?),
                "tables" if load.header.0.is_some() && load.header.1.is_some() => {
                    let header = json!({"format": load.header.0, "version": load.header.1});
                    super::bundle::check_header(&header)
                        .map_err(|e| stop(&mut load.stop, Stop::Refused(e)))?;
                    map.next_value_seed(Tables(load))?;
                }
                // Unsettled conflicts, or tables before the header: the whole-bundle
                // import words the refusal.
                "tables" => return Err(stop(&mut load.stop, Stop::Whole)),
                "conflicts" => {
                    let v = map.next_value::<Value>()?;
                    if !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)) {
                        return Err(stop(&mut load.stop, Stop::Whole));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Tables<'l, 'w, 'a>(&'l mut Load<'w, 'a>);

impl<'de> DeserializeSeed<'de> for Tables<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the bundle's \"tables\" object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let load = self.0;
        while let Some(name) = map.next_key::<String>()? {
            let at = TABLES.iter().position(|t| t.name == name);
            let Some(at) = at.filter(|at| *at >= load.next_table) else {
                return Err(stop(&mut load.stop, Stop::Whole));
            };
            if at > 0 && load.incident.is_none() {
                if load.incidents == 0 {
                    // No incident table first: the whole-bundle import says what is wrong.
                    return Err(stop(&mut load.stop, Stop::Whole));
                }
                let refused = load.one_incident();
                return Err(stop(&mut load.stop, Stop::Refused(refused)));
            }
            load.next_table = at + 1;
            map.next_value_seed(Rows {
                load: &mut *load,
                table: &TABLES[at],
            })?;
            let end = load.end_of(&TABLES[at]);
            end.map_err(|e| stop(&mut load.stop, Stop::Refused(e)))?;
        }
        Ok(())
    }
}

struct Rows<'l, 'w, 'a> {
    load: &'l mut Load<'w, 'a>,
    table: &'static Table,
}

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the rows of {} (a list)", self.table.name)
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let (load, t) = (self.load, self.table);
        let mut i = 0usize;
        while let Some(row) = seq.next_element::<Value>()? {
            i += 1;
            match load.row(t, i, row) {
                Ok(true) => {}
                Ok(false) => return Err(stop(&mut load.stop, Stop::Whole)),
                Err(e) => return Err(stop(&mut load.stop, Stop::Refused(e))),
            }
        }
        Ok(())
    }
}
