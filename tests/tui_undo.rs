//! A large undo runs in the background: the workbench keeps drawing a progress line and
//! answering keys (help, navigation), refuses its own edits while the undo holds the
//! database, reloads when it is done, and gives the freed space back to the file system.
//! A large import's events are indexed for search in the background too, while the
//! window's edits go on. Not timed: the benchmark measures the undo and the worst frame
//! during it.

mod generated;
mod harness;

use debrief::app::{Msg, Overlay};
use debrief::store::Store;
use harness::Harness;
use std::path::Path;
use std::time::{Duration, Instant};

const N: i64 = 100_000;

/// A file database with one incident of `n` imported events, one second apart.
fn imported(path: &Path, n: i64) -> (Store, String) {
    let mut store = Store::open(path, "tester").unwrap();
    let incident =
        generated::incident_with_rows(&mut store, "IR-BIG", n, |i| format!("row {i} noise"));
    (store, incident)
}

/// Sends `Msg::Poll` until no job runs (the loop does this ten times a second).
fn wait_for_jobs(h: &mut Harness) {
    let started = Instant::now();
    while h.app.has_job() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the background job never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.send(Msg::Poll);
    }
}

#[test]
fn undoing_a_hundred_thousand_event_import_keeps_the_workbench_answering_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (store, incident) = imported(&db, N);
    let mut h = Harness::with_store(store, 120, 40, true);
    h.keys("<enter>");
    assert_eq!(h.app.timeline().unwrap().total, N);
    let before = h.store.file_bytes();

    // Another connection holds the write lock for the first keys, so the undo is
    // certainly still running (waiting for it) while they are pressed.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    h.keys("u");
    assert!(h.app.replay_job.is_some(), "{}", h.app.status().text);
    let screen = h.screen();
    assert!(
        screen.contains("undoing import big.csv…"),
        "a progress line: {screen}"
    );

    // Help opens and closes.
    h.keys("?");
    assert!(
        matches!(h.app.overlays.last(), Some(Overlay::Help(_))),
        "help opens during the undo: {:?} {}",
        h.app.overlays.len(),
        h.app.status().text
    );
    h.keys("<esc>");
    assert!(h.app.overlays.is_empty());

    // Navigation reads the timeline as it was before the undo.
    h.keys("jjj");
    assert_eq!(h.selected().text, "row 3 noise");
    h.keys("G");
    assert_eq!(h.selected().text, format!("row {} noise", N - 1));

    // An edit is refused at once (not queued), naming the job; the typed text stays.
    h.keys("c2026-03-10 14:02 a note while undoing<enter>");
    h.assert_status("not saved: an undo is running");
    assert!(h.app.replay_job.is_some(), "still running");
    assert_eq!(h.store.count_events(&incident).unwrap(), N);

    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);
    // Keys keep working while it runs.
    h.keys("<esc>gk");
    wait_for_jobs(&mut h);

    h.assert_status_starts("undone: import big.csv in ");
    assert_eq!(h.store.count_events(&incident).unwrap(), 0);
    assert_eq!(h.app.timeline().unwrap().total, 0, "the timeline reloaded");
    // The space job ran after the undo: the file (with its -wal) shrank.
    let after = h.store.file_bytes();
    assert!(
        after * 2 < before,
        "the file gives the space back: {before} -> {after} bytes"
    );
    assert_eq!(h.store.free_pages().unwrap(), 0);
    // Edits work again: the refused capture was kept, and now saves.
    h.keys("c<enter>");
    assert_eq!(h.store.count_events(&incident).unwrap(), 1);
    assert_eq!(h.event_texts(), ["a note while undoing"]);
}

#[test]
fn a_large_incident_is_deleted_and_brought_back_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let n = debrief::store::BACKGROUND_WEIGHT + 1_000;
    let (store, incident) = imported(&db, n);
    let mut h = Harness::with_store(store, 120, 40, true);
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    h.keys("dy");
    assert!(h.app.delete_job.is_some(), "{}", h.app.status().text);
    assert!(h.screen().contains("deleting incident IR-BIG…"));
    h.keys("?");
    assert!(matches!(h.app.overlays.last(), Some(Overlay::Help(_))));
    h.keys("<esc>");
    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);
    wait_for_jobs(&mut h);
    h.assert_status_starts("deleted incident IR-BIG with");
    assert!(h.app.incidents.rows.is_empty());
    assert_eq!(h.store.count_events(&incident).unwrap(), 0);

    // Its undo weighs as many as the events set aside: in the background too.
    h.keys("u");
    assert!(h.app.replay_job.is_some(), "{}", h.app.status().text);
    wait_for_jobs(&mut h);
    h.assert_status_starts("undone: delete incident");
    assert_eq!(h.store.count_events(&incident).unwrap(), n);
    assert_eq!(h.app.incidents.rows.len(), 1);
}

#[test]
fn a_large_import_is_indexed_for_search_in_the_background_while_edits_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let n = 20_000;
    let mut store = Store::open(&db, "tester").unwrap();
    let incident = store
        .create_incident(&debrief::domain::NewIncident::new("IR-IDX", "Indexing").unwrap())
        .unwrap()
        .id;
    let run = debrief::store::ImportRun {
        file: "big.csv".into(),
        format: "timesketch-csv".into(),
        search_later_from: Some(1_000),
        ..Default::default()
    };
    generated::import_with(&mut store, &incident, &run, n, |i| {
        let word = if i % 1000 == 0 { "beacon" } else { "noise" };
        format!("row {i} {word}")
    });
    assert_eq!(store.search_backlog().unwrap(), n);

    // The window opens on a database whose indexing was left unfinished; another
    // connection holds the write lock, so the indexing certainly runs meanwhile.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut h = Harness::with_store(store, 120, 40, true);
    assert!(h.app.index_job.is_some(), "{}", h.app.status().text);
    h.keys("<enter>");
    assert_eq!(h.app.timeline().unwrap().total, n, "the timeline is whole");
    let screen = h.screen();
    assert!(screen.contains("indexing for search…"), "{screen}");
    // A search meanwhile finds what is indexed: nothing yet, and nothing wrong.
    h.keys("/beacon<enter>");
    assert_eq!(h.app.timeline().unwrap().total, 0);
    h.assert_status("0 events match beacon among the events indexed so far");
    // The window's edits are not refused (they wait for the lock like any write).
    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);
    h.keys("c2026-03-10 14:02 a note beacon while indexing<enter>");
    let screen = h.screen();
    assert_eq!(
        h.store.count_events(&incident).unwrap(),
        n + 1,
        "{}\n{screen}",
        h.app.status().text
    );
    wait_for_jobs(&mut h);
    assert_eq!(h.store.search_backlog().unwrap(), 0);
    h.assert_status("indexed for search: a search now finds every event");
    // The search shown is read again once the indexing has ended.
    assert_eq!(
        h.app.timeline().unwrap().total,
        n / 1000 + 1,
        "{}",
        h.app.status().text
    );
    assert!(!h.screen().contains("indexing for search"));
}
