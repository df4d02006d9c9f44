//! Keys of the incident's Overview, Findings and Evidence & actors views, lapse tagging
//! from the timeline, and the record forms.

use super::handlers::{FormAction, cancel_form, form_key, reload_timeline_at};
use super::prompt::{Prompt, PromptKind};
use super::records::{RecordForm, RecordKind};
use super::{App, LapseChoice, Overlay, Pending, View};
use crate::domain::{Event, EvidenceKind, LapseKind};
use crate::keymap::Command;
use crate::store::{Store, Target};
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};

/// Shows one of the incident's views, opening the selected incident first if needed.
pub(super) fn show(app: &mut App, store: &mut Store, view: View) {
    if app.timeline.is_none() {
        match app.incidents.selected_row().map(|r| r.incident.clone()) {
            Some(i) => super::handlers::open_timeline(app, store, i),
            None => return app.info("no incident yet: create one or load the demo"),
        }
    }
    app.view = view;
    refresh(app, store);
}

/// Re-reads what the incident's views show, after a change or when one is shown.
pub(super) fn refresh(app: &mut App, store: &Store) {
    let Some(incident) = app.timeline.as_ref().map(|t| t.incident.clone()) else {
        return;
    };
    let result = match app.view {
        View::Overview => super::views::OverviewState::load(store, &incident).map(|o| {
            let scroll = app.overview.scroll;
            app.overview = super::views::OverviewState { scroll, ..o };
        }),
        View::Findings => app.findings.load(store, &incident),
        View::Evidence => app.evidence.load(store, &incident),
        View::Evaluation => app.evaluation.load(store, &incident),
        View::Report => app.report.load(store, &incident),
        _ => Ok(()),
    };
    if let Err(e) = result {
        app.error(format!("cannot read the incident: {e}"));
    }
}

pub(super) fn overview(app: &mut App, command: Command) {
    let page = app.height.saturating_sub(6).max(1);
    let scroll = &mut app.overview.scroll;
    match command {
        Command::Down => *scroll = scroll.saturating_add(1),
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll = scroll.saturating_add(page),
        Command::PageUp => *scroll = scroll.saturating_sub(page),
        Command::Top => *scroll = 0,
        _ => {}
    }
    if let Some(t) = app.timeline.as_ref().filter(|_| command == Command::Edit) {
        let form = RecordForm::overview(&t.incident);
        app.overlays.push(Overlay::Record(Box::new(form)));
    }
}

pub(super) fn findings(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let result = match command {
        Up => app.findings.move_by(store, -1),
        Down => app.findings.move_by(store, 1),
        PageUp | Top => app.findings.move_by(store, isize::MIN / 2),
        PageDown | Bottom => app.findings.move_by(store, isize::MAX / 2),
        _ => Ok(()),
    };
    if let Err(e) = result {
        return app.error(format!("cannot read the findings: {e}"));
    }
    let selected = app.findings.selected_row().map(|r| r.finding.clone());
    match command {
        Open => {
            if let Some(f) = selected {
                let label = format!("finding: {}", clip(&f.title, 40));
                show_events(
                    app,
                    store,
                    |filter| filter.finding = Some(f.id.clone()),
                    &label,
                );
            }
        }
        Add => {
            let form = RecordForm::finding(None, None, LapseKind::TechnicalLapse, "");
            app.overlays.push(Overlay::Record(Box::new(form)));
        }
        Edit => {
            if let Some(f) = selected {
                app.overlays
                    .push(Overlay::Record(Box::new(RecordForm::finding(
                        Some(f),
                        None,
                        LapseKind::TechnicalLapse,
                        "",
                    ))));
            }
        }
        ActionFromFinding => super::backlog_handlers::action_from_finding(app),
        Delete => {
            if let Some(f) = selected {
                let question = format!(
                    "Delete the finding \"{}\"? Its events stay. (u undoes)",
                    clip(&f.title, 40)
                );
                app.overlays.push(Overlay::Confirm {
                    question,
                    pending: Pending::DeleteFinding {
                        id: f.id,
                        title: f.title,
                    },
                });
            }
        }
        _ => {}
    }
}

