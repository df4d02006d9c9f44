-- Which connection (a workbench window, one CLI command) made each change set, so undo
-- and redo in a window act on that window's own changes only. Change sets written
-- before this schema have none: only `debrief undo` (any session) takes them back.
ALTER TABLE change_sets ADD COLUMN session TEXT;
CREATE INDEX change_sets_by_session ON change_sets (session, id);
