//! The command line for findings, actors and evidence, end to end: `debrief finding`,
//! `debrief actor` and `debrief evidence`, run as separate processes against a database in
//! a temporary folder.
//!
//! Each command gets `--db <tmp>/t.db`, `DEBRIEF_CONFIG=<tmp>/none.toml` (so no user config
//! is read) and `USER=tester`; it runs in the temporary folder, so relative evidence paths
//! are read there. The database is inspected read-only with rusqlite.

use serde_json::Value;
use std::fs;
use std::path::Path;

mod common;
use common::*;

/// Rows of the tables a finding, actor or evidence write touches.
fn row_counts(db: &Path) -> [i64; 7] {
    [
        "findings",
        "finding_events",
        "evidence",
        "evidence_links",
        "actors",
        "history",
        "change_sets",
    ]
    .map(|t| count(db, t))
}

/// Adds an event and returns its id.
fn add_event(dir: &Path, key: &str, at: &str, text: &str, extra: &[&str]) -> String {
    new_id(
        debrief(dir)
            .args(["event", "add", key, "--at", at, "--text", text])
            .args(extra),
    )
}

fn array(v: Value) -> Vec<Value> {
    v.as_array().expect("an array").clone()
}

fn history(dir: &Path, extra: &[&str]) -> Vec<Value> {
    array(json(debrief(dir).args(["history", "--json"]).args(extra)))
}

fn findings(dir: &Path, key: &str) -> Vec<Value> {
    array(json(debrief(dir).args(["finding", "list", key, "--json"])))
}

fn actors(dir: &Path, key: &str) -> Vec<Value> {
    array(json(debrief(dir).args(["actor", "list", key, "--json"])))
}

fn evidence(dir: &Path, key: &str) -> Vec<Value> {
    array(json(debrief(dir).args(["evidence", "list", key, "--json"])))
}

fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list:?}"))
}

fn last8(id: &str) -> &str {
    &id[id.len() - 8..]
}

/// The shortest start of `id` (at least 4 characters) that starts none of `others`.
fn unique_prefix<'a>(id: &'a str, others: &[&str]) -> &'a str {
    let common = others
        .iter()
        .map(|o| {
            id.chars()
                .zip(o.chars())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0);
    &id[..(common + 1).max(4)]
}

const KINDS: [&str; 6] = [
    "technical-lapse",
    "procedural-failure",
    "manual-error",
    "process-flaw",
    "communication-glitch",
    "unknown-vector",
];

const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

fn has_controls(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b == 0x1b || *b == 0x07)
}

// ---------------------------------------------------------------------------------------
// finding add
// ---------------------------------------------------------------------------------------

#[test]
fn finding_add_prints_the_id_and_records_every_field() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let e1 = add_event(d, "IR-1", "10:00", "phish delivered", &[]);
    let e2 = add_event(d, "IR-1", "10:05", "push approved", &[]);

    let id = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "communication-glitch",
        "--title",
        "Customer warned too late",
        "--description",
        "Sales was told after Finance",
        "--impact",
        "Invoice paid",
        "--cross-org",
        "Finance and Sales",
        "--event",
        &e2,
        "--event",
        &e1,
    ]));
    let list = findings(d, "IR-1");
    assert_eq!(list.len(), 1);
    let f = &list[0];
    assert_eq!(f["id"], id.as_str());
    assert_eq!(f["kind"], "communication-glitch");
    assert_eq!(f["title"], "Customer warned too late");
    assert_eq!(f["description"], "Sales was told after Finance");
    assert_eq!(f["impact"], "Invoice paid");
    assert_eq!(f["cross_org"], true);
    assert_eq!(f["group"], "Finance and Sales");
    // The supporting events, in time order.
    assert_eq!(f["events"], serde_json::json!([e1, e2]));
    assert_eq!(f["evidence"], 0);

    // A plain one: kind names are read in any case, with spaces; no cross-org group.
    let plain = new_id(debrief(d).args([
        "finding",
        "add",
        "ir-1",
        "--kind",
        "Manual Error",
        "--title",
        "Push approved blind",
    ]));
    let list = findings(d, "IR-1");
    assert_eq!(list.len(), 2);
    let p = by_id(&list, &plain);
    assert_eq!(p["kind"], "manual-error");
    assert_eq!(p["description"], "");
    assert_eq!(p["impact"], "");
    assert_eq!(p["cross_org"], false);
    assert_eq!(p["group"], "");
    assert_eq!(p["events"], serde_json::json!([]));

    let db = db_path(d);
    assert_eq!(count(&db, "findings"), 2);
    assert_eq!(count(&db, "finding_events"), 2);

    // The creation is in the history, by the OS user.
    let h = history(d, &["IR-1"]);
    let insert = h
        .iter()
        .find(|c| c["entity"] == "finding" && c["entity_id"] == id.as_str())
        .expect("the finding's insert is recorded");
    assert_eq!(insert["op"], "insert");
    assert_eq!(insert["by"], "tester");
    let links = h
        .iter()
        .filter(|c| c["entity"] == "finding_event" && c["change_set"] == insert["change_set"])
        .count();
    assert_eq!(links, 2, "the event links are in the same change set");
}

