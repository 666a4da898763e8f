-- The period scope every metric query runs in: the dates t0..t1, an optional agency and an
-- optional list of agencies (the like-for-like set of a comparison, joined by U+001F), bound
-- as $1 $2 $3 $4, and the II.06a flags of the dossiers the period touches (ii06a_flags.sql,
-- domain.md §5). No state between queries. The flags are inlined, not materialised: each
-- use reads only the columns it needs from the versions whose span meets the period, which
-- costs less than writing every column of every flagged dossier once (issue 12, measured).
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
)
