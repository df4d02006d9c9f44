-- debrief schema 15: an event names its incident by the incident's number.
--
-- Every event carried its incident's 36-character id, and so did every entry of the time
-- index (about 72 MB at a million events, and the index sorted on keys that all began
-- with the same 36 characters). An incident gets a small number (`incidents.num`, given
-- by a trigger to every new incident however it is written) and its events name it by
-- that (`events.incident`). The view `events_v` shows each event with its incident's id
-- as before (`incident_id`): queries that read events by incident read the view, and
-- write the table with the number (`(SELECT num FROM incidents WHERE id = ?)`).
--
-- The events table is made again (a column that a foreign key uses cannot be dropped).
-- Debrief runs its upgrades with foreign keys off, so dropping the old table deletes
-- nothing that refers to it; the new one takes its name, and with it the references.

ALTER TABLE incidents ADD COLUMN num INTEGER;
UPDATE incidents SET num = rowid;
CREATE UNIQUE INDEX incidents_by_num ON incidents (num);
CREATE TRIGGER incidents_number AFTER INSERT ON incidents WHEN new.num IS NULL
BEGIN
    UPDATE incidents SET num = (SELECT coalesce(max(num), 0) + 1 FROM incidents)
        WHERE id = new.id;
END;

CREATE TABLE events_new (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    incident      INTEGER NOT NULL REFERENCES incidents(num) ON DELETE CASCADE,
    at_us         INTEGER NOT NULL,
    at_offset     INTEGER NOT NULL DEFAULT 0,
    at_precision  TEXT NOT NULL DEFAULT 'exact',
    text          TEXT NOT NULL,
    actor_id      TEXT REFERENCES actors(id) ON DELETE SET NULL,
    source        TEXT,
    phase         TEXT,
    -- Space-separated copy of event_tags, for display and full-text search.
    tags          TEXT NOT NULL DEFAULT '',
    technique     TEXT,
    key_kind      TEXT,
    -- Deferred, so undo can bring back a cause and its effects in any order.
    caused_by     TEXT REFERENCES events(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    created_us    INTEGER NOT NULL,
    updated_us    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    attrs         TEXT NOT NULL DEFAULT '',
    -- An imported row's fingerprint: 8 bytes of its SHA-256, a blob (schema 14).
    fingerprint   TEXT,
    -- The import the event came from, by the import's number (imports.num).
    import_id     TEXT
);
INSERT INTO events_new (seq, id, incident, at_us, at_offset, at_precision, text, actor_id,
        source, phase, tags, technique, key_kind, caused_by, created_us, updated_us, version,
        attrs, fingerprint, import_id)
    SELECT e.seq, e.id, i.num, e.at_us, e.at_offset, e.at_precision, e.text, e.actor_id,
        e.source, e.phase, e.tags, e.technique, e.key_kind, e.caused_by, e.created_us,
        e.updated_us, e.version, e.attrs, e.fingerprint, e.import_id
    FROM events e JOIN incidents i ON i.id = e.incident_id
    ORDER BY e.seq;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

CREATE INDEX events_by_time ON events (incident, at_us, seq);
-- Each key event (first malicious, detected, contained, recovered) at most once per incident.
CREATE UNIQUE INDEX events_key_kind ON events (incident, key_kind) WHERE key_kind IS NOT NULL;
CREATE INDEX events_by_actor ON events (actor_id) WHERE actor_id IS NOT NULL;
CREATE INDEX events_by_cause ON events (caused_by) WHERE caused_by IS NOT NULL;
-- No index of fingerprints (schema 16 finds duplicates through the time index), and the
-- full-text index stays as it is: schema 17 makes it again (once, for both changes).

CREATE VIEW events_v AS
    SELECT e.*, i.id AS incident_id FROM events e JOIN incidents i ON i.num = e.incident;

-- The counts and the density slots stay keyed by the incident's id (a few rows each).
CREATE TRIGGER event_counts_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_counts (incident_id, events)
        VALUES ((SELECT id FROM incidents WHERE num = new.incident), 1)
        ON CONFLICT (incident_id) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER event_counts_delete AFTER DELETE ON events BEGIN
    UPDATE event_counts SET events = events - 1
        WHERE incident_id = (SELECT id FROM incidents WHERE num = old.incident);
END;
CREATE TRIGGER events_fts_insert AFTER INSERT ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE new.seq > from_seq AND new.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags, new.attrs);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE old.seq > from_seq AND old.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags, old.attrs);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, source, tags, attrs ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE old.seq > from_seq AND old.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags, old.attrs);
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags, new.attrs);
END;
CREATE TRIGGER event_slots_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_slots (incident_id, slot, events)
        VALUES ((SELECT id FROM incidents WHERE num = new.incident), new.at_us >> 26, 1)
        ON CONFLICT (incident_id, slot) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER event_slots_delete AFTER DELETE ON events BEGIN
    UPDATE event_slots SET events = events - 1
        WHERE incident_id = (SELECT id FROM incidents WHERE num = old.incident)
          AND slot = old.at_us >> 26;
    DELETE FROM event_slots
        WHERE incident_id = (SELECT id FROM incidents WHERE num = old.incident)
          AND slot = old.at_us >> 26 AND events <= 0;
END;
-- An event moved in time (or to another incident) leaves its old slot for its new one.
CREATE TRIGGER event_slots_move AFTER UPDATE OF incident, at_us ON events
    WHEN old.incident IS NOT new.incident OR (old.at_us >> 26) <> (new.at_us >> 26)
BEGIN
    UPDATE event_slots SET events = events - 1
        WHERE incident_id = (SELECT id FROM incidents WHERE num = old.incident)
          AND slot = old.at_us >> 26;
    DELETE FROM event_slots
        WHERE incident_id = (SELECT id FROM incidents WHERE num = old.incident)
          AND slot = old.at_us >> 26 AND events <= 0;
    INSERT INTO event_slots (incident_id, slot, events)
        VALUES ((SELECT id FROM incidents WHERE num = new.incident), new.at_us >> 26, 1)
        ON CONFLICT (incident_id, slot) DO UPDATE SET events = events + 1;
END;
