//! Links ticked in a list, saved as one change (one undo): what a piece of evidence backs
//! (the findings, the events it is linked to, the event selected in the timeline), or
//! which findings an action addresses.

use super::super::effect::Effect;
use super::super::shell::Cx;
use super::{Outcome, Ticked};
use crate::domain::{Action, Event, Evidence, Finding};
use crate::store::Target;
use crate::text::{clip, inert};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Event(String),
    Finding(String),
    Evidence(String),
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
    /// What a piece of evidence links to (a piece of evidence itself is no target).
    fn as_target(&self) -> Option<Target<'_>> {
        match &self.target {
            LinkTarget::Event(id) => Some(Target::Event(id)),
            LinkTarget::Finding(id) => Some(Target::Finding(id)),
            LinkTarget::Evidence(_) => None,
        }
    }

    fn id(&self) -> &str {
        match &self.target {
            LinkTarget::Event(id) | LinkTarget::Finding(id) | LinkTarget::Evidence(id) => id,
        }
    }
}

/// What the links are of.
#[derive(Debug, Clone)]
pub enum Subject {
    Evidence(Evidence),
    Action(Action),
    /// The evidence a finding rests on.
    Finding(Finding),
}

#[derive(Debug, Clone)]
pub struct EvidenceLinks {
    pub subject: Subject,
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

    /// The findings of the action's incident, ticked when the action addresses them.
    pub fn for_action(cx: &mut Cx<'_>, action: Action) -> Effect {
        let read = |cx: &mut Cx<'_>| -> crate::store::Result<Vec<LinkChoice>> {
            let linked: Vec<String> = cx
                .store
                .action_findings(&action.id)?
                .into_iter()
                .map(|f| f.id)
                .collect();
            Ok(cx
                .store
                .list_findings(&action.incident_id)?
                .into_iter()
                .map(|s| finding_choice(&s.finding, linked.contains(&s.finding.id)))
                .collect())
        };
        match read(cx) {
            Ok(choices) => Effect::Open(super::Overlay::EvidenceLinks(Box::new(EvidenceLinks {
                subject: Subject::Action(action),
                choices,
                selected: 0,
            }))),
            Err(e) => {
                cx.shell.error(format!("cannot read the findings: {e}"));
                Effect::None
            }
        }
    }

    /// The incident's evidence, ticked when the finding rests on it.
    pub fn for_finding(cx: &mut Cx<'_>, finding: Finding) -> Effect {
        let read = |cx: &mut Cx<'_>| -> crate::store::Result<Vec<LinkChoice>> {
            let linked: Vec<String> = cx
                .store
                .evidence_for(Target::Finding(&finding.id))?
                .into_iter()
                .map(|e| e.id)
                .collect();
            Ok(cx
                .store
                .list_evidence(&finding.incident_id)?
                .into_iter()
                .map(|s| {
                    let e = s.evidence;
                    let linked = linked.contains(&e.id);
                    let name = if e.title.is_empty() {
                        clip(&e.locator, 80)
                    } else {
                        format!("{} ({})", clip(&e.title, 40), clip(&e.locator, 50))
                    };
                    LinkChoice {
                        target: LinkTarget::Evidence(e.id.clone()),
                        label: format!("evidence {} {name}", e.kind.as_str()),
                        linked,
                        was: linked,
                    }
                })
                .collect())
        };
        match read(cx) {
            Ok(choices) => Effect::Open(super::Overlay::EvidenceLinks(Box::new(EvidenceLinks {
                subject: Subject::Finding(finding),
                choices,
                selected: 0,
            }))),
            Err(e) => {
                cx.shell.error(format!("cannot read the evidence: {e}"));
                Effect::None
            }
        }
    }

    /// What the links are of, for the title line.
    pub fn name(&self) -> &str {
        match &self.subject {
            Subject::Evidence(e) => &e.locator,
            Subject::Action(a) => &a.title,
            Subject::Finding(f) => &f.title,
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
            choices.push(finding_choice(&f.finding, findings.contains(&f.finding.id)));
        }
        Ok(EvidenceLinks {
            subject: Subject::Evidence(evidence),
            choices,
            selected: 0,
        })
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        let choices = &mut self.choices;
        let count = choices.len();
        let tick = |i: usize| {
            if let Some(c) = choices.get_mut(i) {
                c.linked = !c.linked;
            }
        };
        match super::tick_list(key, &mut self.selected, count, tick) {
            Ticked::Keep => Outcome::Keep,
            Ticked::Save => Outcome::Close(self.save(cx)),
            Ticked::Cancel => {
                cx.shell.info("links unchanged");
                Outcome::Close(Effect::None)
            }
        }
    }

    fn save(&self, cx: &mut Cx<'_>) -> Effect {
        let link: Vec<&LinkChoice> = self.choices.iter().filter(|c| c.linked && !c.was).collect();
        let unlink: Vec<&LinkChoice> = self.choices.iter().filter(|c| !c.linked && c.was).collect();
        if link.is_empty() && unlink.is_empty() {
            cx.shell.info("links unchanged");
            return Effect::None;
        }
        let saved = match &self.subject {
            Subject::Evidence(ev) => {
                let link: Vec<Target<'_>> = link.iter().filter_map(|c| c.as_target()).collect();
                let unlink: Vec<Target<'_>> = unlink.iter().filter_map(|c| c.as_target()).collect();
                cx.store
                    .relink_evidence(&ev.id, &link, &unlink)
                    .and_then(|()| cx.store.evidence_links(&ev.id))
                    .map(|(events, findings)| {
                        format!(
                            "{} backs {} events and {} findings (u undoes)",
                            inert(&clip(&ev.locator, 40)),
                            events.len(),
                            findings.len()
                        )
                    })
            }
            Subject::Action(a) => {
                let ids = |cs: &[&LinkChoice]| -> Vec<String> {
                    cs.iter()
                        .filter_map(|c| match &c.target {
                            LinkTarget::Finding(id) => Some(id.clone()),
                            LinkTarget::Event(_) | LinkTarget::Evidence(_) => None,
                        })
                        .collect()
                };
                cx.store
                    .relink_action_findings(&a.id, &ids(&link), &ids(&unlink))
                    .and_then(|()| cx.store.action_findings(&a.id))
                    .map(|fs| {
                        format!(
                            "{} addresses {} findings (u undoes)",
                            inert(&clip(&a.title, 40)),
                            fs.len()
                        )
                    })
            }
            Subject::Finding(f) => {
                let ids = |cs: &[&LinkChoice]| -> Vec<String> {
                    cs.iter().map(|c| c.id().to_string()).collect()
                };
                cx.store
                    .relink_finding_evidence(&f.id, &ids(&link), &ids(&unlink))
                    .and_then(|()| cx.store.evidence_for(Target::Finding(&f.id)))
                    .map(|evs| {
                        format!(
                            "{} rests on {} pieces of evidence (u undoes)",
                            inert(&clip(&f.title, 40)),
                            evs.len()
                        )
                    })
            }
        };
        match saved {
            Ok(message) => {
                cx.shell.success(message);
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

fn finding_choice(f: &Finding, linked: bool) -> LinkChoice {
    LinkChoice {
        target: LinkTarget::Finding(f.id.clone()),
        label: format!("finding  {} · {}", f.kind.label(), clip(&f.title, 70)),
        linked,
        was: linked,
    }
}
