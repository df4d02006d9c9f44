//! Reading timelines other tools wrote: Timesketch CSV and JSONL, Plaso (l2tcsv and the
//! dynamic output), DFIR-IRIS timeline CSV, and any CSV with a header through `--map`.
//!
//! Files are streamed: [`Rows`] yields one mapped row (or one row error) at a time, so
//! memory stays flat whatever the size. Nothing here touches the database.

mod formats;
mod time;

pub use formats::{Field, IRIS_COLUMNS, ImportFormat, Mapping, detect, mapping};
pub use time::{EpochUnit, TimeOptions};
// The rows a reader yields are domain types, so the store can take them without io.
pub use crate::domain::imported::{ImportedRow, RowError, RowFingerprint};

use crate::domain::Phase;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read};

/// What stops a file from being read at all (as opposed to one bad row).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("{0}")]
    Header(String),
    #[error("cannot read the file: {0}")]
    Read(String),
    /// A database or another binary file where a text timeline was expected.
    #[error("{0}")]
    NotText(String),
}

/// Why a file that starts with `head` is not a timeline debrief reads, if it is binary:
/// a Plaso storage file (SQLite, or a ZIP file from Plaso before 20190102), another SQLite
/// database, or bytes with NULs in them.
fn not_text(head: &[u8]) -> Option<String> {
    const PSORT: &str = "debrief reads timelines as CSV or JSONL: make one from a Plaso \
        storage file with `psort.py -o dynamic -w timeline.csv FILE.plaso` (or `-o l2tcsv`), \
        then import timeline.csv";
    let what = if head.starts_with(b"SQLite format 3\0") {
        // Plaso names its tables after its containers (event_data_stream, event_source…).
        if head.windows(17).any(|w| w == b"event_data_stream")
            || head.windows(12).any(|w| w == b"event_source")
        {
            "a Plaso storage file (an SQLite database)"
        } else {
            "an SQLite database"
        }
    } else if head.starts_with(b"PK\x03\x04") {
        "a ZIP archive (an older Plaso storage file?)"
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Some("the file is UTF-16 text: save it as UTF-8 and import that".into());
    } else if head.iter().take(8192).any(|b| *b == 0) {
        "a binary file"
    } else {
        return None;
    };
    Some(format!("this is {what}, not a timeline; {PSORT}"))
}

/// One record as read: its cells in header order.
struct Record {
    line: u64,
    cells: Vec<String>,
    /// The line as it was, for a JSONL record (its rejects file holds lines, not cells).
    line_text: Option<String>,
}

enum Source {
    Csv(csv::Reader<Box<dyn Read + Send>>),
    Jsonl {
        reader: BufReader<Box<dyn Read + Send>>,
        /// The first object, read to learn the columns.
        first: Option<serde_json::Map<String, serde_json::Value>>,
        line: u64,
    },
}

/// The mapped rows of a file, one at a time.
pub struct Rows {
    source: Source,
    pub mapping: Mapping,
    /// Whether the format was detected (auto) rather than given.
    pub detected: bool,
    time: TimeOptions,
    /// Rows with bytes that were not UTF-8 (kept, with U+FFFD in their place).
    pub lossy_rows: u64,
    /// The unit numeric timestamps were read in, once one was.
    pub epoch_unit: Option<EpochUnit>,
    /// Rows read so far, good or bad.
    pub rows_read: u64,
    done: bool,
    /// Added to the CSV reader's line numbers (see `open`).
    line_fix: u64,
    /// The header's number of columns; a JSONL file may add more as it goes.
    header_len: usize,
}

