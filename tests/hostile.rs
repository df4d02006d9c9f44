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
        export(&store, &incident.id, format, true, &mut out).unwrap();
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

// ---------------------------------------------------------------------------------------
// The command line: stored values with escapes (as a bundle or another tool may have
// left them) print inert, JSON stays the same JSON, export is inert on a terminal
// ---------------------------------------------------------------------------------------

mod common;

const DEMO: &str = "IR-2026-014";

/// Nothing that could drive a terminal: C0 controls but newline and tab, C1, bidi.
fn terminal_safe(what: &str, text: &str) {
    for c in text.chars() {
        let control = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{61c}');
        assert!(!control, "{what} printed {:?} raw: {text:?}", c);
    }
}

/// The demo, with escape sequences written straight into ids, hashes, techniques, tags,
/// names and the history, the way a database filled by an older bundle could hold them.
fn poisoned_demo(d: &std::path::Path) {
    common::ok(common::debrief(d).arg("demo"));
    let conn = rusqlite::Connection::open(common::db_path(d)).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE actions SET id = id || char(27) || ']0;pwned' || char(7)
             WHERE rowid = (SELECT min(rowid) FROM actions);
         UPDATE evidence SET sha256 = char(27) || '[2J' || char(155) || '31m' || char(8238) || 'abc';
         UPDATE events SET technique = 'T1078' || char(27) || '[31m', tags = 'x' || char(27) || '[1m'
             WHERE seq = (SELECT min(seq) FROM events);
         UPDATE owners SET name = name || char(27) || ']8;;http://evil.example' || char(7);
         UPDATE history SET entity_id = entity_id || char(27) || '[2J',
             new = coalesce(new, '') || char(133) || char(8238);",
    )
    .unwrap();
}

#[test]
fn cli_lists_print_stored_escapes_inert() {
    let dir = common::tmp();
    let d = dir.path();
    poisoned_demo(d);
    for args in [
        &["backlog"][..],
        &["history"],
        &["history", DEMO],
        &["event", "list", DEMO],
        &["evidence", "list", DEMO],
        &["owner", "list"],
        &["report", DEMO],
    ] {
        let out = common::debrief(d).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.is_empty() || !out.status.success(), "{args:?}");
        terminal_safe(&format!("{args:?}"), &text);
        terminal_safe(
            &format!("{args:?} (stderr)"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
}

#[test]
fn cli_json_escapes_c1_and_bidi_and_stays_the_same_json() {
    let dir = common::tmp();
    let d = dir.path();
    poisoned_demo(d);
    for args in [
        &["history", "--json"][..],
        &["event", "list", DEMO, "--json"],
        &["evidence", "list", DEMO, "--json"],
        &["backlog", "--json"],
        &["report", DEMO, "--format", "json"],
        &["bundle", "export", DEMO],
    ] {
        let out = common::debrief(d).args(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        terminal_safe(&format!("{args:?}"), &text);
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?} is not JSON ({e})"));
        assert!(value.is_object() || value.is_array());
    }
    // The escapes are still in the data, as \u escapes.
    let evidence = common::ok(common::debrief(d).args(["evidence", "list", DEMO, "--json"]));
    assert!(
        evidence.contains("\\u001b[2J\\u009b31m\\u202eabc"),
        "{evidence}"
    );
    let v: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    assert_eq!(v[0]["sha256"], "\u{1b}[2J\u{9b}31m\u{202e}abc");
}

#[test]
fn export_is_inert_on_a_terminal_and_exact_into_a_pipe() {
    use clap::Parser;
    let dir = common::tmp();
    let d = dir.path();
    poisoned_demo(d);
    let conn = rusqlite::Connection::open(common::db_path(d)).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.execute(
        "UPDATE events SET text = 'osc ' || char(27) || ']0;pwned' || char(7) WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let run = |terminal: bool| {
        let mut store = Store::open(&common::db_path(d), "tester").unwrap();
        let cli = debrief::cli::Cli::try_parse_from([
            "debrief",
            "export",
            DEMO,
            "--format",
            "timesketch-csv",
        ])
        .unwrap();
        let mut out = Vec::new();
        debrief::commands::execute_on(&mut store, cli.command.unwrap(), &mut out, terminal)
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    let shown = run(true);
    terminal_safe("export on a terminal", &shown);
    assert!(shown.contains("osc ␛]0;pwned␇"), "{shown}");
    let piped = run(false);
    assert!(
        piped.contains("osc \u{1b}]0;pwned\u{7}"),
        "the data itself, into a pipe"
    );
}

#[test]
fn typed_dates_past_the_calendar_are_refused_not_a_panic() {
    let dir = common::tmp();
    let d = dir.path();
    common::ok(common::debrief(d).arg("demo"));
    for args in [
        &["owner", "list", "--today", "+262142-12-31"][..],
        &["backlog", "--today", "+262142-12-31"],
        &[
            "action",
            "add",
            DEMO,
            "--title",
            "t",
            "--owner",
            "o",
            "--due",
            "+262142-12-31",
        ],
    ] {
        let e = common::fail(common::debrief(d).args(args));
        assert!(
            e.contains("YYYY-MM-DD (years 0001 to 9999)"),
            "{args:?}: {e}"
        );
    }
}

#[test]
fn stored_values_out_of_every_range_never_panic_a_reader() {
    let dir = common::tmp();
    let d = dir.path();
    common::ok(common::debrief(d).arg("demo"));
    let conn = rusqlite::Connection::open(common::db_path(d)).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE events SET at_us = 8210266876799999999, at_offset = 50000 WHERE seq = 1;
         UPDATE events SET at_us = -8210298412800000000, at_offset = -50000 WHERE seq = 2;
         UPDATE events SET at_offset = 2147483647 WHERE seq = 3;
         UPDATE events SET at_offset = 9223372036854775807 WHERE seq = 4;
         UPDATE events SET at_us = 9223372036854775807 WHERE seq = 5;
         UPDATE evidence SET sha256 = 'aaaaaaaaaaaaaaaé';
         UPDATE actions SET id = id || 'é' WHERE rowid = (SELECT min(rowid) FROM actions);",
    )
    .unwrap();
    drop(conn);
    for args in [
        &["incident", "list"][..],
        &["event", "list", DEMO],
        &["evidence", "list", DEMO],
        &["backlog"],
        &["report", DEMO],
        &["report", DEMO, "--format", "json"],
        &["export", DEMO, "--format", "timesketch-csv"],
        &["export", DEMO, "--format", "iris-csv"],
        &["bundle", "export", DEMO],
    ] {
        let out = common::debrief(d).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}
