//! The router: sends a key to the overlay on top, else to the screen shown, and applies
//! the [`Effect`] that comes back. The commands every screen shares (switch screens,
//! help, the palette, undo, the demo) are handled here too. Nothing else lives here: a
//! screen's keys are in `screens/`, an overlay's in `overlays/`.

use super::effect::Effect;
use super::open::OpenIncident;
use super::overlays::{Outcome, Overlay, Pending, prompt::Prompt};
use super::prompt_submit;
use super::screens::{evidence, findings, incidents, timeline};
use super::shell::{Cx, Tone};
use super::{App, View};
use crate::domain::Incident;
use crate::keymap::{Command, Key};
use crate::store::Store;
use crate::text::inert;
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

pub(super) fn key(app: &mut App, key: KeyEvent, store: &mut Store) {
    if let Some(top) = app.overlays.last_mut() {
        let mut cx = Cx {
            store,
            shell: &mut app.shell,
        };
        let outcome = top.key(key, &mut cx, app.open.as_ref());
        settle(app, store, outcome);
        return;
    }
    let k = Key::from_event(&key);
    if app.view == View::Timeline
        && let Some(open) = app.open.as_mut()
    {
        let mut cx = Cx {
            store,
            shell: &mut app.shell,
        };
        let ctx = open.ctx;
        if let Some(effect) = open.timeline.linking_key(&ctx, k, &mut cx) {
            return apply(app, store, effect);
        }
    }
    match app.shell.keymap.command(app.view, k) {
        Some(command) => run(app, command, store),
        None => app.shell.info(format!(
            "{k} does nothing here; press ? for the keys of this screen"
        )),
    }
}

/// Applies what an overlay's key did to it, then brings a prompt's notes up to date.
fn settle(app: &mut App, store: &mut Store, outcome: Outcome) {
    match outcome {
        Outcome::Keep => {}
        Outcome::KeepAnd(effect) => apply(app, store, effect),
        Outcome::Close(effect) => {
            app.overlays.pop();
            apply(app, store, effect);
        }
        Outcome::Replace(overlay) => {
            app.overlays.pop();
            app.overlays.push(overlay);
        }
    }
    refresh_prompt(app);
}

/// The notes under a prompt are worked out here (they may look at the disk), never in
/// render.
fn refresh_prompt(app: &mut App) {
    if let Some(Overlay::Prompt(p)) = app.overlays.last_mut() {
        p.refresh(&app.shell.keymap, app.view, app.open.as_ref());
    }
}

/// Runs a command on the current screen (from a key or the palette).
pub(super) fn run(app: &mut App, command: Command, store: &mut Store) {
    use Command::*;
    let effect = match command {
        Quit => Effect::Quit,
        Help => Effect::Open(Overlay::Help(super::overlays::help::Help::default())),
        Palette => Effect::Open(Overlay::Prompt(Box::new(Prompt::palette()))),
        Back => back(app),
        NextView => Effect::Show(next_view(app, 1)),
        PrevView => Effect::Show(next_view(app, -1)),
        ViewIncidents => Effect::Show(View::Incidents),
        ViewTimeline => Effect::Show(View::Timeline),
        ViewOverview => Effect::Show(View::Overview),
        ViewFindings => Effect::Show(View::Findings),
        ViewEvidence => Effect::Show(View::Evidence),
        ViewBacklog => Effect::Show(View::Backlog),
        ViewOwners => Effect::Show(View::Owners),
        ViewEvaluation => Effect::Show(View::Evaluation),
        ViewReport => Effect::Show(View::Report),
        Undo => undo(app, store, false),
        Redo => undo(app, store, true),
        LoadDemo => load_demo(app, store),
        _ => screen_command(app, command, store),
    };
    apply(app, store, effect);
}

