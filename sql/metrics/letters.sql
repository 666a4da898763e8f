-- Apology letters of the period in scope (docs/rules.md, Apology letters): how many letters are dated in the period (none: the letters do not reach it and nothing is said), the period's resolved-late and overdue dossiers with / without a letter issued by the period's end, those whose first letter came later than one calendar day before the due date, and the dossiers given a new return date twice or more, the latest time from 15/9/2025.
SELECT
    (SELECT count(*) FROM letters
     WHERE CAST(ngay_xin_loi AS DATE) BETWEEN (SELECT t0 FROM scope) AND (SELECT t1 FROM scope)) AS letters_in_period,
    count(*) FILTER (WHERE d.resolved_late = 1 AND p.n IS NOT NULL) AS resolved_late_with,
    count(*) FILTER (WHERE d.resolved_late = 1 AND p.n IS NULL) AS resolved_late_without,
    count(*) FILTER (WHERE d.in_progress_overdue = 1 AND p.n IS NOT NULL) AS overdue_with,
    count(*) FILTER (WHERE d.in_progress_overdue = 1 AND p.n IS NULL) AS overdue_without,
    -- "At least one day before the due date": issued on the due date or after is late.
    count(*) FILTER (WHERE (d.resolved_late = 1 OR d.in_progress_overdue = 1) AND p.first >= d.due) AS late_letters,
    count(*) FILTER (WHERE p.n >= 2 AND p.last >= DATE '2025-09-15') AS new_date_more_than_once
FROM (
    SELECT f.resolved_late, f.in_progress_overdue, f.due, v.ma_ho_so
    FROM period_flags f
    JOIN dossier_versions v USING (file_id, source_row)
) AS d
LEFT JOIN (
    -- Each dossier's letters issued by the period's last day.
    SELECT ma_ho_so,
           min(CAST(ngay_xin_loi AS DATE)) AS first,
           max(CAST(ngay_xin_loi AS DATE)) AS last,
           count(*) AS n
    FROM letters
    WHERE CAST(ngay_xin_loi AS DATE) <= (SELECT t1 FROM scope)
    GROUP BY ma_ho_so
) AS p ON p.ma_ho_so = d.ma_ho_so
