//! The density strip above the timeline: how an incident's events spread over its span.
//!
//! Counting a million events along the time index took 170 ms however it was written.
//! Instead, `event_slots` (schema 13) holds each incident's number of events per slot of
//! 2^26 µs (about 67 seconds), kept by triggers on `events` and filled once by a bulk
//! import or a large removal. A slot that lies inside one bucket of the strip adds its
//! count; only the few slots a bucket edge cuts through (at most one per edge) are read
//! event by event from the time index. The counts are exact, not sampled.
//!
//! At a million events over days that reads some thirty thousand slots and a few
//! thousand index entries. When the whole incident spans a few minutes every slot is cut
//! by an edge and the strip reads every event once, as before.

use super::{Result, Store, Writer};
use rusqlite::params;

/// A slot of `event_slots` holds the events with `at_us >> SLOT_BITS` equal to its number.
pub(super) const SLOT_BITS: u32 = 26;

/// How an incident's events spread over its time span: `counts[i]` events fall in the
/// i-th of equal buckets from the first event's time to the last's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Density {
    /// The first and last event's times (microseconds); equal when there is one event.
    pub start_us: i64,
    pub end_us: i64,
    pub counts: Vec<u32>,
}

impl Density {
    /// The bucket a time falls in (clamped to the span).
    pub fn bucket_of(&self, at_us: i64) -> usize {
        let n = self.counts.len() as i128;
        if n == 0 {
            return 0;
        }
        let span = (self.end_us - self.start_us) as i128 + 1;
        let at = (at_us.clamp(self.start_us, self.end_us) - self.start_us) as i128;
        ((at * n / span) as usize).min(self.counts.len() - 1)
    }

    /// The first time inside a bucket.
    pub fn bucket_start(&self, bucket: usize) -> i64 {
        let n = self.counts.len().max(1) as i128;
        let span = (self.end_us - self.start_us) as i128 + 1;
        // The smallest t with t * n / span >= bucket.
        let t = (bucket as i128 * span + n - 1) / n;
        self.start_us + t as i64
    }

    fn add(&mut self, bucket: usize, n: i64) {
        if let Some(c) = self.counts.get_mut(bucket) {
            *c = c.saturating_add(n.clamp(0, u32::MAX as i64) as u32);
        }
    }
}

/// The first and last microsecond of a slot.
fn slot_range(slot: i64) -> (i64, i64) {
    let first = (slot as i128) << SLOT_BITS;
    let last = first + (1i128 << SLOT_BITS) - 1;
    let clamp = |t: i128| t.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    (clamp(first), clamp(last))
}

impl Store {
    /// Events per bucket over the incident's whole span (see the module's note): what the
    /// density strip above the timeline draws. Exact counts.
    pub fn event_density(&self, incident_id: &str, buckets: usize) -> Result<Density> {
        let mut density = Density {
            counts: vec![0; buckets],
            ..Density::default()
        };
        if buckets == 0 {
            return Ok(density);
        }
        // Two lookups at the ends of the time index (`min` and `max` in one query would
        // walk all of it).
        let (lo, hi): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT min(at_us) FROM events_v WHERE incident_id = ?1),
                        (SELECT max(at_us) FROM events_v WHERE incident_id = ?1)",
            )?
            .query_row([incident_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Ok(density);
        };
        density.start_us = lo;
        density.end_us = hi;
        // Runs of adjacent slots cut by a bucket edge, read event by event afterwards.
        let mut cut: Vec<(i64, i64)> = Vec::new();
        let mut slots = self.conn.prepare_cached(
            "SELECT slot, events FROM event_slots WHERE incident_id = ?1 ORDER BY slot",
        )?;
        let mut rows = slots.query([incident_id])?;
        while let Some(r) = rows.next()? {
            let (slot, n): (i64, i64) = (r.get(0)?, r.get(1)?);
            let (first, last) = slot_range(slot);
            let (first, last) = (first.max(lo), last.min(hi));
            if first > last {
                continue;
            }
            let bucket = density.bucket_of(first);
            if bucket == density.bucket_of(last) {
                density.add(bucket, n);
            } else {
                match cut.last_mut() {
                    Some(run) if run.1.checked_add(1) == Some(first) => run.1 = last,
                    _ => cut.push((first, last)),
                }
            }
        }
        let mut times = self.conn.prepare_cached(
            "SELECT at_us FROM events_v
             WHERE incident_id = ?1 AND at_us >= ?2 AND at_us <= ?3",
        )?;
        for (first, last) in cut {
            let mut rows = times.query(params![incident_id, first, last])?;
            while let Some(r) = rows.next()? {
                let bucket = density.bucket_of(r.get(0)?);
                density.add(bucket, 1);
            }
        }
        Ok(density)
    }
}

impl Writer<'_> {
    /// Adds the events of `incident_id` after `last_seq` to `event_slots` (a bulk import,
    /// whose rows the insert trigger did not count): one pass along the time index, in
    /// time order, so a slot's events come together and are counted as a run (a `GROUP
    /// BY` of the slot sorted them again: 0.5 s instead of 0.15 s at a million).
    pub(crate) fn count_slots_after(&self, incident_id: &str, last_seq: i64) -> Result<()> {
        let mut add = self.tx.prepare_cached(
            "INSERT INTO event_slots (incident_id, slot, events) VALUES (?1, ?2, ?3)
             ON CONFLICT (incident_id, slot) DO UPDATE SET events = events + excluded.events",
        )?;
        let mut times = self.tx.prepare_cached(
            "SELECT at_us FROM events_v WHERE incident_id = ?1 AND seq > ?2 ORDER BY at_us",
        )?;
        let mut rows = times.query(params![incident_id, last_seq])?;
        let mut run: Option<(i64, i64)> = None;
        while let Some(r) = rows.next()? {
            let slot = r.get::<_, i64>(0)? >> SLOT_BITS;
            match &mut run {
                Some((s, n)) if *s == slot => *n += 1,
                _ => {
                    if let Some((s, n)) = run.replace((slot, 1)) {
                        add.execute(params![incident_id, s, n])?;
                    }
                }
            }
        }
        if let Some((s, n)) = run {
            add.execute(params![incident_id, s, n])?;
        }
        Ok(())
    }

    /// Counts `event_slots` again from the events (after a removal too large to keep row
    /// by row; its delete trigger was out of the way meanwhile).
    pub(crate) fn recount_slots(&self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM event_slots;
             INSERT INTO event_slots (incident_id, slot, events)
             SELECT i.id, s.slot, s.n
             FROM (SELECT incident, at_us >> 26 AS slot, count(*) AS n FROM events GROUP BY 1, 2) s
             JOIN incidents i ON i.num = s.incident;",
        )?;
        Ok(())
    }
}
