//! The team's loop from the command line: the merge driver without a database, `bundle
//! import` merging field by field against the bundle last exchanged with that file, its
//! conflicts refused and settled, its history and undo, and `bundle resolve --set`.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn incident(dir: &Path, db: &Path) -> Value {
    let list = json(debrief_at(dir, db).args(["incident", "list", "--json"]));
    list[0].clone()
}

/// Analyst A creates IR-1 and exports it to `IR-1.debrief.json`; B imports that file.
fn shared(d: &Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let (a, b) = (d.join("a.db"), d.join("b.db"));
    ok(debrief_at(d, &a).args(["incident", "new", "IR-1", "--title", "Phish"]));
    ok(debrief_at(d, &a).args(["bundle", "export", "IR-1", "-o", "IR-1.debrief.json"]));
    let out = ok(debrief_at(d, &b).args(["bundle", "import", "IR-1.debrief.json"]));
    assert!(out.starts_with("created IR-1"), "{out}");
    let id = incident(d, &a)["id"].as_str().unwrap().to_string();
    (a, b, id)
}

#[test]
fn the_merge_driver_and_resolve_never_open_or_create_a_database() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, _b, _) = shared(d);
    ok(debrief_at(d, &a).args(["bundle", "export", "IR-1", "-o", "ours.json"]));
    std::fs::copy(d.join("ours.json"), d.join("base.json")).unwrap();
    std::fs::copy(d.join("ours.json"), d.join("theirs.json")).unwrap();
    let missing = d.join("nowhere").join("never.db");
    // --db naming a file that does not exist, in a folder that does not exist.
    ok(debrief_at(d, &missing).args(["bundle", "merge", "base.json", "ours.json", "theirs.json"]));
    // DEBRIEF_DB, and no database named at all (the data folder would be used).
    ok(debrief_bare(d).env("DEBRIEF_DB", &missing).args([
        "bundle",
        "merge",
        "base.json",
        "ours.json",
        "theirs.json",
    ]));
    ok(debrief_bare(d).args(["bundle", "merge", "base.json", "ours.json", "theirs.json"]));
    ok(debrief_bare(d).args(["bundle", "resolve", "ours.json", "--take", "ours"]));
    assert!(
        !missing.exists() && !d.join("nowhere").exists(),
        "no database created"
    );
    assert!(!d.join("data").exists(), "the data folder was not created");
}

#[test]
fn import_keeps_a_field_changed_here_and_takes_one_changed_in_the_file() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, b, _) = shared(d);
    // B changes the severity and adds an event, and writes the file.
    ok(debrief_at(d, &b).args(["incident", "edit", "IR-1", "--severity", "critical"]));
    ok(debrief_at(d, &b).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11 10:05",
        "--text",
        "mail reported",
    ]));
    ok(debrief_at(d, &b).args(["bundle", "export", "IR-1", "-o", "IR-1.debrief.json"]));
    // A changed the title meanwhile (later than B: the newer record would have won).
    ok(debrief_at(d, &a).args([
        "incident",
        "edit",
        "IR-1",
        "--title",
        "Phish and token theft",
    ]));
    let out = ok(debrief_at(d, &a).args(["bundle", "import", "IR-1.debrief.json"]));
    assert!(
        out.contains("merged IR-1 field by field against IR-1.debrief.json")
            && out.contains("1 fields changed in 1 records, 1 records added, 0 removed"),
        "{out}"
    );
    let inc = incident(d, &a);
    assert_eq!(inc["title"], "Phish and token theft", "{inc}");
    assert_eq!(inc["severity"], "critical", "{inc}");
    assert_eq!(inc["events"], 1, "{inc}");

    // The history says who: the file's side; the changed field is named.
    let history = ok(debrief_at(d, &a).args(["history", "IR-1", "--limit", "2"]));
    assert!(history.contains("bundle IR-1.debrief.json"), "{history}");
    assert!(
        history.contains("severity: medium -> critical"),
        "{history}"
    );
    // Undo takes the whole import back as one change.
    let out = ok(debrief_at(d, &a).args(["undo", "IR-1"]));
    assert!(out.contains("merge bundle into IR-1"), "{out}");
    let inc = incident(d, &a);
    assert_eq!(
        (
            inc["title"].as_str(),
            inc["severity"].as_str(),
            inc["events"].as_i64()
        ),
        (Some("Phish and token theft"), Some("medium"), Some(0)),
        "{inc}"
    );
}