/// A command for the screen shown: its own handler, with the narrow context.
fn screen_command(app: &mut App, command: Command, store: &mut Store) -> Effect {
    let mut cx = Cx {
        store,
        shell: &mut app.shell,
    };
    let incident_id = app.open.as_ref().map(|o| o.incident.id.clone());
    match (app.view, app.open.as_mut()) {
        (View::Welcome, _) => incidents::welcome(command),
        (View::Incidents, _) => app.incidents.command(command, &mut cx),
        (View::Backlog, _) => app
            .backlog
            .command(incident_id.as_deref(), command, &mut cx),
        (View::Owners, _) => app.owners.command(command, &mut cx),
        (View::Timeline, Some(o)) => {
            let (t, on) = o.parts();
            t.command(on, command, &mut cx)
        }
        (View::Overview, Some(o)) => o.overview.command(&o.incident, command, &mut cx),
        (View::Findings, Some(o)) => o.findings.command(&o.incident, command, &mut cx),
        (View::Evidence, Some(o)) => {
            let current = o.timeline.selected_event();
            o.evidence.command(&o.incident, current, command, &mut cx)
        }
        (View::Evaluation, Some(o)) => o.evaluation.command(&o.incident, command, &mut cx),
        (View::Report, Some(o)) => o.report.command(&o.incident, command, &mut cx),
        // An incident's screen with no incident open is never shown.
        (_, None) => Effect::None,
    }
}

/// Esc: from an incident's screen back to the list; on the lists it says how to quit.
fn back(app: &mut App) -> Effect {
    let on_a_list = matches!(
        app.view,
        View::Incidents | View::Welcome | View::Backlog | View::Owners
    );
    if on_a_list {
        app.shell.info("press q to quit");
        Effect::None
    } else {
        Effect::Show(View::Incidents)
    }
}

/// Tab and shift-tab go round the screens.
fn next_view(app: &App, step: isize) -> View {
    let tabs: Vec<View> = crate::layout::tabs(app.tab_bar())
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    let current = if app.view == View::Welcome {
        View::Incidents
    } else {
        app.view
    };
    let here = tabs.iter().position(|v| *v == current).unwrap_or(0) as isize;
    tabs[(here + step).rem_euclid(tabs.len() as isize) as usize]
}

/// Applies an effect. The only place that moves between screens or stacks overlays.
pub(super) fn apply(app: &mut App, store: &mut Store, effect: Effect) {
    match effect {
        Effect::None => {}
        Effect::Quit => app.quit = true,
        Effect::Show(view) => show(app, store, view),
        Effect::OpenIncident(incident) => open_incident(app, store, incident),
        Effect::ShowEvents { filter, label } => show_events(app, store, filter, &label),
        Effect::ShowFinding(id) => {
            show(app, store, View::Findings);
            if let Some(o) = app.open.as_mut()
                && let Err(e) = o.findings.select_id(store, &id)
            {
                app.shell.error(format!("cannot read the findings: {e}"));
            }
        }
        Effect::ShowOwnerBacklog(owner) => {
            app.backlog.show_owner(&owner);
            show(app, store, View::Backlog);
        }
        Effect::Open(overlay) => {
            app.overlays.push(overlay);
            refresh_prompt(app);
        }
        Effect::CloseOverlay => {
            app.overlays.pop();
        }
        Effect::Changed(event) => changed(app, store, event.as_deref()),
        Effect::Refresh => refresh_all(app, store),
        Effect::IncidentSaved(key) => {
            reload_incidents(app, store);
            app.incidents.select_key(&key);
            if app.view == View::Welcome {
                app.view = View::Incidents;
            }
            refresh_open(app, store, None);
        }
        Effect::KeepDraft(text) => {
            if let Some(o) = app.open.as_mut() {
                o.timeline.keep_draft(
                    &mut Cx {
                        store,
                        shell: &mut app.shell,
                    },
                    text,
                );
            }
        }
        Effect::Submit(prompt) => prompt_submit::submit(app, store, prompt),
        Effect::Confirmed(pending) => confirmed(app, store, pending),
        Effect::Run(command) => run(app, command, store),
        Effect::Many(effects) => {
            for e in effects {
                apply(app, store, e);
            }
        }
    }
}

