//! The command line for the improvement backlog, end to end: `debrief action`,
//! `debrief backlog`, `debrief owner` and `debrief sop`, run as separate processes against
//! a database in a temporary folder (most tests start from the demo incident IR-2026-014
//! and its 12 actions).
//!
//! Each command gets `--db <tmp>/t.db`, `DEBRIEF_CONFIG=<tmp>/none.toml` (so no user config
//! is read) and `USER=tester`. "Overdue" and "not reviewed" are judged by `--today`, so the
//! results do not depend on the day the tests run. The database is inspected read-only
//! with rusqlite.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

mod common;
use common::*;

const KEY: &str = "IR-2026-014";

/// Rows of the tables an action, review, owner or SOP write touches.
fn row_counts(db: &Path) -> [i64; 7] {
    [
        "actions",
        "owners",
        "history",
        "change_sets",
        "reviews",
        "action_findings",
        "sop_changes",
    ]
    .map(|t| count(db, t))
}

/// Loads the demo incident.
fn demo(dir: &Path) {
    let out = ok(debrief(dir).arg("demo"));
    assert!(out.contains(KEY), "{out}");
}

/// Creates an empty incident `key`.
fn new_incident(dir: &Path, key: &str) {
    let out = ok(debrief(dir).args(["incident", "new", key, "--title", "Another incident"]));
    assert_eq!(out, format!("created incident {key}\n"));
}

/// Adds an action to `key` and returns its id.
fn add_action(dir: &Path, key: &str, title: &str, owner: &str, extra: &[&str]) -> String {
    new_id(
        debrief(dir)
            .args(["action", "add", key, "--title", title, "--owner", owner])
            .args(extra),
    )
}

fn array(v: Value) -> Vec<Value> {
    v.as_array().expect("an array").clone()
}

fn backlog(dir: &Path, extra: &[&str]) -> Vec<Value> {
    array(json(debrief(dir).args(["backlog", "--json"]).args(extra)))
}

fn show(dir: &Path, id: &str) -> Value {
    json(debrief(dir).args(["action", "show", id, "--json"]))
}

fn owners(dir: &Path, extra: &[&str]) -> Vec<Value> {
    array(json(
        debrief(dir).args(["owner", "list", "--json"]).args(extra),
    ))
}

fn sops(dir: &Path, extra: &[&str]) -> Vec<Value> {
    array(json(
        debrief(dir).args(["sop", "list", "--json"]).args(extra),
    ))
}

fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list:?}"))
}

fn by_title<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter()
        .find(|v| v["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {list:?}"))
}

fn by_name<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no owner {name:?} in {list:?}"))
}

fn last8(id: &str) -> &str {
    &id[id.len() - 8..]
}

fn ids(list: &[Value]) -> BTreeSet<String> {
    list.iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

const OPEN: [&str; 3] = ["proposed", "accepted", "in-progress"];

fn is_open(a: &Value) -> bool {
    OPEN.contains(&str_of(&a["status"]))
}

/// Whether `a` is owned by `name` as person or group (names compare in any case).
fn owned_by(a: &Value, name: &str) -> bool {
    ["owner", "group"]
        .iter()
        .any(|f| a[f].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
}

fn has_controls(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b == 0x1b || *b == 0x07)
}

const ACTION_KINDS: [&str; 7] = [
    "bug",
    "change-request",
    "service-investment",
    "process-change",
    "sop-update",
    "documentation",
    "training",
];

// ---------------------------------------------------------------------------------------
// action add
// ---------------------------------------------------------------------------------------

#[test]
fn action_add_prints_the_id_and_records_every_field() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let before = row_counts(&db);
    let findings = array(json(debrief(d).args(["finding", "list", KEY, "--json"])));
    assert!(findings.len() >= 2, "{findings:?}");
    let f1 = str_of(&findings[0]["id"]).to_string();
    let f2 = str_of(&findings[1]["id"]).to_string();

    let id = add_action(
        d,
        KEY,
        "Rotate the shared mailbox password",
        "Q. Newperson",
        &[
            "--group",
            "Mail team",
            "--kind",
            "bug",
            "--priority",
            "P0",
            "--due",
            "2099-01-31",
            "--ticket",
            " SEC-9001 ",
            "--description",
            "Nobody knows who has it",
            // A finding by its last 8 characters, another by its whole id.
            "--finding",
            last8(&f1),
            "--finding",
            &f2,
        ],
    );
    let a = show(d, &id);
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["incident"], KEY);
    assert_eq!(a["title"], "Rotate the shared mailbox password");
    assert_eq!(a["description"], "Nobody knows who has it");
    assert_eq!(a["kind"], "bug");
    assert_eq!(a["priority"], "P0");
    assert_eq!(a["due"], "2099-01-31");
    assert_eq!(a["ticket"], "SEC-9001", "the ticket is trimmed");
    assert_eq!(a["owner"], "Q. Newperson");
    assert_eq!(a["group"], "Mail team");
    assert_eq!(a["status"], "proposed");
    assert_eq!(a["reject_reason"], "");
    assert_eq!(a["overdue"], false);
    assert_eq!(a["last_review"], Value::Null);
    assert_eq!(a["reviews"], serde_json::json!([]));
    let linked: BTreeSet<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(str_of)
        .collect();
    assert_eq!(linked, BTreeSet::from([f1.as_str(), f2.as_str()]));

    // The owner and the group were created on the fly, as a person and a group.
    let list = owners(d, &[]);
    assert_eq!(by_name(&list, "Q. Newperson")["kind"], "person");
    assert_eq!(by_name(&list, "Mail team")["kind"], "group");

    let after = row_counts(&db);
    assert_eq!(after[0], before[0] + 1, "one action");
    assert_eq!(after[1], before[1] + 2, "two owners");
    assert!(after[2] > before[2], "the history records it");
    assert_eq!(after[3], before[3] + 1, "in one change set");
    assert_eq!(after[5], before[5] + 2, "two finding links");

    // The backlog shows it.
    assert_eq!(by_id(&backlog(d, &[]), &id)["title"], a["title"]);

    // The creation is in the history, by the OS user.
    let h = array(json(debrief(d).args(["history", KEY, "--json"])));
    let insert = h
        .iter()
        .find(|c| c["entity"] == "action" && c["entity_id"] == id.as_str())
        .expect("the action's insert is recorded");
    assert_eq!(insert["op"], "insert");
    assert_eq!(insert["by"], "tester");
}

