-- debrief schema 13: each incident's number of events per slot of 2^26 microseconds
-- (about 67 seconds), so the density strip above the timeline adds up a few thousand
-- slots instead of counting a million events (store/density.rs). Kept by triggers, and by
-- the bulk import and large removals, which count the slots once (store/import.rs,
-- store/events.rs).

CREATE TABLE event_slots (
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    slot         INTEGER NOT NULL,
    events       INTEGER NOT NULL,
    PRIMARY KEY (incident_id, slot)
) WITHOUT ROWID;
INSERT INTO event_slots (incident_id, slot, events)
    SELECT incident_id, at_us >> 26, count(*) FROM events GROUP BY 1, 2;

CREATE TRIGGER event_slots_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_slots (incident_id, slot, events)
        VALUES (new.incident_id, new.at_us >> 26, 1)
        ON CONFLICT (incident_id, slot) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER event_slots_delete AFTER DELETE ON events BEGIN
    UPDATE event_slots SET events = events - 1
        WHERE incident_id = old.incident_id AND slot = old.at_us >> 26;
    DELETE FROM event_slots
        WHERE incident_id = old.incident_id AND slot = old.at_us >> 26 AND events <= 0;
END;
-- An event moved in time (or to another incident) leaves its old slot for its new one.
CREATE TRIGGER event_slots_move AFTER UPDATE OF incident_id, at_us ON events
    WHEN old.incident_id IS NOT new.incident_id OR (old.at_us >> 26) <> (new.at_us >> 26)
BEGIN
    UPDATE event_slots SET events = events - 1
        WHERE incident_id = old.incident_id AND slot = old.at_us >> 26;
    DELETE FROM event_slots
        WHERE incident_id = old.incident_id AND slot = old.at_us >> 26 AND events <= 0;
    INSERT INTO event_slots (incident_id, slot, events)
        VALUES (new.incident_id, new.at_us >> 26, 1)
        ON CONFLICT (incident_id, slot) DO UPDATE SET events = events + 1;
END;
