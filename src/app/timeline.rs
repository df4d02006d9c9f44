//! The Timeline view's state: a window of events paged from SQLite around the selection,
//! never the whole incident, plus what the detail pane shows of the selected event.

use crate::domain::{Event, Incident, Phase, TimeContext};
use crate::store::{EventFilter, PageCursor, Result, Store};

/// How many events are fetched at a time, and the most the window keeps.
const PAGE: usize = 100;
const MAX_WINDOW: usize = 3 * PAGE;
/// Filtered timelines are counted this far: past it the title says `10000+` (counting a
/// million matches would hold up every filter by a second).
pub const COUNT_CAP: i64 = 10_000;

#[derive(Debug, Clone)]
pub struct TimelineState {
    pub incident: Incident,
    pub ctx: TimeContext,
    pub filter: EventFilter,
    /// The filter as typed, shown above the list.
    pub filter_text: String,
    /// A contiguous slice of the (filtered) timeline around the selection.
    pub rows: Vec<Event>,
    pub more_before: bool,
    pub more_after: bool,
    /// Index into `rows`.
    pub selected: usize,
    /// First visible index into `rows`.
    pub offset: usize,
    /// How many rows fit on screen (set from the layout in update).
    pub viewport: usize,
    /// Matching events in all, or the first [`COUNT_CAP`] of them when `total_exact` is false.
    pub total: i64,
    pub total_exact: bool,
    /// Position of the first row within the whole filtered timeline, when known.
    pub first_index: Option<i64>,
    /// The causes of the selected event, nearest first.
    pub chain: Vec<Event>,
    /// The evidence the selected event rests on.
    pub evidence: Vec<crate::domain::Evidence>,
    /// Completion candidates: actors and tags the incident already has.
    pub actors: Vec<String>,
    pub tags: Vec<String>,
    /// Set while choosing the cause of this event.
    pub linking: Option<Event>,
}

impl TimelineState {
    pub fn open(store: &Store, incident: Incident) -> Result<Self> {
        let ctx = store.time_context(&incident)?;
        let filter = EventFilter::incident(&incident.id);
        let mut t = TimelineState {
            incident,
            ctx,
            filter,
            filter_text: String::new(),
            rows: Vec::new(),
            more_before: false,
            more_after: false,
            selected: 0,
            offset: 0,
            viewport: 10,
            total: 0,
            total_exact: true,
            first_index: Some(0),
            chain: Vec::new(),
            evidence: Vec::new(),
            actors: Vec::new(),
            tags: Vec::new(),
            linking: None,
        };
        t.refresh_lookups(store)?;
        t.load_start(store)?;
        Ok(t)
    }

    pub fn selected_event(&self) -> Option<&Event> {
        self.rows.get(self.selected)
    }

    /// Re-reads the incident, counts and completion lists after a change.
    pub fn refresh_lookups(&mut self, store: &Store) -> Result<()> {
        if let Some(i) = store.incident_by_id(&self.incident.id)? {
            self.incident = i;
        }
        self.ctx = store.time_context(&self.incident)?;
        (self.total, self.total_exact) =
            store.count_matching_up_to(&self.filter, Some(COUNT_CAP))?;
        self.actors = store
            .list_actors(&self.incident.id)?
            .into_iter()
            .map(|a| a.name)
            .collect();
        self.tags = store.list_tags(&self.incident.id)?;
        Ok(())
    }

    pub fn load_start(&mut self, store: &Store) -> Result<()> {
        let page = store.events_page(&self.filter, None, PAGE)?;
        self.more_before = false;
        self.more_after = page.next.is_some();
        self.rows = page.events;
        self.first_index = Some(0);
        self.select(store, 0)
    }

    pub fn load_end(&mut self, store: &Store) -> Result<()> {
        let page = store.events_before(&self.filter, None, PAGE)?;
        self.more_after = false;
        self.more_before = page.next.is_some();
        self.rows = page.events.into_iter().rev().collect();
        self.first_index = self
            .total_exact
            .then(|| self.total - self.rows.len() as i64);
        let last = self.rows.len().saturating_sub(1);
        self.select(store, last)
    }

