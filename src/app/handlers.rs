//! Keys, mouse and paste, per screen and overlay. Each confirmed action writes to the
//! store at once (one transaction) and says on the status line what happened.

use super::form::{self, EventForm, IncidentForm};
use super::prompt::{self, Prompt, PromptKind};
use super::timeline::TimelineState;
use super::{App, Overlay, Pending, View, backlog_handlers, incident_handlers};
use crate::domain::{IncidentPatch, KeyEventKind};
use crate::keymap::{Command, Key};
use crate::store::{PageCursor, Store, StoreError};
use crate::text::{inert, inert_with};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

pub(super) fn key(app: &mut App, key: KeyEvent, store: &mut Store) {
    if let Some(overlay) = app.overlays.pop() {
        overlay_key(app, overlay, key, store);
        return;
    }
    let k = Key::from_event(&key);
    let linking = app.timeline.as_ref().is_some_and(|t| t.linking.is_some());
    if linking && app.view == View::Timeline && linking_key(app, k, store) {
        return;
    }
    match app.keymap.command(app.scope(), k) {
        Some(command) => run(app, command, store),
        None => app.info(format!(
            "{k} does nothing here; press ? for the keys of this screen"
        )),
    }
}

/// Runs a command on the current screen (from a key or the palette).
pub(super) fn run(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    match command {
        Quit => app.quit = true,
        Help => app.overlays.push(Overlay::Help { scroll: 0 }),
        Palette => app.overlays.push(Overlay::Prompt {
            prompt: Box::new(Prompt::new(PromptKind::Palette, "")),
            selected: 0,
        }),
        Back => back(app),
        NextView => switch_view(app, store, 1),
        PrevView => switch_view(app, store, -1),
        ViewIncidents => show_incidents(app, store),
        ViewTimeline => show_timeline(app, store),
        ViewOverview => incident_handlers::show(app, store, View::Overview),
        ViewFindings => incident_handlers::show(app, store, View::Findings),
        ViewEvidence => incident_handlers::show(app, store, View::Evidence),
        ViewBacklog => backlog_handlers::show(app, store, View::Backlog),
        ViewOwners => backlog_handlers::show(app, store, View::Owners),
        ViewEvaluation => incident_handlers::show(app, store, View::Evaluation),
        ViewReport => incident_handlers::show(app, store, View::Report),
        Undo => undo(app, store, false),
        Redo => undo(app, store, true),
        LoadDemo => load_demo(app, store),
        _ => match app.view {
            View::Welcome => welcome(app, command),
            View::Incidents => incidents(app, command, store),
            View::Timeline => timeline(app, command, store),
            View::Overview => incident_handlers::overview(app, command),
            View::Findings => incident_handlers::findings(app, command, store),
            View::Evidence => incident_handlers::evidence(app, command, store),
            View::Backlog => backlog_handlers::backlog(app, command, store),
            View::Owners => backlog_handlers::owners(app, command, store),
            View::Evaluation => super::evaluation::evaluation(app, command, store),
            View::Report => super::evaluation::report(app, command, store),
        },
    }
}

fn back(app: &mut App) {
    if !matches!(
        app.view,
        View::Incidents | View::Welcome | View::Backlog | View::Owners
    ) {
        app.view = View::Incidents;
    } else {
        app.info("press q to quit");
    }
}

/// Tab and shift-tab go round the views.
fn switch_view(app: &mut App, store: &mut Store, step: isize) {
    let tabs: Vec<View> = crate::ui::layout::tabs(app)
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    let current = if app.view == View::Welcome {
        View::Incidents
    } else {
        app.view
    };
    let here = tabs.iter().position(|v| *v == current).unwrap_or(0) as isize;
    let next = tabs[(here + step).rem_euclid(tabs.len() as isize) as usize];
    match next {
        View::Incidents | View::Welcome => show_incidents(app, store),
        View::Timeline => show_timeline(app, store),
        View::Backlog | View::Owners => backlog_handlers::show(app, store, next),
        other => incident_handlers::show(app, store, other),
    }
}

fn show_incidents(app: &mut App, store: &mut Store) {
    reload_incidents(app, store);
    app.view = if app.incidents.rows.is_empty() {
        View::Welcome
    } else {
        View::Incidents
    };
}

