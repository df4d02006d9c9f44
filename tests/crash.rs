//! Killing debrief (SIGKILL) in the middle of work: an import is wholly there or wholly
//! absent, every edit that reported success is there, and the file passes SQLite's
//! integrity check.
#![cfg(unix)]

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn integrity(db: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn events(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_import_killed_halfway_is_wholly_absent() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-K", "--title", "Killed import"]));
    // The size the hardening issue names; the import is killed long before it ends, then
    // run again to the end (about a minute together in a debug build).
    let n = 1_000_000;
    let mut csv = std::io::BufWriter::new(std::fs::File::create(d.join("big.csv")).unwrap());
    writeln!(csv, "message,timestamp,timestamp_desc").unwrap();
    for i in 0..n {
        writeln!(
            csv,
            "row {i} of a large export,{},Event Recorded",
            1_773_100_800 + i
        )
        .unwrap();
    }
    csv.flush().unwrap();
    drop(csv);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("debrief"))
        .args(["--db", "t.db", "import", "IR-K", "big.csv"])
        .env("DEBRIEF_CONFIG", d.join("none.toml"))
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2000));
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    let db = db_path(d);
    assert_eq!(integrity(&db), "ok");
    let count = events(&db);
    if finished {
        assert_eq!(count, n, "a finished import is whole");
    } else {
        assert_eq!(count, 0, "a killed import left {count} events");
    }
    // The database is usable and the import can be run again.
    let out = ok(debrief(d).args(["import", "IR-K", "big.csv"]));
    assert!(
        out.contains(&format!("imported {n} events")) || finished,
        "{out}"
    );
    assert_eq!(events(&db), n);
}

#[test]
fn edits_that_reported_success_survive_a_kill() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-E", "--title", "Killed edits"]));
    let bin = assert_cmd::cargo::cargo_bin("debrief");
    // A burst of edits from a shell; each one's id is printed once it is saved.
    let script = format!(
        "i=0; while [ $i -lt 400 ]; do DEBRIEF_CONFIG=none.toml '{}' --db t.db event add IR-E --at \"2026-03-11 09:00:$((i % 60))Z\" --text \"edit $i\" || exit 1; i=$((i+1)); done",
        bin.display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(1200));
    // Kill the shell and whichever debrief it is running, mid-write if it is writing.
    let _ = Command::new("pkill")
        .args([
            "-KILL",
            "-f",
            &format!("{} --db t.db event add IR-E", bin.display()),
        ])
        .status();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    let saved: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!saved.is_empty(), "no edit finished before the kill");
    let db = db_path(d);
    assert_eq!(integrity(&db), "ok");
    let conn = rusqlite::Connection::open(&db).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    for id in &saved {
        let there: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM events WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(there, "edit {id} reported success and is gone");
    }
}

