//! Freed pages go back to the file system: after a large undo and after an incident is
//! deleted, the database file (with its -wal) shrinks. A database made before
//! incremental vacuum is switched to it by one VACUUM.

mod generated;

use debrief::store::Store;
use std::path::Path;

fn import(store: &mut Store, incident: &str, n: i64) {
    generated::import_rows(store, incident, "rows.csv", n, |i| {
        format!("row {i} some words")
    });
}

fn with_events(path: &Path, key: &str, n: i64) -> (Store, String) {
    let mut store = Store::open(path, "tester").unwrap();
    let incident =
        generated::incident_with_rows(&mut store, key, n, |i| format!("row {i} some words"));
    // What the file holds with everything committed into it.
    store
        .connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    (store, incident)
}

#[test]
fn a_new_database_gives_pages_back_step_by_step_after_an_undo() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, incident) = with_events(&dir.path().join("t.db"), "IR-1", 30_000);
    assert!(store.incremental_vacuum().unwrap());
    let full = store.file_bytes();
    store.undo(Some(&incident)).unwrap().unwrap();
    assert_eq!(store.count_events(&incident).unwrap(), 0);
    assert!(store.free_pages().unwrap() > 1_000);
    let (before, after) = store.give_back_space().unwrap();
    assert!(before >= full, "{before} {full}");
    assert!(
        after * 4 < full,
        "the file shrinks: {full} -> {after} bytes"
    );
    assert_eq!(store.free_pages().unwrap(), 0);
    // The database is whole and still works.
    assert!(store.integrity_problems().unwrap().is_empty());
    import(&mut store, &incident, 10);
    assert_eq!(store.count_events(&incident).unwrap(), 10);
}

#[test]
fn a_deleted_incident_gives_its_pages_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, incident) = with_events(&dir.path().join("t.db"), "IR-1", 10_000);
    let before = store.file_bytes();
    store.delete_incident(&incident).unwrap();
    // The events are set aside as they were stored (the delete can be undone): the
    // table's rows stay in the file, its indexes and full-text index leave it.
    let freed = store.free_pages().unwrap();
    assert!(freed > 0, "the delete frees pages");
    let deleted = store.file_bytes();
    let (_, after) = store.give_back_space().unwrap();
    assert!(
        after < deleted,
        "the file shrinks: {deleted} -> {after} bytes"
    );
    assert_eq!(store.free_pages().unwrap(), 0);
    assert!(
        after < before,
        "smaller than before the delete: {before} -> {after} bytes"
    );
    store.undo(None).unwrap().unwrap();
    assert_eq!(store.count_events(&incident).unwrap(), 10_000);
}

#[test]
fn an_older_database_is_switched_to_incremental_vacuum_by_one_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (mut store, incident) = with_events(&path, "IR-1", 20_000);
    // As databases made before this version are.
    store
        .connection()
        .execute_batch("PRAGMA auto_vacuum = NONE; VACUUM;")
        .unwrap();
    assert!(!store.incremental_vacuum().unwrap());
    let full = store.file_bytes();
    store.undo(Some(&incident)).unwrap().unwrap();
    let (_, after) = store.give_back_space().unwrap();
    assert!(
        after * 4 < full,
        "the file shrinks: {full} -> {after} bytes"
    );
    assert!(store.incremental_vacuum().unwrap());
    drop(store);
    let store = Store::open(&path, "tester").unwrap();
    assert!(store.incremental_vacuum().unwrap());
    assert!(store.integrity_problems().unwrap().is_empty());
}
