//! The command line end to end: every subcommand, its help, its usage errors and its
//! failures, run as a separate process against a database in a temporary folder.
//!
//! Each command gets `--db <tmp>/t.db` (or `DEBRIEF_DB` where that is the point),
//! `DEBRIEF_CONFIG=<tmp>/none.toml` (so no user config is read) and `USER=tester`.
//! The database is inspected read-only with rusqlite.

use predicates::prelude::*;
use rusqlite::Connection;
use serde_json::Value;
use std::fs;
use std::path::Path;

mod common;
use common::*;

/// Rows of the tables a write touches: events, history, change sets, actors, incidents.
fn row_counts(db: &Path) -> [i64; 5] {
    ["events", "history", "change_sets", "actors", "incidents"].map(|t| count(db, t))
}

/// Adds an event and returns its id.
fn add_event(dir: &Path, key: &str, at: &str, text: &str, extra: &[&str]) -> String {
    let out = ok(debrief(dir)
        .args(["event", "add", key, "--at", at, "--text", text])
        .args(extra));
    let id = out.trim().to_string();
    assert_eq!(out, format!("{id}\n"), "only the id is printed");
    id
}

fn events(dir: &Path, key: &str, extra: &[&str]) -> Vec<Value> {
    let v = json(
        debrief(dir)
            .args(["event", "list", key, "--json"])
            .args(extra),
    );
    v.as_array().expect("an array").clone()
}

fn texts(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["text"].as_str().unwrap()).collect()
}

fn incidents(dir: &Path) -> Vec<Value> {
    json(debrief(dir).args(["incident", "list", "--json"]))
        .as_array()
        .expect("an array")
        .clone()
}

fn history(dir: &Path, extra: &[&str]) -> Vec<Value> {
    json(debrief(dir).args(["history", "--json"]).args(extra))
        .as_array()
        .expect("an array")
        .clone()
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn at_time(e: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------
// Help and usage errors
// ---------------------------------------------------------------------------------------

#[test]
fn help_on_every_command_exits_0_and_names_the_main_options() {
    let dir = tmp();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[],
            &["--db", "incident", "event", "demo", "history", "DEBRIEF_DB"],
        ),
        (&["incident"], &["new", "list", "edit"]),
        (
            &["incident", "new"],
            &["<KEY>", "--title", "--severity", "--detected", "--zone"],
        ),
        (&["incident", "list"], &["--json"]),
        (
            &["incident", "edit"],
            &[
                "<KEY>",
                "--title",
                "--severity",
                "--status",
                "--detected",
                "--zone",
                "--customer-impact",
                "--data-breach",
            ],
        ),
        (&["event"], &["add", "list"]),
        (
            &["event", "add"],
            &[
                "<KEY>",
                "--at",
                "--text",
                "--actor",
                "--source",
                "--phase",
                "--tag",
                "--technique",
            ],
        ),
        (
            &["event", "list"],
            &["<KEY>", "--json", "--search", "--actor", "--tag", "--phase"],
        ),
        (&["demo"], &["demo incident", "--db"]),
        (&["history"], &["[KEY]", "--limit", "--json"]),
    ];
    for (args, wanted) in cases {
        let out = ok(debrief(dir.path()).args(*args).arg("--help"));
        assert!(out.contains("Usage: debrief"), "{args:?}: {out}");
        for w in *wanted {
            assert!(
                out.contains(w),
                "help of {args:?} does not mention {w}: {out}"
            );
        }
    }
    // `-h` is the short form.
    ok(debrief(dir.path()).args(["event", "add", "-h"]));
    // Help never opens (or creates) a database.
    assert!(!db_path(dir.path()).exists());
}

#[test]
fn version_prints_the_package_version() {
    let dir = tmp();
    let out = ok(debrief(dir.path()).arg("--version"));
    assert_eq!(out.trim(), format!("debrief {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2_and_touch_no_database() {
    let dir = tmp();
    let d = dir.path();
    let e = usage(debrief(d).args(["incident", "new", "IR-1"]));
    assert!(e.contains("--title"), "{e}");
    let e = usage(debrief(d).args([
        "incident",
        "new",
        "IR-1",
        "--title",
        "t",
        "--severity",
        "urgent",
    ]));
    assert!(e.contains("urgent") && e.contains("critical"), "{e}");
    let e = usage(debrief(d).arg("frobnicate"));
    assert!(e.contains("frobnicate"), "{e}");
    let e = usage(debrief(d).args(["event", "list", "IR-1", "--phase", "bogus"]));
    assert!(e.contains("bogus") && e.contains("containment"), "{e}");
    let e = usage(debrief(d).args(["event", "add", "IR-1", "--at", "10:00", "--phase", "x"]));
    assert!(e.contains("--text") || e.contains("phase"), "{e}");
    let e = usage(debrief(d).args(["event", "add", "IR-1", "--text", "x"]));
    assert!(e.contains("--at"), "{e}");
    let e = usage(debrief(d).args(["incident", "edit", "IR-1", "--status", "closed"]));
    assert!(e.contains("closed"), "{e}");
    let e = usage(debrief(d).args(["incident", "edit", "IR-1", "--data-breach", "maybe"]));
    assert!(e.contains("maybe"), "{e}");
    let e = usage(debrief(d).args(["history", "--limit", "lots"]));
    assert!(e.contains("lots"), "{e}");
    usage(debrief(d).args(["incident", "list", "--jsn"]));
    // A group without its subcommand shows its help on stderr, as a usage error.
    debrief(d)
        .arg("incident")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("Usage: debrief incident")
                .and(predicate::str::contains("new")),
        );
    // `--db` may be given once.
    usage(debrief(d).args(["--db", "other.db", "incident", "list"]));
    assert!(!db_path(d).exists(), "a usage error created the database");
    assert!(!d.join("other.db").exists());
}

// ---------------------------------------------------------------------------------------
// incident new / list
// ---------------------------------------------------------------------------------------

#[test]
fn incident_new_creates_an_incident() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-2026-001");
    ok(debrief(d).args([
        "incident",
        "new",
        "  IR-2026-002 ",
        "--title",
        "Second",
        "--severity",
        "High",
    ]));
    let list = incidents(d);
    assert_eq!(list.len(), 2);
    let first = list.iter().find(|i| i["key"] == "IR-2026-001").unwrap();
    assert_eq!(first["title"], "Test incident");
    assert_eq!(first["severity"], "medium");
    assert_eq!(first["status"], "draft");
    assert_eq!(first["zone"], "Europe/Madrid");
    assert_eq!(first["detected"], "2026-03-11T09:00:00Z");
    assert_eq!(first["detected_original"], "2026-03-11T10:00:00+01:00");
    assert_eq!(first["events"], 0);
    let second = list.iter().find(|i| i["key"] == "IR-2026-002").unwrap();
    assert_eq!(
        second["severity"], "high",
        "severity is read case-insensitively"
    );
    assert_eq!(second["zone"], "UTC");
    assert!(second["detected"].is_null());
    // The creation is in the history, by the OS user.
    let h = history(d, &["IR-2026-002"]);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["op"], "insert");
    assert_eq!(h[0]["entity"], "incident");
    assert_eq!(h[0]["by"], "tester");
}

