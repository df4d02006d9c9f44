//! The full-screen workbench: terminal setup and teardown, and the one loop
//! (event → Msg → update → draw when something changed).

use crate::app::{App, Msg, update};
use crate::events::Source;
use crate::keymap::Keymap;
use crate::store::Store;
use crate::ui;
use anyhow::Result;
use chrono::{DateTime, Utc};
use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Whether the terminal is in the workbench's modes (raw, alternate screen, mouse, paste).
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Restores the terminal however the workbench ends: normally, by error, or by panic.
struct TerminalGuard;

impl TerminalGuard {
    /// Puts the terminal in the workbench's modes.
    fn take() -> Result<TerminalGuard> {
        crossterm::terminal::enable_raw_mode()?;
        TAKEN.store(true, Ordering::SeqCst);
        // Made before the rest, so a failure below still gives the terminal back.
        let guard = TerminalGuard;
        crossterm::execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        Ok(guard)
    }

    /// Gives the terminal back, once: leaving the alternate screen a second time would
    /// move the cursor back over what was printed since (a panic's message).
    fn restore() {
        if TAKEN.swap(false, Ordering::SeqCst) {
            let _ = crossterm::terminal::disable_raw_mode();
            let _ = crossterm::execute!(
                std::io::stdout(),
                DisableMouseCapture,
                DisableBracketedPaste,
                LeaveAlternateScreen,
                Show
            );
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        TerminalGuard::restore();
    }
}

/// Opens the workbench on the terminal.
pub fn run(mut store: Store, keymap: Keymap, review_days: i64) -> Result<()> {
    let data = store
        .path()
        .map_or_else(|| "memory".to_string(), |p| p.display().to_string());
    let previous = std::panic::take_hook();
    let main = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != main {
            // A worker (the import) reports its end on the status line; printing here
            // would scribble over the workbench, which goes on.
            return;
        }
        TerminalGuard::restore();
        previous(info);
        // Every confirmed action was committed when it was made; say where it is.
        eprintln!(
            "\ndebrief stopped on an internal error (above). Everything you confirmed was \
             saved as you went, in {data}\nA copy to attach to a bug report: debrief backup -o FILE"
        );
    }));
    let _guard = TerminalGuard::take()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    // The config folder is read once, here: screens read the settings, not the disk.
    let settings = crate::app::Settings::load(review_days);
    let mut app = App::new(keymap, settings, Utc::now(), no_color);
    let size = terminal.size()?;
    app.shell.width = size.width;
    app.shell.height = size.height;
    app.start(&store);
    event_loop(
        &mut terminal,
        &mut app,
        &mut store,
        &mut crate::events::Crossterm,
        &Utc::now,
    )
}

/// The loop, over any backend and event source (tests use TestBackend and a script).
/// Draws only after something changed; returns when the app quits or the source ends.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    store: &mut Store,
    source: &mut dyn Source,
    clock: &dyn Fn() -> DateTime<Utc>,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut dirty = true;
    let mut last_tick = Instant::now();
    let mut last_poll = Instant::now();
    while !app.quit {
        if dirty {
            terminal.draw(|f| ui::render(app, f))?;
            dirty = false;
        }
        // Twice a second, look for other windows' commits (they show within a second);
        // while an import runs, ten times, to move its gauge.
        let every = Duration::from_millis(if app.has_job() { 100 } else { 500 });
        match source.next(every)? {
            Some(event) => {
                if let Some(msg) = Msg::from_terminal(event) {
                    forced_panic(&msg);
                    update(app, msg, store);
                    dirty = true;
                }
            }
            None if source.finished() => break,
            None => {}
        }
        if last_poll.elapsed() >= every {
            last_poll = Instant::now();
            update(app, Msg::Poll, store);
            dirty = true;
        }
        if last_tick.elapsed() >= Duration::from_secs(30) {
            last_tick = Instant::now();
            update(app, Msg::Tick(clock()), store);
            dirty = true;
        }
    }
    Ok(())
}

/// Debug builds only: with `DEBRIEF_TEST_PANIC` set, F12 panics, so a test can show that
/// a panic gives the terminal back (release builds have no such key).
fn forced_panic(msg: &Msg) {
    if cfg!(debug_assertions)
        && std::env::var_os("DEBRIEF_TEST_PANIC").is_some()
        && matches!(msg, Msg::Key(k) if k.code == crossterm::event::KeyCode::F(12))
    {
        panic!("forced by DEBRIEF_TEST_PANIC (a test of the terminal restore)");
    }
}

/// `debrief bundle resolve FILE` on screen: the conflicts list over an empty workbench
/// (an in-memory store: no database is opened or created). True when the clean bundle
/// was written to `target`.
pub fn resolve(
    bundle: serde_json::Value,
    target: &std::path::Path,
    keymap: Keymap,
) -> Result<bool> {
    use crate::app::{Overlay, overlays::merge_conflicts::MergeConflicts};
    let mut store = Store::open_in_memory("resolve")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        TerminalGuard::restore();
        previous(info);
    }));
    let _guard = TerminalGuard::take()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut app = App::new(
        keymap,
        crate::app::Settings::builtin(),
        Utc::now(),
        no_color,
    );
    let size = terminal.size()?;
    app.shell.width = size.width;
    app.shell.height = size.height;
    app.start(&store);
    let conflicts = MergeConflicts::new(bundle, target.to_path_buf());
    app.shell.info(format!(
        "{} conflicts: o ours, t theirs, e a new value; w writes when all are settled",
        conflicts.conflicts.len()
    ));
    app.overlays
        .push(Overlay::MergeConflicts(Box::new(conflicts)));
    event_loop(
        &mut terminal,
        &mut app,
        &mut store,
        &mut crate::events::Crossterm,
        &Utc::now,
    )?;
    Ok(matches!(app.overlays.last(), Some(Overlay::MergeConflicts(c)) if c.written))
}
