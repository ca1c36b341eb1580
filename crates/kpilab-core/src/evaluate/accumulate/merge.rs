//! The moments of one slice of a file (SDK.md §7), exported and added into
//! another accumulator in file order.
//!
//! Each slice shifts by its own first user (`c_B`); the merged accumulator keeps
//! the shift of the first user it saw, which is the whole file's first user, as
//! in a single pass (`c_A`). A slice's shifted sums are re-shifted exactly, with
//! `d = c_B - c_A`:
//! `Σ(a - c_A)(b - c_A) = Σ(a - c_B)(b - c_B) + d_b Σ(a - c_B) + d_a Σ(b - c_B) + n d_a d_b`,
//! added compensated with exact products (TwoProduct). Only rounding differs from a single pass (the blocks of
//! `BLOCK` users fall elsewhere): results agree within 1e-12 relative (absolute
//! for numbers under 1, such as a lift), not bit for bit (`evaluate::slice_tests`).

use serde::{Deserialize, Serialize};

use super::{Accumulator, CompensatedSum, NO_CELL};

/// Cells of an accumulator: plain data, to cross a worker boundary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MomentsState {
    /// Per value column, the shift of the slice's sums (`None`: no user yet).
    pub shift: Option<Vec<f64>>,
    pub cells: Vec<CellState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellState {
    pub group: u32,
    pub variant: u32,
    pub users: f64,
    /// Per term: the cell's shifted sum (all-zero users included).
    pub sums: Vec<f64>,
}

impl Accumulator {
    pub fn export(&self) -> MomentsState {
        let stride = self.stride.max(1);
        let mut cells: Vec<(usize, CellState)> = Vec::new();
        for (i, &c) in self.cells.iter().enumerate() {
            if c == NO_CELL {
                continue;
            }
            let (group, variant) = ((i / stride) as u32, (i % stride) as u32);
            let (users, sum) = self.stats(group, variant);
            let sums = (0..self.factors.len()).map(sum).collect();
            cells.push((c as usize, CellState { group, variant, users: users as f64, sums }));
        }
        // Creation order, so that the merged accumulator lays cells out alike.
        cells.sort_by_key(|&(c, _)| c);
        MomentsState { shift: self.shift.clone(), cells: cells.into_iter().map(|(_, c)| c).collect() }
    }

    /// Whether `state` has this accumulator's terms, and cells of `variants`
    /// variants and `groups` groups at most (a state from elsewhere must not panic `absorb`).
    pub fn fits(&self, state: &MomentsState, variants: usize, groups: usize) -> bool {
        let shift_fits = state.shift.as_ref().is_none_or(|s| s.len() == self.shiftable.len());
        shift_fits
            && state.cells.iter().all(|c| {
                c.sums.len() == self.factors.len()
                    && (c.variant as usize) < variants
                    && (c.group as usize) < groups
                    && c.users >= 0.0
                    && c.users.is_finite()
            })
    }

    /// Adds a later slice's cells; `variants[v]` and `groups[g]` map its ids to ours.
    pub fn absorb(&mut self, state: &MomentsState, variants: &[u32], groups: &[u32]) {
        let Some(theirs) = &state.shift else {
            return;
        };
        let ours = self.shift.get_or_insert_with(|| theirs.clone()).clone();
        // d per slot; the ONE slot (last) is never shifted.
        let mut d: Vec<f64> = theirs.iter().zip(&ours).map(|(b, a)| b - a).collect();
        d.push(0.0);
        let one = self.shiftable.len();
        // Term index of `Value(a)` for each slot (every layout sums each value it squares).
        let linear: Vec<Option<usize>> = (0..=one).map(|a| self.factors.iter().position(|&f| f == (a, one))).collect();
        let n_terms = self.factors.len();
        for cell in &state.cells {
            let c = self.cell(groups[cell.group as usize], variants[cell.variant as usize]);
            self.users[c] += cell.users as u64;
            let n = cell.users;
            let sum_of = |a: usize| if a == one { n } else { linear[a].map_or(0.0, |t| cell.sums[t]) };
            for (t, &(a, b)) in self.factors.iter().enumerate() {
                let s = &mut self.sums[c * n_terms + t];
                s.add(cell.sums[t]);
                if d[a] != 0.0 || d[b] != 0.0 {
                    debug_assert!(d[a] == 0.0 || linear[a].is_some(), "a shifted slot is summed");
                    add_product(s, d[b], sum_of(a));
                    add_product(s, d[a], sum_of(b));
                    let (p, e) = two_product(d[a], d[b]);
                    add_product(s, n, p);
                    add_product(s, n, e);
                }
            }
        }
    }
}

/// `x × y` as a rounded product and its exact rounding error (TwoProduct, by FMA).
fn two_product(x: f64, y: f64) -> (f64, f64) {
    let p = x * y;
    (p, libm::fma(x, y, -p))
}

/// Adds `x × y` to `s` without rounding the product.
fn add_product(s: &mut CompensatedSum, x: f64, y: f64) {
    let (p, e) = two_product(x, y);
    s.add(p);
    s.add(e);
}
