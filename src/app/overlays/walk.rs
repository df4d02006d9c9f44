//! The review walk (meeting mode): one open action at a time, overdue first; each
//! decision (a status, a note, a new owner or due date, a rejection with its reason) is
//! saved at once as a review, then the walk moves on.

use super::super::effect::Effect;
use super::super::overlays::Overlay;
use super::super::shell::Cx;
use super::Outcome;
use crate::domain::action::parse_date;
use crate::domain::{Action, ActionStatus, Finding, Review};
use crate::store::{Result, ReviewInput, Store, StoreError};
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

/// What the walk is asking for, when a key needs more than itself.
#[derive(Debug, Clone)]
pub enum WalkInput {
    Note,
    /// A procedure the action changed: `document, section[, YYYY-MM-DD]`.
    Sop,
    Reject,
    Owner,
    Due,
}

impl WalkInput {
    fn hint(&self) -> &'static str {
        match self {
            WalkInput::Note => "what was said (enter saves)",
            WalkInput::Sop => "document, section[, incorporated YYYY-MM-DD]",
            WalkInput::Reject => "why it is rejected (required)",
            WalkInput::Owner => "the new owner",
            WalkInput::Due => "the new due date, YYYY-MM-DD (none clears it)",
        }
    }
}

/// The review walk: one open action at a time, overdue first, each step saved at once.
#[derive(Debug, Clone)]
pub struct Walk {
    pub items: Vec<Action>,
    pub index: usize,
    /// Every change made to each item in this walk, in order (empty: not yet, or skipped).
    pub done: Vec<Vec<String>>,
    pub input: Option<(WalkInput, TextArea<'static>)>,
    /// The current item's findings (with their events) and review history.
    pub findings: Vec<(Finding, Vec<crate::domain::Event>)>,
    pub reviews: Vec<Review>,
    /// The current item's SOP changes.
    pub sops: Vec<crate::domain::SopChange>,
    pub finished: bool,
}

impl Walk {
    pub fn new(store: &Store, items: Vec<Action>) -> Result<Walk> {
        let n = items.len();
        let mut w = Walk {
            items,
            index: 0,
            done: vec![Vec::new(); n],
            input: None,
            findings: Vec::new(),
            reviews: Vec::new(),
            sops: Vec::new(),
            finished: n == 0,
        };
        w.load(store)?;
        Ok(w)
    }

    pub fn current(&self) -> Option<&Action> {
        self.items.get(self.index)
    }

    pub fn reviewed(&self) -> usize {
        self.done.iter().filter(|d| !d.is_empty()).count()
    }

    /// Reads the current item's findings, their events and its reviews.
    pub fn load(&mut self, store: &Store) -> Result<()> {
        let Some(a) = self.current().cloned() else {
            return Ok(());
        };
        if let Some(fresh) = store.action(&a.id)? {
            self.items[self.index] = fresh;
        }
        self.findings = store
            .action_findings(&a.id)?
            .into_iter()
            .map(|f| {
                let events = store.finding_events(&f.id)?;
                Ok((f, events))
            })
            .collect::<Result<_>>()?;
        self.reviews = store.reviews(&a.id)?;
        self.sops = store
            .sop_changes(Some(&a.incident_id))?
            .into_iter()
            .map(|(s, _)| s)
            .filter(|s| s.action_id == a.id)
            .collect();
        Ok(())
    }

    /// Moves to the next item, or ends the walk after the last.
    pub fn advance(&mut self, store: &Store) -> Result<()> {
        if self.index + 1 >= self.items.len() {
            self.finished = true;
            return Ok(());
        }
        self.index += 1;
        self.load(store)
    }

    pub fn back(&mut self, store: &Store) -> Result<()> {
        self.finished = false;
        self.index = self.index.saturating_sub(1);
        self.load(store)
    }
}

impl Walk {
    /// Opens the walk over `items` (none: says there is nothing to review).
    pub fn start(cx: &mut Cx<'_>, items: Vec<Action>) -> Effect {
        if items.is_empty() {
            cx.shell.info("no open actions to review here");
            return Effect::None;
        }
        match Walk::new(cx.store, items) {
            Ok(w) => {
                cx.shell.info(format!(
                    "review walk: {} actions, overdue first",
                    w.items.len()
                ));
                Effect::Open(Overlay::Walk(Box::new(w)))
            }
            Err(e) => {
                cx.shell.error(format!("cannot start the walk: {e}"));
                Effect::None
            }
        }
    }

