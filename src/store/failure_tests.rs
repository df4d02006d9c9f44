//! Writes that cannot finish, on a real file: a full disk and a migration that fails
//! halfway. Each leaves the database as it was: no rows, no history, the old schema and
//! version, and a file that passes SQLite's integrity check.

use super::*;
use crate::domain::{NewEvent, NewIncident, TimeContext, parse_time};
use crate::io::import::{ImportedRow, RowError};
use rusqlite_migration::{M, Migrations};

fn file_store(dir: &tempfile::TempDir) -> Store {
    let mut s = Store::open(&dir.path().join("t.db"), "tester").unwrap();
    s.use_sequential_ids();
    s
}

fn one(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

mod disk_full {
    use super::*;

    /// Lets the file grow by `spare` pages only, as a nearly full disk would: past them,
    /// SQLite answers SQLITE_FULL (SQLite's own limit, so the test needs no small disk).
    fn leave_room(s: &Store, spare: i64) {
        let pages = one(s, "PRAGMA page_count");
        assert_eq!(one(s, "PRAGMA freelist_count"), 0, "no free pages to reuse");
        s.connection()
            .pragma_update(None, "max_page_count", pages + spare)
            .unwrap();
    }

    fn make_room(s: &Store) {
        s.connection()
            .pragma_update(None, "max_page_count", 1_000_000_000)
            .unwrap();
    }

    /// What a failed write must not change: events, history, change sets, imports, schema.
    fn counts(s: &Store) -> [i64; 5] {
        [
            "events",
            "history",
            "change_sets",
            "imports",
            "sqlite_master",
        ]
        .map(|t| one(s, &format!("SELECT count(*) FROM {t}")))
    }

    fn rows(n: u64) -> Vec<std::result::Result<ImportedRow, RowError>> {
        (1..=n)
            .map(|line| {
                Ok(ImportedRow {
                    line,
                    at: parse_time("2026-03-11T09:00:00Z", &TimeContext::utc()).unwrap(),
                    text: format!("row {line}: sign-in from 203.0.113.{}", line % 250),
                    actor: Some("mallory".into()),
                    source: Some("Entra ID sign-in logs".into()),
                    phase: None,
                    tags: vec!["aitm".into()],
                    technique: None,
                    attrs: vec![("host".into(), format!("ws-{line}"))],
                    fingerprint: format!("fp-{line}").into(),
                })
            })
            .collect()
    }

    fn import(s: &mut Store, incident_id: &str, n: u64) -> Result<ImportOutcome> {
        let run = ImportRun {
            file: "big.csv".into(),
            format: "timesketch-csv".into(),
            ..Default::default()
        };
        let mut rows = rows(n).into_iter();
        s.import_rows(incident_id, &mut rows, &run, &mut |_| {}, &|| "00".into())
    }

    fn long_event() -> NewEvent {
        let at = parse_time("2026-03-11T10:00:00Z", &TimeContext::utc()).unwrap();
        // A pasted log of about 400 KB: about 100 pages of 4 KB.
        NewEvent::new(at, &"mailbox rule created by mallory; ".repeat(12_000)).unwrap()
    }

    /// A store on a file with one incident and room for two more pages, with the counts
    /// a failed write must leave as they are.
    fn nearly_full(dir: &tempfile::TempDir) -> (Store, crate::domain::Incident, [i64; 5]) {
        let mut s = file_store(dir);
        let i = s
            .create_incident(&NewIncident::new("IR-1", "Full disk").unwrap())
            .unwrap();
        let before = counts(&s);
        leave_room(&s, 2);
        (s, i, before)
    }

    #[test]
    fn an_import_that_fills_the_disk_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, i, before) = nearly_full(&dir);
        let e = import(&mut s, &i.id, 3_000).unwrap_err();
        assert!(matches!(e, StoreError::DiskFull), "{e:?}");
        assert_eq!(
            e.to_string(),
            "the disk is full: nothing was saved; free some space and try again"
        );
        assert_eq!(counts(&s), before, "the import left something behind");
        assert_eq!(s.count_events(&i.id).unwrap(), 0);
        assert_eq!(integrity(s.connection()), "ok");
        // With room again, the same import goes through whole.
        make_room(&s);
        let out = import(&mut s, &i.id, 3_000).unwrap();
        assert_eq!((out.imported, out.committed), (3_000, true));
        assert_eq!(s.count_events(&i.id).unwrap(), 3_000);
    }

    #[test]
    fn an_event_that_fills_the_disk_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, i, before) = nearly_full(&dir);
        let e = s.add_event(&i.id, &long_event()).unwrap_err();
        assert!(matches!(e, StoreError::DiskFull), "{e:?}");
        assert_eq!(counts(&s), before, "the event left something behind");
        assert_eq!(integrity(s.connection()), "ok");
        make_room(&s);
        let saved = s.add_event(&i.id, &long_event()).unwrap();
        assert_eq!(s.event(&saved.id).unwrap().unwrap().text, long_event().text);
        assert_eq!(s.count_events(&i.id).unwrap(), 1);
    }
}

