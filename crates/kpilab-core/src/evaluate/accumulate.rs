//! Sufficient statistics per (group × variant) cell: users and compensated sums of
//! every term the KPIs need (sum, sum of squares, cross sums).
//!
//! Shifted moments (SDK.md §3): every non-conversion column is summed as
//! `x - c`, with `c` the column's value in the first user added (one shift per
//! column for all cells, so pooled and cross sums stay consistent). A column near
//! 1e9 with a spread of 0.01, or epoch milliseconds, keeps its variance: the
//! squares no longer cancel. Mean KPIs hand the shifted moments to `analyze`
//! with the shift (variances and covariances are shift-invariant, the mean gets
//! the shift back); ratio KPIs get the raw moments back (`raw_moments`). Group 0 is the
//! whole test; every segment value is a group of its own. Memory is bounded by
//! groups × variants × terms, never by the number of rows (gbstats' separation of
//! moments from tests: DESIGN.md).

mod merge;

use super::layout::{KpiTerms, Term};
use super::sum::CompensatedSum;
use crate::analyze::{Moments, Variant};
pub(crate) use merge::MomentsState;

const NO_CELL: u32 = u32::MAX;

/// Users per cell summed plainly before one compensated addition: far fewer
/// compensated steps per row, and a block of 128 plain additions loses at most
/// ~127 ulps of the block's absolute sum, still orders of magnitude inside the
/// 1e-8 relative tolerance against `math.fsum`.
const BLOCK: u32 = 128;

pub(crate) struct Accumulator {
    /// Per term: the two value slots whose product it sums; `Term::Value(a)` is
    /// `a × ONE`, the extra slot holding 1, so every term is one multiplication.
    factors: Vec<(usize, usize)>,
    /// Scratch: this row's values, then the 1.
    slots: Vec<f64>,
    /// Scratch: this row's value of every term.
    term_values: Vec<f64>,
    /// Per cell.
    users: Vec<u64>,
    /// Per cell × term: plain sums of the cell's current block of users…
    partial: Vec<f64>,
    /// …folded into these compensated sums every `BLOCK` users.
    sums: Vec<CompensatedSum>,
    /// Per cell: users in the current block.
    pending: Vec<u32>,
    /// Per cell: users whose values were all 0 (only counted; their shifted terms
    /// are added when the sums are read).
    zeros: Vec<u64>,
    /// Per value column: whether it is shifted (not a conversion)…
    shiftable: Vec<bool>,
    /// …and its shift, fixed by the first user added (`None` before).
    shift: Option<Vec<f64>>,
    /// Cell of `(group, variant)` at `group × stride + variant`, `NO_CELL` while empty.
    cells: Vec<u32>,
    stride: usize,
}

impl Accumulator {
    /// `shiftable[i]`: value column `i` is summed shifted (see the module doc).
    pub fn new(terms: &[Term], shiftable: Vec<bool>) -> Self {
        let value_count = shiftable.len();
        let one = value_count;
        let factors = terms
            .iter()
            .map(|t| match *t {
                Term::Value(a) => (a, one),
                Term::Square(a) => (a, a),
                Term::Product(a, b) => (a, b),
            })
            .collect();
        let mut slots = vec![0.0; value_count + 1];
        slots[one] = 1.0;
        Accumulator {
            factors,
            slots,
            term_values: vec![0.0; terms.len()],
            users: Vec::new(),
            partial: Vec::new(),
            sums: Vec::new(),
            pending: Vec::new(),
            zeros: Vec::new(),
            shiftable,
            shift: None,
            cells: Vec::new(),
            stride: 0,
        }
    }

