//! The command line for timeline imports, end to end: `debrief import` of Timesketch CSV
//! and JSONL, Plaso l2tcsv and dynamic CSV, DFIR-IRIS timeline CSV and any CSV through
//! `--map`, run as separate processes against a database in a temporary folder.
//!
//! The fixtures are small, real-shaped files written into the temporary folder; debrief
//! runs there, so the files are named relatively and messages name them the same way.
//! What is checked: the format line and the summary on stdout, the events as
//! `event list --json` prints them, the one history entry of an import, and the awkward
//! files: quoted newlines, a BOM, CRLF, a byte that is not UTF-8, an empty file, a header
//! alone, a missing column, bad rows (all or nothing, or `--skip-bad` with a rejects file
//! beside the input), `--dry-run`, re-imports and numeric timestamps.

use serde_json::Value;
use std::fs;
use std::path::Path;

mod common;
use common::*;

const KEY: &str = "IR-1";

/// A temporary folder with the incident IR-1 in its database.
fn setup() -> tempfile::TempDir {
    let dir = tmp();
    new_incident(dir.path(), KEY);
    dir
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    fs::write(dir.join(name), content).unwrap();
}

/// `debrief import IR-1 FILE ARGS...`.
fn import(dir: &Path, file: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = debrief(dir);
    cmd.args(["import", KEY, file]).args(args);
    cmd
}

fn array(v: Value) -> Vec<Value> {
    v.as_array().expect("an array").clone()
}

fn events(dir: &Path) -> Vec<Value> {
    array(json(debrief(dir).args(["event", "list", KEY, "--json"])))
}

/// The texts of the events whose text, source, tags or attributes hold `words`.
fn search(dir: &Path, words: &str) -> Vec<String> {
    array(json(
        debrief(dir).args(["event", "list", KEY, "--json", "--search", words]),
    ))
    .iter()
    .map(|e| e["text"].as_str().unwrap().to_string())
    .collect()
}

fn by_text<'a>(events: &'a [Value], text: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["text"] == text)
        .unwrap_or_else(|| panic!("no event {text:?} in {events:?}"))
}

/// The history entries of IR-1's imports, newest first, with `new` parsed.
fn imports(dir: &Path) -> Vec<Value> {
    array(json(debrief(dir).args(["history", KEY, "--json"])))
        .into_iter()
        .filter(|h| h["entity"] == "import")
        .map(|h| serde_json::from_str(h["new"].as_str().unwrap()).unwrap())
        .collect()
}

/// The summary (last) line of an import's stdout, its duration (which varies) as `S`.
fn summary(stdout: &str) -> String {
    let last = stdout.lines().last().expect("a summary line");
    let (head, rest) = last
        .split_once(") in ")
        .unwrap_or_else(|| panic!("no duration in {last:?}"));
    let (secs, tail) = rest
        .split_once(" s")
        .unwrap_or_else(|| panic!("no duration in {last:?}"));
    assert!(secs.parse::<f64>().is_ok(), "{last:?}");
    format!("{head}) in S s{tail}")
}

/// Runs an import that must be refused with exit 1 after listing its bad rows; returns
/// stdout and the lines of stderr (the last one the "debrief: " error).
fn refused(cmd: &mut assert_cmd::Command) -> (String, Vec<String>) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    let lines: Vec<String> = stderr.lines().map(str::to_string).collect();
    assert!(
        lines.last().is_some_and(|l| l.starts_with("debrief: ")),
        "{stderr:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("debrief: ")).count(),
        1,
        "{stderr:?}"
    );
    assert!(
        !stdout.contains("events into"),
        "a summary on stdout: {stdout}"
    );
    (stdout, lines)
}

/// Nothing is in IR-1 and no import was recorded.
fn assert_nothing_imported(dir: &Path) {
    assert_eq!(events(dir), Vec::<Value>::new());
    assert_eq!(imports(dir), Vec::<Value>::new());
}

const TIMESKETCH_CSV: &str = "\
message,timestamp,datetime,timestamp_desc,extra_field_1,tag
\"Sign-in to Exchange Online from 203.0.113.45, MFA satisfied by token\",1773220784000000,2026-03-11T09:19:44+00:00,Event Recorded,user=m.ruiz,\"[\"\"aitm\"\",\"\"token replay\"\"]\"
Inbox rule created on the mailbox,1773220900000000,2026-03-11T09:21:40+00:00,Creation Time,,
";

