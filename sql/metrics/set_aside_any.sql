-- Whether the period holds dossiers set_aside.sql would list, from the period's cube (which
-- keeps them in groups of their own: `consistent` false), so their rows are looked up only
-- when some exist (nearly never: validation quarantines dates that contradict each other).
SELECT count(*) FROM period_cube_all WHERE NOT consistent