/// A large import killed at several points of its work (rows, the indexes built again,
/// the duplicates, the full-text index, the commit) leaves the events that were there
/// before, all of them and nothing more, or the whole import; the indexes it dropped
/// are back and the file passes SQLite's and the full-text index's checks.
#[test]
fn a_large_import_killed_at_any_point_leaves_all_or_nothing() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-P", "--title", "Killed at points"]));
    let write = |name: &str, from: u64, n: u64| {
        let mut csv = std::io::BufWriter::new(std::fs::File::create(d.join(name)).unwrap());
        writeln!(csv, "message,timestamp,timestamp_desc,hostname").unwrap();
        for i in from..from + n {
            writeln!(
                csv,
                "row {i} token mailbox,{},Event Recorded,host-{}",
                1_773_100_800 + i,
                i % 50
            )
            .unwrap();
        }
        csv.flush().unwrap();
    };
    // Events the incident holds before: they must survive every kill unchanged.
    write("small.csv", 0, 1000);
    ok(debrief(d).args(["import", "IR-P", "small.csv"]));
    // Past the point where the import drops the indexes to build them again at the end.
    let n = 150_000;
    write("big.csv", 1000, n);
    let db = db_path(d);
    let indexes = |db: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        debrief::store::register_sql_functions(&conn).unwrap();
        let mut s = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
            .unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let before = indexes(&db);
    let run = || {
        Command::new(assert_cmd::cargo::cargo_bin("debrief"))
            .args(["--db", "t.db", "import", "IR-P", "big.csv"])
            .env("DEBRIEF_CONFIG", d.join("none.toml"))
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long the whole import takes here, on a copy, to aim the kills at its phases.
    let copy = d.join("copy");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(&db, copy.join("t.db")).unwrap();
    let started = Instant::now();
    let status = Command::new(assert_cmd::cargo::cargo_bin("debrief"))
        .args(["--db", "t.db", "import", "IR-P"])
        .arg(d.join("big.csv"))
        .env("DEBRIEF_CONFIG", d.join("none.toml"))
        .current_dir(&copy)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let whole = started.elapsed();
    assert_eq!(events(&copy.join("t.db")), 1000 + n as i64);
    for fraction in [0.15, 0.45, 0.7, 0.85, 0.95] {
        let mut child = run();
        std::thread::sleep(whole.mul_f64(fraction));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(integrity(&db), "ok", "at {fraction} of the import");
        let conn = rusqlite::Connection::open(&db).unwrap();
        debrief::store::register_sql_functions(&conn).unwrap();
        conn.execute(
            "INSERT INTO events_fts (events_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
        drop(conn);
        let count = events(&db);
        assert_eq!(indexes(&db), before, "killed at {fraction}: the indexes");
        // A kill after the commit (the process still exiting) leaves the whole import.
        if finished || count == 1000 + n as i64 {
            assert_eq!(count, 1000 + n as i64, "a finished import is whole");
            return;
        }
        assert_eq!(
            count, 1000,
            "killed at {fraction} of the import: {count} events"
        );
    }
    // The database is usable and the import runs to its end.
    ok(debrief(d).args(["import", "IR-P", "big.csv"]));
    assert_eq!(events(&db), 1000 + n as i64);
    assert_eq!(indexes(&db), before);
}

#[test]
fn an_undo_killed_halfway_leaves_the_import_whole() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-U", "--title", "Killed undo"]));
    let n = 200_000;
    let mut csv = std::io::BufWriter::new(std::fs::File::create(d.join("big.csv")).unwrap());
    writeln!(csv, "message,timestamp,timestamp_desc").unwrap();
    for i in 0..n {
        writeln!(csv, "row {i} to undo,{},Event Recorded", 1_773_100_800 + i).unwrap();
    }
    csv.flush().unwrap();
    drop(csv);
    ok(debrief(d).args(["import", "IR-U", "big.csv"]));
    let db = db_path(d);
    assert_eq!(events(&db), n);
    // The undo removes the events in slices, all in one transaction: killed at any point
    // it leaves every event (or, had it finished, none).
    let mut killed = 0;
    for wait in [150, 500, 1200] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("debrief"))
            .args(["--db", "t.db", "undo"])
            .env("DEBRIEF_CONFIG", d.join("none.toml"))
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(integrity(&db), "ok");
        // All or nothing. Nothing: the undo committed before the kill (it may still have
        // been giving space back, or may have ended), so there is nothing left to kill.
        let count = events(&db);
        assert!(
            count == 0 || count == n,
            "a killed undo left {count} events"
        );
        if count == 0 {
            break;
        }
        killed += 1;
    }
    assert!(killed > 0, "no undo was killed before it ended");
    // The history still says the import is there to undo; the undo runs to the end.
    if events(&db) == n {
        ok(debrief(d).arg("undo"));
    }
    assert_eq!(events(&db), 0);
}

#[test]
fn an_import_killed_while_indexing_for_search_keeps_its_events_and_search_catches_up() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-S", "--title", "Killed indexing"]));
    // Large enough to be committed before it is indexed for search.
    let n = 220_000;
    let mut csv = std::io::BufWriter::new(std::fs::File::create(d.join("big.csv")).unwrap());
    writeln!(csv, "message,timestamp,timestamp_desc").unwrap();
    for i in 0..n {
        let word = if i % 1000 == 0 { "beacon" } else { "noise" };
        writeln!(csv, "row {i} {word},{},Event Recorded", 1_773_100_800 + i).unwrap();
    }
    csv.flush().unwrap();
    drop(csv);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("debrief"))
        .args(["--db", "t.db", "import", "IR-S", "big.csv"])
        .env("DEBRIEF_CONFIG", d.join("none.toml"))
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed as soon as it says the events are in, while it indexes them for search.
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let said = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with("imported "));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        said.is_some_and(|l| l.contains(&format!("imported {n} events"))),
        "the import said its events were in"
    );
    let db = db_path(d);
    assert_eq!(integrity(&db), "ok");
    assert_eq!(events(&db), n, "the committed events are all there");
    let waiting: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT coalesce(sum(to_seq - from_seq), 0) FROM search_backlog",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(waiting > 0, "killed before the indexing ended");
    let checked = ok(debrief(d).args(["check"]));
    assert!(
        checked.contains(&format!(
            "{waiting} events of a large import still to be indexed"
        )),
        "{checked}"
    );
    // A search from the command line indexes the rest first, then finds every match.
    let out = debrief(d)
        .args(["event", "list", "IR-S", "--search", "beacon", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.starts_with("indexed ") && said.contains("events for search"),
        "{said}"
    );
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found.as_array().unwrap().len(), (n / 1000) as usize);
    let conn = rusqlite::Connection::open(&db).unwrap();
    debrief::store::register_sql_functions(&conn).unwrap();
    conn.execute(
        "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the full-text index matches the events");
}