/// Timesketch CSV with one row whose time is not a time, on line 3.
const BAD_ON_LINE_3: &str = "\
message,datetime,timestamp_desc
Token issued to the attacker,2026-03-11T09:19:44Z,Event Recorded
Mailbox rule created,11 March,Event Recorded
Forwarding to an external address,2026-03-11T09:25:00Z,Event Recorded
";

const BAD_TIME: &str = "expected RFC 3339";

#[test]
fn timesketch_csv_is_detected_and_keeps_other_columns_as_searchable_attributes() {
    let dir = setup();
    let d = dir.path();
    write(d, "ts.csv", TIMESKETCH_CSV);
    let out = ok(&mut import(d, "ts.csv", &[]));
    assert_eq!(
        out.lines().next(),
        Some("ts.csv: Timesketch CSV (detected from the header)")
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    assert_eq!(out.lines().count(), 2, "{out}");

    let list = events(d);
    assert_eq!(list.len(), 2);
    let e = &list[0];
    assert_eq!(
        e["text"],
        "Sign-in to Exchange Online from 203.0.113.45, MFA satisfied by token"
    );
    assert_eq!(e["at"], "2026-03-11T09:19:44Z");
    assert_eq!(e["tags"], serde_json::json!(["aitm", "token-replay"]));
    assert_eq!(
        e["attrs"],
        serde_json::json!({"timestamp_desc": "Event Recorded", "extra_field_1": "user=m.ruiz"})
    );
    assert_eq!(list[1]["at"], "2026-03-11T09:21:40Z");
    assert_eq!(
        list[1]["attrs"],
        serde_json::json!({"timestamp_desc": "Creation Time"}),
        "empty cells are not kept"
    );

    // The attributes are searched with the text.
    assert_eq!(
        search(d, "m.ruiz"),
        ["Sign-in to Exchange Online from 203.0.113.45, MFA satisfied by token"]
    );
    assert_eq!(search(d, "Creation"), ["Inbox rule created on the mailbox"]);

    // One history entry for the whole import, with its counts.
    let recorded = imports(d);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0]["file"], "ts.csv");
    assert_eq!(recorded[0]["format"], "timesketch-csv");
    assert_eq!(recorded[0]["rows"], 2);
    assert_eq!(recorded[0]["imported"], 2);
    assert_eq!(recorded[0]["skipped"], 0);
}

#[test]
fn timesketch_jsonl_reads_one_object_per_line() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "ts.jsonl",
        "{\"message\": \"Mailbox export started\", \"timestamp\": 1773220784000000, \"timestamp_desc\": \"Event Recorded\", \"host\": \"exo-prod-01\"}\n\
         \n\
         {\"message\": \"Mailbox export finished\", \"timestamp\": 1773224384000000, \"timestamp_desc\": \"Event Recorded\", \"tag\": [\"exfiltration\"]}\n",
    );
    let out = ok(&mut import(d, "ts.jsonl", &[]));
    assert_eq!(
        out,
        format!(
            "ts.jsonl: Timesketch JSONL (detected from the header)\n\
             numeric timestamps read as microseconds since 1970\n\
             {}\n",
            out.lines().last().unwrap()
        )
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    let started = by_text(&list, "Mailbox export started");
    assert_eq!(started["at"], "2026-03-11T09:19:44Z");
    assert_eq!(started["attrs"]["host"], "exo-prod-01");
    assert_eq!(started["attrs"]["timestamp_desc"], "Event Recorded");
    let finished = by_text(&list, "Mailbox export finished");
    assert_eq!(finished["at"], "2026-03-11T10:19:44Z");
    assert_eq!(
        finished["tags"],
        serde_json::json!(["exfiltration"]),
        "a key the first object lacked is read too"
    );
    assert_eq!(search(d, "exo"), ["Mailbox export started"]);
}

