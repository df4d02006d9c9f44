//! Keys of the Backlog and Owners views and of the review walk.

use super::backlog::{Walk, WalkInput};
use super::prompt::{Prompt, PromptKind};
use super::records::RecordForm;
use super::{App, Overlay, View};
use crate::domain::ActionStatus;
use crate::domain::action::{parse_date, walk_order};
use crate::keymap::Command;
use crate::store::{BacklogFilter, ReviewInput, Store};
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

fn today(app: &App) -> chrono::NaiveDate {
    app.now.date_naive()
}

/// Re-reads the Backlog or Owners view.
pub(super) fn refresh(app: &mut App, store: &Store) {
    let incident = app.timeline.as_ref().map(|t| t.incident.id.clone());
    let (day, days) = (today(app), app.review_days);
    let result = match app.view {
        View::Backlog => app.backlog.load(store, incident.as_deref(), day, days),
        View::Owners => app.owners.load(store, day).map_err(|e| e.to_string()),
        _ => Ok(()),
    };
    if let Err(e) = result {
        app.error(format!("cannot read the backlog: {e}"));
    }
}

pub(super) fn show(app: &mut App, store: &mut Store, view: View) {
    if view == View::Backlog && app.timeline.is_none() {
        // Without an open incident the backlog shows every incident's actions.
        app.backlog.all_incidents = true;
    }
    app.view = view;
    refresh(app, store);
}

pub(super) fn backlog(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let page = app.height.saturating_sub(8).max(1) as isize;
    let moved = match command {
        Up => app.backlog.move_by(store, -1),
        Down => app.backlog.move_by(store, 1),
        PageUp => app.backlog.move_by(store, -page),
        PageDown => app.backlog.move_by(store, page),
        Top => app.backlog.move_by(store, isize::MIN / 2),
        Bottom => app.backlog.move_by(store, isize::MAX / 2),
        _ => Ok(()),
    };
    if let Err(e) = moved {
        return app.error(format!("cannot read the backlog: {e}"));
    }
    match command {
        Walk => {
            let open: Vec<_> = app
                .backlog
                .rows
                .iter()
                .filter(|a| a.status.is_open())
                .cloned()
                .collect();
            start_walk(app, store, open);
        }
        Edit => {
            if let Some(a) = app.backlog.selected_action().cloned() {
                start_walk(app, store, vec![a]);
            }
        }
        Add => {
            if app.timeline.is_none() {
                return app
                    .info("open an incident first (1, enter): an action belongs to an incident");
            }
            app.overlays
                .push(Overlay::Record(Box::new(RecordForm::action(None))));
        }
        ToggleAll => {
            app.backlog.all_incidents = !app.backlog.all_incidents || app.timeline.is_none();
            refresh(app, store);
            let scope = if app.backlog.all_incidents {
                "all incidents"
            } else {
                "this incident"
            };
            app.info(format!(
                "backlog of {scope}: {} actions",
                app.backlog.rows.len()
            ));
        }
        Filter => {
            let text = app.backlog.filter_text.clone();
            let prompt = Prompt::new(PromptKind::BacklogFilter, &text);
            app.overlays.push(Overlay::Prompt {
                prompt: Box::new(prompt),
                selected: 0,
            });
        }
        ClearFilter => apply_filter(app, store, ""),
        Sort => {
            app.backlog.sort = app.backlog.sort.next();
            refresh(app, store);
            app.info(format!("sorted by {}", app.backlog.sort.label()));
        }
        _ => {}
    }
}

pub(super) fn apply_filter(app: &mut App, store: &mut Store, text: &str) {
    let before = std::mem::replace(&mut app.backlog.filter_text, text.trim().to_string());
    refresh(app, store);
    if app.status.tone == super::Tone::Error {
        app.backlog.filter_text = before;
        refresh(app, store);
    } else {
        app.info(format!("{} actions", app.backlog.rows.len()));
    }
}

pub(super) fn owners(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    match command {
        Up => app.owners.move_by(-1),
        Down => app.owners.move_by(1),
        PageUp | Top => app.owners.move_by(isize::MIN / 2),
        PageDown | Bottom => app.owners.move_by(isize::MAX / 2),
        Open => {
            if let Some(o) = app.owners.rows.get(app.owners.selected).cloned() {
                app.backlog.all_incidents = true;
                app.backlog.filter_text = format!("@\"{}\"", o.name);
                app.backlog.selected = 0;
                show(app, store, View::Backlog);
            }
        }
        Walk => {
            if let Some(o) = app.owners.rows.get(app.owners.selected).cloned() {
                let filter = BacklogFilter {
                    owner: Some(o.name.clone()),
                    open_only: true,
                    ..Default::default()
                };
                match store.backlog(&filter) {
                    Ok(mut items) => {
                        walk_order(&mut items, today(app));
                        start_walk(app, store, items);
                    }
                    Err(e) => app.error(format!("cannot read the backlog: {e}")),
                }
            }
        }
        _ => {}
    }
}

fn start_walk(app: &mut App, store: &Store, items: Vec<crate::domain::Action>) {
    if items.is_empty() {
        return app.info("no open actions to review here");
    }
    match Walk::new(store, items) {
        Ok(w) => {
            let n = w.items.len();
            app.overlays.push(Overlay::Walk(Box::new(w)));
            app.info(format!("review walk: {n} actions, overdue first"));
        }
        Err(e) => app.error(format!("cannot start the walk: {e}")),
    }
}

