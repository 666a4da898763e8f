-- The scheduled job: where each input was archived, and every report rendered.
ALTER TABLE ingest_files ADD COLUMN archived_path VARCHAR;

CREATE SEQUENCE IF NOT EXISTS report_run_id START 1;
CREATE TABLE report_runs (
    run_id         INTEGER PRIMARY KEY DEFAULT nextval('report_run_id'),
    kind           VARCHAR NOT NULL,      -- monthly | annual
    period         VARCHAR NOT NULL,      -- 2023-06, 2023
    convention     VARCHAR NOT NULL,
    version        INTEGER NOT NULL,      -- 1, 2, … (a re-render after late data)
    content_sha256 VARCHAR NOT NULL,      -- the report model, without file provenance
    pdf_path       VARCHAR NOT NULL,
    pdf_sha256     VARCHAR NOT NULL,
    manifest_path  VARCHAR NOT NULL,
    renderer       VARCHAR NOT NULL,
    seconds        DOUBLE NOT NULL,
    outcome        VARCHAR NOT NULL,
    rendered_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);