#[test]
fn plaso_l2tcsv_combines_date_time_and_the_rows_zone() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "plaso.csv",
        "\
date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra
03/10/2026,08:52:40,UTC,M...,WEBHIST,Chrome History,Last Visited Time,m.ruiz,NWL-LT-0412,login.nwl-sharepoint.example.net,Visited https://login.nwl-sharepoint.example.net/common/login (Microsoft sign-in),2,/Users/mruiz/Library/Chrome/History,-,-,sqlite/chrome_27_history,visit_type: 1
03/10/2026,09:05:12,Europe/Madrid,..C.,EVT,WinEVTX,Content Modification Time,-,NWL-LT-0412,Event 4624,An account was successfully logged on,2,C:/Windows/System32/winevt/Logs/Security.evtx,-,-,winevtx,-
",
    );
    let out = ok(&mut import(d, "plaso.csv", &[]));
    assert_eq!(
        out.lines().next(),
        Some("plaso.csv: Plaso l2tcsv (detected from the header)")
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    let visit = by_text(
        &list,
        "Visited https://login.nwl-sharepoint.example.net/common/login (Microsoft sign-in)",
    );
    assert_eq!(visit["at"], "2026-03-10T08:52:40Z");
    assert_eq!(visit["actor"], "m.ruiz");
    assert_eq!(visit["source"], "Chrome History");
    assert_eq!(visit["attrs"]["MACB"], "M...");
    assert_eq!(visit["attrs"]["extra"], "visit_type: 1");
    let logon = by_text(&list, "An account was successfully logged on");
    assert_eq!(logon["at"], "2026-03-10T08:05:12Z", "in the row's zone");
    assert_eq!(logon["at_original"], "2026-03-10T09:05:12+01:00");
    assert_eq!(logon["actor"], Value::Null, "'-' is empty in Plaso");
    let attrs = logon["attrs"].as_object().unwrap();
    assert!(attrs.values().all(|v| v != "-"), "{attrs:?}");
    assert!(!attrs.contains_key("inode"), "{attrs:?}");
    assert_eq!(attrs["short"], "Event 4624");
}

#[test]
fn plaso_dynamic_csv_given_with_format() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "dynamic.csv",
        "\
datetime,timestamp_desc,source,source_long,message,parser,display_name,tag
2026-03-10T09:58:03.000000+00:00,Creation Time,LOG,Azure AD audit,Consent to application Mail Sync Pro,jsonl/azure_activity,AuditLogs.json,-
",
    );
    let out = ok(&mut import(
        d,
        "dynamic.csv",
        &["--format", "plaso-dynamic"],
    ));
    assert_eq!(
        out.lines().next(),
        Some("dynamic.csv: Plaso dynamic CSV"),
        "a given format is not said to be detected"
    );
    let list = events(d);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["text"], "Consent to application Mail Sync Pro");
    assert_eq!(list[0]["at"], "2026-03-10T09:58:03Z");
    assert_eq!(list[0]["source"], "Azure AD audit");
    assert_eq!(list[0]["tags"], serde_json::json!([]));
    assert_eq!(list[0]["attrs"]["parser"], "jsonl/azure_activity");
}

#[test]
fn iris_csv_category_sets_the_phase_and_tags_split_on_bars() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "iris.csv",
        "\
event_date,event_tz,event_title,event_category,event_content,event_raw,event_source,event_assets,event_iocs,event_tags
2026-03-11T10:19:44.000,+01:00,SIEM alert 88213 impossible travel,Detection,Zaragoza to Ashburn in 38 min,{},SIEM,NWL-LT-0412;EXO,203.0.113.45|login.nwl-sharepoint.example.net,alert|identity
2026-03-11T13:10:14.000,+01:00,Service principal disabled,Lateral Movement,,,IR notes,,,containment
",
    );
    let out = ok(&mut import(d, "iris.csv", &[]));
    assert_eq!(
        out.lines().next(),
        Some("iris.csv: DFIR-IRIS timeline CSV (detected from the header)")
    );
    let list = events(d);
    let alert = by_text(&list, "SIEM alert 88213 impossible travel");
    assert_eq!(alert["at"], "2026-03-11T09:19:44Z");
    assert_eq!(alert["at_original"], "2026-03-11T10:19:44+01:00");
    assert_eq!(alert["phase"], "detection");
    assert_eq!(alert["tags"], serde_json::json!(["alert", "identity"]));
    assert_eq!(alert["source"], "SIEM");
    assert_eq!(alert["attrs"]["event_category"], "Detection");
    assert_eq!(alert["attrs"]["event_assets"], "NWL-LT-0412;EXO");
    assert_eq!(
        alert["attrs"]["event_iocs"],
        "203.0.113.45|login.nwl-sharepoint.example.net"
    );
    let disabled = by_text(&list, "Service principal disabled");
    assert_eq!(
        disabled["phase"],
        Value::Null,
        "a category that is no phase"
    );
    assert_eq!(disabled["attrs"]["event_category"], "Lateral Movement");
    assert_eq!(disabled["tags"], serde_json::json!(["containment"]));
    assert_eq!(search(d, "Ashburn"), ["SIEM alert 88213 impossible travel"]);
}

