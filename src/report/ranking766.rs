//! "Xếp hạng chỉ số 766 các cơ quan, đơn vị": the 766 index per unit, ranked within its
//! level. Only like with like is ranked: units scored on the same indicators (the same
//! points scorable from the data) and with enough dossiers; ties share a rank (1, 2, 2, 4),
//! judged on the printed score; a change of rank only against a fully comparable period.

use super::format::{decimal, fixed, hundredths as printed, int};
use super::model::{Column, Table, TableRow};
use crate::metrics::index766::Index766;
use crate::metrics::{Basis, Metrics};
use std::collections::BTreeMap;

/// A unit as the ranking sees it.
struct Unit<'a> {
    name: &'a str,
    level: &'a str,
    dossiers: i64,
    score: &'a Index766,
}

/// The indicators a unit was scored on (by id, sorted): units are ranked together only on
/// the same set, not merely the same number of points.
fn scored_on(s: &Index766) -> Vec<&str> {
    let mut v: Vec<&str> = s
        .indicators
        .iter()
        .filter(|i| i.points.is_some())
        .map(|i| i.id.as_str())
        .collect();
    v.sort_unstable();
    v
}

/// The set of indicators most units are scored on (the one with more points on a tie).
fn common_basis<'a>(units: impl Iterator<Item = &'a Unit<'a>>) -> Option<Vec<&'a str>> {
    let mut n: BTreeMap<Vec<&str>, (usize, i64)> = BTreeMap::new();
    for u in units {
        let e = n
            .entry(scored_on(u.score))
            .or_insert((0, printed(u.score.max_scorable)));
        e.0 += 1;
    }
    n.into_iter().max_by_key(|(_, c)| *c).map(|(b, _)| b)
}

/// The points of a unit's groups as printed, summed, in hundredths.
fn printed_parts(s: &Index766) -> i64 {
    s.groups
        .iter()
        .filter(|g| g.unscorable_points < g.max_points)
        .map(|g| printed(g.points))
        .sum()
}

/// Competition ranks of the units of one level, best first: (rank, unit).
fn rank<'a>(mut units: Vec<&'a Unit<'a>>) -> Vec<(usize, &'a Unit<'a>)> {
    units.sort_by(|a, b| {
        printed(b.score.total)
            .cmp(&printed(a.score.total))
            .then(a.name.cmp(b.name))
    });
    let mut out: Vec<(usize, &Unit)> = Vec::new();
    for (i, u) in units.into_iter().enumerate() {
        let r = match out.last() {
            Some((r, prev)) if printed(prev.score.total) == printed(u.score.total) => *r,
            _ => i + 1,
        };
        out.push((r, u));
    }
    out
}

/// The units of a period from its scores, with the current period's levels.
fn units<'a>(scores: &'a BTreeMap<String, Index766>, levels: &'a BTreeMap<&'a str, &'a str>) -> Vec<Unit<'a>> {
    scores
        .iter()
        .filter_map(|(name, score)| {
            Some(Unit {
                name,
                level: levels.get(name.as_str()).copied()?,
                // The 766 on-time rule's denominator is every dossier handled in the period.
                dossiers: score
                    .indicators
                    .iter()
                    .find(|i| i.metric == "on_time_766")
                    .and_then(|i| i.rate)
                    .map(|r| r.denominator)
                    .unwrap_or(0),
                score,
            })
        })
        .collect()
}

