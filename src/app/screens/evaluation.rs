//! The Response evaluation screen: rate each area of the response during the meeting
//! (`s` sufficiency, `c` completeness), note it, link the findings it rests on.

use super::super::effect::Effect;
use super::super::overlays::{
    Overlay, Pending,
    finding_links::{FindingChoice, FindingLinks},
    prompt::{Prompt, PromptKind},
    record_form::RecordForm,
};
use super::super::settings::Settings;
use super::super::shell::{Cx, keep_in, step};
use crate::domain::{EvaluationItem, Incident, Rating};
use crate::keymap::Command;
use crate::store::{Store, StoreError};
use crate::text::inert;

#[derive(Debug, Clone, Default)]
pub struct EvaluationState {
    pub items: Vec<EvaluationItem>,
    pub selected: usize,
    /// The incident's findings by kind: (id, kind code, title), for links and the picker.
    pub findings: Vec<(String, String, String)>,
    /// The areas the checklist would start with (shown before it is started).
    pub checklist: Vec<String>,
}

impl EvaluationState {
    pub fn load(
        &mut self,
        store: &Store,
        incident: &Incident,
        settings: &Settings,
    ) -> crate::store::Result<()> {
        self.items = store.evaluation(&incident.id)?;
        self.selected = keep_in(self.selected, self.items.len());
        self.findings = store
            .list_findings(&incident.id)?
            .into_iter()
            .map(|s| {
                let f = s.finding;
                (f.id, f.kind.as_str().to_string(), f.title)
            })
            .collect();
        if self.items.is_empty() {
            self.checklist = match &settings.checklist {
                Ok(areas) => areas.iter().map(|a| a.name.clone()).collect(),
                Err(_) => Vec::new(),
            };
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

impl EvaluationState {
    /// One command of the Evaluation screen.
    pub fn command(&mut self, incident: &Incident, command: Command, cx: &mut Cx<'_>) -> Effect {
        let count = self.items.len();
        match command {
            Command::Down => self.selected = step(self.selected, count, 1),
            Command::Up => self.selected = step(self.selected, count, -1),
            Command::PageDown | Command::Bottom => self.selected = step(0, count, isize::MAX),
            Command::PageUp | Command::Top => self.selected = 0,
            Command::Edit if count == 0 => self.start(incident, cx),
            Command::Edit => {
                if let Some(item) = self.selected_item() {
                    let form = RecordForm::evaluation(item);
                    return Effect::Open(Overlay::Record(Box::new(form)));
                }
            }
            Command::RateSufficiency | Command::RateCompleteness => {
                self.rate(incident, command, cx)
            }
            Command::LinkFindings => return self.pick_findings(cx),
            Command::Add => {
                let prompt = Prompt::new(PromptKind::EvaluationArea, "");
                return Effect::Open(Overlay::Prompt(Box::new(prompt)));
            }
            Command::Delete => {
                if let Some(item) = self.selected_item() {
                    let question = format!(
                        "Remove the area \"{}\" from this incident's evaluation?",
                        inert(&item.area)
                    );
                    let pending = Pending::RemoveArea {
                        id: item.id.clone(),
                        area: item.area.clone(),
                    };
                    return Effect::Open(Overlay::confirm(question, pending));
                }
            }
            _ => {}
        }
        Effect::None
    }

    /// Re-reads the evaluation after a change and says what happened.
    fn changed(&mut self, incident: &Incident, cx: &mut Cx<'_>, message: String) {
        match self.load(cx.store, incident, &cx.shell.settings) {
            Ok(()) => cx.shell.success(message),
            Err(e) => cx.shell.error(format!("cannot read the evaluation: {e}")),
        }
    }

    /// A refused change: when another window got there first, the area is shown as it is now.
    fn not_saved(&mut self, incident: &Incident, cx: &mut Cx<'_>, e: StoreError) {
        if !matches!(e, StoreError::Stale(_)) {
            return cx.shell.error(format!("not saved: {e}"));
        }
        if let Err(e) = self.load(cx.store, incident, &cx.shell.settings) {
            return cx
                .shell
                .error(format!("not saved, and cannot read the evaluation: {e}"));
        }
        cx.shell.error("not saved: another window changed this area meanwhile; it is shown as it is now, try again");
    }

    fn start(&mut self, incident: &Incident, cx: &mut Cx<'_>) {
        let areas = match &cx.shell.settings.checklist {
            Ok(a) => a.clone(),
            Err(e) => return cx.shell.error(format!("cannot read the checklist: {e}")),
        };
        match cx.store.start_evaluation(&incident.id, &areas) {
            Ok(items) => self.changed(
                incident,
                cx,
                format!(
                    "started the evaluation with {} areas: s and c rate, enter notes",
                    items.len()
                ),
            ),
            Err(e) => cx.shell.error(format!("not started: {e}")),
        }
    }

    fn rate(&mut self, incident: &Incident, command: Command, cx: &mut Cx<'_>) {
        let Some(item) = self.selected_item().cloned() else {
            return cx
                .shell
                .info("no evaluation yet: enter starts it from the checklist");
        };
        let (field, current) = if command == Command::RateSufficiency {
            ("sufficiency", item.sufficiency)
        } else {
            ("completeness", item.completeness)
        };
        let next = Rating::cycle(current);
        let value = next.map(|r| r.as_str()).unwrap_or("");
        let saved =
            cx.store
                .edit_evaluation_fields(&item.id, &[(field, Some(value))], Some(item.version));
        match saved {
            Ok(_) => {
                let rating = next.map(|r| r.label()).unwrap_or("not rated");
                let message = format!("{}: {field} {rating}", inert(&item.area));
                self.changed(incident, cx, message)
            }
            Err(e) => self.not_saved(incident, cx, e),
        }
    }

    fn pick_findings(&self, cx: &mut Cx<'_>) -> Effect {
        let Some(item) = self.selected_item().cloned() else {
            cx.shell
                .info("no evaluation yet: enter starts it from the checklist");
            return Effect::None;
        };
        if self.findings.is_empty() {
            cx.shell
                .info("the incident has no findings yet: tag lapses in the timeline with f");
            return Effect::None;
        }
        let choices = self
            .findings
            .iter()
            .map(|(id, kind, title)| FindingChoice {
                id: id.clone(),
                label: format!("{kind}  {title}"),
                linked: item.findings.contains(id),
            })
            .collect();
        Effect::Open(Overlay::FindingLinks(Box::new(FindingLinks {
            item,
            choices,
            selected: 0,
        })))
    }

    /// The new-area prompt's enter.
    pub fn add_area(&mut self, incident: &Incident, name: &str, cx: &mut Cx<'_>) {
        if name.trim().is_empty() {
            return cx.shell.info("no area added");
        }
        match cx.store.add_evaluation_area(&incident.id, name, "") {
            Ok(item) => {
                self.selected = usize::MAX;
                let message = format!("added the area {}: s and c rate it", inert(&item.area));
                self.changed(incident, cx, message)
            }
            Err(e) => cx.shell.error(format!("not added: {e}")),
        }
    }

    /// Removes an area the analyst confirmed.
    pub fn remove_area(&mut self, incident: &Incident, id: &str, area: &str, cx: &mut Cx<'_>) {
        match cx.store.remove_evaluation_area(id) {
            Ok(()) => {
                let message = format!("removed the area {} (u undoes)", inert(area));
                self.changed(incident, cx, message)
            }
            Err(e) => cx.shell.error(format!("not removed: {e}")),
        }
    }
}
