//! Hostile text, as an intruder's logs can hold it, through every way out: import, the
//! rendered workbench, the report and the exports. Escape sequences, other C0 and C1
//! controls, bidi overrides, zero-width and very wide characters, a 1 MB line and bytes
//! that are not UTF-8 are shown inert and never reach a terminal, an HTML page or a
//! spreadsheet as anything but text.

mod harness;

use debrief::domain::NewIncident;
use debrief::io::export::{ExportFormat, export};
use debrief::io::import::{self, ImportFormat, TimeOptions};
use debrief::io::report::{TimelineScope, render_report};
use debrief::io::template::ReportFormat;
use debrief::store::{ImportRun, Store};
use harness::Harness;

/// A Timesketch CSV whose messages and attributes were written by an attacker.
fn hostile_csv() -> Vec<u8> {
    let rows: Vec<String> = vec![
        "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred alert".into(),
        "c1 \u{9b}31m controls \u{85} next line".into(),
        "bidi \u{202e}fdp.exe\u{202c} and zero\u{200b}width".into(),
        "wide 宽字符 ｗｉｄｅ and emoji 🧨 in a row".into(),
        "<script>alert(1)</script> =HYPERLINK(\"http://evil.example\")".into(),
        format!("huge {}", "A".repeat(1_000_000)),
    ];
    let mut csv = b"message,datetime,timestamp_desc,note\n".to_vec();
    for (i, r) in rows.iter().enumerate() {
        let cell = r.replace('"', "\"\"");
        csv.extend_from_slice(
            format!("\"{cell}\",2026-03-11T09:{i:02}:00Z,Event Recorded,\"=cmd|' /C calc'!A0\"\n")
                .as_bytes(),
        );
    }
    // A byte that is not UTF-8.
    csv.extend_from_slice(b"bad \xff byte,2026-03-11T09:59:00Z,Event Recorded,x\n");
    csv
}

fn no_controls(what: &str, text: &str) {
    let bad: Vec<String> = text
        .chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                || ('\u{202a}'..='\u{202e}').contains(c)
        })
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}");
}

#[test]
fn hostile_rows_go_through_import_render_report_and_export_inert() {
    let mut store = Store::open_in_memory("tester").unwrap();
    let incident = store
        .create_incident(&NewIncident::new("IR-H", "Hostile logs").unwrap())
        .unwrap();
    let mut rows = import::open(
        Box::new(std::io::Cursor::new(hostile_csv())),
        ImportFormat::Auto,
        &[],
        TimeOptions::default(),
    )
    .unwrap();
    let run = ImportRun {
        file: "hostile.csv".into(),
        format: "timesketch-csv".into(),
        ..Default::default()
    };
    let o = store
        .import_rows(&incident.id, &mut rows, &run, &mut |_| {}, &|| {
            String::new()
        })
        .unwrap();
    assert_eq!((o.imported, o.bad), (7, 0));
    assert_eq!(rows.lossy_rows, 1);

    // The report in every format.
    let md = render_report(
        &store,
        &incident,
        ReportFormat::Markdown,
        TimelineScope::Full,
        None,
    )
    .unwrap();
    no_controls("the Markdown report", &md);
    assert!(
        md.contains("␛]0;pwned␇␛\\[2J"),
        "escape sequences shown inert"
    );
    let html = render_report(
        &store,
        &incident,
        ReportFormat::Html,
        TimelineScope::Full,
        None,
    )
    .unwrap();
    no_controls("the HTML report", &html);
    assert!(!html.contains("<script"));
    assert!(
        html.contains("&lt;U+202E&gt;fdp.exe"),
        "bidi override shown, not obeyed"
    );

    // The exports: formula cells neutralised; text kept for the tools that read them.
    for format in [ExportFormat::TimesketchCsv, ExportFormat::IrisCsv] {
        let mut out = Vec::new();
        export(&store, &incident.id, format, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '@']),
                    "{format:?}: live formula {cell:?}"
                );
            }
        }
    }

    // The workbench: every hostile row selected in turn, its detail pane on screen.
    let mut h = Harness::with_store(store, 120, 40, false);
    h.keys("<enter>");
    for _ in 0..7 {
        let screen = h.screen();
        no_controls("the rendered screen", &screen);
        let buffer = h.terminal.backend().buffer().clone();
        for cell in buffer.content() {
            no_controls("a rendered cell", cell.symbol());
        }
        h.keys("j");
    }
    let screen = h.screen();
    assert!(screen.contains("bad \u{fffd} byte"), "{screen}");
}