/// Opens a file's rows. With `ImportFormat::Auto` the header decides (see
/// [`Rows::detected`]). `maps` are `COLUMN=FIELD` pairs: they name the columns of a plain
/// CSV and override those of the known formats.
pub fn open(
    input: Box<dyn Read + Send>,
    format: ImportFormat,
    maps: &[(String, Field)],
    time: TimeOptions,
) -> Result<Rows, FileError> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let read_err = |e: std::io::Error| FileError::Read(e.to_string());
    // A UTF-8 byte order mark is not part of the first column's name.
    let head = reader.fill_buf().map_err(read_err)?;
    if head.is_empty() {
        return Err(FileError::Empty);
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    let head = reader.fill_buf().map_err(read_err)?;
    if let Some(why) = not_text(head) {
        return Err(FileError::NotText(why));
    }
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let Some(first) = first else {
        return Err(FileError::Empty);
    };
    // The CSV reader counts a record's line one short when lines end with CRLF (it sees
    // the `\r` as the end and the `\n` as the start of the next record).
    let crlf = head
        .iter()
        .position(|b| *b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let jsonl =
        format == ImportFormat::TimesketchJsonl || (format == ImportFormat::Auto && first == b'{');
    let (source, header) = if jsonl {
        let mut line = 0;
        let mut first_object = None;
        let mut buf = Vec::new();
        while first_object.is_none() {
            buf.clear();
            if reader.read_until(b'\n', &mut buf).map_err(read_err)? == 0 {
                return Err(FileError::Empty);
            }
            line += 1;
            let text = String::from_utf8_lossy(&buf);
            if text.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(text.trim()) {
                Ok(serde_json::Value::Object(map)) => first_object = Some(map),
                _ => {
                    return Err(FileError::Header(format!(
                        "line {line} is not a JSON object: a JSONL file has one object per line"
                    )));
                }
            }
        }
        let header: Vec<String> = first_object
            .as_ref()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        (
            Source::Jsonl {
                reader,
                first: first_object,
                line: line - 1,
            },
            header,
        )
    } else {
        let boxed: Box<dyn Read + Send> = Box::new(reader);
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(boxed);
        let header: Vec<String> = csv
            .byte_headers()
            .map_err(|e| FileError::Read(e.to_string()))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        (Source::Csv(csv), header)
    };
    let (format, detected) = match format {
        ImportFormat::Auto => match detect(&header, jsonl) {
            Some(f) => (f, true),
            None if !maps.is_empty() => (ImportFormat::Csv, true),
            None => {
                return Err(FileError::Header(format!(
                    "cannot tell the format from the header (columns: {}); give --format, \
                     or name the columns with --map COLUMN=at --map COLUMN=text",
                    header.join(", ")
                )));
            }
        },
        f => (f, false),
    };
    let mapping = mapping(format, &header, maps).map_err(FileError::Header)?;
    Ok(Rows {
        source,
        mapping,
        detected,
        time,
        lossy_rows: 0,
        epoch_unit: None,
        rows_read: 0,
        done: false,
        line_fix: u64::from(crlf),
        header_len: header.len(),
    })
}

impl Rows {
    /// The next record, `None` at the end; a record that cannot be read at all is an error
    /// for its line.
    fn next_record(&mut self) -> Option<Result<Record, RowError>> {
        match &mut self.source {
            Source::Csv(csv) => {
                let mut rec = csv::ByteRecord::new();
                match csv.read_byte_record(&mut rec) {
                    Ok(false) => None,
                    Ok(true) => {
                        let line = rec.position().map(|p| p.line()).unwrap_or(0) + self.line_fix;
                        let mut lossy = false;
                        let cells = rec
                            .iter()
                            .map(|c| match std::str::from_utf8(c) {
                                Ok(s) => s.to_string(),
                                Err(_) => {
                                    lossy = true;
                                    String::from_utf8_lossy(c).into_owned()
                                }
                            })
                            .collect();
                        if lossy {
                            self.lossy_rows += 1;
                        }
                        Some(Ok(Record {
                            line,
                            cells,
                            line_text: None,
                        }))
                    }
                    Err(e) => {
                        let line = e.position().map(|p| p.line()).unwrap_or(0) + self.line_fix;
                        // A broken record may leave the reader nowhere to go on from.
                        if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                            self.done = true;
                        }
                        Some(Err(RowError {
                            line,
                            column: None,
                            message: format!("not readable as CSV: {e}"),
                            raw: Vec::new(),
                        }))
                    }
                }
            }
            Source::Jsonl {
                reader,
                first,
                line,
            } => {
                let line_text;
                let object = if let Some(o) = first.take() {
                    *line += 1;
                    line_text = Some(serde_json::Value::Object(o.clone()).to_string());
                    o
                } else {
                    let mut buf = Vec::new();
                    loop {
                        buf.clear();
                        match reader.read_until(b'\n', &mut buf) {
                            Ok(0) => return None,
                            Ok(_) => {}
                            Err(e) => {
                                self.done = true;
                                return Some(Err(RowError {
                                    line: *line + 1,
                                    column: None,
                                    message: e.to_string(),
                                    raw: Vec::new(),
                                }));
                            }
                        }
                        *line += 1;
                        if !buf.iter().all(u8::is_ascii_whitespace) {
                            break;
                        }
                    }
                    let text = match std::str::from_utf8(&buf) {
                        Ok(t) => t.to_string(),
                        Err(_) => {
                            self.lossy_rows += 1;
                            String::from_utf8_lossy(&buf).into_owned()
                        }
                    };
                    match serde_json::from_str::<serde_json::Value>(text.trim()) {
                        Ok(serde_json::Value::Object(map)) => {
                            line_text = Some(text.trim_end().to_string());
                            map
                        }
                        _ => {
                            return Some(Err(RowError {
                                line: *line,
                                column: None,
                                message: "not a JSON object".into(),
                                raw: vec![text.trim_end().to_string()],
                            }));
                        }
                    }
                };
                // Columns of the first object, in its order; later objects may lack some,
                // and a key no earlier object had becomes a column of its own.
                for key in object.keys() {
                    if !self.mapping.columns.iter().any(|(c, _)| c == key) {
                        self.mapping.add_column(key);
                    }
                }
                let cells = self
                    .mapping
                    .columns
                    .iter()
                    .map(|(k, _)| match object.get(k) {
                        None | Some(serde_json::Value::Null) => String::new(),
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                    })
                    .collect();
                Some(Ok(Record {
                    line: *line,
                    cells,
                    line_text,
                }))
            }
        }
    }

    /// Maps one record to an event, or says which column is wrong.
    fn map(&mut self, rec: Record) -> Result<ImportedRow, RowError> {
        let m = &self.mapping;
        let dash = m.format.dash_is_empty();
        // The row as read goes with an error only (copying it for every row cost time).
        let error = |column: Option<usize>, message: String| RowError {
            line: rec.line,
            column: column.map(|i| m.columns[i].0.clone()),
            message,
            raw: match &rec.line_text {
                Some(l) => vec![l.clone()],
                None => rec.cells.clone(),
            },
        };
        if rec.cells.len() != m.columns.len() && matches!(self.source, Source::Csv(_)) {
            return Err(error(
                None,
                format!(
                    "has {} cells where the header has {}",
                    rec.cells.len(),
                    m.columns.len()
                ),
            ));
        }
        let cell = |field: Field| -> Option<(usize, &str)> {
            let i = m.column(field)?;
            let v = rec.cells.get(i)?.trim();
            (!empty_cell(v, dash)).then_some((i, v))
        };
        let zone = cell(Field::Zone).map(|(_, v)| v);
        let at = if let Some((i, v)) = cell(Field::At) {
            // Only a bare number is tried as one (not every row's ISO time, with an
            // error message made and thrown away each time).
            if self.epoch_unit.is_none()
                && time::is_bare_number(v)
                && let Ok((_, unit)) = time::epoch(v)
            {
                self.epoch_unit = Some(unit);
            }
            time::at(v, zone, &self.time).map_err(|e| error(Some(i), e))?
        } else if let (Some((_, d)), Some((i, c))) = (cell(Field::Date), cell(Field::Clock)) {
            time::date_and_clock(d, c, zone, &self.time).map_err(|e| error(Some(i), e))?
        } else if let Some((i, v)) = cell(Field::Epoch) {
            let (t, unit) = time::epoch(v).map_err(|e| error(Some(i), e))?;
            self.epoch_unit.get_or_insert(unit);
            t
        } else {
            let column = m.column(Field::At).or(m.column(Field::Epoch));
            return Err(error(column, "no time in this row".into()));
        };
        let mut at = at;
        if let Some(p) = cell(Field::Precision).and_then(|(_, v)| v.parse().ok()) {
            at.precision = p;
        }
        let Some((_, text)) = cell(Field::Text) else {
            return Err(error(m.column(Field::Text), "the text is empty".into()));
        };
        let mut attrs = Vec::new();
        let mut phase = cell(Field::Phase).and_then(|(_, v)| v.parse::<Phase>().ok());
        let mut technique = None;
        if let Some((_, t)) = cell(Field::Technique) {
            match crate::domain::event::validate_technique_id(t) {
                Ok(id) => technique = Some(id),
                // Not an ATT&CK id: keep what the source said as an attribute instead.
                Err(_) => attrs.push(("technique".to_string(), t.to_string())),
            }
        }
        for (i, (name, field)) in m.columns.iter().enumerate() {
            let v = rec.cells.get(i).map(|s| s.trim()).unwrap_or_default();
            if *field == Field::Attr && !empty_cell(v, dash) {
                // An IRIS category that names a phase sets it.
                if name == "event_category" && phase.is_none() {
                    phase = v.parse::<Phase>().ok();
                }
                attrs.push((name.clone(), v.to_string()));
            }
        }
        let mut tags = cell(Field::Tags).map(|(_, v)| tags(v)).unwrap_or_default();
        // debrief's IRIS export keeps a phase IRIS has no category for as a tag, with the
        // category `Unspecified` (or `Remediation`, for containment to recovery).
        let category = attrs.iter().find(|(k, _)| k == "event_category");
        let vague = category.is_none_or(|(_, c)| {
            c.eq_ignore_ascii_case("unspecified") || c.eq_ignore_ascii_case("remediation")
        });
        if phase.is_none()
            && vague
            && matches!(m.format, ImportFormat::IrisCsv | ImportFormat::IrisUiCsv)
            && let Some(i) = tags.iter().position(|t| t.parse::<Phase>().is_ok())
        {
            phase = tags.remove(i).parse().ok();
        }
        let fingerprint = fingerprint(&m.columns, &rec.cells, self.header_len);
        Ok(ImportedRow {
            line: rec.line,
            at,
            text: text.to_string(),
            actor: cell(Field::Actor).map(|(_, v)| v.to_string()),
            source: cell(Field::Source).map(|(_, v)| v.to_string()),
            phase,
            tags,
            technique,
            attrs,
            fingerprint,
        })
    }
}