#[test]
fn action_add_has_sensible_defaults() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let id = add_action(d, KEY, "Just a title", "Solo Person", &[]);
    let a = show(d, &id);
    assert_eq!(a["kind"], "change-request");
    assert_eq!(a["priority"], "P2");
    assert_eq!(a["status"], "proposed");
    assert_eq!(a["due"], Value::Null);
    assert_eq!(a["ticket"], "");
    assert_eq!(a["description"], "");
    assert_eq!(a["group"], Value::Null);
    assert_eq!(a["findings"], serde_json::json!([]));
    // Kind and priority names are read in any case, with spaces.
    let id = add_action(
        d,
        KEY,
        "Spelled loosely",
        "Solo Person",
        &["--kind", "SOP update", "--priority", "p3"],
    );
    let a = show(d, &id);
    assert_eq!(a["kind"], "sop-update");
    assert_eq!(a["priority"], "P3");
}

#[test]
fn owners_and_groups_are_reused_in_any_case() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let owners_before = owners(d, &[]);
    let rows = count(&db, "owners");
    assert_eq!(rows as usize, owners_before.len());

    let id = add_action(
        d,
        KEY,
        "Tune the handover alert",
        "l. ortega",
        &["--group", "  soc  "],
    );
    assert_eq!(count(&db, "owners"), rows, "no owner was created");
    let a = show(d, &id);
    assert_eq!(a["owner"], "L. Ortega", "the existing spelling is kept");
    assert_eq!(a["group"], "SOC");
    let names =
        |l: &[Value]| -> Vec<String> { l.iter().map(|o| str_of(&o["name"]).to_string()).collect() };
    assert_eq!(names(&owners(d, &[])), names(&owners_before));

    // The new action counts for both.
    let list = owners(d, &["--today", "2026-11-28"]);
    assert_eq!(by_name(&list, "L. Ortega")["open"], 3);
    assert_eq!(by_name(&list, "SOC")["open"], 3);
}

#[test]
fn a_bad_kind_or_priority_is_a_usage_error() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let before = row_counts(&db);
    let add = |extra: &[&str]| {
        let mut cmd = debrief(d);
        cmd.args([
            "action",
            "add",
            KEY,
            "--title",
            "never",
            "--owner",
            "Nobody New",
        ])
        .args(extra);
        cmd
    };

    let e = usage(&mut add(&["--kind", "wishlist"]));
    assert!(e.contains("wishlist"), "{e}");
    for kind in ACTION_KINDS {
        assert!(e.contains(kind), "{kind} missing from: {e}");
    }
    let e = usage(&mut add(&["--priority", "P4"]));
    assert!(
        e.contains("P4") && e.contains("P0") && e.contains("P3"),
        "{e}"
    );
    let e = usage(&mut add(&["--priority", "urgent"]));
    assert!(e.contains("urgent"), "{e}");
    // --title and --owner are required.
    let e = usage(debrief(d).args(["action", "add", KEY, "--owner", "x"]));
    assert!(e.contains("--title"), "{e}");
    let e = usage(debrief(d).args(["action", "add", KEY, "--title", "x"]));
    assert!(e.contains("--owner"), "{e}");

    assert_eq!(row_counts(&db), before);
}