fn show_timeline(app: &mut App, store: &mut Store) {
    if app.timeline.is_none() {
        match app.incidents.selected_row().map(|r| r.incident.clone()) {
            Some(i) => return open_timeline(app, store, i),
            None => return app.info("no incident yet: create one or load the demo"),
        }
    }
    app.view = View::Timeline;
}

pub(super) fn open_timeline(app: &mut App, store: &mut Store, incident: crate::domain::Incident) {
    let key = incident.key.clone();
    match TimelineState::open(store, incident) {
        Ok(mut t) => {
            t.viewport = app.timeline_viewport();
            t.scroll_to_selection();
            let n = t.total;
            app.timeline = Some(t);
            app.view = View::Timeline;
            app.info(format!(
                "{} · {n} events · c to capture, a to add, ? for help",
                inert(&key)
            ));
        }
        Err(e) => app.error(format!("cannot open {}: {e}", inert(&key))),
    }
}

fn welcome(app: &mut App, command: Command) {
    if command == Command::Add {
        app.overlays
            .push(Overlay::IncidentForm(Box::new(IncidentForm::add())));
    }
}

fn incidents(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let page = app.height.saturating_sub(8).max(1) as isize;
    match command {
        Up => app.incidents.move_by(-1),
        Down => app.incidents.move_by(1),
        PageUp => app.incidents.move_by(-page),
        PageDown => app.incidents.move_by(page),
        Top => app.incidents.move_by(isize::MIN / 2),
        Bottom => app.incidents.move_by(isize::MAX / 2),
        Open => {
            if let Some(i) = app.incidents.selected_row().map(|r| r.incident.clone()) {
                open_timeline(app, store, i);
            }
        }
        Add => app
            .overlays
            .push(Overlay::IncidentForm(Box::new(IncidentForm::add()))),
        Edit => {
            if let Some(r) = app.incidents.selected_row() {
                let form = IncidentForm::edit(&r.incident);
                app.overlays.push(Overlay::IncidentForm(Box::new(form)));
            }
        }
        Delete => {
            if let Some(r) = app.incidents.selected_row() {
                let (id, key, events) = (r.incident.id.clone(), r.incident.key.clone(), r.events);
                let question = format!(
                    "Delete incident {} and its {events} events? (u undoes)",
                    inert(&key)
                );
                app.overlays.push(Overlay::Confirm {
                    question,
                    pending: Pending::DeleteIncident { id, key, events },
                });
            }
        }
        _ => {}
    }
}

