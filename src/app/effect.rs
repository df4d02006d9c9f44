//! What a screen or an overlay asks the workbench to do after handling a key. Handlers
//! change only their own state and the status line; anything beyond that (showing
//! another screen, opening an overlay, re-reading after a write) is an `Effect` the
//! router in `app/mod.rs` applies.

use super::overlays::{Overlay, Pending, prompt::Prompt};
use crate::app::View;
use crate::domain::Incident;
use crate::keymap::Command;
use crate::store::EventFilter;

#[derive(Debug)]
pub enum Effect {
    None,
    /// Show a screen, opening the selected incident first when it belongs to one.
    Show(View),
    /// Open an incident and show its timeline.
    OpenIncident(Incident),
    /// The timeline, filtered to some events (a finding's, an actor's, an evidence's).
    ShowEvents {
        filter: EventFilter,
        label: String,
    },
    /// The Findings screen with one finding selected.
    ShowFinding(String),
    /// The Backlog of every incident, filtered to one owner's actions.
    ShowOwnerBacklog(String),
    /// Put an overlay on top.
    Open(Overlay),
    /// Close the overlay now on top (a discarded form under its confirmation).
    CloseOverlay,
    /// Something was written: re-read the open incident (the timeline around this
    /// event, when given), the incident list and the screen shown.
    Changed(Option<String>),
    /// Re-read everything shown (after an undo, or another window's commit).
    Refresh,
    /// An incident was created or edited: select it in the list (its key).
    IncidentSaved(String),
    /// Capture closed with esc: keep what was typed for next time.
    KeepDraft(String),
    /// A prompt's enter: its screen acts on what was typed.
    Submit(Box<Prompt>),
    /// A confirmation was answered yes.
    Confirmed(Pending),
    /// Run a command as if its key was pressed (the palette).
    Run(Command),
    Quit,
    Many(Vec<Effect>),
}

impl Effect {
    /// This effect, then `next`.
    pub fn then(self, next: Effect) -> Effect {
        match (self, next) {
            (Effect::None, e) | (e, Effect::None) => e,
            (Effect::Many(mut v), e) => {
                v.push(e);
                Effect::Many(v)
            }
            (a, b) => Effect::Many(vec![a, b]),
        }
    }
}
