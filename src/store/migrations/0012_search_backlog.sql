-- debrief schema 12: a large import commits its events first and fills the full-text
-- index afterwards, in short transactions (store/search_backlog.rs), so the timeline is
-- usable before search is. `search_backlog` holds the events not indexed yet: those with
-- from_seq < seq <= to_seq. The triggers leave such an event alone (it is not in the index
-- to be taken out of, and the fill reads it as it is when its turn comes); an event outside
-- every range is indexed by the triggers as before.
CREATE TABLE search_backlog (
    id        INTEGER PRIMARY KEY,
    from_seq  INTEGER NOT NULL,
    to_seq    INTEGER NOT NULL
);

DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
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
