//! A large import commits before its events are indexed for search; the backlog is then
//! worked off a slice at a time. Meanwhile a search finds exactly the indexed events that
//! match (never a wrong one); edits, deletes, new events and an undo in the meantime leave
//! the full-text index whole; afterwards search answers what a plain scan answers.

use super::search_tests::{forward, row, scan};
use super::*;
use crate::domain::{NewEvent, NewIncident};
use crate::io::import::{ImportedRow, RowError};

/// Imports `n` rows, leaving them to the search backlog (any import of 100 or more).
fn import_later(s: &mut Store, incident: &str, n: u64) -> ImportOutcome {
    let rows: Vec<std::result::Result<ImportedRow, RowError>> = (0..n)
        .map(|i| Ok(row(i, 1_000_000 + i as i64, "a")))
        .collect();
    let run = ImportRun {
        file: "t.csv".into(),
        format: "timesketch-csv".into(),
        search_later_from: Some(100),
        ..Default::default()
    };
    s.import_rows(incident, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
        "00".into()
    })
    .unwrap()
}

fn found(s: &Store, incident: &str, search: &str) -> Vec<String> {
    let mut f = EventFilter::incident(incident);
    f.search = Some(search.into());
    forward(s, &f, 100)
}

/// FTS5's own check of an external-content index against the events table.
fn index_is_whole(s: &Store) {
    s.connection()
        .execute(
            "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("the full-text index matches the events");
}

fn store_with_incident() -> (Store, String) {
    let mut s = Store::open_in_memory("tester").unwrap();
    let inc = s
        .create_incident(&NewIncident::new("IR-L", "Later").unwrap())
        .unwrap();
    (s, inc.id)
}

#[test]
fn a_large_import_is_committed_first_and_searchable_once_indexed() {
    let (mut s, inc) = store_with_incident();
    let o = import_later(&mut s, &inc, 1000);
    assert!(o.committed && o.search_later);
    assert_eq!(s.count_events(&inc).unwrap(), 1000);
    assert_eq!(s.search_backlog().unwrap(), 1000);
    // Nothing is indexed yet: no search finds a wrong event, none finds one at all.
    assert!(found(&s, &inc, "event").is_empty());
    // Part indexed: exactly the matching events among the indexed ones.
    assert_eq!(s.index_backlog_slice(300).unwrap(), 700);
    let indexed: Vec<String> = s
        .connection()
        .prepare("SELECT id FROM events WHERE seq <= (SELECT min(from_seq) FROM search_backlog)")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for search in ["event", "mailbox token", "host-3", "beacon"] {
        let expected: Vec<String> = scan(&s, &inc, search)
            .into_iter()
            .filter(|id| indexed.contains(id))
            .collect();
        assert_eq!(found(&s, &inc, search), expected, "{search} while indexing");
    }
    let mut slices = Vec::new();
    s.index_backlog(&mut |left, start| slices.push((left, start)))
        .unwrap();
    assert_eq!(slices.last(), Some(&(0, 700)));
    assert_eq!(s.search_backlog().unwrap(), 0);
    for search in [
        "event",
        "ev",
        "mailbox token",
        "host-3",
        "hostname",
        "beacon",
        "sysmon",
    ] {
        assert_eq!(found(&s, &inc, search), scan(&s, &inc, search), "{search}");
    }
    index_is_whole(&s);
}

#[test]
fn edits_deletes_and_new_events_while_indexing_keep_the_index_whole() {
    let (mut s, inc) = store_with_incident();
    import_later(&mut s, &inc, 500);
    s.index_backlog_slice(200).unwrap();
    let id_at = |s: &Store, seq: i64| -> String {
        s.connection()
            .query_row("SELECT id FROM events WHERE seq = ?1", [seq], |r| r.get(0))
            .unwrap()
    };
    // One edited and one deleted on each side of what is indexed so far.
    for seq in [50, 400] {
        let e = s.event(&id_at(&s, seq)).unwrap().unwrap();
        let mut new = NewEvent::from(&e);
        new.text = format!("edited {seq} zebra");
        s.update_event(&e.id, &new, Some(e.version)).unwrap();
    }
    for seq in [60, 450] {
        s.delete_event(&id_at(&s, seq)).unwrap();
    }
    let added = s
        .add_event(
            &inc,
            &NewEvent::new(
                crate::domain::Timestamp::from_micros(5, 0, crate::domain::Precision::Exact)
                    .unwrap(),
                "added zebra",
            )
            .unwrap(),
        )
        .unwrap();
    // (FTS5's check compares the index with every event, so it holds once all are in.)
    s.index_backlog(&mut |_, _| {}).unwrap();
    index_is_whole(&s);
    let zebras = found(&s, &inc, "zebra");
    assert_eq!(zebras, scan(&s, &inc, "zebra"));
    assert_eq!(zebras.len(), 3);
    assert!(zebras.contains(&added.id));
    assert_eq!(found(&s, &inc, "event"), scan(&s, &inc, "event"));
}

#[test]
fn an_import_undone_before_it_is_indexed_leaves_nothing_behind() {
    let (mut s, inc) = store_with_incident();
    import_later(&mut s, &inc, 3000);
    s.index_backlog_slice(1000).unwrap();
    s.undo(Some(&inc)).unwrap().unwrap();
    assert_eq!(s.count_events(&inc).unwrap(), 0);
    index_is_whole(&s);
    s.index_backlog(&mut |_, _| {}).unwrap();
    assert_eq!(s.search_backlog().unwrap(), 0);
    index_is_whole(&s);
    assert!(found(&s, &inc, "event").is_empty());
}

#[test]
fn a_small_import_is_searchable_at_once() {
    let (mut s, inc) = store_with_incident();
    let rows: Vec<std::result::Result<ImportedRow, RowError>> =
        (0..50).map(|i| Ok(row(i, 1_000 + i as i64, "s"))).collect();
    let run = ImportRun {
        file: "t.csv".into(),
        format: "timesketch-csv".into(),
        search_later_from: Some(100),
        ..Default::default()
    };
    let o = s
        .import_rows(&inc, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
            "00".into()
        })
        .unwrap();
    assert!(o.committed && !o.search_later);
    assert_eq!(s.search_backlog().unwrap(), 0);
    assert_eq!(found(&s, &inc, "event").len(), 50);
}
