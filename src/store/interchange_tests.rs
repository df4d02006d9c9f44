//! Imports and bundles in the store: all or nothing, duplicates, dry runs, undo, and
//! bundles that round-trip byte for byte and merge with conflicts.

use super::*;
use crate::domain::{NewIncident, TimeContext, parse_time};
use crate::io::import::{ImportedRow, RowError};
use chrono::TimeZone;

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s.use_sequential_ids();
    s
}

fn row(line: u64, at: &str, text: &str) -> std::result::Result<ImportedRow, RowError> {
    Ok(ImportedRow {
        line,
        at: parse_time(at, &TimeContext::utc()).unwrap(),
        text: text.into(),
        actor: Some("mallory".into()),
        source: None,
        phase: None,
        tags: vec!["aitm".into()],
        technique: None,
        attrs: vec![("host".into(), "exo".into())],
        fingerprint: format!("fp-{line}").into(),
    })
}

fn bad(line: u64) -> std::result::Result<ImportedRow, RowError> {
    Err(RowError {
        line,
        column: Some("datetime".into()),
        message: "not a time".into(),
        raw: vec![],
    })
}

fn import(
    s: &mut Store,
    inc: &str,
    rows: Vec<std::result::Result<ImportedRow, RowError>>,
    skip_bad: bool,
    dry_run: bool,
) -> ImportOutcome {
    let run = ImportRun {
        file: "t.csv".into(),
        format: "timesketch-csv".into(),
        skip_bad,
        dry_run,
        ..Default::default()
    };
    s.import_rows(inc, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
        "00".into()
    })
    .unwrap()
}

fn count(s: &Store, inc: &str) -> i64 {
    s.count_events(inc).unwrap()
}

#[test]
fn a_bad_row_stops_the_whole_import_unless_skipped() {
    let mut s = store();
    let i = s
        .create_incident(&NewIncident::new("IR-1", "x").unwrap())
        .unwrap();
    let before = s.history(None, 100).unwrap().len();
    let o = import(
        &mut s,
        &i.id,
        vec![row(2, "2026-03-11T09:00:00Z", "a"), bad(3)],
        false,
        false,
    );
    assert!(!o.committed);
    assert_eq!((o.imported, o.bad), (1, 1));
    assert_eq!(count(&s, &i.id), 0);
    assert!(
        s.list_actors(&i.id).unwrap().is_empty(),
        "no actor was left behind"
    );
    assert_eq!(s.history(None, 100).unwrap().len(), before);
    let o = import(
        &mut s,
        &i.id,
        vec![row(2, "2026-03-11T09:00:00Z", "a"), bad(3)],
        true,
        false,
    );
    assert!(o.committed);
    assert_eq!(count(&s, &i.id), 1);
}

#[test]
fn reimporting_adds_nothing_and_a_dry_run_writes_nothing() {
    let mut s = store();
    let i = s
        .create_incident(&NewIncident::new("IR-1", "x").unwrap())
        .unwrap();
    let rows = || {
        vec![
            row(2, "2026-03-11T09:00:00Z", "a"),
            row(3, "2026-03-11T09:01:00Z", "b"),
        ]
    };
    let o = import(&mut s, &i.id, rows(), false, true);
    assert_eq!((o.imported, o.committed), (2, false));
    assert_eq!(count(&s, &i.id), 0);
    import(&mut s, &i.id, rows(), false, false);
    let o = import(&mut s, &i.id, rows(), false, false);
    assert_eq!((o.imported, o.duplicates), (0, 2));
    assert_eq!(count(&s, &i.id), 2);
    let e = s
        .event(
            &s.events_page(&EventFilter::incident(&i.id), None, 1)
                .unwrap()
                .events[0]
                .id,
        )
        .unwrap()
        .unwrap();
    assert_eq!(e.attrs, [("host".to_string(), "exo".to_string())]);
    assert_eq!(e.tags, ["aitm"]);
    let found = s
        .count_matching(&EventFilter {
            search: Some("exo".into()),
            ..EventFilter::incident(&i.id)
        })
        .unwrap();
    assert_eq!(found, 2, "attributes are searchable");
}