    /// Loads the window around a position (an event's, or a time's with `seq` 0), selecting
    /// the first event at or after it.
    pub fn load_around(&mut self, store: &Store, at: PageCursor) -> Result<()> {
        let before = store.events_before(&self.filter, Some(at), PAGE / 2)?;
        let from = PageCursor {
            at_us: at.at_us,
            seq: at.seq - 1,
        };
        let after = store.events_page(&self.filter, Some(from), PAGE)?;
        self.more_before = before.next.is_some();
        self.more_after = after.next.is_some();
        let n_before = before.events.len();
        self.rows = before
            .events
            .into_iter()
            .rev()
            .chain(after.events)
            .collect();
        self.first_index = if self.more_before { None } else { Some(0) };
        let target = if n_before < self.rows.len() {
            n_before
        } else {
            self.rows.len().saturating_sub(1)
        };
        self.select(store, target)
    }

    /// Reloads the window keeping the selection on the same event (or where it was).
    pub fn reload(&mut self, store: &Store) -> Result<()> {
        self.refresh_lookups(store)?;
        match self.selected_event().map(|e| e.id.clone()) {
            Some(id) => self.reload_at_event(store, &id),
            None => self.load_start(store),
        }
    }

    pub fn reload_at_event(&mut self, store: &Store, id: &str) -> Result<()> {
        match store.event_cursor(id)? {
            Some(c) => self.load_around(store, c),
            None => {
                // Gone (deleted or undone): stay near where it was.
                let near = self.selected_event().map(|e| PageCursor {
                    at_us: e.at.micros(),
                    seq: 0,
                });
                match near {
                    Some(c) => self.load_around(store, c),
                    None => self.load_start(store),
                }
            }
        }
    }

