//! Full-text search over the timeline: how a search is run, and the first pages of a
//! common word read without collecting every hit.
//!
//! A search that matches few events (≤ 5,000 in the full-text index) looks them up by
//! rowid. One that matches many walks the incident's time index a block at a time and
//! asks the full-text index only for the hits inside each block's range of rowids (after
//! an import the rowids follow the time order, so a block's range is narrow and one
//! small query answers it): the first page of a word in every row of a million reads a
//! few hundred index entries. When the rowids of a block are spread wide (events added
//! out of order) or the hits are too rare to fill a page within a few blocks, the hits
//! are read once into `temp.search_hits` and the time index is walked against them.

use super::events::{EventFilter, EventPage, PageCursor};
use super::{Result, Store};
use rusqlite::types::Value;

/// How the search condition of a query is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchVia {
    /// The hits looked up by rowid (few hits), or no search at all.
    Rowids,
    /// The hits kept in `temp.search_hits`.
    Hits,
    /// The query joins the full-text index's hits itself (a capped count).
    Joined,
    /// Only the hits with a rowid in this range (both ends included).
    Range(i64, i64),
    /// The hits listed by the caller (`e.seq IN (...)`, from a [`SearchHead`]).
    Listed,
}

/// The first hits of a capped count (`count_matching_up_to`), in rowid order: every hit of
/// the filter up to the last one listed, or all of them when `complete`. A search's first
/// pages read the hits of their blocks from here instead of asking the full-text index
/// again: a prefix standing for many terms (more than [`MAX_TERMS`]) costs FTS5 a merge of
/// all their lists on every query (about 30 ms for `1` among a million row numbers).
#[derive(Debug)]
pub(super) struct SearchHead {
    filter: EventFilter,
    version: (i64, u64),
    seqs: Vec<i64>,
    complete: bool,
}

/// A search as asked at one state of the data: (FTS query, `data_version`, own writes).
pub(super) type SearchKey = (String, i64, u64);

/// How a search with many hits is answered (see the module's note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// No search, or few hits: looked up by rowid.
    Sparse,
    /// Many hits: pages read block by block, the count capped.
    Dense,
}

/// Events of the time index read per block at first; each further block is four times
/// larger, up to [`MAX_SCANNED`] events in all before the hits are collected instead.
const FIRST_BLOCK: usize = 1024;
const MAX_SCANNED: usize = 1 << 17;

/// Turns what a person typed into an FTS5 query that cannot be a syntax error:
/// each word becomes a quoted prefix term, and all must match.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Appends the filter's conditions (all but the incident) to a query over `events e`
/// joined with `actors a`.
pub(super) fn filter_sql(
    filter: &EventFilter,
    via: SearchVia,
    query: Option<&str>,
    sql: &mut String,
    args: &mut Vec<Value>,
) {
    if let Some(q) = query {
        match via {
            // The hits of this search, kept in a temporary table (see `search.rs`).
            SearchVia::Hits => sql.push_str(" AND e.seq IN (SELECT seq FROM temp.search_hits)"),
            SearchVia::Rowids => {
                sql.push_str(
                    " AND e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
                );
                args.push(q.to_string().into());
            }
            // The query reads the hits from `events_fts f` itself, or the caller lists them.
            SearchVia::Joined | SearchVia::Listed => {}
            SearchVia::Range(lo, hi) => {
                sql.push_str(
                    " AND e.seq IN (SELECT rowid FROM events_fts
                       WHERE events_fts MATCH ? AND rowid >= ? AND rowid <= ?)",
                );
                args.extend([q.to_string().into(), lo.into(), hi.into()]);
            }
        }
    }
    if let Some(actor) = &filter.actor {
        sql.push_str(" AND a.name = ? COLLATE NOCASE");
        args.push(actor.clone().into());
    }
    if let Some(tag) = &filter.tag {
        sql.push_str(" AND e.seq IN (SELECT event_seq FROM event_tags WHERE tag = ?)");
        args.push(tag.trim_start_matches('#').to_lowercase().into());
    }
    if let Some(phase) = filter.phase {
        sql.push_str(" AND e.phase = ?");
        args.push(phase.as_str().to_string().into());
    }
    if let Some(finding) = &filter.finding {
        sql.push_str(" AND e.id IN (SELECT event_id FROM finding_events WHERE finding_id = ?)");
        args.push(finding.clone().into());
    }
    if let Some(evidence) = &filter.evidence {
        sql.push_str(" AND e.id IN (SELECT event_id FROM evidence_links WHERE evidence_id = ?)");
        args.push(evidence.clone().into());
    }
}

