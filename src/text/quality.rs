//! What the event-level rules left out of an evaluation, and why, in plain words
//! (SDK.md §4 `DataQuality`): one line per non-zero count, for the data-quality panel.

use kpilab_core::evaluate::{Evaluation, RowError};

use crate::text::format::{group_thousands, trimmed};

/// One sentence of the panel; `id` names it for tests (`quality-<id>`).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityLine {
    pub id: &'static str,
    pub text: String,
}

/// "1 user" / "2,300 users".
fn count(n: f64, one: &str, many: &str) -> String {
    format!("{} {}", group_thousands(n), if n == 1.0 { one } else { many })
}

/// The rows of `rows.errors` whose timestamp could not be read (the core's message says so).
pub fn timestamp_errors(errors: &[RowError]) -> Vec<&RowError> {
    errors.iter().filter(|e| e.message.contains("is not a date/time")).collect()
}

/// Every non-zero count of `evaluation.quality`, most serious first; empty when nothing was left out.
pub fn quality_lines(evaluation: &Evaluation) -> Vec<QualityLine> {
    let q = &evaluation.quality;
    let mut lines = Vec::new();
    let mut line = |id: &'static str, text: String| lines.push(QualityLine { id, text });
    if q.multi_variant_users > 0.0 {
        line(
            "multi-variant",
            format!(
                "{} in more than one variant: left out of every arm, since their data would mix both experiences (check the assignment, or the user column).",
                count(q.multi_variant_users, "user was seen", "users were seen")
            ),
        );
    }
    if q.timestamp_errors > 0.0 {
        let listed: Vec<String> =
            timestamp_errors(&evaluation.rows.errors).iter().map(|e| group_thousands(e.line)).collect();
        let at = match listed.len() {
            0 => String::new(),
            1 => format!(" (line {})", listed[0]),
            _ => format!(" (lines {})", listed.join(", ")),
        };
        line(
            "timestamp-errors",
            format!(
                "{} an unreadable timestamp{at}: skipped. Times must be ISO 8601 (2024-01-31T12:00:00Z), a date, or epoch seconds, ms or µs.",
                count(q.timestamp_errors, "row has", "rows have")
            ),
        );
    }
    if q.users_without_exposure > 0.0 {
        line(
            "without-exposure",
            format!(
                "{} no exposure row: in no arm, since only exposed users are compared.",
                count(q.users_without_exposure, "user has", "users have")
            ),
        );
    }
    if q.rows_before_exposure > 0.0 {
        line(
            "before-exposure",
            format!(
                "{} before the user's exposure: ignored, since what happened before the test cannot be its effect.",
                count(q.rows_before_exposure, "row came", "rows came")
            ),
        );
    }
    if q.rows_outside_window > 0.0 {
        line(
            "outside-window",
            format!(
                "{} of a KPI's event fell outside its window after exposure: not counted for that KPI.",
                count(q.rows_outside_window, "row", "rows")
            ),
        );
    }
    if q.users_window_open > 0.0 {
        line(
            "window-open",
            format!(
                "{} exposed less than the longest KPI window before the data ends: their window is still open, so their KPIs may still rise. Evaluate again later, or use a shorter window.",
                count(q.users_window_open, "user was", "users were")
            ),
        );
    }
    for c in q.capped_values.iter().filter(|c| c.users > 0.0) {
        let what = if c.part == "value" { String::new() } else { format!(" ({})", c.part) };
        let cap = trimmed(c.cap, 2);
        line(
            "capped",
            format!(
                "{}{what}: {} above {cap} capped at {cap}, so a few outliers cannot decide the test.",
                c.kpi,
                count(c.users, "user's value was", "users' values were")
            ),
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use kpilab_core::evaluate::evaluate_csv;
    use kpilab_core::evaluate::event_types::{CappedValue, DataQuality};

    use super::*;

    fn evaluation(csv: &str) -> Evaluation {
        let config = serde_json::from_value(serde_json::json!({
            "variantColumn": "v", "userColumn": "u", "timestampColumn": "t",
            "kpis": [{"name": "purchase", "role": "primary", "kind": "conversion",
                      "where": {"column": "e", "equals": "purchase"}, "window": {"days": 1}}],
        }))
        .unwrap();
        evaluate_csv(csv.as_bytes(), &config).unwrap()
    }

    const CLEAN: &str = "v,u,t,e\na,1,2024-01-01,page_view\nb,2,2024-01-01,page_view\na,3,2024-01-01,purchase\n\
        b,4,2024-01-01,purchase\na,1,2024-01-03,page_view\n";

    #[test]
    fn a_clean_file_has_no_lines() {
        assert_eq!(quality_lines(&evaluation(CLEAN)), []);
    }

    #[test]
    fn each_exclusion_is_said_with_its_count_and_lines() {
        // User 1 in both arms; line 6 has no readable time; user 2 buys after the 1-day window.
        let ev = evaluation(
            "v,u,t,e\na,1,2024-01-01,page_view\nb,1,2024-01-01,page_view\na,2,2024-01-01,page_view\n\
             b,3,2024-01-01,purchase\na,2,soon,purchase\na,2,2024-01-05,purchase\nb,4,2024-01-06,page_view\n",
        );
        let lines = quality_lines(&ev);
        let ids: Vec<&str> = lines.iter().map(|l| l.id).collect();
        assert_eq!(ids, ["multi-variant", "timestamp-errors", "outside-window", "window-open"]);
        assert!(lines[0].text.starts_with("1 user was seen in more than one variant: left out"), "{}", lines[0].text);
        assert!(lines[1].text.starts_with("1 row has an unreadable timestamp (line 6): skipped."), "{}", lines[1].text);
        assert!(lines[2].text.starts_with("1 row of a KPI's event fell outside"), "{}", lines[2].text);
        // The Markdown report carries the same lines; a clean file's has no such section.
        let md = crate::text::report::markdown(&ev, "events.csv");
        assert!(md.contains("## Data quality\n\n- 1 user was seen in more than one variant"), "{md}");
        assert!(!crate::text::report::markdown(&evaluation(CLEAN), "x").contains("Data quality"));
    }

    #[test]
    fn caps_and_plurals() {
        let mut ev = evaluation(CLEAN);
        ev.quality = DataQuality {
            users_without_exposure: 1200.0,
            rows_before_exposure: 3.0,
            capped_values: vec![CappedValue {
                kpi: "revenue per user".into(),
                part: "value".into(),
                cap: 450.0,
                users: 12.0,
            }],
            ..DataQuality::default()
        };
        let text: Vec<String> = quality_lines(&ev).into_iter().map(|l| l.text).collect();
        assert!(text[0].starts_with("1,200 users have no exposure row"), "{}", text[0]);
        assert!(text[1].starts_with("3 rows came before the user's exposure: ignored"), "{}", text[1]);
        assert_eq!(text[2], "revenue per user: 12 users' values were above 450 capped at 450, so a few outliers cannot decide the test.");
    }
}
