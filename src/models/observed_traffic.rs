//! Days left from the traffic the test has seen: users so far per arm divided by
//! the days it has run. Pure, tested natively.

use crate::state::number::parse_number;

/// What the "Days the test has run so far" field says when it is unreadable.
pub const DAYS_RUN_MESSAGE: &str =
    "Enter the days the test has run so far as a whole number, e.g. 14 (or leave it empty).";

/// "14", "14 days", "1 day" → 14 / 1; "" → None; anything else (0, negative, a fraction) is refused.
pub fn parse_days_run(text: &str) -> Result<Option<f64>, &'static str> {
    let text = text.trim();
    let digits = text.strip_suffix("days").or_else(|| text.strip_suffix("day")).unwrap_or(text).trim();
    if digits.is_empty() {
        return if text.is_empty() { Ok(None) } else { Err(DAYS_RUN_MESSAGE) };
    }
    match parse_number(digits) {
        Ok(d) if d >= 1.0 && d.fract() == 0.0 && d.is_finite() => Ok(Some(d)),
        _ => Err(DAYS_RUN_MESSAGE),
    }
}

/// The observed traffic and what it means for the test.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedPace {
    /// Users so far in every arm together.
    pub users: f64,
    pub days_run: f64,
    /// Users a day, all arms together.
    pub per_day: f64,
    /// Whole days until every arm has `planned` users (0 when they all have).
    pub days_left: f64,
}

/// Each arm fills at its own observed pace (`seen / days_run` a day); the slowest arm
/// sets the days left, rounded up. None without arms, days or a planned size, or when
/// an arm short of its size has no users yet (it never fills at this pace).
pub fn observed_pace(observed: &[f64], planned: f64, days_run: f64) -> Option<ObservedPace> {
    if observed.is_empty() || !(days_run > 0.0 && planned > 0.0) || observed.iter().any(|n| !n.is_finite()) {
        return None;
    }
    let mut days_left: f64 = 0.0;
    for seen in observed {
        let missing = (planned - seen).max(0.0);
        if missing > 0.0 {
            if *seen <= 0.0 {
                return None;
            }
            days_left = days_left.max(missing / (seen / days_run));
        }
    }
    let users: f64 = observed.iter().sum();
    Some(ObservedPace { users, days_run, per_day: users / days_run, days_left: days_left.ceil() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_field_takes_a_count_with_or_without_days() {
        assert_eq!(parse_days_run("14"), Ok(Some(14.0)));
        assert_eq!(parse_days_run(" 14 days "), Ok(Some(14.0)));
        assert_eq!(parse_days_run("1 day"), Ok(Some(1.0)));
        assert_eq!(parse_days_run(""), Ok(None));
        for bad in ["0", "-3", "2.5", "days", "two weeks"] {
            assert_eq!(parse_days_run(bad), Err(DAYS_RUN_MESSAGE), "{bad}");
        }
    }

    #[test]
    fn the_slowest_arm_sets_the_days_left() {
        // 12,000 and 13,000 users in 14 days; 30,000 planned each. The control gets
        // 857.14 a day and lacks 18,000: 21 days; the variant 928.57 a day, 17,000 → 18.3.
        let pace = observed_pace(&[12_000.0, 13_000.0], 30_000.0, 14.0).unwrap();
        assert_eq!(pace.days_left, 21.0);
        assert_eq!(pace.users, 25_000.0);
        assert!((pace.per_day - 1_785.714_285_714_285_7).abs() < 1e-9);
        assert_eq!(observed_pace(&[30_000.0, 31_000.0], 30_000.0, 14.0).unwrap().days_left, 0.0);
        assert_eq!(observed_pace(&[0.0, 13_000.0], 30_000.0, 14.0), None, "an empty arm never fills");
        assert_eq!(observed_pace(&[], 30_000.0, 14.0), None);
        assert_eq!(observed_pace(&[1.0], 30_000.0, 0.0), None);
    }
}
