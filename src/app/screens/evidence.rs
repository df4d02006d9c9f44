//! The Evidence & actors screen: two lists, one of them focused. Enter shows the events
//! of an actor or a piece of evidence; `e` classifies an actor; `v` verifies the files.

use super::super::effect::Effect;
use super::super::overlays::{
    Overlay, evidence_links::EvidenceLinks, prompt::Prompt, record_form::RecordForm,
};
use super::super::shell::{Cx, keep_in, step};
use crate::domain::{Actor, Event, Incident};
use crate::keymap::Command;
use crate::store::{EventFilter, EvidenceSummary, Result, Store};
use crate::text::clip;

/// The Evidence & actors view: two lists, one of them focused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceState {
    pub actors: Vec<(Actor, i64)>,
    pub evidence: Vec<EvidenceSummary>,
    /// False: the actors list has the keys; true: the evidence list.
    pub on_evidence: bool,
    pub actor: usize,
    pub item: usize,
}

impl EvidenceState {
    pub fn load(&mut self, store: &Store, incident: &Incident) -> Result<()> {
        let counts = store.actor_event_counts(&incident.id)?;
        self.actors = store
            .list_actors(&incident.id)?
            .into_iter()
            .map(|a| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == a.id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (a, n)
            })
            .collect();
        self.evidence = store.list_evidence(&incident.id)?;
        self.actor = keep_in(self.actor, self.actors.len());
        self.item = keep_in(self.item, self.evidence.len());
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        let (index, len) = if self.on_evidence {
            (&mut self.item, self.evidence.len())
        } else {
            (&mut self.actor, self.actors.len())
        };
        *index = step(*index, len, delta);
    }
}

impl EvidenceState {
    /// One command of the Evidence & actors screen.
    /// `current` is the event selected in the timeline, offered when linking evidence.
    pub fn command(
        &mut self,
        incident: &Incident,
        current: Option<&Event>,
        command: Command,
        cx: &mut Cx<'_>,
    ) -> Effect {
        use Command::*;
        match command {
            Up => self.move_by(-1),
            Down => self.move_by(1),
            PageUp | Top => self.move_by(isize::MIN),
            PageDown | Bottom => self.move_by(isize::MAX),
            SwitchPane => self.on_evidence = !self.on_evidence,
            Open if self.on_evidence => {
                if let Some(e) = self.evidence.get(self.item).map(|s| &s.evidence) {
                    let mut filter = EventFilter::incident(&incident.id);
                    filter.evidence = Some(e.id.clone());
                    let label = format!("evidence: {}", clip(&e.locator, 40));
                    return Effect::ShowEvents { filter, label };
                }
            }
            Open => {
                if let Some((a, _)) = self.actors.get(self.actor) {
                    let mut filter = EventFilter::incident(&incident.id);
                    filter.actor = Some(a.name.clone());
                    let label = format!("actor: {}", a.name);
                    return Effect::ShowEvents { filter, label };
                }
            }
            Edit => match self.actors.get(self.actor).filter(|_| !self.on_evidence) {
                Some((a, _)) => {
                    return Effect::Open(Overlay::Record(Box::new(RecordForm::actor(a))));
                }
                None => cx
                    .shell
                    .info("select an actor (left/right switches lists) to classify it"),
            },
            AttachEvidence => {
                return Effect::Open(Overlay::Prompt(Box::new(Prompt::evidence(None))));
            }
            Verify => return verify(incident, cx),
            LinkEvidence => match self.evidence.get(self.item) {
                Some(s) => {
                    self.on_evidence = true;
                    return EvidenceLinks::open(cx, s.evidence.clone(), current);
                }
                None => cx
                    .shell
                    .info("no evidence yet: a adds a file, URL or ticket"),
            },
            _ => {}
        }
        Effect::None
    }
}

/// The evidence prompt's enter: attach what was typed to the incident, or to an event.
pub fn attach(incident: &Incident, event: Option<&str>, typed: &str, cx: &mut Cx<'_>) -> Effect {
    let typed = typed.trim();
    if typed.is_empty() {
        cx.shell.info("nothing attached");
        return Effect::None;
    }
    match crate::ops::attach_typed(cx.store, &incident.id, typed, event) {
        Ok(crate::ops::Attached::Linked(ev)) => {
            cx.shell.success(format!(
                "already evidence, now linked to this event too: {}",
                crate::text::inert(&ev.locator)
            ));
            Effect::Changed(event.map(str::to_string))
        }
        Ok(crate::ops::Attached::New(ev)) => {
            let what = match &ev.sha256 {
                Some(h) => format!("file, sha256 {}…", clip(h, 12).trim_end_matches('…')),
                None => "reference".to_string(),
            };
            cx.shell.success(format!(
                "evidence attached ({what}): {}",
                crate::text::inert(&ev.locator)
            ));
            Effect::Changed(event.map(str::to_string))
        }
        Err(e) => {
            cx.shell.error(format!("not attached: {e}"));
            Effect::None
        }
    }
}

fn verify(incident: &Incident, cx: &mut Cx<'_>) -> Effect {
    match crate::ops::verify_evidence(cx.store, &incident.id) {
        Ok(results) => {
            let bad = results
                .iter()
                .filter(|(_, s)| *s != crate::domain::VerifyState::Ok)
                .count();
            if bad > 0 {
                cx.shell.error(format!(
                    "{bad} of {} evidence files changed or missing",
                    results.len()
                ));
            } else {
                cx.shell.success(format!(
                    "{} evidence files verified, all unchanged",
                    results.len()
                ));
            }
            Effect::Changed(None)
        }
        Err(e) => {
            cx.shell.error(format!("cannot verify: {e}"));
            Effect::None
        }
    }
}
