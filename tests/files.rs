//! The database file when something around it goes wrong: cut short, damaged pages,
//! read-only, held by another writer; and the -wal and -shm files SQLite makes beside it.
//! Every refusal or failure leaves the file's bytes as they were.
#![cfg(unix)]

mod common;

use common::*;
use rusqlite::Connection;
use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

const DEMO: &str = "IR-2026-014";

/// A real debrief database: the demo incident, written by the CLI.
fn demo_db(dir: &Path) -> PathBuf {
    ok(debrief(dir).arg("demo"));
    db_path(dir)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn integrity(db: &Path) -> String {
    ro(db)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// A file cut short
// ---------------------------------------------------------------------------------------

#[test]
fn a_truncated_file_is_refused_and_left_alone() {
    let dir = tmp();
    let d = dir.path();
    let db = demo_db(d);
    let full = fs::read(&db).unwrap();
    fs::write(&db, &full[..full.len() / 2]).unwrap();
    let before = fs::read(&db).unwrap();
    for args in [
        &["incident", "list"][..],
        &["event", "list", DEMO],
        &["check"],
    ] {
        let e = fail(debrief(d).args(args));
        assert!(e.contains("t.db") && e.contains("truncated"), "{e}");
        assert!(
            e.contains(&format!("{} bytes of the {}", before.len(), full.len())),
            "{e}"
        );
        assert!(e.contains("restore it from a backup"), "{e}");
    }
    assert_eq!(fs::read(&db).unwrap(), before, "the file was changed");
    assert_eq!(names(d), ["t.db"], "SQLite never opened it");
}

// ---------------------------------------------------------------------------------------
// Damaged pages
// ---------------------------------------------------------------------------------------

/// The leaf pages of the events table, read from SQLite's own page map (dbstat): every
/// event lives on one of them, so reading any event reads a damaged page.
fn event_leaf_pages(db: &Path) -> (Vec<u64>, u64) {
    let conn = ro(db);
    let pages = |sql: &str| -> Vec<u64> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|p| p.unwrap() as u64)
            .collect()
    };
    let leaves =
        pages("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY 1");
    let schema = pages("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'");
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    // The damage must spare page 1 and the schema, or nothing could be opened at all.
    assert!(
        leaves.len() >= 2,
        "the demo's events fill several pages: {leaves:?}"
    );
    assert!(
        leaves.iter().all(|p| *p != 1 && !schema.contains(p)),
        "{leaves:?} {schema:?}"
    );
    (leaves, page_size as u64)
}

/// Overwrites each page with the same garbage (no valid b-tree page type), as a bad
/// sector or a careless copy would.
fn damage(db: &Path, pages: &[u64], page_size: u64) {
    let mut bytes = fs::read(db).unwrap();
    for &p in pages {
        let start = ((p - 1) * page_size) as usize;
        for (i, b) in bytes[start..start + page_size as usize]
            .iter_mut()
            .enumerate()
        {
            *b = 0xA5 ^ (i % 251) as u8;
        }
    }
    fs::write(db, bytes).unwrap();
}

#[test]
fn check_says_a_sound_database_is_intact() {
    let dir = tmp();
    let d = dir.path();
    let db = demo_db(d);
    let events = count(&db, "events");
    let out = ok(debrief(d).arg("check"));
    assert_eq!(
        out,
        format!("ok: the database is intact (1 incident, {events} events)\n")
    );
}

#[test]
fn damaged_pages_are_reported_clearly_and_change_nothing() {
    let dir = tmp();
    let d = dir.path();
    let db = demo_db(d);
    let (pages, page_size) = event_leaf_pages(&db);
    damage(&db, &pages, page_size);
    let before = fs::read(&db).unwrap();

    // `check` lists what SQLite found, naming the damaged pages, and exits 1.
    let out = debrief(d).arg("check").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    for p in &pages {
        assert!(
            stdout.contains(&format!("page {p}:")),
            "page {p} not named: {stdout}"
        );
    }
    assert!(
        stderr.contains("damaged") && stderr.contains("backup"),
        "{stderr}"
    );

    // Reading the events meets a damaged page: one clear line, exit 1.
    let e = fail(debrief(d).args(["event", "list", DEMO]));
    assert!(e.contains("the database file is damaged"), "{e}");
    assert!(e.contains("malformed"), "SQLite's own words: {e}");
    assert!(
        e.contains("nothing was changed") && e.contains("debrief check"),
        "{e}"
    );
    assert!(e.contains("restore the file from a backup"), "{e}");
    // So does a write that lands on one; it rolls back.
    let e = fail(debrief(d).args(["event", "add", DEMO, "--at", "23:59", "--text", "late"]));
    assert!(e.contains("the database file is damaged"), "{e}");

    assert_eq!(fs::read(&db).unwrap(), before, "the file was changed");
}

