//! Exports checked by the rules of the tools that read them, and those tools' own files
//! read by `import`: DFIR-IRIS's upload route (`case_events_upload_csv` in iris-web),
//! IRIS's timeline page export, Timesketch's CSV reader (pandas), Plaso storage files.

mod common;

use chrono::{DateTime, NaiveDateTime};
use common::*;
use debrief::io::export::{IRIS_CATEGORIES, is_line_break};
use std::collections::HashMap;

/// The columns IRIS's upload route requires in the first row.
const IRIS_REQUIRED: [&str; 10] = [
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

/// What IRIS's route does with an uploaded file, step by step, as far as it depends on the
/// file alone (the case it goes into has no assets or IOCs yet). Returns the rows it
/// would create, or the error IRIS would answer with.
fn iris_upload(csv_text: &str) -> Result<Vec<HashMap<String, String>>, String> {
    // `jsdata["CSVData"].splitlines()`, then `csv.DictReader(lines)`: Python's reader
    // glues a quoted cell split over two lines with nothing between them, so a cell with a
    // line break comes out changed. Here the file must read as one record per line.
    let mut lines: Vec<&str> = Vec::new();
    let mut rest = csv_text;
    while !rest.is_empty() {
        match rest.find(is_line_break) {
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") {
                    2
                } else {
                    rest[i..].chars().next().unwrap().len_utf8()
                };
                rest = &rest[i + skip..];
            }
            None => {
                lines.push(rest);
                rest = "";
            }
        }
    }
    let mut header: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = r
            .records()
            .next()
            .ok_or_else(|| format!("line {n}: empty"))?
            .map_err(|e| format!("line {n} is not a whole CSV record by itself: {e}"))?;
        if n == 0 {
            header = rec.iter().map(str::to_string).collect();
            continue;
        }
        if rec.len() != header.len() {
            return Err(format!(
                "line {n}: a cell spans lines ({} cells)",
                rec.len()
            ));
        }
        rows.push(
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect::<HashMap<_, _>>(),
        );
    }
    let missing: Vec<&str> = IRIS_REQUIRED
        .iter()
        .copied()
        .filter(|f| !header.iter().any(|h| h == f))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "Bad SCV Fields Mapping. Fields missing: {missing:?}"
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let line = i + 1;
        let title = &row["event_title"];
        // `if len(event_title) == 0`, then the schema's `Length(min=2)`.
        if title.chars().count() < 2 {
            return Err(format!("row {line}: event title {title:?} too short"));
        }
        // Each asset (`;`) and IOC (`|`) must exist in the case: an empty case has none.
        if row["event_assets"].split(';').any(|a| !a.is_empty()) {
            return Err(format!("row {line}: Asset not recognized"));
        }
        if row["event_iocs"].split('|').any(|a| !a.is_empty()) {
            return Err(format!("row {line}: IoC not recognized"));
        }
        // `get_category_by_name`: an exact match, or the upload stops.
        let category = &row["event_category"];
        if !category.is_empty() && !IRIS_CATEGORIES.contains(&category.as_str()) {
            return Err(format!(
                "row {line}: event_category not recognized: {category:?}"
            ));
        }
        // The schema: `fields.DateTime("%Y-%m-%dT%H:%M:%S.%f")`, then
        // `isoparse(event_date + event_tz)`.
        let date = &row["event_date"];
        let (whole, fraction) = date
            .split_once('.')
            .ok_or_else(|| format!("row {line}: {date:?} has no .%f"))?;
        NaiveDateTime::parse_from_str(whole, "%Y-%m-%dT%H:%M:%S")
            .map_err(|e| format!("row {line}: {date:?}: {e}"))?;
        if fraction.is_empty()
            || fraction.len() > 6
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return Err(format!("row {line}: {date:?} does not match %f"));
        }
        let tz = &row["event_tz"];
        DateTime::parse_from_str(&format!("{date}{tz}"), "%Y-%m-%dT%H:%M:%S%.f%:z")
            .map_err(|e| format!("row {line}: {date}{tz} is not ISO 8601: {e}"))?;
    }
    Ok(rows)
}

