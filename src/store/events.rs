//! Timeline events: add, find, and read in time order by keyset pages.

use super::fields::{EVENT_FIELDS, event_values, new_event_values};
use super::rows::{EVENT_COLUMNS, EVENT_FROM, event, event_position};
use super::search::{Plan, SearchVia, filter_sql, fts_query, incident_condition};
use super::{Result, Store, StoreError, Writer};
use crate::domain::json;
use crate::domain::{ActorKind, Attribution, Event, KeyEventKind, NewEvent, Phase};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

/// Which events of an incident to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    pub incident_id: String,
    /// Words to find in the text, source or tags (full-text, prefix match, all words).
    pub search: Option<String>,
    pub actor: Option<String>,
    pub tag: Option<String>,
    pub phase: Option<Phase>,
    /// Only the events supporting this finding (id).
    pub finding: Option<String>,
    /// Only the events this evidence (id) supports.
    pub evidence: Option<String>,
}

impl EventFilter {
    pub fn incident(incident_id: &str) -> Self {
        EventFilter {
            incident_id: incident_id.to_string(),
            ..Default::default()
        }
    }

    /// No condition but the incident.
    pub fn is_everything(&self) -> bool {
        self.search.as_deref().and_then(fts_query).is_none()
            && self.actor.is_none()
            && self.tag.is_none()
            && self.phase.is_none()
            && self.finding.is_none()
            && self.evidence.is_none()
    }
}

/// A position in the timeline: the (time, seq) of the last event of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursor {
    pub at_us: i64,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// Where the next page starts, when there may be one.
    pub next: Option<PageCursor>,
}

impl Store {
    /// Adds an event to the incident, creating its actor when new.
    pub fn add_event(&mut self, incident_id: &str, new: &NewEvent) -> Result<Event> {
        self.write("add event", |w| w.insert_event(incident_id, new))
    }

    /// Replaces an event's fields with `new`. With `expected_version`, refuses when
    /// someone else changed the event since it was read.
    pub fn update_event(
        &mut self,
        id: &str,
        new: &NewEvent,
        expected_version: Option<i64>,
    ) -> Result<Event> {
        self.write("edit event", |w| w.update_event(id, new, expected_version))
    }