#[test]
fn a_duplicate_key_is_refused_in_any_case() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let e = fail(debrief(d).args(["incident", "new", "IR-1", "--title", "again"]));
    assert!(e.contains("IR-1") && e.contains("already exists"), "{e}");
    let e = fail(debrief(d).args(["incident", "new", "ir-1", "--title", "again"]));
    assert!(
        e.to_lowercase().contains("ir-1") && e.contains("already exists"),
        "{e}"
    );
    let list = incidents(d);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["title"], "Test incident");
    assert_eq!(row_counts(&db_path(d)), before);
}

#[test]
fn bad_incident_arguments_are_refused_and_nothing_is_created() {
    let dir = tmp();
    let d = dir.path();
    for key in ["", "   "] {
        let e = fail(debrief(d).args(["incident", "new", key, "--title", "t"]));
        assert!(e.contains("key") && e.contains("empty"), "{e}");
    }
    let e = fail(debrief(d).args(["incident", "new", "IR 1", "--title", "t"]));
    assert!(e.contains("IR 1"), "{e}");
    let e = fail(debrief(d).args(["incident", "new", "IR-1", "--title", "  "]));
    assert!(e.contains("title"), "{e}");
    let e = fail(debrief(d).args([
        "incident",
        "new",
        "IR-1",
        "--title",
        "t",
        "--detected",
        "last tuesday",
    ]));
    assert!(
        e.contains("--detected") && e.contains("last tuesday"),
        "{e}"
    );
    let e = fail(debrief(d).args([
        "incident",
        "new",
        "IR-1",
        "--title",
        "t",
        "--detected",
        "2026-13-45 10:00",
    ]));
    assert!(e.contains("2026-13-45"), "{e}");
    let e = fail(debrief(d).args([
        "incident", "new", "IR-1", "--title", "t", "--zone", "Mars/X",
    ]));
    assert!(e.contains("--zone") && e.contains("Mars/X"), "{e}");
    // A local time that does not exist (clocks go forward) is refused, not guessed.
    let e = fail(debrief(d).args([
        "incident",
        "new",
        "IR-1",
        "--title",
        "t",
        "--zone",
        "Europe/Madrid",
        "--detected",
        "2026-03-29 02:30",
    ]));
    assert!(e.contains("2026-03-29 02:30"), "{e}");
    assert_eq!(incidents(d), Vec::<Value>::new());
    assert_eq!(count(&db_path(d), "history"), 0);
}

#[test]
fn incident_list_on_an_empty_database_prints_a_hint() {
    let dir = tmp();
    let d = dir.path();
    let out = ok(debrief(d).args(["incident", "list"]));
    assert!(out.contains("no incidents yet"), "{out}");
    assert!(
        out.contains("debrief incident new") && out.contains("debrief demo"),
        "{out}"
    );
    assert_eq!(
        json(debrief(d).args(["incident", "list", "--json"])),
        Value::Array(vec![])
    );
}