// ---------------------------------------------------------------------------------------
// Read-only file or folder (the mode bits: these tests may run as root, which may write
// whatever they say, so only debrief's own check can refuse)
// ---------------------------------------------------------------------------------------

#[test]
fn a_read_only_file_is_refused_untouched() {
    let dir = tmp();
    let d = dir.path();
    let db = demo_db(d);
    let before = fs::read(&db).unwrap();
    set_mode(&db, 0o400);
    let results: Vec<String> = [&["incident", "list"][..], &["demo"]]
        .iter()
        .map(|args| fail(debrief(d).args(*args)))
        .collect();
    let names_then = names(d);
    set_mode(&db, 0o600);
    for e in results {
        assert!(e.contains("t.db: the file is read-only"), "{e}");
        assert!(
            e.contains("chmod u+w") && e.contains("work on a copy"),
            "{e}"
        );
    }
    assert_eq!(names_then, ["t.db"], "SQLite never opened it");
    assert_eq!(fs::read(&db).unwrap(), before, "the file was changed");
}

#[test]
fn a_read_only_folder_is_refused_untouched() {
    let dir = tmp();
    let d = dir.path();
    let folder = d.join("cases");
    let db = folder.join("t.db");
    new_incident_at(d, &db);
    let before = fs::read(&db).unwrap();
    set_mode(&folder, 0o500);
    let e = fail(debrief_at(d, &db).args(["incident", "list"]));
    let names_then = names(&folder);
    set_mode(&folder, 0o700);
    assert!(
        e.contains("the folder") && e.contains("cases is read-only"),
        "{e}"
    );
    assert!(
        e.contains("(t.db-wal)") && e.contains("make the folder writable"),
        "{e}"
    );
    assert_eq!(names_then, ["t.db"], "SQLite never opened it");
    assert_eq!(fs::read(&db).unwrap(), before, "the file was changed");
}

fn new_incident_at(dir: &Path, db: &Path) {
    ok(debrief_at(dir, db).args(["incident", "new", "IR-1", "--title", "x"]));
}

// ---------------------------------------------------------------------------------------
// The -wal and -shm files
// ---------------------------------------------------------------------------------------

const UMASK_CHILD: &str = "DEBRIEF_TEST_UMASK_DB";

/// The umask is per process and std cannot set it, so the test runs itself again under
/// `sh -c 'umask N; exec ...'` (this same test, picked by name): the child opens a Store on
/// a new file, writes, and looks at the files while they are open (SQLite deletes the
/// -wal and -shm when the last connection closes, so only a live store shows them).
#[test]
fn the_wal_and_shm_files_are_private_whatever_the_umask() {
    if let Ok(db) = std::env::var(UMASK_CHILD) {
        return check_files_under_umask(Path::new(&db));
    }
    for umask in ["000", "022"] {
        let dir = tmp();
        let db = dir.path().join(format!("umask-{umask}.db"));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "the_wal_and_shm_files_are_private_whatever_the_umask",
            ])
            .args(["--nocapture", "--test-threads", "1"])
            .env(UMASK_CHILD, &db)
            .env("DEBRIEF_TEST_UMASK", umask)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "umask {umask}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn check_files_under_umask(db: &Path) {
    // The umask really is in force here: a plain new file gets 0666 without it.
    let umask = u32::from_str_radix(&std::env::var("DEBRIEF_TEST_UMASK").unwrap(), 8).unwrap();
    let probe = db.with_file_name("probe");
    fs::File::create(&probe).unwrap();
    assert_eq!(mode(&probe), 0o666 & !umask, "the umask is not in force");

    let mut store = debrief::store::Store::open(db, "tester").unwrap();
    let new = debrief::domain::NewIncident::new("IR-1", "Private files").unwrap();
    store.create_incident(&new).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        assert!(path.exists(), "{} is missing", path.display());
        assert_eq!(
            mode(&path) & 0o077,
            0,
            "{} is {:o}",
            path.display(),
            mode(&path)
        );
    }
    drop(store);
}

