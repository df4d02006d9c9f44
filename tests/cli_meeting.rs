//! The command line for what the workbench edits, for scripts: `debrief event edit`,
//! `debrief event delete`, and `debrief evidence link` / `unlink` (one piece of evidence
//! backing many events and findings).

use serde_json::Value;
use std::fs;

mod common;
use common::*;

fn events(dir: &std::path::Path, key: &str) -> Vec<Value> {
    json(debrief(dir).args(["event", "list", key, "--json"]))
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn event_edit_changes_only_the_fields_given_and_delete_removes_it() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let id = new_id(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11T10:00:00Z",
        "--text",
        "alert",
        "--actor",
        "SIEM",
        "--tag",
        "edr",
    ]));
    let short = &id[id.len() - 8..];
    ok(debrief(d).args([
        "event",
        "edit",
        short,
        "--text",
        "SIEM alert 88213",
        "--at",
        "~2026-03-10",
        "--tag",
        "siem",
        "--tag",
        "triage",
        "--phase",
        "detection",
    ]));
    let e = &events(d, "IR-1")[0];
    assert_eq!(e["text"], "SIEM alert 88213");
    assert_eq!(e["actor"], "SIEM", "untouched fields stay");
    assert_eq!(e["precision"], "day");
    assert_eq!(e["tags"], serde_json::json!(["siem", "triage"]));
    assert_eq!(e["phase"], "detection");
    // "" removes an optional field.
    ok(debrief(d).args(["event", "edit", short, "--actor", ""]));
    assert!(events(d, "IR-1")[0]["actor"].is_null());
    // Nothing given: said so, nothing written.
    let e = fail(debrief(d).args(["event", "edit", short]));
    assert!(e.contains("nothing to change"), "{e}");
    let e = fail(debrief(d).args(["event", "edit", short, "--phase", "lunch"]));
    assert!(e.contains("--phase"), "{e}");
    let e = fail(debrief(d).args(["event", "edit", "ffffffff", "--text", "x"]));
    assert!(e.contains("no event"), "{e}");
    let out = ok(debrief(d).args(["event", "delete", short]));
    assert!(out.contains("deleted"), "{out}");
    assert!(events(d, "IR-1").is_empty());
}

#[test]
fn evidence_links_to_a_second_event_and_a_finding_and_unlinks() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let add = |at: &str, text: &str| {
        new_id(debrief(d).args(["event", "add", "IR-1", "--at", at, "--text", text]))
    };
    let first = add("2026-03-11T10:00:00Z", "first");
    let second = add("2026-03-11T11:00:00Z", "second");
    let finding = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "technical-lapse",
        "--title",
        "no alert",
    ]));
    fs::write(d.join("trace.csv"), "a,b\n").unwrap();
    let ev = new_id(debrief(d).args([
        "evidence",
        "add",
        "IR-1",
        "--path",
        "trace.csv",
        "--event",
        &first,
    ]));
    // Adding it again says how to link it instead.
    let e = fail(debrief(d).args([
        "evidence",
        "add",
        "IR-1",
        "--path",
        "trace.csv",
        "--event",
        &second,
    ]));
    assert!(
        e.contains("already evidence") && e.contains("debrief evidence link"),
        "{e}"
    );
    let out = ok(debrief(d).args([
        "evidence",
        "link",
        &ev[ev.len() - 8..],
        "--event",
        &second,
        "--finding",
        &finding,
    ]));
    assert!(out.contains("2 events and 1 findings"), "{out}");
    let listed = json(debrief(d).args(["evidence", "list", "IR-1", "--json"]));
    assert_eq!(listed[0]["events"], 2);
    assert_eq!(listed[0]["findings"], 1);
    let out = ok(debrief(d).args(["evidence", "unlink", &ev, "--event", &first]));
    assert!(out.contains("1 events and 1 findings"), "{out}");
    let e = fail(debrief(d).args(["evidence", "link", &ev]));
    assert!(e.contains("--event"), "{e}");
}

#[test]
fn an_action_logged_before_its_finding_is_linked_later() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let action = new_id(debrief(d).args([
        "action",
        "add",
        "IR-1",
        "--kind",
        "bug",
        "--title",
        "Rotate the vendor's support token",
        "--owner",
        "Vendor Security",
    ]));
    let finding = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-1",
        "--kind",
        "process-flaw",
        "--title",
        "Vendor access not reviewed",
    ]));
    let out = ok(debrief(d).args(["action", "update", &action, "--finding", &finding]));
    assert!(out.contains("addresses 1 findings"), "{out}");
    let shown = json(debrief(d).args(["action", "show", &action, "--json"]));
    assert_eq!(shown["findings"], serde_json::json!([finding]));
    let out = ok(debrief(d).args([
        "action",
        "update",
        &action,
        "--unlink-finding",
        &finding[finding.len() - 8..],
    ]));
    assert!(out.contains("addresses 0 findings"), "{out}");
    let e = fail(debrief(d).args(["action", "update", &action, "--finding", "ffffffff"]));
    assert!(e.contains("--finding"), "{e}");
}

#[test]
fn actor_rename_moves_the_events_with_it() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    ok(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11T10:00:00Z",
        "--text",
        "x",
        "--actor",
        "Vendor",
    ]));
    let out = ok(debrief(d).args(["actor", "rename", "IR-1", "Vendor", "Vendor Security"]));
    assert!(out.contains("renamed Vendor to Vendor Security"), "{out}");
    assert_eq!(events(d, "IR-1")[0]["actor"], "Vendor Security");
    let e = fail(debrief(d).args(["actor", "rename", "IR-1", "Nobody", "X"]));
    assert!(e.contains("no actor named"), "{e}");
}
