-- Every rate of domain.md §6 and §7 over the dossiers of the period, for the province (unit
-- NULL) and per agency: each rate's numerator and denominator as sums of the period's cube
-- (cube.sql holds the per-dossier conditions), turned into (metric, unit, numerator,
-- denominator) rows. The PAKN rate reads another table: feedback.sql.
SELECT metric, unit, numerator, denominator
FROM (
    SELECT
        ten_don_vi AS unit, grouping(ten_don_vi) AS g,
        -- On time: early + on time over resolved (withdrawn not included); late over resolved.
        coalesce(sum(resolved_early + resolved_on_time), 0) AS on_time_n,
        coalesce(sum(resolved), 0) AS on_time_d,
        coalesce(sum(resolved_late), 0) AS late_n,
        coalesce(sum(resolved), 0) AS late_d,
        -- Online intake: received online over received; full online over received.
        coalesce(sum(received_online), 0) AS online_intake_n,
        coalesce(sum(received_online + received_offline), 0) AS online_intake_d,
        coalesce(sum(full_online), 0) AS full_online_n,
        coalesce(sum(received_online + received_offline), 0) AS full_online_d,
        -- Online payment: paid online over received with a fee > 0.
        coalesce(sum(paid_online), 0) AS online_payment_n,
        coalesce(sum(with_fee), 0) AS online_payment_d,
        -- Digitisation family: over received, except e_result over resolved dossiers whose
        -- procedure's result is a document.
        coalesce(sum(digitised), 0) AS digitised_n,
        coalesce(sum(received_online + received_offline), 0) AS digitised_d,
        coalesce(sum(e_result), 0) AS e_result_n,
        coalesce(sum(paper_result), 0) AS e_result_d,
        coalesce(sum(reused), 0) AS reuse_n,
        coalesce(sum(received_online + received_offline), 0) AS reuse_d,
        coalesce(sum(synced), 0) AS synced_n,
        coalesce(sum(received_online + received_offline), 0) AS synced_d,
        -- Satisfaction: satisfied over rated (resolved dossiers).
        coalesce(sum(satisfied), 0) AS satisfaction_n,
        coalesce(sum(rated), 0) AS satisfaction_d,
        -- Decision 766: on time by its rule over handled (II.06a total_handled); its
        -- satisfaction over resolved.
        coalesce(sum(on_time_766), 0) AS on_time_766_n,
        coalesce(sum(received_online + received_offline + carried_over), 0) AS on_time_766_d,
        coalesce(sum(satisfied_766), 0) AS satisfaction_766_n,
        coalesce(sum(resolved), 0) AS satisfaction_766_d
    FROM period_cube
    GROUP BY GROUPING SETS ((), (ten_don_vi))
) AS r
UNPIVOT INCLUDE NULLS ((numerator, denominator) FOR metric IN (
    (on_time_n, on_time_d) AS on_time,
    (late_n, late_d) AS late,
    (online_intake_n, online_intake_d) AS online_intake,
    (full_online_n, full_online_d) AS full_online,
    (online_payment_n, online_payment_d) AS online_payment,
    (digitised_n, digitised_d) AS digitised,
    (e_result_n, e_result_d) AS e_result,
    (reuse_n, reuse_d) AS reuse,
    (synced_n, synced_d) AS synced,
    (satisfaction_n, satisfaction_d) AS satisfaction,
    (on_time_766_n, on_time_766_d) AS on_time_766,
    (satisfaction_766_n, satisfaction_766_d) AS satisfaction_766
))
WHERE g = 1 OR unit IS NOT NULL
