-- debrief schema 6: each incident's number of events, kept by triggers, so the incident
-- list and the timeline show it without counting a million rows.

CREATE TABLE event_counts (
    incident_id  TEXT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    events       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO event_counts (incident_id, events)
    SELECT i.id, (SELECT count(*) FROM events e WHERE e.incident_id = i.id) FROM incidents i;

CREATE TRIGGER event_counts_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_counts (incident_id, events) VALUES (new.incident_id, 1)
        ON CONFLICT (incident_id) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER event_counts_delete AFTER DELETE ON events BEGIN
    UPDATE event_counts SET events = events - 1 WHERE incident_id = old.incident_id;
END;
