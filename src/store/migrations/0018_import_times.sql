-- debrief schema 18: an imported event's creation and update times are its import's.
--
-- Every row of an import carried the import's time twice (16 bytes a row, 17 MB at a
-- million events). An import now writes 0 for both (SQLite keeps a 0 in no bytes), and
-- the view `events_v` shows its import's time instead, until an edit sets the update
-- time. Events written before keep the times they have.

DROP VIEW events_v;
CREATE VIEW events_v AS
    SELECT e.seq, e.id, e.incident, e.at_us, e.at_offset, e.at_precision, e.text,
        e.actor_id, e.source, e.phase, e.tags, e.technique, e.key_kind, e.caused_by,
        CASE WHEN e.created_us = 0 AND im.at_us IS NOT NULL THEN im.at_us
             ELSE e.created_us END AS created_us,
        CASE WHEN e.updated_us = 0 AND im.at_us IS NOT NULL THEN im.at_us
             ELSE e.updated_us END AS updated_us,
        e.version,
        debrief_attrs((SELECT names FROM attr_names WHERE num = e.attr_names), e.attrs)
            AS attrs,
        e.attrs AS attrs_stored, e.attr_names, e.fingerprint, e.import_id,
        i.id AS incident_id
    FROM events e JOIN incidents i ON i.num = e.incident
        LEFT JOIN imports im ON im.num = e.import_id;