mod interrupted_migration {
    use super::*;

    /// rusqlite_migration runs every pending migration in one transaction and sets
    /// user_version inside it (`goto_up`): a failure in the last one rolls back all of
    /// them. Here a schema 5 database runs the real migrations from 0006 on, followed by
    /// one that creates a table and then fails, as a migration interrupted halfway would.
    #[test]
    fn a_migration_failing_halfway_leaves_the_old_schema_version_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let previous = 5;
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            migrations().to_version(&mut c, previous as usize).unwrap();
            c.execute_batch(
                "INSERT INTO incidents (id, key, title, severity, status, created_us, updated_us)
                   VALUES ('i1', 'IR-OLD', 'Before the upgrade', 'high', 'draft', 0, 0);
                 INSERT INTO events (id, incident_id, at_us, text, tags, created_us, updated_us)
                   VALUES ('e1', 'i1', 1773220800000000, 'kept through a failed upgrade', '', 0, 0);",
            )
            .unwrap();
        }
        let mut list = super::super::open::MIGRATIONS_SLICE.to_vec();
        list.push(M::up(
            "CREATE TABLE half_done (x);
             INSERT INTO half_done VALUES (1);
             SELECT no_such_function();",
        ));
        let mut c = rusqlite::Connection::open(&path).unwrap();
        let e = Migrations::new(list).to_latest(&mut c).unwrap_err();
        assert!(e.to_string().contains("no_such_function"), "{e}");
        drop(c);

        // Read back from the file by a new connection: what a restart would find.
        let c = rusqlite::Connection::open(&path).unwrap();
        let read = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(read("PRAGMA user_version"), i64::from(previous));
        assert_eq!(
            read(
                "SELECT count(*) FROM sqlite_master
                 WHERE name IN ('event_counts', 'event_counts_insert', 'half_done')"
            ),
            0,
            "objects of the failed run are there"
        );
        assert_eq!(
            c.query_row("SELECT text FROM events WHERE id = 'e1'", [], |r| r
                .get::<_, String>(0))
                .unwrap(),
            "kept through a failed upgrade"
        );
        assert_eq!(read("SELECT count(*) FROM incidents"), 1);
        assert_eq!(integrity(&c), "ok");
        drop(c);

        // The real migrations then finish the upgrade, counting the event kept.
        let s = Store::open(&path, "tester").unwrap();
        assert_eq!(one(&s, "PRAGMA user_version"), i64::from(latest_version()));
        assert_eq!(s.count_events("i1").unwrap(), 1);
    }
}

/// Text removed for good does not stay readable in the file.
mod lingering {
    use super::*;

    fn file_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
        let mut all = std::fs::read(dir.path().join("t.db")).unwrap();
        if let Ok(wal) = std::fs::read(dir.path().join("t.db-wal")) {
            all.extend(wal);
        }
        all
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    fn import(s: &mut Store, incident_id: &str, file: &str, words: &str, n: u64) {
        let rows: Vec<std::result::Result<ImportedRow, RowError>> = (1..=n)
            .map(|line| {
                Ok(ImportedRow {
                    line,
                    at: parse_time("2026-03-11T09:00:00Z", &TimeContext::utc()).unwrap(),
                    text: format!("payroll export {words}{line} to personal mailbox"),
                    actor: Some("mallory".into()),
                    source: None,
                    phase: None,
                    tags: vec![],
                    technique: None,
                    attrs: vec![("host".into(), format!("{words}host{line}"))],
                    fingerprint: format!("{file}-{line}").into(),
                })
            })
            .collect();
        let run = ImportRun {
            file: file.into(),
            format: "timesketch-csv".into(),
            ..Default::default()
        };
        s.import_rows(
            incident_id,
            &mut rows.into_iter(),
            &run,
            &mut |_| {},
            &|| "00".into(),
        )
        .unwrap();
    }

    /// Undoes the last import and checks that `marker` can no longer be read in the file.
    fn undo_and_look(s: &mut Store, dir: &tempfile::TempDir, incident_id: &str, marker: &str) {
        let checkpoint = |s: &Store| {
            s.connection()
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap()
        };
        checkpoint(s);
        assert!(contains(&file_bytes(dir), marker), "{marker} was written");
        s.undo(Some(incident_id)).unwrap();
        checkpoint(s);
        let bytes = file_bytes(dir);
        assert!(!contains(&bytes, marker), "{marker} lingers in the file");
    }

    /// secure_delete zeroes freed pages; FTS5's secure-delete (schema 7) takes a deleted
    /// row's words out of the full-text index instead of leaving them in older segments;
    /// a large import is taken out by rebuilding the index, which frees the old one whole.
    #[test]
    fn an_undone_import_leaves_no_trace_of_its_text_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = file_store(&dir);
        let i = s
            .create_incident(&NewIncident::new("IR-1", "Wrong files").unwrap())
            .unwrap();
        import(&mut s, &i.id, "kept.csv", "keeper", 300);
        // Small beside what stays: its rows leave the index one by one.
        import(&mut s, &i.id, "small.csv", "zebracornsecret", 10);
        undo_and_look(&mut s, &dir, &i.id, "zebracornsecret");
        // Large: the index is rebuilt from the events left.
        import(&mut s, &i.id, "large.csv", "quagganleak", 1500);
        undo_and_look(&mut s, &dir, &i.id, "quagganleak");

