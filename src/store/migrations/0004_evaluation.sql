-- debrief schema 4: the response evaluation. One row per area of an incident's checklist,
-- rated for sufficiency and for completeness, with a note and the findings it rests on.

CREATE TABLE evaluation_items (
    id            TEXT PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    area          TEXT NOT NULL CHECK (length(trim(area)) > 0),
    question      TEXT NOT NULL DEFAULT '',
    sufficiency   TEXT CHECK (sufficiency IN ('met', 'partly', 'not-met', 'n/a')),
    completeness  TEXT CHECK (completeness IN ('met', 'partly', 'not-met', 'n/a')),
    note          TEXT NOT NULL DEFAULT '',
    -- Finding ids, space-separated. Not a link table on purpose: a finding deleted and
    -- brought back by undo is linked again, and reads skip ids that no longer exist.
    findings      TEXT NOT NULL DEFAULT '',
    created_us    INTEGER NOT NULL,
    updated_us    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX evaluation_area ON evaluation_items (incident_id, area COLLATE NOCASE);
