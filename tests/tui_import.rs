//! Importing a timeline from the workbench: the prompt completes paths and previews the
//! file, the import runs (in a thread on a file database) and the timeline reloads.

mod harness;

use debrief::app::Msg;
use debrief::store::Store;
use harness::Harness;
use std::time::{Duration, Instant};

const SAMPLE: &str = "\
message,datetime,timestamp_desc,hostname
Sign-in from 203.0.113.45,2026-03-11T09:19:44Z,Event Recorded,exo-01
Inbox rule created,2026-03-11 10:21:00,Creation Time,exo-01
";

fn events(h: &Harness) -> i64 {
    let t = h.app.timeline().unwrap();
    h.store.count_events(&t.filter.incident_id).unwrap()
}

#[test]
fn a_file_is_completed_previewed_imported_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sketch-export.csv"), SAMPLE).unwrap();
    let mut h = Harness::demo(110, 32);
    let typed = format!("{}/sketch", dir.path().display());
    h.keys(&format!("I{typed}<tab>"));
    let screen = h.screen();
    assert!(
        screen.contains("sketch-export.csv"),
        "tab completes: {screen}"
    );
    assert!(
        screen.contains("Timesketch CSV; times without an offset read in Europe/Madrid"),
        "{screen}"
    );
    assert!(
        screen.contains("2026-03-11T09:19:44Z  Sign-in from 203.0.113.45"),
        "{screen}"
    );
    // The naive time is read in the incident's zone (CET, +01:00).
    assert!(
        screen.contains("2026-03-11T09:21:00Z  Inbox rule created"),
        "{screen}"
    );
    h.keys("<enter>");
    assert_eq!(events(&h), 49, "{}", h.app.status().text);
    assert!(
        h.app
            .status()
            .text
            .starts_with("imported 2 events (Timesketch CSV"),
        "{}",
        h.app.status().text
    );
    assert_eq!(h.app.timeline().unwrap().total, 49, "the timeline reloaded");
    h.keys("u");
    assert_eq!(events(&h), 47);
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, format!("{SAMPLE}Third,11 March,E,exo\n")).unwrap();
    let mut h = Harness::demo(110, 32);
    h.keys(&format!("I{}<enter>", path.display()));
    assert_eq!(events(&h), 47);
    let status = &h.app.status().text;
    assert!(
        status.starts_with("nothing imported: 1 of 3 rows are bad, e.g. line 4"),
        "{status}"
    );
    h.keys(&format!("I{}/nope.csv", dir.path().display()));
    assert!(h.screen().contains("no file"), "{}", h.screen());
}

#[test]
fn on_a_database_file_the_import_runs_in_the_background_with_a_gauge() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("message,datetime,timestamp_desc\n");
    for i in 0..5000 {
        rows.push_str(&format!(
            "event {i},2026-03-11T09:{:02}:{:02}Z,Event Recorded\n",
            i / 60 % 60,
            i % 60
        ));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, rows).unwrap();
    let store = Store::open(&dir.path().join("t.db"), "tester").unwrap();
    let mut h = Harness::with_store(store, 110, 32, true);
    h.keys("d");
    h.keys(&format!("I{}<enter>", file.display()));
    assert!(h.app.import_job.is_some() || h.app.status().text.starts_with("imported"));
    let started = Instant::now();
    while h.app.import_job.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.send(Msg::Poll);
    }
    h.assert_status_starts("imported 5000 events");
    assert_eq!(h.app.timeline().unwrap().total, 5047);
}
