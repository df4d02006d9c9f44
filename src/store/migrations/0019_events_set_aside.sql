-- debrief schema 19: a deleted incident's events are set aside whole, for undo.
--
-- Deleting an incident recorded each of its events in the history, one snapshot (a
-- JSON object) a row, and undo wrote each back through the single-event path: at a
-- million imported events, 90 s to delete, 101 s to undo, and the file grew from 386 MB
-- to 1.8 GB for good (every snapshot twice, and the restored rows no longer compact).
-- The events now move, as they are stored, into `events_set_aside`, and the history
-- records one step for all of them (`events_set_aside`, its entity id the set's id);
-- undo moves them back, redo sets them aside again under the same id.

-- A set of events set aside: its number orders its rows in `events_set_aside`, and is
-- never given twice (AUTOINCREMENT), so a redo cannot mix two sets.
CREATE TABLE set_aside (
    num  INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The history step's entity id.
    id   TEXT NOT NULL UNIQUE
);

-- The events' columns as `events` keeps them, but the incident (the history step names
-- it; it gets a new number when it comes back) and the import (by the import's id, which
-- keeps, where `events.import_id` holds a number another import may take meanwhile).
CREATE TABLE events_set_aside (
    -- (set_aside.num << 32) + the event's place in the set: a set's rows are one range of
    -- the table's own key, in the order they had, with no index of their own.
    key           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL,
    at_us         INTEGER NOT NULL,
    at_offset     INTEGER NOT NULL,
    at_precision  TEXT NOT NULL,
    text          TEXT NOT NULL,
    actor_id      TEXT,
    source        TEXT,
    phase         TEXT,
    tags          TEXT NOT NULL,
    technique     TEXT,
    key_kind      TEXT,
    caused_by     TEXT,
    created_us    INTEGER NOT NULL,
    updated_us    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    attrs         TEXT NOT NULL,
    attr_names    INTEGER,
    fingerprint,
    -- imports.id of the event's import (NULL if it had none, or its import was gone).
    import_ref    TEXT,
    -- events.import_id as it was, kept when the import was gone already.
    import_num    TEXT
);