fn timeline(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let Some(t) = app.timeline.as_mut() else {
        return;
    };
    let page = t.viewport.max(1) as isize;
    let moved = match command {
        Up => t.move_by(store, -1),
        Down => t.move_by(store, 1),
        PageUp => t.move_by(store, -page),
        PageDown => t.move_by(store, page),
        Top => t.load_start(store),
        Bottom => t.load_end(store),
        _ => Ok(()),
    };
    if let Err(e) = moved {
        return app.error(format!("cannot read the timeline: {e}"));
    }
    let selected = t.selected_event().cloned();
    match command {
        Capture => {
            let draft = std::mem::take(&mut app.capture_draft);
            app.overlays.push(Overlay::Prompt {
                prompt: Box::new(Prompt::new(PromptKind::Capture, &draft)),
                selected: 0,
            });
        }
        Add => {
            let form = EventForm::add(t.ctx, selected.as_ref().map(|e| &e.at));
            app.overlays.push(Overlay::EventForm(Box::new(form)));
        }
        Edit => match selected {
            Some(e) => app
                .overlays
                .push(Overlay::EventForm(Box::new(EventForm::edit(t.ctx, &e)))),
            None => app.info("no event to edit: c captures one, a opens the form"),
        },
        Delete => {
            if let Some(e) = selected {
                let summary = clip(&inert(&e.text), 50);
                let question = format!("Delete the event \"{summary}\"? (u undoes)");
                app.overlays.push(Overlay::Confirm {
                    question,
                    pending: Pending::DeleteEvent { id: e.id, summary },
                });
            }
        }
        Filter => {
            // A filter set from another view (a finding's events) is a label, not typed words.
            let from_view = t.filter.finding.is_some()
                || t.filter.evidence.is_some()
                || t.filter_text.starts_with("actor: ");
            let text = if from_view {
                String::new()
            } else {
                t.filter_text.clone()
            };
            app.overlays.push(Overlay::Prompt {
                prompt: Box::new(Prompt::new(PromptKind::Filter, &text)),
                selected: 0,
            });
        }
        ClearFilter => apply_filter(app, store, ""),
        JumpTime => app.overlays.push(Overlay::Prompt {
            prompt: Box::new(Prompt::new(PromptKind::JumpTime, "")),
            selected: 0,
        }),
        Command::Import => {
            app.prompt_notes = super::import::preview("", Some(&t.incident));
            app.overlays.push(Overlay::Prompt {
                prompt: Box::new(Prompt::new(PromptKind::ImportPath, "")),
                selected: 0,
            });
        }
        ToggleZone => {
            app.local_times = !app.local_times;
            let zone = if app.local_times {
                t.incident.zone.name().to_string()
            } else {
                "UTC".into()
            };
            app.info(format!("times shown in {zone}"));
        }
        MarkKey => {
            if let Some(e) = selected {
                cycle_key_event(app, store, e);
            }
        }
        TagLapse => match selected {
            Some(e) => incident_handlers::open_lapse_picker(app, store, e),
            None => app.info("no event to tag"),
        },
        AttachEvidence => incident_handlers::open_attach(app, selected.as_ref()),
        GoToFinding => {
            if let Some(e) = selected {
                incident_handlers::go_to_finding(app, store, &e);
            }
        }
        LinkCause => {
            if let Some(e) = selected {
                t.linking = Some(e);
                app.info("move to the event that caused it and press enter; backspace removes the link; esc cancels");
            }
        }
        _ => {}
    }
}

/// Keys while choosing a cause. Returns true when the key was used.
fn linking_key(app: &mut App, k: Key, store: &mut Store) -> bool {
    let Some(t) = app.timeline.as_mut() else {
        return false;
    };
    let Some(effect) = t.linking.clone() else {
        return false;
    };
    let cause = match k.code {
        KeyCode::Esc => {
            t.linking = None;
            app.info("linking cancelled");
            return true;
        }
        KeyCode::Enter => match t.selected_event() {
            Some(c) if c.id == effect.id => {
                app.error("an event cannot cause itself; move to another event");
                return true;
            }
            Some(c) => Some(c.id.clone()),
            None => return true,
        },
        KeyCode::Backspace | KeyCode::Delete => None,
        _ => return false,
    };
    t.linking = None;
    let mut new = match EventForm::edit(t.ctx, &effect).to_new_event() {
        Ok(n) => n,
        Err(e) => {
            app.error(e);
            return true;
        }
    };
    new.caused_by = cause.clone();
    let what = if cause.is_some() {
        "linked to its cause"
    } else {
        "cause removed"
    };
    save_edit(app, store, &effect, &new, what);
    true
}

fn cycle_key_event(app: &mut App, store: &mut Store, e: crate::domain::Event) {
    let all = KeyEventKind::ALL;
    let next = match e.key_kind {
        None => Some(all[0]),
        Some(k) => all
            .iter()
            .position(|x| *x == k)
            .and_then(|i| all.get(i + 1).copied()),
    };
    let Some(t) = app.timeline.as_ref() else {
        return;
    };
    let mut new = match EventForm::edit(t.ctx, &e).to_new_event() {
        Ok(n) => n,
        Err(err) => return app.error(err),
    };
    new.key_kind = next;
    let what = match next {
        Some(k) => format!("marked as key event: {}", k.label()),
        None => "no longer a key event".to_string(),
    };
    save_edit(app, store, &e, &new, &what);
}

fn save_edit(
    app: &mut App,
    store: &mut Store,
    before: &crate::domain::Event,
    new: &crate::domain::NewEvent,
    what: &str,
) {
    match store.update_event(&before.id, new, Some(before.version)) {
        Ok(saved) => {
            reload_timeline_at(app, store, &saved.id);
            app.success(format!("saved: {what}"));
        }
        Err(StoreError::Stale(_)) => {
            reload_timeline_at(app, store, &before.id);
            app.error("not saved: another window changed this event; it is shown as it is now, press again");
        }
        Err(e) => app.error(format!("not saved: {e}")),
    }
}

