//! The rows of issue 19's streaming half, printed after the timeline's own: peak resident
//! memory of the Timesketch CSV export, bundle export and bundle import (streamed into a
//! fresh database, as `bundle import` does with an incident not yet there; each in a child
//! process of its own, read from its /proc/self/status VmHWM, so they do not mix), the CSV
//! export's time against the sqlite3 shell's `.mode csv` dump of the same columns, and the
//! undo of the import in the workbench (run last: it takes the import back): its time, the
//! worst gap between two frames while it ran, how soon help opened, and the space given back.
//! Before it, the incident deleted in the workbench and the delete undone (the import's
//! undo then shows the import came back whole).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use debrief::app::{App, Msg, update};
use debrief::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs a child's measurement when the arguments ask for one; `true` when it did.
pub fn child(args: &[String], key: &str) -> bool {
    let Some(i) = args.iter().position(|a| a == "--stream-child") else {
        return false;
    };
    let (what, db, out) = (
        &args[i + 1],
        Path::new(&args[i + 2]),
        Path::new(&args[i + 3]),
    );
    match what.as_str() {
        "csv" => csv_child(db, out, key),
        "bundle-export" => bundle_export_child(db, out, key),
        "bundle-import" => bundle_import_child(db, out),
        "undo" => undo_child(db),
        "delete" => delete_child(db),
        other => panic!("no such child: {other}"),
    }
    true
}

/// Runs every child in turn and prints their rows; the undo last.
pub fn rows(db: &Path, dir: &Path) {
    let csv = dir.join("export.csv");
    print!("{}", run_child("csv", db, &csv));
    print!("{}", csv_floor(db, dir));
    let bundle = dir.join("bundle.json");
    print!("{}", run_child("bundle-export", db, &bundle));
    print!(
        "{}",
        run_child("bundle-import", &bundle, &dir.join("imported.db"))
    );
    print!("{}", run_child("delete", db, db));
    print!("{}", run_child("undo", db, db));
}

fn run_child(what: &str, db: &Path, out: &Path) -> String {
    eprintln!("{what} in a child process");
    let output = Command::new(std::env::current_exe().expect("the bench binary"))
        .args([
            "--stream-child",
            what,
            &db.display().to_string(),
            &out.display().to_string(),
        ])
        .output()
        .expect("the child process runs");
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The same columns the Timesketch CSV is made from, dumped by the sqlite3 shell in
/// `.mode csv` (`-csv`), in the same order; an imported event's attribute names are its
/// set's (schema 17), dumped beside its values.
const FLOOR_SQL: &str = "SELECT e.text, e.at_us, e.at_offset, e.tags, a.name, e.source, e.phase, \
    e.technique, e.at_precision, e.attrs, n.names FROM events e \
    LEFT JOIN actors a ON a.id = e.actor_id LEFT JOIN attr_names n ON n.num = e.attr_names \
    ORDER BY e.incident, e.at_us, e.seq";

fn csv_floor(db: &Path, dir: &Path) -> String {
    let path = dir.join("floor.csv");
    let Ok(file) = std::fs::File::create(&path) else {
        return String::new();
    };
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .args(["-csv", &db.display().to_string(), FLOOR_SQL])
        .stdout(file)
        .status();
    match status {
        Ok(s) if s.success() => format!(
            "| floor: sqlite3 `.mode csv` dump of the same columns | {:.1} s, {:.0} MB | |\n",
            started.elapsed().as_secs_f64(),
            size_mb(&path)
        ),
        Ok(s) => {
            format!("| floor: sqlite3 `.mode csv` dump | sqlite3 failed ({s}), no floor | |\n")
        }
        Err(_) => "| floor: sqlite3 `.mode csv` dump | sqlite3 not found, no floor | |\n".into(),
    }
}

fn size_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
}

fn peak() -> String {
    super::peak_rss_kb().map_or("n/a".into(), |kb| format!("{} MB", kb / 1024))
}

