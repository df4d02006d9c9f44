//! The workbench's state and the one function that changes it.
//!
//! `update(app, msg, store)` is the only place state changes; every change to the
//! database happens here, one transaction per confirmed action. `ui::render` draws
//! what `update` left in `App` and never queries.

pub mod form;
mod handlers;
pub mod incidents;
pub mod prompt;
pub mod timeline;

use crate::keymap::{Keymap, Scope};
use crate::store::Store;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEvent, MouseEvent};
use form::{EventForm, IncidentForm};
use incidents::IncidentsState;
use prompt::Prompt;
use timeline::TimelineState;

/// Everything that can happen to the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved on (for "changed 5 min ago").
    Tick(DateTime<Utc>),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Welcome,
    Incidents,
    Timeline,
}

impl View {
    pub fn scope(self) -> Scope {
        match self {
            View::Welcome => Scope::Welcome,
            View::Incidents => Scope::Incidents,
            View::Timeline => Scope::Timeline,
        }
    }
}

/// What a confirmation is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    DeleteEvent {
        id: String,
        summary: String,
    },
    DeleteIncident {
        id: String,
        key: String,
        events: i64,
    },
    /// Throw away what was typed in the form below.
    DiscardForm,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Confirm {
        question: String,
        pending: Pending,
    },
    EventForm(Box<EventForm>),
    IncidentForm(Box<IncidentForm>),
    Prompt {
        prompt: Box<Prompt>,
        selected: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

/// The status line: what just happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub tone: Tone,
}

pub struct App {
    pub view: View,
    /// Stacked over the view; the last one gets the keys.
    pub overlays: Vec<Overlay>,
    pub keymap: Keymap,
    pub incidents: IncidentsState,
    pub timeline: Option<TimelineState>,
    pub status: Status,
    pub width: u16,
    pub height: u16,
    pub now: DateTime<Utc>,
    /// Times in the incident's zone instead of UTC.
    pub local_times: bool,
    pub no_color: bool,
    /// What was typed in quick capture when it was closed, offered again next time.
    pub capture_draft: String,
    pub quit: bool,
}

impl App {
    pub fn new(keymap: Keymap, now: DateTime<Utc>, no_color: bool) -> App {
        App {
            view: View::Welcome,
            overlays: Vec::new(),
            keymap,
            incidents: IncidentsState::default(),
            timeline: None,
            status: Status {
                text: "press ? for help".into(),
                tone: Tone::Info,
            },
            width: 80,
            height: 24,
            now,
            local_times: false,
            no_color,
            capture_draft: String::new(),
            quit: false,
        }
    }

    /// Reads what the first screen needs: the incident list, or the welcome screen.
    pub fn start(&mut self, store: &Store) {
        if let Err(e) = self.incidents.reload(store) {
            self.error(format!("cannot read the incidents: {e}"));
        }
        self.view = if self.incidents.rows.is_empty() {
            View::Welcome
        } else {
            View::Incidents
        };
    }

    pub fn scope(&self) -> Scope {
        self.view.scope()
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            tone: Tone::Info,
        };
    }

    pub fn success(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            tone: Tone::Success,
        };
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Status {
            text: text.into(),
            tone: Tone::Error,
        };
    }

    /// Rows the timeline list can show at the current size (kept in step with the layout).
    fn timeline_viewport(&self) -> usize {
        let areas = crate::ui::layout::areas(self.width, self.height);
        crate::ui::layout::timeline_areas(areas.body).list_rows as usize
    }
}

/// Applies one message. Store errors become status messages; the workbench keeps running.
pub fn update(app: &mut App, msg: Msg, store: &mut Store) {
    match msg {
        Msg::Resize(w, h) => {
            app.width = w;
            app.height = h;
        }
        Msg::Tick(now) => app.now = now,
        Msg::Key(key) => handlers::key(app, key, store),
        Msg::Mouse(m) => handlers::mouse(app, m, store),
        Msg::Paste(text) => handlers::paste(app, &text),
    }
    let viewport = app.timeline_viewport();
    if let Some(t) = app.timeline.as_mut().filter(|t| t.viewport != viewport) {
        t.viewport = viewport;
        t.scroll_to_selection();
    }
}
