//! Exact percentile of per-user values for `cap: { percentile }` (SDK.md §4).

/// The `p`-th percentile (0-100) of `values` by linear interpolation between
/// the closest ranks: matches `numpy.percentile(values, p)` (method "linear",
/// numpy's default), including numpy's `_lerp`, which interpolates from the
/// upper neighbour when the fraction is at least 0.5. Sorts `values` in place;
/// `None` when empty. `values` must be finite (per-user sums of checked cells).
pub(crate) fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    // numpy: virtual index q (n - 1) with q = p / 100.
    let h = (p / 100.0) * (n - 1) as f64;
    let below = h.floor().clamp(0.0, (n - 1) as f64);
    let lo = below as usize;
    let hi = (lo + 1).min(n - 1);
    let t = h - below;
    let (a, b) = (values[lo], values[hi]);
    let diff = b - a;
    Some(if t >= 0.5 { b - diff * (1.0 - t) } else { a + diff * t })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_linear() {
        // numpy 2.x: np.percentile(x, p) for x = [1, 2, 3, 4, 10].
        let x = [10.0, 1.0, 3.0, 2.0, 4.0];
        let p = |q: f64| percentile(&mut x.to_vec(), q).unwrap();
        assert_eq!(p(0.0), 1.0);
        assert_eq!(p(100.0), 10.0);
        assert_eq!(p(50.0), 3.0);
        assert_eq!(p(90.0), 7.6000000000000005);
        assert_eq!(p(99.0), 9.76);
        assert_eq!(p(12.5), 1.5);
        assert_eq!(percentile(&mut [5.0], 99.0), Some(5.0));
        assert_eq!(percentile(&mut [], 99.0), None);
        // Many ties at zero (most users buy nothing).
        let mut zeros = vec![0.0; 98];
        zeros.extend([100.0, 1000.0]);
        assert_eq!(percentile(&mut zeros, 99.0), Some(109.0000000000046));
    }
}
