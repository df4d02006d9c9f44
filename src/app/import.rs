//! Importing a timeline from the workbench: a path prompt that completes file names and
//! previews the format and the first rows, then the import itself. On a database file it
//! runs in a thread with its own connection, so the screen keeps drawing a progress gauge;
//! the timeline reloads when it is done.

use super::App;
use crate::domain::Incident;
use crate::io::import::{self, ImportFormat, TimeOptions, Tracked};
use crate::store::{ImportOutcome, ImportRun, Store};
use crate::text::inert;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// What an import reports when it ends.
#[derive(Debug, Clone)]
pub struct Finished {
    pub outcome: ImportOutcome,
    pub format: String,
    /// The first bad rows, for the status line.
    pub bad: Vec<String>,
    pub seconds: f64,
}

/// An import running in the background (its progress counts the bytes of the file read).
pub type ImportJob = super::job::Job<Finished>;

/// Reads and imports a file into an incident: all or nothing; naive times are read in
/// the incident's zone.
pub fn run(
    store: &mut Store,
    incident: &Incident,
    path: &Path,
    read: Option<Arc<AtomicU64>>,
) -> Result<Finished, String> {
    let started = Instant::now();
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {name}: {e}"))?;
    let (tracked, hash) = Tracked::new(file, read);
    let time = TimeOptions {
        zone: Some(incident.zone),
        format: None,
    };
    let mut rows = import::open(Box::new(tracked), ImportFormat::Auto, &[], time)
        .map_err(|e| format!("{name}: {e}"))?;
    let format = rows.mapping.format.label().to_string();
    let run = ImportRun {
        file: name.clone(),
        format: rows.mapping.format.name().to_string(),
        skip_bad: false,
        dry_run: false,
        search_later_from: None,
    };
    let mut bad = Vec::new();
    let outcome = store
        .import_rows(
            &incident.id,
            &mut rows,
            &run,
            &mut |e| {
                if bad.len() < 3 {
                    bad.push(e.to_string());
                }
            },
            &|| hash.hex(),
        )
        .map_err(|e| format!("{name}: {e}"))?;
    if outcome.rows == 0 {
        return Err(format!("{name}: the file has a header but no rows"));
    }
    Ok(Finished {
        outcome,
        format,
        bad,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Starts importing `typed` into the open incident: in a thread when the database is a
/// file, else (tests, in-memory) at once.
pub(super) fn start(app: &mut App, store: &mut Store, typed: &str) {
    let Some(incident) = app.open.as_ref().map(|o| o.incident.clone()) else {
        return;
    };
    let path = PathBuf::from(typed.trim());
    if typed.trim().is_empty() {
        return app.shell.info("nothing imported");
    }
    if let Some(busy) = app.busy() {
        return app.shell.error(format!("{busy}: import when it has ended"));
    }
    let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    match store.path() {
        Some(_) => {
            let progress = crate::store::Progress::new(total);
            let read = progress.done_counter();
            let thread_path = path.clone();
            let shown = inert(&path.display().to_string()).into_owned();
            app.import_job =
                super::job::Job::spawn(store, format!("importing {shown}"), progress, move |s| {
                    run(s, &incident, &thread_path, Some(read))
                });
            super::background::hold(app, store);
            app.shell.info(format!(
                "importing {shown}: the timeline reloads when it is done"
            ));
        }
        None => {
            let result = run(store, &incident, &path, None);
            finish(app, store, result);
        }
    }
}

/// Checks a running import; reloads the timeline when it has ended.
pub(super) fn poll(app: &mut App, store: &mut Store) {
    let Some(job) = app.import_job.as_ref() else {
        return;
    };
    let Some(result) = job.finished() else {
        return;
    };
    app.import_job = None;
    // Its commit is shown by `finish`, not taken for another window's later.
    super::background::job_ended(app, store, false);
    finish(app, store, result);
}

fn finish(app: &mut App, store: &mut Store, result: Result<Finished, String>) {
    match result {
        Ok(f) if f.outcome.committed => {
            super::router::apply(app, store, super::Effect::Changed(None));
            super::background::index_for_search(app, store);
            app.shell.success(format!(
                "imported {} events ({}; {} duplicates skipped) in {:.1} s; u undoes the import",
                f.outcome.imported, f.format, f.outcome.duplicates, f.seconds
            ));
        }
        Ok(f) if f.outcome.bad > 0 => app.shell.error(format!(
            "nothing imported: {} of {} rows are bad, e.g. {}; fix the file, or use debrief import --skip-bad",
            f.outcome.bad,
            f.outcome.rows,
            inert(f.bad.first().map(String::as_str).unwrap_or_default())
        )),
        Ok(f) => app.shell.info(format!(
            "nothing new: all {} rows are already in the timeline",
            f.outcome.rows
        )),
        Err(e) => app.shell.error(format!("nothing imported: {}", inert(&e))),
    }
}

/// What the path prompt shows under the input: the completions, or the detected format
/// and the first rows of the file.
pub fn preview(typed: &str, incident: Option<&Incident>) -> Vec<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return vec![
            "a Timesketch CSV/JSONL, Plaso, DFIR-IRIS or mapped CSV file; tab completes".into(),
        ];
    }
    let path = Path::new(typed);
    if !path.is_file() {
        let options = completions(typed);
        return match options.len() {
            0 => vec![format!("no file {}", inert(typed))],
            _ => options
                .iter()
                .take(6)
                .map(|o| format!("tab → {}", inert(o)))
                .collect(),
        };
    }
    let zone = incident.map(|i| i.zone);
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![format!("cannot open it: {e}")],
    };
    let time = TimeOptions { zone, format: None };
    match import::open(Box::new(file), ImportFormat::Auto, &[], time) {
        Err(e) => vec![format!("⚠ {}", inert(&e.to_string()))],
        Ok(rows) => {
            let mut lines = vec![format!(
                "{}; times without an offset read in {}",
                rows.mapping.format.label(),
                zone.map(|z| z.name()).unwrap_or("UTC")
            )];
            let mut rows = rows;
            for r in rows.by_ref().take(3) {
                lines.push(match r {
                    Ok(r) => format!("{}  {}", r.at.rfc3339_utc(), inert(&r.text)),
                    Err(e) => format!("⚠ {}", inert(&e.to_string())),
                });
            }
            lines
        }
    }
}

/// File names that start with what was typed, folders ending with `/`.
pub fn completions(typed: &str) -> Vec<String> {
    let (dir, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let read_dir = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(read_dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out
}

/// Completes a typed path as far as all the matches agree.
pub fn complete(typed: &str) -> Option<String> {
    let options = completions(typed);
    let first = options.first()?;
    let common = options.iter().skip(1).fold(first.clone(), |acc, o| {
        acc.chars()
            .zip(o.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (common.len() > typed.len()).then_some(common)
}