        let search = |words: &str| {
            let filter = crate::store::EventFilter {
                search: Some(words.into()),
                ..crate::store::EventFilter::incident(&i.id)
            };
            s.count_matching_up_to(&filter, None).unwrap().0
        };
        assert_eq!(search("keeper299"), 1, "what stays is still found");
        assert_eq!(search("keeperhost299"), 1, "by its attributes too");
        assert_eq!(search("quagganleak"), 0);
        assert_eq!(s.count_events(&i.id).unwrap(), 300);
        assert_eq!(integrity(s.connection()), "ok");
    }

    /// A deleted incident's many events also leave the index by a rebuild; undo brings
    /// them back, found by search again.
    #[test]
    fn a_deleted_incident_is_taken_out_of_the_index_and_undo_puts_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = file_store(&dir);
        let kept = s
            .create_incident(&NewIncident::new("IR-1", "Stays").unwrap())
            .unwrap();
        import(&mut s, &kept.id, "kept.csv", "keeper", 100);
        let gone = s
            .create_incident(&NewIncident::new("IR-2", "Goes").unwrap())
            .unwrap();
        import(&mut s, &gone.id, "gone.csv", "walrusword", 1200);
        let found = |s: &Store, incident: &str, words: &str| {
            let filter = crate::store::EventFilter {
                search: Some(words.into()),
                ..crate::store::EventFilter::incident(incident)
            };
            s.count_matching_up_to(&filter, None).unwrap().0
        };
        s.delete_incident(&gone.id).unwrap();
        assert_eq!(found(&s, &kept.id, "keeper99"), 1);
        let hits: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'walrusword1100'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 0, "the index forgot the deleted incident's words");
        s.undo(Some(&gone.id)).unwrap();
        assert_eq!(s.count_events(&gone.id).unwrap(), 1200);
        assert_eq!(found(&s, &gone.id, "walrusword1100"), 1);
        assert_eq!(found(&s, &kept.id, "keeper99"), 1);
        assert_eq!(integrity(s.connection()), "ok");
    }
}

mod write_lock {
    use super::*;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// Why writes begin IMMEDIATE: a deferred transaction that has read, and whose
    /// snapshot another connection then overtook, cannot become a writer. SQLite answers
    /// "database is locked" at once; the 5 s busy timeout does not help, since waiting
    /// would not make its snapshot current.
    #[test]
    fn a_deferred_read_then_write_fails_at_once_despite_the_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut s = Store::open(&path, "tester").unwrap();
        s.create_incident(&NewIncident::new("IR-1", "Lock").unwrap())
            .unwrap();
        let reader = open::open_file(&path).unwrap();
        reader.execute_batch("BEGIN DEFERRED").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM incidents", [], |r| r.get(0))
            .unwrap();
        s.create_incident(&NewIncident::new("IR-2", "Overtakes").unwrap())
            .unwrap();
        let started = Instant::now();
        let e = reader
            .execute("UPDATE incidents SET title = 'mine' WHERE key = 'IR-1'", [])
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "it waited");
        assert_eq!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy),
            "{e}"
        );
        assert!(e.to_string().contains("database is locked"), "{e}");
    }

    /// The same race through the store: one window's write reads, then another window
    /// writes while the first is still busy. The write lock taken up front makes the
    /// second wait its turn, and both changes are saved.
    #[test]
    fn a_store_write_that_reads_first_makes_the_other_writer_wait() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut first = Store::open(&path, "first").unwrap();
        first
            .create_incident(&NewIncident::new("IR-1", "Lock").unwrap())
            .unwrap();
        let (reading, go) = mpsc::channel();
        let second = std::thread::spawn({
            let path = path.clone();
            move || {
                let mut other = Store::open(&path, "second").unwrap();
                go.recv().unwrap();
                let started = Instant::now();
                other
                    .create_incident(&NewIncident::new("IR-2", "Waits").unwrap())
                    .unwrap();
                started.elapsed()
            }
        });
        first
            .write("rename", |w| {
                let title: String =
                    w.tx.query_row("SELECT title FROM incidents WHERE key = 'IR-1'", [], |r| {
                        r.get(0)
                    })?;
                reading.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(400));
                w.tx.execute(
                    "UPDATE incidents SET title = ?1 WHERE key = 'IR-1'",
                    [format!("{title}, renamed")],
                )?;
                Ok(())
            })
            .unwrap();
        let waited = second.join().unwrap();
        assert!(waited >= Duration::from_millis(200), "waited {waited:?}");
        assert_eq!(
            first.require_incident("IR-1").unwrap().title,
            "Lock, renamed"
        );
        assert_eq!(first.require_incident("IR-2").unwrap().title, "Waits");
        assert_eq!(integrity(first.connection()), "ok");
    }
}