#[test]
fn a_bad_kind_is_a_usage_error_listing_the_six_kinds() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let e = usage(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "oops-lapse",
        "--title",
        "x",
    ]));
    assert!(e.contains("oops-lapse"), "{e}");
    for kind in KINDS {
        assert!(e.contains(kind), "{kind} missing from: {e}");
    }
    // --kind and --title are required.
    let e = usage(debrief(d).args(["finding", "add", "IR-1", "--title", "x"]));
    assert!(e.contains("--kind"), "{e}");
    let e = usage(debrief(d).args(["finding", "add", "IR-1", "--kind", "manual-error"]));
    assert!(e.contains("--title"), "{e}");
    assert_eq!(row_counts(&db_path(d)), before);
}

#[test]
fn finding_add_on_an_unknown_incident_names_it() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let e = fail(debrief(d).args([
        "finding",
        "add",
        "IR-404",
        "--kind",
        "manual-error",
        "--title",
        "x",
    ]));
    assert!(e.contains("\"IR-404\""), "{e}");
    let e = fail(debrief(d).args(["finding", "list", "IR-404"]));
    assert!(e.contains("IR-404"), "{e}");
    // A blank title is refused too.
    let e = fail(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "manual-error",
        "--title",
        "   ",
    ]));
    assert!(e.contains("title"), "{e}");
    assert_eq!(row_counts(&db_path(d)), before);
}

#[test]
fn event_ids_resolve_by_unique_prefix_or_suffix() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let e1 = add_event(d, "IR-1", "10:00", "one", &[]);
    let e2 = add_event(d, "IR-1", "10:01", "two", &[]);
    let e3 = add_event(d, "IR-1", "10:02", "three", &[]);

    // The last 8 characters (what lists show), in any case.
    let by_suffix = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "technical-lapse",
        "--title",
        "by suffix",
        "--event",
        last8(&e2),
        "--event",
        &last8(&e3).to_ascii_uppercase(),
    ]));
    // A unique start of the id.
    let p1 = unique_prefix(&e1, &[&e2, &e3]);
    assert!(p1.len() >= 4 && p1.len() < e1.len(), "{p1}");
    let by_prefix = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "process-flaw",
        "--title",
        "by prefix",
        "--event",
        p1,
    ]));
    // The whole id, with blanks around it.
    let whole = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "manual-error",
        "--title",
        "whole",
        "--event",
        &format!(" {e3} "),
    ]));

    let list = findings(d, "IR-1");
    assert_eq!(
        by_id(&list, &by_suffix)["events"],
        serde_json::json!([e2, e3])
    );
    assert_eq!(by_id(&list, &by_prefix)["events"], serde_json::json!([e1]));
    assert_eq!(by_id(&list, &whole)["events"], serde_json::json!([e3]));
}

