//! Exports and bundles from the command line: Timesketch round trips through import,
//! spreadsheet-safe CSV, private files, bundles that round-trip byte for byte and merge
//! with their conflicts listed.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// The events of an incident as the round trip must keep them.
fn events(dir: &Path, db: &Path, key: &str) -> Vec<Value> {
    let list = json(debrief_at(dir, db).args(["event", "list", key, "--json"]));
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut kept = serde_json::Map::new();
            for f in [
                "at",
                "at_original",
                "precision",
                "text",
                "actor",
                "source",
                "phase",
                "tags",
                "technique",
            ] {
                kept.insert(f.into(), e[f].clone());
            }
            // Timesketch needs a timestamp_desc: the export writes one for every event.
            let mut attrs = e["attrs"].as_object().cloned().unwrap_or_default();
            attrs.remove("timestamp_desc");
            kept.insert("attrs".into(), Value::Object(attrs));
            Value::Object(kept)
        })
        .collect()
}

#[test]
fn timesketch_exports_round_trip_through_import() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let original = events(d, &db_path(d), "IR-2026-014");
    for (format, file) in [
        ("timesketch-csv", "ts.csv"),
        ("timesketch-jsonl", "ts.jsonl"),
    ] {
        let out = ok(debrief(d).args(["export", "IR-2026-014", "--format", format, "-o", file]));
        assert!(out.starts_with("wrote 47 events of IR-2026-014"), "{out}");
        let other = d.join(format!("{format}.db"));
        ok(debrief_at(d, &other).args(["incident", "new", "RT", "--title", "Round trip"]));
        let out = ok(debrief_at(d, &other).args(["import", "RT", file]));
        assert!(out.contains("imported 47 events"), "{out}");
        assert_eq!(events(d, &other, "RT"), original, "{format}");
    }
}

/// A cell a spreadsheet would run: one starting with `=`, `@`, a tab or a carriage
/// return, or a sign followed by more than a number.
fn live_formula(cell: &str) -> bool {
    let signed = cell.starts_with(['+', '-']) && cell.contains(char::is_alphabetic);
    cell.starts_with(['=', '@', '\t', '\r']) || signed
}

#[test]
fn csv_exports_neutralise_formulas_and_are_private() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    ok(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "10:05",
        "--text",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
    ]));
    ok(debrief(d).args([
        "action",
        "add",
        "IR-1",
        "--title",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "--owner",
        "+A. Owner",
    ]));
    for (format, file) in [
        ("timesketch-csv", "t.csv"),
        ("iris-csv", "i.csv"),
        ("actions-csv", "a.csv"),
    ] {
        ok(debrief(d).args(["export", "IR-1", "--format", format, "-o", file]));
        let path = d.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(!live_formula(cell), "{format}: a live formula: {cell:?}");
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{format}");
        }
    }
    let actions = std::fs::read_to_string(d.join("a.csv")).unwrap();
    assert!(
        actions.starts_with(
            "Summary,Issue Type,Description,Assignee,Priority,Due Date,Status,Ticket,Labels"
        ),
        "{actions}"
    );
    assert!(actions.contains("'@SUM(1+1)"), "{actions}");
    assert!(actions.contains("'+A. Owner"), "{actions}");
    let iris = std::fs::read_to_string(d.join("i.csv")).unwrap();
    assert!(
        iris.contains(",+01:00,"),
        "offsets are left as they are: {iris}"
    );
}

#[test]
fn a_bundle_round_trips_byte_for_byte_into_a_fresh_database() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    ok(debrief(d).args(["evaluation", "set", "IR-2026-014", "1", "--note", "checked"]));
    ok(debrief(d).args(["bundle", "export", "IR-2026-014", "-o", "b1.json"]));
    let fresh = d.join("fresh.db");
    let out = ok(debrief_at(d, &fresh).args(["bundle", "import", "b1.json"]));
    assert!(out.starts_with("created IR-2026-014:"), "{out}");
    ok(debrief_at(d, &fresh).args(["bundle", "export", "IR-2026-014", "-o", "b2.json"]));
    let (a, b) = (
        std::fs::read(d.join("b1.json")).unwrap(),
        std::fs::read(d.join("b2.json")).unwrap(),
    );
    assert!(a == b, "the second export differs from the first");
    // And printing it gives the same bytes again.
    let printed = ok(debrief_at(d, &fresh).args(["bundle", "export", "IR-2026-014"]));
    assert_eq!(printed.as_bytes(), &a[..]);
}

