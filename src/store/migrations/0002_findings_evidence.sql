-- debrief schema 2: findings (what went wrong, in six kinds) and evidence, with the
-- events and findings they support.

CREATE TABLE findings (
    id            TEXT PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('technical-lapse', 'procedural-failure',
                      'manual-error', 'process-flaw', 'communication-glitch', 'unknown-vector')),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    impact        TEXT NOT NULL DEFAULT '',
    -- Cross-organizational: the group outside the team that must act on it.
    cross_org     INTEGER NOT NULL DEFAULT 0,
    org_group     TEXT NOT NULL DEFAULT '',
    created_us    INTEGER NOT NULL,
    updated_us    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX findings_by_incident ON findings (incident_id, kind);

CREATE TABLE finding_events (
    finding_id  TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (finding_id, event_id)
) WITHOUT ROWID;
CREATE INDEX finding_events_by_event ON finding_events (event_id);

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('file', 'url')),
    -- A local path, or a URL or ticket reference.
    locator       TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    sha256        TEXT,
    size          INTEGER,
    modified_us   INTEGER,
    added_us      INTEGER NOT NULL,
    -- The last verification: when, and what it found ('ok', 'changed', 'missing').
    verified_us   INTEGER,
    verify_state  TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (incident_id, locator)
);

-- What a piece of evidence supports: an event or a finding (exactly one per row).
CREATE TABLE evidence_links (
    evidence_id  TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    event_id     TEXT REFERENCES events(id) ON DELETE CASCADE,
    finding_id   TEXT REFERENCES findings(id) ON DELETE CASCADE,
    CHECK ((event_id IS NULL) <> (finding_id IS NULL))
);
CREATE UNIQUE INDEX evidence_links_event ON evidence_links (evidence_id, event_id) WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX evidence_links_finding ON evidence_links (evidence_id, finding_id) WHERE finding_id IS NOT NULL;
CREATE INDEX evidence_links_by_event ON evidence_links (event_id);
CREATE INDEX evidence_links_by_finding ON evidence_links (finding_id);