    /// Adds one user (a row, or a user's summed rows) to `variant` in every group.
    #[inline(always)]
    pub fn add(&mut self, variant: u32, groups: &[u32], values: &[f64]) {
        // Most users of a test have all-zero values (no conversion, no revenue):
        // their terms are all zero, so only the user counts change.
        let shift = self.shift.get_or_insert_with(|| {
            values.iter().zip(&self.shiftable).map(|(&x, &s)| if s { x } else { 0.0 }).collect()
        });
        if values.iter().all(|&x| x == 0.0) {
            for &g in groups {
                let cell = self.cell(g, variant);
                self.users[cell] += 1;
                self.zeros[cell] += 1;
            }
            return;
        }
        for ((slot, &x), &c) in self.slots.iter_mut().zip(values).zip(shift.iter()) {
            *slot = x - c;
        }
        for (out, &(a, b)) in self.term_values.iter_mut().zip(&self.factors) {
            *out = self.slots[a] * self.slots[b];
        }
        let n = self.factors.len();
        for &g in groups {
            let cell = self.cell(g, variant);
            self.users[cell] += 1;
            for (s, &x) in self.partial[cell * n..(cell + 1) * n].iter_mut().zip(&self.term_values) {
                *s += x;
            }
            self.pending[cell] += 1;
            if self.pending[cell] == BLOCK {
                self.pending[cell] = 0;
                let block = &mut self.partial[cell * n..(cell + 1) * n];
                for (s, p) in self.sums[cell * n..(cell + 1) * n].iter_mut().zip(block) {
                    s.add(std::mem::take(p));
                }
            }
        }
    }

    /// The cell of `(group, variant)`, created on first use.
    #[inline(always)]
    fn cell(&mut self, group: u32, variant: u32) -> usize {
        match self.find_cell(group, variant) {
            Some(c) => c,
            None => self.new_cell(group as usize, variant as usize),
        }
    }

    #[inline(always)]
    fn find_cell(&self, group: u32, variant: u32) -> Option<usize> {
        let (g, v) = (group as usize, variant as usize);
        if v >= self.stride {
            return None;
        }
        self.cells.get(g * self.stride + v).filter(|&&c| c != NO_CELL).map(|&c| c as usize)
    }

    #[cold]
    fn new_cell(&mut self, g: usize, v: usize) -> usize {
        if v >= self.stride {
            // More variants than the layout has room for: lay the cells out again.
            let stride = (v + 1).next_power_of_two().max(4);
            let groups = self.cells.len() / self.stride.max(1);
            let mut cells = vec![NO_CELL; groups * stride];
            for (old, new) in self.cells.chunks(self.stride.max(1)).zip(cells.chunks_mut(stride)) {
                new[..old.len()].copy_from_slice(old);
            }
            (self.cells, self.stride) = (cells, stride);
        }
        if self.cells.len() <= g * self.stride + v {
            self.cells.resize((g + 1) * self.stride, NO_CELL);
        }
        let c = self.users.len();
        self.cells[g * self.stride + v] = c as u32;
        self.users.push(0);
        self.pending.push(0);
        self.zeros.push(0);
        self.partial.resize(self.partial.len() + self.factors.len(), 0.0);
        self.sums.resize(self.sums.len() + self.factors.len(), CompensatedSum::default());
        c
    }

    /// Users in the cell of `(group, variant)`.
    pub fn users(&self, group: u32, variant: u32) -> u64 {
        self.find_cell(group, variant).map_or(0, |c| self.users[c])
    }

    /// The shift of value column `slot` (0 before any user, and for the `ONE` slot).
    fn shift_of(&self, slot: usize) -> f64 {
        self.shift.as_ref().and_then(|s| s.get(slot)).copied().unwrap_or(0.0)
    }

    /// The shift of the column behind `Term::Value` number `t`.
    fn value_shift(&self, t: usize) -> f64 {
        self.shift_of(self.factors[t].0)
    }

    /// `[y, covariate]` shifts of a mean KPI (0 for other kinds): the values its
    /// shifted moments are relative to.
    pub fn mean_shifts(&self, kpi: &KpiTerms) -> [f64; 2] {
        match *kpi {
            KpiTerms::Mean { sum, covariate, .. } => {
                [self.value_shift(sum), covariate.map_or(0.0, |[xs, _, _]| self.value_shift(xs))]
            }
            _ => [0.0, 0.0],
        }
    }

