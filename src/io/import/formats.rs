//! The formats debrief reads, how each is recognised from its header, and what each
//! column means: a [`Mapping`] from column names to roles.

/// A timeline format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Decide from the header.
    Auto,
    TimesketchCsv,
    TimesketchJsonl,
    /// Plaso's l2tcsv output.
    PlasoCsv,
    /// Plaso's dynamic output (the default columns).
    PlasoDynamic,
    IrisCsv,
    /// The CSV DFIR-IRIS's timeline page downloads (`event_date(UTC)`, `event_date_wtz`…).
    IrisUiCsv,
    /// Any CSV with a header, its columns named with `--map`.
    Csv,
}

impl ImportFormat {
    pub const NAMES: &'static str = "auto, timesketch-csv, timesketch-jsonl, plaso-csv, plaso-dynamic, iris-csv, iris-ui-csv, csv";

    /// Every format, `Auto` first.
    pub const ALL: [ImportFormat; 8] = [
        ImportFormat::Auto,
        ImportFormat::TimesketchCsv,
        ImportFormat::TimesketchJsonl,
        ImportFormat::PlasoCsv,
        ImportFormat::PlasoDynamic,
        ImportFormat::IrisCsv,
        ImportFormat::IrisUiCsv,
        ImportFormat::Csv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Auto => "auto",
            ImportFormat::TimesketchCsv => "timesketch-csv",
            ImportFormat::TimesketchJsonl => "timesketch-jsonl",
            ImportFormat::PlasoCsv => "plaso-csv",
            ImportFormat::PlasoDynamic => "plaso-dynamic",
            ImportFormat::IrisCsv => "iris-csv",
            ImportFormat::IrisUiCsv => "iris-ui-csv",
            ImportFormat::Csv => "csv",
        }
    }

    /// The name for people, e.g. "Plaso l2tcsv".
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Auto => "detected from the header",
            ImportFormat::TimesketchCsv => "Timesketch CSV",
            ImportFormat::TimesketchJsonl => "Timesketch JSONL",
            ImportFormat::PlasoCsv => "Plaso l2tcsv",
            ImportFormat::PlasoDynamic => "Plaso dynamic CSV",
            ImportFormat::IrisCsv => "DFIR-IRIS timeline CSV",
            ImportFormat::IrisUiCsv => "DFIR-IRIS timeline export",
            ImportFormat::Csv => "CSV with mapped columns",
        }
    }

    /// Plaso writes `-` for an empty cell.
    pub fn dash_is_empty(self) -> bool {
        matches!(self, ImportFormat::PlasoCsv | ImportFormat::PlasoDynamic)
    }
}

impl std::str::FromStr for ImportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ImportFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown import format {s:?} (one of: {})",
                    ImportFormat::NAMES
                )
            })
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The time (with or without an offset), or a number of seconds, milliseconds or
    /// microseconds since 1970.
    At,
    /// Microseconds since 1970 (Timesketch `timestamp`), used when there is no `At`.
    Epoch,
    /// A date written MM/DD/YYYY (l2tcsv), with [`Field::Clock`] and [`Field::Zone`].
    Date,
    Clock,
    /// The zone or offset of a naive time in another column (`UTC`, `+02:00`).
    Zone,
    Text,
    Actor,
    Source,
    Phase,
    /// Tags separated by `|`, `,` or `;`, or a JSON list.
    Tags,
    Technique,
    /// How precisely the time is known: exact, minute or approximate (debrief's own).
    Precision,
    /// Kept as an attribute of the event (the default for every other column).
    Attr,
    /// Left out.
    Ignore,
}

impl std::str::FromStr for Field {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "at" | "time" | "datetime" => Field::At,
            "epoch" | "timestamp" => Field::Epoch,
            "text" | "message" => Field::Text,
            "actor" | "user" => Field::Actor,
            "source" => Field::Source,
            "phase" => Field::Phase,
            "tags" | "tag" => Field::Tags,
            "technique" => Field::Technique,
            "precision" => Field::Precision,
            "zone" | "tz" => Field::Zone,
            "attr" | "attribute" => Field::Attr,
            "ignore" | "skip" => Field::Ignore,
            other => {
                return Err(format!(
                    "unknown field {other:?} (one of: at, epoch, text, actor, source, phase, \
                     tags, technique, precision, zone, attr, ignore)"
                ));
            }
        })
    }
}

/// Column name → field, for one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub format: ImportFormat,
    /// One entry per column of the header, in order.
    pub columns: Vec<(String, Field)>,
}

