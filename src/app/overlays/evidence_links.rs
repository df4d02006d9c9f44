//! What a piece of evidence backs: tick the findings, the events it is linked to, and the
//! event selected in the timeline. Enter saves every change as one (one undo).

use super::super::effect::Effect;
use super::super::shell::{Cx, step};
use super::Outcome;
use crate::domain::{Event, Evidence};
use crate::store::Target;
use crate::text::{clip, inert};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Event(String),
    Finding(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkChoice {
    pub target: LinkTarget,
    pub label: String,
    pub linked: bool,
    /// Whether it was linked when the picker opened.
    pub was: bool,
}

impl LinkChoice {
    fn as_target(&self) -> Target<'_> {
        match &self.target {
            LinkTarget::Event(id) => Target::Event(id),
            LinkTarget::Finding(id) => Target::Finding(id),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EvidenceLinks {
    pub evidence: Evidence,
    pub choices: Vec<LinkChoice>,
    pub selected: usize,
}

impl EvidenceLinks {
    /// The picker for `evidence`: its findings and events, and `current` (the event
    /// selected in the timeline) when it is not linked yet.
    pub fn open(cx: &mut Cx<'_>, evidence: Evidence, current: Option<&Event>) -> Effect {
        match Self::read(cx, evidence, current) {
            Ok(picker) => Effect::Open(super::Overlay::EvidenceLinks(Box::new(picker))),
            Err(e) => {
                cx.shell.error(format!("cannot read the links: {e}"));
                Effect::None
            }
        }
    }

    fn read(
        cx: &mut Cx<'_>,
        evidence: Evidence,
        current: Option<&Event>,
    ) -> crate::store::Result<EvidenceLinks> {
        let (events, findings) = cx.store.evidence_links(&evidence.id)?;
        let mut choices = Vec::new();
        if let Some(e) = current.filter(|e| !events.contains(&e.id)) {
            choices.push(event_choice(e, false));
        }
        for id in &events {
            if let Some(e) = cx.store.event(id)? {
                choices.push(event_choice(&e, true));
            }
        }
        for f in cx.store.list_findings(&evidence.incident_id)? {
            let linked = findings.contains(&f.finding.id);
            choices.push(LinkChoice {
                target: LinkTarget::Finding(f.finding.id.clone()),
                label: format!(
                    "finding  {} · {}",
                    f.finding.kind.label(),
                    clip(&f.finding.title, 70)
                ),
                linked,
                was: linked,
            });
        }
        Ok(EvidenceLinks {
            evidence,
            choices,
            selected: 0,
        })
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        let count = self.choices.len();
        match key.code {
            KeyCode::Esc => {
                cx.shell.info("links unchanged");
                return Outcome::Close(Effect::None);
            }
            KeyCode::Enter => return Outcome::Close(self.save(cx)),
            KeyCode::Down | KeyCode::Char('j') => self.selected = step(self.selected, count, 1),
            KeyCode::Up | KeyCode::Char('k') => self.selected = step(self.selected, count, -1),
            KeyCode::Char(' ' | 'x') => {
                if let Some(c) = self.choices.get_mut(self.selected) {
                    c.linked = !c.linked;
                }
            }
            _ => {}
        }
        Outcome::Keep
    }

    fn save(&self, cx: &mut Cx<'_>) -> Effect {
        let link: Vec<Target<'_>> = self
            .choices
            .iter()
            .filter(|c| c.linked && !c.was)
            .map(LinkChoice::as_target)
            .collect();
        let unlink: Vec<Target<'_>> = self
            .choices
            .iter()
            .filter(|c| !c.linked && c.was)
            .map(LinkChoice::as_target)
            .collect();
        if link.is_empty() && unlink.is_empty() {
            cx.shell.info("links unchanged");
            return Effect::None;
        }
        match cx.store.relink_evidence(&self.evidence.id, &link, &unlink) {
            Ok(()) => {
                let (events, findings) = cx
                    .store
                    .evidence_links(&self.evidence.id)
                    .unwrap_or_default();
                cx.shell.success(format!(
                    "{} backs {} events and {} findings (u undoes)",
                    inert(&clip(&self.evidence.locator, 40)),
                    events.len(),
                    findings.len()
                ));
                Effect::Changed(None)
            }
            Err(e) => {
                cx.shell.error(format!("not linked: {e}"));
                Effect::None
            }
        }
    }
}

fn event_choice(e: &Event, linked: bool) -> LinkChoice {
    LinkChoice {
        target: LinkTarget::Event(e.id.clone()),
        label: format!(
            "event    {} {}",
            crate::domain::show_utc(&e.at),
            clip(&e.text, 70)
        ),
        linked,
        was: linked,
    }
}
