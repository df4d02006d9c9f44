-- debrief schema 1: incidents, the timeline, actors, owners and the history of changes.
-- Times are microseconds since the Unix epoch in UTC (`*_us`); where the source gave an
-- offset it is kept in seconds beside it, with the precision the time is known to.

PRAGMA application_id = 1145197126; -- 'DBRF': marks the file as a debrief database

CREATE TABLE incidents (
    id                  TEXT PRIMARY KEY,
    key                 TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(key)) > 0),
    title               TEXT NOT NULL,
    severity            TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'in-review', 'published')),
    customer_impact     INTEGER NOT NULL DEFAULT 0,
    data_breach         INTEGER NOT NULL DEFAULT 0,
    zone                TEXT NOT NULL DEFAULT 'UTC',
    detected_us         INTEGER,
    detected_offset     INTEGER,
    detected_precision  TEXT,
    summary             TEXT NOT NULL DEFAULT '',
    response            TEXT NOT NULL DEFAULT '',
    takeaways           TEXT NOT NULL DEFAULT '',
    created_us          INTEGER NOT NULL,
    updated_us          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE actors (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    attribution  TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (incident_id, name COLLATE NOCASE)
);

-- `seq` is the rowid: the tie-breaker of the (time, seq) keyset and the FTS key.
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
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
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX events_by_time ON events (incident_id, at_us, seq);
CREATE INDEX events_by_actor ON events (actor_id);
CREATE INDEX events_by_cause ON events (caused_by);
-- Each key event (first malicious, detected, contained, recovered) at most once per incident.
CREATE UNIQUE INDEX events_key_kind ON events (incident_id, key_kind) WHERE key_kind IS NOT NULL;

CREATE TABLE event_tags (
    tag        TEXT NOT NULL,
    event_seq  INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
    PRIMARY KEY (tag, event_seq)
) WITHOUT ROWID;
CREATE INDEX event_tags_by_event ON event_tags (event_seq);

CREATE VIRTUAL TABLE events_fts USING fts5 (
    text, source, tags,
    content = 'events', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, text, source, tags) VALUES (new.seq, new.text, new.source, new.tags);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags)
        VALUES ('delete', old.seq, old.text, old.source, old.tags);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, source, tags ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags)
        VALUES ('delete', old.seq, old.text, old.source, old.tags);
    INSERT INTO events_fts (rowid, text, source, tags) VALUES (new.seq, new.text, new.source, new.tags);
END;

CREATE TABLE owners (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL COLLATE NOCASE UNIQUE,
    kind     TEXT NOT NULL CHECK (kind IN ('person', 'group')),
    contact  TEXT NOT NULL DEFAULT '',
    version  INTEGER NOT NULL DEFAULT 1
);

-- One user action: the unit of undo and redo. An undo or a redo is itself a change set
-- (`undoes` / `redoes` name the one it reversed or re-applied), so the history stays complete.
CREATE TABLE change_sets (
    id           INTEGER PRIMARY KEY,
    at_us        INTEGER NOT NULL,
    by           TEXT NOT NULL,
    incident_id  TEXT,
    label        TEXT NOT NULL,
    undoes       INTEGER REFERENCES change_sets(id),
    redoes       INTEGER REFERENCES change_sets(id),
    undone       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX change_sets_by_incident ON change_sets (incident_id, id);

-- Every change: one row per changed field, or per record inserted or deleted (as JSON).
-- Not tied by foreign keys, so it outlives what it describes and can bring it back.
CREATE TABLE history (
    seq          INTEGER PRIMARY KEY,
    change_set   INTEGER NOT NULL REFERENCES change_sets(id),
    at_us        INTEGER NOT NULL,
    by           TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    incident_id  TEXT,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    field        TEXT,
    old          TEXT,
    new          TEXT
);
CREATE INDEX history_by_incident ON history (incident_id, seq);
CREATE INDEX history_by_change_set ON history (change_set);
