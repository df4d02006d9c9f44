//! The Backlog screen: the open incident's actions, or every incident's, filtered and
//! sorted; enter or `w` starts the review walk over them.

use super::super::effect::Effect;
use super::super::overlays::{Overlay, prompt::Prompt, record_form::RecordForm};
use super::super::shell::{Cx, keep_in, step};
use crate::domain::action::walk_order;
use crate::domain::{Action, ActionStatus, Finding, Review};
use crate::keymap::Command;
use crate::store::{BacklogFilter, Result, Store};
use chrono::NaiveDate;

/// How the backlog is ordered; `s` cycles through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BacklogSort {
    /// Overdue first, then priority, then due date: the order of the review walk.
    #[default]
    Walk,
    Due,
    Priority,
    Owner,
    Status,
}

impl BacklogSort {
    pub fn next(self) -> Self {
        use BacklogSort::*;
        match self {
            Walk => Due,
            Due => Priority,
            Priority => Owner,
            Owner => Status,
            Status => Walk,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BacklogSort::Walk => "overdue, priority, due",
            BacklogSort::Due => "due date",
            BacklogSort::Priority => "priority",
            BacklogSort::Owner => "owner",
            BacklogSort::Status => "status",
        }
    }

    fn apply(self, rows: &mut [Action], today: NaiveDate) {
        walk_order(rows, today);
        // Stable sorts on top of the walk order keep it as the tie-breaker.
        match self {
            BacklogSort::Walk => {}
            BacklogSort::Due => rows.sort_by_key(|a| (a.due.is_none(), a.due)),
            BacklogSort::Priority => rows.sort_by_key(|a| a.priority),
            BacklogSort::Owner => {
                rows.sort_by_key(|a| a.owner.clone().unwrap_or_default().to_lowercase())
            }
            BacklogSort::Status => rows.sort_by_key(|a| a.status),
        }
    }
}

/// The Backlog view: the open incident's actions, or all incidents'.
#[derive(Debug, Clone, Default)]
pub struct BacklogState {
    pub all_incidents: bool,
    pub sort: BacklogSort,
    pub filter_text: String,
    pub rows: Vec<Action>,
    pub selected: usize,
    /// The selected action's findings and review history.
    pub findings: Vec<Finding>,
    pub reviews: Vec<Review>,
    /// The SOP changes of the actions shown (each with its action's title).
    pub sops: Vec<(crate::domain::SopChange, String)>,
}

/// A backlog filter as typed: `@owner #group !status overdue stale`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacklogQuery {
    pub filter: BacklogFilter,
    pub overdue: bool,
    pub stale: bool,
    pub priority: Option<crate::domain::Priority>,
    /// Only actions due before this day.
    pub due_before: Option<NaiveDate>,
}

pub fn parse_backlog_query(text: &str) -> std::result::Result<BacklogQuery, String> {
    let mut q = BacklogQuery::default();
    for word in crate::app::queries::filter_words(text) {
        let word = word.as_str();
        if let Some(o) = word.strip_prefix('@').filter(|o| !o.is_empty()) {
            q.filter.owner = Some(o.to_string());
        } else if let Some(g) = word.strip_prefix('#').filter(|g| !g.is_empty()) {
            q.filter.group = Some(g.to_string());
        } else if let Some(s) = word.strip_prefix('!').filter(|s| !s.is_empty()) {
            q.filter.status = Some(s.parse::<ActionStatus>()?);
        } else if word.eq_ignore_ascii_case("overdue") {
            q.overdue = true;
        } else if word.eq_ignore_ascii_case("stale") {
            q.stale = true;
        } else if word.eq_ignore_ascii_case("open") {
            q.filter.open_only = true;
        } else if let Ok(p) = word.parse::<crate::domain::Priority>() {
            q.priority = Some(p);
        } else if let Some(d) = word.strip_prefix("before:") {
            q.due_before = Some(crate::domain::action::parse_date(d)?);
        } else {
            return Err(format!(
                "{word:?}: use @owner, #group, !status, P0-P3, before:YYYY-MM-DD, open, overdue or stale (quotes around names with spaces)"
            ));
        }
    }
    Ok(q)
}

impl BacklogState {
    pub fn load(
        &mut self,
        store: &Store,
        incident_id: Option<&str>,
        today: NaiveDate,
        stale_days: i64,
    ) -> std::result::Result<(), String> {
        let q = parse_backlog_query(&self.filter_text)?;
        let mut filter = q.filter.clone();
        filter.incident_id = if self.all_incidents {
            None
        } else {
            incident_id.map(str::to_string)
        };
        let current = self.selected_action().map(|a| a.id.clone());
        let mut rows = store.backlog(&filter).map_err(|e| e.to_string())?;
        rows.retain(|a| {
            (!q.overdue || a.is_overdue(today))
                && (!q.stale || a.is_stale(today, stale_days))
                && q.priority.is_none_or(|p| a.priority == p)
                && q.due_before
                    .is_none_or(|d| a.due.is_some_and(|due| due < d))
        });
        self.sort.apply(&mut rows, today);
        self.rows = rows;
        let at = current.and_then(|id| self.rows.iter().position(|a| a.id == id));
        self.selected = keep_in(at.unwrap_or(0), self.rows.len());
        self.load_selected(store).map_err(|e| e.to_string())
    }