#[test]
fn incident_list_shows_every_incident_in_text_and_json() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-A");
    ok(debrief(d).args([
        "incident",
        "new",
        "IR-B",
        "--title",
        "Ransomware on file server",
        "--severity",
        "critical",
    ]));
    add_event(d, "IR-A", "10:05", "first", &[]);
    add_event(d, "IR-A", "10:06", "second", &[]);

    let list = incidents(d);
    assert_eq!(list.len(), 2);
    for i in &list {
        for field in ["id", "key", "title", "severity", "status", "events"] {
            assert!(i.get(field).is_some(), "no {field} in {i}");
        }
        assert!(uuid::Uuid::parse_str(i["id"].as_str().unwrap()).is_ok());
    }
    // Most recently changed first: IR-A had events added after IR-B was created.
    assert_eq!(list[0]["key"], "IR-A");
    assert_eq!(list[0]["events"], 2);
    assert_eq!(list[1]["key"], "IR-B");
    assert_eq!(list[1]["events"], 0);
    assert_eq!(list[1]["severity"], "critical");
    assert_eq!(list[1]["title"], "Ransomware on file server");

    let text = ok(debrief(d).args(["incident", "list"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("IR-A "), "{text}");
    assert!(
        lines[0].contains("medium") && lines[0].contains("draft"),
        "{text}"
    );
    assert!(lines[0].contains("2 events"), "{text}");
    assert!(lines[1].starts_with("IR-B "), "{text}");
    assert!(lines[1].contains("critical") && lines[1].contains("Ransomware on file server"));
}

// ---------------------------------------------------------------------------------------
// incident edit and history
// ---------------------------------------------------------------------------------------

#[test]
fn incident_edit_changes_fields_and_records_old_and_new() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let out = ok(debrief(d).args(["incident", "edit", "IR-1", "--severity", "critical"]));
    assert_eq!(out, "updated incident IR-1\n");
    let h = history(d, &[]);
    let change = &h[0];
    assert_eq!(change["entity"], "incident");
    assert_eq!(change["op"], "update");
    assert_eq!(change["field"], "severity");
    assert_eq!(change["old"], "medium");
    assert_eq!(change["new"], "critical");
    assert_eq!(change["by"], "tester");
    assert_eq!(incidents(d)[0]["severity"], "critical");

    // Several fields at once: one change set, one row per field.
    ok(debrief(d).args([
        "incident",
        "edit",
        "ir-1",
        "--title",
        "AiTM phishing",
        "--status",
        "in review",
        "--customer-impact",
        "true",
    ]));
    let h = history(d, &["IR-1"]);
    let latest: Vec<&Value> = h
        .iter()
        .filter(|c| c["change_set"] == h[0]["change_set"])
        .collect();
    let mut fields: Vec<&str> = latest
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["customer_impact", "status", "title"]);
    let title = latest.iter().find(|c| c["field"] == "title").unwrap();
    assert_eq!(title["old"], "Test incident");
    assert_eq!(title["new"], "AiTM phishing");
    let status = latest.iter().find(|c| c["field"] == "status").unwrap();
    assert_eq!(status["old"], "draft");
    assert_eq!(status["new"], "in-review");
    let i = &incidents(d)[0];
    assert_eq!(i["title"], "AiTM phishing");
    assert_eq!(i["status"], "in-review");
    assert_eq!(i["customer_impact"], true);

    // A bare time is read on the incident's date, in its zone.
    ok(debrief(d).args(["incident", "edit", "IR-1", "--detected", "09:30"]));
    assert_eq!(incidents(d)[0]["detected"], "2026-03-11T08:30:00Z");
    assert_eq!(history(d, &[])[0]["field"], "detected");

    // `--limit` and the text form.
    assert_eq!(history(d, &["--limit", "1"]).len(), 1);
    let text = ok(debrief(d).args(["history", "IR-1"]));
    assert!(
        text.contains("tester") && text.contains("incident severity: medium -> critical"),
        "{text}"
    );
    assert!(
        text.contains("incident title: Test incident -> AiTM phishing"),
        "{text}"
    );
}

#[test]
fn an_edit_that_changes_nothing_records_nothing() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let out = ok(debrief(d).args(["incident", "edit", "IR-1", "--severity", "medium"]));
    assert!(out.contains("unchanged"), "{out}");
    assert_eq!(
        row_counts(&db_path(d)),
        before,
        "an empty change set was left"
    );
}

#[test]
fn bad_edits_are_refused() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let list_before = ok(debrief(d).args(["incident", "list", "--json"]));
    let e = fail(debrief(d).args(["incident", "edit", "IR-1"]));
    assert!(
        e.contains("nothing to change") && e.contains("--severity"),
        "{e}"
    );
    let e = fail(debrief(d).args(["incident", "edit", "NOPE", "--title", "x"]));
    assert!(e.contains("NOPE"), "{e}");
    let e = fail(debrief(d).args(["incident", "edit", "IR-1", "--zone", "Mars/X"]));
    assert!(e.contains("Mars/X"), "{e}");
    let e = fail(debrief(d).args(["incident", "edit", "IR-1", "--detected", "soon"]));
    assert!(e.contains("soon"), "{e}");
    let e = fail(debrief(d).args(["incident", "edit", "IR-1", "--title", " "]));
    assert!(e.contains("title"), "{e}");
    let e = fail(debrief(d).args(["history", "NOPE"]));
    assert!(e.contains("NOPE"), "{e}");
    assert_eq!(row_counts(&db_path(d)), before);
    assert_eq!(
        ok(debrief(d).args(["incident", "list", "--json"])),
        list_before
    );
}