fn apply_filter(app: &mut App, store: &mut Store, text: &str) {
    let Some(t) = app.timeline.as_mut() else {
        return;
    };
    let result = t.set_filter(store, text).map(|()| t.total_label());
    match result {
        Ok(total) if text.trim().is_empty() => app.info(format!("filter cleared · {total} events")),
        Ok(total) => app.info(format!("{total} events match {}", inert(text.trim()))),
        Err(e) => app.error(format!("filter: {e}")),
    }
}

fn overlay_key(app: &mut App, overlay: Overlay, key: KeyEvent, store: &mut Store) {
    match overlay {
        Overlay::Help { scroll } => match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                app.overlays.push(Overlay::Help { scroll: scroll + 1 })
            }
            KeyCode::Up | KeyCode::Char('k') => app.overlays.push(Overlay::Help {
                scroll: scroll.saturating_sub(1),
            }),
            _ => {}
        },
        Overlay::Confirm { question, pending } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                confirm(app, pending, store)
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                if pending == Pending::DiscardForm {
                    app.info("still editing");
                } else {
                    app.info("nothing deleted");
                }
            }
            _ => app.overlays.push(Overlay::Confirm { question, pending }),
        },
        Overlay::EventForm(form) => event_form_key(app, form, key, store),
        Overlay::IncidentForm(form) => incident_form_key(app, form, key, store),
        Overlay::Prompt { prompt, selected } => prompt_key(app, prompt, selected, key, store),
        Overlay::Record(form) => incident_handlers::record_key(app, form, key, store),
        Overlay::Walk(walk) => backlog_handlers::walk_key(app, walk, key, store),
        Overlay::FindingLinks {
            item,
            choices,
            selected,
        } => super::evaluation::finding_links_key(app, store, item, choices, selected, key),
        Overlay::LapsePicker {
            event,
            choices,
            selected,
        } => incident_handlers::lapse_picker_key(app, store, event, choices, selected, key),
        Overlay::Conflict(conflict) => super::conflict::key(app, conflict, key, store),
    }
}

fn confirm(app: &mut App, pending: Pending, store: &mut Store) {
    match pending {
        Pending::DiscardForm => {
            app.overlays.pop();
            app.info("discarded what was typed");
        }
        Pending::DeleteEvent { id, summary } => match store.delete_event(&id) {
            Ok(_) => {
                reload_timeline_at(app, store, &id);
                app.success(format!("deleted: \"{summary}\" (u undoes)"));
            }
            Err(e) => app.error(format!("not deleted: {e}")),
        },
        Pending::RemoveArea { id, area } => super::evaluation::remove_area(app, store, &id, &area),
        Pending::DeleteFinding { id, title } => {
            incident_handlers::delete_finding(app, store, &id, &title)
        }
        Pending::DeleteIncident { id, key, events } => match store.delete_incident(&id) {
            Ok(()) => {
                if app.timeline.as_ref().is_some_and(|t| t.incident.id == id) {
                    app.timeline = None;
                }
                reload_incidents(app, store);
                if app.incidents.rows.is_empty() {
                    app.view = View::Welcome;
                }
                app.success(format!(
                    "deleted incident {} with {events} events (u undoes)",
                    inert(&key)
                ));
            }
            Err(e) => app.error(format!("not deleted: {e}")),
        },
    }
}

/// Keys common to both forms: move between fields, complete, save, cancel, type.
pub(super) enum FormAction {
    Save,
    Cancel,
    Handled,
}

