-- Issued documents (`baocao issue`): every report_runs row is a draft; a draft that was
-- signed and issued has a row here, with the signed file copied beside it and each
-- signature found on it. Tables of their own, not ALTERs of report_runs (see
-- src/store/mod.rs on ALTER).
CREATE TABLE report_issues (
    run_id         INTEGER PRIMARY KEY,   -- the draft (report_runs) the signed file extends
    number         VARCHAR NOT NULL,      -- "123/BC-UBND", as the records office gave it
    issued_on      DATE NOT NULL,         -- the date of issue written on the document
    signed_path    VARCHAR NOT NULL,      -- the signed file's copy, beside the draft, read-only
    signed_sha256  VARCHAR NOT NULL,
    verifier       VARCHAR NOT NULL,      -- the validator and its version
    recorded_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE report_issue_signatures (
    run_id        INTEGER NOT NULL,
    position      INTEGER NOT NULL,       -- 1 for the first signature of the file, …
    field         VARCHAR NOT NULL,       -- the signature field's name
    subject       VARCHAR NOT NULL,       -- the signer's certificate subject
    signing_time  VARCHAR,                -- as the signer's software stated it (ISO 8601)
    PRIMARY KEY (run_id, position)
);
-- Each version with its state: 'draft', or 'issued' with its number and date.
CREATE VIEW report_versions AS
SELECT r.*, u.unit,
       CASE WHEN i.run_id IS NULL THEN 'draft' ELSE 'issued' END AS state,
       i.number, i.issued_on, i.signed_path, i.signed_sha256
FROM report_runs r
LEFT JOIN report_run_units u USING (run_id)
LEFT JOIN report_issues i USING (run_id);