#[test]
fn undo_takes_an_import_back_and_redo_says_to_import_again() {
    let mut s = store();
    let i = s
        .create_incident(&NewIncident::new("IR-1", "x").unwrap())
        .unwrap();
    import(
        &mut s,
        &i.id,
        vec![row(2, "2026-03-11T09:00:00Z", "a")],
        false,
        false,
    );
    assert_eq!(count(&s, &i.id), 1);
    s.undo(Some(&i.id)).unwrap();
    assert_eq!(count(&s, &i.id), 0);
    assert!(s.list_actors(&i.id).unwrap().is_empty());
    let e = s.redo(Some(&i.id)).unwrap_err();
    assert!(e.to_string().contains("import the file again"), "{e}");
    import(
        &mut s,
        &i.id,
        vec![row(2, "2026-03-11T09:00:00Z", "a")],
        false,
        false,
    );
    assert_eq!(
        count(&s, &i.id),
        1,
        "the same rows come in again after an undo"
    );
}

fn demo(s: &mut Store) -> String {
    let seed = crate::io::demo::demo_seed().unwrap();
    s.create_seeded_incident(&seed).unwrap().id
}

#[test]
fn a_bundle_round_trips_byte_for_byte() {
    let mut a = store();
    let id = demo(&mut a);
    let first = serde_json::to_string_pretty(&a.bundle(&id).unwrap()).unwrap();
    let mut b = Store::open_in_memory("other").unwrap();
    let o = b
        .import_bundle(&serde_json::from_str(&first).unwrap(), false)
        .unwrap();
    assert!(o.created && o.conflicts.is_empty());
    let second = serde_json::to_string_pretty(&b.bundle(&id).unwrap()).unwrap();
    assert_eq!(first, second);
    assert_eq!(b.count_events(&id).unwrap(), 47);
    assert_eq!(b.evaluation(&id).unwrap().len(), 9);
    // The tag index is rebuilt for imported events.
    let tagged = b
        .count_matching(&EventFilter {
            tag: Some("aitm".into()),
            ..EventFilter::incident(&id)
        })
        .unwrap();
    assert!(tagged > 0);
}

#[test]
fn a_merge_keeps_the_newer_side_of_each_conflict_and_lists_it() {
    let mut a = store();
    let id = demo(&mut a);
    let bundle = a.bundle(&id).unwrap();
    let mut b = Store::open_in_memory("other").unwrap();
    b.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()
    }));
    b.import_bundle(&bundle, false).unwrap();
    // Both sides edit: b the title (later), a the severity (earlier) and adds an event.
    let patch = |title: Option<&str>, severity| crate::domain::IncidentPatch {
        title: title.map(str::to_string),
        severity,
        ..Default::default()
    };
    b.update_incident(&id, &patch(Some("Renamed in b"), None), None)
        .unwrap();
    a.update_incident(
        &id,
        &patch(None, Some(crate::domain::Severity::Critical)),
        None,
    )
    .unwrap();
    let new = crate::domain::NewEvent::new(
        parse_time("2026-03-12T09:00:00Z", &TimeContext::utc()).unwrap(),
        "Added in a",
    )
    .unwrap();
    a.add_event(&id, &new).unwrap();
    let o = b.import_bundle(&a.bundle(&id).unwrap(), false).unwrap();
    assert!(!o.created);
    assert_eq!(o.added, 1);
    assert_eq!(o.conflicts.len(), 1, "{:?}", o.conflicts);
    assert!(
        o.conflicts[0].contains("this database's is newer"),
        "{:?}",
        o.conflicts
    );
    assert!(
        o.conflicts[0].contains("title, severity"),
        "{:?}",
        o.conflicts
    );
    let i = b.incident_by_id(&id).unwrap().unwrap();
    assert_eq!(i.title, "Renamed in b");
    assert_eq!(b.count_events(&id).unwrap(), 48);
    // Undo takes the merge back.
    b.undo(Some(&id)).unwrap();
    assert_eq!(b.count_events(&id).unwrap(), 47);
}

#[test]
fn a_newer_bundle_is_refused() {
    let mut a = store();
    let id = demo(&mut a);
    let mut bundle = a.bundle(&id).unwrap();
    bundle["version"] = serde_json::json!(BUNDLE_VERSION + 1);
    let mut b = Store::open_in_memory("other").unwrap();
    let e = b.import_bundle(&bundle, false).unwrap_err();
    assert!(e.to_string().contains("newer debrief"), "{e}");
    assert!(b.list_incidents().unwrap().is_empty());
}
