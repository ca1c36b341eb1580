//! Two arms' counts on their pooled distinct times: at risk and events in each
//! arm just before each time, the input of the log-rank test and the Cox model.

use super::kaplan_meier::SurvivalCounts;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairRow {
    pub n_a: u64,
    pub n_b: u64,
    pub d_a: u64,
    pub d_b: u64,
}

/// The pooled rows (A = control, B = treatment), in increasing time.
pub fn pair_rows(a: &SurvivalCounts, b: &SurvivalCounts) -> Vec<PairRow> {
    let mut out = Vec::new();
    let (mut ia, mut ib) = (a.rows().peekable(), b.rows().peekable());
    let (mut n_a, mut n_b) = (a.users(), b.users());
    loop {
        let t = match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (Some(x), Some(y)) => x.0.min(y.0),
        };
        let (mut d_a, mut c_a, mut d_b, mut c_b) = (0, 0, 0, 0);
        if let Some(&(_, d, c)) = ia.peek().filter(|x| x.0 == t) {
            (d_a, c_a) = (d, c);
            ia.next();
        }
        if let Some(&(_, d, c)) = ib.peek().filter(|y| y.0 == t) {
            (d_b, c_b) = (d, c);
            ib.next();
        }
        out.push(PairRow { n_a, n_b, d_a, d_b });
        n_a -= d_a + c_a;
        n_b -= d_b + c_b;
    }
    out
}