#[test]
fn the_iris_export_of_the_demo_passes_iris_upload_rules() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    // The awkward ones: several lines, one character, a phase IRIS has no category for,
    // a technique whose tactic IRIS has, a line separator IRIS's splitlines() breaks at.
    for args in [
        &[
            "--text",
            "First line\nsecond line\r\nthird",
            "--phase",
            "detection",
        ][..],
        &["--text", "x"][..],
        &[
            "--text",
            "Moved to the file server",
            "--technique",
            "T1021.001",
        ][..],
        &["--text", "A\u{2028}B", "--phase", "containment"][..],
    ] {
        ok(debrief(d)
            .args(["event", "add", "IR-2026-014", "--at", "2026-03-11 12:00"])
            .args(args));
    }
    ok(debrief(d).args([
        "export",
        "IR-2026-014",
        "--format",
        "iris-csv",
        "-o",
        "i.csv",
    ]));
    let text = std::fs::read_to_string(d.join("i.csv")).unwrap();
    let rows = iris_upload(&text).unwrap_or_else(|e| panic!("IRIS refuses it: {e}\n{text}"));
    assert_eq!(rows.len(), 51, "every event is a row");
    let by_title = |t: &str| {
        rows.iter()
            .find(|r| r["event_title"] == t)
            .unwrap_or_else(|| panic!("no title {t:?}"))
    };
    let multi = by_title("First line …");
    assert_eq!(multi["event_content"], "First line - second line - third");
    assert_eq!(multi["event_category"], "Unspecified");
    assert!(multi["event_tags"].split('|').any(|t| t == "detection"));
    assert_eq!(by_title("x.")["event_content"], "x");
    let lateral = by_title("Moved to the file server");
    assert_eq!(lateral["event_category"], "Lateral Movement");
    assert!(lateral["event_content"].contains("ATT&CK: T1021.001"));
    assert_eq!(by_title("A …")["event_category"], "Remediation");
    let categories: Vec<&str> = rows.iter().map(|r| r["event_category"].as_str()).collect();
    assert!(categories.contains(&"Initial Access"), "{categories:?}");
    assert!(
        !categories
            .iter()
            .any(|c| c.chars().next().unwrap().is_lowercase())
    );
    // The first demo event keeps its offset and its microseconds.
    assert!(rows[0]["event_date"].ends_with(".000000"), "{:?}", rows[0]);
}

#[test]
fn the_iris_rules_refuse_what_iris_refuses() {
    let head = IRIS_REQUIRED.join(",");
    let ok_row = "2026-03-11T10:00:00.000000,+01:00,Title,Impact,,,,,,";
    assert!(iris_upload(&format!("{head}\n{ok_row}\n")).is_ok());
    for bad in [
        "2026-03-11T10:00:00.000000,+01:00,Title,impact,,,,,,",
        "2026-03-11T10:00:00,+01:00,Title,Impact,,,,,,",
        "2026-03-11T10:00:00.000000,+01:00,\"Two\nlines\",Impact,,,,,,",
        "2026-03-11T10:00:00.000000,+01:00,T,Impact,,,,,,",
        "2026-03-11T10:00:00.000000,+01:00,Title,Impact,,,,host-1,,",
    ] {
        assert!(iris_upload(&format!("{head}\n{bad}\n")).is_err(), "{bad}");
    }
    assert!(iris_upload("event_date,event_title\n2026-03-11T10:00:00.0,Title\n").is_err());
}

