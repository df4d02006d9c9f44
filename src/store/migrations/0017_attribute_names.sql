-- debrief schema 17: an imported event's attribute names are kept once.
--
-- Every imported event carried its attributes as a JSON object, the names with the
-- values: about half of the attributes' bytes at a million events, repeated in every row.
-- An import keeps each set of names it meets once (`attr_names`), and an event with such
-- a set keeps only the values, as a JSON array in the same order (`events.attr_names`
-- names the set; NULL when `attrs` is an object, as every event written before is).
--
-- The SQL function `debrief_attrs(names, attrs)`, which debrief registers on every
-- connection, gives the object again. The view `events_v` shows `attrs` as the object
-- (`attrs_stored` as kept), and the full-text index reads the events through the view
-- `events_fts_source`, so search, its triggers, its rebuild and its integrity check all
-- see the same words as before.

CREATE TABLE attr_names (
    num    INTEGER PRIMARY KEY,
    -- A JSON array of the names, in the order of the values.
    names  TEXT NOT NULL UNIQUE
);

ALTER TABLE events ADD COLUMN attr_names INTEGER;

DROP VIEW events_v;
CREATE VIEW events_v AS
    SELECT e.seq, e.id, e.incident, e.at_us, e.at_offset, e.at_precision, e.text,
        e.actor_id, e.source, e.phase, e.tags, e.technique, e.key_kind, e.caused_by,
        e.created_us, e.updated_us, e.version,
        debrief_attrs((SELECT names FROM attr_names WHERE num = e.attr_names), e.attrs)
            AS attrs,
        e.attrs AS attrs_stored, e.attr_names, e.fingerprint, e.import_id,
        i.id AS incident_id
    FROM events e JOIN incidents i ON i.num = e.incident;

CREATE VIEW events_fts_source AS
    SELECT seq, text, source, tags,
        debrief_attrs((SELECT names FROM attr_names WHERE num = e.attr_names), e.attrs)
            AS attrs
    FROM events e;

-- The full-text index is made again, reading the events through that view, with the
-- attributes as its first column: FTS5 marks each word's entry for a row with its column
-- unless it is the first, and an imported row has more words in its attributes than in
-- its text (11 MB less at a million events). No search names a column. Made from the
-- events (those in the search backlog too, so the backlog is done), with secure-delete
-- as schema 7 set it.
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5 (
    attrs, text, source, tags,
    content = 'events_fts_source', content_rowid = 'seq', columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
-- Every event is an object until now, so the index is filled from the table itself (the
-- same words as through the view, and the upgrade needs no function of debrief's).
-- With a 64 MB buffer of pending words while it is filled (fewer segments to merge, as an
-- import does), set back to FTS5's 1 MB after.
INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO events_fts (rowid, attrs, text, source, tags)
    SELECT seq, attrs, text, source, tags FROM events ORDER BY seq;
INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', 1048576);
DELETE FROM search_backlog;

CREATE TRIGGER events_fts_insert AFTER INSERT ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE new.seq > from_seq AND new.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags,
            debrief_attrs((SELECT names FROM attr_names WHERE num = new.attr_names),
                new.attrs));
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE old.seq > from_seq AND old.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags,
            debrief_attrs((SELECT names FROM attr_names WHERE num = old.attr_names),
                old.attrs));
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, source, tags, attrs, attr_names
    ON events
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE old.seq > from_seq AND old.seq <= to_seq)
BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, source, tags, attrs)
        VALUES ('delete', old.seq, old.text, old.source, old.tags,
            debrief_attrs((SELECT names FROM attr_names WHERE num = old.attr_names),
                old.attrs));
    INSERT INTO events_fts (rowid, text, source, tags, attrs)
        VALUES (new.seq, new.text, new.source, new.tags,
            debrief_attrs((SELECT names FROM attr_names WHERE num = new.attr_names),
                new.attrs));
END;
