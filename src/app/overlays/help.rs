//! The `?` help: every key of the screen, from the keymap.

use super::super::effect::Effect;
use super::Outcome;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Default)]
pub struct Help {
    pub scroll: u16,
}

impl Help {
    /// Arrows scroll; any other key closes.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            _ => return Outcome::Close(Effect::None),
        }
        Outcome::Keep
    }
}
