//! Bundles as untrusted input: a bundle may only create or change rows of the one
//! incident it declares, every value goes through the domain's rules, and a refused
//! bundle leaves the database exactly as it was (compared as a dump of every table).

use super::*;
use crate::domain::NewIncident;
use chrono::TimeZone;
use serde_json::{Value, json};

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s
}

/// A store with the demo incident and a second one.
fn with_demo() -> (Store, String) {
    let mut s = store();
    let demo = s
        .create_seeded_incident(&crate::io::demo::demo_seed().unwrap())
        .unwrap();
    s.create_incident(&NewIncident::new("IR-OTHER", "Another incident").unwrap())
        .unwrap();
    (s, demo.id)
}

/// Every row of every table, in a fixed order: two equal dumps are equal databases.
pub(crate) fn dump(s: &Store) -> String {
    let conn = s.connection();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'events_fts%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(cells.join("|"))
            })
            .unwrap();
        out.push_str(&format!("[{t}]\n"));
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

/// A bundle of a new incident IR-EVIL with one event, made in a database of its own.
fn evil_bundle() -> Value {
    let mut other = store();
    let inc = other
        .create_incident(&NewIncident::new("IR-EVIL", "Evil").unwrap())
        .unwrap();
    let at =
        crate::domain::parse_time("2026-03-11 10:00Z", &crate::domain::TimeContext::utc()).unwrap();
    other
        .add_event(
            &inc.id,
            &crate::domain::NewEvent::new(at, "an event of its own").unwrap(),
        )
        .unwrap();
    other.bundle(&inc.id).unwrap()
}

fn push(bundle: &mut Value, table: &str, row: Value) {
    bundle["tables"][table].as_array_mut().unwrap().push(row);
}

fn refused(s: &mut Store, bundle: &Value, expect: &[&str]) {
    let before = dump(s);
    let e = s.import_bundle(bundle, false).unwrap_err().to_string();
    for part in expect {
        assert!(e.contains(part), "{e:?} should name {part:?}");
    }
    assert_eq!(dump(s), before, "a refused bundle changes nothing ({e})");
    assert!(s.list_incidents().is_ok());
}

