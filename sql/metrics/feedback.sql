-- Feedback handled on time (docs/rules.md, Rates): PAKN received in the period and handled by its
-- due date (by day), over PAKN received in the period; with no due date, handled counts.
-- It needs no optional column: `missing` is 0.
SELECT metric, unit, numerator, denominator, 0::BIGINT AS missing FROM (
    SELECT 'feedback_on_time' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           count(*) FILTER (WHERE ngay_xu_ly IS NOT NULL
                              AND (ngay_hen_xu_ly IS NULL OR CAST(ngay_xu_ly AS DATE) <= CAST(ngay_hen_xu_ly AS DATE))) AS numerator,
           count(*) AS denominator
    FROM feedback
    WHERE CAST(ngay_tiep_nhan AS DATE) BETWEEN (SELECT t0 FROM scope) AND (SELECT t1 FROM scope)
      AND ((SELECT unit FROM scope) IS NULL OR ten_don_vi = (SELECT unit FROM scope))
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
