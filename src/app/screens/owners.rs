//! The Owners screen: every owner's load across incidents (open, overdue, not reviewed
//! lately) and how they are reached; enter shows their backlog, `w` walks their open
//! actions, `e` sets their contact.

use super::super::effect::Effect;
use super::super::overlays::{Overlay, prompt::Prompt};
use super::super::shell::{Cx, keep_in, step};
use crate::domain::action::walk_order;
use crate::keymap::Command;
use crate::store::{BacklogFilter, OwnerLoad, Result, Store};
use chrono::NaiveDate;

#[derive(Debug, Clone, Default)]
pub struct OwnersState {
    pub rows: Vec<OwnerLoad>,
    pub selected: usize,
}

impl OwnersState {
    pub fn load(&mut self, store: &Store, today: NaiveDate) -> Result<()> {
        self.rows = store.owner_loads(today)?;
        self.selected = keep_in(self.selected, self.rows.len());
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = step(self.selected, self.rows.len(), delta);
    }
}

impl OwnersState {
    pub fn refresh(&mut self, cx: &mut Cx<'_>) {
        if let Err(e) = self.load(cx.store, cx.shell.today()) {
            cx.shell.error(format!("cannot read the owners: {e}"));
        }
    }

    /// One command of the Owners screen.
    pub fn command(&mut self, command: Command, cx: &mut Cx<'_>) -> Effect {
        use Command::*;
        match command {
            Up => self.move_by(-1),
            Down => self.move_by(1),
            PageUp | Top => self.move_by(isize::MIN),
            PageDown | Bottom => self.move_by(isize::MAX),
            Open => {
                if let Some(o) = self.rows.get(self.selected) {
                    return Effect::ShowOwnerBacklog(o.name.clone());
                }
            }
            Edit => {
                if let Some(o) = self.rows.get(self.selected) {
                    let prompt = Prompt::owner_contact(&o.name, &o.contact);
                    return Effect::Open(Overlay::Prompt(Box::new(prompt)));
                }
            }
            Walk => {
                if let Some(o) = self.rows.get(self.selected) {
                    let filter = BacklogFilter {
                        owner: Some(o.name.clone()),
                        open_only: true,
                        ..Default::default()
                    };
                    match cx.store.backlog(&filter) {
                        Ok(mut items) => {
                            walk_order(&mut items, cx.shell.today());
                            return super::super::overlays::walk::Walk::start(cx, items);
                        }
                        Err(e) => cx.shell.error(format!("cannot read the backlog: {e}")),
                    }
                }
            }
            _ => {}
        }
        Effect::None
    }

    /// The contact prompt's enter: one recorded change (undoable). `Err`: refused, and
    /// the prompt opens again with what was typed.
    pub fn set_contact(
        &mut self,
        name: &str,
        text: &str,
        cx: &mut Cx<'_>,
    ) -> std::result::Result<Effect, String> {
        cx.store
            .set_owner_contact(name, text)
            .map_err(|e| format!("not saved: {e}"))?;
        let name = crate::text::inert(name);
        match text.trim() {
            "" => cx
                .shell
                .success(format!("cleared the contact of {name} (u undoes)")),
            c => cx.shell.success(format!(
                "{name} is reached at {} (u undoes)",
                crate::text::inert(c)
            )),
        }
        self.refresh(cx);
        Ok(Effect::Changed(None))
    }
}