#[test]
fn mapped_csv_in_a_zone_is_dst_correct_and_keeps_the_offset() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "notes.csv",
        "Time,Event,Host\n\
         2026-03-11 10:19:44,SIEM alert raised,siem-01\n\
         2026-07-11 10:19:44,Summer follow-up review,siem-01\n",
    );
    let out = ok(&mut import(
        d,
        "notes.csv",
        &[
            "--map",
            "Time=at",
            "--map",
            "Event=text",
            "--tz",
            "Europe/Madrid",
        ],
    ));
    assert_eq!(
        out.lines().next(),
        Some("notes.csv: CSV with mapped columns (detected from the header)")
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    let winter = by_text(&list, "SIEM alert raised");
    assert_eq!(winter["at"], "2026-03-11T09:19:44Z", "CET is UTC+1");
    assert_eq!(winter["at_original"], "2026-03-11T10:19:44+01:00");
    let summer = by_text(&list, "Summer follow-up review");
    assert_eq!(summer["at"], "2026-07-11T08:19:44Z", "CEST is UTC+2");
    assert_eq!(summer["at_original"], "2026-07-11T10:19:44+02:00");
    assert_eq!(
        summer["attrs"],
        serde_json::json!({"Host": "siem-01"}),
        "unmapped columns are attributes"
    );
}

#[test]
fn a_naive_time_without_tz_is_refused_naming_the_line_and_tz() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "notes.csv",
        "Time,Event\n2026-03-11T10:19:44+01:00,With an offset\n2026-03-11 10:25:00,Without one\n",
    );
    let (_, lines) = refused(&mut import(
        d,
        "notes.csv",
        &["--map", "Time=at", "--map", "Event=text"],
    ));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "notes.csv: line 3, column \"Time\": \"2026-03-11 10:25:00\" has no offset"
        ),
        "{lines:?}"
    );
    assert!(lines[0].contains("--tz"), "{lines:?}");
    assert_eq!(
        lines[1],
        "debrief: notes.csv: nothing imported: 1 of 2 rows are bad; fix them, or import the good ones with --skip-bad"
    );
    assert_nothing_imported(d);
}

#[test]
fn quoted_newlines_bom_and_crlf() {
    let dir = setup();
    let d = dir.path();
    let text = "\u{feff}message,datetime,timestamp_desc\r\n\
                \"Phishing mail reported:\r\nSubject \"\"Invoice overdue\"\"\",2026-03-11T09:19:44Z,Event Recorded\r\n\
                Mail purged from all mailboxes,2026-03-11T09:40:00Z,Event Recorded\r\n";
    write(d, "crlf.csv", text);
    let out = ok(&mut import(d, "crlf.csv", &[]));
    assert_eq!(
        out.lines().next(),
        Some("crlf.csv: Timesketch CSV (detected from the header)"),
        "the BOM is not part of the first column's name"
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    assert_eq!(
        list[0]["text"],
        "Phishing mail reported:\r\nSubject \"Invoice overdue\""
    );
    assert_eq!(list[1]["text"], "Mail purged from all mailboxes");
    assert_eq!(
        list[1]["attrs"],
        serde_json::json!({"timestamp_desc": "Event Recorded"}),
        "no stray carriage return in the last cell"
    );

    // Line numbers count the newline inside quotes, with CRLF line ends.
    let tmp2 = setup();
    let d2 = tmp2.path();
    write(
        d2,
        "crlf.csv",
        format!("{text}Mailbox rule removed,later that day,Event Recorded\r\n"),
    );
    let (_, lines) = refused(&mut import(d2, "crlf.csv", &[]));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("crlf.csv: line 5, column \"datetime\": "),
        "{lines:?}"
    );
}

