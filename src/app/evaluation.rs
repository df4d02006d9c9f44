//! The Response evaluation view (rate each area during the meeting) and the Report preview
//! (the Markdown report, written to a file on a key). Their state is read by `load` when
//! shown or after a change; render only reads it.

use super::prompt::{Prompt, PromptKind};
use super::records::RecordForm;
use super::{App, Overlay, Pending};
use crate::domain::{EvaluationItem, Incident, Rating};
use crate::io::report::{TimelineScope, render_report};
use crate::io::template::ReportFormat;
use crate::keymap::Command;
use crate::store::Store;
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct EvaluationState {
    pub items: Vec<EvaluationItem>,
    pub selected: usize,
    /// The incident's findings by kind: (id, kind code, title), for links and the picker.
    pub findings: Vec<(String, String, String)>,
    /// How many areas the checklist would start with (shown before it is started).
    pub checklist: Vec<String>,
}

impl EvaluationState {
    pub fn load(&mut self, store: &Store, incident: &Incident) -> crate::store::Result<()> {
        self.items = store.evaluation(&incident.id)?;
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
        self.findings = store
            .list_findings(&incident.id)?
            .into_iter()
            .map(|s| {
                let f = s.finding;
                (f.id, f.kind.as_str().to_string(), f.title)
            })
            .collect();
        if self.items.is_empty() {
            self.checklist = crate::config::evaluation_checklist()
                .map(|c| c.into_iter().map(|a| a.name).collect())
                .unwrap_or_default();
        }
        Ok(())
    }

    /// A linked finding's kind code and title.
    pub fn finding(&self, id: &str) -> Option<(&str, &str)> {
        self.findings
            .iter()
            .find(|(f, _, _)| f == id)
            .map(|(_, kind, title)| (kind.as_str(), title.as_str()))
    }

    pub fn selected_item(&self) -> Option<&EvaluationItem> {
        self.items.get(self.selected)
    }

