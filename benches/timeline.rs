//! The timeline at scale, side by side with the floor: `cargo bench --bench timeline`.
//!
//! Generates a deterministic Timesketch CSV of N events (BENCH_EVENTS, default 1,000,000),
//! then measures and prints, as a table:
//! - import: debrief's importer against the sqlite3 shell's `.import` of the same file into
//!   a plain table plus one index on the time column (the floor), as a ratio;
//! - open: from opening the incident to its first rendered timeline frame;
//! - keys: key-to-rendered-frame latency (p50, p99) for next/previous, page down/up, end,
//!   start and jump to a time, through the real update loop into a 200x50 TestBackend;
//! - search: the first page of results for a rare word, a common one and a prefix standing
//!   for many distinct words;
//! - memory: peak resident memory of the process that opened and scrolled the timeline
//!   (a child process, so the import's memory is not counted);
//! - report: the Markdown and the HTML report of all N events written to a file, each in
//!   its own process: time, size and peak resident memory.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use debrief::app::{App, Msg, update};
use debrief::io::import::{self, ImportFormat, TimeOptions};
use debrief::keymap::Keymap;
use debrief::store::{ImportRun, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod import_scale;

const KEY: &str = "IR-BENCH";

mod stream_scale;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(Path::new(&args[i + 1]));
    }
    if let Some(i) = args.iter().position(|a| a == "--report-child") {
        return report_child(Path::new(&args[i + 1]), &args[i + 2]);
    }
    if stream_scale::child(&args, KEY) {
        return;
    }
    let n: u64 = std::env::var("BENCH_EVENTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("debrief-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let csv = dir.join("timeline.csv");
    eprintln!("generating {n} events in {}", csv.display());
    let bytes = generate(&csv, n);

    eprintln!("sqlite3 .import (the floor)");
    let floor = sqlite3_floor(
        &dir,
        &csv,
        "floor.db",
        "CREATE INDEX t_time ON t(datetime);",
    );
    eprintln!("debrief import");
    let db = dir.join("bench.db");
    let (usable_secs, import_secs) = debrief_import(&db, &csv);
    eprintln!("opening and scrolling in a child process");
    let out = Command::new(std::env::current_exe().expect("the bench binary"))
        .args(["--child", &db.display().to_string()])
        .output()
        .expect("the child process runs");
    let child_report = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }

    println!();
    println!(
        "debrief timeline benchmark: {n} events, {:.0} MB of CSV",
        bytes as f64 / 1e6
    );
    println!();
    println!("| measure | result | target |");
    println!("|---|---|---|");
    let rate = n as f64 / import_secs;
    // The whole import does more than `.import` + an index (the full-text index too): its
    // targets are the next two rows, against the same work and the timeline usable.
    println!(
        "| import, whole (committed and indexed for search) | {import_secs:.1} s ({rate:.0} rows/s) | see the next two rows |"
    );
    import_scale::rows(&dir, &csv, bytes, &db, (usable_secs, import_secs), floor);
    print!("{child_report}");
    for format in ["markdown", "html"] {
        eprintln!("writing the {format} report in a child process");
        let out = Command::new(std::env::current_exe().expect("the bench binary"))
            .args(["--report-child", &db.display().to_string(), format])
            .output()
            .expect("the child process runs");
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
    stream_scale::rows(&db, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A deterministic Timesketch CSV: times one to three seconds apart, eight words of a
/// small vocabulary, the row number, and a few attribute columns.
fn generate(path: &Path, n: u64) -> u64 {
    const WORDS: [&str; 14] = [
        "sign-in", "token", "mailbox", "export", "rule", "consent", "graph", "alert", "user",
        "host", "process", "file", "network", "dns",
    ];
    let file = std::fs::File::create(path).expect("the CSV file");
    let mut w = std::io::BufWriter::new(file);
    writeln!(
        w,
        "message,datetime,timestamp_desc,timestamp,data_type,hostname,username"
    )
    .unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut t: i64 = 1_773_200_000;
    for i in 0..n {
        t += (next() % 3) as i64 + 1;
        let msg: Vec<&str> = (0..8).map(|_| WORDS[(next() % 14) as usize]).collect();
        let at = chrono::DateTime::from_timestamp(t, 0).unwrap();
        writeln!(
            w,
            "{} event {i},{},Event Recorded,{},windows:evtx:record,host-{},user{}",
            msg.join(" "),
            at.format("%Y-%m-%dT%H:%M:%S+00:00"),
            t * 1_000_000,
            i % 50,
            i % 200
        )
        .unwrap();
    }
    w.flush().unwrap();
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The sqlite3 shell importing the CSV into a plain table, then running `then` (the
/// time index, and for the same-work floor the full-text index too): seconds taken.
fn sqlite3_floor(dir: &Path, csv: &Path, name: &str, then: &str) -> Option<f64> {
    let db = dir.join(name);
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .args([
            "-cmd",
            ".mode csv",
            &format!(".import {} t", csv.display()),
            then,
        ])
        .status()
        .ok()?;
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&db);
    status.success().then_some(secs)
}

/// Imports the CSV: seconds until the events are committed (the timeline usable) and
/// until they are indexed for search too (the import's whole work).
fn debrief_import(db: &Path, csv: &Path) -> (f64, f64) {
    let mut store = Store::open(db, "bench").expect("the database");
    let incident = store
        .create_incident(&debrief::domain::NewIncident::new(KEY, "Benchmark").unwrap())
        .expect("an incident");
    let started = Instant::now();
    // As the workbench's `I` does: the file hashed on the way.
    let file = std::fs::File::open(csv).expect("the CSV");
    let (tracked, hash) = import::Tracked::new(file, None);
    let mut rows = import::open(
        Box::new(tracked),
        ImportFormat::Auto,
        &[],
        TimeOptions::default(),
    )
    .expect("a Timesketch CSV");
    let run = ImportRun {
        file: "timeline.csv".into(),
        format: "timesketch-csv".into(),
        ..Default::default()
    };
    let outcome = store
        .import_rows(&incident.id, &mut rows, &run, &mut |_| {}, &|| hash.hex())
        .expect("the import");
    assert!(outcome.committed && outcome.bad == 0);
    let usable = started.elapsed().as_secs_f64();
    store
        .index_backlog(&mut |_, _| {})
        .expect("indexing for search");
    (usable, started.elapsed().as_secs_f64())
}

/// The measurements that need a fresh process: open, keys, search, memory.
fn child(db: &Path) {
    let mut store = Store::open(db, "bench").expect("the database");
    let (mut app, mut terminal) = workbench(&mut store);

    // Open: from the key that opens the incident to the first frame of its timeline.
    let open = timed(&mut terminal, &mut app, &mut store, key(KeyCode::Enter));
    assert!(app.timeline().is_some(), "the incident opened");
    let events = app.timeline().map(|t| t.total).unwrap_or(0);
    // A large incident's density strip is read at the first poll after the first frame.
    let strip_start = Instant::now();
    update(&mut app, Msg::Poll, &mut store);
    frame(&mut terminal, &app);
    let first_strip = strip_start.elapsed();

    let mut rows = Vec::new();
    let mut measure = |name: &str, keys: &[KeyEvent], times: usize, before: &[KeyEvent]| {
        let mut samples = Vec::with_capacity(times);
        for i in 0..times {
            for k in before {
                send(&mut app, &mut store, *k);
            }
            let k = keys[i % keys.len()];
            samples.push(timed(&mut terminal, &mut app, &mut store, k));
        }
        rows.push((name.to_string(), samples));
    };
    let (j, k) = (key(KeyCode::Char('j')), key(KeyCode::Char('k')));
    measure("next row (j)", &[j], 300, &[]);
    measure("previous row (k)", &[k], 300, &[]);
    measure("page down", &[key(KeyCode::PageDown)], 200, &[]);
    measure("page up", &[key(KeyCode::PageUp)], 200, &[]);
    measure(
        "jump to end (G)",
        &[key(KeyCode::Char('G'))],
        50,
        &[key(KeyCode::Char('g'))],
    );
    measure(
        "jump to start (g)",
        &[key(KeyCode::Char('g'))],
        50,
        &[key(KeyCode::Char('G'))],
    );
    measure(
        "next busy stretch or key event (])",
        &[key(KeyCode::Char(']'))],
        50,
        &[],
    );
    // The density strip: its one aggregate query, as update runs it after a change.
    let incident_id = app.timeline().map(|t| t.filter.incident_id.clone());
    let mut strip = Vec::new();
    for _ in 0..20 {
        let start = std::time::Instant::now();
        let d = store
            .event_density(incident_id.as_deref().unwrap_or_default(), 200)
            .expect("the density");
        strip.push(start.elapsed());
        std::hint::black_box(d);
    }
    strip.sort();
    // Jump to a time: the prompt is typed untimed; Enter, the jump and its frame are timed.
    let mut jump = Vec::new();
    for i in 0..50 {
        send(&mut app, &mut store, key(KeyCode::Char('t')));
        let day = 10 + i % 5;
        for c in format!("2026-03-{day} {:02}:{:02}", i % 24, (i * 7) % 60).chars() {
            send(&mut app, &mut store, key(KeyCode::Char(c)));
        }
        jump.push(timed(
            &mut terminal,
            &mut app,
            &mut store,
            key(KeyCode::Enter),
        ));
    }
    rows.push(("jump to a time (t)".into(), jump));

    // A prefix standing for many distinct words (every row number starting with 1): more
    // terms than the search writes out, so the full-text index merges their lists.
    let prefix = "1";
    let terms = prefix_terms(&store, prefix);
    // Search: Enter on the filter prompt to the first page of results.
    let mut search = |word: &str| -> (Duration, String) {
        send(&mut app, &mut store, key(KeyCode::Char('x')));
        send(&mut app, &mut store, key(KeyCode::Char('/')));
        for c in word.chars() {
            send(&mut app, &mut store, key(KeyCode::Char(c)));
        }
        let d = timed(&mut terminal, &mut app, &mut store, key(KeyCode::Enter));
        let shown = app.timeline().map(|t| t.total_label());
        (d, shown.unwrap_or_default())
    };
    // A row number: it matches one event (and none that merely start with it).
    let rare_word = format!("{}", events * 3 / 4 + 7);
    let rare = search(&rare_word);
    let long = search(prefix);
    let common = search("token");
    // Paging through the common word's hits (the filter stays applied).
    let mut filtered = Vec::new();
    for _ in 0..100 {
        filtered.push(timed(
            &mut terminal,
            &mut app,
            &mut store,
            key(KeyCode::PageDown),
        ));
    }
    filtered.sort();

    let peak = peak_rss_kb();
    println!("| open: first frame | {} | under 150 ms |", ms(open));
    println!(
        "| density strip: first read, at the poll after opening | {} | under 500 ms, after the first frame |",
        ms(first_strip)
    );
    println!(
        "| density strip: one read (200 buckets) | p50 {}, max {} (20 reads) | under 150 ms |",
        ms(strip[strip.len() / 2]),
        ms(strip[strip.len() - 1])
    );
    for (name, mut samples) in rows {
        samples.sort();
        let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "| key: {name} | p50 {}, p99 {} ({} keys) | p99 under 16 ms |",
            ms(p(0.5)),
            ms(p(0.99)),
            samples.len()
        );
    }
    println!(
        "| search: rare word ({rare_word}, {} matches) | {} | under 100 ms |",
        rare.1,
        ms(rare.0)
    );
    println!(
        "| search: common word (token, {} matches) | {} | under 100 ms |",
        common.1,
        ms(common.0)
    );
    println!(
        "| key: page down in the common word's hits | p50 {}, p99 {} (100 keys) | p99 under 16 ms |",
        ms(filtered[filtered.len() / 2]),
        ms(filtered[filtered.len() * 99 / 100])
    );
    println!(
        "| search: long prefix ({prefix}, {terms} distinct words, {} matches) | {} | under 100 ms |",
        long.1,
        ms(long.0)
    );
    match peak {
        Some(kb) => println!(
            "| memory: peak resident | {:.0} MB | under 200 MB |",
            kb as f64 / 1024.0
        ),
        None => println!("| memory: peak resident | not measured (no /proc) | under 200 MB |"),
    }
}

/// How many distinct words of the full-text index start with `prefix`.
fn prefix_terms(store: &Store, prefix: &str) -> i64 {
    let conn = store.connection();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_terms
             USING fts5vocab(main, 'events_fts', 'row')",
    )
    .expect("the vocabulary table");
    let mut high = prefix.as_bytes().to_vec();
    if let Some(last) = high.last_mut() {
        *last += 1;
    }
    conn.query_row(
        "SELECT count(*) FROM temp.bench_terms WHERE term >= ?1 AND term < ?2",
        [prefix, &String::from_utf8(high).unwrap_or_default()],
        |r| r.get(0),
    )
    .expect("the number of terms")
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn send(app: &mut App, store: &mut Store, k: KeyEvent) {
    update(app, Msg::Key(k), store);
}

/// A workbench on `store` in a 200x50 terminal, started (the incidents list) and drawn.
fn workbench(store: &mut Store) -> (App, Terminal<TestBackend>) {
    let settings = debrief::app::Settings::builtin();
    let mut app = App::new(Keymap::default(), settings, chrono::Utc::now(), true);
    update(&mut app, Msg::Resize(200, 50), store);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    app.start(store);
    frame(&mut terminal, &app);
    (app, terminal)
}

fn frame(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal.draw(|f| debrief::ui::render(app, f)).unwrap();
}

/// One key through update and render.
fn timed(
    terminal: &mut Terminal<TestBackend>,
    app: &mut App,
    store: &mut Store,
    k: KeyEvent,
) -> Duration {
    let started = Instant::now();
    send(app, store, k);
    frame(terminal, app);
    started.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Writes the whole report of the benchmark's incident to a file beside the database and
/// prints its table row: time, size, peak resident memory of this process.
fn report_child(db: &Path, format: &str) {
    use debrief::io::report::{ReportOptions, write_report};
    let format: debrief::io::template::ReportFormat = format.parse().expect("a report format");
    let store = Store::open(db, "bench").expect("the database");
    let incident = store.require_incident(KEY).expect("the incident");
    let path = db.with_file_name(format!("report.{}", format.extension()));
    let started = Instant::now();
    let mut file = debrief::io::files::PrivateFile::create(&path).expect("the report file");
    write_report(
        &store,
        &incident,
        format,
        ReportOptions::default(),
        None,
        &mut file,
    )
    .expect("the report");
    file.commit().expect("the report file");
    let secs = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let peak = peak_rss_kb().map_or("n/a".to_string(), |kb| format!("{} MB", kb / 1024));
    println!(
        "| report: {} of every event | {secs:.1} s, {:.0} MB written, peak resident {peak} | under 200 MB |",
        format.label(),
        size as f64 / 1e6
    );
}

/// VmHWM from /proc/self/status (Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