    /// `(users, shifted sum of term t)` of a cell; zeros when no user landed in it.
    fn stats(&self, group: u32, variant: u32) -> (u64, impl Fn(usize) -> f64 + '_) {
        let cell = self.find_cell(group, variant);
        let n = self.factors.len();
        let users = cell.map_or(0, |c| self.users[c]);
        let sum = move |t: usize| {
            cell.map_or(0.0, |c| {
                let mut s = self.sums[c * n + t];
                s.add(self.partial[c * n + t]);
                let zeros = self.zeros[c];
                if zeros > 0 {
                    // An all-zero user's shifted term: (0 - c_a)(0 - c_b), the `ONE` slot 1.
                    let (a, b) = self.factors[t];
                    let z = |slot: usize| if slot == self.shiftable.len() { 1.0 } else { -self.shift_of(slot) };
                    s.add(zeros as f64 * (z(a) * z(b)));
                }
                s.value()
            })
        };
        (users, sum)
    }

    /// The `analyze` input of one variant for one KPI (SDK.md §2 `Variant`): mean
    /// KPIs in shifted moments (see `mean_shifts`), conversions and ratios raw;
    /// unshifted, it matches the reference's pandas aggregation (`kpi_variants`).
    pub fn variant(&self, kpi: &KpiTerms, group: u32, variant: u32, name: &str) -> Variant {
        let (users, sum) = self.stats(group, variant);
        let mut v = Variant { name: name.to_string(), users: users as f64, ..Variant::default() };
        match *kpi {
            KpiTerms::Conversion { conversions } => v.conversions = Some(sum(conversions).round()),
            KpiTerms::Mean { sum: s, sum_squares, covariate } => {
                v.sum = Some(sum(s));
                v.sum_squares = Some(sum(sum_squares));
                v.covariate = covariate.map(|[xs, xss, cross]| Moments {
                    sum: sum(xs),
                    sum_squares: sum(xss),
                    cross_sum: Some(sum(cross)),
                });
            }
            KpiTerms::Ratio { numerator, denominator, cross } => {
                // The ratio itself needs the raw sums: undo the shifts.
                let n = users as f64;
                let (ca, cb) = (self.value_shift(numerator[0]), self.value_shift(denominator[0]));
                let (sa, sb) = (sum(numerator[0]), sum(denominator[0]));
                let raw = |terms: &[f64]| {
                    let mut s = CompensatedSum::default();
                    terms.iter().for_each(|&x| s.add(x));
                    s.value()
                };
                v.numerator = Some(Moments {
                    sum: raw(&[sa, n * ca]),
                    sum_squares: raw(&[sum(numerator[1]), 2.0 * ca * sa, n * ca * ca]),
                    cross_sum: None,
                });
                v.denominator = Some(Moments {
                    sum: raw(&[sb, n * cb]),
                    sum_squares: raw(&[sum(denominator[1]), 2.0 * cb * sb, n * cb * cb]),
                    cross_sum: None,
                });
                v.cross_sum = Some(raw(&[sum(cross), cb * sa, ca * sb, n * ca * cb]));
            }
            // Counts per time, not sums: `time_to_event.rs`.
            KpiTerms::TimeToEvent { .. } => {}
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_terms_per_group_and_variant() {
        // values: [y, x]; terms: y, y², x, x², y·x
        let terms = vec![Term::Value(0), Term::Square(0), Term::Value(1), Term::Square(1), Term::Product(0, 1)];
        let mut acc = Accumulator::new(&terms, vec![false, false]);
        acc.add(0, &[0, 1], &[2.0, 3.0]);
        acc.add(1, &[0, 2], &[1.0, -1.0]);
        acc.add(0, &[0, 2], &[4.0, 0.5]);
        let mean = KpiTerms::Mean { sum: 0, sum_squares: 1, covariate: Some([2, 3, 4]) };
        let v = acc.variant(&mean, 0, 0, "control");
        assert_eq!(v.users, 2.0);
        assert_eq!((v.sum, v.sum_squares), (Some(6.0), Some(20.0)));
        assert_eq!(v.covariate, Some(Moments { sum: 3.5, sum_squares: 9.25, cross_sum: Some(8.0) }));
        let seg = acc.variant(&mean, 2, 0, "control");
        assert_eq!((seg.users, seg.sum), (1.0, Some(4.0)));
        // A cell nobody reached is all zeros.
        let empty = acc.variant(&mean, 1, 1, "treatment");
        assert_eq!((empty.users, empty.sum, empty.sum_squares), (0.0, Some(0.0), Some(0.0)));
        let ratio = KpiTerms::Ratio { numerator: [0, 1], denominator: [2, 3], cross: 4 };
        let r = acc.variant(&ratio, 0, 1, "treatment");
        assert_eq!(r.numerator, Some(Moments { sum: 1.0, sum_squares: 1.0, cross_sum: None }));
        assert_eq!(r.denominator, Some(Moments { sum: -1.0, sum_squares: 1.0, cross_sum: None }));
        assert_eq!(r.cross_sum, Some(-1.0));
        let conv = acc.variant(&KpiTerms::Conversion { conversions: 0 }, 0, 0, "control");
        assert_eq!((conv.users, conv.conversions, conv.sum), (2.0, Some(6.0), None));
    }

    #[test]
    fn cells_survive_new_variants_and_groups_in_any_order() {
        let mut acc = Accumulator::new(&[Term::Value(0), Term::Square(0)], vec![false]);
        // Variant v, group g gets v + g users with value v (zero for variant 0).
        for round in 0..40u32 {
            for v in (0..40u32).rev() {
                for g in 0..5u32 {
                    if round < v + g {
                        acc.add(v, &[g], &[f64::from(v)]);
                    }
                }
            }
        }
        let mean = KpiTerms::Mean { sum: 0, sum_squares: 1, covariate: None };
        for v in 0..40u32 {
            for g in 0..5u32 {
                let got = acc.variant(&mean, g, v, "v");
                let users = f64::from((v + g).min(40));
                assert_eq!((got.users, got.sum), (users, Some(users * f64::from(v))), "variant {v}, group {g}");
                assert_eq!(got.sum_squares, Some(users * f64::from(v * v)));
            }
        }
    }

    #[test]
    fn shifts_by_the_first_user_and_counts_zero_users_shifted() {
        let terms = vec![Term::Value(0), Term::Square(0), Term::Value(1), Term::Square(1), Term::Product(0, 1)];
        let mut acc = Accumulator::new(&terms, vec![true, true]);
        acc.add(0, &[0], &[5.0, 7.0]);
        acc.add(0, &[0], &[0.0, 0.0]);
        acc.add(0, &[0], &[6.0, 9.0]);
        let mean = KpiTerms::Mean { sum: 0, sum_squares: 1, covariate: Some([2, 3, 4]) };
        assert_eq!(acc.mean_shifts(&mean), [5.0, 7.0]);
        let v = acc.variant(&mean, 0, 0, "control");
        // y - 5: 0, -5, 1; x - 7: 0, -7, 2.
        assert_eq!((v.users, v.sum, v.sum_squares), (3.0, Some(-4.0), Some(26.0)));
        assert_eq!(v.covariate, Some(Moments { sum: -5.0, sum_squares: 53.0, cross_sum: Some(37.0) }));
        // Ratios get the raw moments back.
        let r = acc.variant(&KpiTerms::Ratio { numerator: [0, 1], denominator: [2, 3], cross: 4 }, 0, 0, "control");
        assert_eq!(r.numerator, Some(Moments { sum: 11.0, sum_squares: 61.0, cross_sum: None }));
        assert_eq!(r.denominator, Some(Moments { sum: 16.0, sum_squares: 130.0, cross_sum: None }));
        assert_eq!(r.cross_sum, Some(89.0));
        // Conversion columns are never shifted.
        let mut acc = Accumulator::new(&[Term::Value(0)], vec![false]);
        acc.add(0, &[0], &[1.0]);
        acc.add(0, &[0], &[0.0]);
        let c = acc.variant(&KpiTerms::Conversion { conversions: 0 }, 0, 0, "control");
        assert_eq!((c.users, c.conversions), (2.0, Some(1.0)));
    }
}