#[test]
fn the_analyst_comes_from_the_config_file() {
    let dir = tmp();
    let d = dir.path();
    fs::write(d.join("none.toml"), "analyst = \"A. Reviewer\"\n").unwrap();
    new_incident(d, "IR-1");
    assert_eq!(history(d, &[])[0]["by"], "A. Reviewer");
    fs::write(d.join("none.toml"), "\nanalist = \"typo\"\n").unwrap();
    let e = fail(debrief(d).args(["incident", "list"]));
    assert!(
        e.contains("none.toml") && e.contains("line 2") && e.contains("analist"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// event add
// ---------------------------------------------------------------------------------------

#[test]
fn event_add_prints_a_uuid_and_reads_bare_times_in_the_incident_zone() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let id = add_event(d, "IR-1", "14:02", "Sign-in from 203.0.113.45", &[]);
    let uuid = uuid::Uuid::parse_str(&id).unwrap_or_else(|e| panic!("{id:?}: {e}"));
    assert_eq!(uuid.get_version_num(), 7);
    assert_eq!(uuid.hyphenated().to_string(), id);

    let list = events(d, "IR-1", &[]);
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["id"], id.as_str());
    assert_eq!(e["at"], "2026-03-11T13:02:00Z");
    assert_eq!(e["at_original"], "2026-03-11T14:02:00+01:00");
    assert_eq!(e["precision"], "minute");
    assert_eq!(e["text"], "Sign-in from 203.0.113.45");
    assert!(e["actor"].is_null() && e["phase"].is_null() && e["technique"].is_null());
    assert_eq!(e["tags"], Value::Array(vec![]));

    // Other forms: an explicit offset, seconds, and ~ for approximate.
    add_event(d, "IR-1", "2026-03-11T15:00:00+02:00", "offset", &[]);
    add_event(d, "IR-1", "14:10:05", "seconds", &[]);
    add_event(d, "IR-1", "~14:20", "approx", &[]);
    let list = events(d, "IR-1", &[]);
    let by_text = |t: &str| list.iter().find(|e| e["text"] == t).unwrap().clone();
    let offset = by_text("offset");
    assert_eq!(offset["at"], "2026-03-11T13:00:00Z");
    assert_eq!(offset["at_original"], "2026-03-11T15:00:00+02:00");
    assert_eq!(offset["precision"], "exact");
    assert_eq!(by_text("seconds")["at"], "2026-03-11T13:10:05Z");
    assert_eq!(by_text("seconds")["precision"], "exact");
    assert_eq!(by_text("approx")["at"], "2026-03-11T13:20:00Z");
    assert_eq!(by_text("approx")["precision"], "approximate");
    assert_eq!(incidents(d)[0]["events"], 4);
}

#[test]
fn event_add_normalizes_tags_and_records_phase_source_and_technique() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(
        d,
        "IR-1",
        "10:30",
        "Phishing mail opened",
        &[
            "--tag",
            "#Phishing",
            "--tag",
            "phishing",
            "--tag",
            "  Initial-Access ",
            "--tag",
            "PHISHING",
            "--phase",
            "Initial access",
            "--source",
            "Proofpoint alert 4411",
            "--technique",
            "t1078.004",
        ],
    );
    let e = &events(d, "IR-1", &[])[0];
    assert_eq!(e["tags"], serde_json::json!(["phishing", "initial-access"]));
    assert_eq!(e["phase"], "initial-access");
    assert_eq!(e["source"], "Proofpoint alert 4411");
    assert_eq!(e["technique"], "T1078.004");
    let text = ok(debrief(d).args(["event", "list", "IR-1"]));
    assert!(
        text.contains("#phishing #initial-access") && text.contains("T1078.004"),
        "{text}"
    );
    let e = fail(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "10:31",
        "--text",
        "x",
        "--tag",
        "two words",
    ]));
    assert!(e.contains("two words"), "{e}");
}

#[test]
fn unknown_techniques_are_refused_with_a_suggestion() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "10:30", "known", &["--technique", "T1566"]);
    let before = row_counts(&db_path(d));
    let add = |technique: &str| {
        fail(debrief(d).args([
            "event",
            "add",
            "IR-1",
            "--at",
            "10:31",
            "--text",
            "x",
            "--technique",
            technique,
        ]))
    };
    let e = add("T9999");
    assert!(e.contains("--technique") && e.contains("T9999"), "{e}");
    let e = add("T1078.999");
    assert!(
        e.contains("T1078.999") && e.contains("did you mean T1078 "),
        "{e}"
    );
    let e = add("1078");
    assert!(e.contains("1078") && e.contains("T1234"), "{e}");
    assert_eq!(row_counts(&db_path(d)), before);
    assert_eq!(texts(&events(d, "IR-1", &[])), ["known"]);
}

#[test]
fn an_actor_is_created_on_the_fly_and_reused() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "10:00", "one", &["--actor", "Storm-1167"]);
    add_event(d, "IR-1", "10:01", "two", &["--actor", "storm-1167"]);
    add_event(d, "IR-1", "10:02", "three", &["--actor", "SOC analyst"]);
    add_event(d, "IR-1", "10:03", "four", &["--actor", "  "]);
    let list = events(d, "IR-1", &[]);
    let actors: Vec<&Value> = list.iter().map(|e| &e["actor"]).collect();
    assert_eq!(actors[0], "Storm-1167");
    assert_eq!(actors[1], "Storm-1167", "same actor, whatever the case");
    assert_eq!(actors[2], "SOC analyst");
    assert!(actors[3].is_null(), "a blank actor is none");
    assert_eq!(count(&db_path(d), "actors"), 2);
}