#[test]
fn a_byte_that_is_not_utf8_is_replaced_and_reported() {
    let dir = setup();
    let d = dir.path();
    let mut text = b"message,datetime,timestamp_desc\nLogon from caf".to_vec();
    text.push(0xE9); // é in Latin-1
    text.extend_from_slice(b" wifi,2026-03-11T09:19:44Z,Event Recorded\n");
    text.extend_from_slice(b"Plain ASCII row,2026-03-11T09:20:00Z,Event Recorded\n");
    write(d, "latin1.csv", text);
    let out = ok(&mut import(d, "latin1.csv", &[]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        lines[1],
        "1 rows had bytes that are not UTF-8; they are kept as \u{fffd}"
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    assert_eq!(list[0]["text"], "Logon from caf\u{fffd} wifi");
    assert_eq!(list[1]["text"], "Plain ASCII row");
}

#[test]
fn an_empty_file_is_refused() {
    let dir = setup();
    let d = dir.path();
    write(d, "empty.csv", "");
    let line = fail(&mut import(d, "empty.csv", &[]));
    assert_eq!(
        line,
        "debrief: empty.csv: the file is empty: nothing to import"
    );
    write(d, "blank.csv", "\n  \r\n");
    let line = fail(&mut import(d, "blank.csv", &[]));
    assert!(line.contains("the file is empty"), "{line}");
    assert_nothing_imported(d);
}

#[test]
fn a_header_alone_is_refused() {
    let dir = setup();
    let d = dir.path();
    write(d, "header.csv", "message,datetime,timestamp_desc\n");
    let (_, lines) = refused(&mut import(d, "header.csv", &[]));
    assert_eq!(
        lines,
        ["debrief: header.csv: the file has a header but no rows: nothing to import"]
    );
    assert_nothing_imported(d);
}

#[test]
fn a_missing_required_column_is_named() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "ts.csv",
        "message,datetime\nToken issued,2026-03-11T09:19:44Z\n",
    );
    let line = fail(&mut import(d, "ts.csv", &["--format", "timesketch-csv"]));
    assert!(line.starts_with("debrief: ts.csv: "), "{line}");
    assert!(
        line.contains("missing required column \"timestamp_desc\""),
        "{line}"
    );

    // Without --format the header names no format, and the message says what to do.
    let line = fail(&mut import(d, "ts.csv", &[]));
    assert!(line.contains("cannot tell the format"), "{line}");
    assert!(line.contains("columns: message, datetime"), "{line}");
    assert!(line.contains("--map"), "{line}");

    // A mapped column the file does not have.
    let line = fail(&mut import(
        d,
        "ts.csv",
        &["--map", "When=at", "--map", "message=text"],
    ));
    assert!(line.contains("no column \"When\""), "{line}");

    // A plain CSV with no text column.
    let line = fail(&mut import(d, "ts.csv", &["--map", "datetime=at"]));
    assert!(line.contains("no column is mapped to text"), "{line}");
    assert_nothing_imported(d);
}

#[test]
fn a_bad_timestamp_imports_nothing_and_changes_nothing() {
    let dir = setup();
    let d = dir.path();
    write(d, "first.csv", TIMESKETCH_CSV);
    ok(&mut import(d, "first.csv", &[]));
    let list_args = ["event", "list", KEY, "--json"];
    let history_args = ["history", KEY, "--json"];
    let events_before = ok(debrief(d).args(list_args));
    let history_before = ok(debrief(d).args(history_args));
    let count_before = count(&db_path(d), "events");

    write(d, "bad.csv", BAD_ON_LINE_3);
    let (_, lines) = refused(&mut import(d, "bad.csv", &[]));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("bad.csv: line 3, column \"datetime\": {BAD_TIME}")),
        "{lines:?}"
    );
    assert_eq!(
        lines[1],
        "debrief: bad.csv: nothing imported: 1 of 3 rows are bad; fix them, or import the good ones with --skip-bad"
    );

    assert_eq!(ok(debrief(d).args(list_args)), events_before);
    assert_eq!(ok(debrief(d).args(history_args)), history_before);
    assert_eq!(count(&db_path(d), "events"), count_before);
    assert!(
        !d.join("bad.csv.rejects.csv").exists(),
        "no rejects file without --skip-bad"
    );
}

