//! Bundles streamed: written record by record straight from the tables' queries, and read
//! by a first pass that holds one row at a time, so a bundle that is not one, is newer
//! than this debrief, or has a bad row is refused before anything is held whole.
//!
//! The bytes written are those of `serde_json::to_string_pretty(&store.bundle(id))`
//! followed by a newline (the deterministic format bundles have always had): the header,
//! then each table in insert order, each row's columns in the table's order, indented
//! two spaces a level.

use super::bundle::{BUNDLE_FORMAT, BUNDLE_VERSION, TABLES, Table, to_json};
use super::bundle_values::{RowCheck, check_values};
use super::{Result, Store, StoreError};
use rusqlite::types::Value as Sql;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::io::{Read, Write};

/// Columns a bundle written before them may lack (read as empty).
const LATER_COLUMNS: [(&str, &str); 2] = [("incidents", "impact"), ("incidents", "classification")];

impl Store {
    /// Writes the incident's bundle to `out` one row at a time (memory independent of
    /// the number of events), from one consistent snapshot of the database.
    pub fn write_bundle(&self, incident_id: &str, out: &mut dyn Write) -> Result<()> {
        // One read transaction: every table as of the same moment.
        let snapshot = self.conn.unchecked_transaction()?;
        write!(
            out,
            "{{\n  \"format\": {},\n  \"version\": {BUNDLE_VERSION},\n  \"tables\": {{",
            Value::from(BUNDLE_FORMAT)
        )?;
        for (i, t) in TABLES.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(out, "{sep}\n    {}: [", Value::from(t.name))?;
            let rows = write_rows(&snapshot, t, incident_id, out)?;
            out.write_all(if rows == 0 { b"]" } else { b"\n    ]" })?;
        }
        out.write_all(b"\n  }\n}\n")?;
        snapshot.finish()?;
        Ok(())
    }
}

/// Writes the rows of one table, each as `to_string_pretty` writes it three levels deep.
fn write_rows(
    conn: &rusqlite::Connection,
    t: &Table,
    incident_id: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY {}",
        t.columns.join(", "),
        t.read_from(),
        t.filter,
        t.order
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([incident_id])?;
    let mut n = 0u64;
    let mut text = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Map::new();
        for (i, c) in t.columns.iter().enumerate() {
            row.insert(c.to_string(), to_json(r.get::<_, Sql>(i)?));
        }
        text.clear();
        serde_json::to_writer_pretty(&mut text, &row)
            .map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        // Strings escape their line breaks, so every line break is the layout's.
        for (j, line) in text.split(|b| *b == b'\n').enumerate() {
            if j > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"      ")?;
            out.write_all(line)?;
        }
        n += 1;
    }
    Ok(n)
}

/// Reads a bundle once, holding one row at a time, and refuses it at the first thing
/// wrong: not JSON, not a debrief bundle, a newer version, an unknown table, a row that
/// is not an object, lacks or adds a column, or holds a value the domain refuses. What
/// needs the whole bundle (references between rows, ownership) is checked on import.
pub fn precheck_bundle(reader: impl Read) -> Result<()> {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let mut refusal = None;
    let result = de
        .deserialize_map(Top {
            refusal: &mut refusal,
        })
        .and_then(|()| de.end());
    match (refusal, result) {
        (Some(e), _) => Err(e),
        (None, Ok(())) => Ok(()),
        (None, Err(e)) => Err(StoreError::invalid(
            "bundle",
            format!(
                "not a bundle: line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// The top object: `format` and `version` checked the moment they are read.
struct Top<'a> {
    refusal: &'a mut Option<StoreError>,
}

/// Stops the parse with the store's own refusal (kept aside, so its words reach the user).
fn stop<E: de::Error>(slot: &mut Option<StoreError>, e: StoreError) -> E {
    let text = e.to_string();
    *slot = Some(e);
    E::custom(text)
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a debrief bundle (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let (mut format, mut version) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    if map.next_value::<Value>()? != BUNDLE_FORMAT {
                        return Err(stop(self.refusal, not_a_bundle()));
                    }
                    format = true;
                }
                "version" => {
                    let v = map.next_value::<Value>()?;
                    super::bundle::check_header(&serde_json::json!({
                        "format": BUNDLE_FORMAT, "version": v
                    }))
                    .map_err(|e| stop(self.refusal, e))?;
                    version = true;
                }
                "tables" => map.next_value_seed(Tables {
                    refusal: self.refusal,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (format, version) {
            (false, _) => Err(stop(self.refusal, not_a_bundle())),
            (true, false) => Err(stop(
                self.refusal,
                StoreError::invalid("bundle", "the bundle has no version"),
            )),
            (true, true) => Ok(()),
        }
    }
}

fn not_a_bundle() -> StoreError {
    StoreError::invalid(
        "bundle",
        "not a debrief bundle (its \"format\" is not \"debrief-bundle\")",
    )
}

struct Tables<'a> {
    refusal: &'a mut Option<StoreError>,
}

impl<'de> DeserializeSeed<'de> for Tables<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the bundle's \"tables\" object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let Some(table) = TABLES.iter().find(|t| t.name == name) else {
                return Err(stop(
                    self.refusal,
                    StoreError::invalid(
                        "bundle",
                        format!(
                            "the bundle was refused, nothing was imported: it has a table {:?} that debrief does not know",
                            crate::text::inert(&name)
                        ),
                    ),
                ));
            };
            map.next_value_seed(Rows {
                table,
                refusal: self.refusal,
            })?;
        }
        Ok(())
    }
}

/// One table's rows, read and checked one at a time.
struct Rows<'a> {
    table: &'a Table,
    refusal: &'a mut Option<StoreError>,
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the rows of {} (a list)", self.table.name)
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let t = self.table;
        let mut i = 0usize;
        while let Some(row) = seq.next_element::<Value>()? {
            i += 1;
            check_row(t, i, &row).map_err(|e| stop(self.refusal, e))?;
        }
        Ok(())
    }
}

/// What one row must be on its own: an object with the table's columns and valid values.
pub(super) fn check_row(t: &Table, i: usize, row: &Value) -> Result<()> {
    let Some(row) = row.as_object() else {
        return Err(super::bundle_values::bad(
            t.name,
            &format!("row {i}"),
            "is not an object".into(),
        ));
    };
    let key = super::bundle::key_text(t, row);
    if let Some(unknown) = row.keys().find(|c| !t.columns.contains(&c.as_str())) {
        return Err(super::bundle_values::bad(
            t.name,
            &key,
            format!("unknown column {unknown:?}"),
        ));
    }
    let later = |c: &str| LATER_COLUMNS.contains(&(t.name, c));
    if let Some(missing) = t
        .columns
        .iter()
        .find(|c| !row.contains_key(**c) && !later(c))
    {
        return Err(super::bundle_values::bad(
            t.name,
            &key,
            format!("the column {missing:?} is missing"),
        ));
    }
    if LATER_COLUMNS
        .iter()
        .any(|(table, c)| *table == t.name && !row.contains_key(*c))
    {
        // Checked on import, where the missing columns are read as empty.
        return Ok(());
    }
    check_values(&RowCheck {
        table: t.name,
        key,
        row,
    })
}