#[test]
fn failed_event_adds_change_nothing() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "10:30", "existing", &[]);
    let db = db_path(d);
    let bytes = fs::read(&db).unwrap();
    let rows = row_counts(&db);
    let list = ok(debrief(d).args(["incident", "list", "--json"]));
    let timeline = ok(debrief(d).args(["event", "list", "IR-1", "--json"]));

    let e = fail(debrief(d).args(["event", "add", "NOPE", "--at", "10:00", "--text", "x"]));
    assert!(e.contains("\"NOPE\""), "{e}");
    let e = fail(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "yesterday-ish",
        "--text",
        "x",
    ]));
    assert!(e.contains("--at") && e.contains("yesterday-ish"), "{e}");
    let e = fail(debrief(d).args(["event", "add", "IR-1", "--at", "10:00", "--text", "  "]));
    assert!(e.contains("text"), "{e}");
    let e = fail(debrief(d).args(["event", "add", "IR-1", "--at", "25:00", "--text", "x"]));
    assert!(e.contains("25:00"), "{e}");
    let e = fail(debrief(d).args(["event", "list", "NOPE"]));
    assert!(e.contains("NOPE"), "{e}");

    assert_eq!(fs::read(&db).unwrap(), bytes, "the database file changed");
    assert_eq!(row_counts(&db), rows);
    assert_eq!(ok(debrief(d).args(["incident", "list", "--json"])), list);
    assert_eq!(
        ok(debrief(d).args(["event", "list", "IR-1", "--json"])),
        timeline
    );
}

#[test]
fn a_bare_time_needs_a_date() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-1", "--title", "no date yet"]));
    let e = fail(debrief(d).args(["event", "add", "IR-1", "--at", "14:02", "--text", "x"]));
    assert!(e.contains("14:02") && e.contains("date"), "{e}");
    // Once the first event gives the incident a day, bare times are read on it.
    add_event(d, "IR-1", "2026-03-11 09:00", "first", &[]);
    add_event(d, "IR-1", "14:02", "second", &[]);
    let list = events(d, "IR-1", &[]);
    assert_eq!(list[1]["at"], "2026-03-11T14:02:00Z");
}

// ---------------------------------------------------------------------------------------
// event list
// ---------------------------------------------------------------------------------------

#[test]
fn event_list_is_in_time_order() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "12:00", "noon", &[]);
    add_event(d, "IR-1", "09:00", "nine", &[]);
    add_event(d, "IR-1", "2026-03-10 23:59", "day before", &[]);
    add_event(d, "IR-1", "10:30", "half past ten", &[]);
    add_event(d, "IR-1", "09:00", "nine again", &[]);
    let list = events(d, "IR-1", &[]);
    assert_eq!(
        texts(&list),
        ["day before", "nine", "nine again", "half past ten", "noon"]
    );
    let text = ok(debrief(d).args(["event", "list", "IR-1"]));
    let order: Vec<&str> = text.lines().map(|l| &l[..20]).collect();
    assert_eq!(
        order,
        [
            "2026-03-10T22:59:00Z",
            "2026-03-11T08:00:00Z",
            "2026-03-11T08:00:00Z",
            "2026-03-11T09:30:00Z",
            "2026-03-11T11:00:00Z"
        ]
    );
    assert!(text.lines().nth(1).unwrap().ends_with("nine"), "{text}");
}

#[test]
fn event_list_of_an_empty_timeline() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    assert_eq!(
        ok(debrief(d).args(["event", "list", "IR-1"])),
        "no events\n"
    );
    assert!(events(d, "IR-1", &[]).is_empty());
}

fn searchable(d: &Path) {
    new_incident(d, "IR-1");
    add_event(
        d,
        "IR-1",
        "10:00",
        "Phishing mail received by finance",
        &[
            "--tag",
            "email",
            "--phase",
            "initial-access",
            "--actor",
            "Storm-1167",
        ],
    );
    add_event(
        d,
        "IR-1",
        "10:05",
        "Attacker created inbox rule \"hide\"",
        &[
            "--tag",
            "persistence",
            "--phase",
            "initial-access",
            "--actor",
            "Storm-1167",
        ],
    );
    add_event(
        d,
        "IR-1",
        "10:10",
        "Password reset for the user",
        &[
            "--tag",
            "credential",
            "--tag",
            "email",
            "--phase",
            "containment",
            "--actor",
            "SOC",
            "--source",
            "Entra audit log",
        ],
    );
    add_event(d, "IR-1", "10:15", "Café opened late", &[]);
}