/// The condition on the incident. When a search's hits are looked up by rowid, the time
/// index is kept out of it (`+`), so SQLite looks those few up instead of walking the
/// incident's whole timeline to find them.
pub(super) fn incident_condition(filter: &EventFilter, via: SearchVia) -> &'static str {
    if filter.search.as_deref().and_then(fts_query).is_some() && via == SearchVia::Rowids {
        "+e.incident_id = ?"
    } else {
        "e.incident_id = ?"
    }
}

/// A typed word stands for at most this many terms of the index to be written out as
/// those terms (see [`Store::match_query`]); more keep the prefix query.
const MAX_TERMS: i64 = 256;

impl Store {
    /// The FTS5 query of the filter's search, each one-token word's prefix (`"tok"*`)
    /// written out as the few terms of the index it stands for (`("token" OR "tokens")`),
    /// the same hits: FTS5 answers a prefix by merging the whole lists of all its terms,
    /// even for a query restricted to a few rowids (16 ms for a word in half of a million
    /// rows, each page again), while named terms are read only around those rowids
    /// (0.3 ms). Words with punctuation (phrases), other than ASCII or standing for many
    /// terms stay prefixes. Remembered until the search or the data changes.
    pub(super) fn match_query(&self, filter: &EventFilter) -> Result<Option<String>> {
        let Some(q) = filter.search.as_deref().and_then(fts_query) else {
            return Ok(None);
        };
        let key = (q.clone(), self.data_version()?, self.writes.get());
        if let Some((k, written)) = self.search_terms.borrow().as_ref()
            && *k == key
        {
            return Ok(Some(written.clone()));
        }
        self.conn.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.events_fts_terms
                 USING fts5vocab(main, 'events_fts', 'row')",
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT term FROM temp.events_fts_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3",
        )?;
        let mut parts = Vec::new();
        for word in filter
            .search
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
        {
            let prefix = format!("\"{}\"*", word.replace('"', "\"\""));
            if !word.bytes().all(|b| b.is_ascii_alphanumeric()) {
                parts.push(prefix);
                continue;
            }
            let low = word.to_ascii_lowercase();
            // The first string after every one that starts with `low`.
            let mut high = low.clone().into_bytes();
            if let Some(last) = high.last_mut() {
                *last += 1;
            }
            let high = String::from_utf8(high).unwrap_or_default();
            let terms: Vec<String> = stmt
                .query_map(rusqlite::params![low, high, MAX_TERMS + 1], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if terms.is_empty() || terms.len() as i64 > MAX_TERMS {
                parts.push(prefix);
            } else {
                let named: Vec<String> = terms
                    .iter()
                    .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                    .collect();
                parts.push(format!("({})", named.join(" OR ")));
            }
        }
        let written = parts.join(" AND ");
        *self.search_terms.borrow_mut() = Some((key, written.clone()));
        Ok(Some(written))
    }

    /// Whether a search matches many events (more than 5,000 in the full-text index),
    /// remembered until the search or the data changes.
    pub(super) fn search_plan(&self, filter: &EventFilter) -> Result<Plan> {
        let Some(q) = filter.search.as_deref().and_then(fts_query) else {
            return Ok(Plan::Sparse);
        };
        let key = (q.clone(), self.data_version()?, self.writes.get());
        if let Some((k, plan)) = self.search_plan.borrow().as_ref()
            && *k == key
        {
            return Ok(*plan);
        }
        let q = self.match_query(filter)?.unwrap_or(q);
        // A capped count just taken may already have seen more (of the filter's, so of
        // the index's hits too).
        let counted = self
            .search_head
            .borrow()
            .as_ref()
            .filter(|h| h.filter == *filter && h.version == (key.1, key.2))
            .map_or(0, |h| h.seqs.len() as i64);
        let matches: i64 = if counted > 5000 {
            counted
        } else {
            self.conn
                .prepare_cached(
                    "SELECT count(*) FROM
                       (SELECT rowid FROM events_fts WHERE events_fts MATCH ?1 LIMIT 5001)",
                )?
                .query_row([&q], |r| r.get(0))?
        };
        let plan = if matches <= 5000 {
            Plan::Sparse
        } else {
            Plan::Dense
        };
        *self.search_plan.borrow_mut() = Some((key, plan));
        Ok(plan)
    }

