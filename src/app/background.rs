//! A large undo or redo, and giving freed space back, run as background jobs
//! (`job.rs`): the window keeps drawing a progress line and answering keys (help,
//! navigation, search: reads see the database as it was before the job), while its own
//! writes are refused with a message naming the job, never queued, until the job ends.
//! The undo itself stays one transaction: a crash or a kill leaves all or nothing.

use super::job::Job;
use super::{App, router};
use crate::store::{Progress, Replayed, Store};
use crate::text::inert;
use std::time::Instant;

/// What a background undo or redo reports when it ends.
#[derive(Debug)]
pub struct Replay {
    pub redo: bool,
    pub replayed: Option<Replayed>,
    pub seconds: f64,
}

/// Free pages worth giving back (4 MB at SQLite's 4 KB page).
const WORTH_GIVING_BACK: i64 = 1_000;

impl App {
    /// What runs in the background that this window's writes must wait for, as the
    /// message says it ("an undo is running").
    pub fn busy(&self) -> Option<String> {
        let (what, job) = if let Some(j) = &self.import_job {
            ("an import is running", (&j.label, j.ratio()))
        } else if let Some(j) = &self.replay_job {
            ("an undo is running", (&j.label, j.ratio()))
        } else if let Some(j) = &self.delete_job {
            ("an incident is being deleted", (&j.label, j.ratio()))
        } else if let Some(j) = &self.space_job {
            ("freed space is being given back", (&j.label, j.ratio()))
        } else {
            return None;
        };
        Some(format!("{what} ({}… {:.0}%)", job.0, job.1 * 100.0))
    }

    /// The progress line the status line shows while a job runs: its label and share.
    pub fn job_line(&self) -> Option<(String, f64)> {
        if let Some(j) = &self.import_job {
            return Some((j.label.clone(), j.ratio()));
        }
        if let Some(j) = self
            .replay_job
            .as_ref()
            .map(|j| (&j.label, j.ratio()))
            .or(self.delete_job.as_ref().map(|j| (&j.label, j.ratio())))
        {
            return Some((format!("{}…", j.0), j.1));
        }
        self.space_job
            .as_ref()
            .map(|j| (format!("{}…", j.label), j.ratio()))
    }

    /// Whether the loop should look at jobs often (to move the progress line).
    pub fn has_job(&self) -> bool {
        self.import_job.is_some()
            || self.replay_job.is_some()
            || self.delete_job.is_some()
            || self.space_job.is_some()
            || self.index_job.is_some()
    }

    /// The share of the search backlog indexed so far, while it is being indexed: the
    /// status line says so beside its message (searches meanwhile find what is indexed).
    pub fn search_indexing(&self) -> Option<f64> {
        self.index_job.as_ref().map(|j| j.ratio())
    }
}

/// Starts undoing (or redoing) this window's latest change in `scope` on a thread.
pub(super) fn start_replay(
    app: &mut App,
    store: &mut Store,
    scope: Option<String>,
    redo: bool,
    label: &str,
) {
    let verb = if redo { "redoing" } else { "undoing" };
    let shown = format!("{verb} {}", inert(label));
    let started = Instant::now();
    app.replay_job = Job::spawn(store, shown.clone(), Progress::default(), move |s| {
        let replayed = if redo {
            s.redo(scope.as_deref())
        } else {
            s.undo(scope.as_deref())
        }
        .map_err(|e| e.to_string())?;
        Ok(Replay {
            redo,
            replayed,
            seconds: started.elapsed().as_secs_f64(),
        })
    });
    started_job(app, store, &shown);
}

/// Deletes a large incident on a thread (recorded whole, so `u` brings it back).
pub(super) fn start_delete(app: &mut App, store: &mut Store, id: String, key: String, events: i64) {
    if let Some(busy) = app.busy() {
        return app.shell.error(format!("{busy}: delete when it has ended"));
    }
    let shown = format!("deleting incident {}", inert(&key));
    let started = Instant::now();
    app.delete_job = Job::spawn(store, shown.clone(), Progress::default(), move |s| {
        s.delete_incident(&id).map_err(|e| e.to_string())?;
        Ok(Deleted {
            key,
            events,
            seconds: started.elapsed().as_secs_f64(),
        })
    });
    started_job(app, store, &shown);
}

/// After a job that changes what is shown has started: this window's writes wait, and
/// the analyst is told the workbench reloads at the end.
fn started_job(app: &mut App, store: &mut Store, shown: &str) {
    hold(app, store);
    app.shell
        .info(format!("{shown}: the workbench reloads when it is done"));
}

