//! Helpers shared by the CLI test suites: debrief run against a database in a
//! temporary folder, isolated from the user's config, data folder and name.
// Each test binary uses a different subset of these.
#![allow(dead_code)]

use assert_cmd::Command;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("t.db")
}

/// debrief with neither `--db` nor `DEBRIEF_DB`, isolated from the user's config,
/// data folder and name, running in `dir`.
pub fn debrief_bare(dir: &Path) -> Command {
    isolated(Command::cargo_bin("debrief").unwrap(), dir)
}

/// Like [`debrief_bare`], with the process's umask set to `umask` first (std cannot set
/// it, so a shell does and then runs debrief in its place).
pub fn debrief_under_umask(dir: &Path, umask: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_debrief"));
    isolated(cmd, dir)
}

fn isolated(mut cmd: Command, dir: &Path) -> Command {
    cmd.env("DEBRIEF_CONFIG", dir.join("none.toml"))
        .env("USER", "tester")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("DEBRIEF_DB")
        .env_remove("USERNAME")
        .current_dir(dir);
    cmd
}

/// debrief on the database file `db`.
pub fn debrief_at(dir: &Path, db: &Path) -> Command {
    let mut cmd = debrief_bare(dir);
    cmd.arg("--db").arg(db);
    cmd
}

/// debrief on `<dir>/t.db`.
pub fn debrief(dir: &Path) -> Command {
    debrief_at(dir, &db_path(dir))
}

/// Runs a command that must succeed and returns its stdout; stderr must be empty.
pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().stderr("").get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must succeed and print one JSON document.
pub fn json(cmd: &mut Command) -> Value {
    let out = ok(cmd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// Runs a command that must fail with exit 1, print nothing on stdout and exactly one
/// line on stderr starting with "debrief: "; returns that line.
pub fn fail(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}\nstderr: {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "a failure printed on stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not exactly one line on stderr: {stderr:?}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    assert!(lines[0].starts_with("debrief: "), "{stderr:?}");
    lines[0].to_string()
}

/// Runs a command that must be a usage error (exit 2); returns stderr.
pub fn usage(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("error:"), "{stderr}");
    stderr
}

/// A read-only connection to a database file.
pub fn ro(db: &Path) -> Connection {
    Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap()
}

pub fn count(db: &Path, table: &str) -> i64 {
    ro(db)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Creates the incident `key` detected 2026-03-11 10:00 in Europe/Madrid (09:00Z).
pub fn new_incident(dir: &Path, key: &str) {
    let out = ok(debrief(dir).args([
        "incident",
        "new",
        key,
        "--title",
        "Test incident",
        "--detected",
        "2026-03-11 10:00",
        "--zone",
        "Europe/Madrid",
    ]));
    assert_eq!(out, format!("created incident {key}\n"));
}

/// Runs a command that must print only a new UUID; returns it.
pub fn new_id(cmd: &mut Command) -> String {
    let out = ok(cmd);
    let id = out.trim().to_string();
    assert_eq!(out, format!("{id}\n"), "only the id is printed");
    assert_eq!(id.len(), 36, "{id}");
    assert!(
        id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "{id}"
    );
    id
}