fn csv_child(db: &Path, out: &Path, key: &str) {
    let store = Store::open(db, "bench").expect("the database");
    let incident = store.require_incident(key).expect("the incident");
    let started = Instant::now();
    let mut file = debrief::io::files::PrivateFile::create(out).expect("the file");
    let n = debrief::io::export::export(
        &store,
        &incident.id,
        debrief::io::export::ExportFormat::TimesketchCsv,
        false,
        &mut file,
    )
    .expect("the export");
    file.commit().expect("the file");
    println!(
        "| export --format timesketch-csv | {:.1} s, {n} rows, {:.0} MB, peak resident {} | within 2x the floor, memory independent of the events |",
        started.elapsed().as_secs_f64(),
        size_mb(out),
        peak()
    );
}

fn bundle_export_child(db: &Path, out: &Path, key: &str) {
    let store = Store::open(db, "bench").expect("the database");
    let incident = store.require_incident(key).expect("the incident");
    let started = Instant::now();
    let mut file = debrief::io::files::PrivateFile::create(out).expect("the file");
    store
        .write_bundle(&incident.id, &mut file)
        .expect("the bundle");
    file.commit().expect("the file");
    println!(
        "| bundle export | {:.1} s, {:.0} MB, peak resident {} | < 200 MB, streaming |",
        started.elapsed().as_secs_f64(),
        size_mb(out),
        peak()
    );
}

