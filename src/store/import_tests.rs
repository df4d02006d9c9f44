//! The bulk path of a large import: duplicates found after the load, exactly (the
//! time, the fingerprint, the text and the incident decide), and the indexes dropped for the load
//! built again.

use super::*;
use crate::domain::{NewIncident, Precision, Timestamp};
use crate::io::import::{ImportedRow, RowError, RowFingerprint};

fn row(i: u64, fingerprint: impl Into<RowFingerprint>) -> ImportedRow {
    let at = Timestamp::from_micros((1_000_000 + i as i64) * 1_000_000, 0, Precision::Exact);
    ImportedRow::plain(i + 2, at.unwrap(), format!("row {i}"), fingerprint)
}

fn import(s: &mut Store, incident: &str, rows: Vec<ImportedRow>) -> ImportOutcome {
    let rows: Vec<std::result::Result<ImportedRow, RowError>> = rows.into_iter().map(Ok).collect();
    let run = ImportRun {
        file: "t.csv".into(),
        format: "csv".into(),
        ..Default::default()
    };
    s.import_rows(incident, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
        "00".into()
    })
    .unwrap()
}

fn indexes(s: &Store) -> Vec<String> {
    let mut stmt = s
        .connection()
        .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or_default())
        .collect()
}

#[test]
fn a_large_reimport_adds_only_the_new_rows_and_keeps_the_indexes() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let b = s
        .create_incident(&NewIncident::new("IR-B", "B").unwrap())
        .unwrap();
    let schema = indexes(&s);
    let fp = |i: u64| format!("source row {i}");
    // More rows than the point where the indexes are dropped, with a repeated line.
    // One row in a thousand names an actor: the partial actor index stays through the
    // load and takes those rows as they come.
    let with_actor = |i: u64| {
        let mut r = row(i, fp(i));
        if i.is_multiple_of(1000) {
            r.actor = Some(format!("host-{}", i % 3));
        }
        r
    };
    let mut first: Vec<ImportedRow> = (0..60_000).map(with_actor).collect();
    first.push(row(7, fp(7)));
    let out = import(&mut s, &a.id, first);
    assert_eq!((out.imported, out.duplicates), (60_000, 1));
    assert_eq!(indexes(&s), schema, "the indexes are back as they were");
    // The same file with 100 more rows: only those are new. In another incident, all are.
    let again: Vec<ImportedRow> = (0..60_100).map(|i| row(i, fp(i))).collect();
    let out = import(&mut s, &a.id, again.clone());
    assert_eq!((out.imported, out.duplicates), (100, 60_000));
    let out = import(&mut s, &b.id, again);
    assert_eq!((out.imported, out.duplicates), (60_100, 0));
    assert_eq!(s.count_events(&a.id).unwrap(), 60_100);
    assert_eq!(s.count_events(&b.id).unwrap(), 60_100);
    let counted: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM events_v WHERE incident_id = ?1",
            [&a.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counted, 60_100);
    assert_eq!(indexes(&s), schema);
    let one = |sql: &str| -> String {
        s.connection()
            .query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| format!("{v:?}"))
            .unwrap()
    };
    assert_eq!(one("PRAGMA integrity_check"), "Text(\"ok\")");
    assert_eq!(
        one("SELECT count(*) FROM events INDEXED BY events_by_actor WHERE actor_id IS NOT NULL"),
        "Integer(60)"
    );
    fts_intact(&s);
}

