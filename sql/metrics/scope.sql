-- The period scope every metric query runs in: the dates t0..t1, an optional agency and an
-- optional list of agencies (the like-for-like set of a comparison, joined by U+001F), bound
-- as $1 $2 $3 $4 (then the 766 choices $5 $6); the II.06a flags of the
-- dossiers the period touches (ii06a_flags.sql; docs/rules.md, Biểu II.06a), inlined: each use reads only
-- the columns it needs from the versions whose span meets the period; and the period's cube.
-- A dossier whose flags break the II.06a identity (its dates contradict each other) is set
-- aside: it is in `all_flags` only, so the counts stay consistent and the report names it.
WITH scope AS (
    SELECT CAST($1 AS DATE) AS t0, CAST($2 AS DATE) AS t1, CAST($3 AS VARCHAR) AS unit
),
all_flags AS NOT MATERIALIZED (
    SELECT * FROM ii06a_flags(CAST($1 AS DATE), CAST($2 AS DATE))
    WHERE (CAST($3 AS VARCHAR) IS NULL OR ten_don_vi = CAST($3 AS VARCHAR))
      AND (CAST($4 AS VARCHAR) IS NULL
           OR list_contains(string_split(CAST($4 AS VARCHAR), chr(31)), coalesce(ten_don_vi, '')))
),
period_flags AS (
    SELECT * FROM all_flags WHERE consistent
),
-- The period's cube (cube.sql: all_flags summed per agency, level, field, procedure and
-- consistency), which src/metrics/scope.rs computes once per period and 766 choices ($5 $6)
-- into the temporary table period_cubes before a query that reads it; the agency filters
-- apply here. period_cube holds the dossiers counted (consistent ones) only.
period_cube_all AS (
    SELECT * EXCLUDE (c_t0, c_t1, c_late, c_paused) FROM period_cubes
    WHERE c_t0 = CAST($1 AS DATE) AND c_t1 = CAST($2 AS DATE)
      AND c_late = CAST($5 AS BOOLEAN) AND c_paused = CAST($6 AS BOOLEAN)
      AND (CAST($3 AS VARCHAR) IS NULL OR ten_don_vi = CAST($3 AS VARCHAR))
      AND (CAST($4 AS VARCHAR) IS NULL
           OR list_contains(string_split(CAST($4 AS VARCHAR), chr(31)), coalesce(ten_don_vi, '')))
),
period_cube AS (
    SELECT * EXCLUDE (consistent) FROM period_cube_all WHERE consistent
)