#[test]
fn more_than_twenty_bad_rows_are_counted_not_listed() {
    let dir = setup();
    let d = dir.path();
    let mut text = String::from("message,datetime,timestamp_desc\n");
    for i in 0..25 {
        text.push_str(&format!("Beacon {i},sometime {i},Event Recorded\n"));
    }
    write(d, "many.csv", text);
    let (_, lines) = refused(&mut import(d, "many.csv", &[]));
    assert_eq!(lines.len(), 22, "{lines:?}");
    for (i, l) in lines[..20].iter().enumerate() {
        assert!(
            l.starts_with(&format!("many.csv: line {}, column \"datetime\": ", i + 2)),
            "{l}"
        );
    }
    assert_eq!(lines[20], "many.csv: and 5 more bad rows");
    assert!(
        lines[21].contains("nothing imported: 25 of 25 rows are bad"),
        "{lines:?}"
    );
    assert_nothing_imported(d);
}

#[test]
fn skip_bad_imports_the_good_rows_and_writes_rejects_beside_the_input() {
    let dir = setup();
    let d = dir.path();
    fs::create_dir(d.join("in")).unwrap();
    write(d, "in/bad.csv", BAD_ON_LINE_3);
    let out = ok(&mut import(d, "in/bad.csv", &["--skip-bad"]));
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (3 rows read, 1 bad rows skipped, 0 duplicates) in S s; \
         bad rows written to in/bad.csv.rejects.csv"
    );
    let texts: Vec<String> = events(d)
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "Token issued to the attacker",
            "Forwarding to an external address"
        ]
    );
    let recorded = imports(d);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["skipped"], 1);
    assert_eq!(recorded[0]["imported"], 2);

    let rejects = d.join("in/bad.csv.rejects.csv");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&rejects).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let mut reader = csv::Reader::from_path(&rejects).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["message", "datetime", "timestamp_desc", "debrief_error"]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][0], "Mailbox rule created");
    assert_eq!(&records[0][1], "11 March");
    assert_eq!(&records[0][2], "Event Recorded");
    assert!(
        records[0][3].starts_with(&format!("line 3, column \"datetime\": {BAD_TIME}")),
        "{:?}",
        &records[0][3]
    );
}

#[test]
fn dry_run_writes_nothing() {
    let dir = setup();
    let d = dir.path();
    write(d, "ts.csv", TIMESKETCH_CSV);
    let out = ok(&mut import(d, "ts.csv", &["--dry-run"]));
    assert_eq!(
        out.lines().next(),
        Some("ts.csv: Timesketch CSV (detected from the header)")
    );
    assert_eq!(
        summary(&out),
        "would import 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s; \
         nothing was written (dry run)"
    );
    assert_nothing_imported(d);

    // With bad rows and --skip-bad: counted, but no rejects file either.
    write(d, "bad.csv", BAD_ON_LINE_3);
    let out = ok(&mut import(d, "bad.csv", &["--dry-run", "--skip-bad"]));
    assert_eq!(
        summary(&out),
        "would import 2 events into IR-1 (3 rows read, 1 bad rows skipped, 0 duplicates) in S s; \
         nothing was written (dry run)"
    );
    assert!(!d.join("bad.csv.rejects.csv").exists());
    assert_nothing_imported(d);

    // Without --skip-bad a dry run is refused like the real thing.
    let (_, lines) = refused(&mut import(d, "bad.csv", &["--dry-run"]));
    assert!(
        lines
            .last()
            .unwrap()
            .contains("nothing imported: 1 of 3 rows are bad"),
        "{lines:?}"
    );
    assert_nothing_imported(d);
}

