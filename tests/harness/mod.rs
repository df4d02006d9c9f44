//! The workbench over TestBackend with a real store, shared by the workbench test suites:
//! keys go through the real event loop, the clock and ids are fixed.
// Each test binary uses a different subset of these.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use debrief::app::{App, Msg, Overlay, Settings, update};
use debrief::events::Scripted;
use debrief::keymap::Keymap;
use debrief::store::{EventFilter, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

pub struct Harness {
    pub app: App,
    pub store: Store,
    pub terminal: Terminal<TestBackend>,
}

impl Harness {
    pub fn new(width: u16, height: u16) -> Harness {
        Harness::with_store(
            Store::open_in_memory("tester").unwrap(),
            width,
            height,
            true,
        )
    }

    pub fn with_store(mut store: Store, width: u16, height: u16, no_color: bool) -> Harness {
        store.set_clock(Box::new(now));
        store.use_sequential_ids();
        // The shipped settings: what the developer's own config folder holds never
        // reaches a test.
        let mut app = App::new(Keymap::default(), Settings::builtin(), now(), no_color);
        app.shell.width = width;
        app.shell.height = height;
        app.start(&store);
        let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        Harness {
            app,
            store,
            terminal,
        }
    }

    /// Types keys through the real loop (see `Scripted::keys` for the notation).
    pub fn keys(&mut self, script: &str) -> &mut Self {
        let mut source = Scripted::keys(script);
        debrief::tui::event_loop(
            &mut self.terminal,
            &mut self.app,
            &mut self.store,
            &mut source,
            &now,
        )
        .unwrap();
        self
    }

    pub fn send(&mut self, msg: Msg) -> &mut Self {
        update(&mut self.app, msg, &mut self.store);
        self
    }

    pub fn screen(&mut self) -> String {
        self.terminal
            .draw(|f| debrief::ui::render(&self.app, f))
            .unwrap();
        let buf = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn demo(width: u16, height: u16) -> Harness {
        let mut h = Harness::new(width, height);
        h.keys("d");
        h
    }

    /// The event selected in the open timeline.
    pub fn selected(&self) -> debrief::domain::Event {
        let t = self.app.timeline().expect("a timeline is open");
        t.selected_event().expect("an event is selected").clone()
    }

    pub fn event_texts(&self) -> Vec<String> {
        let t = self.app.timeline().expect("a timeline is open");
        let filter = EventFilter::incident(&t.filter.incident_id);
        let mut texts = Vec::new();
        self.store
            .for_each_event(&filter, |e| {
                texts.push(e.text.clone());
                Ok(())
            })
            .unwrap();
        texts
    }

    /// Types `text` into the field labelled `label` of the form on top, as an analyst
    /// would: the field is focused, then the keys are typed (see `Scripted::keys`).
    pub fn fill(&mut self, label: &str, text: &str) -> &mut Self {
        let focused = match self.app.overlays.last_mut() {
            Some(Overlay::EventForm(f)) => f.fields.focus_on(label),
            Some(Overlay::IncidentForm(f)) => f.fields.focus_on(label),
            Some(Overlay::Record(f)) => f.fields.focus_on(label),
            other => panic!("no form is open to fill {label:?}: {other:?}"),
        };
        assert!(focused, "the form has no field {label:?}");
        self.keys(text)
    }

    /// The status line holds `part`; says what it holds when it does not.
    #[track_caller]
    pub fn assert_status(&self, part: &str) {
        let status = &self.app.status().text;
        assert!(
            status.contains(part),
            "status line {status:?} lacks {part:?}"
        );
    }

    /// The status line starts with `start`.
    #[track_caller]
    pub fn assert_status_starts(&self, start: &str) {
        let status = &self.app.status().text;
        assert!(
            status.starts_with(start),
            "status line {status:?} does not start with {start:?}"
        );
    }
}