#[test]
fn failed_action_adds_name_the_problem_and_change_nothing() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    new_incident(d, "IR-2");
    let other = new_id(debrief(d).args([
        "finding",
        "add",
        "IR-2",
        "--kind",
        "manual-error",
        "--title",
        "elsewhere",
    ]));
    let db = db_path(d);
    let before = row_counts(&db);
    let add = |key: &str, extra: &[&str]| {
        let mut cmd = debrief(d);
        cmd.args([
            "action",
            "add",
            key,
            "--title",
            "never",
            "--owner",
            "Nobody New",
            "--group",
            "No Such Team",
        ])
        .args(extra);
        cmd
    };

    // An unknown incident.
    let e = fail(&mut add("IR-404", &[]));
    assert!(e.contains("IR-404"), "{e}");
    // A due date that is no date.
    for bad in ["2026-13-01", "2026-02-30", "next friday", "31/12/2026"] {
        let e = fail(&mut add(KEY, &["--due", bad]));
        assert!(e.contains("--due") && e.contains(bad), "{bad}: {e}");
    }
    // An unknown finding, alone or after a good one.
    let e = fail(&mut add(KEY, &["--finding", "deadbeef"]));
    assert!(e.contains("--finding") && e.contains("deadbeef"), "{e}");
    let good = array(json(debrief(d).args(["finding", "list", KEY, "--json"])));
    let good = str_of(&good[0]["id"]).to_string();
    let e = fail(&mut add(
        KEY,
        &["--finding", last8(&good), "--finding", "cafebabe"],
    ));
    assert!(e.contains("--finding") && e.contains("cafebabe"), "{e}");
    // A finding of another incident.
    let e = fail(&mut add(KEY, &["--finding", last8(&other)]));
    assert!(e.contains("--finding"), "{e}");
    // Too short, not hex.
    let e = fail(&mut add(KEY, &["--finding", "abc"]));
    assert!(e.contains("--finding"), "{e}");
    let e = fail(&mut add(KEY, &["--finding", "zzzzzzzz"]));
    assert!(e.contains("--finding"), "{e}");
    // A blank title or owner.
    let e = fail(debrief(d).args(["action", "add", KEY, "--title", "  ", "--owner", "x"]));
    assert!(e.contains("title"), "{e}");
    let e = fail(debrief(d).args(["action", "add", KEY, "--title", "x", "--owner", " "]));
    assert!(e.contains("owner"), "{e}");

    assert_eq!(row_counts(&db), before);
    let list = owners(d, &[]);
    assert!(
        list.iter()
            .all(|o| o["name"] != "Nobody New" && o["name"] != "No Such Team"),
        "{list:?}"
    );
    assert_eq!(backlog(d, &[]).len(), 12);
}

// ---------------------------------------------------------------------------------------
// action update
// ---------------------------------------------------------------------------------------

