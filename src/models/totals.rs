//! The aggregated mode: per-variant totals pasted as a small table
//! ("variant, users, conversions", one line per variant, control first), analysed
//! with the core's `analyze`, for when no row-level file is at hand.

use kpilab_core::analyze::{analyze, AnalysisOptions, AnalyzeInput, AnalyzeResult, MetricKind, Variant};

use crate::state::number::parse_number;

pub const EXAMPLE: &str = "variant, users, conversions\ncontrol, 10000, 500\ntreatment, 10000, 560";

/// Pasted text -> the core's input; a header line (non-numeric) is skipped.
pub fn parse(text: &str) -> Result<AnalyzeInput, String> {
    let mut variants = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split([',', ';', '\t']).map(str::trim).collect();
        let cells: Vec<&str> = if cells.len() == 1 { line.split_whitespace().collect() } else { cells };
        let numbers: Vec<Option<f64>> = cells.iter().skip(1).map(|c| parse_number(c).ok()).collect();
        match (cells.first(), numbers.as_slice()) {
            (Some(name), [Some(users), Some(conversions)]) => variants.push(Variant {
                name: name.to_string(),
                users: *users,
                conversions: Some(*conversions),
                ..Variant::default()
            }),
            _ if i == 0 && variants.is_empty() => {} // the header
            _ => {
                return Err(format!(
                    "Line {}: expected \"variant, users, conversions\", got \"{}\".",
                    i + 1,
                    line.trim()
                ))
            }
        }
    }
    if variants.len() < 2 {
        return Err("Enter at least two lines: control first, then each variant.".into());
    }
    Ok(AnalyzeInput { metric: MetricKind::Proportion, variants, options: AnalysisOptions::default() })
}

/// Parses and analyses; the core's message when the numbers are impossible.
pub fn evaluate(text: &str) -> Result<AnalyzeResult, String> {
    analyze(&parse(text)?).map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn the_example_analyses() {
        let result = evaluate(EXAMPLE).unwrap();
        assert_eq!(result.comparisons.len(), 1);
        assert_close!(result.comparisons[0].relative_lift.unwrap(), 0.12, 0.0, 1e-12, strict);
    }

    #[test]
    fn tabs_and_errors() {
        assert_eq!(parse("A\t100\t5\nB\t100\t7").unwrap().variants[1].name, "B");
        assert!(parse("A,100,5").is_err());
        assert!(parse("A,100,5\nB,100").unwrap_err().contains("Line 2"));
        assert!(evaluate("A,100,500\nB,100,5").is_err());
    }
}