    /// Marks an event as the incident's key event of `kind` (none: unmarks it). The event
    /// holding that kind now loses it in the same change, so moving a mark is one undo.
    /// Returns the event as saved and the one that gave the mark up, if any.
    pub fn set_key_event(
        &mut self,
        id: &str,
        kind: Option<KeyEventKind>,
    ) -> Result<(Event, Option<Event>)> {
        self.write("mark key event", |w| {
            let before = w.event(id)?;
            let inc = Some(before.incident_id.as_str());
            let mut moved_from = None;
            if let Some(k) = kind {
                let holder: Option<String> = w
                    .tx
                    .query_row(
                        "SELECT id FROM events_v WHERE incident_id = ?1 AND key_kind = ?2 AND id <> ?3",
                        params![before.incident_id, k.as_str(), id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(holder) = holder {
                    w.set_event_field(&holder, &before.incident_id, "key_kind", None)?;
                    w.record_update("event", &holder, inc, "key_kind", Some(k.as_str()), None)?;
                    moved_from = Some(w.event(&holder)?);
                }
            }
            let old = before.key_kind.map(|k| k.as_str());
            let new = kind.map(|k| k.as_str());
            if old != new {
                w.set_event_field(id, &before.incident_id, "key_kind", new)?;
                w.record_update("event", id, inc, "key_kind", old, new)?;
            }
            Ok((w.event(id)?, moved_from))
        })
    }

    /// Deletes an event; events it caused keep existing, without the link.
    pub fn delete_event(&mut self, id: &str) -> Result<Event> {
        self.write("delete event", |w| w.delete_event(id))
    }

    pub fn event(&self, id: &str) -> Result<Option<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?1");
        Ok(self.conn.query_row(&sql, [id], event).optional()?)
    }

    /// The incident's number of events (kept by triggers: no counting).
    pub fn count_events(&self, incident_id: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT events FROM event_counts WHERE incident_id = ?1",
                [incident_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Up to `limit` events after `after` (from the start when `None`), in time order.
    pub fn events_page(
        &self,
        filter: &EventFilter,
        after: Option<PageCursor>,
        limit: usize,
    ) -> Result<EventPage> {
        self.page(filter, after, limit, true)
    }

    /// Up to `limit` events before `before` (from the end when `None`), latest first.
    pub fn events_before(
        &self,
        filter: &EventFilter,
        before: Option<PageCursor>,
        limit: usize,
    ) -> Result<EventPage> {
        self.page(filter, before, limit, false)
    }

    fn page(
        &self,
        filter: &EventFilter,
        from: Option<PageCursor>,
        limit: usize,
        forward: bool,
    ) -> Result<EventPage> {
        if self.search_plan(filter)? == Plan::Dense {
            if let Some(page) = self.dense_page(filter, from, limit, forward)? {
                return Ok(page);
            }
            self.collect_hits(filter)?;
            let (events, last) =
                self.page_via(filter, from, None, limit, forward, SearchVia::Hits)?;
            let next = last.filter(|_| events.len() == limit);
            return Ok(EventPage { events, next });
        }
        let (events, last) =
            self.page_via(filter, from, None, limit, forward, SearchVia::Rowids)?;
        let next = last.filter(|_| events.len() == limit);
        Ok(EventPage { events, next })
    }

    /// Up to `limit` events after `from` (before it, backwards) and up to `to` when given,
    /// with the search written as `via` says; and the position of the last one.
    pub(super) fn page_via(
        &self,
        filter: &EventFilter,
        from: Option<PageCursor>,
        to: Option<PageCursor>,
        limit: usize,
        forward: bool,
        via: SearchVia,
    ) -> Result<(Vec<Event>, Option<PageCursor>)> {
        // A block's hits kept by the capped count that came before (see `search.rs`).
        let listed = match via {
            SearchVia::Range(lo, hi) => self.head_hits(filter, lo, hi)?,
            _ => None,
        };
        let via = if listed.is_some() {
            SearchVia::Listed
        } else {
            via
        };
        let mut sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE {}",
            incident_condition(filter, via)
        );
        let mut args: Vec<Value> = vec![filter.incident_id.clone().into()];
        let query = self.match_query(filter)?;
        filter_sql(filter, via, query.as_deref(), &mut sql, &mut args);
        if let Some(seqs) = &listed {
            // Integers written out: nothing typed reaches the SQL text.
            let list: Vec<String> = seqs.iter().map(i64::to_string).collect();
            sql.push_str(&format!(" AND e.seq IN ({})", list.join(",")));
        }
        let (past, upto) = if forward { (">", "<=") } else { ("<", ">=") };
        for (c, op) in [(from, past), (to, upto)] {
            if let Some(c) = c {
                sql.push_str(&format!(" AND (e.at_us, e.seq) {op} (?, ?)"));
                args.push(c.at_us.into());
                args.push(c.seq.into());
            }
        }
        sql.push_str(if forward {
            " ORDER BY e.at_us, e.seq LIMIT ?"
        } else {
            " ORDER BY e.at_us DESC, e.seq DESC LIMIT ?"
        });
        args.push((limit as i64).into());
        // A listed block's text is used once: kept out of the statement cache.
        let (mut once, mut cached);
        let stmt: &mut rusqlite::Statement<'_> = if listed.is_some() {
            once = self.conn.prepare(&sql)?;
            &mut once
        } else {
            cached = self.conn.prepare_cached(&sql)?;
            &mut cached
        };
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut events = Vec::with_capacity(limit);
        let mut last = None;
        while let Some(r) = rows.next()? {
            events.push(event(r)?);
            last = Some(event_position(r)?);
        }
        Ok((events, last.map(|(at_us, seq)| PageCursor { at_us, seq })))
    }

    /// The incident's key events (first malicious, detected, contained, recovered), in time
    /// order, read through their own index (`+` keeps the time index from being chosen for
    /// the order: that walked every event, 0.4 s at a million).
    pub fn key_events(&self, incident_id: &str) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM}
             WHERE e.incident_id = ?1 AND e.key_kind IS NOT NULL ORDER BY +e.at_us, +e.seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([incident_id], event)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many events match the filter.
    pub fn count_matching(&self, filter: &EventFilter) -> Result<i64> {
        self.count_matching_up_to(filter, None).map(|(n, _)| n)
    }