// ---------------------------------------------------------------------------------------
// Another writer holding the database
// ---------------------------------------------------------------------------------------

/// Holds the write lock from another connection (another debrief, mid-write) while
/// `event add` runs in a thread; returns its output and how long it took.
fn add_while_locked(
    d: &Path,
    release: impl FnOnce(&thread::JoinHandle<(std::process::Output, Duration)>),
) -> (std::process::Output, Duration) {
    let holder = Connection::open(db_path(d)).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut cmd = debrief(d);
    cmd.args([
        "event",
        "add",
        "IR-1",
        "--at",
        "10:30",
        "--text",
        "while busy",
    ]);
    let adder = thread::spawn(move || {
        let start = Instant::now();
        let out = cmd.output().unwrap();
        (out, start.elapsed())
    });
    release(&adder);
    holder.execute_batch("ROLLBACK").unwrap();
    adder.join().unwrap()
}

#[test]
fn a_writer_waits_for_a_short_lock_and_succeeds() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let (out, took) = add_while_locked(d, |_| thread::sleep(Duration::from_secs(1)));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        took >= Duration::from_millis(900),
        "it did not wait: {took:?}"
    );
    assert_eq!(count(&db_path(d), "events"), 1);
}

#[test]
fn a_writer_gives_up_after_the_busy_timeout_and_changes_nothing() {
    let dir = tmp();
    let d = dir.path();
    new_incident(d, "IR-1");
    let before = [
        count(&db_path(d), "history"),
        count(&db_path(d), "change_sets"),
    ];
    // The lock is held until the command has given up: longer than any timeout.
    let (out, took) = add_while_locked(d, |adder| {
        while !adder.is_finished() {
            thread::sleep(Duration::from_millis(20));
        }
    });
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "the database is busy (another debrief is writing to it); try again in a moment"
        ),
        "{stderr}"
    );
    assert!(
        took >= Duration::from_millis(4900),
        "gave up early: {took:?}"
    );
    assert!(took < Duration::from_secs(9), "waited too long: {took:?}");
    let db = db_path(d);
    assert_eq!(count(&db, "events"), 0);
    assert_eq!([count(&db, "history"), count(&db, "change_sets")], before);
    assert_eq!(integrity(&db), "ok");
}

// ---------------------------------------------------------------------------------------
// The operating system refusing a write
// ---------------------------------------------------------------------------------------

/// A file size limit (`ulimit -f`, with SIGXFSZ ignored so the write fails with EFBIG
/// instead of killing the process) makes the write-ahead log's growth fail the way a
/// failing disk does: SQLite reports an I/O error.
#[test]
fn an_io_error_during_an_import_saves_nothing_and_says_so() {
    let dir = tmp();
    let d = dir.path();
    let db = demo_db(d);
    let mut csv = String::from("message,datetime,timestamp_desc\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "row {i} of a log the disk cannot hold,2026-03-11T09:{:02}:{:02}Z,Event Recorded\n",
            i / 60 % 60,
            i % 60
        ));
    }
    fs::write(d.join("big.csv"), csv).unwrap();
    let events_before = count(&db, "events");
    // Room for the database as it is plus a little: the import's log outgrows it.
    let blocks = fs::metadata(&db).unwrap().len() / 512 + 400;
    let bin = assert_cmd::cargo::cargo_bin("debrief");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {blocks}; trap '' XFSZ; exec \"$0\" --db t.db import {DEMO} big.csv"
        ))
        .arg(&bin)
        .env("DEBRIEF_CONFIG", d.join("none.toml"))
        .current_dir(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the disk reported an error"), "{stderr}");
    assert!(stderr.contains("nothing was saved"), "{stderr}");
    assert_eq!(count(&db, "events"), events_before, "nothing imported");
    assert_eq!(integrity(&db), "ok");
    // Without the limit the same import goes through.
    let done = ok(debrief(d).args(["import", DEMO, "big.csv"]));
    assert!(done.contains("imported 20000 events"), "{done}");
}

// ---------------------------------------------------------------------------------------
// Another program's file with a log to recover: refused from its bytes, before SQLite
// could roll back the journal or checkpoint the WAL (which would change the file and
// delete the log: evidence destroyed)
// ---------------------------------------------------------------------------------------

/// The bytes of `db` and of each of its -journal, -wal and -shm files (None: absent).
fn snapshot(db: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-journal", "-wal", "-shm"]
        .iter()
        .map(|s| {
            let p = PathBuf::from(format!("{}{s}", db.display()));
            (s.to_string(), fs::read(p).ok())
        })
        .collect()
}

