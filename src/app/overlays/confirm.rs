//! A yes/no question before something is deleted or thrown away.

use super::super::effect::Effect;
use super::super::shell::Cx;
use super::Outcome;
use crossterm::event::{KeyCode, KeyEvent};

/// What a confirmation is about; the screen it belongs to carries it out.
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
    /// Replace the file already at this path with the report.
    ReplaceReport(String),
    /// Throw away what was typed in the form below.
    DiscardForm,
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub question: String,
    pub pending: Pending,
}

impl Confirm {
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => match &self.pending {
                Pending::DiscardForm => {
                    cx.shell.info("discarded what was typed");
                    Outcome::Close(Effect::CloseOverlay)
                }
                pending => Outcome::Close(Effect::Confirmed(pending.clone())),
            },
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                cx.shell.info(match self.pending {
                    Pending::DiscardForm => "still editing",
                    Pending::ReplaceReport(_) => "no report written",
                    _ => "nothing deleted",
                });
                Outcome::Close(Effect::None)
            }
            _ => Outcome::Keep,
        }
    }
}