#[test]
fn action_update_records_a_review_and_changes_the_fields() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let id = add_action(
        d,
        KEY,
        "Review mailbox auditing",
        "A. First",
        &["--group", "Group One", "--due", "2026-12-01"],
    );
    let before = row_counts(&db);

    // The id given as its last 8 characters.
    let out = ok(debrief(d).args([
        "action",
        "update",
        last8(&id),
        "--status",
        "accepted",
        "--note",
        "Agreed at the review",
        "--owner",
        "B. Second",
        "--group",
        "IR team",
        "--due",
        "2027-01-15",
    ]));
    assert!(
        out.starts_with(&format!("reviewed {}: ", last8(&id))),
        "{out}"
    );
    assert!(out.contains("status: proposed → accepted"), "{out}");

    let a = show(d, &id);
    assert_eq!(a["status"], "accepted");
    assert_eq!(a["owner"], "B. Second");
    assert_eq!(a["group"], "IR team", "an existing group, reused");
    assert_eq!(a["due"], "2027-01-15");
    let reviews = a["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1);
    let r = &reviews[0];
    assert_eq!(r["action_id"], id.as_str());
    assert_eq!(r["status_before"], "proposed");
    assert_eq!(r["status_after"], "accepted");
    assert_eq!(r["note"], "Agreed at the review");
    assert_eq!(r["by"], "tester");
    let changes = str_of(&r["changes"]);
    for part in [
        "status: proposed → accepted",
        "owner: A. First → B. Second",
        "group: Group One → IR team",
        "due: 2026-12-01 → 2027-01-15",
    ] {
        assert!(changes.contains(part), "{part} missing from {changes}");
    }
    assert_eq!(a["last_review"], r["at"]);
    let after = row_counts(&db);
    assert_eq!(after[4], before[4] + 1, "one review");
    assert_eq!(after[1], before[1] + 1, "B. Second was created");
    assert_eq!(after[3], before[3] + 1, "in one change set");
    assert_eq!(by_name(&owners(d, &[]), "B. Second")["kind"], "person");

    // A note alone: a review with nothing changed.
    let out = ok(debrief(d).args(["action", "update", &id, "--note", "Still on track"]));
    assert_eq!(out, format!("reviewed {}: a note\n", last8(&id)));
    let a = show(d, &id);
    let reviews = a["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[1]["note"], "Still on track");
    assert_eq!(reviews[1]["status_before"], "accepted");
    assert_eq!(reviews[1]["status_after"], "accepted");
    assert_eq!(reviews[1]["changes"], "");
    assert_eq!(a["status"], "accepted");
    assert_eq!(a["due"], "2027-01-15");

    // "none" clears the due date.
    ok(debrief(d).args([
        "action",
        "update",
        &last8(&id).to_ascii_uppercase(),
        "--due",
        "none",
    ]));
    let a = show(d, &id);
    assert_eq!(a["due"], Value::Null);
    let reviews = a["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[2]["changes"], "due: 2027-01-15 → none");

    // The status walks on.
    for status in ["in-progress", "resolved", "verified"] {
        ok(debrief(d).args(["action", "update", &id, "--status", status]));
        assert_eq!(show(d, &id)["status"], status);
    }
    assert_eq!(show(d, &id)["reviews"].as_array().unwrap().len(), 6);
}

#[test]
fn rejecting_needs_a_reason() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let list = backlog(d, &[]);
    let target = by_title(&list, "Agree a callback procedure with key customers");
    let id = str_of(&target["id"]).to_string();
    assert_eq!(target["status"], "accepted");
    let shown = show(d, &id);
    let before = row_counts(&db);

    for extra in [
        &[][..],
        &["--note", "   "][..],
        &["--owner", "Someone Else", "--due", "2030-01-01"][..],
    ] {
        let e = fail(
            debrief(d)
                .args(["action", "update", &id, "--status", "rejected"])
                .args(extra),
        );
        assert!(e.contains("needs a reason"), "{e}");
    }
    assert_eq!(row_counts(&db), before);
    let now = show(d, &id);
    assert_eq!(now, shown, "nothing changed");
    assert_eq!(now["status"], "accepted");
    assert_eq!(now["reject_reason"], "");

    // With the reason in the note it is rejected.
    let reason = "Sales will not write to customers this year";
    ok(debrief(d).args([
        "action", "update", &id, "--status", "rejected", "--note", reason,
    ]));
    let a = show(d, &id);
    assert_eq!(a["status"], "rejected");
    assert_eq!(a["reject_reason"], reason);
    let reviews = a["reviews"].as_array().unwrap();
    assert_eq!(
        reviews.len(),
        shown["reviews"].as_array().unwrap().len() + 1
    );
    let r = reviews.last().unwrap();
    assert_eq!(r["status_before"], "accepted");
    assert_eq!(r["status_after"], "rejected");
    assert_eq!(r["note"], reason);
    assert_eq!(r["changes"], "status: accepted → rejected");
    // A rejected action is no longer overdue.
    assert_eq!(a["overdue"], false);
    let overdue = backlog(d, &["--overdue", "--today", "2026-11-28"]);
    assert!(!ids(&overdue).contains(&id), "{overdue:?}");
    // A further note on a rejected action needs no new reason.
    ok(debrief(d).args(["action", "update", &id, "--note", "Asked again: still no"]));
    assert_eq!(show(d, &id)["reject_reason"], reason);
}

#[test]
fn update_resolves_ids_and_refuses_bad_ones() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let id = str_of(&backlog(d, &[])[0]["id"]).to_string();
    let shown = show(d, &id);
    let before = row_counts(&db);

    let e = fail(debrief(d).args(["action", "update", "ffffffff", "--note", "x"]));
    assert!(e.contains("ffffffff"), "{e}");
    let e = fail(debrief(d).args(["action", "update", "abc", "--note", "x"]));
    assert!(e.contains("4 characters"), "{e}");
    let e = fail(debrief(d).args(["action", "update", "not-an-id", "--note", "x"]));
    assert!(e.contains("not-an-id"), "{e}");
    let e = fail(debrief(d).args(["action", "update", &id, "--due", "tomorrow"]));
    assert!(e.contains("--due") && e.contains("tomorrow"), "{e}");
    let e = usage(debrief(d).args(["action", "update", &id, "--status", "done"]));
    assert!(e.contains("done"), "{e}");
    let e = fail(debrief(d).args(["action", "show", "ffffffff"]));
    assert!(e.contains("ffffffff"), "{e}");

    assert_eq!(row_counts(&db), before);
    assert_eq!(show(d, &id), shown);
    // The whole id, in capitals with blanks, resolves too.
    ok(debrief(d).args([
        "action",
        "update",
        &format!(" {} ", id.to_ascii_uppercase()),
        "--note",
        "found",
    ]));
    assert_eq!(
        show(d, &id)["reviews"].as_array().unwrap().last().unwrap()["note"],
        "found"
    );
}

