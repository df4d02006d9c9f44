-- debrief schema 14: shorter event rows for large timelines.
--
-- An imported event's fingerprint was 32 hex digits of text (32 bytes in the row and 12
-- in its index). It becomes the same hash's first 8 bytes, kept as a blob and indexed
-- whole; a duplicate also needs the same text (store/import.rs). Bundles write it as 16
-- hex digits and read older bundles' 32 (store/bundle.rs). Any other text (a fingerprint
-- written by hand in a bundle) stays as it was.
DROP INDEX events_fingerprint;
UPDATE events SET fingerprint = unhex(substr(fingerprint, 1, 16))
    WHERE typeof(fingerprint) = 'text' AND length(fingerprint) = 32
      AND fingerprint NOT GLOB '*[^0-9a-f]*';
CREATE INDEX events_fingerprint ON events (fingerprint) WHERE fingerprint IS NOT NULL;

-- An imported event named its import by the import's id (36 characters in every row).
-- Each import gets a number and its events name it by that: events.import_id holds
-- imports.num (as text, the column's type), found by `imports_by_num`.
ALTER TABLE imports ADD COLUMN num INTEGER;
UPDATE imports SET num = rowid;
CREATE UNIQUE INDEX imports_by_num ON imports (num);
UPDATE events SET import_id = (SELECT num FROM imports i WHERE i.id = events.import_id)
    WHERE import_id IS NOT NULL;

-- The full-text index keeps no per-row column sizes (`columnsize = 0`: 13 MB at a million
-- events): only ranking by relevance reads them, and debrief lists matches in time order.
-- The index is made again from the events (those waiting in the search backlog too, so
-- the backlog is done), with secure-delete as schema 7 set it.
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5 (
    text, source, tags, attrs,
    content = 'events', content_rowid = 'seq', columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
DELETE FROM search_backlog;