/// One key of the walk. Each decision is saved at once as a review, then the walk moves on.
pub(super) fn walk_key(app: &mut App, mut walk: Box<Walk>, key: KeyEvent, store: &mut Store) {
    if walk.finished {
        // The summary: esc closes, left goes back into the walk.
        if matches!(key.code, KeyCode::Left | KeyCode::Char('b')) {
            let _ = walk.back(store);
            return app.overlays.push(Overlay::Walk(walk));
        }
        refresh(app, store);
        return app.success(format!(
            "review walk done: {}/{} reviewed",
            walk.reviewed(),
            walk.items.len()
        ));
    }
    if let Some((kind, mut area)) = walk.input.take() {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let text = area.lines().join(" ");
                submit_input(app, &mut walk, kind, &text, store);
            }
            _ => {
                super::handlers::type_into(&mut area, key);
                walk.input = Some((kind, area));
            }
        }
        return app.overlays.push(Overlay::Walk(walk));
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
        record(app, &mut walk, &input, store);
        return app.overlays.push(Overlay::Walk(walk));
    }
    let ask = |kind: WalkInput, hint: &str| {
        let mut area = TextArea::default();
        area.set_placeholder_text(hint);
        Some((kind, area))
    };
    match key.code {
        KeyCode::Char('n') => walk.input = ask(WalkInput::Note, "what was said (enter saves)"),
        KeyCode::Char('x') => walk.input = ask(WalkInput::Reject, "why it is rejected (required)"),
        KeyCode::Char('o') => walk.input = ask(WalkInput::Owner, "the new owner"),
        KeyCode::Char('d') => walk.input = ask(WalkInput::Due, "the new due date, YYYY-MM-DD (none clears it)"),
        KeyCode::Char(' ') | KeyCode::Right | KeyCode::Char('s') => {
            if let Err(e) = walk.advance(store) {
                app.error(format!("cannot read the next action: {e}"));
            }
        }
        KeyCode::Left | KeyCode::Char('b') => {
            if let Err(e) = walk.back(store) {
                app.error(format!("cannot read the action: {e}"));
            }
        }
        KeyCode::Esc | KeyCode::Char('q') => walk.finished = true,
        _ => app.info("a accept · i in progress · r resolved · v verified · x reject · n note · o owner · d due · space skip"),
    }
    app.overlays.push(Overlay::Walk(walk));
}

fn submit_input(app: &mut App, walk: &mut Walk, kind: WalkInput, text: &str, store: &mut Store) {
    let text = text.trim();
    let input = match kind {
        WalkInput::Note => ReviewInput {
            note: text.to_string(),
            ..Default::default()
        },
        WalkInput::Reject => {
            if text.is_empty() {
                app.error("rejecting an action needs a reason: say why");
                let mut area = TextArea::default();
                area.set_placeholder_text("why it is rejected (required)");
                walk.input = Some((WalkInput::Reject, area));
                return;
            }
            ReviewInput {
                note: text.to_string(),
                status: Some(ActionStatus::Rejected),
                ..Default::default()
            }
        }
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
                    Err(e) => return app.error(e),
                }
            };
            ReviewInput {
                due: Some(due),
                ..Default::default()
            }
        }
    };
    record(app, walk, &input, store);
}

/// Saves a review of the current item and moves on.
fn record(app: &mut App, walk: &mut Walk, input: &ReviewInput, store: &mut Store) {
    let Some(a) = walk.current().cloned() else {
        return;
    };
    match store.review_action(&a.id, input, Some(a.version)) {
        Ok(r) => {
            let what = if !r.changes.is_empty() {
                r.changes.clone()
            } else if !r.note.is_empty() {
                format!("noted: {}", r.note)
            } else {
                "reviewed".to_string()
            };
            walk.done[walk.index] = Some(what.clone());
            app.success(format!("saved: {} · {}", inert(&a.title), inert(&what)));
            if let Err(e) = walk.advance(store) {
                app.error(format!("cannot read the next action: {e}"));
            }
        }
        Err(crate::store::StoreError::Stale(_)) => {
            // Show the action as the other window left it; the analyst reviews it again.
            let fresh = store.action(&a.id).and_then(|fresh| {
                if let (Some(f), Some(slot)) = (fresh, walk.items.get_mut(walk.index)) {
                    *slot = f;
                }
                walk.load(store)
            });
            match fresh {
                Ok(_) => app.error(
                    "not saved: another window reviewed or changed this action meanwhile; \
                     it is shown as it is now, give your review again",
                ),
                Err(e) => app.error(format!("not saved, and cannot read the action: {e}")),
            }
        }
        Err(e) => app.error(format!("not saved: {e}")),
    }
}

/// In the Findings view: an action that addresses the selected finding, prefilled.
pub(super) fn action_from_finding(app: &mut App) {
    match app.findings.selected_row().map(|r| r.finding.clone()) {
        Some(f) => app
            .overlays
            .push(Overlay::Record(Box::new(RecordForm::action(Some(f))))),
        None => app.info("no finding selected"),
    }
}