/// Carries out what the analyst confirmed, in the screen it belongs to.
fn confirmed(app: &mut App, store: &mut Store, pending: Pending) {
    let mut cx = Cx {
        store,
        shell: &mut app.shell,
    };
    let effect = match (pending, app.open.as_mut()) {
        (Pending::DeleteEvent { id, summary }, _) => timeline::delete_event(&mut cx, &id, &summary),
        (Pending::DeleteIncident { id, key, events }, _)
            if events >= crate::store::BACKGROUND_WEIGHT && cx.store.path().is_some() =>
        {
            return super::background::start_delete(app, store, id, key, events);
        }
        (Pending::DeleteIncident { id, key, events }, _) => {
            let effect = incidents::delete_incident(&mut cx, &id, &key, events);
            apply(app, store, effect);
            return super::background::give_back_space(app, store);
        }
        (Pending::DeleteFinding { id, title }, _) => findings::delete_finding(&mut cx, &id, &title),
        (Pending::RemoveArea { id, area }, Some(o)) => {
            o.evaluation.remove_area(&o.incident, &id, &area, &mut cx);
            Effect::None
        }
        (Pending::ReplaceReport(path), Some(o)) => {
            o.report.write(&o.incident, &path, true, &mut cx)
        }
        (Pending::DiscardForm, _) => Effect::CloseOverlay,
        (_, None) => Effect::None,
    };
    apply(app, store, effect);
}

/// Shows a screen, opening the selected incident first when the screen belongs to one.
fn show(app: &mut App, store: &mut Store, view: View) {
    match view {
        View::Incidents | View::Welcome => {
            reload_incidents(app, store);
            app.view = if app.incidents.rows.is_empty() {
                View::Welcome
            } else {
                View::Incidents
            };
        }
        View::Backlog | View::Owners => {
            app.view = view;
            load_shown(app, store);
        }
        _ => {
            if app.open.is_none() {
                match app.incidents.selected_row().map(|r| r.incident.clone()) {
                    Some(i) => open_incident(app, store, i),
                    None => {
                        return app
                            .shell
                            .info("no incident yet: create one or load the demo");
                    }
                }
                if app.open.is_none() {
                    return;
                }
            }
            app.view = view;
            load_shown(app, store);
        }
    }
}

fn open_incident(app: &mut App, store: &mut Store, incident: Incident) {
    let key = incident.key.clone();
    let local_times = app.open.as_ref().is_some_and(|o| o.timeline.local_times);
    match OpenIncident::open(store, incident, app.shell.timeline_rows(true)) {
        Ok(mut o) => {
            o.timeline.local_times = local_times;
            o.timeline.scroll_to_selection();
            let n = o.timeline.total;
            app.open = Some(o);
            app.view = View::Timeline;
            app.shell.info(format!(
                "{} · {n} events · c to capture, a to add, ? for help",
                inert(&key)
            ));
        }
        Err(e) => app.shell.error(format!("cannot open {}: {e}", inert(&key))),
    }
}

/// The timeline, filtered to some events (a finding's, an actor's, an evidence's).
fn show_events(app: &mut App, store: &mut Store, filter: crate::store::EventFilter, label: &str) {
    let Some(o) = app.open.as_mut() else { return };
    match o.timeline.show_only(store, filter, label) {
        Ok(()) => {
            let n = o.timeline.total_label();
            app.view = View::Timeline;
            app.shell.info(format!(
                "{n} events · {} · x clears the filter",
                inert(label)
            ));
        }
        Err(e) => app.shell.error(format!("cannot read the timeline: {e}")),
    }
}