#[test]
fn importing_the_same_file_again_adds_nothing() {
    let dir = setup();
    let d = dir.path();
    write(d, "ts.csv", TIMESKETCH_CSV);
    ok(&mut import(d, "ts.csv", &[]));
    let before = ok(debrief(d).args(["event", "list", KEY, "--json"]));
    let out = ok(&mut import(d, "ts.csv", &[]));
    assert_eq!(
        summary(&out),
        "imported 0 events into IR-1 (2 rows read, 0 bad rows skipped, 2 duplicates) in S s"
    );
    assert_eq!(
        ok(debrief(d).args(["event", "list", KEY, "--json"])),
        before
    );
    assert_eq!(
        imports(d).len(),
        1,
        "a re-import that adds nothing is not recorded"
    );

    // The file grown by a row: only the new row comes in.
    write(
        d,
        "ts.csv",
        format!(
            "{TIMESKETCH_CSV}Forwarding rule deleted,1773221000000000,2026-03-11T09:23:20+00:00,Deletion Time,,\n"
        ),
    );
    let out = ok(&mut import(d, "ts.csv", &["--dry-run"]));
    assert!(
        summary(&out).starts_with(
            "would import 1 events into IR-1 (3 rows read, 0 bad rows skipped, 2 duplicates)"
        ),
        "{out}"
    );
    let out = ok(&mut import(d, "ts.csv", &[]));
    assert_eq!(
        summary(&out),
        "imported 1 events into IR-1 (3 rows read, 0 bad rows skipped, 2 duplicates) in S s"
    );
    assert_eq!(events(d).len(), 3);
    let recorded = imports(d);
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0]["duplicates"], 2, "newest first");
}

#[test]
fn numeric_epoch_seconds_in_a_mapped_column() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "epoch.csv",
        "When,What,Host\n1773220784,Token issued,idp-01\n1773220900,Inbox rule created,exo\n",
    );
    let out = ok(&mut import(
        d,
        "epoch.csv",
        &["--map", "When=at", "--map", "What=text"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "epoch.csv: CSV with mapped columns (detected from the header)",
            "numeric timestamps read as seconds since 1970",
        ]
    );
    assert_eq!(
        summary(&out),
        "imported 2 events into IR-1 (2 rows read, 0 bad rows skipped, 0 duplicates) in S s"
    );
    let list = events(d);
    assert_eq!(by_text(&list, "Token issued")["at"], "2026-03-11T09:19:44Z");
    assert_eq!(
        by_text(&list, "Inbox rule created")["at"],
        "2026-03-11T09:21:40Z"
    );
    assert_eq!(by_text(&list, "Token issued")["attrs"]["Host"], "idp-01");
}

#[test]
fn a_time_format_of_the_analysts() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "es.csv",
        "Fecha,Evento\n11/03/2026 10:19:44,Alerta del SIEM\n",
    );
    let args = [
        "--map",
        "Fecha=at",
        "--map",
        "Evento=text",
        "--time-format",
        "%d/%m/%Y %H:%M:%S",
        "--tz",
        "Europe/Madrid",
    ];
    ok(&mut import(d, "es.csv", &args));
    let list = events(d);
    assert_eq!(list[0]["at"], "2026-03-11T09:19:44Z");
    assert_eq!(list[0]["at_original"], "2026-03-11T10:19:44+01:00");

    write(
        d,
        "iso.csv",
        "Fecha,Evento\n2026-03-11 10:19:44,Otra cosa\n",
    );
    let (_, lines) = refused(&mut import(d, "iso.csv", &args));
    assert!(
        lines[0].contains("does not match --time-format"),
        "{lines:?}"
    );
}

#[test]
fn a_large_file_draws_no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = setup();
    let d = dir.path();
    let mut text = String::from("message,datetime,timestamp_desc,host\n");
    let mut i = 0;
    while text.len() <= 1 << 20 {
        text.push_str(&format!(
            "Sign-in {i} for m.ruiz@example.net from 203.0.113.{} with a legacy client,2026-03-11T09:{:02}:{:02}Z,Event Recorded,NWL-LT-{i:05}\n",
            i % 250,
            (i / 60) % 60,
            i % 60
        ));
        i += 1;
    }
    write(d, "big.csv", text);
    // `ok` checks stderr is empty: no progress bar drawn into a pipe.
    let out = ok(&mut import(d, "big.csv", &[]));
    assert_eq!(
        summary(&out),
        format!(
            "imported {i} events into IR-1 ({i} rows read, 0 bad rows skipped, 0 duplicates) in S s"
        )
    );
    assert_eq!(count(&db_path(d), "events"), i64::from(i));
}