#[test]
fn search_finds_words_by_prefix_in_text_tags_and_source() {
    let dir = tmp();
    let d = dir.path();
    searchable(d);
    let search = |q: &str| {
        events(d, "IR-1", &["--search", q])
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(search("phish"), ["Phishing mail received by finance"]);
    assert_eq!(search("PASS"), ["Password reset for the user"]);
    assert_eq!(
        search("inbox rule"),
        ["Attacker created inbox rule \"hide\""]
    );
    assert_eq!(
        search("rule phishing"),
        Vec::<String>::new(),
        "all words must match"
    );
    assert_eq!(
        search("cred"),
        ["Password reset for the user"],
        "tags are searched"
    );
    assert_eq!(
        search("entra"),
        ["Password reset for the user"],
        "source is searched"
    );
    assert_eq!(search("\"hide\""), ["Attacker created inbox rule \"hide\""]);
    assert_eq!(
        search("cafe"),
        ["Café opened late"],
        "diacritics are ignored"
    );
    assert_eq!(search("zebra"), Vec::<String>::new());
    let text = ok(debrief(d).args(["event", "list", "IR-1", "--search", "zebra"]));
    assert_eq!(text, "no events\n");
}

#[test]
fn search_is_safe_with_fts_syntax() {
    let dir = tmp();
    let d = dir.path();
    searchable(d);
    for q in [
        "\"",
        "*",
        "AND (",
        "-",
        "a\"b",
        "NEAR(",
        ")",
        "OR",
        "NOT",
        "^",
        "text:x",
        "{a b}",
        "phish*",
        "'",
        "\\",
        "mail -finance",
        "",
    ] {
        let out = debrief(d)
            .args(["event", "list", "IR-1", "--json", "--search", q])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "search {q:?} failed: {stderr}");
        assert!(stderr.is_empty(), "search {q:?}: {stderr}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.is_array(), "search {q:?}");
        // The text form, too.
        ok(debrief(d).args(["event", "list", "IR-1", "--search", q]));
    }
    // Operators are words, not syntax: "mail AND" finds nothing without an "and..." word.
    assert!(events(d, "IR-1", &["--search", "mail AND"]).is_empty());
    // A hyphen is no NOT operator: "-finance" excludes nothing it should not.
    assert_eq!(
        texts(&events(d, "IR-1", &["--search", "mail -finance"])),
        ["Phishing mail received by finance"]
    );
}

#[test]
fn tag_actor_and_phase_filter_the_timeline() {
    let dir = tmp();
    let d = dir.path();
    searchable(d);
    let t = |args: &[&str]| {
        events(d, "IR-1", args)
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        t(&["--tag", "#EMAIL"]),
        [
            "Phishing mail received by finance",
            "Password reset for the user"
        ]
    );
    assert_eq!(
        t(&["--tag", "persistence"]),
        ["Attacker created inbox rule \"hide\""]
    );
    assert_eq!(t(&["--tag", "nope"]), Vec::<String>::new());
    assert_eq!(
        t(&["--actor", "storm-1167"]),
        [
            "Phishing mail received by finance",
            "Attacker created inbox rule \"hide\""
        ]
    );
    assert_eq!(t(&["--actor", "Nobody"]), Vec::<String>::new());
    assert_eq!(
        t(&["--phase", "containment"]),
        ["Password reset for the user"]
    );
    assert_eq!(
        t(&["--phase", "Initial access"]),
        [
            "Phishing mail received by finance",
            "Attacker created inbox rule \"hide\""
        ]
    );
    // Filters combine.
    assert_eq!(
        t(&[
            "--phase",
            "initial-access",
            "--tag",
            "email",
            "--actor",
            "Storm-1167"
        ]),
        ["Phishing mail received by finance"]
    );
    assert_eq!(
        t(&["--search", "password", "--tag", "email"]),
        ["Password reset for the user"]
    );
    let text = ok(debrief(d).args(["event", "list", "IR-1", "--phase", "containment"]));
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.contains("containment") && text.contains("SOC"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// demo
// ---------------------------------------------------------------------------------------

#[test]
fn demo_loads_once() {
    let dir = tmp();
    let d = dir.path();
    let out = ok(debrief(d).arg("demo"));
    assert!(
        out.contains("IR-2026-014") && out.contains("loaded"),
        "{out}"
    );
    let db = db_path(d);
    let rows = row_counts(&db);
    let list = incidents(d);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["key"], "IR-2026-014");
    assert_eq!(list[0]["status"], "in-review");
    assert_eq!(list[0]["zone"], "Europe/Madrid");

    let again = ok(debrief(d).arg("demo"));
    assert!(
        again.contains("already loaded") && again.contains("nothing changed"),
        "{again}"
    );
    assert_eq!(row_counts(&db), rows, "a second demo changed the database");
    assert_eq!(incidents(d), list);
}

#[test]
fn the_demo_timeline_is_ordered_and_the_database_sound() {
    let dir = tmp();
    let d = dir.path();
    let out = ok(debrief(d).arg("demo"));
    let list = events(d, "IR-2026-014", &[]);
    assert!((30..=60).contains(&list.len()), "{} events", list.len());
    assert!(out.contains(&format!("({} events)", list.len())), "{out}");
    assert_eq!(incidents(d)[0]["events"], list.len());
    for pair in list.windows(2) {
        assert!(
            at_time(&pair[0]) <= at_time(&pair[1]),
            "out of order: {} then {}",
            pair[0]["at"],
            pair[1]["at"]
        );
    }
    // Every event has a phase and at least three actors appear.
    assert!(list.iter().all(|e| e["phase"].is_string()));
    let mut actors: Vec<&str> = list.iter().filter_map(|e| e["actor"].as_str()).collect();
    actors.sort();
    actors.dedup();
    assert!(actors.len() >= 3, "{actors:?}");
    // The key events are each there once.
    for kind in ["first-malicious", "detected", "contained", "recovered"] {
        assert_eq!(
            list.iter().filter(|e| e["key_event"] == kind).count(),
            1,
            "{kind}"
        );
    }
    let conn = ro(&db_path(d));
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, debrief::store::APPLICATION_ID);
}

// ---------------------------------------------------------------------------------------
// The database file: creation, permissions, refusals, precedence
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn a_new_database_is_private_to_its_owner() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "list"]));
    assert_eq!(mode(&db_path(d)), 0o600);

    // Also when the umask would allow everyone everything.
    let db = d.join("open.db");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_debrief"))
        .arg("--db")
        .arg(&db)
        .arg("demo")
        .env("DEBRIEF_CONFIG", d.join("none.toml"))
        .env("USER", "tester")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&db), 0o600);
    assert_eq!(count(&db, "incidents"), 1);
}

