//! A deleted incident's imported events set aside whole: undo brings them back exactly as
//! they were stored (ids, times, attributes, fingerprints, tags, their import), redo sets
//! them aside again, and the history holds one step for all of them.

use super::super::*;
use crate::domain::{NewIncident, Precision, Timestamp};
use crate::io::import::ImportedRow;

fn incident(s: &mut Store, key: &str) -> String {
    s.create_incident(&NewIncident::new(key, "Mailbox compromise").unwrap())
        .unwrap()
        .id
}

/// Imports `n` rows named `what`, each with a host attribute; the first is tagged.
fn import(s: &mut Store, incident: &str, n: u64, what: &str) {
    let rows = (0..n)
        .map(|i| {
            let at =
                Timestamp::from_micros((1_700_000_000 + i as i64) * 1_000_000, 0, Precision::Exact);
            let mut r = ImportedRow::plain(
                i + 2,
                at.unwrap(),
                format!("{what} row {i}"),
                format!("{what}-{i}"),
            );
            r.attrs = vec![("hostname".into(), format!("host-{}", i % 3))];
            if i == 0 {
                r.tags = vec!["initial-access".into()];
            }
            r
        })
        .collect();
    super::super::search_tests::import(s, incident, rows);
}

/// Every event of the incident as a reader sees it, in order.
fn events(s: &Store, incident: &str) -> Vec<String> {
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT id || ' ' || at_us || ' ' || text || ' ' || attrs || ' ' || created_us
                 || ' ' || hex(fingerprint) || ' ' || tags || ' ' || coalesce(import_id, '-')
             FROM events_v WHERE incident_id = ?1 ORDER BY at_us, seq",
        )
        .unwrap();
    stmt.query_map([incident], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn count(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn search_count(s: &Store, words: &str) -> i64 {
    s.connection()
        .query_row(
            "SELECT count(*) FROM events_fts WHERE events_fts MATCH ?1",
            [words],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_deleted_incident_s_imported_events_come_back_as_they_were_stored() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let kept = incident(&mut s, "IR-KEPT");
    import(&mut s, &kept, 5, "kept");
    let gone = incident(&mut s, "IR-GONE");
    import(&mut s, &gone, 300, "gone");
    let before = events(&s, &gone);
    let kept_before = events(&s, &kept);
    let history = count(&s, "SELECT count(*) FROM history");

    s.delete_incident(&gone).unwrap();
    assert!(s.incident_by_key("IR-GONE").unwrap().is_none());
    // One step for the 300 events, not one each.
    assert!(count(&s, "SELECT count(*) FROM history") - history < 10);
    assert_eq!(count(&s, "SELECT count(*) FROM events_set_aside"), 300);
    assert_eq!(search_count(&s, "gone"), 0);
    assert_eq!(events(&s, &kept), kept_before);

    for round in 0..2 {
        assert_eq!(s.undo(None).unwrap().unwrap().label, "delete incident");
        assert_eq!(events(&s, &gone), before, "round {round}");
        assert_eq!(s.count_events(&gone).unwrap(), 300);
        assert_eq!(count(&s, "SELECT count(*) FROM events_set_aside"), 0);
        assert_eq!(count(&s, "SELECT count(*) FROM set_aside"), 0);
        assert_eq!(search_count(&s, "gone"), 300);
        assert_eq!(search_count(&s, "gone AND host"), 300);
        let tagged = count(
            &s,
            "SELECT count(*) FROM event_tags WHERE tag = 'initial-access'",
        );
        assert_eq!(tagged, 2, "one tagged row in each import");
        s.connection()
            .execute(
                "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
        assert_eq!(s.redo(None).unwrap().unwrap().label, "delete incident");
        assert_eq!(count(&s, "SELECT count(*) FROM events_set_aside"), 300);
        assert_eq!(search_count(&s, "gone"), 0);
    }
    s.undo(None).unwrap();
    // The import is whole again: undoing it takes its events, and only them.
    assert_eq!(s.undo(None).unwrap().unwrap().label, "import t.csv");
    assert_eq!(s.count_events(&gone).unwrap(), 0);
    assert_eq!(events(&s, &kept), kept_before);
}

#[test]
fn an_import_number_taken_meanwhile_is_not_shared_on_undo() {
    let mut s = Store::open_in_memory("tester").unwrap();
    let first = incident(&mut s, "IR-1");
    import(&mut s, &first, 10, "first");
    let before = events(&s, &first);
    s.delete_incident(&first).unwrap();
    // The deleted incident's import number is free: the next import takes it.
    let second = incident(&mut s, "IR-2");
    import(&mut s, &second, 10, "second");
    s.undo(Some(&first)).unwrap();
    let nums = count(&s, "SELECT count(DISTINCT num) FROM imports");
    assert_eq!(nums, 2);
    let restored = events(&s, &first);
    assert_eq!(restored.len(), 10);
    // The same rows, their import renumbered.
    let strip = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.rsplit_once(' ').unwrap().0.to_string())
            .collect()
    };
    assert_eq!(strip(&restored), strip(&before));
    assert_ne!(
        restored[0].rsplit_once(' ').unwrap().1,
        events(&s, &second)[0].rsplit_once(' ').unwrap().1
    );
    // Undoing the second import leaves the first incident's events alone.
    assert_eq!(
        s.undo(Some(&second)).unwrap().unwrap().label,
        "import t.csv"
    );
    assert_eq!(s.count_events(&second).unwrap(), 0);
    assert_eq!(events(&s, &first), restored);
}

#[test]
fn a_cause_and_its_effect_slices_apart_come_back_linked() {
    use crate::domain::NewEvent;
    let mut s = Store::open_in_memory("tester").unwrap();
    let inc = incident(&mut s, "IR-C");
    import(&mut s, &inc, 40, "base");
    let at = |m: u32| {
        crate::domain::parse_time(
            &format!("2026-03-11T10:{m:02}:00Z"),
            &crate::domain::TimeContext::utc(),
        )
        .unwrap()
    };
    // A cause early, its effect many slices later (rows are set aside a few at a time
    // under test): deleting the cause first would have unlinked the effect.
    let cause = s
        .add_event(&inc, &NewEvent::new(at(0), "cause").unwrap())
        .unwrap();
    for m in 1..20 {
        s.add_event(&inc, &NewEvent::new(at(m), "filler").unwrap())
            .unwrap();
    }
    let mut e = NewEvent::new(at(30), "effect").unwrap();
    e.caused_by = Some(cause.id.clone());
    let effect = s.add_event(&inc, &e).unwrap();
    let before = events(&s, &inc);
    s.delete_incident(&inc).unwrap();
    s.undo(None).unwrap();
    assert_eq!(events(&s, &inc), before);
    let back = s.event(&effect.id).unwrap().unwrap();
    assert_eq!(back.caused_by.as_deref(), Some(cause.id.as_str()));
}
