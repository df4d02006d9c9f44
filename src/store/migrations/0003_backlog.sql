-- debrief schema 3: the improvement backlog. Actions, owned by a person and a group
-- (owners, shared by all incidents), the findings they address, every review, and the
-- standard operating procedures they changed.

CREATE TABLE actions (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('bug', 'change-request', 'service-investment',
                       'process-change', 'sop-update', 'documentation', 'training')),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    owner_id       TEXT REFERENCES owners(id),
    group_id       TEXT REFERENCES owners(id),
    priority       TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    due            TEXT,  -- YYYY-MM-DD
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'in-progress',
                       'resolved', 'verified', 'rejected')),
    reject_reason  TEXT NOT NULL DEFAULT '',
    ticket         TEXT NOT NULL DEFAULT '',
    created_us     INTEGER NOT NULL,
    updated_us     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (status <> 'rejected' OR length(trim(reject_reason)) > 0)
);
CREATE INDEX actions_by_incident ON actions (incident_id, status);
CREATE INDEX actions_by_owner ON actions (owner_id);
CREATE INDEX actions_by_group ON actions (group_id);

CREATE TABLE action_findings (
    action_id   TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    finding_id  TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, finding_id)
) WITHOUT ROWID;
CREATE INDEX action_findings_by_finding ON action_findings (finding_id);

CREATE TABLE reviews (
    id             TEXT PRIMARY KEY,
    action_id      TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    at_us          INTEGER NOT NULL,
    by             TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    status_before  TEXT NOT NULL,
    status_after   TEXT NOT NULL,
    changes        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_by_action ON reviews (action_id, at_us);

CREATE TABLE sop_changes (
    id            TEXT PRIMARY KEY,
    action_id     TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    document      TEXT NOT NULL,
    section       TEXT NOT NULL DEFAULT '',
    incorporated  TEXT  -- YYYY-MM-DD, once the procedure says it
);
CREATE INDEX sop_changes_by_action ON sop_changes (action_id);
