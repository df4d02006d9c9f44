-- debrief schema 5: imported timelines. An imported event keeps the columns of its source
-- that have no field of their own (attrs: a JSON object, searchable with the text), the
-- fingerprint of its source row (importing the same file again adds nothing), and the
-- import it came from (one import is undone as a whole).

ALTER TABLE events ADD COLUMN attrs TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN fingerprint TEXT;
ALTER TABLE events ADD COLUMN import_id TEXT;
CREATE UNIQUE INDEX events_fingerprint ON events (incident_id, fingerprint)
    WHERE fingerprint IS NOT NULL;

CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    file         TEXT NOT NULL,
    format       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    rows         INTEGER NOT NULL,
    imported     INTEGER NOT NULL,
    skipped      INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL,
    at_us        INTEGER NOT NULL,
    by           TEXT NOT NULL
);
CREATE INDEX imports_by_incident ON imports (incident_id, at_us);

-- The full-text index gains the attributes.
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5 (
    text, source, tags, attrs,
    content = 'events', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags, new.attrs);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags, old.attrs);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, source, tags, attrs ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags, old.attrs);
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags, new.attrs);
END;
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
