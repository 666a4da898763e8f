//! Metrics: differential test of the II.06a SQL against a plain-Rust reference.

use baocao::metrics::ii06a::{self, Counts};
use baocao::period::{Convention, Period};
use baocao::store;
use baocao::synth::rng::Rng;
use chrono::{Duration, NaiveDate, NaiveDateTime};

#[derive(Debug, Clone)]
struct D {
    unit: &'static str,
    status: i16,
    kenh: Option<i16>,
    acc: Option<NaiveDateTime>,
    due: Option<NaiveDateTime>,
    fin: Option<NaiveDateTime>,
    tra: Option<NaiveDateTime>,
}

/// The II.06a rules of docs/rules.md (Biểu II.06a), written as plainly as possible.
fn reference(ds: &[D], t0: NaiveDate, t1: NaiveDate) -> Counts {
    let mut c = Counts::default();
    for d in ds {
        if d.status == 1 {
            continue;
        }
        let day = |x: Option<NaiveDateTime>| x.map(|v| v.date());
        if d.status == 3 {
            let when = day(d.fin.or(d.acc));
            if when.is_some_and(|w| w >= t0 && w <= t1) {
                c.refused += 1;
            }
            continue;
        }
        let Some(acc) = day(d.acc) else { continue };
        let fin = if [7, 9, 10].contains(&d.status) {
            day(d.fin.or(d.tra))
        } else {
            None
        };
        let due = day(d.due);
        let new = acc >= t0 && acc <= t1;
        if new && d.kenh == Some(2) {
            c.received_online += 1;
        } else if new {
            c.received_offline += 1;
        }
        let finished_before = fin.is_some_and(|f| f < t0);
        if acc < t0 && !finished_before {
            c.carried_over += 1;
        }
        let fin_in = fin.is_some_and(|f| f >= t0 && f <= t1);
        if fin_in && (d.status == 9 || d.status == 10) {
            c.resolved += 1;
            let f = fin.unwrap();
            match due {
                None => c.resolved_on_time += 1,
                Some(x) if f < x => c.resolved_early += 1,
                Some(x) if f == x => c.resolved_on_time += 1,
                Some(_) => c.resolved_late += 1,
            }
        }
        if fin_in && d.status == 7 {
            c.withdrawn += 1;
        }
        let done_by_end = fin.is_some_and(|f| f <= t1);
        if acc <= t1 && !done_by_end {
            c.in_progress += 1;
            match d.status {
                5 => c.waiting_supplement += 1,
                6 | 8 => c.paused += 1,
                _ => c.in_progress_processing += 1,
            }
            let exempt = [5, 6, 8].contains(&d.status);
            if exempt || due.is_none_or(|x| x >= t1) {
                c.in_progress_within += 1;
            } else {
                c.in_progress_overdue += 1;
            }
        }
    }
    c.total_handled = c.received_online + c.received_offline + c.carried_over;
    c
}

fn random_set(rng: &mut Rng, t0: NaiveDate, t1: NaiveDate) -> Vec<D> {
    let n = rng.range(0, 40) as usize;
    let units = ["Sở Y tế", "Sở Tư pháp", "UBND xã Nghi Phú"];
    let len = (t1 - t0).num_days();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        // Days are drawn around the period, with its edges and the day either side over-weighted.
        let day = |rng: &mut Rng| -> NaiveDate {
            let edges = [
                t0,
                t1,
                t0 - Duration::days(1),
                t1 + Duration::days(1),
                t0 - Duration::days(40),
            ];
            if rng.chance(0.3) {
                *rng.pick(&edges)
            } else {
                t0 + Duration::days(rng.range(0, (len + 90) as u64) as i64 - 70)
            }
        };
        let at = |d: NaiveDate, rng: &mut Rng| {
            d.and_hms_opt(rng.range(0, 23) as u32, rng.range(0, 59) as u32, 0)
                .unwrap()
        };
        let status = rng.range(1, 10) as i16;
        let acc_day = day(rng);
        let acc = if rng.chance(0.05) { None } else { Some(at(acc_day, rng)) };
        let due = if rng.chance(0.1) {
            None
        } else if rng.chance(0.3) {
            Some(at(day(rng), rng))
        } else {
            Some(at(acc_day + Duration::days(rng.range(0, 25) as i64), rng))
        };
        let mut fin = None;
        let mut tra = None;
        if [3, 7, 9, 10].contains(&status) || rng.chance(0.1) {
            let f = if rng.chance(0.2) {
                due.map(|x| x.date()).unwrap_or(acc_day)
            } else if rng.chance(0.5) {
                day(rng)
            } else {
                acc_day + Duration::days(rng.range(0, 30) as i64)
            };
            let f = f.max(acc_day);
            if rng.chance(0.1) {
                tra = Some(at(f, rng));
            } else {
                fin = Some(at(f, rng));
            }
        }
        let kenh = match rng.range(0, 3) {
            0 => None,
            k => Some(k as i16),
        };
        out.push(D {
            unit: units[rng.range(0, units.len() as u64 - 1) as usize],
            status,
            kenh,
            acc,
            due,
            fin,
            tra,
        });
    }
    out
}

