//! The backlog's acceptance from the command line: overdue by an injected day, reviews
//! recorded by `action update`, and a rejection refused without a reason.

mod common;
use common::*;
use serde_json::Value;

fn demo_backlog(dir: &std::path::Path, today: &str) -> Vec<Value> {
    ok(debrief(dir).arg("demo"));
    json(debrief(dir).args(["backlog", "--json", "--today", today]))
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn overdue_on_a_given_day_lists_exactly_the_unresolved_past_due_actions() {
    let dir = tmp();
    let all = demo_backlog(dir.path(), "2030-01-01");
    let expected: Vec<&str> = all
        .iter()
        .filter(|a| {
            let open = matches!(
                a["status"].as_str(),
                Some("proposed" | "accepted" | "in-progress")
            );
            let due = a["due"].as_str();
            open && due.is_some_and(|d| d < "2030-01-01")
        })
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!expected.is_empty());
    let overdue =
        json(debrief(dir.path()).args(["backlog", "--overdue", "--json", "--today", "2030-01-01"]));
    let mut got: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let mut want = expected.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for a in overdue.as_array().unwrap() {
        assert_eq!(a["overdue"], true);
        for key in [
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
            assert!(a.get(key).is_some(), "{key} missing in {a}");
        }
    }
    // Before any due date, nothing is overdue.
    let none =
        json(debrief(dir.path()).args(["backlog", "--overdue", "--json", "--today", "2026-01-01"]));
    assert_eq!(none.as_array().unwrap().len(), 0);
}

#[test]
fn an_update_is_a_review_and_a_rejection_needs_a_reason() {
    let dir = tmp();
    let all = demo_backlog(dir.path(), "2026-11-28");
    let open = all.iter().find(|a| a["status"] == "accepted").unwrap();
    let id = open["id"].as_str().unwrap();
    let short = &id[id.len() - 8..];
    let before = json(debrief(dir.path()).args(["action", "show", short, "--json"]));
    let reviews = before["reviews"].as_array().unwrap().len();

    let err = fail(debrief(dir.path()).args(["action", "update", short, "--status", "rejected"]));
    assert!(err.contains("needs a reason"), "{err}");
    let same = json(debrief(dir.path()).args(["action", "show", short, "--json"]));
    assert_eq!(same["status"], "accepted");
    assert_eq!(same["reviews"].as_array().unwrap().len(), reviews);

    ok(debrief(dir.path()).args([
        "action",
        "update",
        short,
        "--status",
        "in-progress",
        "--note",
        "Started",
        "--owner",
        "New Owner",
    ]));
    let after = json(debrief(dir.path()).args(["action", "show", short, "--json"]));
    assert_eq!(after["status"], "in-progress");
    assert_eq!(after["owner"], "New Owner");
    let last = after["reviews"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["status_before"].as_str(),
            last["status_after"].as_str()
        ),
        (Some("accepted"), Some("in-progress"))
    );
    assert_eq!(last["note"], "Started");
    assert_eq!(last["by"], "tester");
}