#[test]
fn update_to_the_same_owner_in_another_case_changes_nothing() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let id = add_action(d, KEY, "Case test", "L. Ortega", &["--group", "SOC"]);
    let out = ok(debrief(d).args([
        "action",
        "update",
        &id,
        "--owner",
        "l. ortega",
        "--group",
        "soc",
    ]));
    assert_eq!(out, format!("reviewed {}: a note\n", last8(&id)));
    let a = show(d, &id);
    assert_eq!(a["owner"], "L. Ortega");
    assert_eq!(a["group"], "SOC");
    assert_eq!(a["reviews"][0]["changes"], "");
    let h = array(json(debrief(d).args(["history", KEY, "--json"])));
    assert!(
        !h.iter()
            .any(|c| c["entity_id"] == id.as_str() && c["field"] == "owner"),
        "{h:?}"
    );
}

// ---------------------------------------------------------------------------------------
// backlog
// ---------------------------------------------------------------------------------------

#[test]
fn overdue_json_lists_exactly_the_open_actions_due_before_the_day() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    // Around the boundary: due the day before (overdue), on the day (not yet).
    let day_before = add_action(
        d,
        KEY,
        "Due the day before",
        "E. Dge",
        &["--due", "2029-12-31"],
    );
    let on_the_day = add_action(d, KEY, "Due on the day", "E. Dge", &["--due", "2030-01-01"]);
    let no_due = add_action(d, KEY, "Due never", "E. Dge", &[]);
    // Long past due, but closed.
    let rejected = add_action(
        d,
        KEY,
        "Rejected long ago",
        "E. Dge",
        &["--due", "2020-01-01"],
    );
    ok(debrief(d).args([
        "action", "update", &rejected, "--status", "rejected", "--note", "no",
    ]));
    let resolved = add_action(
        d,
        KEY,
        "Resolved long ago",
        "E. Dge",
        &["--due", "2020-01-01"],
    );
    ok(debrief(d).args(["action", "update", &resolved, "--status", "resolved"]));

    let all = backlog(d, &[]);
    assert_eq!(all.len(), 17);
    let expected: BTreeSet<String> = all
        .iter()
        .filter(|a| is_open(a) && a["due"].as_str().is_some_and(|due| due < "2030-01-01"))
        .map(|a| str_of(&a["id"]).to_string())
        .collect();
    // The demo's six open actions (all due before 2030) and the one due the day before.
    assert_eq!(expected.len(), 7, "{expected:?}");
    assert!(expected.contains(&day_before));
    for id in [&on_the_day, &no_due, &rejected, &resolved] {
        assert!(!expected.contains(id), "{id}");
    }

    let overdue = backlog(d, &["--overdue", "--today", "2030-01-01"]);
    assert_eq!(ids(&overdue), expected);
    assert_eq!(overdue.len(), expected.len(), "no action twice");
    for a in &overdue {
        for field in [
            "id",
            "incident",
            "title",
            "kind",
            "owner",
            "group",
            "priority",
            "status",
            "due",
            "ticket",
            "overdue",
            "last_review",
        ] {
            assert!(a.get(field).is_some(), "{field} missing from {a}");
        }
        assert_eq!(a["overdue"], true, "{a}");
        assert_eq!(a["incident"], KEY);
        assert!(is_open(a), "{a}");
    }
    // Without --overdue, the flag says the same of every action.
    for a in backlog(d, &["--today", "2030-01-01"]) {
        let id = str_of(&a["id"]);
        assert_eq!(a["overdue"], expected.contains(id), "{a}");
    }
    // On the demo's own terms, fewer are overdue.
    let then = backlog(d, &["--overdue", "--today", "2026-11-28"]);
    let titles: BTreeSet<&str> = then.iter().map(|a| str_of(&a["title"])).collect();
    assert_eq!(
        titles,
        BTreeSet::from([
            "Cover alerts firing during the SOC shift handover",
            "Roll out phishing-resistant MFA (FIDO2) to finance",
            "SIEM rule for inbox rules hiding mail misses OWA-created rules",
            "Agree a callback procedure with key customers",
        ])
    );
    // Before any due date, nothing.
    assert!(backlog(d, &["--overdue", "--today", "2000-01-01"]).is_empty());
}

/// The mark and the short id of each line of `backlog` text.
fn marks(text: &str) -> Vec<(char, String)> {
    text.lines()
        .map(|l| {
            let mark = l.chars().next().unwrap();
            (mark, l[2..10].to_string())
        })
        .collect()
}

