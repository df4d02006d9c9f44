//! The Backlog and Owners views, and the review walk (meeting mode).

use crate::domain::action::walk_order;
use crate::domain::{Action, ActionStatus, Finding, Review};
use crate::store::{BacklogFilter, OwnerLoad, Result, Store};
use chrono::NaiveDate;
use ratatui_textarea::TextArea;

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
    for word in super::timeline::filter_words(text) {
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
        self.selected = current
            .and_then(|id| self.rows.iter().position(|a| a.id == id))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
        self.load_selected(store).map_err(|e| e.to_string())
    }

    pub fn selected_action(&self) -> Option<&Action> {
        self.rows.get(self.selected)
    }

    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
        self.load_selected(store)
    }

    fn load_selected(&mut self, store: &Store) -> Result<()> {
        let id = self.selected_action().map(|a| a.id.clone());
        (self.findings, self.reviews) = match id {
            Some(id) => (store.action_findings(&id)?, store.reviews(&id)?),
            None => (Vec::new(), Vec::new()),
        };
        Ok(())
    }
}

#[derive(Debug, Clone, Default)]
pub struct OwnersState {
    pub rows: Vec<OwnerLoad>,
    pub selected: usize,
}

impl OwnersState {
    pub fn load(&mut self, store: &Store, today: NaiveDate) -> Result<()> {
        self.rows = store.owner_loads(today)?;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }
}

/// What the walk is asking for, when a key needs more than itself.
#[derive(Debug, Clone)]
pub enum WalkInput {
    Note,
    Reject,
    Owner,
    Due,
}

/// The review walk: one open action at a time, overdue first, each step saved at once.
#[derive(Debug, Clone)]
pub struct Walk {
    pub items: Vec<Action>,
    pub index: usize,
    /// What happened to each item (none: not yet, or skipped).
    pub done: Vec<Option<String>>,
    pub input: Option<(WalkInput, TextArea<'static>)>,
    /// The current item's findings (with their events) and review history.
    pub findings: Vec<(Finding, Vec<crate::domain::Event>)>,
    pub reviews: Vec<Review>,
    pub finished: bool,
}

impl Walk {
    pub fn new(store: &Store, items: Vec<Action>) -> Result<Walk> {
        let n = items.len();
        let mut w = Walk {
            items,
            index: 0,
            done: vec![None; n],
            input: None,
            findings: Vec::new(),
            reviews: Vec::new(),
            finished: n == 0,
        };
        w.load(store)?;
        Ok(w)
    }

    pub fn current(&self) -> Option<&Action> {
        self.items.get(self.index)
    }

    pub fn reviewed(&self) -> usize {
        self.done.iter().filter(|d| d.is_some()).count()
    }

    /// Reads the current item's findings, their events and its reviews.
    pub fn load(&mut self, store: &Store) -> Result<()> {
        let Some(a) = self.current().cloned() else {
            return Ok(());
        };
        if let Some(fresh) = store.action(&a.id)? {
            self.items[self.index] = fresh;
        }
        self.findings = store
            .action_findings(&a.id)?
            .into_iter()
            .map(|f| {
                let events = store.finding_events(&f.id)?;
                Ok((f, events))
            })
            .collect::<Result<_>>()?;
        self.reviews = store.reviews(&a.id)?;
        Ok(())
    }

    /// Moves to the next item, or ends the walk after the last.
    pub fn advance(&mut self, store: &Store) -> Result<()> {
        if self.index + 1 >= self.items.len() {
            self.finished = true;
            return Ok(());
        }
        self.index += 1;
        self.load(store)
    }

    pub fn back(&mut self, store: &Store) -> Result<()> {
        self.finished = false;
        self.index = self.index.saturating_sub(1);
        self.load(store)
    }
}