impl Mapping {
    /// The column that holds `field`, if any.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|(_, f)| *f == field)
    }

    /// A column first met after the header (a JSONL object with a key the first object
    /// lacked) takes its format's role, unless another column already holds that field,
    /// when it is kept as an attribute.
    pub fn add_column(&mut self, name: &str) {
        let mut field = role(self.format, name);
        if !matches!(field, Field::Attr | Field::Ignore) && self.column(field).is_some() {
            field = Field::Attr;
        }
        self.columns.push((name.to_string(), field));
    }
}

fn has(header: &[String], names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| header.iter().any(|h| h.eq_ignore_ascii_case(n)))
}

const L2T: [&str; 17] = [
    "date",
    "time",
    "timezone",
    "MACB",
    "source",
    "sourcetype",
    "type",
    "user",
    "host",
    "short",
    "desc",
    "version",
    "filename",
    "inode",
    "notes",
    "format",
    "extra",
];
const PLASO_DYNAMIC: [&str; 8] = [
    "datetime",
    "timestamp_desc",
    "source",
    "source_long",
    "message",
    "parser",
    "display_name",
    "tag",
];
/// DFIR-IRIS timeline CSV columns, in its order (read here, written by the export).
pub const IRIS_COLUMNS: [&str; 10] = [
    "event_date",
    "event_tz",
    "event_title",
    "event_category",
    "event_content",
    "event_raw",
    "event_source",
    "event_assets",
    "event_iocs",
    "event_tags",
];

/// The columns of the CSV DFIR-IRIS's timeline page downloads (its "export" buttons add
/// `created_by` and `creation_date`). The UTC time is left out: the local time
/// (`event_date_wtz`) with its offset (`event_tz`) gives the same instant and keeps the
/// offset.
const IRIS_UI_COLUMNS: [&str; 9] = [
    "event_date(UTC)",
    "event_title",
    "event_description",
    "event_tz",
    "event_date_wtz",
    "event_category",
    "event_tags",
    "linked_assets",
    "linked_iocs",
];

/// Recognises a format from its column names; `jsonl` for a file of JSON objects.
pub fn detect(header: &[String], jsonl: bool) -> Option<ImportFormat> {
    let timesketch = has(header, &["message", "timestamp_desc"])
        && (has(header, &["datetime"]) || has(header, &["timestamp"]));
    if jsonl {
        return timesketch.then_some(ImportFormat::TimesketchJsonl);
    }
    if has(header, &IRIS_UI_COLUMNS) {
        Some(ImportFormat::IrisUiCsv)
    } else if has(header, &IRIS_COLUMNS[..3]) {
        Some(ImportFormat::IrisCsv)
    } else if has(header, &L2T) {
        Some(ImportFormat::PlasoCsv)
    } else if has(header, &PLASO_DYNAMIC[..7]) {
        Some(ImportFormat::PlasoDynamic)
    } else if timesketch {
        Some(ImportFormat::TimesketchCsv)
    } else {
        None
    }
}

/// The default role of a column in a format.
fn role(format: ImportFormat, column: &str) -> Field {
    let c = column.to_ascii_lowercase();
    match format {
        ImportFormat::TimesketchCsv | ImportFormat::TimesketchJsonl => match c.as_str() {
            "datetime" => Field::At,
            "timestamp" => Field::Epoch,
            "message" => Field::Text,
            "tag" => Field::Tags,
            // debrief's own columns, written by its Timesketch export.
            "actor" => Field::Actor,
            "source" => Field::Source,
            "phase" => Field::Phase,
            "technique" => Field::Technique,
            "precision" => Field::Precision,
            _ => Field::Attr,
        },
        ImportFormat::PlasoCsv => match c.as_str() {
            "date" => Field::Date,
            "time" => Field::Clock,
            "timezone" => Field::Zone,
            "desc" => Field::Text,
            "sourcetype" => Field::Source,
            "user" => Field::Actor,
            _ => Field::Attr,
        },
        ImportFormat::PlasoDynamic => match c.as_str() {
            "datetime" => Field::At,
            "message" => Field::Text,
            "source_long" => Field::Source,
            "tag" => Field::Tags,
            _ => Field::Attr,
        },
        ImportFormat::IrisCsv => match c.as_str() {
            "event_date" => Field::At,
            "event_tz" => Field::Zone,
            "event_title" => Field::Text,
            "event_source" => Field::Source,
            "event_tags" => Field::Tags,
            // The category is kept as an attribute and sets the phase when it names one.
            _ => Field::Attr,
        },
        ImportFormat::IrisUiCsv => match c.as_str() {
            "event_date_wtz" => Field::At,
            "event_tz" => Field::Zone,
            "event_title" => Field::Text,
            "event_tags" => Field::Tags,
            "event_date(utc)" => Field::Ignore,
            _ => Field::Attr,
        },
        ImportFormat::Csv | ImportFormat::Auto => Field::Attr,
    }
}