pub(super) fn evidence(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let state = &mut app.evidence;
    match command {
        Up => state.move_by(-1),
        Down => state.move_by(1),
        PageUp | Top => state.move_by(isize::MIN / 2),
        PageDown | Bottom => state.move_by(isize::MAX / 2),
        SwitchPane => state.on_evidence = !state.on_evidence,
        Open if state.on_evidence => {
            if let Some(e) = state.evidence.get(state.item).map(|s| s.evidence.clone()) {
                let label = format!("evidence: {}", clip(&e.locator, 40));
                show_events(app, store, |f| f.evidence = Some(e.id.clone()), &label);
            }
        }
        Open => {
            if let Some((a, _)) = state.actors.get(state.actor).cloned() {
                show_events(
                    app,
                    store,
                    |f| f.actor = Some(a.name.clone()),
                    &format!("actor: {}", a.name),
                );
            }
        }
        Edit => {
            if let Some((a, _)) = state.actors.get(state.actor).filter(|_| !state.on_evidence) {
                let form = RecordForm::actor(a);
                app.overlays.push(Overlay::Record(Box::new(form)));
            } else {
                app.info("select an actor (left/right switches lists) to classify it");
            }
        }
        AttachEvidence => open_attach(app, None),
        Verify => verify(app, store),
        _ => {}
    }
}

/// The timeline, filtered to some events (a finding's, an actor's, an evidence's).
fn show_events(
    app: &mut App,
    store: &mut Store,
    set: impl FnOnce(&mut crate::store::EventFilter),
    label: &str,
) {
    let Some(t) = app.timeline.as_mut() else {
        return;
    };
    let mut filter = crate::store::EventFilter::incident(&t.incident.id);
    set(&mut filter);
    t.filter = filter;
    t.filter_text = label.to_string();
    let cap = Some(super::timeline::COUNT_CAP);
    let result = store
        .count_matching_up_to(&t.filter, cap)
        .and_then(|(n, exact)| {
            (t.total, t.total_exact) = (n, exact);
            t.load_start(store)
        });
    match result {
        Ok(()) => {
            let n = t.total_label();
            app.view = View::Timeline;
            app.info(format!(
                "{n} events · {} · x clears the filter",
                inert(label)
            ));
        }
        Err(e) => app.error(format!("cannot read the timeline: {e}")),
    }
}

pub(super) fn open_attach(app: &mut App, event: Option<&Event>) {
    app.attach_to = event.map(|e| e.id.clone());
    let prompt = Prompt::new(PromptKind::Evidence, "");
    app.overlays.push(Overlay::Prompt {
        prompt: Box::new(prompt),
        selected: 0,
    });
}

/// Attaches what was typed: an existing file is hashed; anything else is a URL or ticket.
pub(super) fn attach(app: &mut App, store: &mut Store, text: &str) {
    let Some(incident_id) = app.timeline.as_ref().map(|t| t.incident.id.clone()) else {
        return;
    };
    let text = text.trim();
    if text.is_empty() {
        return app.info("nothing attached");
    }
    let path = std::path::Path::new(text);
    let targets: Vec<Target<'_>> = app.attach_to.iter().map(|id| Target::Event(id)).collect();
    let result = if path.is_file() {
        // Canonical, so the same file under two spellings is one piece of evidence.
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match crate::io::hash::fingerprint(&absolute) {
            Ok(print) => store.add_evidence(
                &incident_id,
                EvidenceKind::File,
                &absolute.to_string_lossy(),
                "",
                Some(&print),
                &targets,
            ),
            Err(e) => return app.error(format!("cannot read {}: {e}", inert(text))),
        }
    } else {
        store.add_evidence(&incident_id, EvidenceKind::Url, text, "", None, &targets)
    };
    match result {
        Ok(ev) => {
            let what = match &ev.sha256 {
                Some(h) => format!("file, sha256 {}…", &h[..12.min(h.len())]),
                None => "reference".to_string(),
            };
            if let Some(id) = app.attach_to.take() {
                reload_timeline_at(app, store, &id);
            }
            refresh(app, store);
            app.success(format!(
                "evidence attached ({what}): {}",
                inert(&ev.locator)
            ));
        }
        Err(e) => app.error(format!("not attached: {e}")),
    }
}

