-- Department-level reports (`report --unit`): the agency a report_runs row is for, so its
-- versions are counted apart from the province's. A table of its own, not an ALTER of
-- report_runs: DuckDB 1.5 cannot replay from the WAL an ALTER of a table whose column
-- defaults to nextval() (see src/store/mod.rs).
CREATE TABLE report_run_units (
    run_id  INTEGER PRIMARY KEY,
    unit    VARCHAR NOT NULL
);