pub(super) fn form_key(
    fields: &mut [form::Field],
    focus: &mut usize,
    suggestions: &[String],
    key: KeyEvent,
) -> FormAction {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let multiline = fields[*focus].multiline;
    let last = fields.len() - 1;
    match key.code {
        KeyCode::Char('s') if ctrl => return FormAction::Save,
        KeyCode::Esc => return FormAction::Cancel,
        KeyCode::Tab => match suggestions.first() {
            Some(s) => fields[*focus].set_text(s),
            None => *focus = (*focus + 1) % fields.len(),
        },
        KeyCode::BackTab => *focus = (*focus + last) % fields.len(),
        KeyCode::Down if !multiline => *focus = (*focus + 1).min(last),
        KeyCode::Up if !multiline => *focus = focus.saturating_sub(1),
        KeyCode::Enter if !multiline => {
            if *focus == last {
                return FormAction::Save;
            }
            *focus += 1;
        }
        _ if fields[*focus].readonly => {}
        _ => type_into(&mut fields[*focus].area, key),
    }
    FormAction::Handled
}

/// A key typed into a text field. As in a shell, ctrl-u deletes back to the start of
/// the line (the editor widget would otherwise take it as its own undo).
pub(super) fn type_into(area: &mut ratatui_textarea::TextArea<'static>, key: KeyEvent) {
    if key.code == KeyCode::Char('u') && key.modifiers.contains(KeyModifiers::CONTROL) {
        area.delete_line_by_head();
    } else {
        area.input(key);
    }
}

fn event_form_key(app: &mut App, mut form: Box<EventForm>, key: KeyEvent, store: &mut Store) {
    let (actors, tags) = app
        .timeline
        .as_ref()
        .map(|t| (t.actors.clone(), t.tags.clone()))
        .unwrap_or_default();
    let suggestions = form.suggestions(&actors, &tags);
    let mut focus = form.focus;
    let action = form_key(&mut form.fields, &mut focus, &suggestions, key);
    form.focus = focus;
    match action {
        FormAction::Handled => app.overlays.push(Overlay::EventForm(form)),
        FormAction::Cancel => cancel_form(app, Overlay::EventForm(form.clone()), form.changed()),
        FormAction::Save => save_event_form(app, form, store),
    }
}

pub(super) fn cancel_form(app: &mut App, form: Overlay, changed: bool) {
    if changed {
        app.overlays.push(form);
        app.overlays.push(Overlay::Confirm {
            question: "Discard what you typed? (y discards, n keeps editing)".into(),
            pending: Pending::DiscardForm,
        });
    } else {
        app.info("closed without changes");
    }
}

pub(super) fn save_event_form(app: &mut App, form: Box<EventForm>, store: &mut Store) {
    let Some(incident_id) = app.timeline.as_ref().map(|t| t.incident.id.clone()) else {
        return;
    };
    let new = match form.to_new_event() {
        Ok(n) => n,
        Err(e) => {
            app.error(format!("not saved: {e}"));
            return app.overlays.push(Overlay::EventForm(form));
        }
    };
    let result = match &form.editing {
        Some(before) => store.update_event(&before.id, &new, Some(before.version)),
        None => store.add_event(&incident_id, &new),
    };
    match result {
        Ok(saved) => {
            reload_timeline_at(app, store, &saved.id);
            let verb = if form.editing.is_some() {
                "saved"
            } else {
                "added"
            };
            app.success(format!("{verb}: {}", clip(&inert(&saved.text), 60)));
        }
        Err(StoreError::Stale(_)) => {
            super::conflict::ask(app, store, super::conflict::StaleForm::Event(form))
        }
        Err(e) => {
            app.error(format!("not saved: {e}"));
            app.overlays.push(Overlay::EventForm(form));
        }
    }
}

fn incident_form_key(app: &mut App, mut form: Box<IncidentForm>, key: KeyEvent, store: &mut Store) {
    let mut focus = form.focus;
    let action = form_key(&mut form.fields, &mut focus, &[], key);
    form.focus = focus;
    match action {
        FormAction::Handled => app.overlays.push(Overlay::IncidentForm(form)),
        FormAction::Cancel => cancel_form(app, Overlay::IncidentForm(form.clone()), form.changed()),
        FormAction::Save => save_incident_form(app, form, store),
    }
}

