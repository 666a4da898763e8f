-- The II.06a flags of the period in period_bounds (see ii06a_flags.sql for the rules).
CREATE OR REPLACE TEMP TABLE period_flags AS
SELECT * FROM ii06a_flags((SELECT t0 FROM period_bounds), (SELECT t1 FROM period_bounds));