#[test]
fn missing_folders_are_created() {
    let dir = tmp();
    let d = dir.path();
    let db = d.join("a").join("b").join("t.db");
    ok(debrief_at(d, &db).args(["incident", "new", "IR-1", "--title", "nested"]));
    assert!(db.is_file());
    #[cfg(unix)]
    assert_eq!(mode(&db), 0o600);
    assert_eq!(count(&db, "incidents"), 1);
}

#[test]
fn a_text_file_is_refused_and_left_alone() {
    let dir = tmp();
    let d = dir.path();
    let db = db_path(d);
    let content = b"meeting notes\nnot a database at all, but long enough to fill a header.............................................\n";
    fs::write(&db, content).unwrap();
    for args in [
        &["incident", "list"][..],
        &["incident", "new", "IR-1", "--title", "x"],
        &["demo"],
    ] {
        let e = fail(debrief(d).args(args));
        assert!(e.contains("not a SQLite database"), "{e}");
        assert!(e.contains("t.db"), "the message names the file: {e}");
    }
    // A short one too.
    let short = d.join("short.db");
    fs::write(&short, "hi\n").unwrap();
    let e = fail(debrief_at(d, &short).args(["incident", "list"]));
    assert!(e.contains("not a SQLite database"), "{e}");
    assert_eq!(fs::read(&db).unwrap(), content);
    assert_eq!(fs::read(&short).unwrap(), b"hi\n");
    assert_eq!(
        file_names(d),
        ["short.db", "t.db"],
        "files were created beside it"
    );
}

#[test]
fn an_empty_file_is_refused_and_stays_empty() {
    let dir = tmp();
    let d = dir.path();
    let db = db_path(d);
    fs::write(&db, b"").unwrap();
    let e = fail(debrief(d).args(["incident", "new", "IR-1", "--title", "x"]));
    assert!(e.contains("empty"), "{e}");
    let e = fail(debrief(d).arg("demo"));
    assert!(e.contains("empty"), "{e}");
    assert_eq!(fs::metadata(&db).unwrap().len(), 0);
    assert_eq!(file_names(d), ["t.db"]);
}

#[test]
fn another_applications_database_is_refused_and_unchanged() {
    let dir = tmp();
    let d = dir.path();
    let db = db_path(d);
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (42);")
            .unwrap();
    }
    let bytes = fs::read(&db).unwrap();
    for args in [&["incident", "list"][..], &["demo"]] {
        let e = fail(debrief(d).args(args));
        assert!(e.contains("not a debrief database"), "{e}");
    }
    assert_eq!(fs::read(&db).unwrap(), bytes, "the file was changed");
    assert_eq!(file_names(d), ["t.db"]);
    let x: i64 = ro(&db)
        .query_row("SELECT x FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(x, 42);
}

#[test]
fn a_database_from_a_newer_debrief_is_refused() {
    let dir = tmp();
    let d = dir.path();
    let db = db_path(d);
    new_incident(d, "IR-1");
    {
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let bytes = fs::read(&db).unwrap();
    let e = fail(debrief(d).args(["incident", "list"]));
    assert!(e.contains("newer") && e.contains("99"), "{e}");
    let e = fail(debrief(d).args(["event", "add", "IR-1", "--at", "10:00", "--text", "x"]));
    assert!(e.contains("newer"), "{e}");
    assert_eq!(fs::read(&db).unwrap(), bytes, "the file was changed");
    let version: i32 = ro(&db)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
    assert_eq!(count(&db, "events"), 0);
}

#[test]
fn an_older_database_is_upgraded_saying_so_once() {
    let dir = tmp();
    let d = dir.path();
    let db = db_path(d);
    {
        let mut conn = Connection::open(&db).unwrap();
        debrief::store::migrations()
            .to_version(&mut conn, 13)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO incidents (id, key, title, severity, status, created_us, updated_us)
               VALUES ('i1', 'IR-OLD', 'Written by schema 13', 'high', 'draft', 0, 0);",
        )
        .unwrap();
    }
    let out = debrief(d).args(["incident", "list"]).output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8(out.stderr).unwrap();
    let latest = debrief::store::latest_version();
    assert!(
        said.starts_with(&format!(
            "debrief: upgrading the database from schema 13 to {latest}"
        )) && said.lines().count() == 1,
        "{said}"
    );
    assert!(String::from_utf8(out.stdout).unwrap().contains("IR-OLD"));
    assert!(d.join("t.db.schema-13.bak").exists(), "a copy from before");
    // Upgraded: the next start says nothing.
    assert!(ok(debrief(d).args(["incident", "list"])).contains("IR-OLD"));
}

#[test]
fn a_folder_is_no_database() {
    let dir = tmp();
    let d = dir.path();
    let folder = d.join("folder");
    fs::create_dir(&folder).unwrap();
    fail(debrief_at(d, &folder).args(["incident", "list"]));
    assert!(fs::read_dir(&folder).unwrap().next().is_none());
}

