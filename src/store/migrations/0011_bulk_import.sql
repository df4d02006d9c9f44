-- debrief schema: compact indexes for large timelines.
-- The fingerprint of an imported row was a unique index over (incident, 32 hex digits):
-- 88 MB at a million events, filled in random order. It becomes a short key over the
-- first 12 hex digits; the importer finds duplicates through it and compares the whole
-- fingerprint and the incident (store/import.rs), so duplicate detection stays exact.
DROP INDEX events_fingerprint;
CREATE INDEX events_fingerprint ON events (substr(fingerprint, 1, 12))
    WHERE fingerprint IS NOT NULL;
-- Imported events have no actor link or cause most of the time: index only those that do.
DROP INDEX events_by_actor;
CREATE INDEX events_by_actor ON events (actor_id) WHERE actor_id IS NOT NULL;
DROP INDEX events_by_cause;
CREATE INDEX events_by_cause ON events (caused_by) WHERE caused_by IS NOT NULL;