#[test]
fn bad_event_ids_name_the_flag_and_change_nothing() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    new_incident(d, "IR-2");
    let e1 = add_event(d, "IR-1", "10:00", "one", &[]);
    let e2 = add_event(d, "IR-1", "10:01", "two", &[]);
    let other = add_event(d, "IR-2", "10:00", "elsewhere", &[]);
    let db = db_path(d);
    let before = row_counts(&db);
    let bytes = fs::read(&db).unwrap();

    let add = |ids: &[&str]| {
        let mut cmd = debrief(d);
        cmd.args([
            "finding",
            "add",
            "IR-1",
            "--kind",
            "manual-error",
            "--title",
            "never",
        ]);
        for id in ids {
            cmd.args(["--event", id]);
        }
        cmd
    };

    // Unknown.
    let e = fail(&mut add(&["deadbeef"]));
    assert!(e.contains("--event") && e.contains("deadbeef"), "{e}");
    // Too short.
    let e = fail(&mut add(&[&e1[e1.len() - 3..]]));
    assert!(e.contains("--event") && e.contains("4 characters"), "{e}");
    // Not hex.
    let e = fail(&mut add(&["zzzzzzzz"]));
    assert!(e.contains("--event") && e.contains("zzzzzzzz"), "{e}");
    // An event of another incident.
    let e = fail(&mut add(&[last8(&other)]));
    assert!(e.contains("--event") && e.contains(last8(&other)), "{e}");
    // A start shared by two events (UUID v7 ids made close together share a long start).
    let shared: String = e1
        .chars()
        .zip(e2.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    assert!(shared.len() >= 4, "{e1} {e2}");
    let e = fail(&mut add(&[&shared]));
    assert!(e.contains("--event") && e.contains("ambiguous"), "{e}");
    // One good id does not save a bad one.
    let e = fail(&mut add(&[last8(&e1), "deadbeef"]));
    assert!(e.contains("--event") && e.contains("deadbeef"), "{e}");
    // A bad --evidence is named too.
    let mut cmd = add(&[last8(&e1)]);
    let e = fail(cmd.args(["--evidence", "cafebabe"]));
    assert!(e.contains("--evidence") && e.contains("cafebabe"), "{e}");

    assert_eq!(row_counts(&db), before);
    assert_eq!(fs::read(&db).unwrap(), bytes, "the database file changed");
    assert!(findings(d, "IR-1").is_empty());
}

#[test]
fn finding_add_links_evidence_given_by_id() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let ev = new_id(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-4521"]));
    let f = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "procedural-failure",
        "--title",
        "Alert waited",
        "--evidence",
        last8(&ev),
    ]));
    assert_eq!(by_id(&findings(d, "IR-1"), &f)["evidence"], 1);
    let e = &evidence(d, "IR-1")[0];
    assert_eq!(e["findings"], 1);
    assert_eq!(e["events"], 0);
    let text = ok(debrief(d).args(["finding", "list", "IR-1"]));
    assert!(!text.contains("(no evidence)"), "{text}");
}

#[test]
fn finding_add_with_evidence_is_one_change_set() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let ev = new_id(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-4521"]));
    let sets = count(&db_path(d), "change_sets");
    new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "procedural-failure",
        "--title",
        "Alert waited",
        "--evidence",
        &ev,
    ]));
    assert_eq!(count(&db_path(d), "change_sets"), sets + 1);
}

// ---------------------------------------------------------------------------------------
// finding list
// ---------------------------------------------------------------------------------------

