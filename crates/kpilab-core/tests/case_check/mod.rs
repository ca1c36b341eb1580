//! The golden-case comparison shared by the reference runners (golden.rs,
//! time_to_event.rs): a result path lookup and one value against its tolerance.

use serde_json::Value;

/// Resolves `comparisons[0].relativeCi[1]` (or `$`) inside `root`; `None` when absent.
pub fn lookup<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path == "$" {
        return Some(root);
    }
    let mut cur = root;
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            cur = cur.get(idx.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(cur)
}

/// `None` when `actual` matches `expected`: integers exactly, other numbers within
/// `tol.abs + tol.rel·|expected|`, anything else by equality; else the mismatch in words.
pub fn check_value(path: &str, expected: &Value, actual: Option<&Value>, tol: &Value) -> Option<String> {
    let actual = actual.filter(|a| !a.is_null());
    match (expected, actual) {
        (Value::Null, None) => None,
        (Value::Null, Some(a)) => Some(format!("{path}: expected absent, got {a}")),
        (_, None) => Some(format!("{path}: expected {expected}, got nothing")),
        (Value::Number(e), Some(Value::Number(a))) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            let exact = expected.is_i64() || expected.is_u64();
            let bound = tol["abs"].as_f64().unwrap() + tol["rel"].as_f64().unwrap() * e.abs();
            let ok = if exact { a == e } else { (a - e).abs() <= bound };
            (!ok).then(|| format!("{path}: expected {e:e}, got {a:e} (diff {:e}, allowed {bound:e})", (a - e).abs()))
        }
        (e, Some(a)) => (e != a).then(|| format!("{path}: expected {e}, got {a}")),
    }
}