    /// Moves the selection by `delta` rows, paging in more from SQLite at the edges.
    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        let mut target = self.selected as isize + delta;
        while target >= self.rows.len() as isize && self.more_after {
            // Rows let go of at the front shift every index down.
            target -= self.extend_after(store)? as isize;
        }
        while target < 0 && self.more_before {
            let added = self.extend_before(store)?;
            target += added as isize;
        }
        let last = self.rows.len().saturating_sub(1) as isize;
        let target = target.clamp(0, last.max(0)) as usize;
        // Keep a page in hand beyond the selection, so scrolling never waits at the edge.
        let target = if target + self.viewport >= self.rows.len() && self.more_after {
            target.saturating_sub(self.extend_after(store)?)
        } else {
            target
        };
        let target = if target < self.viewport && self.more_before {
            target + self.extend_before(store)?
        } else {
            target
        };
        self.select(store, target)
    }

    /// Appends a page; returns how many rows were let go of at the front to stay within
    /// the window.
    fn extend_after(&mut self, store: &Store) -> Result<usize> {
        let Some(last) = self.rows.last() else {
            return Ok(0);
        };
        let cursor = position(last, store)?;
        let page = store.events_page(&self.filter, Some(cursor), PAGE)?;
        self.more_after = page.next.is_some();
        self.rows.extend(page.events);
        if self.rows.len() > MAX_WINDOW {
            let drop = self.rows.len() - MAX_WINDOW;
            self.rows.drain(..drop);
            self.selected = self.selected.saturating_sub(drop);
            self.offset = self.offset.saturating_sub(drop);
            self.first_index = self.first_index.map(|i| i + drop as i64);
            self.more_before = true;
            return Ok(drop);
        }
        Ok(0)
    }

    /// Prepends a page; returns how many rows were added in front.
    fn extend_before(&mut self, store: &Store) -> Result<usize> {
        let Some(first) = self.rows.first() else {
            return Ok(0);
        };
        let cursor = position(first, store)?;
        let page = store.events_before(&self.filter, Some(cursor), PAGE)?;
        self.more_before = page.next.is_some();
        let added = page.events.len();
        let mut rows: Vec<Event> = page.events.into_iter().rev().collect();
        rows.append(&mut self.rows);
        self.rows = rows;
        self.selected += added;
        self.offset += added;
        self.first_index = self.first_index.map(|i| i - added as i64);
        if !self.more_before {
            self.first_index = Some(0);
        }
        if self.rows.len() > MAX_WINDOW {
            self.rows.truncate(MAX_WINDOW);
            self.more_after = true;
        }
        Ok(added)
    }

    /// Selects a row and reads what the detail pane shows of it (its chain of causes).
    fn select(&mut self, store: &Store, index: usize) -> Result<()> {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.scroll_to_selection();
        self.chain.clear();
        self.evidence = match self.selected_event() {
            Some(e) => store.evidence_for(crate::store::Target::Event(&e.id))?,
            None => Vec::new(),
        };
        let mut next = self.selected_event().and_then(|e| e.caused_by.clone());
        while let Some(id) = next.take() {
            if self.chain.len() >= 8 || self.chain.iter().any(|e| e.id == id) {
                break;
            }
            if let Some(cause) = store.event(&id)? {
                next = cause.caused_by.clone();
                self.chain.push(cause);
            }
        }
        Ok(())
    }

    pub fn scroll_to_selection(&mut self) {
        let h = self.viewport.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
        let max_offset = self.rows.len().saturating_sub(h);
        self.offset = self.offset.min(max_offset);
    }

    /// Applies a filter typed as `words @actor #tag !phase`.
    pub fn set_filter(&mut self, store: &Store, text: &str) -> std::result::Result<(), String> {
        let parsed = parse_filter(&self.incident.id, text)?;
        self.filter = parsed;
        self.filter_text = text.trim().to_string();
        (self.total, self.total_exact) = store
            .count_matching_up_to(&self.filter, Some(COUNT_CAP))
            .map_err(|e| e.to_string())?;
        self.load_start(store).map_err(|e| e.to_string())
    }

    /// The position of the selected row in the whole filtered timeline, when known.
    pub fn position_label(&self) -> String {
        let total = self.total_label();
        match (self.first_index, self.rows.is_empty()) {
            (_, true) => format!("0/{total}"),
            (Some(first), false) => format!("{}/{total}", first + self.selected as i64 + 1),
            (None, false) => format!("?/{total}"),
        }
    }

    /// The number of matching events as shown: `47`, or `10000+` past the counting cap.
    pub fn total_label(&self) -> String {
        if self.total_exact {
            self.total.to_string()
        } else {
            format!("{}+", self.total)
        }
    }
}

fn position(e: &Event, store: &Store) -> Result<PageCursor> {
    Ok(store.event_cursor(&e.id)?.unwrap_or(PageCursor {
        at_us: e.at.micros(),
        seq: 0,
    }))
}

/// The words of a filter; double quotes keep spaces, so `@"M. Ruiz"` is one word.
pub fn filter_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `words @actor #tag !phase` into a filter on the incident.
pub fn parse_filter(incident_id: &str, text: &str) -> std::result::Result<EventFilter, String> {
    let mut f = EventFilter::incident(incident_id);
    let mut words: Vec<String> = Vec::new();
    for word in filter_words(text) {
        let word = word.as_str();
        if let Some(a) = word.strip_prefix('@').filter(|a| !a.is_empty()) {
            f.actor = Some(a.to_string());
        } else if let Some(t) = word.strip_prefix('#').filter(|t| !t.is_empty()) {
            f.tag = Some(t.to_lowercase());
        } else if let Some(p) = word.strip_prefix('!').filter(|p| !p.is_empty()) {
            f.phase = Some(p.parse::<Phase>()?);
        } else {
            words.push(word.to_string());
        }
    }
    if !words.is_empty() {
        f.search = Some(words.join(" "));
    }
    Ok(f)
}