#[test]
fn finding_list_marks_findings_without_evidence_and_cross_org_ones() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let text = ok(debrief(d).args(["finding", "list", "IR-1"]));
    assert!(
        text.contains("no findings yet") && text.contains("debrief finding add IR-1"),
        "{text}"
    );
    assert_eq!(
        ok(debrief(d).args(["finding", "list", "IR-1", "--json"])),
        "[]\n"
    );

    let e1 = add_event(d, "IR-1", "10:00", "one", &[]);
    let e2 = add_event(d, "IR-1", "10:01", "two", &[]);
    // Evidence on an event counts for the findings that event supports.
    ok(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-1", "--event", &e1]));
    let backed = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "unknown-vector",
        "--title",
        "Backed finding",
        "--event",
        &e1,
        "--event",
        &e2,
    ]));
    let bare = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "technical-lapse",
        "--title",
        "Bare finding",
        "--cross-org",
        "Identity team",
    ]));

    let text = ok(debrief(d).args(["finding", "list", "IR-1"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // By kind: technical-lapse comes first, unknown-vector last.
    assert!(lines[0].starts_with(last8(&bare)), "{text}");
    assert!(lines[1].starts_with(last8(&backed)), "{text}");
    assert!(lines[0].contains("technical-lapse") && lines[0].contains("Bare finding"));
    assert!(lines[0].contains("[cross-org: Identity team]"), "{text}");
    assert!(lines[0].contains("(no evidence)"), "{text}");
    assert!(lines[0].contains("(0 events)"), "{text}");
    assert!(lines[1].contains("unknown-vector") && lines[1].contains("Backed finding"));
    assert!(!lines[1].contains("(no evidence)"), "{text}");
    assert!(!lines[1].contains("cross-org"), "{text}");
    assert!(lines[1].contains("(2 events)"), "{text}");

    let list = findings(d, "IR-1");
    assert_eq!(list[0]["id"], bare.as_str());
    assert_eq!(list[1]["id"], backed.as_str());
    for f in &list {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "id",
            "kind",
            "title",
            "description",
            "impact",
            "cross_org",
            "group",
            "events",
            "evidence",
        ] {
            assert!(keys.contains(&key), "{key} missing: {f}");
        }
        assert!(f["events"].is_array());
        assert!(f["evidence"].is_u64());
    }
    assert_eq!(list[0]["evidence"], 0);
    assert_eq!(list[1]["evidence"], 1);
    assert_eq!(list[1]["events"], serde_json::json!([e1, e2]));
}

#[test]
fn the_demo_has_six_findings_of_six_kinds() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let list = findings(d, "IR-2026-014");
    assert_eq!(list.len(), 6);
    let kinds: Vec<&str> = list.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, KINDS, "one of each kind, in the order of the kinds");
    // Every supporting event is an event of the incident.
    let events = array(json(debrief(d).args([
        "event",
        "list",
        "IR-2026-014",
        "--json",
    ])));
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    for f in &list {
        let supporting = f["events"].as_array().unwrap();
        assert!(!supporting.is_empty(), "{f}");
        for e in supporting {
            assert!(ids.contains(&e.as_str().unwrap()), "{e} of {}", f["title"]);
        }
        assert!(!f["title"].as_str().unwrap().is_empty());
    }
    assert!(
        list.iter()
            .any(|f| f["cross_org"] == true && f["group"] != "")
    );
    let text = ok(debrief(d).args(["finding", "list", "IR-2026-014"]));
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.contains("[cross-org: "), "{text}");
    // The demo's evidence is there and supports things.
    let ev = evidence(d, "IR-2026-014");
    assert!(!ev.is_empty());
    assert!(
        ev.iter()
            .all(|e| e["events"].as_u64().unwrap() + e["findings"].as_u64().unwrap() > 0)
    );
}

// ---------------------------------------------------------------------------------------
// actor add and list
// ---------------------------------------------------------------------------------------