#[test]
fn an_unknown_incident_or_a_missing_file_is_refused() {
    let dir = setup();
    let d = dir.path();
    write(d, "ts.csv", TIMESKETCH_CSV);
    let line = fail(debrief(d).args(["import", "IR-404", "ts.csv"]));
    assert!(line.contains("IR-404"), "{line}");
    let line = fail(&mut import(d, "nowhere.csv", &[]));
    assert!(
        line.starts_with("debrief: cannot open nowhere.csv"),
        "{line}"
    );
    let line = fail(&mut import(d, "ts.csv", &["--tz", "Mars/Olympus"]));
    assert!(line.starts_with("debrief: --tz: "), "{line}");
    assert_nothing_imported(d);
}

#[test]
fn a_refused_import_prints_nothing_on_stdout() {
    let dir = setup();
    let d = dir.path();
    write(d, "header.csv", "message,datetime,timestamp_desc\n");
    let line = fail(&mut import(d, "header.csv", &[]));
    assert!(line.contains("header but no rows"), "{line}");

    write(d, "bad.csv", BAD_ON_LINE_3);
    let (stdout, _) = refused(&mut import(d, "bad.csv", &[]));
    assert_eq!(stdout, "", "a failure printed on stdout");
}

#[test]
fn skip_bad_on_jsonl_writes_the_bad_lines_with_why() {
    let dir = setup();
    let d = dir.path();
    let good = r#"{"message": "Token issued", "datetime": "2026-03-11T09:19:44Z", "timestamp_desc": "Event Recorded"}"#;
    let broken = "not json at all";
    let bad_time = r#"{"message": "Mailbox rule created", "datetime": "11 March", "timestamp_desc": "Event Recorded"}"#;
    write(d, "ts.jsonl", format!("{good}\n{broken}\n{bad_time}\n"));
    let out = ok(&mut import(d, "ts.jsonl", &["--skip-bad"]));
    assert_eq!(
        summary(&out),
        "imported 1 events into IR-1 (3 rows read, 2 bad rows skipped, 0 duplicates) in S s; \
         bad rows written to ts.jsonl.rejects.jsonl"
    );
    let rejects = fs::read_to_string(d.join("ts.jsonl.rejects.jsonl")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 2, "{rejects}");
    assert_eq!(
        lines[0], broken,
        "a line that is not an object is kept as it was"
    );
    // An object keeps its fields, with the reason beside them.
    let o: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    let before: serde_json::Value = serde_json::from_str(bad_time).unwrap();
    for (k, v) in before.as_object().unwrap() {
        assert_eq!(&o[k], v, "{k}");
    }
    assert!(
        o["debrief_error"]
            .as_str()
            .unwrap()
            .starts_with("line 3, column \"datetime\""),
        "{o}"
    );
}

#[test]
fn fractional_epoch_seconds_keep_their_fraction() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "zeek.csv",
        "ts,msg\n1773220784.250123,Connection to 203.0.113.45:443\n",
    );
    let out = ok(&mut import(
        d,
        "zeek.csv",
        &["--map", "ts=at", "--map", "msg=text"],
    ));
    assert!(
        out.contains("numeric timestamps read as seconds since 1970"),
        "{out}"
    );
    assert_eq!(events(d)[0]["at"], "2026-03-11T09:19:44.250123Z");
}

#[test]
fn rejects_keep_rows_of_another_width_and_neutralise_formulas() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "odd.csv",
        "message,datetime,timestamp_desc\n\
         Good row,2026-03-11T09:00:00Z,Event Recorded\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",not a time,Event Recorded\n\
         Extra cell,2026-03-11T09:01:00Z,Event Recorded,@SUM(1)\n\
         Short row\n",
    );
    let out = ok(&mut import(d, "odd.csv", &["--skip-bad"]));
    assert!(
        summary(&out).contains("imported 1 events") && out.contains("odd.csv.rejects.csv"),
        "{out}"
    );
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(d.join("odd.csv.rejects.csv"))
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(&rows[0][0], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert!(
        rows.iter().flat_map(|r| r.iter()).any(|c| c == "'@SUM(1)"),
        "{rows:?}"
    );
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '@']),
            "a live formula in the rejects file: {cell}"
        );
    }
}