    /// How many events match, counting no further than `cap` (a million-event filter
    /// would take a second to count); `false` when there are more than `cap`.
    pub fn count_matching_up_to(
        &self,
        filter: &EventFilter,
        cap: Option<i64>,
    ) -> Result<(i64, bool)> {
        if filter.is_everything() {
            return Ok((self.count_events(&filter.incident_id)?, true));
        }
        // A capped count looks the hits up by rowid and stops at the cap; an uncapped one
        // of a common search walks the time index against the collected hits.
        let q = self.match_query(filter)?;
        let via = match (&q, cap) {
            (Some(_), Some(_)) => SearchVia::Joined,
            (Some(_), None) if self.search_plan(filter)? == Plan::Dense => {
                self.collect_hits(filter)?;
                SearchVia::Hits
            }
            _ => SearchVia::Rowids,
        };
        // A capped count of a search reads the hits from the full-text index in order
        // and stops at the cap (`e.seq IN (...)` would collect every hit first).
        let mut inner = if via == SearchVia::Joined {
            "SELECT e.seq FROM events_fts f CROSS JOIN events_v e ON e.seq = f.rowid
             LEFT JOIN actors a ON a.id = e.actor_id
             WHERE f.events_fts MATCH ? AND "
                .to_string()
        } else {
            "SELECT 1 FROM events_v e LEFT JOIN actors a ON a.id = e.actor_id WHERE ".to_string()
        };
        inner.push_str(incident_condition(filter, via));
        let mut args: Vec<Value> = q
            .clone()
            .filter(|_| via == SearchVia::Joined)
            .map(Value::from)
            .into_iter()
            .collect();
        args.push(filter.incident_id.clone().into());
        filter_sql(filter, via, q.as_deref(), &mut inner, &mut args);
        if let (SearchVia::Joined, Some(cap)) = (via, cap) {
            // The hits in rowid order (FTS5 gives them so, nothing is sorted), kept: the
            // first pages of the search read them instead of asking the index again.
            inner.push_str(" ORDER BY f.rowid LIMIT ?");
            args.push((cap + 1).into());
            let seqs: Vec<i64> = self
                .conn
                .prepare_cached(&inner)?
                .query_map(params_from_iter(args), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let n = seqs.len() as i64;
            self.keep_search_head(filter, seqs, n <= cap)?;
            return Ok(if n > cap { (cap, false) } else { (n, true) });
        }
        if let Some(cap) = cap {
            inner.push_str(" LIMIT ?");
            args.push((cap + 1).into());
        }
        let n: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM ({inner})"))?
            .query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(match cap {
            Some(cap) if n > cap => (cap, false),
            _ => (n, true),
        })
    }

    /// The keyset position of an event, to page around it.
    pub fn event_cursor(&self, id: &str) -> Result<Option<PageCursor>> {
        Ok(self
            .conn
            .query_row("SELECT at_us, seq FROM events WHERE id = ?1", [id], |r| {
                Ok(PageCursor {
                    at_us: r.get(0)?,
                    seq: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// The tags used in an incident, most used first.
    pub fn list_tags(&self, incident_id: &str) -> Result<Vec<String>> {
        // From the tags (few) to their events, not from the events (maybe millions); the
        // incident's number looked up once.
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.tag FROM event_tags t
             WHERE (SELECT e.incident FROM events e WHERE e.seq = t.event_seq)
                 = (SELECT num FROM incidents WHERE id = ?1)
             GROUP BY t.tag ORDER BY count(*) DESC, t.tag",
        )?;
        let rows = stmt.query_map([incident_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All matching events in time order, read page by page (for exports and the CLI).
    pub fn for_each_event(
        &self,
        filter: &EventFilter,
        mut f: impl FnMut(&Event) -> Result<()>,
    ) -> Result<()> {
        let mut after = None;
        loop {
            let page = self.events_page(filter, after, 1000)?;
            for e in &page.events {
                f(e)?;
            }
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok(()),
            }
        }
    }
}

impl Writer<'_> {
    /// Runs `delete`, which removes `removed` events. The full-text index forgets a
    /// deleted row's words at once (secure-delete, schema 7) at about 0.3 ms a row; when
    /// many rows go beside those that stay, rebuilding the index from the events left is
    /// far cheaper, and frees the old index whole (its pages zeroed by `secure_delete`).
    pub(crate) fn deleting_events<T>(
        &self,
        removed: i64,
        delete: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let total: i64 = self.tx.query_row(
            "SELECT coalesce(sum(events), 0) FROM event_counts",
            [],
            |r| r.get(0),
        )?;
        let rebuild = removed > 1000 && total - removed < 20 * removed;
        if !rebuild {
            return delete();
        }
        // Without the triggers that take a deleted event out of the index and its slot.
        let triggers = ["events_fts_delete", "event_slots_delete"];
        let done = super::import::without_triggers(&self.tx, &triggers, || {
            let done = delete()?;
            // The rebuild indexes every event left, those waiting in the search backlog too.
            self.tx.execute_batch(
                "INSERT INTO events_fts (events_fts) VALUES ('rebuild'); DELETE FROM search_backlog;",
            )?;
            Ok(done)
        })?;
        // The slots are counted again from the events left (schema 13).
        self.recount_slots()?;
        Ok(done)
    }

    pub(crate) fn insert_event(&self, incident_id: &str, new: &NewEvent) -> Result<Event> {
        let id = self.new_id();
        self.insert_event_with_id(&id, incident_id, new)
    }

    /// Inserts an event under a known id (undo and redo bring events back as they were).
    pub(crate) fn insert_event_with_id(
        &self,
        id: &str,
        incident_id: &str,
        new: &NewEvent,
    ) -> Result<Event> {
        let actor_id = match &new.actor {
            Some(name) => Some(
                self.ensure_actor(
                    incident_id,
                    name,
                    ActorKind::Unclassified,
                    Attribution::Known,
                    "",
                )?
                .id,
            ),
            None => None,
        };
        if let Some(cause) = &new.caused_by {
            self.check_cause(incident_id, cause)?;
        }
        let now = self.now_us();
        self.tx
            .prepare_cached(
                "INSERT INTO events (id, incident, at_us, at_offset, at_precision, text, actor_id,
                     source, phase, tags, technique, key_kind, caused_by, created_us, updated_us, attrs)
                 VALUES (?1, (SELECT num FROM incidents WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)",
            )?
            .execute(params![
                id,
                incident_id,
                new.at.micros(),
                new.at.offset_secs,
                new.at.precision.as_str(),
                new.text,
                actor_id,
                new.source,
                new.phase.map(|p| p.as_str()),
                new.tags.join(" "),
                new.technique,
                new.key_kind.map(|k| k.as_str()),
                new.caused_by,
                now,
                super::rows::attrs_to_text(&new.attrs)
            ])
            .map_err(|e| match e {
                e if super::error::is_unique_violation(&e) => StoreError::Conflict(format!(
                    "the incident already has a '{}' key event",
                    new.key_kind.map(|k| k.label()).unwrap_or_default()
                )),
                e => e.into(),
            })?;
        let seq = self.tx.last_insert_rowid();
        self.index_tags(seq, &new.tags)?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.seq = ?1");
        let created = self.tx.query_row(&sql, [seq], event)?;
        self.record_insert("event", id, Some(incident_id), &json::event(&created))?;
        Ok(created)
    }

    /// Adds an event's tags to the tag index (the `tags` column is the source).
    pub(crate) fn index_tags(&self, seq: i64, tags: &[String]) -> Result<()> {
        let mut insert = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO event_tags (tag, event_seq) VALUES (?1, ?2)")?;
        for tag in tags {
            insert.execute(params![tag, seq])?;
        }
        Ok(())
    }

    /// Rebuilds an event's rows in the tag index from its `tags` column.
    pub(crate) fn reindex_tags(&self, event_id: &str) -> Result<()> {
        let (seq, tags): (i64, String) = self.tx.query_row(
            "SELECT seq, tags FROM events WHERE id = ?1",
            [event_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        self.tx
            .execute("DELETE FROM event_tags WHERE event_seq = ?1", [seq])?;
        self.index_tags_text(seq, &tags)
    }

    /// Indexes an event's tags as its `tags` column holds them (space-separated).
    pub(crate) fn index_tags_text(&self, seq: i64, tags: &str) -> Result<()> {
        let tags: Vec<String> = tags.split_whitespace().map(str::to_string).collect();
        self.index_tags(seq, &tags)
    }

    pub(crate) fn event(&self, id: &str) -> Result<Event> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?1");
        self.tx
            .query_row(&sql, [id], event)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("event {id} no longer exists")))
    }

    pub(crate) fn update_event(
        &self,
        id: &str,
        new: &NewEvent,
        expected_version: Option<i64>,
    ) -> Result<Event> {
        let before = self.event(id)?;
        if let Some(v) = expected_version.filter(|v| *v != before.version) {
            return Err(StoreError::Stale(format!(
                "the event was changed elsewhere (version {v} is now {}); reload it first",
                before.version
            )));
        }
        let old = event_values(&before);
        let new = new_event_values(new);
        for ((field, old), new) in EVENT_FIELDS.iter().zip(&old).zip(&new) {
            if old != new {
                self.set_event_field(id, &before.incident_id, field, new.as_deref())?;
                let inc = Some(before.incident_id.as_str());
                self.record_update("event", id, inc, field, old.as_deref(), new.as_deref())?;
            }
        }
        self.event(id)
    }

    pub(crate) fn delete_event(&self, id: &str) -> Result<Event> {
        let gone = self.event(id)?;
        let inc = Some(gone.incident_id.as_str());
        // Unlink its effects through the history, so undo restores the links too.
        let effects = self.strings("SELECT id FROM events WHERE caused_by = ?1", id)?;
        for effect in effects {
            self.set_event_field(&effect, &gone.incident_id, "caused_by", None)?;
            self.record_update("event", &effect, inc, "caused_by", Some(id), None)?;
        }
        self.unlink_event_everywhere(id)?;
        self.record_delete("event", id, inc, &json::event(&gone))?;
        self.tx.execute("DELETE FROM events WHERE id = ?1", [id])?;
        Ok(gone)
    }

    pub(crate) fn check_cause(&self, incident_id: &str, cause: &str) -> Result<()> {
        let owner: Option<String> = self
            .tx
            .query_row(
                "SELECT incident_id FROM events_v WHERE id = ?1",
                [cause],
                |r| r.get(0),
            )
            .optional()?;
        match owner {
            Some(owner) if owner == incident_id => Ok(()),
            Some(_) => Err(StoreError::invalid(
                "event",
                format!("event {cause} belongs to another incident and cannot be the cause"),
            )),
            None => Err(StoreError::NotFound(format!(
                "no event {cause} to be the cause"
            ))),
        }
    }
}
