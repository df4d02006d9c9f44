//! The Timeline screen's window over the events: at most three pages around the
//! selection, read by keyset from SQLite and extended at the edges as the selection
//! moves, never the whole incident.

use super::timeline::{MAX_WINDOW, PAGE, TimelineState};
use crate::domain::Event;
use crate::store::{PageCursor, Result, Store};

impl TimelineState {
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
}

fn position(e: &Event, store: &Store) -> Result<PageCursor> {
    Ok(store.event_cursor(&e.id)?.unwrap_or(PageCursor {
        at_us: e.at.micros(),
        seq: 0,
    }))
}
