//! Property tests: the time parser, the quick-capture parser and the timeline importers
//! never panic, whatever they are given; a parsed time reads back as itself; and events
//! exported to Timesketch read back through the importer as they were. They run briefly in
//! CI; for a longer run: `PROPTEST_CASES=100000 cargo test --release --test properties`.

use debrief::domain::capture::parse_capture;
use debrief::domain::{NewEvent, NewIncident, Precision, TimeContext, Timestamp, parse_time};
use debrief::io::export::{ExportFormat, export, neutral};
use debrief::io::import::{self, ImportFormat, TimeOptions};
use debrief::store::Store;
use proptest::prelude::*;

fn madrid() -> TimeContext {
    TimeContext {
        zone: "Europe/Madrid".parse().unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 29),
    }
}

/// Text shaped like times: digits, separators, offsets, `~`, and a little of anything.
fn timeish() -> impl Strategy<Value = String> {
    prop::string::string_regex("~?[0-9]{0,4}(-[0-9]{1,2}){0,2}[ T]?[0-9]{0,2}(:[0-9]{1,2}){0,2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?")
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn the_time_parser_never_panics(s in any::<String>(), t in timeish()) {
        let _ = parse_time(&s, &madrid());
        let _ = parse_time(&t, &madrid());
    }

    #[test]
    fn a_parsed_time_reads_back_as_itself(t in timeish()) {
        if let Ok(parsed) = parse_time(&t, &madrid()) {
            let again = parse_time(&parsed.rfc3339_original(), &TimeContext::utc()).unwrap();
            prop_assert_eq!(again.utc, parsed.utc);
            prop_assert_eq!(again.offset_secs, parsed.offset_secs);
        }
    }

    #[test]
    fn the_capture_parser_never_panics(s in any::<String>(), t in timeish(), rest in "[ @#T0-9a-z~+.:-]{0,40}") {
        let previous = parse_time("2026-03-29 01:30", &madrid()).ok();
        let _ = parse_capture(&s, &madrid(), previous.as_ref());
        let _ = parse_capture(&format!("{t} {rest}"), &madrid(), previous.as_ref());
        let _ = parse_capture(&format!("+{rest}"), &madrid(), None);
    }

    #[test]
    fn the_importers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), body in "[a-z0-9,\"\\n\\r{}:.TZ+ -]{0,300}") {
        let headers = [
            "message,datetime,timestamp_desc\n",
            "{\"message\": \"x\", \"timestamp\": 1, \"timestamp_desc\": \"y\"}\n",
            "date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra\n",
            "event_date,event_tz,event_title\n",
            "",
        ];
        for header in headers {
            for tail in [bytes.clone(), body.clone().into_bytes()] {
                let mut input = header.as_bytes().to_vec();
                input.extend_from_slice(&tail);
                let time = TimeOptions { zone: Some(chrono_tz::UTC), format: None };
                if let Ok(rows) = import::open(Box::new(std::io::Cursor::new(input)), ImportFormat::Auto, &[], time) {
                    for row in rows.take(50) {
                        let _ = row;
                    }
                }
            }
        }
    }
}

/// One event as an analyst or an import could have written it: any text (commas, quotes,
/// newlines, escape sequences, formulas, other scripts), an actor, a source and tags.
#[derive(Debug, Clone)]
struct Written {
    micros: i64,
    offset_mins: i32,
    text: String,
    actor: Option<String>,
    source: Option<String>,
    tags: Vec<String>,
}

fn written() -> impl Strategy<Value = Written> {
    let text = any::<String>().prop_filter("blank", |t| !t.trim().is_empty());
    let name = prop::option::of(
        "[A-Za-z0-9=+@'\"., -]{1,20}".prop_filter("blank", |t| !t.trim().is_empty()),
    );
    (
        // 1990 to 2100, and offsets from -12:00 to +14:00.
        631_152_000_000_000i64..4_102_444_800_000_000,
        -720i32..=840,
        text,
        name.clone(),
        name,
        prop::collection::vec("[a-z][a-z0-9-]{0,10}", 0..3),
    )
        .prop_map(|(micros, offset_mins, text, actor, source, tags)| Written {
            micros,
            offset_mins,
            text,
            actor,
            source,
            tags,
        })
}

/// The events in a new incident of an in-memory store, then exported in `format`.
fn exported(events: &[Written], format: ExportFormat) -> (Vec<debrief::domain::Event>, Vec<u8>) {
    let mut store = Store::open_in_memory("tester").unwrap();
    let incident = store
        .create_incident(&NewIncident::new("IR-1", "Round trip").unwrap())
        .unwrap();
    for w in events {
        let at = Timestamp::from_micros(w.micros, w.offset_mins * 60, Precision::Exact).unwrap();
        let mut new = NewEvent::new(at, &w.text)
            .unwrap()
            .with_tags(&w.tags)
            .unwrap();
        new.actor = debrief::domain::optional(w.actor.as_deref());
        new.source = debrief::domain::optional(w.source.as_deref());
        store.add_event(&incident.id, &new).unwrap();
    }
    let mut saved = Vec::new();
    store
        .for_each_event(&debrief::store::EventFilter::incident(&incident.id), |e| {
            saved.push(e.clone());
            Ok(())
        })
        .unwrap();
    let mut out = Vec::new();
    export(&store, &incident.id, format, true, &mut out).unwrap();
    (saved, out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
    ))]

    /// Export → import → the same events: time (instant and offset), text, actor, source
    /// and tags. The CSV keeps a spreadsheet from running a cell, so a text that starts
    /// like a formula comes back with the `'` that neutralised it; JSONL keeps it as it is.
    #[test]
    fn timesketch_exports_read_back_as_they_were(events in prop::collection::vec(written(), 1..6)) {
        for format in [ExportFormat::TimesketchJsonl, ExportFormat::TimesketchCsv] {
            let (saved, bytes) = exported(&events, format);
            let time = TimeOptions { zone: None, format: None };
            let rows = import::open(Box::new(std::io::Cursor::new(bytes.clone())), ImportFormat::Auto, &[], time)
                .unwrap_or_else(|e| panic!("{format:?}: {e}\n{}", String::from_utf8_lossy(&bytes)));
            let rows: Vec<_> = rows
                .map(|r| r.unwrap_or_else(|e| panic!("{format:?}: {e:?}\n{}", String::from_utf8_lossy(&bytes))))
                .collect();
            prop_assert_eq!(rows.len(), saved.len());
            let csv = format == ExportFormat::TimesketchCsv;
            let cell = |s: &str| if csv { neutral(s).into_owned() } else { s.to_string() };
            for (row, event) in rows.iter().zip(&saved) {
                prop_assert_eq!(row.at.micros(), event.at.micros(), "{:?}", format);
                prop_assert_eq!(row.at.offset_secs, event.at.offset_secs, "{:?}", format);
                prop_assert_eq!(&row.text, &cell(&event.text), "{:?}", format);
                prop_assert_eq!(&row.actor, &event.actor.as_deref().map(cell), "{:?}", format);
                prop_assert_eq!(&row.source, &event.source.as_deref().map(cell), "{:?}", format);
                prop_assert_eq!(&row.tags, &event.tags, "{:?}", format);
            }
        }
    }
}
