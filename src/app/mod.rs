//! The workbench's state and the one function that changes it.
//!
//! `update(app, msg, store)` is the only place state changes; every change to the
//! database happens here, one transaction per confirmed action. `ui::render` draws
//! what `update` left in `App` and never queries.

pub mod backlog;
mod backlog_handlers;
pub mod conflict;
pub mod evaluation;
pub mod form;
mod handlers;
pub mod import;
mod incident_handlers;
pub mod incidents;
pub mod prompt;
pub mod records;
pub mod timeline;
pub mod views;

use crate::keymap::Keymap;
use crate::store::Store;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEvent, MouseEvent};
use form::{EventForm, IncidentForm};
use incidents::IncidentsState;
use prompt::Prompt;
use records::RecordForm;
use timeline::TimelineState;
use views::{EvidenceState, FindingsState, OverviewState};

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
    DeleteFinding {
        id: String,
        title: String,
    },
    RemoveArea {
        id: String,
        area: String,
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
    Record(Box<RecordForm>),
    Walk(Box<backlog::Walk>),
    /// Tick the findings an evaluation area's rating rests on.
    FindingLinks {
        item: Box<crate::domain::EvaluationItem>,
        choices: Vec<evaluation::FindingChoice>,
        selected: usize,
    },
    /// A save refused because another window changed the record first: what now?
    Conflict(Box<conflict::Conflict>),
    /// Choose what went wrong for an event: an existing finding, or a new one of a kind.
    LapsePicker {
        event: Box<crate::domain::Event>,
        choices: Vec<LapseChoice>,
        selected: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LapseChoice {
    Link { finding_id: String, label: String },
    New(crate::domain::LapseKind),
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
    /// The open incident's timeline (the open incident is `timeline.incident`).
    pub timeline: Option<TimelineState>,
    pub overview: OverviewState,
    pub findings: FindingsState,
    pub evidence: EvidenceState,
    pub backlog: backlog::BacklogState,
    pub owners: backlog::OwnersState,
    pub evaluation: evaluation::EvaluationState,
    pub report: evaluation::ReportState,
    /// The database's `data_version` when last looked at: when it moves, another window
    /// (or the CLI) committed, and the screen is read again.
    pub data_version: Option<i64>,
    /// An import running in the background, shown as a gauge.
    pub import_job: Option<import::ImportJob>,
    /// What a file prompt (import, report) shows under the input: computed in update as
    /// it is typed, since it looks at the file system.
    pub prompt_notes: Vec<String>,
    /// Open actions not reviewed for this many days stand out (config `review_days`).
    pub review_days: i64,
    pub status: Status,
    pub width: u16,
    pub height: u16,
    pub now: DateTime<Utc>,
    /// Times in the incident's zone instead of UTC.
    pub local_times: bool,
    pub no_color: bool,
    /// What was typed in quick capture when it was closed, offered again next time.
    pub capture_draft: String,
    /// The event the evidence prompt attaches to (none: the incident only).
    pub attach_to: Option<String>,
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
            overview: OverviewState::default(),
            findings: FindingsState::default(),
            evidence: EvidenceState::default(),
            backlog: backlog::BacklogState::default(),
            owners: backlog::OwnersState::default(),
            evaluation: evaluation::EvaluationState::default(),
            report: evaluation::ReportState::default(),
            data_version: None,
            import_job: None,
            prompt_notes: Vec::new(),
            review_days: 14,
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
            attach_to: None,
            quit: false,
        }
    }

    /// Reads what the first screen needs: the incident list, or the welcome screen.
    pub fn start(&mut self, store: &Store) {
        self.data_version = store.data_version().ok();
        if let Err(e) = self.incidents.reload(store) {
            self.error(format!("cannot read the incidents: {e}"));
        }
        self.view = if self.incidents.rows.is_empty() {
            View::Welcome
        } else {
            View::Incidents
        };
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

/// Shows what other windows and the CLI committed since the last look. While this
/// window's own import runs, its commit is left to the import's completion to show.
fn watch(app: &mut App, store: &mut Store) {
    let Ok(now) = store.data_version() else {
        return;
    };
    let before = app.data_version.replace(now);
    if before.is_none_or(|b| b == now) || app.import_job.is_some() {
        return;
    }
    handlers::refresh_all(app, store);
    if app.status.tone != Tone::Error {
        app.info("updated: another window or the command line changed the database");
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
        Msg::Poll => {
            // Watch first: the import's own commit is seen while its job is still
            // running, and so never taken for another window's.
            watch(app, store);
            import::poll(app, store);
        }
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
