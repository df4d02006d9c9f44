//! The rows of the import at scale: debrief's import against the sqlite3 shell doing the
//! same work, the database's size against the CSV's, and the first search of a word in
//! every row. Part of `cargo bench --bench timeline` (called from its `main`).

use super::{KEY, key, send, timed};
use crossterm::event::KeyCode;
use debrief::store::Store;
use std::path::Path;

/// Measures and prints the rows (`floor`: the shell's `.import` + time index, measured
/// by the caller; `secs`: debrief's import of the same file into `db`, until its events
/// were committed and until they were indexed for search too).
pub fn rows(
    dir: &Path,
    csv: &Path,
    csv_bytes: u64,
    db: &Path,
    (usable_secs, import_secs): (f64, f64),
    floor: Option<f64>,
) {
    eprintln!("sqlite3 .import + time index + FTS5 over the text (the same-work floor)");
    match same_work_floor(dir, csv) {
        Some(f) => println!(
            "| import vs the same work in the sqlite3 shell (.import + time index + FTS5 over the text) | debrief {import_secs:.1} s; sqlite3 {f:.1} s; ratio {:.1}x | within 2x |",
            import_secs / f
        ),
        None => println!(
            "| import vs the same work in the sqlite3 shell | sqlite3 not found, no floor | within 2x |"
        ),
    }
    // A large import commits its events and their indexes first (the timeline usable),
    // then indexes them for search slice by slice.
    if let Some(f) = floor {
        println!(
            "| timeline usable (events and their indexes committed; search follows) vs .import + time index | {usable_secs:.1} s vs {f:.1} s; ratio {:.1}x (indexed for search {:.1} s later) | within 2x |",
            usable_secs / f,
            import_secs - usable_secs
        );
    }
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!(
        "| database size vs the CSV | {:.0} MB vs {:.0} MB; ratio {:.1}x ({}) | within 2.5x |",
        size as f64 / 1e6,
        csv_bytes as f64 / 1e6,
        size as f64 / csv_bytes.max(1) as f64,
        breakdown(db)
    );
    let (took, shown) = first_search(db, "event");
    println!(
        "| search: a word in every row (event, {shown} matches), first search after opening | {:.2} ms | under 100 ms |",
        took * 1000.0
    );
}

/// The shell's `.import` into a plain table, an index on the time column and an FTS5
/// index over the text column (external content, as debrief's): the same work as an
/// import without debrief's layers.
fn same_work_floor(dir: &Path, csv: &Path) -> Option<f64> {
    super::sqlite3_floor(
        dir,
        csv,
        "floor-same-work.db",
        "CREATE INDEX t_time ON t(datetime);
         CREATE VIRTUAL TABLE t_fts USING fts5(message, content = 't');
         INSERT INTO t_fts (t_fts) VALUES ('rebuild');",
    )
}

/// The largest parts of the file (SQLite's dbstat), or why they are not listed.
fn breakdown(db: &Path) -> String {
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return "no breakdown".into();
    };
    let parts = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
    match parts {
        Ok(parts) => parts
            .iter()
            .map(|(n, b)| format!("{n} {:.0} MB", *b as f64 / 1e6))
            .collect::<Vec<_>>()
            .join(", "),
        Err(_) => "no breakdown (dbstat not built in)".into(),
    }
}

/// Opens the incident in a fresh workbench (200x50) and times the first search of
/// `word`: from Enter on the filter prompt to the filtered list drawn.
fn first_search(db: &Path, word: &str) -> (f64, String) {
    let mut store = Store::open(db, "bench").expect("the database");
    let (mut app, mut terminal) = super::workbench(&mut store);
    send(&mut app, &mut store, key(KeyCode::Enter));
    assert!(
        app.timeline()
            .is_some_and(|t| !t.filter.incident_id.is_empty()),
        "{KEY} opened"
    );
    send(&mut app, &mut store, key(KeyCode::Char('/')));
    for c in word.chars() {
        send(&mut app, &mut store, key(KeyCode::Char(c)));
    }
    let took = timed(&mut terminal, &mut app, &mut store, key(KeyCode::Enter));
    let shown = app.timeline().map(|t| t.total_label()).unwrap_or_default();
    (took.as_secs_f64(), shown)
}
