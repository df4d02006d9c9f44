-- debrief schema 16: no index of imported rows' fingerprints.
--
-- An imported row is a duplicate only of an earlier event of the incident with the same
-- time, fingerprint and text. The time index finds the events of that moment, so the
-- fingerprint needs no index of its own: at a million events it took 17 MB, and keeping
-- it (its keys come in random order) took 1.4 s of the import.

DROP INDEX IF EXISTS events_fingerprint;