#[test]
fn a_bundle_merges_with_the_newer_change_winning_and_conflicts_listed() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    ok(debrief(d).args(["bundle", "export", "IR-2026-014", "-o", "base.json"]));
    let other = d.join("other.db");
    ok(debrief_at(d, &other).args(["bundle", "import", "base.json"]));
    // Both sides change the incident; the other side later.
    ok(debrief(d).args(["incident", "edit", "IR-2026-014", "--severity", "critical"]));
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok(debrief_at(d, &other).args(["incident", "edit", "IR-2026-014", "--status", "published"]));
    ok(debrief(d).args([
        "event",
        "add",
        "IR-2026-014",
        "--at",
        "2026-03-14 09:00",
        "--text",
        "Follow-up check",
    ]));
    ok(debrief(d).args(["bundle", "export", "IR-2026-014", "-o", "ours.json"]));
    let before = json(debrief_at(d, &other).args(["event", "list", "IR-2026-014", "--json"]));
    let dry = ok(debrief_at(d, &other).args(["bundle", "import", "ours.json", "--dry-run"]));
    assert!(
        dry.contains("would have merged into IR-2026-014: 1 records added"),
        "{dry}"
    );
    assert_eq!(
        json(debrief_at(d, &other).args(["event", "list", "IR-2026-014", "--json"])),
        before,
        "a dry run writes nothing"
    );
    let out = ok(debrief_at(d, &other).args(["bundle", "import", "ours.json"]));
    assert!(out.contains("conflict: incidents "), "{out}");
    assert!(
        out.contains("this database's is newer and was kept"),
        "{out}"
    );
    assert!(
        out.contains("merged into IR-2026-014: 1 records added, 0 replaced"),
        "{out}"
    );
    let list = json(debrief_at(d, &other).args(["incident", "list", "--json"]));
    assert_eq!(list[0]["status"], "published");
    assert_eq!(list[0]["events"], 48);
}

#[test]
fn a_bundle_from_a_newer_debrief_or_not_a_bundle_is_refused() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let text = ok(debrief(d).args(["bundle", "export", "IR-2026-014"]));
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["version"] = 99.into();
    std::fs::write(d.join("new.json"), v.to_string()).unwrap();
    let fresh = d.join("fresh.db");
    let e = fail(debrief_at(d, &fresh).args(["bundle", "import", "new.json"]));
    assert!(
        e.contains("version 99") && e.contains("newer debrief"),
        "{e}"
    );
    std::fs::write(d.join("junk.json"), "{\"tables\": 1").unwrap();
    let e = fail(debrief_at(d, &fresh).args(["bundle", "import", "junk.json"]));
    assert!(e.contains("junk.json: not a bundle: line 1"), "{e}");
}

#[test]
fn a_backup_is_a_private_consistent_copy_and_never_overwrites() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let out = ok(debrief(d).args(["backup", "-o", "copy.db"]));
    assert_eq!(out, "wrote a copy of the database to copy.db\n");
    let copy = d.join("copy.db");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let list = json(debrief_at(d, &copy).args(["incident", "list", "--json"]));
    assert_eq!(list[0]["key"], "IR-2026-014");
    assert_eq!(list[0]["events"], 47);
    let before = std::fs::read(&copy).unwrap();
    let e = fail(debrief(d).args(["backup", "-o", "copy.db"]));
    assert!(e.contains("cannot create copy.db"), "{e}");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the old copy is untouched"
    );
    // Without -o, the copy goes beside the database, named with the time.
    let out = ok(debrief(d).arg("backup"));
    assert!(out.contains("t.db.backup-"), "{out}");
}

#[test]
fn a_bundle_over_64_mb_is_imported_as_read_and_not_remembered() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    ok(debrief(d).args(["bundle", "export", "IR-2026-014", "-o", "b.json"]));
    // The same bundle made large by white space after it (JSON allows it).
    let mut bytes = std::fs::read(d.join("b.json")).unwrap();
    bytes.resize(bytes.len() + 65 * 1024 * 1024, b' ');
    std::fs::write(d.join("big.json"), &bytes).unwrap();
    let fresh = d.join("fresh.db");
    let out = ok(debrief_at(d, &fresh).args(["bundle", "import", "big.json"]));
    assert!(out.starts_with("created IR-2026-014:"), "{out}");
    assert!(
        out.contains("big.json is over 64 MB, so it is not remembered"),
        "{out}"
    );
    // Not remembered: the next import of the file goes record by record, and says so
    // without promising a field-by-field one.
    let out = ok(debrief_at(d, &fresh).args(["bundle", "import", "big.json"]));
    assert!(out.contains("merged record by record"), "{out}");
    assert!(
        !out.contains("the next import of this file merges field by field"),
        "{out}"
    );
    assert!(out.contains("0 records added, 0 replaced"), "{out}");
    // The merge changed nothing, so the latest change is the creation: undo takes it back.
    let out = ok(debrief_at(d, &fresh).arg("undo"));
    assert!(out.contains("import bundle of IR-2026-014"), "{out}");
    let list = ok(debrief_at(d, &fresh).args(["incident", "list"]));
    assert!(!list.contains("IR-2026-014"), "{list}");
}