fn verify(app: &mut App, store: &mut Store) {
    let Some(incident_id) = app.timeline.as_ref().map(|t| t.incident.id.clone()) else {
        return;
    };
    match store.verify_evidence(&incident_id, |p| {
        crate::io::hash::fingerprint(std::path::Path::new(p)).ok()
    }) {
        Ok(results) => {
            let bad = results
                .iter()
                .filter(|(_, s)| *s != crate::domain::VerifyState::Ok)
                .count();
            refresh(app, store);
            if bad > 0 {
                app.error(format!(
                    "{bad} of {} evidence files changed or missing",
                    results.len()
                ));
            } else {
                app.success(format!(
                    "{} evidence files verified, all unchanged",
                    results.len()
                ));
            }
        }
        Err(e) => app.error(format!("cannot verify: {e}")),
    }
}

/// The lapse picker for an event: its findings to link, then a new finding of each kind.
pub(super) fn open_lapse_picker(app: &mut App, store: &Store, event: Event) {
    let Some(t) = &app.timeline else { return };
    let findings = match store.list_findings(&t.incident.id) {
        Ok(f) => f,
        Err(e) => return app.error(format!("cannot read the findings: {e}")),
    };
    let mut choices: Vec<LapseChoice> = findings
        .into_iter()
        .map(|s| LapseChoice::Link {
            label: format!(
                "{:<21} {}",
                s.finding.kind.as_str(),
                inert(&clip(&s.finding.title, 60))
            ),
            finding_id: s.finding.id,
        })
        .collect();
    choices.extend(LapseKind::ALL.iter().map(|k| LapseChoice::New(*k)));
    app.overlays.push(Overlay::LapsePicker {
        event: Box::new(event),
        choices,
        selected: 0,
    });
}

pub(super) fn lapse_picker_key(
    app: &mut App,
    store: &mut Store,
    event: Box<Event>,
    choices: Vec<LapseChoice>,
    selected: usize,
    key: KeyEvent,
) {
    let last = choices.len().saturating_sub(1);
    let pick = match key.code {
        KeyCode::Esc => return app.info("nothing tagged"),
        KeyCode::Down | KeyCode::Char('j') => Err(selected.saturating_add(1).min(last)),
        KeyCode::Up | KeyCode::Char('k') => Err(selected.saturating_sub(1)),
        KeyCode::Enter => Ok(selected),
        // Digits pick a new finding of the n-th kind directly.
        KeyCode::Char(c @ '1'..='6') => Ok(choices.len() - 6 + (c as usize - '1' as usize)),
        _ => Err(selected),
    };
    let index = match pick {
        Ok(i) => i,
        Err(i) => {
            return app.overlays.push(Overlay::LapsePicker {
                event,
                choices,
                selected: i,
            });
        }
    };
    match choices.get(index).cloned() {
        Some(LapseChoice::Link { finding_id, label }) => {
            match store.link_event(&finding_id, &event.id) {
                Ok(()) => {
                    reload_timeline_at(app, store, &event.id);
                    app.success(format!(
                        "tagged: {}",
                        label.split_whitespace().collect::<Vec<_>>().join(" ")
                    ));
                }
                Err(e) => app.error(format!("not tagged: {e}")),
            }
        }
        Some(LapseChoice::New(kind)) => {
            let new = crate::domain::NewFinding::new(kind, &clip(&event.text, 80));
            let result = new
                .map_err(crate::store::StoreError::Invalid)
                .and_then(|n| {
                    let incident_id = event.incident_id.clone();
                    store.create_finding(&incident_id, &n, std::slice::from_ref(&event.id))
                });
            match result {
                Ok(f) => {
                    reload_timeline_at(app, store, &event.id);
                    app.success(format!(
                        "new {} finding from the event: {} (edit it in Findings, 4)",
                        kind.label(),
                        inert(&clip(&f.title, 40))
                    ));
                }
                Err(e) => app.error(format!("not tagged: {e}")),
            }
        }
        None => {}
    }
}

/// From an event to (the first of) its findings.
pub(super) fn go_to_finding(app: &mut App, store: &mut Store, event: &Event) {
    match store.findings_of_event(&event.id) {
        Ok(fs) if fs.is_empty() => app.info("this event supports no finding yet: f tags it"),
        Ok(fs) => {
            show(app, store, View::Findings);
            if let Err(e) = app.findings.select_id(store, &fs[0].id) {
                app.error(format!("cannot read the findings: {e}"));
            }
        }
        Err(e) => app.error(format!("cannot read the findings: {e}")),
    }
}