/// The ranking table, or None when no unit has a score.
pub fn table(m: &Metrics, heading: String, min_dossiers: i64) -> Option<Table> {
    let levels: BTreeMap<&str, &str> = m
        .ii06a
        .rows
        .iter()
        .filter(|r| r.grain == "agency")
        .filter_map(|r| Some((r.unit.as_deref()?, r.level.as_deref().unwrap_or("khac"))))
        .collect();
    let now = units(&m.index766_by_unit, &levels);
    if now.is_empty() {
        return None;
    }
    let basis = common_basis(now.iter().filter(|u| u.dossiers >= min_dossiers));
    let on_basis = |u: &Unit| basis.as_ref().is_some_and(|b| scored_on(u.score) == *b);
    let prev = &m.previous_period;
    let then = units(&prev.index766_by_unit, &levels);
    let comparable = prev.basis == Basis::Full && !then.is_empty();
    let then_basis = common_basis(then.iter().filter(|u| u.dossiers >= min_dossiers));
    let groups = m.index766.groups.iter().map(|g| g.label.clone()).collect::<Vec<_>>();
    let mut columns = vec![col("Hạng", Some(12.0), "center"), col("Cơ quan, đơn vị", None, "left")];
    columns.extend(groups.iter().map(|g| col(g, Some(15.0), "right")));
    let basis_points = now
        .iter()
        .find(|u| u.dossiers >= min_dossiers && on_basis(u))
        .map(|u| u.score.max_scorable)
        .unwrap_or(0.0);
    columns.push(col(
        &format!("Tổng (trên {} điểm chấm được)", decimal(basis_points, 2)),
        Some(18.0),
        "right",
    ));
    columns.push(col("Thay đổi thứ hạng", Some(17.0), "center"));
    let width = columns.len();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for level in ["tinh", "huyen", "xa", "khac"] {
        let here: Vec<&Unit> = now.iter().filter(|u| u.level == level).collect();
        if here.is_empty() {
            continue;
        }
        let ranked = rank(
            here.iter()
                .copied()
                .filter(|u| u.dossiers >= min_dossiers && on_basis(u))
                .collect(),
        );
        let then_ranks: BTreeMap<&str, usize> = if comparable {
            rank(
                then.iter()
                    .filter(|u| u.level == level && u.dossiers >= min_dossiers)
                    .filter(|u| then_basis.as_ref().is_some_and(|b| scored_on(u.score) == *b))
                    .collect(),
            )
            .into_iter()
            .map(|(r, u)| (u.name, r))
            .collect()
        } else {
            BTreeMap::new()
        };
        let mut heading_row = vec![
            String::new(),
            super::units::level_name(level, &m.period.from).to_string(),
        ];
        heading_row.resize(width, String::new());
        rows.push(TableRow {
            cells: heading_row,
            strong: true,
            key: None,
        });
        for (r, u) in &ranked {
            let mut cells = vec![r.to_string(), u.name.to_string()];
            // A group with no indicator scorable from the data has no score, not 0.
            cells.extend(u.score.groups.iter().map(|g| {
                if g.unscorable_points >= g.max_points {
                    "—".to_string()
                } else {
                    fixed(g.points, 2)
                }
            }));
            cells.push(fixed(u.score.total, 2));
            cells.push(match then_ranks.get(u.name) {
                Some(t) if *t > *r => format!("tăng {}", t - r),
                Some(t) if *t < *r => format!("giảm {}", r - t),
                Some(_) => "không đổi".into(),
                None => "—".into(),
            });
            rows.push(TableRow {
                cells,
                strong: false,
                key: None,
            });
        }
        let few: Vec<String> = here
            .iter()
            .filter(|u| u.dossiers < min_dossiers)
            .map(|u| format!("{} ({} hồ sơ)", u.name, int(u.dossiers)))
            .collect();
        if !few.is_empty() {
            notes.push(format!(
                "{}: không xếp hạng do có dưới {} hồ sơ trong kỳ: {}.",
                super::units::level_name(level, &m.period.from),
                int(min_dossiers),
                few.join("; ")
            ));
        }
        let other: Vec<String> = here
            .iter()
            .filter(|u| u.dossiers >= min_dossiers && !on_basis(u))
            .map(|u| {
                format!(
                    "{} ({}/{} điểm chấm được)",
                    u.name,
                    decimal(u.score.total, 2),
                    decimal(u.score.max_scorable, 2)
                )
            })
            .collect();
        if !other.is_empty() {
            notes.push(format!(
                "{}: không xếp hạng do không chấm được cùng các chỉ tiêu với các đơn vị khác: {}.",
                super::units::level_name(level, &m.period.from),
                other.join("; ")
            ));
        }
    }
    let rounded = now
        .iter()
        .filter(|u| u.dossiers >= min_dossiers && on_basis(u))
        .any(|u| printed_parts(u.score) != printed(u.score.total));
    if rounded {
        notes.push(
            "Điểm từng nhóm và tổng điểm được làm tròn đến hai chữ số thập phân (tổng tính từ điểm chưa làm tròn), nên tổng các nhóm có thể chênh lệch 0,01 điểm so với cột tổng."
                .into(),
        );
    }
    let mut intro = vec![format!(
        "Điểm chấm từ số liệu đã nạp theo cấu hình {}: {}/100 điểm chấm được; các chỉ tiêu không có trong dữ liệu xuất từ hệ thống chưa được chấm, nên đây là điểm tạm tính để so sánh giữa các cơ quan, đơn vị, không phải điểm chính thức. Cơ quan, đơn vị cùng điểm được xếp cùng hạng.",
        m.index766.config_version,
        decimal(basis_points, 2)
    )];
    if !comparable {
        intro.push(format!(
            "Thay đổi thứ hạng: chưa đủ số liệu để so sánh với {}.",
            prev.period.label
        ));
    }
    Some(Table {
        id: "ranking766".into(),
        heading,
        intro,
        columns,
        rows,
        notes,
        size: 9.5,
    })
}

fn col(title: &str, width_mm: Option<f32>, align: &str) -> Column {
    Column {
        title: title.into(),
        width_mm,
        align: align.into(),
    }
}