#[test]
fn the_db_flag_beats_the_environment() {
    let dir = tmp();
    let d = dir.path();
    let flag_db = d.join("flag.db");
    let env_db = d.join("env.db");
    ok(debrief_at(d, &flag_db)
        .env("DEBRIEF_DB", &env_db)
        .args(["incident", "new", "FLAG-1", "--title", "via --db"]));
    assert!(flag_db.exists());
    assert!(
        !env_db.exists(),
        "DEBRIEF_DB was used although --db was given"
    );
    ok(debrief_bare(d).env("DEBRIEF_DB", &env_db).args([
        "incident",
        "new",
        "ENV-1",
        "--title",
        "via DEBRIEF_DB",
    ]));
    let keys = |db: &Path| -> Vec<String> {
        let conn = ro(db);
        let mut stmt = conn
            .prepare("SELECT key FROM incidents ORDER BY key")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(keys(&flag_db), ["FLAG-1"]);
    assert_eq!(keys(&env_db), ["ENV-1"]);
    // And reading through the environment finds the environment's incident.
    let list = json(
        debrief_bare(d)
            .env("DEBRIEF_DB", &env_db)
            .args(["incident", "list", "--json"]),
    );
    assert_eq!(list[0]["key"], "ENV-1");
}

#[cfg(target_os = "linux")]
#[test]
fn without_db_or_env_the_platform_data_folder_is_used() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief_bare(d).args(["incident", "new", "IR-1", "--title", "default place"]));
    let db = d.join("data").join("debrief").join("debrief.db");
    assert!(db.is_file(), "{:?}", file_names(d));
    assert_eq!(count(&db, "incidents"), 1);
}

// ---------------------------------------------------------------------------------------
// Untrusted text and error output
// ---------------------------------------------------------------------------------------

const HOSTILE: &str = "Sign-in \x1b]0;pwned\x07 then \x1b[2J cleared";

fn has_controls(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b == 0x1b || *b == 0x07)
}

#[test]
fn escape_sequences_in_events_never_reach_the_terminal() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "10:00", HOSTILE, &["--actor", "Mallory\x1b[31m"]);

    let out = debrief(d).args(["event", "list", "IR-1"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        !has_controls(&out.stdout),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Sign-in ␛]0;pwned␇ then ␛[2J cleared"),
        "{text}"
    );
    assert!(text.contains("Mallory␛[31m"), "{text}");

    let out = debrief(d)
        .args(["event", "list", "IR-1", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!has_controls(&out.stdout), "raw control bytes in JSON");
    let raw = String::from_utf8(out.stdout).unwrap();
    assert!(raw.contains("\\u001b]0;pwned\\u0007"), "{raw}");
    assert!(raw.contains("\\u001b[2J"), "{raw}");
    // The JSON still holds the exact text.
    let v: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(v[0]["text"], HOSTILE);
}

#[test]
fn escape_sequences_in_titles_keys_and_history_are_made_inert() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    ok(debrief(d).args(["incident", "edit", "IR-1", "--title", HOSTILE]));
    for args in [
        &["incident", "list"][..],
        &["history"],
        &["history", "IR-1"],
    ] {
        let out = debrief(d).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(!has_controls(&out.stdout), "{args:?}: {:?}", out.stdout);
        assert!(
            String::from_utf8(out.stdout).unwrap().contains("␛"),
            "{args:?}"
        );
    }
    let out = debrief(d).args(["history", "--json"]).output().unwrap();
    assert!(!has_controls(&out.stdout));
    // A hostile key in an error message.
    let out = debrief(d)
        .args(["event", "list", "IR\x1b[2J-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!has_controls(&out.stderr), "{:?}", out.stderr);
}

#[test]
fn every_failure_is_one_line_on_stderr() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let failures: &[&[&str]] = &[
        &["incident", "new", "IR-1", "--title", "dup"],
        &["incident", "new", "", "--title", "x"],
        &["incident", "new", "X", "--title", "x", "--zone", "Mars/X"],
        &[
            "incident",
            "new",
            "X",
            "--title",
            "line one\nline two",
            "--detected",
            "never",
        ],
        &["incident", "edit", "IR-1"],
        &["incident", "edit", "NO\nPE", "--title", "x"],
        &["event", "add", "NOPE", "--at", "10:00", "--text", "x"],
        &[
            "event",
            "add",
            "IR-1",
            "--at",
            "yesterday-ish",
            "--text",
            "x",
        ],
        &[
            "event",
            "add",
            "IR-1",
            "--at",
            "10:00",
            "--text",
            "x",
            "--technique",
            "T9999",
        ],
        &["event", "list", "NOPE"],
        &["history", "NOPE"],
    ];
    for args in failures {
        let line = fail(debrief(d).args(*args));
        assert!(line.len() > "debrief: ".len() + 5, "{args:?}: {line}");
    }
    // And a refused database file.
    let text = d.join("notes.txt");
    fs::write(&text, "notes\n").unwrap();
    fail(debrief_at(d, &text).args(["incident", "list"]));
    // Usage errors are clap's, exit 2 and start with "error:".
    debrief(d)
        .args(["incident", "new", "X"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error:"));
}

#[test]
fn undo_and_redo_from_the_cli_take_the_latest_change_of_any_session() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-1", "--title", "T"]));
    ok(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11 10:00Z",
        "--text",
        "one",
    ]));
    // Each command is a session of its own; `debrief undo` still reaches the last change.
    assert_eq!(
        ok(debrief(d).args(["undo", "IR-1"]))
            .lines()
            .next()
            .unwrap_or(""),
        "undone: add event (change 2)"
    );
    assert!(ok(debrief(d).args(["event", "list", "IR-1"])).contains("no events"));
    assert!(ok(debrief(d).args(["redo"])).starts_with("redone: add event"));
    assert!(ok(debrief(d).args(["event", "list", "IR-1"])).contains("one"));
    assert_eq!(ok(debrief(d).args(["redo"])), "nothing to redo\n");
}