    /// Areas with both ratings given.
    pub fn rated(&self) -> usize {
        self.items.iter().filter(|i| i.is_rated()).count()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReportState {
    /// The Markdown report, one entry per line, already inert.
    pub lines: Vec<String>,
    pub scroll: u16,
    pub scope: TimelineScope,
    /// Why the report could not be made (a broken template in the config folder).
    pub error: Option<String>,
}

impl ReportState {
    pub fn load(&mut self, store: &Store, incident: &Incident) -> crate::store::Result<()> {
        let made = crate::config::report_template(ReportFormat::Markdown, None)
            .map_err(|e| format!("{e:#}"))
            .and_then(|t| {
                render_report(
                    store,
                    incident,
                    ReportFormat::Markdown,
                    self.scope,
                    t.as_ref(),
                )
            });
        match made {
            Ok(text) => {
                // A template from the config folder may itself hold control characters.
                self.lines = text.lines().map(|l| inert(l).into_owned()).collect();
                self.error = None;
            }
            Err(e) => {
                self.lines.clear();
                self.error = Some(e);
            }
        }
        let last = self.lines.len().saturating_sub(1) as u16;
        self.scroll = self.scroll.min(last);
        Ok(())
    }
}

/// The file name offered for the report: `IR-2026-014-postmortem.md` in the working folder.
pub fn default_report_path(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-postmortem.md")
}

pub(super) fn evaluation(app: &mut App, command: Command, store: &mut Store) {
    let count = app.evaluation.items.len();
    let sel = &mut app.evaluation.selected;
    match command {
        Command::Down => *sel = (*sel + 1).min(count.saturating_sub(1)),
        Command::Up => *sel = sel.saturating_sub(1),
        Command::PageDown | Command::Bottom => *sel = count.saturating_sub(1),
        Command::PageUp | Command::Top => *sel = 0,
        Command::Edit if count == 0 => start(app, store),
        Command::Edit => {
            if let Some(item) = app.evaluation.selected_item() {
                let form = RecordForm::evaluation(item);
                app.overlays.push(Overlay::Record(Box::new(form)));
            }
        }
        Command::RateSufficiency | Command::RateCompleteness => rate(app, command, store),
        Command::LinkFindings => pick_findings(app),
        Command::Add => app.overlays.push(Overlay::Prompt {
            prompt: Box::new(Prompt::new(PromptKind::EvaluationArea, "")),
            selected: 0,
        }),
        Command::Delete => {
            if let Some(item) = app.evaluation.selected_item() {
                app.overlays.push(Overlay::Confirm {
                    question: format!(
                        "Remove the area \"{}\" from this incident's evaluation?",
                        inert(&item.area)
                    ),
                    pending: Pending::RemoveArea {
                        id: item.id.clone(),
                        area: item.area.clone(),
                    },
                });
            }
        }
        _ => {}
    }
}

fn incident(app: &App) -> Option<Incident> {
    app.timeline.as_ref().map(|t| t.incident.clone())
}

/// Re-reads the evaluation after a change and says what happened.
fn changed(app: &mut App, store: &Store, message: String) {
    if let Some(i) = incident(app)
        && let Err(e) = app.evaluation.load(store, &i)
    {
        return app.error(format!("cannot read the evaluation: {e}"));
    }
    app.success(message);
}

/// A refused change: when another window got there first, the area is shown as it is now.
fn not_saved(app: &mut App, store: &Store, e: crate::store::StoreError) {
    if !matches!(e, crate::store::StoreError::Stale(_)) {
        return app.error(format!("not saved: {e}"));
    }
    if let Some(i) = incident(app) {
        let _ = app.evaluation.load(store, &i);
    }
    app.error("not saved: another window changed this area meanwhile; it is shown as it is now, try again");
}

fn start(app: &mut App, store: &mut Store) {
    let Some(i) = incident(app) else { return };
    let areas = match crate::config::evaluation_checklist() {
        Ok(a) => a,
        Err(e) => return app.error(format!("cannot read the checklist: {e:#}")),
    };
    match store.start_evaluation(&i.id, &areas) {
        Ok(items) => changed(
            app,
            store,
            format!(
                "started the evaluation with {} areas: s and c rate, enter notes",
                items.len()
            ),
        ),
        Err(e) => app.error(format!("not started: {e}")),
    }
}

fn rate(app: &mut App, command: Command, store: &mut Store) {
    let Some(item) = app.evaluation.selected_item().cloned() else {
        return app.info("no evaluation yet: enter starts it from the checklist");
    };
    let (field, current) = if command == Command::RateSufficiency {
        ("sufficiency", item.sufficiency)
    } else {
        ("completeness", item.completeness)
    };
    let next = Rating::cycle(current);
    let value = next.map(|r| r.as_str()).unwrap_or("");
    match store.edit_evaluation_fields(&item.id, &[(field, Some(value))], Some(item.version)) {
        Ok(_) => changed(
            app,
            store,
            format!(
                "{}: {field} {}",
                inert(&item.area),
                next.map(|r| r.label()).unwrap_or("not rated")
            ),
        ),
        Err(e) => not_saved(app, store, e),
    }
}

fn pick_findings(app: &mut App) {
    let Some(item) = app.evaluation.selected_item().cloned() else {
        return app.info("no evaluation yet: enter starts it from the checklist");
    };
    if app.evaluation.findings.is_empty() {
        return app.info("the incident has no findings yet: tag lapses in the timeline with f");
    }
    let choices = app
        .evaluation
        .findings
        .iter()
        .map(|(id, kind, title)| FindingChoice {
            id: id.clone(),
            label: format!("{kind}  {title}"),
            linked: item.findings.contains(id),
        })
        .collect();
    app.overlays.push(Overlay::FindingLinks {
        item: Box::new(item),
        choices,
        selected: 0,
    });
}

/// A finding in the link picker, ticked when linked.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingChoice {
    pub id: String,
    pub label: String,
    pub linked: bool,
}

pub(super) fn finding_links_key(
    app: &mut App,
    store: &mut Store,
    item: Box<EvaluationItem>,
    mut choices: Vec<FindingChoice>,
    selected: usize,
    key: KeyEvent,
) {
    let last = choices.len().saturating_sub(1);
    let selected = match key.code {
        KeyCode::Esc => return app.info("links unchanged"),
        KeyCode::Enter => return save_links(app, store, &item, &choices),
        KeyCode::Down | KeyCode::Char('j') => (selected + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
        KeyCode::Char(' ') | KeyCode::Char('x') => {
            if let Some(c) = choices.get_mut(selected) {
                c.linked = !c.linked;
            }
            selected
        }
        _ => selected,
    };
    app.overlays.push(Overlay::FindingLinks {
        item,
        choices,
        selected,
    });
}

fn save_links(app: &mut App, store: &mut Store, item: &EvaluationItem, choices: &[FindingChoice]) {
    // Keep the order they were linked in; newly ticked ones go last.
    let mut ids: Vec<String> = item
        .findings
        .iter()
        .filter(|id| choices.iter().any(|c| c.linked && &c.id == *id))
        .cloned()
        .collect();
    for c in choices.iter().filter(|c| c.linked) {
        if !ids.contains(&c.id) {
            ids.push(c.id.clone());
        }
    }
    let links = ids.join(" ");
    match store.edit_evaluation_fields(&item.id, &[("findings", Some(&links))], Some(item.version))
    {
        Ok(_) => changed(
            app,
            store,
            format!("{}: {} findings linked", inert(&item.area), ids.len()),
        ),
        Err(e) => not_saved(app, store, e),
    }
}

pub(super) fn add_area(app: &mut App, store: &mut Store, name: &str) {
    let Some(i) = incident(app) else { return };
    if name.trim().is_empty() {
        return app.info("no area added");
    }
    match store.add_evaluation_area(&i.id, name, "") {
        Ok(item) => {
            app.evaluation.selected = usize::MAX;
            changed(
                app,
                store,
                format!("added the area {}: s and c rate it", inert(&item.area)),
            )
        }
        Err(e) => app.error(format!("not added: {e}")),
    }
}

pub(super) fn remove_area(app: &mut App, store: &mut Store, id: &str, area: &str) {
    match store.remove_evaluation_area(id) {
        Ok(()) => changed(
            app,
            store,
            format!("removed the area {} (u undoes)", inert(area)),
        ),
        Err(e) => app.error(format!("not removed: {e}")),
    }
}

pub(super) fn report(app: &mut App, command: Command, store: &mut Store) {
    let page = app.height.saturating_sub(8).max(1);
    let last = app.report.lines.len().saturating_sub(1) as u16;
    let scroll = &mut app.report.scroll;
    match command {
        Command::Down => *scroll = (*scroll + 1).min(last),
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll = scroll.saturating_add(page).min(last),
        Command::PageUp => *scroll = scroll.saturating_sub(page),
        Command::Top => *scroll = 0,
        Command::Bottom => *scroll = last,
        Command::ToggleScope => {
            app.report.scope = match app.report.scope {
                TimelineScope::Full => TimelineScope::Key,
                TimelineScope::Key => TimelineScope::Full,
            };
            if let Some(i) = incident(app) {
                let _ = app.report.load(store, &i);
            }
            app.info(match app.report.scope {
                TimelineScope::Full => "the timeline shows every event",
                TimelineScope::Key => "the timeline shows key events and lapses only",
            });
        }
        Command::WriteReport => {
            if let Some(i) = incident(app) {
                let prompt = Prompt::new(PromptKind::ReportPath, &default_report_path(&i.key));
                super::handlers::file_notes(app, &prompt);
                app.overlays.push(Overlay::Prompt {
                    prompt: Box::new(prompt),
                    selected: 0,
                });
            }
        }
        _ => {}
    }
}

/// What writing the report to `typed` will do, for the prompt.
pub fn report_path_note(typed: &str) -> String {
    let typed = typed.trim();
    if typed.is_empty() {
        return "type a file name".into();
    }
    let replaces = if Path::new(typed).exists() {
        "; replaces the file there"
    } else {
        ""
    };
    format!(
        "writes the {} report (readable by you only){replaces}",
        format_for(typed).label()
    )
}

/// The format a path asks for by its extension (Markdown unless .html or .json).
pub fn format_for(path: &str) -> ReportFormat {
    let lower = path.trim().to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        ReportFormat::Html
    } else if lower.ends_with(".json") {
        ReportFormat::Json
    } else {
        ReportFormat::Markdown
    }
}

/// Writes the report to `typed` (0600, atomically), in the format its extension names.
pub(super) fn write_report(app: &mut App, store: &mut Store, typed: &str) {
    let Some(i) = incident(app) else { return };
    let typed = typed.trim();
    if typed.is_empty() {
        return app.info("no report written");
    }
    let path = PathBuf::from(typed);
    let format = format_for(typed);
    let result = crate::config::report_template(format, None)
        .map_err(|e| format!("{e:#}"))
        .and_then(|t| render_report(store, &i, format, app.report.scope, t.as_ref()))
        .and_then(|text| {
            crate::io::files::write_private(&path, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", inert(typed)))
        });
    match result {
        Ok(()) => app.success(format!(
            "wrote the {} report to {}",
            format.label(),
            inert(typed)
        )),
        Err(e) => app.error(format!("report not written: {e}")),
    }
}
