//! The workbench's state and the one function that changes it.
//!
//! `update(app, msg, store)` is the only place state changes; every change to the
//! database happens in a screen's or an overlay's handler, one transaction per
//! confirmed action. `ui::render` draws what `update` left in `App` and never queries.
//!
//! Where things are: `screens/<screen>.rs` holds a screen's state and keys,
//! `overlays/<name>.rs` an overlay's; `router.rs` sends each key to the one that has it
//! and applies the [`Effect`] it returns.

mod background;
pub mod effect;
pub mod import;
pub mod job;
pub mod open;
pub mod overlays;
mod prompt_submit;
pub mod queries;
mod router;
pub mod screens;
pub mod settings;
pub mod shell;

pub use effect::Effect;
pub use open::OpenIncident;
pub use overlays::{Outcome, Overlay, Pending};
pub use settings::Settings;
pub use shell::{Cx, Shell, Status, Tone};

use crate::keymap::Keymap;
use crate::store::Store;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEvent, MouseEvent};
use screens::backlog::BacklogState;
use screens::incidents::IncidentsState;
use screens::owners::OwnersState;

/// Everything that can happen to the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved on (for "changed 5 min ago").
    Tick(DateTime<Utc>),
    /// Time to look at work running in the background (an import) and at changes other
    /// windows committed.
    Poll,
}

impl Msg {
    /// The message for a terminal event; key releases and repeats are dropped.
    pub fn from_terminal(event: TermEvent) -> Option<Msg> {
        match event {
            TermEvent::Key(k) if crate::events::is_press(&k) => Some(Msg::Key(k)),
            TermEvent::Mouse(m) => Some(Msg::Mouse(m)),
            TermEvent::Paste(p) => Some(Msg::Paste(p)),
            TermEvent::Resize(w, h) => Some(Msg::Resize(w, h)),
            _ => None,
        }
    }
}

pub use crate::view::View;

pub struct App {
    pub shell: Shell,
    pub view: View,
    /// Stacked over the view; the last one gets the keys.
    pub overlays: Vec<Overlay>,
    pub incidents: IncidentsState,
    /// The incident open in the workbench, with its screens' states.
    pub open: Option<OpenIncident>,
    /// The Backlog and Owners screens, which also span every incident.
    pub backlog: BacklogState,
    pub owners: OwnersState,
    /// The database's `data_version` when last looked at: when it moves, another window
    /// (or the CLI) committed, and the screen is read again.
    pub data_version: Option<i64>,
    /// An import running in the background, shown as a gauge.
    pub import_job: Option<import::ImportJob>,
    /// A large undo or redo running in the background, shown as a progress line.
    pub replay_job: Option<job::Job<background::Replay>>,
    /// A large incident being deleted in the background.
    pub delete_job: Option<job::Job<background::Deleted>>,
    /// Freed pages being given back to the file system after a large undo or delete.
    pub space_job: Option<job::Job<(u64, u64)>>,
    /// A large import's events being indexed for search after their commit; this
    /// window's edits go on meanwhile.
    pub index_job: Option<job::Job<()>>,
    pub quit: bool,
}

impl App {
    pub fn new(keymap: Keymap, settings: Settings, now: DateTime<Utc>, no_color: bool) -> App {
        App {
            shell: Shell::new(keymap, settings, now, no_color),
            view: View::Welcome,
            overlays: Vec::new(),
            incidents: IncidentsState::default(),
            open: None,
            backlog: BacklogState::default(),
            owners: OwnersState::default(),
            data_version: None,
            import_job: None,
            replay_job: None,
            delete_job: None,
            space_job: None,
            index_job: None,
            quit: false,
        }
    }

    /// Reads what the first screen needs: the incident list, or the welcome screen.
    pub fn start(&mut self, store: &Store) {
        self.data_version = store.data_version().ok();
        if let Err(e) = self.incidents.reload(store) {
            self.shell.error(format!("cannot read the incidents: {e}"));
        }
        self.view = if self.incidents.rows.is_empty() {
            View::Welcome
        } else {
            View::Incidents
        };
        // A large import's indexing left unfinished (its window closed, a kill).
        background::index_for_search(self, store);
    }

    pub fn status(&self) -> &Status {
        &self.shell.status
    }

    /// The incident open in the workbench.
    pub fn incident(&self) -> Option<&crate::domain::Incident> {
        self.open.as_ref().map(|o| &o.incident)
    }

    /// The open incident's timeline.
    pub fn timeline(&self) -> Option<&screens::timeline::TimelineState> {
        self.open.as_ref().map(|o| &o.timeline)
    }

    /// The incident shown in the header: the selected one in the list, else the open one.
    pub fn shown_incident(&self) -> Option<&crate::domain::Incident> {
        match self.view {
            View::Incidents | View::Welcome => self.incidents.selected_row().map(|r| &r.incident),
            _ => self.open.as_ref().map(|o| &o.incident),
        }
    }

    /// What the tab row depends on.
    pub fn tab_bar(&self) -> crate::layout::TabBar {
        crate::layout::TabBar {
            width: self.shell.width,
            current: self.view,
            incident_tabs: self.open.is_some() || !self.incidents.rows.is_empty(),
        }
    }
}

/// Applies one message. Store errors become status messages; the workbench keeps running.
pub fn update(app: &mut App, msg: Msg, store: &mut Store) {
    match msg {
        Msg::Resize(w, h) => {
            app.shell.width = w;
            app.shell.height = h;
        }
        Msg::Tick(now) => app.shell.now = now,
        Msg::Poll => {
            // Watch first: the import's own commit is seen while its job is still
            // running, and so never taken for another window's.
            router::watch(app, store);
            import::poll(app, store);
            background::poll(app, store);
            if let Some(t) = app
                .open
                .as_mut()
                .map(|o| &mut o.timeline)
                .filter(|t| t.density_due)
                && let Err(e) = t.read_density(store)
            {
                app.shell.error(format!("cannot read the timeline: {e}"));
            }
        }
        Msg::Key(key) => router::key(app, key, store),
        Msg::Mouse(m) => router::mouse(app, m, store),
        Msg::Paste(text) => router::paste(app, &text),
    }
    let shell = &mut app.shell;
    if let Some(t) = app.open.as_mut().map(|o| &mut o.timeline) {
        let viewport = shell.timeline_rows(t.show_detail);
        if t.viewport != viewport {
            t.viewport = viewport;
            t.scroll_to_selection();
        }
        let strip = crate::layout::areas(shell.width, shell.height).body.width as usize;
        if let Err(e) = t.set_strip_width(store, strip) {
            shell.error(format!("cannot read the timeline: {e}"));
        }
    }
}