#[test]
fn backlog_text_shows_overdue_first_and_marks_what_is_not_reviewed() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let today = "2026-11-28";
    let text = ok(debrief(d).args(["backlog", "--today", today]));
    let list = backlog(d, &["--today", today]);
    let lines = marks(&text);
    assert_eq!(lines.len(), 12, "{text}");
    assert_eq!(lines.len(), list.len());

    // Text and JSON are in the same order: the review walk.
    let order: Vec<&str> = lines.iter().map(|(_, id)| id.as_str()).collect();
    let json_order: Vec<&str> = list.iter().map(|a| last8(str_of(&a["id"]))).collect();
    assert_eq!(order, json_order);

    // The overdue ones come first, marked "!".
    let overdue: Vec<&str> = list
        .iter()
        .filter(|a| a["overdue"] == true)
        .map(|a| last8(str_of(&a["id"])))
        .collect();
    assert_eq!(overdue.len(), 4);
    let bangs: Vec<&str> = lines
        .iter()
        .take_while(|(m, _)| *m == '!')
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(bangs, overdue, "{text}");
    assert_eq!(
        lines.iter().filter(|(m, _)| *m == '!').count(),
        4,
        "no \"!\" after the overdue ones: {text}"
    );

    // "?": open, not overdue, last reviewed more than 14 days before the day.
    let stale: Vec<&str> = list
        .iter()
        .filter(|a| {
            is_open(a)
                && a["overdue"] == false
                && a["last_review"]
                    .as_str()
                    .is_some_and(|t| &t[..10] < "2026-11-14")
        })
        .map(|a| last8(str_of(&a["id"])))
        .collect();
    let extend = by_title(&list, "Extend phishing-resistant MFA to all staff");
    assert_eq!(stale, [last8(str_of(&extend["id"]))]);
    let questions: Vec<&str> = lines
        .iter()
        .filter(|(m, _)| *m == '?')
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(questions, stale, "{text}");
    // Closed ones and the never-reviewed one created just now carry no mark.
    for (mark, id) in &lines {
        let a = list.iter().find(|a| last8(str_of(&a["id"])) == id).unwrap();
        if !is_open(a) || a["last_review"].is_null() {
            assert_eq!(*mark, ' ', "{a}");
        }
    }

    // A line holds the incident, priority, status, due date, owner and title.
    let line = text
        .lines()
        .find(|l| l.contains("Extend phishing-resistant MFA to all staff"))
        .unwrap();
    for part in [KEY, "P2", "accepted", "2027-03-31", "J. Alonso"] {
        assert!(line.contains(part), "{part} missing from {line:?}");
    }
    let rejected = text
        .lines()
        .find(|l| l.contains("Buy a dedicated SOAR platform"))
        .unwrap();
    assert!(rejected.starts_with("  "), "{rejected:?}");
    assert!(
        rejected.contains("rejected") && rejected.contains(" - "),
        "{rejected:?}"
    );

    // A review (stamped now, after the day) takes the "?" away.
    ok(debrief(d).args([
        "action",
        "update",
        last8(str_of(&extend["id"])),
        "--note",
        "On plan",
    ]));
    let text = ok(debrief(d).args(["backlog", "--today", today]));
    let line = text
        .lines()
        .find(|l| l.contains("Extend phishing-resistant MFA to all staff"))
        .unwrap();
    assert!(line.starts_with("  "), "{line:?}");
}

#[test]
fn backlog_filters_by_incident_owner_group_and_status() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    new_incident(d, "IR-2");
    let mine = add_action(d, "IR-2", "Elsewhere", "M. Ruiz", &["--group", "SOC"]);
    let all = backlog(d, &[]);
    assert_eq!(all.len(), 13);
    let expect = |f: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        ids(&all.iter().filter(|a| f(a)).cloned().collect::<Vec<_>>())
    };

    // --incident, in any case.
    let one = backlog(d, &["--incident", "ir-2"]);
    assert_eq!(ids(&one), BTreeSet::from([mine.clone()]));
    assert_eq!(one[0]["incident"], "IR-2");
    let demo_only = backlog(d, &["--incident", KEY]);
    assert_eq!(demo_only.len(), 12);
    assert!(!ids(&demo_only).contains(&mine));
    let e = fail(debrief(d).args(["backlog", "--incident", "IR-404"]));
    assert!(e.contains("IR-404"), "{e}");

    // --owner matches the person or the group, in any case.
    let soc = backlog(d, &["--owner", "soc"]);
    assert_eq!(ids(&soc), expect(&|a| owned_by(a, "SOC")));
    assert_eq!(soc.len(), 4, "three of the demo's and M. Ruiz's");
    assert!(ids(&soc).contains(&mine));
    let ortega = backlog(d, &["--owner", "L. Ortega"]);
    assert_eq!(ortega.len(), 3);
    assert!(ortega.iter().all(|a| a["owner"] == "L. Ortega"));
    assert_eq!(
        ids(&backlog(d, &["--owner", "m. ruiz"])),
        BTreeSet::from([mine.clone()])
    );

    // --group matches only the group.
    let group = backlog(d, &["--group", "SOC"]);
    assert_eq!(ids(&group), expect(&|a| a["group"] == "SOC"));
    assert_eq!(group.len(), 4);
    assert!(backlog(d, &["--group", "L. Ortega"]).is_empty());
    let out = ok(debrief(d).args(["backlog", "--group", "L. Ortega"]));
    assert_eq!(out, "no actions match\n");

    // --status.
    for status in OPEN.iter().chain(&["resolved", "verified", "rejected"]) {
        let got = backlog(d, &["--status", status]);
        assert_eq!(ids(&got), expect(&|a| a["status"] == *status), "{status}");
        assert!(!got.is_empty(), "{status}");
    }
    let e = usage(debrief(d).args(["backlog", "--status", "open"]));
    assert!(e.contains("open"), "{e}");

    // Together.
    let both = backlog(
        d,
        &["--incident", KEY, "--owner", "SOC", "--status", "accepted"],
    );
    assert_eq!(both.len(), 1);
    assert_eq!(
        both[0]["title"],
        "SIEM rule for inbox rules hiding mail misses OWA-created rules"
    );
    // Text mode shows the same rows.
    let text = ok(debrief(d).args(["backlog", "--owner", "SOC", "--today", "2026-11-28"]));
    assert_eq!(text.lines().count(), 4, "{text}");

    // A bad --today names the flag.
    let e = fail(debrief(d).args(["backlog", "--today", "28.11.2026"]));
    assert!(e.contains("--today") && e.contains("28.11.2026"), "{e}");
}