/// Copies `db` and its logs into `dir` under the name `name`, as they are this moment.
fn copy_with_logs(db: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    for s in ["", "-journal", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{s}", db.display()));
        if from.exists() {
            fs::copy(&from, format!("{}{s}", to.display())).unwrap();
        }
    }
    to
}

fn assert_refused_untouched(dir: &Path, db: &Path) {
    let before = snapshot(db);
    for args in [&["incident", "list"][..], &["check"], &["demo"]] {
        let e = fail(debrief_at(dir, db).args(args));
        assert!(e.contains("not a debrief database"), "{args:?}: {e}");
        assert_eq!(
            snapshot(db),
            before,
            "{args:?} changed the file or its logs"
        );
    }
}

#[test]
fn a_foreign_file_with_a_hot_journal_is_refused_and_keeps_its_journal() {
    let dir = tmp();
    let d = dir.path();
    let src = d.join("src");
    fs::create_dir(&src).unwrap();
    let original = src.join("other.sqlite");
    let conn = Connection::open(&original).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 1;
         CREATE TABLE t (x TEXT);
         INSERT INTO t SELECT hex(randomblob(200)) FROM generate_series(1, 500);",
    )
    .unwrap_or_else(|_| {
        // generate_series may be missing: fill with a recursive query instead.
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO t SELECT hex(randomblob(200)) FROM n;",
        )
        .unwrap();
    });
    // A transaction that spills into the file: its journal is hot while it is open.
    conn.execute_batch("BEGIN; UPDATE t SET x = 'changed';")
        .unwrap();
    let copy = copy_with_logs(&original, d, "evidence.sqlite");
    conn.execute_batch("ROLLBACK").unwrap();
    assert!(
        fs::metadata(format!("{}-journal", copy.display())).is_ok_and(|m| m.len() > 0),
        "the copy has a hot journal"
    );
    assert_refused_untouched(d, &copy);
}

#[test]
fn a_foreign_file_with_wal_frames_not_checkpointed_is_refused_and_keeps_its_wal() {
    let dir = tmp();
    let d = dir.path();
    let src = d.join("src");
    fs::create_dir(&src).unwrap();
    let original = src.join("other.sqlite");
    let conn = Connection::open(&original).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('only in the log');",
    )
    .unwrap();
    let copy = copy_with_logs(&original, d, "evidence.sqlite");
    drop(conn);
    assert!(fs::metadata(format!("{}-wal", copy.display())).is_ok_and(|m| m.len() > 0));
    assert_refused_untouched(d, &copy);

    // An empty database whose log already holds a table is not empty: refused too.
    let src2 = d.join("src2");
    fs::create_dir(&src2).unwrap();
    let conn = Connection::open(src2.join("e.sqlite")).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    conn.execute_batch("CREATE TABLE secret (x)").unwrap();
    let copy = copy_with_logs(&src2.join("e.sqlite"), d, "e.sqlite");
    drop(conn);
    assert_refused_untouched(d, &copy);
}

#[test]
fn debriefs_own_file_whose_marks_are_still_in_the_wal_opens() {
    // A new database killed before its first checkpoint: the file's own page 1 has no
    // marks yet, the committed WAL has them. It is debrief's and opens with its data.
    let dir = tmp();
    let d = dir.path();
    let src = d.join("src");
    fs::create_dir(&src).unwrap();
    let original = src.join("new.db");
    let conn = Connection::open(&original).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    let mut conn = conn;
    debrief::store::migrations().to_latest(&mut conn).unwrap();
    let copy = copy_with_logs(&original, d, "t.db");
    drop(conn);
    let head = fs::read(&copy).unwrap();
    assert_eq!(
        &head[68..72],
        &[0, 0, 0, 0],
        "the file itself is not marked yet"
    );
    let out = ok(debrief_at(d, &copy).args(["incident", "list"]));
    assert!(out.contains("no incidents yet"), "{out}");
}