#[test]
fn actor_add_adds_then_reclassifies_by_name_in_any_case() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    add_event(d, "IR-1", "10:00", "phish sent", &["--actor", "mallory"]);
    let list = actors(d, "IR-1");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "mallory");
    assert_eq!(list[0]["kind"], "unclassified");
    assert_eq!(list[0]["attribution"], "known");
    let mallory_id = list[0]["id"].clone();

    let h_before = history(d, &["--limit", "1000"]).len();
    let out = ok(debrief(d).args([
        "actor",
        "add",
        "IR-1",
        "Mallory",
        "--kind",
        "threat-actor",
        "--suspected",
    ]));
    assert!(out.starts_with("updated actor"), "{out}");
    assert!(
        out.contains("threat actor") && out.contains("suspected"),
        "{out}"
    );
    let list = actors(d, "IR-1");
    assert_eq!(list.len(), 1, "reclassified, not duplicated");
    assert_eq!(list[0]["id"], mallory_id);
    assert_eq!(list[0]["kind"], "threat-actor");
    assert_eq!(list[0]["attribution"], "suspected");

    // The change is in the history, old and new, in one change set.
    let h = history(d, &["IR-1"]);
    assert_eq!(history(d, &["--limit", "1000"]).len(), h_before + 2);
    let kind = &h[..2]
        .iter()
        .find(|c| c["field"] == "kind")
        .expect("the kind change");
    assert_eq!(kind["entity"], "actor");
    assert_eq!(kind["entity_id"], mallory_id);
    assert_eq!(kind["op"], "update");
    assert_eq!(kind["old"], "unclassified");
    assert_eq!(kind["new"], "threat-actor");
    assert_eq!(kind["by"], "tester");
    let attribution = &h[..2]
        .iter()
        .find(|c| c["field"] == "attribution")
        .expect("the attribution change");
    assert_eq!(attribution["old"], "known");
    assert_eq!(attribution["new"], "suspected");
    assert_eq!(kind["change_set"], attribution["change_set"]);
    let text = ok(debrief(d).args(["history", "IR-1"]));
    assert!(
        text.contains("actor kind: unclassified -> threat-actor"),
        "{text}"
    );

    // The same again changes nothing, but still says "updated".
    let rows = row_counts(&db_path(d));
    let out = ok(debrief(d).args([
        "actor",
        "add",
        "IR-1",
        "MALLORY",
        "--kind",
        "threat-actor",
        "--suspected",
    ]));
    assert!(out.starts_with("updated actor"), "{out}");
    assert_eq!(row_counts(&db_path(d)), rows);

    // A new name is added, with its note; the event still names the same actor.
    let out = ok(debrief(d).args([
        "actor",
        "add",
        "IR-1",
        "SOC on duty",
        "--kind",
        "team",
        "--note",
        "morning shift",
    ]));
    assert_eq!(out, "added actor SOC on duty (team, known)\n");
    let list = actors(d, "IR-1");
    assert_eq!(list.len(), 2);
    let soc = list.iter().find(|a| a["name"] == "SOC on duty").unwrap();
    assert_eq!(soc["kind"], "team");
    assert_eq!(soc["attribution"], "known");
    assert_eq!(soc["note"], "morning shift");
    let events = array(json(debrief(d).args(["event", "list", "IR-1", "--json"])));
    assert_eq!(events[0]["actor"], "mallory");

    let text = ok(debrief(d).args(["actor", "list", "IR-1"]));
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("morning shift") && text.contains("threat actor"));
}

#[test]
fn bad_actor_adds_are_refused() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = row_counts(&db_path(d));
    let e = usage(debrief(d).args(["actor", "add", "IR-1", "Eve", "--kind", "alien"]));
    assert!(e.contains("alien"), "{e}");
    for kind in ["threat-actor", "person", "team", "external-org", "system"] {
        assert!(e.contains(kind), "{kind} missing: {e}");
    }
    let e = usage(debrief(d).args(["actor", "add", "IR-1", "Eve"]));
    assert!(e.contains("--kind"), "{e}");
    let e = fail(debrief(d).args(["actor", "add", "NOPE", "Eve", "--kind", "person"]));
    assert!(e.contains("NOPE"), "{e}");
    let e = fail(debrief(d).args(["actor", "add", "IR-1", "  ", "--kind", "person"]));
    assert!(e.contains("name"), "{e}");
    let e = fail(debrief(d).args(["actor", "list", "NOPE"]));
    assert!(e.contains("NOPE"), "{e}");
    assert_eq!(row_counts(&db_path(d)), before);
}

// ---------------------------------------------------------------------------------------
// evidence add and list
// ---------------------------------------------------------------------------------------

#[test]
fn evidence_add_hashes_a_file_and_records_an_absolute_locator() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let e1 = add_event(d, "IR-1", "10:00", "one", &[]);
    let f1 = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "manual-error",
        "--title",
        "f",
    ]));
    fs::write(d.join("abc.txt"), "abc").unwrap();

    // A relative path is read in the working folder and stored absolute.
    let id = new_id(debrief(d).args([
        "evidence",
        "add",
        "IR-1",
        "--path",
        "abc.txt",
        "--title",
        "The export",
        "--event",
        last8(&e1),
        "--finding",
        last8(&f1),
    ]));
    let list = evidence(d, "IR-1");
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["id"], id.as_str());
    assert_eq!(e["kind"], "file");
    let locator = e["locator"].as_str().unwrap();
    assert!(Path::new(locator).is_absolute(), "{locator}");
    assert_eq!(Path::new(locator), d.join("abc.txt"));
    assert_eq!(e["title"], "The export");
    assert_eq!(e["sha256"], SHA256_ABC);
    assert_eq!(e["size"], 3);
    assert!(e["modified"].is_string(), "{e}");
    assert!(e["state"].is_null(), "not verified yet: {e}");
    assert_eq!(e["events"], 1);
    assert_eq!(e["findings"], 1);
    assert_eq!(by_id(&findings(d, "IR-1"), &f1)["evidence"], 1);

    let text = ok(debrief(d).args(["evidence", "list", "IR-1"]));
    assert!(text.starts_with(last8(&id)), "{text}");
    assert!(text.contains(locator), "{text}");
    assert!(text.contains(&SHA256_ABC[..16]), "{text}");
    assert!(text.contains("(1 events, 1 findings)"), "{text}");

    // An absolute path elsewhere works too.
    let other = tmp();
    let outside = other.path().join("log.json");
    fs::write(&outside, "{}\n").unwrap();
    ok(debrief(d)
        .args(["evidence", "add", "IR-1", "--path"])
        .arg(&outside));
    let list = evidence(d, "IR-1");
    assert_eq!(list[1]["locator"], outside.to_str().unwrap());
    assert_eq!(list[1]["size"], 3);

    let h = history(d, &["IR-1"]);
    assert!(
        h.iter()
            .any(|c| c["entity"] == "evidence" && c["entity_id"] == id.as_str()),
        "{h:?}"
    );
}