// ---------------------------------------------------------------------------------------
// owner list
// ---------------------------------------------------------------------------------------

#[test]
fn owner_list_counts_agree_with_the_backlog() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let today = "2026-11-28";
    // Due within the week (today is included, today + 7 too), and one just after it.
    add_action(
        d,
        KEY,
        "Due soon",
        "W. Eek",
        &["--group", "Week team", "--due", "2026-12-01"],
    );
    add_action(d, KEY, "Due today", "W. Eek", &["--due", today]);
    add_action(d, KEY, "Due in a week", "W. Eek", &["--due", "2026-12-05"]);
    add_action(
        d,
        KEY,
        "Due after the week",
        "W. Eek",
        &["--due", "2026-12-06"],
    );

    let list = owners(d, &["--today", today]);
    let items = backlog(d, &["--today", today]);
    for o in &list {
        for field in ["name", "kind", "open", "overdue", "due_this_week"] {
            assert!(o.get(field).is_some(), "{field} missing from {o}");
        }
        assert!(o["kind"] == "person" || o["kind"] == "group", "{o}");
        let name = str_of(&o["name"]);
        let theirs: Vec<&Value> = items
            .iter()
            .filter(|a| is_open(a) && owned_by(a, name))
            .collect();
        assert_eq!(o["open"], theirs.len(), "{o}");
        let overdue = theirs.iter().filter(|a| a["overdue"] == true).count();
        assert_eq!(o["overdue"], overdue, "{o}");
        let week = theirs
            .iter()
            .filter(|a| {
                a["due"]
                    .as_str()
                    .is_some_and(|d| (today..="2026-12-05").contains(&d))
            })
            .count();
        assert_eq!(o["due_this_week"], week, "{o}");
    }

    // The demo's owners and a few known counts.
    for (name, kind) in [
        ("D. Castillo", "person"),
        ("J. Alonso", "person"),
        ("L. Ortega", "person"),
        ("P. Navarro", "person"),
        ("R. Gil", "person"),
        ("Finance", "group"),
        ("Identity team", "group"),
        ("IR team", "group"),
        ("Sales", "group"),
        ("Security awareness", "group"),
        ("SOC", "group"),
    ] {
        assert_eq!(by_name(&list, name)["kind"], kind, "{name}");
    }
    let ortega = by_name(&list, "L. Ortega");
    assert_eq!(ortega["open"], 2);
    assert_eq!(ortega["overdue"], 2);
    let gil = by_name(&list, "R. Gil");
    assert_eq!(gil["open"], 0, "resolved actions are not open");
    let week = by_name(&list, "W. Eek");
    assert_eq!(week["open"], 4);
    assert_eq!(week["overdue"], 0);
    assert_eq!(week["due_this_week"], 3);
    assert_eq!(by_name(&list, "Week team")["due_this_week"], 1);

    // Text mode has one line per owner.
    let text = ok(debrief(d).args(["owner", "list", "--today", today]));
    assert_eq!(text.lines().count(), list.len(), "{text}");
    let line = text.lines().find(|l| l.starts_with("L. Ortega")).unwrap();
    assert!(
        line.contains("2 open") && line.contains("2 overdue"),
        "{line}"
    );

    let e = fail(debrief(d).args(["owner", "list", "--today", "2026-02-30"]));
    assert!(e.contains("--today") && e.contains("2026-02-30"), "{e}");
}

// ---------------------------------------------------------------------------------------
// sop
// ---------------------------------------------------------------------------------------

