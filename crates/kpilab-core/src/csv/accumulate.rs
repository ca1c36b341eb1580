//! Sufficient statistics per (group × variant) cell: users and compensated sums of
//! every term the KPIs need (sum, sum of squares, cross sums). Group 0 is the
//! whole test; every segment value is a group of its own. Memory is bounded by
//! groups × variants × terms, never by the number of rows (gbstats' separation of
//! moments from tests: DESIGN.md).

use super::layout::{KpiTerms, Term};
use super::sum::CompensatedSum;
use crate::analyze::{Moments, Variant};

const NO_CELL: u32 = u32::MAX;

/// Users per cell summed plainly before one compensated addition: far fewer
/// compensated steps per row, and a block of 128 plain additions loses at most
/// ~127 ulps of the block's absolute sum, still orders of magnitude inside the
/// 1e-8 relative tolerance against `math.fsum`.
const BLOCK: u32 = 128;

pub(crate) struct Accumulator {
    terms: Vec<Term>,
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
    /// `[group][variant]` → cell, `NO_CELL` while empty.
    cells: Vec<Vec<u32>>,
}

impl Accumulator {
    pub fn new(terms: Vec<Term>) -> Self {
        Accumulator {
            term_values: vec![0.0; terms.len()],
            terms,
            users: Vec::new(),
            partial: Vec::new(),
            sums: Vec::new(),
            pending: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Adds one user (a row, or a user's summed rows) to `variant` in every group.
    #[inline]
    pub fn add(&mut self, variant: u32, groups: &[u32], values: &[f64]) {
        for (t, out) in self.terms.iter().zip(self.term_values.iter_mut()) {
            *out = match *t {
                Term::Value(a) => values[a],
                Term::Square(a) => values[a] * values[a],
                Term::Product(a, b) => values[a] * values[b],
            };
        }
        let n = self.terms.len();
        for &g in groups {
            let cell = self.cell_or_new(g, variant);
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

    #[inline]
    fn cell_or_new(&mut self, group: u32, variant: u32) -> usize {
        let (g, v) = (group as usize, variant as usize);
        if let Some(&c) = self.cells.get(g).and_then(|row| row.get(v)) {
            if c != NO_CELL {
                return c as usize;
            }
        }
        if self.cells.len() <= g {
            self.cells.resize(g + 1, Vec::new());
        }
        if self.cells[g].len() <= v {
            self.cells[g].resize(v + 1, NO_CELL);
        }
        let c = self.users.len();
        self.cells[g][v] = c as u32;
        self.users.push(0);
        self.pending.push(0);
        self.partial.resize(self.partial.len() + self.terms.len(), 0.0);
        self.sums.resize(self.sums.len() + self.terms.len(), CompensatedSum::default());
        c
    }

    /// `(users, sum of term t)` of a cell; zeros when no user landed in it.
    fn stats(&self, group: u32, variant: u32) -> (u64, impl Fn(usize) -> f64 + '_) {
        let cell =
            self.cells.get(group as usize).and_then(|r| r.get(variant as usize)).copied().filter(|&c| c != NO_CELL);
        let n = self.terms.len();
        let users = cell.map_or(0, |c| self.users[c as usize]);
        let sum = move |t: usize| {
            cell.map_or(0.0, |c| {
                let mut s = self.sums[c as usize * n + t];
                s.add(self.partial[c as usize * n + t]);
                s.value()
            })
        };
        (users, sum)
    }

    /// The `analyze` input of one variant for one KPI (SDK.md §2 `Variant`); matches
    /// the reference's pandas aggregation (`kpi_variants`).
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
                v.numerator = Some(Moments { sum: sum(numerator[0]), sum_squares: sum(numerator[1]), cross_sum: None });
                v.denominator =
                    Some(Moments { sum: sum(denominator[0]), sum_squares: sum(denominator[1]), cross_sum: None });
                v.cross_sum = Some(sum(cross));
            }
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
        let mut acc = Accumulator::new(terms);
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
}