/// Re-reads what the screen shown holds.
fn load_shown(app: &mut App, store: &mut Store) {
    let mut cx = Cx {
        store,
        shell: &mut app.shell,
    };
    let incident_id = app.open.as_ref().map(|o| o.incident.id.clone());
    match app.view {
        View::Backlog => app.backlog.refresh(incident_id.as_deref(), &mut cx),
        View::Owners => app.owners.refresh(&mut cx),
        view => {
            if let Some(o) = app.open.as_mut()
                && let Err(e) = o.load(view, cx.store, &cx.shell.settings)
            {
                cx.shell.error(format!("cannot read the incident: {e}"));
            }
        }
    }
}

/// After a write: the open incident (its timeline around `event`, when given), the
/// incident list and the screen shown.
fn changed(app: &mut App, store: &mut Store, event: Option<&str>) {
    refresh_open(app, store, event);
    reload_incidents(app, store);
    load_shown(app, store);
}

/// Re-reads the open incident and its timeline; closes it when it is gone.
fn refresh_open(app: &mut App, store: &mut Store, event: Option<&str>) {
    let Some(o) = app.open.as_mut() else { return };
    let result = o.refresh_incident(store).and_then(|there| {
        if !there {
            return Ok(false);
        }
        let t = &mut o.timeline;
        t.refresh_lookups(store)?;
        match event {
            Some(id) => t.reload_at_event(store, id)?,
            None => t.reload(store)?,
        }
        Ok(true)
    });
    match result {
        Ok(true) => {}
        // The incident is gone (deleted, or its creation undone).
        Ok(false) => {
            app.open = None;
            if !matches!(app.view, View::Backlog | View::Owners) {
                app.view = View::Incidents;
            }
        }
        Err(e) => app.shell.error(format!("cannot read the timeline: {e}")),
    }
}

/// Re-reads everything on screen after a change that may have touched any of it (an undo,
/// another window's commit), keeping the selection where it can.
pub(super) fn refresh_all(app: &mut App, store: &mut Store) {
    reload_incidents(app, store);
    refresh_open(app, store, None);
    match (app.view, app.incidents.rows.is_empty()) {
        (_, true) => app.view = View::Welcome,
        (View::Welcome, false) => app.view = View::Incidents,
        _ => {}
    }
    load_shown(app, store);
}

pub(super) fn reload_incidents(app: &mut App, store: &Store) {
    if let Err(e) = app.incidents.reload(store) {
        app.shell.error(format!("cannot read the incidents: {e}"));
    }
}

fn undo(app: &mut App, store: &mut Store, redo: bool) -> Effect {
    if let Some(busy) = app.busy() {
        app.shell.error(format!(
            "{busy}: {} when it has ended",
            if redo { "redo" } else { "undo" }
        ));
        return Effect::None;
    }
    let scope = match app.view {
        View::Timeline => app.open.as_ref().map(|o| o.incident.id.clone()),
        _ => None,
    };
    // A large change (an import of many events) is replayed on a thread: the window
    // keeps drawing and answering keys meanwhile.
    match store.replay_weight(scope.as_deref(), redo) {
        Ok(Some((label, weight)))
            if weight >= crate::store::BACKGROUND_WEIGHT && store.path().is_some() =>
        {
            super::background::start_replay(app, store, scope, redo, &label);
            return Effect::None;
        }
        Err(e) => {
            app.shell.error(format!("cannot read the history: {e}"));
            return Effect::None;
        }
        _ => {}
    }
    let result = if redo {
        store.redo(scope.as_deref())
    } else {
        store.undo(scope.as_deref())
    };
    let (verb, nothing) = if redo {
        ("redone", "nothing of yours to redo in this window")
    } else {
        (
            "undone",
            "nothing of yours to undo in this window (debrief undo takes back other windows' changes)",
        )
    };
    match result {
        Ok(Some(r)) => {
            refresh_all(app, store);
            app.shell.success(format!("{verb}: {}", r.label));
        }
        Ok(None) => app.shell.info(nothing),
        Err(e) => app.shell.error(format!(
            "cannot {}: {e}",
            if redo { "redo" } else { "undo" }
        )),
    }
    Effect::None
}

