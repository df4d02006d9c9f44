//! Work in the background: a thread with a connection of its own on the database file
//! (SQLite's WAL lets the window keep reading while it writes), a [`Progress`] the status
//! line draws, and the result handed back on `Msg::Poll`. The import, a large undo or redo
//! and giving freed space back run this way; the window stays drawn and answers keys.

use crate::store::{Progress, Store};
use std::sync::mpsc;

/// A job running on its own thread, producing a `T` (or the reason it failed).
#[derive(Debug)]
pub struct Job<T> {
    /// What the status line says it is doing ("undoing import of x.csv").
    pub label: String,
    pub progress: Progress,
    done: mpsc::Receiver<Result<T, String>>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a thread with a new connection to the database file `store` is open
    /// on, in the window's session (so the window's `u` treats what it writes as its own).
    /// The connection reports into `progress`. `None` for a database in memory, which no
    /// other connection can reach.
    pub fn spawn(
        store: &Store,
        label: String,
        progress: Progress,
        work: impl FnOnce(&mut Store) -> Result<T, String> + Send + 'static,
    ) -> Option<Job<T>> {
        let db = store.path()?;
        let analyst = store.analyst().to_string();
        let session = store.session().to_string();
        let (tx, rx) = mpsc::channel();
        let thread_progress = progress.clone();
        std::thread::spawn(move || {
            let run = || {
                Store::open(&db, &analyst)
                    .map(|s| s.with_session(&session).with_progress(thread_progress))
                    .map_err(|e| format!("cannot open the database: {e}"))
                    .and_then(|mut s| work(&mut s))
            };
            // A panic rolls the job's transaction back; say so instead of vanishing.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                .unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    Err(format!("it stopped on an internal error ({what})"))
                });
            let _ = tx.send(result);
        });
        Some(Job {
            label,
            progress,
            done: rx,
        })
    }
}

impl<T> Job<T> {
    /// The share done, 0 to 1.
    pub fn ratio(&self) -> f64 {
        self.progress.ratio()
    }

    /// The result once the job has ended; `None` while it runs.
    pub fn finished(&self) -> Option<Result<T, String>> {
        match self.done.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err("it stopped unexpectedly".into())),
        }
    }
}