pub(super) fn save_incident_form(app: &mut App, form: Box<IncidentForm>, store: &mut Store) {
    let new = match form.to_new_incident() {
        Ok(n) => n,
        Err(e) => {
            app.error(format!("not saved: {e}"));
            return app.overlays.push(Overlay::IncidentForm(form));
        }
    };
    let result = match &form.editing {
        Some(before) => {
            let patch = IncidentPatch {
                title: Some(new.title.clone()),
                severity: Some(new.severity),
                zone: Some(new.zone),
                detected: form.fields[4].changed().then_some(new.detected),
                ..Default::default()
            };
            store.update_incident(&before.id, &patch, Some(before.version))
        }
        None => store.create_incident(&new),
    };
    match result {
        Ok(saved) => {
            reload_incidents(app, store);
            app.incidents.select_key(&saved.key);
            if app.view == View::Welcome {
                app.view = View::Incidents;
            }
            if let Some(t) = app.timeline.as_mut().filter(|t| t.incident.id == saved.id) {
                let _ = t.refresh_lookups(store);
            }
            let verb = if form.editing.is_some() {
                "saved"
            } else {
                "created"
            };
            app.success(format!(
                "{verb} incident {} · enter opens its timeline",
                inert(&saved.key)
            ));
        }
        Err(StoreError::Stale(_)) => {
            super::conflict::ask(app, store, super::conflict::StaleForm::Incident(form))
        }
        Err(e) => {
            app.error(format!("not saved: {e}"));
            app.overlays.push(Overlay::IncidentForm(form));
        }
    }
}

fn prompt_key(
    app: &mut App,
    mut prompt: Box<Prompt>,
    selected: usize,
    key: KeyEvent,
    store: &mut Store,
) {
    match key.code {
        KeyCode::Esc => {
            if prompt.kind == PromptKind::Capture {
                app.capture_draft = prompt.text();
                if !app.capture_draft.trim().is_empty() {
                    app.info("capture kept: press c to go on with it");
                }
            }
        }
        KeyCode::Enter => submit_prompt(app, prompt, selected, store),
        KeyCode::Tab if prompt.kind == PromptKind::ImportPath => {
            if let Some(done) = super::import::complete(&prompt.text()) {
                prompt.input = Prompt::new(PromptKind::ImportPath, &done).input;
            }
            file_notes(app, &prompt);
            app.overlays.push(Overlay::Prompt {
                prompt,
                selected: 0,
            });
        }
        KeyCode::Down if prompt.kind == PromptKind::Palette => app.overlays.push(Overlay::Prompt {
            prompt,
            selected: selected + 1,
        }),
        KeyCode::Up if prompt.kind == PromptKind::Palette => app.overlays.push(Overlay::Prompt {
            prompt,
            selected: selected.saturating_sub(1),
        }),
        _ => {
            type_into(&mut prompt.input, key);
            file_notes(app, &prompt);
            app.overlays.push(Overlay::Prompt {
                prompt,
                selected: 0,
            });
        }
    }
}

/// What a file prompt says of the typed path (here, not in render: it reads the disk):
/// an import's format and first rows, or what writing the report there will do.
pub(super) fn file_notes(app: &mut App, prompt: &Prompt) {
    match prompt.kind {
        PromptKind::ImportPath => {
            let incident = app.timeline.as_ref().map(|t| t.incident.clone());
            app.prompt_notes = super::import::preview(&prompt.text(), incident.as_ref());
        }
        PromptKind::ReportPath => {
            app.prompt_notes = vec![super::evaluation::report_path_note(&prompt.text())];
        }
        _ => {}
    }
}

fn submit_prompt(app: &mut App, prompt: Box<Prompt>, selected: usize, store: &mut Store) {
    let text = prompt.text();
    match prompt.kind {
        PromptKind::Palette => {
            let matches = prompt::palette_matches(&app.keymap, app.scope(), &text);
            match matches.get(selected.min(matches.len().saturating_sub(1))) {
                Some((command, _)) => run(app, *command, store),
                None => app.error(format!("no command matches {}", inert(&text))),
            }
        }
        PromptKind::Filter => apply_filter(app, store, &text),
        PromptKind::JumpTime => jump(app, prompt, store),
        PromptKind::Capture => capture(app, prompt, store),
        PromptKind::Evidence => incident_handlers::attach(app, store, &text),
        PromptKind::BacklogFilter => backlog_handlers::apply_filter(app, store, &text),
        PromptKind::EvaluationArea => super::evaluation::add_area(app, store, &text),
        PromptKind::ReportPath => super::evaluation::write_report(app, store, &text),
        PromptKind::ImportPath => super::import::start(app, store, &text),
    }
}