#[test]
fn a_field_changed_both_ways_is_refused_with_the_database_unchanged_then_settled() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, b, id) = shared(d);
    ok(debrief_at(d, &b).args(["incident", "edit", "IR-1", "--title", "Title B"]));
    ok(debrief_at(d, &b).args(["incident", "edit", "IR-1", "--severity", "low"]));
    ok(debrief_at(d, &b).args(["bundle", "export", "IR-1", "-o", "IR-1.debrief.json"]));
    ok(debrief_at(d, &a).args(["incident", "edit", "IR-1", "--title", "Title A"]));
    let before = ok(debrief_at(d, &a).args(["bundle", "export", "IR-1"]));
    let e = fail(debrief_at(d, &a).args(["bundle", "import", "IR-1.debrief.json"]));
    assert!(e.contains("nothing was imported"), "{e}");
    assert!(
        e.contains(&format!("incidents {id} field title"))
            && e.contains("\"Title A\"")
            && e.contains("\"Title B\""),
        "table, record, field and both values: {e}"
    );
    assert!(e.contains("--take ours") && e.contains("--set"), "{e}");
    assert_eq!(
        ok(debrief_at(d, &a).args(["bundle", "export", "IR-1"])),
        before
    );

    // Settled by a new value: the other side's one-sided change comes too.
    let set = format!("incidents:{id}:title=Title A and B");
    let out = ok(debrief_at(d, &a).args(["bundle", "import", "IR-1.debrief.json", "--set", &set]));
    assert!(out.contains("1 conflicts settled as chosen"), "{out}");
    let inc = incident(d, &a);
    assert_eq!(
        (inc["title"].as_str(), inc["severity"].as_str()),
        (Some("Title A and B"), Some("low"))
    );
    // The file is now the base: importing it again changes nothing.
    let out = ok(debrief_at(d, &a).args(["bundle", "import", "IR-1.debrief.json"]));
    assert!(out.contains("0 fields changed in 0 records"), "{out}");
}

#[test]
fn resolve_takes_a_new_value_and_refuses_a_name_that_is_no_conflict() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, _b, id) = shared(d);
    ok(debrief_at(d, &a).args(["bundle", "export", "IR-1", "-o", "base.json"]));
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("base.json")).unwrap()).unwrap();
    for (file, title) in [("ours.json", "Ours"), ("theirs.json", "Theirs")] {
        let mut side = base.clone();
        side["tables"]["incidents"][0]["title"] = title.into();
        std::fs::write(d.join(file), side.to_string()).unwrap();
    }
    let e =
        fail(debrief_bare(d).args(["bundle", "merge", "base.json", "ours.json", "theirs.json"]));
    assert!(e.contains("1 conflicts"), "{e}");
    let e = fail(debrief_bare(d).args([
        "bundle",
        "resolve",
        "ours.json",
        "--set",
        "incidents:nope:title=x",
    ]));
    assert!(e.contains("no conflict is named") && e.contains(&id), "{e}");
    // Not on a terminal, resolve with no choice says how.
    let e = fail(debrief_bare(d).args(["bundle", "resolve", "ours.json"]));
    assert!(e.contains("--take") && e.contains("--set"), "{e}");
    let set = format!("incidents:{id}:title=Both, reworded");
    ok(debrief_bare(d).args(["bundle", "resolve", "ours.json", "--set", &set]));
    let clean: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ours.json")).unwrap()).unwrap();
    assert!(clean.get("conflicts").is_none());
    assert_eq!(clean["tables"]["incidents"][0]["title"], "Both, reworded");
    let fresh = d.join("fresh.db");
    ok(debrief_at(d, &fresh).args(["bundle", "import", "ours.json"]));
    assert_eq!(incident(d, &fresh)["title"], "Both, reworded");
}

#[test]
fn a_folder_imports_every_bundle_it_can_and_names_those_refused() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, b) = (d.join("a.db"), d.join("b.db"));
    for key in ["IR-1", "IR-2"] {
        ok(debrief_at(d, &a).args(["incident", "new", key, "--title", "T"]));
    }
    ok(debrief_at(d, &a).args(["bundle", "export", "--all", "-o", "team"]));
    ok(debrief_at(d, &b).args(["bundle", "import", "team"]));
    // IR-1's title changed both ways; IR-2's severity in the files only.
    ok(debrief_at(d, &a).args(["incident", "edit", "IR-1", "--title", "A"]));
    ok(debrief_at(d, &a).args(["incident", "edit", "IR-2", "--severity", "low"]));
    ok(debrief_at(d, &a).args(["bundle", "export", "--all", "-o", "team"]));
    ok(debrief_at(d, &b).args(["incident", "edit", "IR-1", "--title", "B"]));
    let out = debrief_at(d, &b)
        .args(["bundle", "import", "team"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stdout.contains("merged IR-2 field by field"), "{stdout}");
    assert!(
        stderr.contains("1 of 2 bundles were not imported")
            && stderr.contains("IR-1.debrief.json")
            && stderr.contains("field title"),
        "{stderr}"
    );
    let list = json(debrief_at(d, &b).args(["incident", "list", "--json"]));
    let by_key = |k: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == k)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_key("IR-1")["title"], "B", "the refused one is unchanged");
    assert_eq!(by_key("IR-2")["severity"], "low");
}