#[test]
fn evidence_add_takes_a_url_or_a_ticket() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let e1 = add_event(d, "IR-1", "10:00", "one", &[]);
    let e2 = add_event(d, "IR-1", "10:01", "two", &[]);
    let ticket = new_id(debrief(d).args([
        "evidence", "add", "IR-1", "--url", "SEC-1", "--event", &e1, "--event", &e2,
    ]));
    let url = new_id(debrief(d).args([
        "evidence",
        "add",
        "IR-1",
        "--url",
        "https://siem.example/alerts/88213",
        "--title",
        "The alert",
    ]));
    let list = evidence(d, "IR-1");
    assert_eq!(list.len(), 2);
    let t = by_id(&list, &ticket);
    assert_eq!(t["kind"], "url");
    assert_eq!(t["locator"], "SEC-1");
    assert!(t["sha256"].is_null() && t["size"].is_null(), "{t}");
    assert_eq!(t["events"], 2);
    assert_eq!(t["findings"], 0);
    let u = by_id(&list, &url);
    assert_eq!(u["locator"], "https://siem.example/alerts/88213");
    assert_eq!(u["title"], "The alert");
    assert_eq!(u["events"], 0);
}

#[test]
fn bad_evidence_adds_are_refused_and_change_nothing() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    fs::write(d.join("abc.txt"), "abc").unwrap();
    ok(debrief(d).args(["evidence", "add", "IR-1", "--path", "abc.txt"]));
    ok(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-1"]));
    let db = db_path(d);
    let before = row_counts(&db);
    let listed = evidence(d, "IR-1");

    // Both --path and --url: a usage error.
    let e = usage(debrief(d).args([
        "evidence", "add", "IR-1", "--path", "abc.txt", "--url", "SEC-2",
    ]));
    assert!(e.contains("--path") && e.contains("--url"), "{e}");
    // Neither: an error too.
    let out = debrief(d)
        .args(["evidence", "add", "IR-1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--path"),
        "{out:?}"
    );
    // A missing file is named.
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--path", "gone.pcap"]));
    assert!(e.contains("gone.pcap"), "{e}");
    // A folder is no evidence file.
    fs::create_dir(d.join("folder")).unwrap();
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--path", "folder"]));
    assert!(e.contains("folder"), "{e}");
    // The same file again, by a relative or an absolute path.
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--path", "abc.txt"]));
    assert!(e.contains("already evidence"), "{e}");
    assert!(e.contains("abc.txt"), "{e}");
    let e = fail(
        debrief(d)
            .args(["evidence", "add", "IR-1", "--path"])
            .arg(d.join("abc.txt")),
    );
    assert!(e.contains("already evidence"), "{e}");
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--path", "./abc.txt"]));
    assert!(e.contains("already evidence"), "{e}");
    // The same ticket again.
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-1"]));
    assert!(e.contains("already evidence") && e.contains("SEC-1"), "{e}");
    // A blank URL.
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--url", "  "]));
    assert!(e.contains("--url"), "{e}");
    // Unknown incident, unknown event, unknown finding.
    let e = fail(debrief(d).args(["evidence", "add", "IR-9", "--url", "SEC-2"]));
    assert!(e.contains("IR-9"), "{e}");
    let e = fail(debrief(d).args([
        "evidence", "add", "IR-1", "--url", "SEC-2", "--event", "deadbeef",
    ]));
    assert!(e.contains("--event") && e.contains("deadbeef"), "{e}");
    let e = fail(debrief(d).args([
        "evidence",
        "add",
        "IR-1",
        "--url",
        "SEC-2",
        "--finding",
        "abc",
    ]));
    assert!(e.contains("--finding"), "{e}");

    assert_eq!(row_counts(&db), before);
    assert_eq!(evidence(d, "IR-1"), listed);
}