fn jump(app: &mut App, prompt: Box<Prompt>, store: &mut Store) {
    let Some(t) = app.timeline.as_mut() else {
        return;
    };
    match prompt::jump_preview(&prompt.text(), &t.ctx) {
        Ok(at) => match t.load_around(
            store,
            PageCursor {
                at_us: at.micros(),
                seq: 0,
            },
        ) {
            Ok(()) => app.info(format!("at {}", at.rfc3339_utc())),
            Err(e) => app.error(format!("cannot read the timeline: {e}")),
        },
        Err(e) => {
            app.error(format!("jump: {e}"));
            app.overlays.push(Overlay::Prompt {
                prompt,
                selected: 0,
            });
        }
    }
}

fn capture(app: &mut App, prompt: Box<Prompt>, store: &mut Store) {
    let Some(t) = app.timeline.as_ref() else {
        return;
    };
    let previous = t.selected_event().map(|e| e.at);
    let parsed = prompt::capture_preview(&prompt.text(), &t.ctx, previous.as_ref()).and_then(|c| {
        if let Some(id) = &c.technique {
            crate::domain::attack::require_known(id)?;
        }
        let mut new = crate::domain::NewEvent::new(c.at, &c.text)?.with_tags(&c.tags)?;
        new.technique = c.technique;
        new.actor = c.actor;
        new.phase = c.phase;
        Ok(new)
    });
    let new = match parsed {
        Ok(n) => n,
        Err(e) => {
            app.error(format!("not captured: {e}"));
            return app.overlays.push(Overlay::Prompt {
                prompt,
                selected: 0,
            });
        }
    };
    let incident_id = t.incident.id.clone();
    match store.add_event(&incident_id, &new) {
        Ok(saved) => {
            reload_timeline_at(app, store, &saved.id);
            app.success(format!("captured: {}", clip(&inert(&saved.text), 60)));
        }
        Err(e) => {
            app.error(format!("not captured: {e}"));
            app.overlays.push(Overlay::Prompt {
                prompt,
                selected: 0,
            });
        }
    }
}

fn undo(app: &mut App, store: &mut Store, redo: bool) {
    let scope = match app.view {
        View::Timeline => app.timeline.as_ref().map(|t| t.incident.id.clone()),
        _ => None,
    };
    let result = if redo {
        store.redo(scope.as_deref())
    } else {
        store.undo(scope.as_deref())
    };
    match result {
        Ok(Some(r)) => {
            refresh_all(app, store);
            let verb = if redo { "redone" } else { "undone" };
            app.success(format!("{verb}: {}", r.label));
        }
        Ok(None) => app.info(if redo {
            "nothing of yours to redo in this window"
        } else {
            "nothing of yours to undo in this window (debrief undo takes back other windows' changes)"
        }),
        Err(e) => app.error(format!(
            "cannot {}: {e}",
            if redo { "redo" } else { "undo" }
        )),
    }
}

fn load_demo(app: &mut App, store: &mut Store) {
    let seed = match crate::io::demo::demo_seed() {
        Ok(s) => s,
        Err(e) => return app.error(e),
    };
    let existing = store.incident_by_key(&seed.incident.key).ok().flatten();
    let incident = match existing {
        Some(i) => i,
        None => match store.create_seeded_incident(&seed) {
            Ok(i) => i,
            Err(e) => return app.error(format!("cannot load the demo: {e}")),
        },
    };
    reload_incidents(app, store);
    app.incidents.select_key(&incident.key);
    open_timeline(app, store, incident);
}

