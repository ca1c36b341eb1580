//! The curve as returned: at most 200 points. With more rows (time 0 plus one
//! per distinct time) the rows kept are round(k·(n-1)/199), k = 0..199: evenly
//! spaced in rank, first and last kept; each kept point's values are exact.

use super::kaplan_meier::KmRow;
use super::types::CurvePoint;

pub const MAX_POINTS: usize = 200;

pub fn thin(rows: &[KmRow]) -> Vec<CurvePoint> {
    let point = |r: &KmRow| CurvePoint {
        time: r.time,
        survival: r.survival,
        lower: r.lower,
        upper: r.upper,
        at_risk: r.at_risk,
    };
    let n = rows.len();
    if n <= MAX_POINTS {
        return rows.iter().map(point).collect();
    }
    let last = MAX_POINTS - 1;
    // round half up in integers: floor((2k(n-1) + last) / (2·last))
    (0..MAX_POINTS).map(|k| point(&rows[(2 * k * (n - 1) + last) / (2 * last)])).collect()
}
