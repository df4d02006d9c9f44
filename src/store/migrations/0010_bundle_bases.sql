-- The bundle last exchanged with a file (imported from it or exported to it), per
-- incident and the file's canonical path: the common ancestor when that file is imported
-- again, so a field changed only here is never overwritten by the file's older value.
-- A base written by an import belongs to its change set: undoing the import sets the
-- base back to the one before (`undone` hides it), redoing brings it again. An export's
-- base has no change set.
CREATE TABLE bundle_bases (
    id           INTEGER PRIMARY KEY,
    incident_id  TEXT NOT NULL,
    path         TEXT NOT NULL,
    change_set   INTEGER,
    at_us        INTEGER NOT NULL,
    bundle       TEXT NOT NULL
);
CREATE INDEX bundle_bases_by_file ON bundle_bases (incident_id, path, id);