#[test]
fn sop_add_records_a_change_listed_with_the_demos() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let db = db_path(d);
    let demo_sops = sops(d, &[]);
    assert_eq!(demo_sops.len(), 1);
    let playbook = &demo_sops[0];
    assert_eq!(
        playbook["document"],
        "SOP-IR-03 Business email compromise response"
    );
    assert_eq!(
        playbook["section"],
        "4.2 Containment: sessions, tokens and app consents"
    );
    assert_eq!(playbook["incorporated"], "2026-05-05");
    assert_eq!(
        playbook["action"],
        "Add 'review and revoke app consents' to the BEC playbook"
    );

    let list = backlog(d, &[]);
    let handover = by_title(&list, "Cover alerts firing during the SOC shift handover");
    let action_id = str_of(&handover["id"]).to_string();
    let id = new_id(debrief(d).args([
        "sop",
        "add",
        last8(&action_id),
        "--document",
        "SOP-SOC-01 Shift handover",
        "--section",
        "3.1 Alerts during handover",
        "--incorporated",
        "2026-05-05",
    ]));
    let all = sops(d, &[]);
    assert_eq!(all.len(), 2);
    let new = by_id(&all, &id);
    assert_eq!(new["action_id"], action_id.as_str());
    assert_eq!(new["action"], handover["title"]);
    assert_eq!(new["document"], "SOP-SOC-01 Shift handover");
    assert_eq!(new["section"], "3.1 Alerts during handover");
    assert_eq!(new["incorporated"], "2026-05-05");
    assert!(all.contains(playbook), "the demo's change is still there");

    // Not yet incorporated, no section.
    let pending = new_id(debrief(d).args(["sop", "add", &action_id, "--document", "SOC runbook"]));
    let all = sops(d, &["--incident", KEY]);
    assert_eq!(all.len(), 3);
    assert_eq!(by_id(&all, &pending)["incorporated"], Value::Null);
    assert_eq!(by_id(&all, &pending)["section"], "");
    let text = ok(debrief(d).args(["sop", "list"]));
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("not yet incorporated"), "{text}");
    assert!(
        text.contains("SOP-SOC-01 Shift handover § 3.1 Alerts during handover"),
        "{text}"
    );

    // Another incident has none.
    new_incident(d, "IR-2");
    assert!(sops(d, &["--incident", "IR-2"]).is_empty());

    // Bad input changes nothing.
    let before = row_counts(&db);
    for bad in ["2026-05-32", "May 5", "05/05/2026"] {
        let e = fail(debrief(d).args([
            "sop",
            "add",
            &action_id,
            "--document",
            "D",
            "--incorporated",
            bad,
        ]));
        assert!(
            e.contains("--incorporated") && e.contains(bad),
            "{bad}: {e}"
        );
    }
    let e = fail(debrief(d).args(["sop", "add", &action_id, "--document", "  "]));
    assert!(e.contains("document"), "{e}");
    let e = fail(debrief(d).args(["sop", "add", "ffffffff", "--document", "D"]));
    assert!(e.contains("ffffffff"), "{e}");
    let e = fail(debrief(d).args(["sop", "list", "--incident", "IR-404"]));
    assert!(e.contains("IR-404"), "{e}");
    assert_eq!(row_counts(&db), before);
}

// ---------------------------------------------------------------------------------------
// untrusted text
// ---------------------------------------------------------------------------------------

#[test]
fn escape_sequences_in_actions_never_reach_the_terminal() {
    let dir = tmp();
    let d = dir.path();
    demo(d);
    let title = "Wipe\x1b[2Jthe screen\x07";
    let id = add_action(
        d,
        KEY,
        title,
        "Evil\x1b]0;owned\x07 Owner",
        &[
            "--group",
            "Team\x1b[31m",
            "--ticket",
            "SEC-1\x1b[0m",
            "--due",
            "2026-01-01",
        ],
    );

    for args in [
        &["backlog", "--today", "2026-11-28"][..],
        &["backlog", "--overdue", "--today", "2026-11-28"][..],
        &["action", "show", &id][..],
        &["owner", "list", "--today", "2026-11-28"][..],
    ] {
        let out = debrief(d)
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        assert!(
            !has_controls(&out.stdout),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!has_controls(&out.stderr), "{args:?}");
    }
    let text = ok(debrief(d).args(["backlog", "--today", "2026-11-28"]));
    let line = text
        .lines()
        .find(|l| l.contains(last8(&id)))
        .expect("the action is listed");
    assert!(line.starts_with('!'), "it is overdue: {line:?}");
    assert!(
        line.contains("Wipe␛[2Jthe screen␇"),
        "shown inert: {line:?}"
    );
    let out = ok(debrief(d).args([
        "action", "update", &id, "--note", "x\x1b[2J", "--group", "G\x1b[1m",
    ]));
    assert!(!has_controls(out.as_bytes()), "{out:?}");

    // The JSON keeps the text exactly (escaped by JSON itself).
    let a = show(d, &id);
    assert_eq!(a["title"], title);
    assert_eq!(a["owner"], "Evil\x1b]0;owned\x07 Owner");
    assert_eq!(a["reviews"][0]["note"], "x\x1b[2J");
    let raw = ok(debrief(d).args(["backlog", "--json"]));
    assert!(!has_controls(raw.as_bytes()));
}