fn load_demo(app: &mut App, store: &mut Store) -> Effect {
    match crate::ops::load_demo(store) {
        Ok((incident, _)) => {
            reload_incidents(app, store);
            app.incidents.select_key(&incident.key);
            Effect::OpenIncident(incident)
        }
        Err(e) => {
            app.shell.error(format!("cannot load the demo: {e:#}"));
            Effect::None
        }
    }
}

/// Shows what other windows and the CLI committed since the last look. While this
/// window's own import runs, its commit is left to the import's completion to show.
pub(super) fn watch(app: &mut App, store: &mut Store) {
    let Ok(now) = store.data_version() else {
        return;
    };
    let before = app.data_version.replace(now);
    if before.is_none_or(|b| b == now) || app.has_job() {
        return;
    }
    refresh_all(app, store);
    if app.shell.status.tone != Tone::Error {
        app.shell
            .info("updated: another window or the command line changed the database");
    }
}

pub(super) fn mouse(app: &mut App, m: MouseEvent, store: &mut Store) {
    if !app.overlays.is_empty() {
        return;
    }
    let areas = crate::layout::areas(app.shell.width, app.shell.height);
    match m.kind {
        MouseEventKind::ScrollDown => run(app, Command::Down, store),
        MouseEventKind::ScrollUp => run(app, Command::Up, store),
        MouseEventKind::Down(MouseButton::Left) if m.row == areas.tabs.y => {
            if let Some(view) = crate::layout::tab_at(app.tab_bar(), m.column) {
                apply(app, store, Effect::Show(view));
            }
        }
        MouseEventKind::Down(MouseButton::Left) => click_row(app, m.column, m.row, store),
        _ => {}
    }
}

fn click_row(app: &mut App, column: u16, row: u16, store: &mut Store) {
    let areas = crate::layout::areas(app.shell.width, app.shell.height);
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
            let detail = app.open.as_ref().is_none_or(|o| o.timeline.show_detail);
            let list = crate::layout::timeline_areas(areas.body, detail).list;
            let first = list.y + 2;
            let inside = column >= list.x && column < list.right();
            if let Some(t) = app
                .open
                .as_mut()
                .map(|o| &mut o.timeline)
                .filter(|_| inside && row >= first && row < list.bottom())
            {
                let target = t.offset + (row - first) as usize;
                if target < t.rows.len() {
                    let delta = target as isize - t.selected as isize;
                    if let Err(e) = t.move_by(store, delta) {
                        app.shell.error(format!("cannot read the timeline: {e}"));
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

/// Pasted text goes into the field being edited (made inert there).
pub(super) fn paste(app: &mut App, text: &str) {
    match app.overlays.last_mut() {
        Some(Overlay::EventForm(form)) => form.fields.paste(text),
        Some(Overlay::IncidentForm(form)) => form.fields.paste(text),
        Some(Overlay::Record(form)) => form.fields.paste(text),
        Some(Overlay::Prompt(prompt)) => prompt.paste(text),
        Some(Overlay::MergeConflicts(c)) => c.paste(text),
        _ => app.shell.info("paste into a form or a prompt (c, a, /)"),
    }
    refresh_prompt(app);
}

/// Attaches evidence typed into the prompt (used by the prompt's enter).
pub(super) fn attach(app: &mut App, store: &mut Store, prompt: &Prompt) -> Effect {
    let Some(o) = app.open.as_ref() else {
        return Effect::None;
    };
    let mut cx = Cx {
        store,
        shell: &mut app.shell,
    };
    evidence::attach(
        &o.incident,
        prompt.target.as_deref(),
        &prompt.text(),
        &mut cx,
    )
}