/// The full-text index holds exactly the events' words (FTS5's own check).
fn fts_intact(s: &Store) {
    s.connection()
        .execute(
            "INSERT INTO events_fts (events_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
}

#[test]
fn a_fingerprint_met_again_with_another_text_is_not_a_duplicate() {
    // Fingerprints are 8 bytes: two different rows whose hashes began alike would share
    // one. A duplicate needs the same text too, so both are kept.
    let mut s = Store::open_in_memory("tester").unwrap();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let out = import(&mut s, &a.id, vec![row(0, "same"), row(1, "other")]);
    assert_eq!((out.imported, out.duplicates), (2, 0));
    let out = import(&mut s, &a.id, vec![row(5, "same"), row(0, "same")]);
    assert_eq!((out.imported, out.duplicates), (1, 1));
    assert_eq!(s.count_events(&a.id).unwrap(), 3);
    let texts: Vec<String> = s
        .conn
        .prepare("SELECT text FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(texts, ["row 0", "row 1", "row 5"]);
    // The same fingerprint and text at another time (the file read with another time
    // zone, say) is another moment of the timeline: kept.
    let mut moved = row(0, "same");
    moved.at = row(9, "same").at;
    let out = import(&mut s, &a.id, vec![moved]);
    assert_eq!((out.imported, out.duplicates), (1, 0));
    fts_intact(&s);
}

#[test]
fn rows_the_incident_had_are_passed_over_or_found_after_the_load() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let schema = indexes(&s);
    let old: Vec<ImportedRow> = (0..1000).map(|i| row(i, format!("old {i}"))).collect();
    let out = import(&mut s, &a.id, old.clone());
    assert_eq!((out.imported, out.duplicates), (1000, 0));
    // The same rows again and ten more: the old ones passed over through the time index,
    // never inserted (the new rows' rowids follow the first import's at once).
    let mut again = old.clone();
    again.extend((100_000..100_010).map(|i| row(i, format!("extra {i}"))));
    let out = import(&mut s, &a.id, again);
    assert_eq!((out.imported, out.duplicates), (10, 1000));
    let top: i64 = s
        .connection()
        .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(top, 1010);
    // Behind more new rows than the point where the indexes are dropped for the load,
    // the old rows are inserted and found after the load.
    let mut mixed: Vec<ImportedRow> = (1000..61_000).map(|i| row(i, format!("new {i}"))).collect();
    mixed.extend(old);
    let out = import(&mut s, &a.id, mixed);
    assert_eq!((out.imported, out.duplicates), (60_000, 1000));
    assert_eq!(s.count_events(&a.id).unwrap(), 61_010);
    assert_eq!(indexes(&s), schema);
    fts_intact(&s);
}

#[test]
fn imported_attributes_keep_their_names_once_and_read_back_whole() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let with_attrs = |i: u64, names: &[&str]| {
        let mut r = row(i, format!("attrs {i}"));
        r.attrs = names
            .iter()
            .map(|n| (n.to_string(), format!("{n}-{i}")))
            .collect();
        r
    };
    let rows = vec![
        with_attrs(0, &["hostname", "username"]),
        with_attrs(1, &["hostname", "username"]),
        with_attrs(2, &["username"]),
        with_attrs(3, &[]),
    ];
    let out = import(&mut s, &a.id, rows);
    assert_eq!(out.imported, 4);
    // Kept: two sets of names, and each row's values only.
    let stored: Vec<(String, Option<i64>)> = s
        .connection()
        .prepare("SELECT attrs, attr_names FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(stored[0].0, r#"["hostname-0","username-0"]"#);
    assert_eq!(stored[0].1, stored[1].1);
    assert_ne!(stored[0].1, stored[2].1);
    assert_eq!(stored[3], (String::new(), None));
    // Read back whole: the events, the export's columns, search by name and value.
    let events = s
        .events_page(&EventFilter::incident(&a.id), None, 10)
        .unwrap()
        .events;
    assert_eq!(
        events[1].attrs,
        [
            ("hostname".to_string(), "hostname-1".to_string()),
            ("username".to_string(), "username-1".to_string())
        ]
    );
    assert_eq!(events[2].attrs, [("username".into(), "username-2".into())]);
    assert!(events[3].attrs.is_empty());
    assert_eq!(s.attribute_names(&a.id).unwrap(), ["hostname", "username"]);
    let found = s
        .events_page(
            &EventFilter {
                search: Some("hostname:hostname-1".into()),
                ..EventFilter::incident(&a.id)
            },
            None,
            10,
        )
        .unwrap()
        .events;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, events[1].id);
    fts_intact(&s);
    // A bundle carries the object, as before.
    let mut bundle = Vec::new();
    s.write_bundle(&a.id, &mut bundle).unwrap();
    let text = String::from_utf8(bundle).unwrap();
    assert!(
        text.contains(r#"{\"hostname\":\"hostname-0\",\"username\":\"username-0\"}"#)
            || text.contains(r#""hostname":"hostname-0""#),
        "{text}"
    );
    assert!(!text.contains(r#"["hostname-0","username-0"]"#), "{text}");
    // The undo of the import takes the rows out of the index by the same words.
    let undone = s.undo(Some(&a.id)).unwrap();
    assert!(undone.is_some());
    assert_eq!(s.count_events(&a.id).unwrap(), 0);
    fts_intact(&s);
}

#[test]
fn imported_events_are_created_when_their_import_is_until_edited() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
    s.set_clock(Box::new(move || at("2026-03-10T08:00:00Z")));
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let import_time = at("2026-03-11T10:00:00Z");
    s.set_clock(Box::new(move || import_time));
    import(&mut s, &a.id, vec![row(0, "a"), row(1, "b")]);
    // Kept as 0 (no bytes), shown as the import's time.
    let stored: (i64, i64) = s
        .connection()
        .query_row(
            "SELECT created_us, updated_us FROM events WHERE seq = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, (0, 0));
    let events = s
        .events_page(&EventFilter::incident(&a.id), None, 10)
        .unwrap()
        .events;
    assert_eq!(
        (events[0].created, events[0].updated),
        (import_time, import_time)
    );
    let edit_time = at("2026-03-12T09:30:00Z");
    s.set_clock(Box::new(move || edit_time));
    let mut new = crate::domain::NewEvent::from(&events[0]);
    new.text = "row 0, read again".into();
    let edited = s.update_event(&events[0].id, &new, None).unwrap();
    assert_eq!((edited.created, edited.updated), (import_time, edit_time));
    // A bundle carries the times themselves.
    let mut bundle = Vec::new();
    s.write_bundle(&a.id, &mut bundle).unwrap();
    let text = String::from_utf8(bundle).unwrap();
    assert!(
        text.contains(&import_time.timestamp_micros().to_string()),
        "{text}"
    );
    for zero in [
        "\"created_us\":0",
        "\"created_us\": 0",
        "\"updated_us\":0",
        "\"updated_us\": 0",
    ] {
        assert!(!text.contains(zero), "{text}");
    }
}

#[test]
fn rows_read_ahead_arrive_all_and_in_order() {
    let mut seen = Vec::new();
    let mut rows = 0..10_000u32;
    let done: std::result::Result<(), ()> = import::read_ahead(&mut rows, |r| {
        seen.push(*r);
        Ok(())
    });
    assert_eq!(done, Ok(()));
    assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
}

#[test]
fn a_failed_write_stops_the_reading_ahead() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let read = AtomicUsize::new(0);
    let mut rows = (0..1_000_000u32).inspect(|_| {
        read.fetch_add(1, Ordering::Relaxed);
    });
    let mut written = 0;
    let done = import::read_ahead(&mut rows, |r| {
        written += 1;
        if *r == 300 {
            Err(format!("row {r} refused"))
        } else {
            Ok(())
        }
    });
    assert_eq!(done, Err("row 300 refused".to_string()));
    assert_eq!(written, 301);
    // A few batches ahead at most, not the whole file.
    let read = read.load(Ordering::Relaxed);
    assert!(read < 20_000, "{read} rows read");
}