#[test]
fn the_same_file_by_another_path_is_already_evidence() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(d.join("abc.txt"), "abc").unwrap();
    ok(debrief(d).args(["evidence", "add", "IR-1", "--path", "abc.txt"]));
    let e = fail(debrief(d).args(["evidence", "add", "IR-1", "--path", "sub/../abc.txt"]));
    assert!(e.contains("already evidence"), "{e}");
}

// ---------------------------------------------------------------------------------------
// evidence verify
// ---------------------------------------------------------------------------------------

#[test]
fn evidence_verify_reports_changed_and_missing_files() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let out = ok(debrief(d).args(["evidence", "verify", "IR-1"]));
    assert!(out.contains("no evidence files"), "{out}");

    let a = d.join("a.log");
    let b = d.join("b.log");
    fs::write(&a, "abc").unwrap();
    fs::write(&b, "second file\n").unwrap();
    ok(debrief(d).args(["evidence", "add", "IR-1", "--path", "a.log"]));
    ok(debrief(d).args(["evidence", "add", "IR-1", "--path", "b.log"]));
    // URL evidence is no file to verify.
    ok(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-1"]));

    // All unchanged.
    let out = ok(debrief(d).args(["evidence", "verify", "IR-1"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().all(|l| l.starts_with("ok")), "{out}");
    assert!(out.contains(a.to_str().unwrap()) && out.contains(b.to_str().unwrap()));
    assert!(!out.contains("SEC-1"), "{out}");
    let list = evidence(d, "IR-1");
    assert_eq!(list[0]["state"], "ok");
    assert_eq!(list[1]["state"], "ok");
    assert!(list[2]["state"].is_null(), "URLs are not verified");
    // Verifying again what is still ok records no change.
    let h = count(&db_path(d), "history");
    ok(debrief(d).args(["evidence", "verify", "IR-1"]));
    assert_eq!(count(&db_path(d), "history"), h);

    // One changed (same size, other bytes), one gone.
    fs::write(&a, "abd").unwrap();
    fs::remove_file(&b).unwrap();
    let out = debrief(d)
        .args(["evidence", "verify", "IR-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let changed = lines.iter().find(|l| l.starts_with("changed")).unwrap();
    assert!(changed.contains(a.to_str().unwrap()), "{stdout}");
    let missing = lines.iter().find(|l| l.starts_with("missing")).unwrap();
    assert!(missing.contains(b.to_str().unwrap()), "{stdout}");
    assert_eq!(
        stderr, "debrief: 2 of 2 evidence files changed or missing\n",
        "{stderr}"
    );
    let list = evidence(d, "IR-1");
    assert_eq!(list[0]["state"], "changed");
    assert_eq!(list[1]["state"], "missing");
    // The recorded hash is the one taken when the file was added.
    assert_eq!(list[0]["sha256"], SHA256_ABC);

    // The new states are in the history, old and new.
    let h = history(d, &["IR-1"]);
    let states: Vec<(&Value, &Value)> = h
        .iter()
        .filter(|c| c["field"] == "verify_state")
        .map(|c| (&c["old"], &c["new"]))
        .take(2)
        .collect();
    assert!(states.contains(&(&Value::from("ok"), &Value::from("changed"))));
    assert!(states.contains(&(&Value::from("ok"), &Value::from("missing"))));

    // Putting the bytes back: one still missing.
    fs::write(&a, "abc").unwrap();
    let out = debrief(d)
        .args(["evidence", "verify", "IR-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().any(|l| l.starts_with("ok")), "{stdout}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "debrief: 1 of 2 evidence files changed or missing\n"
    );

    let e = fail(debrief(d).args(["evidence", "verify", "NOPE"]));
    assert!(e.contains("NOPE"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Untrusted text
// ---------------------------------------------------------------------------------------

#[test]
fn escape_sequences_in_findings_actors_and_evidence_are_made_inert() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let title = "Wiped \x1b[2J screen";
    let group = "Fin\x1b]0;pwned\x07ance";
    ok(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "technical-lapse",
        "--title",
        title,
        "--cross-org",
        group,
    ]));
    ok(debrief(d).args(["actor", "add", "IR-1", "Eve\x1b[31m", "--kind", "person"]));
    ok(debrief(d).args(["evidence", "add", "IR-1", "--url", "SEC-\x1b[2J1"]));
    let name = "bad\x1b[2Jname.txt";
    fs::write(d.join(name), "abc").unwrap();
    ok(debrief(d).args(["evidence", "add", "IR-1", "--path", name]));
    fs::remove_file(d.join(name)).unwrap();

    for args in [
        &["finding", "list", "IR-1"][..],
        &["actor", "list", "IR-1"],
        &["actor", "add", "IR-1", "eve\x1b[31m", "--kind", "team"],
        &["evidence", "list", "IR-1"],
        &["history", "IR-1"],
    ] {
        let out = debrief(d).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(!has_controls(&out.stdout), "{args:?}: {:?}", out.stdout);
        let text = String::from_utf8(out.stdout).unwrap();
        // The history's text form names inserts by id only, so it shows no title.
        if args[0] != "history" {
            assert!(text.contains('␛'), "{args:?}: {text}");
        }
    }
    let text = ok(debrief(d).args(["finding", "list", "IR-1"]));
    assert!(text.contains("Wiped ␛[2J screen"), "{text}");
    assert!(text.contains("[cross-org: Fin␛]0;pwned␇ance]"), "{text}");

    // A failing verify: neither stdout nor stderr carries raw controls.
    let out = debrief(d)
        .args(["evidence", "verify", "IR-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!has_controls(&out.stdout), "{:?}", out.stdout);
    assert!(!has_controls(&out.stderr), "{:?}", out.stderr);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("bad␛[2Jname.txt")
    );

    // JSON escapes the controls and keeps the exact text.
    for args in [
        &["finding", "list", "IR-1", "--json"][..],
        &["actor", "list", "IR-1", "--json"],
        &["evidence", "list", "IR-1", "--json"],
        &["history", "--json"],
    ] {
        let out = debrief(d).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            !has_controls(&out.stdout),
            "{args:?}: raw control bytes in JSON"
        );
        assert!(
            String::from_utf8(out.stdout).unwrap().contains("\\u001b"),
            "{args:?}"
        );
    }
    let raw = ok(debrief(d).args(["finding", "list", "IR-1", "--json"]));
    assert!(raw.contains("Wiped \\u001b[2J screen"), "{raw}");
    let f = &findings(d, "IR-1")[0];
    assert_eq!(f["title"], title);
    assert_eq!(f["group"], group);

    // A hostile id in an error message.
    let out = debrief(d)
        .args([
            "finding",
            "add",
            "IR-1",
            "--kind",
            "manual-error",
            "--title",
            "x",
            "--event",
            "dead\x1b[2Jbeef",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!has_controls(&out.stderr), "{:?}", out.stderr);
}

#[test]
fn every_new_failure_is_one_line_on_stderr() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let failures: &[&[&str]] = &[
        &[
            "finding",
            "add",
            "NOPE",
            "--kind",
            "manual-error",
            "--title",
            "x",
        ],
        &[
            "finding",
            "add",
            "IR-1",
            "--kind",
            "manual-error",
            "--title",
            "line one\nline two",
            "--event",
            "abc",
        ],
        &["finding", "list", "NOPE"],
        &["actor", "add", "NO\nPE", "Eve", "--kind", "person"],
        &["actor", "list", "NOPE"],
        &["evidence", "add", "IR-1", "--path", "missing\nfile"],
        &["evidence", "list", "NOPE"],
        &["evidence", "verify", "NOPE"],
    ];
    for args in failures {
        let line = fail(debrief(d).args(*args));
        assert!(line.len() > "debrief: ".len() + 5, "{args:?}: {line}");
    }
}
