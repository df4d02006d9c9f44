//! What every screen and overlay may use besides the store: the status line, the size of
//! the terminal, the clock, the keymap and the settings. A handler gets these through
//! [`Cx`] and nothing else of the workbench, so it cannot reach into another screen.

use super::settings::Settings;
use crate::keymap::Keymap;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};

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

pub struct Shell {
    pub status: Status,
    pub width: u16,
    pub height: u16,
    /// The clock as `update` last heard it (`Msg::Tick`); render never reads the clock.
    pub now: DateTime<Utc>,
    pub keymap: Keymap,
    pub settings: Settings,
    pub no_color: bool,
}

impl Shell {
    pub fn new(keymap: Keymap, settings: Settings, now: DateTime<Utc>, no_color: bool) -> Shell {
        Shell {
            status: Status {
                text: "press ? for help".into(),
                tone: Tone::Info,
            },
            width: 80,
            height: 24,
            now,
            keymap,
            settings,
            no_color,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Info);
    }

    pub fn success(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Success);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Error);
    }

    fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.status = Status {
            text: text.into(),
            tone,
        };
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Rows a plain list shows at the current size: one page for PageUp/PageDown.
    pub fn page(&self) -> isize {
        crate::layout::list_rows(self.height) as isize
    }

    /// Rows the timeline list shows at the current size.
    pub fn timeline_rows(&self, detail: bool) -> usize {
        let areas = crate::layout::areas(self.width, self.height);
        crate::layout::timeline_areas(areas.body, detail).list_rows as usize
    }
}

/// The narrow context a screen or overlay handler works in.
pub struct Cx<'a> {
    pub store: &'a mut Store,
    pub shell: &'a mut Shell,
}

/// Moves a list cursor by `delta` within `len` rows (the same clamp for every list).
pub fn step(selected: usize, len: usize, delta: isize) -> usize {
    let last = len.saturating_sub(1) as isize;
    (selected as isize)
        .saturating_add(delta)
        .clamp(0, last.max(0)) as usize
}

/// A cursor kept inside a list that was just re-read.
pub fn keep_in(selected: usize, len: usize) -> usize {
    selected.min(len.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_stays_inside_its_list() {
        assert_eq!(step(0, 5, -1), 0);
        assert_eq!(step(3, 5, 1), 4);
        assert_eq!(step(4, 5, 1), 4);
        assert_eq!(step(2, 5, isize::MIN), 0);
        assert_eq!(step(2, 5, isize::MAX), 4);
        assert_eq!(step(0, 0, 1), 0);
        assert_eq!(keep_in(9, 3), 2);
        assert_eq!(keep_in(9, 0), 0);
    }
}
