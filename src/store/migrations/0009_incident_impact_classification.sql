-- debrief schema: the incident's impact in words (the report's "Summary of impact") and its
-- classification or TLP marking (printed on every page of the report).
ALTER TABLE incidents ADD COLUMN impact TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN classification TEXT NOT NULL DEFAULT '';
