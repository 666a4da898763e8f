-- The scheduled job: every report rendered.
-- (No ALTER TABLE here: DuckDB 1.5 cannot replay from its WAL an ALTER of a table whose
-- column defaults to nextval(), so ingest_files.archived_path is created in 0001.)

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