    pub fn selected_action(&self) -> Option<&Action> {
        self.rows.get(self.selected)
    }

    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        self.selected = step(self.selected, self.rows.len(), delta);
        self.load_selected(store)
    }

    fn load_selected(&mut self, store: &Store) -> Result<()> {
        let id = self.selected_action().map(|a| a.id.clone());
        (self.findings, self.reviews) = match id {
            Some(id) => (store.action_findings(&id)?, store.reviews(&id)?),
            None => (Vec::new(), Vec::new()),
        };
        let incident = self.selected_action().map(|a| a.incident_id.clone());
        self.sops = match (self.all_incidents, incident) {
            (false, Some(i)) => store.sop_changes(Some(&i))?,
            _ => store.sop_changes(None)?,
        };
        Ok(())
    }
}

impl BacklogState {
    /// Re-reads the backlog of the open incident (or of all incidents), and says why not.
    pub fn refresh(&mut self, incident_id: Option<&str>, cx: &mut Cx<'_>) {
        // Without an open incident the backlog shows every incident's actions.
        self.all_incidents |= incident_id.is_none();
        let (today, days) = (cx.shell.today(), cx.shell.settings.review_days);
        if let Err(e) = self.load(cx.store, incident_id, today, days) {
            cx.shell.error(format!("cannot read the backlog: {e}"));
        }
    }

    /// One command of the Backlog screen.
    pub fn command(
        &mut self,
        incident_id: Option<&str>,
        command: Command,
        cx: &mut Cx<'_>,
    ) -> Effect {
        use Command::*;
        let page = cx.shell.page();
        let moved = match command {
            Up => self.move_by(cx.store, -1),
            Down => self.move_by(cx.store, 1),
            PageUp => self.move_by(cx.store, -page),
            PageDown => self.move_by(cx.store, page),
            Top => self.move_by(cx.store, isize::MIN),
            Bottom => self.move_by(cx.store, isize::MAX),
            _ => Ok(()),
        };
        if let Err(e) = moved {
            cx.shell.error(format!("cannot read the backlog: {e}"));
            return Effect::None;
        }
        match command {
            Command::Walk => {
                let open = self.rows.iter().filter(|a| a.status.is_open()).cloned();
                return super::super::overlays::walk::Walk::start(cx, open.collect());
            }
            Edit => {
                if let Some(a) = self.selected_action().cloned() {
                    return super::super::overlays::walk::Walk::start(cx, vec![a]);
                }
            }
            Add => {
                if incident_id.is_none() {
                    cx.shell.info(
                        "open an incident first (1, enter): an action belongs to an incident",
                    );
                } else {
                    let findings = match cx.store.list_findings(incident_id.unwrap_or_default()) {
                        Ok(fs) => fs
                            .into_iter()
                            .map(|s| (s.finding.id, s.finding.title))
                            .collect(),
                        Err(e) => {
                            cx.shell.error(format!("cannot read the findings: {e}"));
                            return Effect::None;
                        }
                    };
                    let form = RecordForm::action_choosing(findings);
                    return Effect::Open(Overlay::Record(Box::new(form)));
                }
            }
            AddSop => match self.selected_action() {
                Some(a) => {
                    let prompt = Prompt::sop_change(&a.id, &a.title);
                    return Effect::Open(Overlay::Prompt(Box::new(prompt)));
                }
                None => cx.shell.info("no action selected: a logs one"),
            },
            LinkFindings => match self.selected_action().cloned() {
                Some(a) => {
                    return super::super::overlays::evidence_links::EvidenceLinks::for_action(
                        cx, a,
                    );
                }
                None => cx.shell.info("no action selected: a logs one"),
            },
            ToggleAll => {
                self.all_incidents = !self.all_incidents;
                self.refresh(incident_id, cx);
                let scope = if self.all_incidents {
                    "all incidents"
                } else {
                    "this incident"
                };
                cx.shell
                    .info(format!("backlog of {scope}: {} actions", self.rows.len()));
            }
            Filter => {
                let prompt = Prompt::backlog_filter(&self.filter_text);
                return Effect::Open(Overlay::Prompt(Box::new(prompt)));
            }
            ClearFilter => self.apply_filter(incident_id, "", cx),
            Sort => {
                self.sort = self.sort.next();
                self.refresh(incident_id, cx);
                cx.shell.info(format!("sorted by {}", self.sort.label()));
            }
            _ => {}
        }
        Effect::None
    }

    /// The backlog filter prompt's enter; a filter that does not read leaves the old one.
    pub fn apply_filter(&mut self, incident_id: Option<&str>, text: &str, cx: &mut Cx<'_>) {
        let before = std::mem::replace(&mut self.filter_text, text.trim().to_string());
        self.refresh(incident_id, cx);
        if cx.shell.status.tone == super::super::shell::Tone::Error {
            self.filter_text = before;
            self.refresh(incident_id, cx);
        } else {
            cx.shell.info(format!("{} actions", self.rows.len()));
        }
    }

    /// Every incident's actions of one owner (from the Owners screen).
    pub fn show_owner(&mut self, owner: &str) {
        self.all_incidents = true;
        self.filter_text = format!("@\"{owner}\"");
        self.selected = 0;
    }

    /// The SOP prompt's enter: `document, section[, YYYY-MM-DD]` for the action.
    pub fn add_sop(&mut self, action_id: &str, text: &str, cx: &mut Cx<'_>) -> Effect {
        let (document, section, when) = match crate::domain::action::parse_sop_line(text) {
            Ok(parts) => parts,
            Err(e) => {
                cx.shell.error(format!("not saved: {e}"));
                return Effect::None;
            }
        };
        match cx
            .store
            .add_sop_change(action_id, &document, &section, when)
        {
            Ok(s) => {
                cx.shell.success(format!(
                    "SOP change saved: {} (u undoes)",
                    crate::text::inert(&s.document)
                ));
                Effect::Changed(None)
            }
            Err(e) => {
                cx.shell.error(format!("not saved: {e}"));
                Effect::None
            }
        }
    }
}