fn bundle_import_child(bundle: &Path, db: &Path) {
    let _ = std::fs::remove_file(db);
    let mut store = Store::open(db, "bench").expect("the database");
    let started = Instant::now();
    debrief::store::precheck_bundle(std::fs::File::open(bundle).expect("the bundle"))
        .expect("a sound bundle");
    let checked = started.elapsed().as_secs_f64();
    let peak_checked = peak();
    // What `debrief bundle import` does with a bundle whose incident is not here: the
    // rows streamed into the one transaction (a bundle this large is not remembered).
    let name = bundle.display().to_string();
    let file = std::fs::File::open(bundle).expect("the bundle");
    let (file, hash) = debrief::io::import::Tracked::new(file, None);
    let o = store
        .import_new_bundle(file, &name, &name, &|| hash.hex(), "bench", false, None)
        .expect("the import")
        .expect("the incident is created as the bundle is read");
    println!(
        "| bundle import (incident not here, streamed) | {:.0} MB bundle; first pass (refusals) {checked:.1} s, peak resident {peak_checked}; import {:.1} s, {} records, peak resident {} | < 200 MB, streaming, refusal as early as possible |",
        size_mb(bundle),
        started.elapsed().as_secs_f64(),
        o.added,
        peak()
    );
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The workbench's undo of the import: the loop a terminal runs (a poll and a frame
/// every 100 ms, keys between), timed from outside the update function.
fn undo_child(db: &Path) {
    // The window undoes its own session's changes: it is the session that imported.
    let session: String = Store::open(db, "bench")
        .expect("the database")
        .connection()
        .query_row(
            "SELECT session FROM change_sets WHERE label LIKE 'import %' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the import's change set");
    let mut store = Store::open(db, "bench")
        .expect("the database")
        .with_session(&session);
    let (mut app, mut terminal) = super::workbench(&mut store);
    update(&mut app, Msg::Key(key(KeyCode::Enter)), &mut store);
    terminal.draw(|f| debrief::ui::render(&app, f)).unwrap();
    // The density strip of a large incident is read at the first poll after opening: an
    // analyst looks at the timeline before undoing.
    update(&mut app, Msg::Poll, &mut store);
    terminal.draw(|f| debrief::ui::render(&app, f)).unwrap();
    let size_before = store.file_bytes();

    let started = Instant::now();
    update(&mut app, Msg::Key(key(KeyCode::Char('u'))), &mut store);
    assert!(app.replay_job.is_some(), "{}", app.status().text);
    let mut last_frame = Instant::now();
    terminal.draw(|f| debrief::ui::render(&app, f)).unwrap();
    let mut worst = Duration::ZERO;
    let mut help: Option<Duration> = None;
    let mut undo_secs = None;
    let mut tick = 0u32;
    while app.has_job() {
        std::thread::sleep(Duration::from_millis(100).saturating_sub(last_frame.elapsed()));
        tick += 1;
        // Keys while it runs: help opens and closes, the selection moves.
        let k = match tick % 4 {
            1 => Some(KeyCode::Char('?')),
            2 => Some(KeyCode::Esc),
            3 => Some(KeyCode::Char('j')),
            _ => None,
        };
        let pressed = Instant::now();
        if let Some(k) = k {
            update(&mut app, Msg::Key(key(k)), &mut store);
        }
        update(&mut app, Msg::Poll, &mut store);
        terminal.draw(|f| debrief::ui::render(&app, f)).unwrap();
        if k == Some(KeyCode::Char('?')) && help.is_none() && app.replay_job.is_some() {
            help = Some(pressed.elapsed());
        }
        worst = worst.max(last_frame.elapsed());
        last_frame = Instant::now();
        if app.replay_job.is_none() && undo_secs.is_none() {
            undo_secs = Some(started.elapsed().as_secs_f64());
        }
    }
    let total = started.elapsed().as_secs_f64();
    let undo_secs = undo_secs.unwrap_or(total);
    let events = app.timeline().map(|t| t.total).unwrap_or(-1);
    println!(
        "| undo of the import (`u`, in the background) | {undo_secs:.1} s; worst frame {:.0} ms (a frame every 100 ms); `?` opened in {}; {events} events left | help within 1 s, a progress line |",
        worst.as_secs_f64() * 1000.0,
        help.map_or("n/a (ended first)".into(), |d| format!(
            "{:.1} ms",
            d.as_secs_f64() * 1000.0
        )),
    );
    println!(
        "| space given back after the undo (background) | {:.1} s; file and -wal {:.0} MB before the undo, {:.0} MB after | the space given back |",
        total - undo_secs,
        size_before as f64 / 1e6,
        store.file_bytes() as f64 / 1e6
    );
}

/// The workbench's delete of the incident and the undo of that delete, on the incidents
/// list (`d` `y`, then `u`): each runs in the background, with the space given back after
/// it, in the loop a terminal runs (a poll and a frame every 100 ms).
fn delete_child(db: &Path) {
    let mut store = Store::open(db, "bench").expect("the database");
    let (mut app, mut terminal) = super::workbench(&mut store);
    let events = |store: &Store| -> i64 {
        store
            .connection()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .expect("a count")
    };
    let before = store.file_bytes();
    let delete = until_idle(&mut app, &mut store, &mut terminal, &['d', 'y']);
    let deleted = store.file_bytes();
    let left = events(&store);
    let undo = until_idle(&mut app, &mut store, &mut terminal, &['u']);
    println!(
        "| delete of the incident (`d` `y` on the incidents list, in the background) | {:.1} s, the space given back included; worst frame {:.0} ms; file and -wal {:.0} MB before, {:.0} MB after; {left} events left | the workbench live, the space given back |",
        delete.0,
        delete.1.as_secs_f64() * 1000.0,
        before as f64 / 1e6,
        deleted as f64 / 1e6,
    );
    println!(
        "| undo of the delete (`u`, in the background) | {:.1} s; worst frame {:.0} ms; file and -wal {:.0} MB after; {} events back | the workbench live |",
        undo.0,
        undo.1.as_secs_f64() * 1000.0,
        store.file_bytes() as f64 / 1e6,
        events(&store),
    );
}

/// Presses the keys, then polls and draws every 100 ms until no job runs: the seconds
/// from the first key and the worst gap between two frames.
fn until_idle(
    app: &mut App,
    store: &mut Store,
    terminal: &mut Terminal<TestBackend>,
    keys: &[char],
) -> (f64, Duration) {
    let started = Instant::now();
    for k in keys {
        update(app, Msg::Key(key(KeyCode::Char(*k))), store);
    }
    // A small incident is deleted (or brought back) at once, with no job.
    let mut last_frame = Instant::now();
    let mut worst = Duration::ZERO;
    while app.has_job() {
        std::thread::sleep(Duration::from_millis(100).saturating_sub(last_frame.elapsed()));
        update(app, Msg::Poll, store);
        terminal.draw(|f| debrief::ui::render(app, f)).unwrap();
        worst = worst.max(last_frame.elapsed());
        last_frame = Instant::now();
    }
    (started.elapsed().as_secs_f64(), worst)
}