    /// One key of the walk.
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        if self.finished {
            return self.summary_key(key, cx);
        }
        if let Some((kind, mut area)) = self.input.take() {
            match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    let text = area.lines().join(" ");
                    self.submit_input(kind, &text, cx);
                }
                _ => {
                    super::form::type_into(&mut area, key);
                    self.input = Some((kind, area));
                }
            }
            return Outcome::Keep;
        }
        let status = match key.code {
            KeyCode::Char('a') => Some(ActionStatus::Accepted),
            KeyCode::Char('i') => Some(ActionStatus::InProgress),
            KeyCode::Char('r') => Some(ActionStatus::Resolved),
            KeyCode::Char('v') => Some(ActionStatus::Verified),
            _ => None,
        };
        if let Some(status) = status {
            let input = ReviewInput {
                status: Some(status),
                ..Default::default()
            };
            self.record(&input, cx);
            return Outcome::Keep;
        }
        match key.code {
            KeyCode::Char('n') => self.ask(WalkInput::Note),
            KeyCode::Char('p') => self.ask(WalkInput::Sop),
            KeyCode::Char('x') => self.ask(WalkInput::Reject),
            KeyCode::Char('o') => self.ask(WalkInput::Owner),
            KeyCode::Char('d') => self.ask(WalkInput::Due),
            KeyCode::Char(' ' | 's') | KeyCode::Right => {
                if let Err(e) = self.advance(cx.store) {
                    cx.shell.error(format!("cannot read the next action: {e}"));
                }
            }
            KeyCode::Left | KeyCode::Char('b') => {
                if let Err(e) = self.back(cx.store) {
                    cx.shell.error(format!("cannot read the action: {e}"));
                }
            }
            KeyCode::Esc | KeyCode::Char('q') => self.finished = true,
            _ => cx.shell.info("a accept · i in progress · r resolved · v verified · x reject · n note · o owner · d due · p SOP change · space skip"),
        }
        Outcome::Keep
    }

    /// The summary at the end: left goes back into the walk, any other key closes it.
    fn summary_key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        if matches!(key.code, KeyCode::Left | KeyCode::Char('b')) {
            if let Err(e) = self.back(cx.store) {
                cx.shell.error(format!("cannot read the action: {e}"));
            }
            return Outcome::Keep;
        }
        cx.shell.success(format!(
            "review walk done: {}/{} reviewed",
            self.reviewed(),
            self.items.len()
        ));
        Outcome::Close(Effect::Changed(None))
    }

    fn ask(&mut self, kind: WalkInput) {
        let mut area = TextArea::default();
        area.set_placeholder_text(kind.hint());
        self.input = Some((kind, area));
    }

    fn submit_input(&mut self, kind: WalkInput, text: &str, cx: &mut Cx<'_>) {
        let text = text.trim();
        if let WalkInput::Sop = kind {
            return self.add_sop(text, cx);
        }
        // A note adds to the action in front of everyone: the walk stays on it.
        let advance = !matches!(kind, WalkInput::Note);
        let input = match kind {
            WalkInput::Note if text.is_empty() => {
                return cx.shell.info("no note saved: nothing was typed");
            }
            WalkInput::Note => ReviewInput {
                note: text.to_string(),
                ..Default::default()
            },
            WalkInput::Sop => return,
            WalkInput::Reject if text.is_empty() => {
                cx.shell
                    .error("rejecting an action needs a reason: say why");
                return self.ask(WalkInput::Reject);
            }
            WalkInput::Reject => ReviewInput {
                note: text.to_string(),
                status: Some(ActionStatus::Rejected),
                ..Default::default()
            },
            WalkInput::Owner => ReviewInput {
                owner: Some(text.to_string()),
                ..Default::default()
            },
            WalkInput::Due => {
                let due = if text.eq_ignore_ascii_case("none") || text.is_empty() {
                    None
                } else {
                    match parse_date(text) {
                        Ok(d) => Some(d),
                        Err(e) => return cx.shell.error(e),
                    }
                };
                ReviewInput {
                    due: Some(due),
                    ..Default::default()
                }
            }
        };
        self.record_then(&input, advance, cx);
    }

    /// Records an SOP change the current action made; the walk stays on the action.
    fn add_sop(&mut self, text: &str, cx: &mut Cx<'_>) {
        let Some(a) = self.current().cloned() else {
            return;
        };
        let (document, section, when) = match crate::domain::action::parse_sop_line(text) {
            Ok(parts) => parts,
            Err(e) => {
                cx.shell.error(e);
                return self.ask(WalkInput::Sop);
            }
        };
        match cx.store.add_sop_change(&a.id, &document, &section, when) {
            Ok(s) => {
                let what = if s.section.is_empty() {
                    format!("SOP: {}", s.document)
                } else {
                    format!("SOP: {} § {}", s.document, s.section)
                };
                self.done[self.index].push(what.clone());
                cx.shell.success(format!("saved: {}", inert(&what)));
                if let Err(e) = self.load(cx.store) {
                    cx.shell.error(format!("cannot read the action: {e}"));
                }
            }
            Err(e) => cx.shell.error(format!("not saved: {e}")),
        }
    }

    /// Saves a review of the current item and moves on.
    fn record(&mut self, input: &ReviewInput, cx: &mut Cx<'_>) {
        self.record_then(input, true, cx)
    }

    /// Saves a review of the current item; moves on when `advance`, else shows it again
    /// as saved.
    fn record_then(&mut self, input: &ReviewInput, advance: bool, cx: &mut Cx<'_>) {
        let Some(a) = self.current().cloned() else {
            return;
        };
        match cx.store.review_action(&a.id, input, Some(a.version)) {
            Ok(r) => {
                let what = if !r.changes.is_empty() {
                    r.changes.clone()
                } else if !r.note.is_empty() {
                    format!("noted: {}", r.note)
                } else if let Some(s) = input.status {
                    format!("still {}", s.label())
                } else {
                    "reviewed".to_string()
                };
                self.done[self.index].push(what.clone());
                cx.shell
                    .success(format!("saved: {} · {}", inert(&a.title), inert(&what)));
                let moved = if advance {
                    self.advance(cx.store)
                } else {
                    self.load(cx.store)
                };
                if let Err(e) = moved {
                    cx.shell.error(format!("cannot read the next action: {e}"));
                }
            }
            Err(StoreError::Stale(_)) => {
                // Show the action as the other window left it; the analyst reviews it again.
                match self.load(cx.store) {
                    Ok(_) => cx.shell.error(
                        "not saved: another window reviewed or changed this action meanwhile; \
                         it is shown as it is now, give your review again",
                    ),
                    Err(e) => cx
                        .shell
                        .error(format!("not saved, and cannot read the action: {e}")),
                }
            }
            Err(e) => cx.shell.error(format!("not saved: {e}")),
        }
    }
}