/// IRIS's timeline page export ("Export as CSV with user info"), as its JavaScript
/// writes it: every cell quoted, the content's lines joined with ` - `, assets and IOCs
/// each followed by `;`.
const IRIS_UI_EXPORT: &str = "\
event_date(UTC),event_title,event_description,event_tz,event_date_wtz,event_category,event_tags,linked_assets,linked_iocs,created_by,creation_date
\"2026-03-11T09:19:44.000000\",\"SIEM alert 88213 impossible travel\",\"Zaragoza to Ashburn - 38 min\",\"+01:00\",\"2026-03-11T10:19:44.000000\",\"Initial Access\",\"alert,identity\",\"NWL-LT-0412;EXO;\",\"203.0.113.45;\",\"analyst\",\"2026-03-12T08:00:00.000000\"
\"2026-03-11T12:10:14.500000\",\"Service principal disabled\",\"\",\"+01:00\",\"2026-03-11T13:10:14.500000\",\"Remediation\",\"\",\"\",\"\",\"analyst\",\"2026-03-12T08:01:00.000000\"
";

#[test]
fn iris_timeline_page_export_is_detected_and_imported() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    std::fs::write(d.join("iris_timeline.csv"), IRIS_UI_EXPORT).unwrap();
    let out = ok(debrief(d).args(["import", "IR-1", "iris_timeline.csv"]));
    assert!(out.contains("DFIR-IRIS timeline export"), "{out}");
    assert!(out.contains("imported 2 events"), "{out}");
    let list = json(debrief(d).args(["event", "list", "IR-1", "--json"]));
    let e = &list[0];
    assert_eq!(e["at"], "2026-03-11T09:19:44Z");
    assert_eq!(e["at_original"], "2026-03-11T10:19:44+01:00");
    assert_eq!(e["text"], "SIEM alert 88213 impossible travel");
    assert_eq!(e["phase"], "initial-access");
    assert_eq!(e["tags"], serde_json::json!(["alert", "identity"]));
    assert_eq!(
        e["attrs"]["event_description"],
        "Zaragoza to Ashburn - 38 min"
    );
    assert_eq!(e["attrs"]["linked_assets"], "NWL-LT-0412;EXO;");
    assert_eq!(e["attrs"]["created_by"], "analyst");
    assert_eq!(list[1]["at"], "2026-03-11T12:10:14.500Z");
    // And back out to IRIS: the upload rules hold, the assets are named in the content.
    ok(debrief(d).args(["export", "IR-1", "--format", "iris-csv", "-o", "back.csv"]));
    let back = std::fs::read_to_string(d.join("back.csv")).unwrap();
    let rows = iris_upload(&back).unwrap();
    assert_eq!(rows[0]["event_category"], "Initial Access");
    assert!(rows[0]["event_content"].contains("Assets: NWL-LT-0412;EXO;"));
    assert_eq!(rows[1]["event_category"], "Remediation");
}

#[test]
fn the_timesketch_csv_has_no_empty_tag_cell() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    ok(debrief(d)
        .args(["event", "add", "IR-2026-014", "--at", "2026-03-11 12:00"])
        .args(["--text", "No tag on this one"]));
    ok(debrief(d).args([
        "export",
        "IR-2026-014",
        "--format",
        "timesketch-csv",
        "-o",
        "t.csv",
    ]));
    let mut r = csv::Reader::from_path(d.join("t.csv")).unwrap();
    let tag = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "tag")
        .unwrap();
    let mut untagged = 0;
    for rec in r.records() {
        let cell = rec.unwrap()[tag].to_string();
        let list: Vec<String> = serde_json::from_str(&cell)
            .unwrap_or_else(|e| panic!("tag cell {cell:?} is not a JSON list: {e}"));
        untagged += usize::from(list.is_empty());
    }
    assert!(untagged > 0, "the untagged event is written as []");
}