// ---------------------------------------------------------------------------------------
// FIFOs and devices where a file was expected
// ---------------------------------------------------------------------------------------

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `cmd`, failing the test instead of hanging when it blocks for 10 s.
fn within_10s(cmd: &mut assert_cmd::Command) -> std::process::Output {
    cmd.timeout(Duration::from_secs(10));
    let out = cmd.output().unwrap();
    assert!(
        out.status.code().is_some(),
        "timed out (blocked): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_fifo_as_the_database_or_as_evidence_never_blocks() {
    let dir = tmp();
    let d = dir.path();
    demo_db(d);
    let fifo = d.join("pipe");
    mkfifo(&fifo);

    let out = within_10s(debrief_at(d, &fifo).args(["incident", "list"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("not a regular file") && err.contains("--db"),
        "{err}"
    );

    let out = within_10s(
        debrief(d)
            .args(["evidence", "add", DEMO, "--path"])
            .arg(&fifo),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not a regular file"), "{err}");

    // An evidence file replaced by a FIFO: verify says it changed, without waiting.
    let file = d.join("memory.img");
    fs::write(&file, b"image").unwrap();
    ok(debrief(d)
        .args(["evidence", "add", DEMO, "--path"])
        .arg(&file));
    fs::remove_file(&file).unwrap();
    mkfifo(&file);
    let out = within_10s(debrief(d).args(["evidence", "verify", DEMO]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("memory.img"), "{text}");
    assert!(
        fs::symlink_metadata(&file).unwrap().file_type().is_fifo(),
        "still a FIFO"
    );
}

#[test]
fn output_into_a_fifo_or_a_device_writes_into_it_and_keeps_it() {
    let dir = tmp();
    let d = dir.path();
    demo_db(d);
    let fifo = d.join("out.pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        thread::spawn(move || fs::read(fifo).unwrap())
    };
    let out = within_10s(
        debrief(d)
            .args(["export", DEMO, "--format", "timesketch-csv", "-o"])
            .arg(&fifo),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = reader.join().unwrap();
    assert!(read.starts_with(b"message,"), "the reader got the export");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

    // A character device is written into, not replaced by a regular file.
    ok(debrief(d).args(["report", DEMO, "-o", "/dev/null"]));
    let null = fs::symlink_metadata("/dev/null").unwrap();
    assert!(
        null.file_type().is_char_device(),
        "/dev/null is still a device"
    );
    // `-` is standard output.
    let csv = ok(debrief(d).args(["export", DEMO, "--format", "timesketch-csv", "-o", "-"]));
    assert!(csv.starts_with("message,"), "{csv}");
    assert!(!d.join("-").exists());
    assert_eq!(names(d), ["out.pipe", "t.db"]);
}

#[test]
fn output_to_a_folder_fails_and_leaves_no_temporary_file() {
    let dir = tmp();
    let d = dir.path();
    demo_db(d);
    fs::create_dir(d.join("reports")).unwrap();
    for target in [".", "reports", "reports/", ".."] {
        let e = fail(debrief(d).args(["export", DEMO, "--format", "iris-csv", "-o", target]));
        assert!(e.contains("is a folder"), "{target}: {e}");
        let e = fail(debrief(d).args(["report", DEMO, "-o", target]));
        assert!(e.contains("is a folder"), "{target}: {e}");
    }
    assert_eq!(names(d), ["reports", "t.db"]);
    assert!(names(&d.join("reports")).is_empty());
}

// ---------------------------------------------------------------------------------------
// Folders made private, and a warning for one others may write to
// ---------------------------------------------------------------------------------------

#[test]
fn folders_made_for_the_database_are_private_under_umask_000() {
    let dir = tmp();
    let d = dir.path();
    // The default data folder, and a --db in folders that do not exist yet.
    ok(debrief_under_umask(d, "000").args(["incident", "list"]));
    let data = d.join("data/debrief");
    assert!(data.join("debrief.db").exists());
    assert_eq!(mode(&data), 0o700);
    ok(debrief_under_umask(d, "000")
        .arg("--db")
        .arg(d.join("a/b/t.db"))
        .args(["incident", "list"]));
    assert_eq!(mode(&d.join("a")), 0o700);
    assert_eq!(mode(&d.join("a/b")), 0o700);
}

#[test]
fn a_database_in_a_folder_others_may_write_is_warned_about() {
    let dir = tmp();
    let d = dir.path();
    let shared = d.join("shared");
    fs::create_dir(&shared).unwrap();
    set_mode(&shared, 0o777);
    let db = shared.join("t.db");
    let out = debrief_at(d, &db)
        .args(["incident", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("others may write to the folder") && err.contains("chmod go-w"),
        "{err}"
    );
    set_mode(&shared, 0o700);
    ok(debrief_at(d, &db).args(["incident", "list"]));
}
