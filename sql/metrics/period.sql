-- Materialises one period for every metric query: its bounds and the II.06a flags of the
-- dossiers it touches (one scan of the store per period instead of one per query).
CREATE OR REPLACE TEMP TABLE period_bounds AS
SELECT CAST($1 AS DATE) AS t0, CAST($2 AS DATE) AS t1, CAST(NULL AS VARCHAR) AS unit;
