//! One arm's Kaplan-Meier estimate (matches lifelines `KaplanMeierFitter`):
//! the survival curve, its exponential Greenwood ("log(-log)") pointwise band
//! and the median with lifelines' `median_survival_times(confidence_interval_)`
//! CI. Memory is bounded by the number of distinct times: the arm is kept as
//! counts of events and censorings per time, never as one row per user.

use std::collections::BTreeMap;

/// S counts as having reached 0.5 within this slack: a product that is 0.5 in
/// exact arithmetic may round to 0.5000000000000001.
const REACHED_SLACK: f64 = 1e-12;

/// Events and censorings per distinct time of one arm (times >= 0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurvivalCounts {
    /// Key: the time's bit pattern, which orders non-negative floats as their values.
    by_time: BTreeMap<u64, (u64, u64)>,
    users: u64,
    events: u64,
}

impl SurvivalCounts {
    /// Adds one user observed until `time` (finite, >= 0): converted (`event`) or censored.
    pub fn add(&mut self, time: f64, event: bool) {
        let key = (time + 0.0).to_bits(); // -0.0 becomes 0.0
        let slot = self.by_time.entry(key).or_insert((0, 0));
        if event {
            slot.0 += 1;
            self.events += 1;
        } else {
            slot.1 += 1;
        }
        self.users += 1;
    }

    /// Adds `events` conversions and `censored` censorings at `time` (finite, >= 0):
    /// tied users at once, as the aggregates (SDK.md §6) carry them. The same as
    /// `events + censored` calls of `add`.
    pub fn add_counts(&mut self, time: f64, events: u64, censored: u64) {
        if events + censored == 0 {
            return;
        }
        let slot = self.by_time.entry((time + 0.0).to_bits()).or_insert((0, 0));
        slot.0 += events;
        slot.1 += censored;
        self.events += events;
        self.users += events + censored;
    }

    pub fn users(&self) -> u64 {
        self.users
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    /// The largest observed time (0 for an empty arm).
    pub fn last_time(&self) -> f64 {
        self.by_time.keys().next_back().map_or(0.0, |&k| f64::from_bits(k))
    }

    /// (time, events, censored) in increasing time.
    pub fn rows(&self) -> impl Iterator<Item = (f64, u64, u64)> + '_ {
        self.by_time.iter().map(|(&k, &(d, c))| (f64::from_bits(k), d, c))
    }
}

/// One row of the estimate: S and its band just after `time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmRow {
    pub time: f64,
    /// Users at risk just before `time`.
    pub at_risk: u64,
    pub events: u64,
    pub survival: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The Kaplan-Meier table on lifelines' timeline: time 0, then every distinct
/// time (events and censorings). S = exp(Σ ln((n-d)/n)) as lifelines sums it;
/// Greenwood V = Σ d/(n(n-d)) over times with n > d; the band is
/// exp(-exp(ln(-ln S) ∓ z·sqrt(V)/ln S)), [1, 1] where S = 1 and [0, 0] where S = 0.
pub fn kaplan_meier(counts: &SurvivalCounts, z: f64) -> Vec<KmRow> {
    let mut rows = Vec::with_capacity(counts.by_time.len() + 1);
    let mut at_risk = counts.users;
    let (mut log_s, mut greenwood) = (0.0_f64, 0.0_f64);
    for (time, d, c) in counts.rows() {
        if rows.is_empty() && time > 0.0 {
            rows.push(KmRow { time: 0.0, at_risk, events: 0, survival: 1.0, lower: 1.0, upper: 1.0 });
        }
        if d > 0 {
            let (n, d) = (at_risk as f64, d as f64);
            log_s += (n - d).ln() - n.ln();
            if n > d {
                greenwood += d / (n * (n - d));
            }
        }
        let (survival, lower, upper) = band(log_s, greenwood, z);
        rows.push(KmRow { time, at_risk, events: d, survival, lower, upper });
        at_risk -= d + c;
    }
    rows
}

fn band(log_s: f64, greenwood: f64, z: f64) -> (f64, f64, f64) {
    if log_s == 0.0 {
        return (1.0, 1.0, 1.0);
    }
    if log_s == f64::NEG_INFINITY {
        return (0.0, 0.0, 0.0);
    }
    let spread = z * greenwood.sqrt() / log_s; // negative
    let ln_minus_log = (-log_s).ln();
    (log_s.exp(), (-(ln_minus_log - spread).exp()).exp(), (-(ln_minus_log + spread).exp()).exp())
}

/// The first time at which `value` of the curve is <= 0.5, `None` when never
/// (lifelines `qth_survival_time(0.5, ...)`, whose `inf` is our `null`).
pub fn first_reaching_half(rows: &[KmRow], value: impl Fn(&KmRow) -> f64) -> Option<f64> {
    rows.iter().find(|r| value(r) <= 0.5 + REACHED_SLACK).map(|r| r.time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    /// Tied counts (the aggregates' count rows) are the same arm as one user at a time.
    #[test]
    fn tied_counts_equal_single_users() {
        let mut one = SurvivalCounts::default();
        for (t, e) in [(1.0, true), (2.0, true), (2.0, false), (2.0, true), (3.0, false), (0.0, true), (-0.0, false)] {
            one.add(t, e);
        }
        let mut tied = SurvivalCounts::default();
        for (t, d, c) in [(2.0, 2, 1), (-0.0, 1, 1), (3.0, 0, 1), (1.0, 1, 0), (5.0, 0, 0)] {
            tied.add_counts(t, d, c);
        }
        assert_eq!(tied, one);
        assert_eq!((tied.users(), tied.events()), (7, 4));
    }

    /// lifelines: fit([1,2,2,3,4], [1,1,0,1,1]) gives S = 1, .8, .6, .3, 0 and
    /// the band at t=1 [0.203809, 0.969180]; at S = 0 the band is [0, 0].
    #[test]
    fn small_textbook_arm() {
        let mut c = SurvivalCounts::default();
        for (t, e) in [(1.0, true), (2.0, true), (2.0, false), (3.0, true), (4.0, true)] {
            c.add(t, e);
        }
        let rows = kaplan_meier(&c, 1.959963984540054);
        let s: Vec<f64> = rows.iter().map(|r| r.survival).collect();
        for (got, want) in s.iter().zip([1.0, 0.8, 0.6, 0.3, 0.0]) {
            assert_close!(*got, want, 0.0, 1e-12, strict, "{s:?}");
        }
        assert_close!(rows[1].lower, 0.203809, 0.0, 1e-6, strict);
        assert_close!(rows[1].upper, 0.969180, 0.0, 1e-6, strict);
        assert_eq!((rows[4].lower, rows[4].upper), (0.0, 0.0));
        assert_eq!(rows.iter().map(|r| r.at_risk).collect::<Vec<_>>(), [5, 5, 4, 2, 1]);
        assert_eq!(first_reaching_half(&rows, |r| r.survival), Some(3.0));
        assert_eq!(first_reaching_half(&rows, |r| r.lower), Some(1.0));
        assert_eq!(first_reaching_half(&rows, |r| r.upper), Some(4.0));
    }
}
