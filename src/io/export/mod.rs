//! Writing what others need: the timeline for Timesketch (CSV, JSONL) and DFIR-IRIS, and
//! the actions for a ticket tracker. Events are streamed from the store page by page.
//!
//! Every CSV cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return) is neutralised with a leading `'`.

use crate::domain::Event;
use crate::store::{self, EventFilter, Store};
use serde_json::{Map, Value, json};
use std::io::Write;

mod iris;
mod tickets;
pub use iris::{IRIS_CATEGORIES, is_line_break};
pub use tickets::jira_priority;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    TimesketchCsv,
    TimesketchJsonl,
    IrisCsv,
    ActionsCsv,
}

impl ExportFormat {
    pub const NAMES: &'static str = "timesketch-csv, timesketch-jsonl, iris-csv, actions-csv";

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::TimesketchCsv => "Timesketch CSV",
            ExportFormat::TimesketchJsonl => "Timesketch JSONL",
            ExportFormat::IrisCsv => "DFIR-IRIS timeline CSV",
            ExportFormat::ActionsCsv => "actions CSV",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "timesketch-csv" => Ok(ExportFormat::TimesketchCsv),
            "timesketch-jsonl" => Ok(ExportFormat::TimesketchJsonl),
            "iris-csv" => Ok(ExportFormat::IrisCsv),
            "actions-csv" => Ok(ExportFormat::ActionsCsv),
            other => Err(format!(
                "unknown export format {other:?} (one of: {})",
                ExportFormat::NAMES
            )),
        }
    }
}

/// A cell a spreadsheet will not run: `=SUM(A1)` becomes `'=SUM(A1)`. A plain number
/// (`-42`, `1.5`) or a UTC offset (`+01:00`) is left alone: nothing there can run, and the
/// importers of the other tools need them as they are.
pub fn neutral(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !inert_value(cell) => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

/// `-42`, `+1.5`, `+01:00`: digits with a sign, a point or a colon, and nothing else.
fn inert_value(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ':')
}

fn csv_row<W: Write>(w: &mut csv::Writer<W>, cells: &[String]) -> csv::Result<()> {
    csv_cells(w, cells.iter().map(String::as_str))
}

/// Writes one record cell by cell, neutralised, without copying a cell that needs nothing.
fn csv_cells<'a, W: Write>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = &'a str>,
) -> csv::Result<()> {
    for c in cells {
        w.write_field(neutral(c).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// A write error, carried out of a `for_each_event` callback as a store error.
fn write_failed(e: impl std::fmt::Display) -> store::StoreError {
    store::StoreError::invalid("output", format!("cannot write: {e}"))
}

/// What went wrong while exporting.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write: {0}")]
    Csv(#[from] csv::Error),
}

/// Writes the export of an incident; returns how many records it wrote. `all` keeps, in
/// the actions CSV, the rejected actions and those that already have a ticket.
pub fn export(
    store: &Store,
    incident_id: &str,
    format: ExportFormat,
    all: bool,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    match format {
        ExportFormat::TimesketchCsv => timesketch_csv(store, incident_id, out),
        ExportFormat::TimesketchJsonl => timesketch_jsonl(store, incident_id, out),
        ExportFormat::IrisCsv => iris::iris_csv(store, incident_id, out),
        ExportFormat::ActionsCsv => tickets::actions_csv(store, incident_id, all, out),
    }
}

/// The columns Timesketch needs and debrief's own, before the attributes.
const TIMESKETCH_COLUMNS: [&str; 10] = [
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    "tag",
    "actor",
    "source",
    "phase",
    "technique",
    "precision",
];

/// The fixed Timesketch fields of an event, in [`TIMESKETCH_COLUMNS`] order.
fn timesketch_fields(e: &Event) -> [String; 10] {
    let desc = e
        .attrs
        .iter()
        .find(|(k, _)| k == "timestamp_desc")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "Event Recorded".into());
    [
        e.text.clone(),
        e.at.rfc3339_original(),
        e.at.micros().to_string(),
        desc,
        // Always a JSON list, `[]` when there is none: Timesketch reads the CSV with
        // pandas, which turns an empty cell into NaN and then into the tag "nan".
        serde_json::to_string(&e.tags).unwrap_or_else(|_| "[]".into()),
        e.actor.clone().unwrap_or_default(),
        e.source.clone().unwrap_or_default(),
        e.phase.map(|p| p.as_str().to_string()).unwrap_or_default(),
        e.technique.clone().unwrap_or_default(),
        e.at.precision.as_str().to_string(),
    ]
}

/// Every attribute name of the incident's events that is not a column of its own, in the
/// order first met (the store reads only the attributes' keys, not the events whole).
fn attribute_names(store: &Store, incident_id: &str) -> Result<Vec<String>, ExportError> {
    let mut names = store.attribute_names(incident_id)?;
    names.retain(|k| k != "timestamp_desc" && !TIMESKETCH_COLUMNS.contains(&k.as_str()));
    Ok(names)
}

fn timesketch_csv(
    store: &Store,
    incident_id: &str,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let extra = attribute_names(store, incident_id)?;
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = TIMESKETCH_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(extra.iter().cloned());
    csv_row(&mut w, &header)?;
    let mut n = 0;
    store.for_each_event(&EventFilter::incident(incident_id), |e| {
        let fields = timesketch_fields(e);
        let attrs = extra.iter().map(|name| {
            e.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map_or("", |(_, v)| v.as_str())
        });
        csv_cells(&mut w, fields.iter().map(String::as_str).chain(attrs)).map_err(write_failed)?;
        n += 1;
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}

fn timesketch_jsonl(
    store: &Store,
    incident_id: &str,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut n = 0;
    store.for_each_event(&EventFilter::incident(incident_id), |e| {
        let mut o = Map::new();
        for (name, value) in TIMESKETCH_COLUMNS.iter().zip(timesketch_fields(e)) {
            let v = match *name {
                "timestamp" => json!(e.at.micros()),
                "tag" => json!(e.tags),
                _ if value.is_empty() => continue,
                _ => json!(value),
            };
            o.insert(name.to_string(), v);
        }
        for (k, v) in &e.attrs {
            o.entry(k.clone()).or_insert_with(|| json!(v));
        }
        writeln!(out, "{}", Value::Object(o)).map_err(write_failed)?;
        n += 1;
        Ok(())
    })?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "+1"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("-42", "-42"),
            ("+01:00", "+01:00"),
            ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain text", "plain text"),
            ("", ""),
        ] {
            assert_eq!(neutral(cell), want);
        }
    }
}