#[test]
fn a_plaso_storage_file_or_other_binary_gets_the_psort_hint() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    // A storage file as Plaso writes it: SQLite, tables named after its containers.
    let plaso = d.join("case.plaso");
    let c = rusqlite::Connection::open(&plaso).unwrap();
    c.execute_batch(
        "CREATE TABLE metadata (key TEXT, value TEXT);
         INSERT INTO metadata VALUES ('format_version', '20230327');
         CREATE TABLE event_data_stream (_identifier INTEGER PRIMARY KEY, _data TEXT);
         CREATE TABLE event_source (_identifier INTEGER PRIMARY KEY, _data TEXT);
         CREATE TABLE event (_identifier INTEGER PRIMARY KEY, _timestamp BIGINT, _data TEXT);",
    )
    .unwrap();
    drop(c);
    let err = fail(debrief(d).args(["import", "IR-1", "case.plaso"]));
    assert!(err.contains("a Plaso storage file"), "{err}");
    assert!(err.contains("psort.py -o dynamic -w timeline.csv"), "{err}");
    assert!(err.lines().count() <= 2, "no binary header printed: {err}");
    std::fs::write(d.join("blob.bin"), b"MZ\x90\x00\x03\x00\x00\x00\x04\x00").unwrap();
    let err = fail(debrief(d).args(["import", "IR-1", "blob.bin"]));
    assert!(
        err.contains("a binary file") && err.contains("psort.py"),
        "{err}"
    );
    let other = d.join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = fail(debrief(d).args(["import", "IR-1", "other.db"]));
    assert!(err.contains("an SQLite database"), "{err}");
    assert_eq!(count(&db_path(d), "events"), 0);
}

#[test]
fn the_actions_csv_is_shaped_for_jira_and_leaves_out_what_needs_no_ticket() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let add = |title: &str, extra: &[&str]| {
        new_id(
            debrief(d)
                .args(["action", "add", "IR-1", "--title", title])
                .args(extra),
        )
    };
    add(
        "Patch monthly",
        &[
            "--owner",
            "J. Alonso",
            "--priority",
            "P0",
            "--due",
            "2027-01-31",
        ],
    );
    add(
        "Already tracked",
        &[
            "--owner",
            "Sec team",
            "--ticket",
            "SEC-1",
            "--priority",
            "P3",
        ],
    );
    let rejected = add(
        "Not doing this",
        &["--owner", "Sec team", "--group", "Network team"],
    );
    ok(debrief(d)
        .args(["action", "update", &rejected, "--status", "rejected"])
        .args(["--note", "out of scope"]));
    ok(debrief(d).args(["owner", "contact", "J. Alonso", "j.alonso@example.org"]));
    ok(debrief(d).args(["export", "IR-1", "--format", "actions-csv", "-o", "a.csv"]));
    let mut r = csv::Reader::from_path(d.join("a.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "Summary",
        "Issue Type",
        "Assignee",
        "Priority",
        "Due Date",
        "Labels",
    ] {
        assert!(header.contains(&col.to_string()), "{header:?}");
    }
    assert!(
        header.iter().filter(|h| *h == "Labels").count() >= 3,
        "{header:?}"
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "rejected and ticketed actions are left out");
    let cell = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(cell("Summary"), "Patch monthly");
    assert_eq!(cell("Issue Type"), "Task");
    assert_eq!(cell("Assignee"), "j.alonso@example.org");
    assert_eq!(cell("Priority"), "Highest");
    assert_eq!(cell("Due Date"), "31/Jan/27 12:00 AM");
    let labels: Vec<&str> = header
        .iter()
        .zip(rows[0].iter())
        .filter(|(h, v)| *h == "Labels" && !v.is_empty())
        .map(|(_, v)| v)
        .collect();
    assert_eq!(labels, ["postmortem", "IR-1", "change-request"]);
    ok(debrief(d).args([
        "export",
        "IR-1",
        "--format",
        "actions-csv",
        "--all",
        "-o",
        "b.csv",
    ]));
    let all = csv::Reader::from_path(d.join("b.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(all, 3, "--all keeps them");
    let help = ok(debrief(d).args(["export", "--help"]));
    assert!(
        help.contains("actions-csv") && help.contains("possible values"),
        "{help}"
    );
}

#[test]
fn import_reads_standard_input_given_as_a_dash() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let out = ok(debrief(d)
        .args(["import", "IR-1", "-"])
        .write_stdin(IRIS_UI_EXPORT));
    assert!(out.contains("imported 2 events"), "{out}");
    let err = usage_or_fail(debrief(d).args(["import", "IR-1", "-", "--skip-bad"]));
    assert!(err.contains("not - (stdin)"), "{err}");
}

fn usage_or_fail(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}
