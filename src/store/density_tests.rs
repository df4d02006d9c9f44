//! The density strip equals a direct count of the events after every kind of change:
//! events added, imported (the bulk path, duplicates among them), undone, deleted, moved
//! in time, a whole incident deleted and brought back, a bundle imported and merged.

use super::*;
use crate::domain::{NewEvent, NewIncident, Precision, Timestamp};
use crate::io::import::{ImportedRow, RowError};
use chrono::TimeZone;

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .unwrap()
    }));
    s
}

fn at_us(us: i64) -> Timestamp {
    Timestamp::from_micros(us, 0, Precision::Exact).unwrap()
}

/// Times spread unevenly: bursts inside one slot, gaps of hours, some before 1970.
fn time_of(i: u64) -> i64 {
    let base = 1_773_200_000_000_000i64;
    match i % 5 {
        0 => base + (i as i64) * 1_000,
        1 => base + (i as i64) * 7_919_000_000,
        2 => -86_400_000_000 - (i as i64) * 3_000_017,
        _ => base + (i as i64 % 97) * 60_000_000 + (i as i64) * 13,
    }
}

fn row(i: u64, batch: &str) -> ImportedRow {
    ImportedRow::plain(
        i + 2,
        at_us(time_of(i)),
        format!("event {i}"),
        format!("{batch}-{i}"),
    )
}

fn import(s: &mut Store, incident: &str, rows: impl Iterator<Item = ImportedRow> + Send) -> String {
    let mut rows = rows.map(Ok::<_, RowError>);
    let run = ImportRun {
        file: "t.csv".into(),
        format: "timesketch-csv".into(),
        ..Default::default()
    };
    let out = s
        .import_rows(incident, &mut rows, &run, &mut |_| {}, &|| "00".into())
        .unwrap();
    assert!(out.committed);
    out.import_id.unwrap()
}

/// The strip counted directly: every event's time, bucket by bucket.
fn direct(s: &Store, incident: &str, buckets: usize) -> Density {
    let times: Vec<i64> = s
        .connection()
        .prepare("SELECT at_us FROM events_v WHERE incident_id = ?1")
        .unwrap()
        .query_map([incident], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut d = Density {
        counts: vec![0; buckets],
        ..Density::default()
    };
    if let (Some(lo), Some(hi)) = (times.iter().min(), times.iter().max()) {
        d.start_us = *lo;
        d.end_us = *hi;
        for t in &times {
            let b = d.bucket_of(*t);
            d.counts[b] += 1;
        }
    }
    d
}

/// The strip of every incident, at several widths, equals the direct count; and the
/// slots kept equal the slots counted from the events.
fn check(s: &Store, what: &str) {
    let ids: Vec<String> = s
        .connection()
        .prepare("SELECT id FROM incidents")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for id in &ids {
        for buckets in [1, 7, 200, 1000] {
            assert_eq!(
                s.event_density(id, buckets).unwrap(),
                direct(s, id, buckets),
                "{what}: {buckets} buckets"
            );
        }
    }
    let slots = |sql: &str| -> Vec<(String, i64, i64)> {
        s.connection()
            .prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(
        slots("SELECT incident_id, slot, events FROM event_slots ORDER BY 1, 2"),
        slots(
            "SELECT incident_id, at_us >> 26, count(*) FROM events_v GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        "{what}: the slots kept"
    );
}

#[test]
fn the_strip_equals_a_direct_count_after_every_kind_of_change() {
    let mut s = store();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    let b = s
        .create_incident(&NewIncident::new("IR-B", "B").unwrap())
        .unwrap();
    check(&s, "empty");

    let mut added = Vec::new();
    for i in 0..40 {
        let e = NewEvent::new(at_us(time_of(i * 3 + 1)), "by hand").unwrap();
        added.push(s.add_event(&a.id, &e).unwrap());
    }
    check(&s, "added by hand");

    // The bulk path (the insert triggers dropped, the slots counted after the load).
    let first = import(&mut s, &a.id, (0..3000).map(|i| row(i, "x")));
    check(&s, "imported");
    // Half of the rows again: duplicates removed after the load.
    import(&mut s, &a.id, (1500..4500).map(|i| row(i, "x")));
    check(&s, "imported with duplicates");
    import(&mut s, &b.id, (0..500).map(|i| row(i, "y")));
    check(&s, "another incident imported");

    // Moved in time: into another slot, within its slot, and back by undo.
    let moved = &added[3];
    let mut e = NewEvent::new(at_us(time_of(9_999)), "moved").unwrap();
    s.update_event(&moved.id, &e, None).unwrap();
    check(&s, "moved in time");
    e.at = at_us(time_of(9_999) + 1);
    s.update_event(&moved.id, &e, None).unwrap();
    check(&s, "moved within its slot");
    s.undo(Some(&a.id)).unwrap();
    s.undo(Some(&a.id)).unwrap();
    check(&s, "moves undone");

    s.delete_event(&added[5].id).unwrap();
    check(&s, "deleted");
    s.undo(Some(&a.id)).unwrap();
    check(&s, "delete undone");

    // Undo of the large import: the removal rebuilds the indexes and recounts the slots.
    let latest = s.undo(Some(&a.id)).unwrap();
    assert!(latest.is_some());
    check(&s, "second import undone");
    let kept: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM events
             WHERE import_id = (SELECT CAST(num AS TEXT) FROM imports WHERE id = ?1)",
            [&first],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 3000, "the first import's events stay");
    s.undo(Some(&a.id)).unwrap();
    check(&s, "first import undone");

    // A bundle: into a fresh database, then merged back with an event moved in time.
    let mut bundle = s.bundle(&b.id).unwrap();
    let mut fresh = store();
    assert!(fresh.import_bundle(&bundle, false).unwrap().created);
    check(&fresh, "bundle imported");
    let event = &mut bundle["tables"]["events"][0];
    event["at_us"] = serde_json::json!(time_of(77_777));
    event["updated_us"] = serde_json::json!(1_900_000_000_000_000i64);
    let outcome = fresh.import_bundle(&bundle, false).unwrap();
    assert_eq!(outcome.replaced, 1);
    check(&fresh, "bundle merged with an event moved");

    // A whole incident deleted and brought back.
    s.delete_incident(&b.id).unwrap();
    check(&s, "incident deleted");
    s.undo(Some(&b.id)).unwrap();
    check(&s, "incident brought back");
}

#[test]
fn a_slot_cut_by_many_bucket_edges_is_counted_event_by_event() {
    let mut s = store();
    let a = s
        .create_incident(&NewIncident::new("IR-A", "A").unwrap())
        .unwrap();
    // A thousand events within two seconds: one or two slots, every bucket edge in them.
    import(
        &mut s,
        &a.id,
        (0..1000).map(|i| ImportedRow {
            at: at_us(1_773_200_000_000_000 + (i as i64 * 1999) % 2_000_000),
            ..row(i, "z")
        }),
    );
    check(&s, "a burst");
    let d = s.event_density(&a.id, 200).unwrap();
    assert_eq!(d.counts.iter().map(|&c| c as u64).sum::<u64>(), 1000);
}