    /// A page of a search with many hits, read block by block along the time index;
    /// `None` when the blocks' rowids are spread too wide or the page did not fill within
    /// [`MAX_SCANNED`] events (the caller then collects the hits).
    pub(super) fn dense_page(
        &self,
        filter: &EventFilter,
        from: Option<PageCursor>,
        limit: usize,
        forward: bool,
    ) -> Result<Option<EventPage>> {
        let mut events = Vec::with_capacity(limit);
        let mut last = None;
        let mut position = from;
        let mut block = FIRST_BLOCK.max(limit * 4);
        let mut scanned = 0;
        while events.len() < limit {
            if scanned >= MAX_SCANNED {
                return Ok(None);
            }
            let Some((lo, hi, end, read)) = self.time_block(filter, position, block, forward)?
            else {
                break;
            };
            if hi - lo > 4 * read as i64 + 1024 {
                return Ok(None);
            }
            let want = limit - events.len();
            let (found, found_last) = self.page_via(
                filter,
                position,
                Some(end),
                want,
                forward,
                SearchVia::Range(lo, hi),
            )?;
            let full = found.len() == want;
            if found_last.is_some() {
                last = found_last;
            }
            events.extend(found);
            if full {
                break;
            }
            if read < block {
                // The end of the timeline.
                break;
            }
            position = Some(end);
            scanned += read;
            block = (block * 4).min(MAX_SCANNED);
        }
        let next = last.filter(|_| events.len() == limit);
        Ok(Some(EventPage { events, next }))
    }

    /// The next `block` positions of the incident's time index after (or before) `from`:
    /// the smallest and largest rowid among them, the last position, and how many there
    /// were (`None` when there are none).
    fn time_block(
        &self,
        filter: &EventFilter,
        from: Option<PageCursor>,
        block: usize,
        forward: bool,
    ) -> Result<Option<(i64, i64, PageCursor, usize)>> {
        let (cmp, order) = if forward { (">", "ASC") } else { ("<", "DESC") };
        let after = if from.is_some() {
            format!(" AND (at_us, seq) {cmp} (?3, ?4)")
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT at_us, seq FROM events_v WHERE incident_id = ?1{after}
             ORDER BY at_us {order}, seq {order} LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut args: Vec<rusqlite::types::Value> =
            vec![filter.incident_id.clone().into(), (block as i64).into()];
        if let Some(c) = from {
            args.push(c.at_us.into());
            args.push(c.seq.into());
        }
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let (mut lo, mut hi, mut end, mut read) = (i64::MAX, i64::MIN, None, 0);
        while let Some(r) = rows.next()? {
            let (at_us, seq): (i64, i64) = (r.get(0)?, r.get(1)?);
            lo = lo.min(seq);
            hi = hi.max(seq);
            end = Some(PageCursor { at_us, seq });
            read += 1;
        }
        Ok(end.map(|end| (lo, hi, end, read)))
    }

    /// Keeps the first hits of a capped count (see [`SearchHead`]).
    pub(super) fn keep_search_head(
        &self,
        filter: &EventFilter,
        seqs: Vec<i64>,
        complete: bool,
    ) -> Result<()> {
        *self.search_head.borrow_mut() = Some(SearchHead {
            filter: filter.clone(),
            version: (self.data_version()?, self.writes.get()),
            seqs,
            complete,
        });
        Ok(())
    }

    /// The hits with a rowid from `lo` to `hi` when the kept [`SearchHead`] is of this
    /// filter, at this state of the data, and reaches `hi`.
    pub(super) fn head_hits(
        &self,
        filter: &EventFilter,
        lo: i64,
        hi: i64,
    ) -> Result<Option<Vec<i64>>> {
        let version = (self.data_version()?, self.writes.get());
        let head = self.search_head.borrow();
        let Some(h) = head.as_ref() else {
            return Ok(None);
        };
        let reaches = h.complete || h.seqs.last().is_some_and(|&last| hi <= last);
        if h.filter != *filter || h.version != version || !reaches {
            return Ok(None);
        }
        let from = h.seqs.partition_point(|&s| s < lo);
        let to = h.seqs.partition_point(|&s| s <= hi);
        Ok(Some(h.seqs[from..to.max(from)].to_vec()))
    }

    /// Reads every hit of the search into `temp.search_hits` (once per search and data
    /// version): for a common search whose pages the blocks could not answer.
    pub(super) fn collect_hits(&self, filter: &EventFilter) -> Result<()> {
        let Some(q) = filter.search.as_deref().and_then(fts_query) else {
            return Ok(());
        };
        let key = (q.clone(), self.data_version()?, self.writes.get());
        if self.search_hits.borrow().as_ref() == Some(&key) {
            return Ok(());
        }
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_hits (seq INTEGER PRIMARY KEY);
             DELETE FROM temp.search_hits;",
        )?;
        let q = self.match_query(filter)?.unwrap_or(q);
        self.conn.execute(
            "INSERT INTO temp.search_hits SELECT rowid FROM events_fts WHERE events_fts MATCH ?1",
            [&q],
        )?;
        *self.search_hits.borrow_mut() = Some(key);
        Ok(())
    }
}
