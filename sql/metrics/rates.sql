-- Every rate of docs/rules.md (Rates, Decision 766 index) over the dossiers of the period, for the province (unit
-- NULL) and per agency: each rate's numerator and denominator as sums of the period's cube
-- (cube.sql holds the per-dossier conditions), turned into (metric, unit, numerator,
-- denominator, missing) rows. `missing`: the dossiers left out of the denominator because
-- their file did not carry a column the rate needs (cube.sql says which); 0 for the rates
-- that need no optional column. The PAKN rate reads another table: feedback.sql.
SELECT metric, unit, numerator, denominator, missing
FROM (
    SELECT
        ten_don_vi AS unit, grouping(ten_don_vi) AS g,
        -- On time: early + on time over resolved (withdrawn not included); late over resolved.
        coalesce(sum(resolved_early + resolved_on_time), 0) AS on_time_n,
        coalesce(sum(resolved), 0) AS on_time_d,
        0 AS on_time_m,
        coalesce(sum(resolved_late), 0) AS late_n,
        coalesce(sum(resolved), 0) AS late_d,
        0 AS late_m,
        -- Online intake: received online over received; full online over received.
        coalesce(sum(received_online), 0) AS online_intake_n,
        coalesce(sum(received_online + received_offline), 0) AS online_intake_d,
        0 AS online_intake_m,
        coalesce(sum(full_online), 0) AS full_online_n,
        coalesce(sum(full_online_base), 0) AS full_online_d,
        coalesce(sum(full_online_missing), 0) AS full_online_m,
        -- Online payment: paid online over received with a fee > 0.
        coalesce(sum(paid_online), 0) AS online_payment_n,
        coalesce(sum(with_fee), 0) AS online_payment_d,
        coalesce(sum(with_fee_missing), 0) AS online_payment_m,
        -- Digitisation family: over received, except e_result over resolved dossiers whose
        -- procedure's result is a document (each over the dossiers with its columns).
        coalesce(sum(digitised), 0) AS digitised_n,
        coalesce(sum(digitised_base), 0) AS digitised_d,
        coalesce(sum(digitised_missing), 0) AS digitised_m,
        coalesce(sum(e_result), 0) AS e_result_n,
        coalesce(sum(paper_result), 0) AS e_result_d,
        coalesce(sum(paper_result_missing), 0) AS e_result_m,
        coalesce(sum(reused), 0) AS reuse_n,
        coalesce(sum(reuse_base), 0) AS reuse_d,
        coalesce(sum(reuse_missing), 0) AS reuse_m,
        coalesce(sum(synced), 0) AS synced_n,
        coalesce(sum(synced_base), 0) AS synced_d,
        coalesce(sum(synced_missing), 0) AS synced_m,
        -- Satisfaction: satisfied over rated (resolved dossiers).
        coalesce(sum(satisfied), 0) AS satisfaction_n,
        coalesce(sum(rated), 0) AS satisfaction_d,
        coalesce(sum(resolved_unrated_missing), 0) AS satisfaction_m,
        -- Decision 766: on time by its rule over handled (II.06a total_handled); its
        -- satisfaction over resolved.
        coalesce(sum(on_time_766), 0) AS on_time_766_n,
        coalesce(sum(received_online + received_offline + carried_over), 0) AS on_time_766_d,
        0 AS on_time_766_m,
        coalesce(sum(satisfied_766), 0) AS satisfaction_766_n,
        coalesce(sum(satisfaction_766_base), 0) AS satisfaction_766_d,
        coalesce(sum(resolved_unrated_missing), 0) AS satisfaction_766_m
    FROM period_cube
    GROUP BY GROUPING SETS ((), (ten_don_vi))
) AS r
UNPIVOT INCLUDE NULLS ((numerator, denominator, missing) FOR metric IN (
    (on_time_n, on_time_d, on_time_m) AS on_time,
    (late_n, late_d, late_m) AS late,
    (online_intake_n, online_intake_d, online_intake_m) AS online_intake,
    (full_online_n, full_online_d, full_online_m) AS full_online,
    (online_payment_n, online_payment_d, online_payment_m) AS online_payment,
    (digitised_n, digitised_d, digitised_m) AS digitised,
    (e_result_n, e_result_d, e_result_m) AS e_result,
    (reuse_n, reuse_d, reuse_m) AS reuse,
    (synced_n, synced_d, synced_m) AS synced,
    (satisfaction_n, satisfaction_d, satisfaction_m) AS satisfaction,
    (on_time_766_n, on_time_766_d, on_time_766_m) AS on_time_766,
    (satisfaction_766_n, satisfaction_766_d, satisfaction_766_m) AS satisfaction_766
))
WHERE g = 1 OR unit IS NOT NULL
