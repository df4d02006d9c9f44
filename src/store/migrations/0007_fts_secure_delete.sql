-- debrief schema 7: deleted text leaves the full-text index at once. By default FTS5 only
-- marks a deleted row and keeps its words in older index segments until a merge, so an
-- event removed for good (an undone import, a purge) could still be read out of the file.
-- With secure-delete its words are removed when the row is.
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
-- Words of rows deleted before this schema are merged away once.
INSERT INTO events_fts (events_fts) VALUES ('optimize');