/// Re-reads everything on screen after a change that may have touched any of it (an undo,
/// another window's commit), keeping the selection where it can.
pub(super) fn refresh_all(app: &mut App, store: &Store) {
    reload_incidents(app, store);
    if let Some(t) = app.timeline.as_mut() {
        match store.incident_by_id(&t.incident.id) {
            Ok(Some(_)) => {
                let _ = t.reload(store);
            }
            _ => {
                // The incident is gone (deleted, or its creation undone).
                app.timeline = None;
                app.view = View::Incidents;
            }
        }
    }
    match (app.view, app.incidents.rows.is_empty()) {
        (_, true) => app.view = View::Welcome,
        (View::Welcome, false) => app.view = View::Incidents,
        _ => {}
    }
    incident_handlers::refresh(app, store);
    backlog_handlers::refresh(app, store);
}

pub(super) fn reload_incidents(app: &mut App, store: &Store) {
    if let Err(e) = app.incidents.reload(store) {
        app.error(format!("cannot read the incidents: {e}"));
    }
}

/// After a change: re-read the list around the changed event, and the incident list.
pub(super) fn reload_timeline_at(app: &mut App, store: &Store, event_id: &str) {
    if let Some(t) = app.timeline.as_mut() {
        let result = t
            .refresh_lookups(store)
            .and_then(|_| t.reload_at_event(store, event_id));
        if let Err(e) = result {
            app.error(format!("cannot read the timeline: {e}"));
        }
    }
    reload_incidents(app, store);
}

pub(super) fn mouse(app: &mut App, m: MouseEvent, store: &mut Store) {
    if !app.overlays.is_empty() {
        return;
    }
    let areas = crate::ui::layout::areas(app.width, app.height);
    match m.kind {
        MouseEventKind::ScrollDown => run(app, Command::Down, store),
        MouseEventKind::ScrollUp => run(app, Command::Up, store),
        MouseEventKind::Down(MouseButton::Left) if m.row == areas.tabs.y => {
            match crate::ui::layout::tab_at(app, m.column) {
                Some(View::Timeline) => show_timeline(app, store),
                Some(View::Incidents | View::Welcome) => show_incidents(app, store),
                Some(v @ (View::Backlog | View::Owners)) => backlog_handlers::show(app, store, v),
                Some(other) => incident_handlers::show(app, store, other),
                None => {}
            }
        }
        MouseEventKind::Down(MouseButton::Left) => click_row(app, m.column, m.row, store),
        _ => {}
    }
}

fn click_row(app: &mut App, column: u16, row: u16, store: &mut Store) {
    let areas = crate::ui::layout::areas(app.width, app.height);
    match app.view {
        View::Incidents => {
            let first = areas.body.y + 2;
            if row >= first && row < areas.body.bottom() {
                let index = (row - first) as usize;
                if index < app.incidents.rows.len() {
                    app.incidents.selected = index;
                }
            }
        }
        View::Timeline => {
            let list = crate::ui::layout::timeline_areas(areas.body).list;
            let first = list.y + 2;
            let inside = column >= list.x && column < list.right();
            if let Some(t) = app
                .timeline
                .as_mut()
                .filter(|_| inside && row >= first && row < list.bottom())
            {
                let target = t.offset + (row - first) as usize;
                if target < t.rows.len() {
                    let delta = target as isize - t.selected as isize;
                    if let Err(e) = t.move_by(store, delta) {
                        app.error(format!("cannot read the timeline: {e}"));
                    }
                }
            }
        }
        // The other lists are short: keys and the wheel move through them.
        View::Welcome
        | View::Overview
        | View::Findings
        | View::Evidence
        | View::Backlog
        | View::Owners
        | View::Evaluation
        | View::Report => {}
    }
}

/// Pasted text goes into the field being edited, made inert first (pasted logs may hold
/// escape sequences); newlines are kept only in multi-line fields.
pub(super) fn paste(app: &mut App, text: &str) {
    match app.overlays.last_mut() {
        Some(Overlay::EventForm(form)) => {
            let field = &mut form.fields[form.focus];
            field.area.insert_str(inert_with(text, field.multiline));
        }
        Some(Overlay::IncidentForm(form)) => {
            let field = &mut form.fields[form.focus];
            if !field.readonly {
                field.area.insert_str(inert_with(text, false));
            }
        }
        Some(Overlay::Prompt { prompt, .. }) => {
            prompt
                .input
                .insert_str(inert_with(text, false).replace('␊', " "));
        }
        _ => app.info("paste into a form or a prompt (c, a, /)"),
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