#[test]
fn ii06a_sql_matches_reference_on_random_sets() {
    let conn = store::open_in_memory().unwrap();
    let mut rng = Rng::new(20230614);
    let periods = [
        Period::parse("2023-06", Convention::Cutoff15).unwrap(),
        Period::parse("2024-02", Convention::Calendar).unwrap(),
        Period::parse("2023-Q4", Convention::Cutoff15).unwrap(),
    ];
    let mut nonzero = Counts::default();
    // `make mutants` runs fewer cases per mutation; the suite runs all of them.
    let cases: usize = std::env::var("BAOCAO_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    for iter in 0..cases {
        let p = periods[iter % periods.len()];
        let set = random_set(&mut rng, p.from, p.to);
        conn.execute_batch("DELETE FROM dossier_versions").unwrap();
        {
            let mut app = conn.appender("dossier_versions").unwrap();
            for (i, d) in set.iter().enumerate() {
                let code = format!("X{i}");
                let row_no = i as i64;
                let row: Vec<&dyn duckdb::ToSql> = vec![
                    &1i32,
                    &row_no,
                    &code,
                    &None::<String>,
                    &None::<String>,
                    &None::<String>,
                    &"Lĩnh vực A",
                    &None::<String>,
                    &d.unit,
                    &None::<String>,
                    &d.kenh,
                    &None::<String>,
                    &d.status,
                    &None::<NaiveDateTime>,
                    &d.acc,
                    &d.due,
                    &d.fin,
                    &d.tra,
                    &None::<NaiveDateTime>,
                    &None::<i32>,
                    &None::<f64>,
                    &None::<i16>,
                    &None::<bool>,
                    &None::<bool>,
                    &None::<bool>,
                    &None::<bool>,
                    &None::<bool>,
                    &None::<bool>,
                    &None::<String>,
                    &None::<String>,
                    &None::<i32>,               // superseded_by: in force
                    &None::<chrono::NaiveDate>, // span_from, span_to: filled below
                    &None::<chrono::NaiveDate>,
                ];
                app.append_row(row.as_slice()).unwrap();
            }
            app.flush().unwrap();
        }
        // The spans as ingest gives them, so the SQL reads only the dossiers they say.
        baocao::store::fill_spans(&conn).unwrap();
        let want = reference(&set, p.from, p.to);
        let got = ii06a::compute(&conn, &baocao::metrics::scope::Scope::new(&p, None), true).unwrap();
        assert_eq!(got.total.counts, want, "iteration {iter}, period {p}, set {set:#?}");
        // Valid data sets nothing aside: each dossier's own flags satisfy the identity.
        let broken: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM ii06a_flags(DATE '{}', DATE '{}') WHERE NOT consistent",
                    p.from, p.to
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(broken, 0, "iteration {iter}, period {p}: a valid dossier set aside");
        for unit in ["Sở Y tế", "Sở Tư pháp", "UBND xã Nghi Phú"] {
            let sub: Vec<D> = set.iter().filter(|d| d.unit == unit).cloned().collect();
            let want = reference(&sub, p.from, p.to);
            let row = got
                .rows
                .iter()
                .find(|r| r.grain == "agency" && r.unit.as_deref() == Some(unit));
            let have = row.map(|r| r.counts).unwrap_or_default();
            assert_eq!(have, want, "iteration {iter}, unit {unit}");
        }
        for (k, v) in [
            &mut nonzero.carried_over,
            &mut nonzero.resolved_late,
            &mut nonzero.withdrawn,
            &mut nonzero.paused,
            &mut nonzero.in_progress_overdue,
            &mut nonzero.refused,
        ]
        .into_iter()
        .zip([
            want.carried_over,
            want.resolved_late,
            want.withdrawn,
            want.paused,
            want.in_progress_overdue,
            want.refused,
        ]) {
            *k += v;
        }
    }
    // The random sets really exercise every branch.
    assert!(nonzero.carried_over > 0 && nonzero.resolved_late > 0 && nonzero.withdrawn > 0);
    assert!(nonzero.paused > 0 && nonzero.in_progress_overdue > 0 && nonzero.refused > 0);
}

#[test]
fn ii06a_identities_hold_and_form_columns_follow_the_note() {
    let c = Counts {
        total_handled: 10,
        received_online: 3,
        received_offline: 5,
        carried_over: 2,
        resolved: 6,
        resolved_early: 2,
        resolved_on_time: 3,
        resolved_late: 1,
        withdrawn: 1,
        in_progress: 3,
        in_progress_processing: 2,
        waiting_supplement: 1,
        paused: 0,
        in_progress_within: 2,
        in_progress_overdue: 1,
        refused: 4,
    };
    assert!(c.identity_violations().is_empty());
    let f = c.form(true);
    assert_eq!((f.c3, f.c7, f.c9, f.c11), (10, 7, 4, 3));
    assert_eq!(f.c3, f.c7 + f.c11);
    let f = c.form(false);
    assert_eq!((f.c7, f.c9), (6, 3));
    let broken = Counts { resolved_late: 2, ..c };
    assert_eq!(broken.identity_violations().len(), 1);
}

#[test]
fn empty_period_gives_zeros() {
    let conn = store::open_in_memory().unwrap();
    let p = Period::parse("2030-01", Convention::Calendar).unwrap();
    let t = ii06a::compute(&conn, &baocao::metrics::scope::Scope::new(&p, None), true).unwrap();
    assert_eq!(t.total.counts, Counts::default());
    assert!(t.rows.is_empty());
}