/// The mapping of a header in a format, with `--map` overrides. Checks the columns the
/// format needs are there.
pub fn mapping(
    format: ImportFormat,
    header: &[String],
    maps: &[(String, Field)],
) -> Result<Mapping, String> {
    let mut columns: Vec<(String, Field)> = header
        .iter()
        .map(|h| (h.clone(), role(format, h)))
        .collect();
    for (name, field) in maps {
        let Some(i) = columns.iter().position(|(h, _)| h == name) else {
            return Err(format!(
                "--map {name}=...: the file has no column {name:?} (columns: {})",
                header.join(", ")
            ));
        };
        // A field belongs to one column: the mapped one takes it over.
        if !matches!(field, Field::Attr | Field::Ignore) {
            for (_, f) in columns.iter_mut().filter(|(_, f)| f == field) {
                *f = Field::Attr;
            }
        }
        columns[i].1 = *field;
    }
    let m = Mapping { format, columns };
    let needs = |what: &str| -> String {
        match format {
            ImportFormat::TimesketchCsv | ImportFormat::TimesketchJsonl => format!(
                "missing required column {what} ({} needs message, datetime or timestamp, and timestamp_desc)",
                format.label()
            ),
            ImportFormat::Csv => format!(
                "no column is mapped to {what}: name it with --map COLUMN={what} (columns: {})",
                header.join(", ")
            ),
            _ => format!("missing required column for {what} ({})", format.label()),
        }
    };
    if m.column(Field::Text).is_none() {
        return Err(needs("text"));
    }
    let timed = m.column(Field::At).is_some()
        || m.column(Field::Epoch).is_some()
        || (m.column(Field::Date).is_some() && m.column(Field::Clock).is_some());
    if !timed {
        return Err(needs("at"));
    }
    if matches!(
        format,
        ImportFormat::TimesketchCsv | ImportFormat::TimesketchJsonl
    ) && !has(header, &["timestamp_desc"])
    {
        return Err(needs("\"timestamp_desc\""));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cols: &str) -> Vec<String> {
        cols.split(',').map(str::to_string).collect()
    }

    #[test]
    fn formats_are_told_apart_by_their_headers() {
        assert_eq!(
            detect(&h("message,datetime,timestamp_desc,extra"), false),
            Some(ImportFormat::TimesketchCsv)
        );
        assert_eq!(
            detect(&h(&L2T.join(",")), false),
            Some(ImportFormat::PlasoCsv)
        );
        assert_eq!(
            detect(&h(&PLASO_DYNAMIC.join(",")), false),
            Some(ImportFormat::PlasoDynamic)
        );
        assert_eq!(
            detect(&h(&IRIS_COLUMNS.join(",")), false),
            Some(ImportFormat::IrisCsv)
        );
        assert_eq!(detect(&h("Time,Event"), false), None);
        assert_eq!(
            detect(&h("message,timestamp,timestamp_desc"), true),
            Some(ImportFormat::TimesketchJsonl)
        );
    }

    #[test]
    fn maps_take_a_field_over_and_missing_columns_are_named() {
        let m = mapping(
            ImportFormat::Csv,
            &h("Time,Event,Host"),
            &[("Time".into(), Field::At), ("Event".into(), Field::Text)],
        )
        .unwrap();
        assert_eq!(m.columns[2], ("Host".into(), Field::Attr));
        let e = mapping(
            ImportFormat::Csv,
            &h("Time,Event"),
            &[("Time".into(), Field::At)],
        )
        .unwrap_err();
        assert!(e.contains("--map COLUMN=text"), "{e}");
        let e = mapping(ImportFormat::Csv, &h("Time"), &[("When".into(), Field::At)]).unwrap_err();
        assert!(e.contains("no column \"When\""), "{e}");
        let e = mapping(ImportFormat::TimesketchCsv, &h("message,datetime"), &[]).unwrap_err();
        assert!(e.contains("timestamp_desc"), "{e}");
    }
}
