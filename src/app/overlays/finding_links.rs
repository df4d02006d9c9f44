//! Ticking the findings an evaluation area's rating rests on.

use super::super::effect::Effect;
use super::super::shell::Cx;
use super::{Outcome, Ticked};
use crate::domain::EvaluationItem;
use crate::store::StoreError;
use crate::text::inert;
use crossterm::event::KeyEvent;

/// A finding in the link picker, ticked when linked.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingChoice {
    pub id: String,
    pub label: String,
    pub linked: bool,
}

#[derive(Debug, Clone)]
pub struct FindingLinks {
    pub item: EvaluationItem,
    pub choices: Vec<FindingChoice>,
    pub selected: usize,
}

impl FindingLinks {
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

    /// The ticked findings, in the order they were linked; newly ticked ones go last.
    pub fn linked_ids(&self) -> Vec<String> {
        let ticked = |id: &String| self.choices.iter().any(|c| c.linked && &c.id == id);
        let mut ids: Vec<String> = self
            .item
            .findings
            .iter()
            .filter(|id| ticked(id))
            .cloned()
            .collect();
        for c in self.choices.iter().filter(|c| c.linked) {
            if !ids.contains(&c.id) {
                ids.push(c.id.clone());
            }
        }
        ids
    }

    fn save(&self, cx: &mut Cx<'_>) -> Effect {
        let ids = self.linked_ids();
        let links = ids.join(" ");
        let item = &self.item;
        let saved = cx.store.edit_evaluation_fields(
            &item.id,
            &[("findings", Some(&links))],
            Some(item.version),
        );
        match saved {
            Ok(_) => cx.shell.success(format!(
                "{}: {} findings linked",
                inert(&item.area),
                ids.len()
            )),
            // The area is shown as it is now (the reload below).
            Err(StoreError::Stale(_)) => cx.shell.error(
                "not saved: another window changed this area meanwhile; it is shown as it is now, try again",
            ),
            Err(e) => {
                cx.shell.error(format!("not saved: {e}"));
                return Effect::None;
            }
        }
        Effect::Changed(None)
    }
}
