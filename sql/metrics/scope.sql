-- The period scope every metric query runs in (no state between queries): the dates
-- t0..t1 and an optional agency, bound as $1 $2 $3, and the II.06a flags of the dossiers
-- the period touches (ii06a_flags.sql, domain.md §5), computed once per statement.
WITH scope AS (
    SELECT CAST($1 AS DATE) AS t0, CAST($2 AS DATE) AS t1, CAST($3 AS VARCHAR) AS unit
),
period_flags AS MATERIALIZED (
    SELECT * FROM ii06a_flags(CAST($1 AS DATE), CAST($2 AS DATE))
    WHERE CAST($3 AS VARCHAR) IS NULL OR ten_don_vi = CAST($3 AS VARCHAR)
)
