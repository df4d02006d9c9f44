//! Where terminal events come from: the real terminal, or a script in tests.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::VecDeque;
use std::io;
use std::time::Duration;

pub trait Source {
    /// The next event, waiting at most `timeout`; `None` when none came in time.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
    /// True when no event will ever come again (the end of a script).
    fn finished(&self) -> bool {
        false
    }
}

/// The terminal, through crossterm.
pub struct Crossterm;

impl Source for Crossterm {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if crossterm::event::poll(timeout)? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A fixed list of events, for tests.
#[derive(Debug, Default)]
pub struct Scripted {
    events: VecDeque<Event>,
}

impl Scripted {
    pub fn new(events: impl IntoIterator<Item = Event>) -> Self {
        Scripted {
            events: events.into_iter().collect(),
        }
    }

    /// Keys written the way a person types them: plain text is typed character by
    /// character; `<enter>`, `<esc>`, `<tab>`, `<up>`, `<c-s>` and other `<name>`s are
    /// single keys (names as in config.toml, `c-` for ctrl).
    pub fn keys(script: &str) -> Self {
        Scripted::new(parse_script(script).into_iter().map(Event::Key))
    }

    pub fn push(&mut self, event: Event) {
        self.events.push_back(event);
    }
}

impl Source for Scripted {
    fn next(&mut self, _timeout: Duration) -> io::Result<Option<Event>> {
        Ok(self.events.pop_front())
    }

    fn finished(&self) -> bool {
        self.events.is_empty()
    }
}

pub fn parse_script(script: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if let Some(end) = rest.find('>').filter(|&e| c == '<' && e > 1) {
            {
                let name = &rest[1..end];
                let spec = name.replace("c-", "ctrl-");
                if let Ok(k) = crate::keymap::Key::parse(&spec) {
                    keys.push(KeyEvent::new(k.code, k.mods));
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        let mods = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        keys.push(KeyEvent::new(KeyCode::Char(c), mods));
        rest = &rest[c.len_utf8()..];
    }
    keys
}

/// Only key presses count: releases and repeats reported by some terminals are ignored.
pub fn is_press(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
}