pub(super) fn record_key(
    app: &mut App,
    mut form: Box<RecordForm>,
    key: KeyEvent,
    store: &mut Store,
) {
    let suggestions = form.suggestions();
    let mut focus = form.focus;
    let action = form_key(&mut form.fields, &mut focus, &suggestions, key);
    form.focus = focus;
    match action {
        FormAction::Handled => app.overlays.push(Overlay::Record(form)),
        FormAction::Cancel => {
            let changed = form.changed();
            cancel_form(app, Overlay::Record(form), changed)
        }
        FormAction::Save => save_record(app, form, store),
    }
}

pub(super) fn save_record(app: &mut App, form: Box<RecordForm>, store: &mut Store) {
    let Some(incident_id) = app.timeline.as_ref().map(|t| t.incident.id.clone()) else {
        return;
    };
    // Set when a version-checked save was overtaken by another window.
    let mut stale = false;
    let mut failed = |e: crate::store::StoreError| {
        stale = matches!(e, crate::store::StoreError::Stale(_));
        e.to_string()
    };
    let result: Result<String, String> = match &form.kind {
        RecordKind::Finding {
            editing,
            from_event,
        } => form.to_finding().and_then(|new| {
            let saved = match editing {
                Some(f) => store.update_finding(&f.id, &new, Some(f.version)),
                None => store.create_finding(&incident_id, &new, from_event.as_slice()),
            };
            saved
                .map(|f| format!("saved finding: {}", inert(&clip(&f.title, 50))))
                .map_err(&mut failed)
        }),
        RecordKind::Overview { incident } => form.to_patch().and_then(|patch| {
            store
                .update_incident(&incident.id, &patch, Some(incident.version))
                .map(|_| "saved the overview".to_string())
                .map_err(&mut failed)
        }),
        RecordKind::Action { finding } => form.to_action().and_then(|new| {
            let findings: Vec<String> = finding.iter().map(|f| f.id.clone()).collect();
            store
                .create_action(&incident_id, &new, &findings)
                .map(|a| {
                    format!(
                        "logged action: {} (6 shows the backlog)",
                        inert(&clip(&a.title, 50))
                    )
                })
                .map_err(|e| e.to_string())
        }),
        RecordKind::Evaluation { item } => form.to_evaluation().and_then(|changes| {
            let changes: Vec<(&str, Option<&str>)> = changes
                .iter()
                .map(|(f, v)| (*f, Some(v.as_str())))
                .collect();
            if changes.is_empty() {
                return Ok("nothing changed".to_string());
            }
            store
                .edit_evaluation_fields(&item.id, &changes, Some(item.version))
                .map(|i| format!("saved the evaluation of {}", inert(&i.area)))
                .map_err(&mut failed)
        }),
        RecordKind::Actor { actor } => form.to_actor().and_then(|(kind, attribution, note)| {
            store
                .save_actor(
                    &incident_id,
                    &actor.name,
                    kind,
                    attribution,
                    &note,
                    Some(actor.version),
                )
                .map(|(a, _)| format!("saved actor {}: {}", inert(&a.name), a.kind.label()))
                .map_err(&mut failed)
        }),
    };
    match result {
        Ok(message) => {
            if let Some(t) = app.timeline.as_mut() {
                let _ = t.reload(store);
            }
            refresh(app, store);
            super::backlog_handlers::refresh(app, store);
            app.success(message);
        }
        Err(_) if stale => {
            super::conflict::ask(app, store, super::conflict::StaleForm::Record(form))
        }
        Err(e) => {
            app.error(format!("not saved: {e}"));
            app.overlays.push(Overlay::Record(form));
        }
    }
}

pub(super) fn delete_finding(app: &mut App, store: &mut Store, id: &str, title: &str) {
    match store.delete_finding(id) {
        Ok(_) => {
            if let Some(t) = app.timeline.as_mut() {
                let _ = t.reload(store);
            }
            refresh(app, store);
            app.success(format!(
                "deleted the finding \"{}\" (u undoes)",
                inert(&clip(title, 40))
            ));
        }
        Err(e) => app.error(format!("not deleted: {e}")),
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