#[test]
fn a_bundle_cannot_retitle_or_rewrite_another_incident() {
    let (mut s, demo_id) = with_demo();
    let demo = s.bundle(&demo_id).unwrap();
    let demo_event = demo["tables"]["events"][0].clone();
    let evil = evil_bundle();
    let evil_id = evil["tables"]["incidents"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The demo's incident row, retitled and "newer", beside IR-EVIL's own.
    let mut b = evil.clone();
    let mut retitled = demo["tables"]["incidents"][0].clone();
    retitled["title"] = json!("pwned");
    retitled["updated_us"] = json!(253_402_300_000_000_000i64);
    push(&mut b, "incidents", retitled);
    refused(&mut s, &b, &["exactly one incident"]);

    // A demo event with new text, still filed under the demo incident.
    let mut b = evil.clone();
    let mut rewritten = demo_event.clone();
    rewritten["text"] = json!("rewritten");
    rewritten["updated_us"] = json!(253_402_300_000_000_000i64);
    push(&mut b, "events", rewritten.clone());
    refused(
        &mut s,
        &b,
        &["events", demo_id.as_str(), "another incident"],
    );

    // The same event moved under IR-EVIL: its id is a demo event here.
    let mut b = evil.clone();
    rewritten["incident_id"] = json!(evil_id);
    push(&mut b, "events", rewritten);
    let id = demo_event["id"].as_str().unwrap();
    refused(&mut s, &b, &["events", id, "belongs to another incident"]);

    // A new event injected into the demo incident.
    let mut b = evil.clone();
    let mut injected = demo_event.clone();
    injected["id"] = json!("0190a1b2-0000-7000-8000-00000000beef");
    push(&mut b, "events", injected);
    refused(
        &mut s,
        &b,
        &["events", "0190a1b2-0000-7000-8000-00000000beef"],
    );

    // A finding of IR-EVIL linked to a demo event.
    let mut b = evil.clone();
    let finding_id = "0190a1b2-0000-7000-8000-0000000f1d00";
    push(
        &mut b,
        "findings",
        json!({"id": finding_id, "incident_id": evil_id, "kind": "manual-error",
               "title": "t", "description": "", "impact": "", "cross_org": 0,
               "org_group": "", "created_us": 1, "updated_us": 1, "version": 1}),
    );
    push(
        &mut b,
        "finding_events",
        json!({"finding_id": finding_id, "event_id": demo_event["id"]}),
    );
    refused(
        &mut s,
        &b,
        &["finding_events", "event_id", "another incident"],
    );

    // Nothing of the demo changed, and IR-EVIL alone imports cleanly.
    let o = s.import_bundle(&evil, false).unwrap();
    assert!(o.created);
    assert_eq!(
        s.incident_by_id(&demo_id).unwrap().unwrap().title,
        demo["tables"]["incidents"][0]["title"].as_str().unwrap()
    );
    let history = s.history(Some(&evil_id), 100).unwrap();
    assert!(
        history
            .iter()
            .all(|c| c.incident_id.as_deref() == Some(evil_id.as_str()))
    );
}

#[test]
fn a_bad_value_refuses_the_whole_bundle() {
    let (mut s, demo_id) = with_demo();
    let evil = evil_bundle();
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        ("events", "at_us", json!(i64::MAX), "at_us"),
        (
            "events",
            "at_us",
            json!(-9_000_000_000_000_000_000i64),
            "at_us",
        ),
        ("events", "at_offset", json!(i64::MAX), "at_offset"),
        ("events", "at_offset", json!(86_400), "at_offset"),
        (
            "incidents",
            "zone",
            json!("Mars/Olympus"),
            "unknown time zone",
        ),
        (
            "incidents",
            "detected_precision",
            json!("bogus"),
            "precision",
        ),
        ("incidents", "created_us", json!(1e300), "created_us"),
        ("incidents", "severity", json!("High"), "severity"),
        ("incidents", "key", json!("IR EVIL"), "key"),
        ("incidents", "version", json!(i64::MAX), "version"),
        ("events", "phase", json!("bogus"), "phase"),
        ("events", "at_precision", json!("bogus"), "precision"),
        ("events", "key_kind", json!("bogus"), "key event"),
        ("events", "tags", json!("ok BadTag"), "tags"),
        ("events", "technique", json!("T1\u{1b}[2J"), "technique"),
        ("events", "text", json!(42), "expected text"),
        ("events", "text", json!(""), "text"),
        ("events", "attrs", json!("[1]"), "attrs"),
        ("events", "id", json!("ab\u{e9}"), "not a record id"),
        (
            "events",
            "actor_id",
            json!("0190a1b2-0000-7000-8000-00000000dead"),
            "actor_id",
        ),
        (
            "events",
            "caused_by",
            json!("0190a1b2-0000-7000-8000-00000000dead"),
            "caused_by",
        ),
        ("events", "nonsense", json!(1), "unknown column"),
    ];
    for (table, column, value, expect) in cases {
        let mut b = evil.clone();
        b["tables"][table][0][column] = value.clone();
        if table == "incidents" && column == "detected_precision" {
            b["tables"]["incidents"][0]["detected_us"] = json!(1_773_223_200_000_000i64);
            b["tables"]["incidents"][0]["detected_offset"] = json!(0);
        }
        let before = dump(&s);
        let e = s
            .import_bundle(&b, false)
            .map(|_| "imported".to_string())
            .unwrap_or_else(|e| e.to_string());
        assert!(
            e.contains(expect) && e.contains("refused"),
            "{table}.{column} = {value}: {e}"
        );
        assert_eq!(dump(&s), before, "{table}.{column} = {value}");
    }
    // A hash with a multi-byte character, an action id ending in one: refused too.
    let demo = s.bundle(&demo_id).unwrap();
    let mut b = demo.clone();
    b["tables"]["evidence"][0]["sha256"] = json!(format!("{}é", "a".repeat(63)));
    refused(&mut s, &b, &["evidence", "sha256", "SHA-256"]);
    let mut b = demo.clone();
    let id = b["tables"]["actions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    b["tables"]["actions"][0]["id"] = json!(format!("{}é", &id[..id.len() - 1]));
    refused(&mut s, &b, &["actions", "not a record id"]);
    assert_eq!(s.list_incidents().unwrap().len(), 2);
}

#[test]
fn owners_come_only_with_the_actions_that_name_them() {
    let (mut s, demo_id) = with_demo();
    let mut b = evil_bundle();
    push(
        &mut b,
        "owners",
        json!({"id": "0190a1b2-0000-7000-8000-0000000000aa", "name": "Planted",
               "kind": "person", "contact": "", "version": 1}),
    );
    refused(&mut s, &b, &["owners", "no action of the bundle names"]);
    // The demo's own bundle, imported back, merges as before (nothing of it is refused).
    let demo = s.bundle(&demo_id).unwrap();
    let o = s.import_bundle(&demo, false).unwrap();
    assert_eq!((o.added, o.replaced), (0, 0));
}

#[test]
fn an_area_naming_a_deleted_finding_still_travels_but_not_one_of_another_incident() {
    let (mut s, demo_id) = with_demo();
    let bundle = s.bundle(&demo_id).unwrap();
    let linked = bundle["tables"]["evaluation_items"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| {
            e["findings"]
                .as_str()
                .and_then(|f| f.split_whitespace().next())
        })
        .unwrap()
        .to_string();
    s.delete_finding(&linked).unwrap();
    let bundle = s.bundle(&demo_id).unwrap();
    let mut fresh = store();
    assert!(fresh.import_bundle(&bundle, false).unwrap().created);

    // A finding of IR-OTHER named by an area of the bundle: refused.
    let other = s.incident_by_key("IR-OTHER").unwrap().unwrap();
    let theirs = s
        .create_finding(
            &other.id,
            &crate::domain::NewFinding::new(crate::domain::LapseKind::ManualError, "theirs")
                .unwrap(),
            &[],
        )
        .unwrap();
    let mut b = evil_bundle();
    let evil_id = b["tables"]["incidents"][0]["id"].clone();
    push(
        &mut b,
        "evaluation_items",
        json!({"id": "0190a1b2-0000-7000-8000-0000000e0a11", "incident_id": evil_id,
               "position": 1, "area": "Detection", "question": "", "sufficiency": null,
               "completeness": null, "note": "", "findings": theirs.id,
               "created_us": 1, "updated_us": 1, "version": 1}),
    );
    refused(
        &mut s,
        &b,
        &["evaluation_items", "findings", "another incident"],
    );
}

#[test]
fn a_bundle_of_an_imported_hostile_log_travels() {
    // What an importer may store from an attacker's log: odd tags, an actor and a text
    // of spaces, escapes, an offset of +20:00. Shown inert everywhere; the bundle moves.
    use crate::io::import::{ImportedRow, RowError};
    let mut s = store();
    let inc = s
        .create_incident(&NewIncident::new("IR-LOG", "Imported").unwrap())
        .unwrap();
    let at = crate::domain::Timestamp::from_micros(
        1_773_223_200_000_000,
        20 * 3600,
        crate::domain::Precision::Exact,
    )
    .unwrap();
    let row: std::result::Result<ImportedRow, RowError> = Ok(ImportedRow {
        line: 2,
        at,
        text: " ".into(),
        actor: Some("  ".into()),
        source: Some("\u{1b}]0;x\u{7}".into()),
        phase: None,
        tags: vec!["a!b".into(), "x\u{1b}[1m".into(), "@who".into()],
        technique: None,
        attrs: vec![("k".into(), "\u{202e}v".into())],
        fingerprint: String::from("fp").into(),
    });
    let run = ImportRun {
        file: "log.csv".into(),
        format: "timesketch-csv".into(),
        skip_bad: false,
        dry_run: false,
        ..Default::default()
    };
    s.import_rows(
        &inc.id,
        &mut vec![row].into_iter(),
        &run,
        &mut |_| {},
        &|| "00".into(),
    )
    .unwrap();
    let bundle = s.bundle(&inc.id).unwrap();
    let mut fresh = store();
    let o = fresh.import_bundle(&bundle, false).unwrap();
    assert!(o.created && o.added >= 3, "{o:?}");
    assert_eq!(fresh.bundle(&inc.id).unwrap(), bundle);
}

#[test]
fn fingerprints_travel_as_16_hex_digits_and_older_bundles_with_32_import() {
    use crate::io::import::{ImportedRow, RowFingerprint};
    let mut s = store();
    let inc = s
        .create_incident(&NewIncident::new("IR-FP", "Imported").unwrap())
        .unwrap();
    let fp = RowFingerprint::from("source row");
    let hex: String = fp.0.iter().map(|b| format!("{b:02x}")).collect();
    let at = crate::domain::Timestamp::from_micros(
        1_773_223_200_000_000,
        0,
        crate::domain::Precision::Exact,
    )
    .unwrap();
    let row = ImportedRow::plain(2, at, "sign-in from a new country", fp);
    let run = ImportRun {
        file: "log.csv".into(),
        format: "csv".into(),
        ..Default::default()
    };
    s.import_rows(
        &inc.id,
        &mut std::iter::once(Ok(row.clone())),
        &run,
        &mut |_| {},
        &|| "00".into(),
    )
    .unwrap();
    let bundle = s.bundle(&inc.id).unwrap();
    let event = &bundle["tables"]["events"][0];
    assert_eq!(event["fingerprint"], json!(hex));

    // Written by a release before schema 14: 32 digits, the first 16 the same key.
    let mut older = bundle.clone();
    older["tables"]["events"][0]["fingerprint"] = json!(format!("{hex}00112233aabbccdd"));
    let mut fresh = store();
    fresh.import_bundle(&older, false).unwrap();
    assert_eq!(fresh.bundle(&inc.id).unwrap(), bundle);
    // Merged into the database it came from: the same row, nothing to report.
    let o = s.import_bundle(&older, false).unwrap();
    assert_eq!((o.added, o.replaced, o.conflicts.len()), (0, 0, 0), "{o:?}");
    // The source row imported again after the bundle: a duplicate.
    let out = fresh
        .import_rows(
            &inc.id,
            &mut std::iter::once(Ok(row)),
            &run,
            &mut |_| {},
            &|| "00".into(),
        )
        .unwrap();
    assert_eq!((out.imported, out.duplicates), (0, 1));
}

#[test]
fn impact_and_classification_travel_and_older_bundles_without_them_import() {
    let (mut s, demo) = with_demo();
    let patch = crate::domain::IncidentPatch {
        impact: Some("Payroll of 40 people delayed a day".into()),
        classification: Some("TLP:AMBER".into()),
        ..Default::default()
    };
    s.update_incident(&demo, &patch, None).unwrap();
    let bundle = s.bundle(&demo).unwrap();
    let mut other = store();
    other.import_bundle(&bundle, false).unwrap();
    let copy = other.incident_by_id(&demo).unwrap().unwrap();
    assert_eq!(copy.impact, "Payroll of 40 people delayed a day");
    assert_eq!(copy.classification, "TLP:AMBER");

    // A bundle written before the two fields existed.
    let mut older = bundle.clone();
    for row in older["tables"]["incidents"].as_array_mut().unwrap() {
        let row = row.as_object_mut().unwrap();
        row.remove("impact");
        row.remove("classification");
    }
    let mut third = store();
    third.import_bundle(&older, false).unwrap();
    let copy = third.incident_by_id(&demo).unwrap().unwrap();
    assert_eq!(
        (copy.impact.as_str(), copy.classification.as_str()),
        ("", "")
    );
}