impl Iterator for Rows {
    type Item = Result<ImportedRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rec = self.next_record()?;
        self.rows_read += 1;
        Some(rec.and_then(|r| self.map(r)))
    }
}

/// Whether a cell holds nothing (Plaso writes `-` for nothing).
fn empty_cell(v: &str, dash_is_empty: bool) -> bool {
    v.is_empty() || (dash_is_empty && v == "-")
}

/// Tags as sources write them: a JSON list, or words separated by `|`, `,`, `;` or spaces;
/// made into debrief tags (lower case, `-` for spaces).
fn tags(v: &str) -> Vec<String> {
    let words: Vec<String> = match serde_json::from_str::<Vec<String>>(v) {
        Ok(list) => list,
        Err(_) => v.split(['|', ',', ';']).map(str::to_string).collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let t = w
            .trim()
            .trim_start_matches('#')
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The fingerprint of a row: its cells hashed with their column names. Columns met after
/// the header (JSONL keys the first object lacked) count only where the row has them, so
/// a row's fingerprint does not depend on which rows came before it.
fn fingerprint(columns: &[(String, Field)], cells: &[String], header_len: usize) -> RowFingerprint {
    let mut h = Sha256::new();
    for (i, ((name, _), v)) in columns.iter().zip(cells).enumerate() {
        if i >= header_len && v.is_empty() {
            continue;
        }
        h.update(name.as_bytes());
        h.update([0x1f]);
        h.update(v.as_bytes());
        h.update([0x1e]);
    }
    RowFingerprint::from_digest(&h.finalize())
}

/// A reader that hashes what passes through (SHA-256, recorded with the import) and
/// counts the bytes (for a progress gauge in another thread).
pub struct Tracked<R> {
    inner: R,
    hash: std::sync::Arc<std::sync::Mutex<Sha256>>,
    read: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// The hash, shared between the thread that reads the file and the one that records it
/// (a panic while hashing leaves no half-updated state worth refusing).
fn lock(hash: &std::sync::Mutex<Sha256>) -> std::sync::MutexGuard<'_, Sha256> {
    hash.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The hash of what a [`Tracked`] reader has read so far.
pub struct HashHandle(std::sync::Arc<std::sync::Mutex<Sha256>>);

impl HashHandle {
    pub fn hex(&self) -> String {
        let digest = lock(&self.0).clone().finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<R: Read> Tracked<R> {
    pub fn new(
        inner: R,
        read: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    ) -> (Tracked<R>, HashHandle) {
        let hash = std::sync::Arc::new(std::sync::Mutex::new(Sha256::new()));
        (
            Tracked {
                inner,
                hash: hash.clone(),
                read,
            },
            HashHandle(hash),
        )
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        lock(&self.hash).update(&buf[..n]);
        if let Some(r) = &self.read {
            r.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
