-- The days each dossier version can count in, computed once at ingest (period-independent),
-- so a period's II.06a flags read only the dossiers whose span meets the period and the cost
-- of a report follows the period asked, not the size of the history (docs/decisions.md, each dossier version carries its span).
-- A version touches a period [t0, t1] only if span_from <= t1 AND span_to >= t0
-- (a version with no span — status 1, or rows written by other means — is always read):
--   status 1 (not accepted), or accepted with no acceptance date and not refused: NULL
--     (never counted by II.06a);
--   status 3 (refused at intake): the refusal day (finish, else acceptance, else submission);
--   otherwise: from the earlier of acceptance and finish to the later, open-ended
--     (9999-12-31) while not finished. The finish day is NgayKetThucXuLy, else NgayTra, and
--     only for a final status (7, 9, 10), as in ii06a_flags.sql.
-- src/ingest/storing/batch.rs computes the same for new rows; tests/it check that both agree.
ALTER TABLE dossier_versions ADD COLUMN span_from DATE;
ALTER TABLE dossier_versions ADD COLUMN span_to DATE;
-- The version in force, as before (the spans are the store's own bookkeeping).
CREATE OR REPLACE VIEW dossiers AS
SELECT * EXCLUDE (superseded_by, span_from, span_to) FROM dossier_versions WHERE superseded_by IS NULL;
-- Existing rows: sql/spans.sql follows (store/mod.rs appends it to this migration).