/// What a background incident delete reports when it ends.
#[derive(Debug)]
pub struct Deleted {
    key: String,
    events: i64,
    seconds: f64,
}

/// Gives the file's free pages back in the background when there are enough of them
/// (after a large undo or an incident deleted).
pub(super) fn give_back_space(app: &mut App, store: &mut Store) {
    if app.has_job() || store.free_pages().unwrap_or(0) < WORTH_GIVING_BACK {
        return;
    }
    app.space_job = Job::spawn(
        store,
        "giving freed space back".into(),
        Progress::default(),
        |s| s.give_back_space().map_err(|e| e.to_string()),
    );
    hold(app, store);
}

/// How long the indexing waits when another connection holds the write lock longer than
/// the busy timeout (a large import in another window), before it tries again.
const INDEX_RETRY: std::time::Duration = std::time::Duration::from_millis(500);

/// Indexes the search backlog on a thread, when there is one (after a large import, or
/// one left by a window closed before it was done). Not a change of anything shown: this
/// window's edits go on, each waiting at most for the slice being indexed.
pub(super) fn index_for_search(app: &mut App, store: &Store) {
    if app.index_job.is_some() || store.search_backlog().unwrap_or(0) <= 0 {
        return;
    }
    app.index_job = Job::spawn(
        store,
        "indexing for search".into(),
        Progress::default(),
        |s| loop {
            match s.index_backlog(&mut |_, _| {}) {
                Err(crate::store::StoreError::Busy) => std::thread::sleep(INDEX_RETRY),
                done => return done.map_err(|e| e.to_string()),
            }
        },
    );
}

/// Refuses this window's writes while a job holds the database.
pub(super) fn hold(app: &App, store: &mut Store) {
    store.hold_writes(
        app.busy()
            .map(|b| format!("not saved: {b}; save again when it has ended")),
    );
}

/// Checks the background undo and the space job; applies what ended.
pub(super) fn poll(app: &mut App, store: &mut Store) {
    if let Some(result) = app.replay_job.as_ref().and_then(|j| j.finished()) {
        app.replay_job = None;
        job_ended(app, store, true);
        match result {
            Ok(Replay {
                redo,
                replayed: Some(r),
                seconds,
            }) => {
                let verb = if redo { "redone" } else { "undone" };
                app.shell
                    .success(format!("{verb}: {} in {seconds:.1} s", r.label));
                give_back_space(app, store);
            }
            Ok(Replay { redo, .. }) => app.shell.info(if redo {
                "nothing of yours to redo in this window"
            } else {
                "nothing of yours to undo in this window"
            }),
            Err(e) => app
                .shell
                .error(format!("not undone, nothing changed: {}", inert(&e))),
        }
    }
    if let Some(result) = app.delete_job.as_ref().and_then(|j| j.finished()) {
        app.delete_job = None;
        job_ended(app, store, true);
        match result {
            Ok(d) => {
                app.shell.success(format!(
                    "deleted incident {} with {} events in {:.1} s (u undoes)",
                    inert(&d.key),
                    d.events,
                    d.seconds
                ));
                give_back_space(app, store);
            }
            Err(e) => app
                .shell
                .error(format!("not deleted, nothing changed: {}", inert(&e))),
        }
    }
    if let Some(result) = app.index_job.as_ref().and_then(|j| j.finished()) {
        app.index_job = None;
        // A search shown while indexing found only what was indexed: read it again.
        job_ended(app, store, true);
        match result {
            // Said over a count "so far" the status line may still show.
            Ok(()) => app
                .shell
                .info("indexed for search: a search now finds every event"),
            Err(e) => app.shell.error(format!(
                "indexing for search stopped: {}; it goes on the next time the database is opened",
                inert(&e)
            )),
        }
    }
    if let Some(result) = app.space_job.as_ref().and_then(|j| j.finished()) {
        app.space_job = None;
        job_ended(app, store, false);
        // The undo's own message stays; a failure here lost nothing (the pages stay free).
        if let Err(e) = result {
            app.shell
                .error(format!("freed space not given back: {}", inert(&e)));
        }
    }
}

/// After a job has ended: this window writes again, takes the job's changes as seen (so
/// they are not mistaken for another window's) and, when `reload`, shows them.
pub(super) fn job_ended(app: &mut App, store: &mut Store, reload: bool) {
    store.hold_writes(None);
    app.data_version = store.data_version().ok();
    if reload {
        router::refresh_all(app, store);
    }
}
