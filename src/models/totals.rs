//! The aggregated mode: per-variant totals pasted as a small table, one line
//! per variant (control first), for when no row-level file is at hand. Every
//! metric kind: `variant, users, conversions`; `variant, users, mean, sd`; or
//! `variant, users, sum, sum of squares`, and several KPIs side by side when a
//! header names them ("variant, users, orders, revenue mean, revenue sd"). Each
//! KPI is analysed by the core's `analyze` and the decision is the SDK's rule
//! (`evaluate::decide`); nothing here does statistics.

use kpilab_core::analyze::{analyze, choose_control, AnalysisOptions, AnalyzeInput, ControlInfo, MetricKind, Variant};
use kpilab_core::common::Alternative;
use kpilab_core::evaluate::event_types::DataQuality;
use kpilab_core::evaluate::{
    decide, EvalAnalysis, EvalConfig, Evaluation, KpiKind, KpiResult, KpiRole, KpiSpec, RowReport,
};

use crate::state::number::parse_number;

pub const EXAMPLE: &str = "variant, users, conversions\ncontrol, 10000, 500\ntreatment, 10000, 560";

/// How a KPI's numbers are given, by the positions of its cells among a line's numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Conversions(usize),
    MeanSd { mean: usize, sd: usize },
    Sums { sum: usize, sum_squares: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TotalsKpi {
    pub name: String,
    pub shape: Shape,
}

impl TotalsKpi {
    pub fn kind(&self) -> KpiKind {
        match self.shape {
            Shape::Conversions(_) => KpiKind::Conversion,
            _ => KpiKind::Mean,
        }
    }
}

/// The pasted table: its KPIs and, per variant, its name and numbers (users first).
#[derive(Debug, Clone, PartialEq)]
pub struct TotalsTable {
    pub kpis: Vec<TotalsKpi>,
    pub variants: Vec<(String, Vec<f64>)>,
}

/// What the user set beside the table.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalsSettings {
    pub alpha: f64,
    pub alternative: Alternative,
    /// Per KPI name: its role and whether higher is better; absent = the first
    /// KPI primary, the others secondary, higher is better.
    pub roles: Vec<(String, KpiRole, bool)>,
}

impl Default for TotalsSettings {
    fn default() -> Self {
        TotalsSettings { alpha: 0.05, alternative: Alternative::TwoSided, roles: Vec::new() }
    }
}

impl TotalsSettings {
    pub fn role_of(&self, index: usize, name: &str) -> (KpiRole, bool) {
        let default = if index == 0 { KpiRole::Primary } else { KpiRole::Secondary };
        self.roles.iter().find(|(n, _, _)| n == name).map_or((default, true), |(_, r, h)| (*r, *h))
    }
}

/// A header cell's part: (KPI name, part) where part is what the numbers are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Conversions,
    Mean,
    Sd,
    Sum,
    SumSquares,
}

fn part_of(cell: &str) -> (String, Part) {
    let lower = cell.trim().to_lowercase();
    const SUFFIXES: [(&str, Part); 13] = [
        ("sum of squares", Part::SumSquares),
        ("sum_squares", Part::SumSquares),
        ("sum squares", Part::SumSquares),
        ("sumsq", Part::SumSquares),
        ("sum", Part::Sum),
        ("standard deviation", Part::Sd),
        ("std dev", Part::Sd),
        ("stdev", Part::Sd),
        ("std", Part::Sd),
        ("sd", Part::Sd),
        ("average", Part::Mean),
        ("mean", Part::Mean),
        ("avg", Part::Mean),
    ];
    for (suffix, part) in SUFFIXES {
        if let Some(base) = lower.strip_suffix(suffix) {
            if base.is_empty() || base.ends_with([' ', '_', '-']) {
                let base = base.trim_end_matches([' ', '_', '-']).trim();
                let name = if base.is_empty() { "value".to_string() } else { cell.trim()[..base.len()].to_string() };
                return (name, part);
            }
        }
    }
    let name = match lower.as_str() {
        "conversions" | "conversion" | "converted" => "conversion rate".to_string(),
        _ => cell.trim().to_string(),
    };
    (name, Part::Conversions)
}

/// The KPIs a header names (its cells after variant and users).
fn kpis_of_header(cells: &[&str]) -> Result<Vec<TotalsKpi>, String> {
    let parts: Vec<(String, Part)> = cells.iter().map(|c| part_of(c)).collect();
    let find = |name: &str, part: Part| parts.iter().position(|(n, p)| n == name && *p == part).map(|i| i + 1);
    let mut kpis: Vec<TotalsKpi> = Vec::new();
    for (i, (name, part)) in parts.iter().enumerate() {
        let at = i + 1; // numbers: users first
        let (partner, partner_word) = match part {
            Part::Conversions => {
                kpis.push(TotalsKpi { name: name.clone(), shape: Shape::Conversions(at) });
                continue;
            }
            Part::Mean => (Part::Sd, "sd"),
            Part::Sd => (Part::Mean, "mean"),
            Part::Sum => (Part::SumSquares, "sum of squares"),
            Part::SumSquares => (Part::Sum, "sum"),
        };
        let Some(other) = find(name, partner) else {
            let full = if name == "value" { partner_word.to_string() } else { format!("{name} {partner_word}") };
            return Err(format!("Column \"{}\" needs a \"{full}\" column beside it.", cells[i].trim()));
        };
        if kpis.iter().any(|k| &k.name == name) {
            continue; // its partner came first
        }
        let shape = match part {
            Part::Mean => Shape::MeanSd { mean: at, sd: other },
            Part::Sd => Shape::MeanSd { mean: other, sd: at },
            Part::Sum => Shape::Sums { sum: at, sum_squares: other },
            _ => Shape::Sums { sum: other, sum_squares: at },
        };
        kpis.push(TotalsKpi { name: name.clone(), shape });
    }
    Ok(kpis)
}

fn cells_of(line: &str) -> Vec<&str> {
    let cells: Vec<&str> = line.split([',', ';', '\t']).map(str::trim).collect();
    if cells.len() == 1 {
        line.split_whitespace().collect()
    } else {
        cells
    }
}

const FORMATS: &str =
    "\"variant, users, conversions\", \"variant, users, mean, sd\" or \"variant, users, sum, sum of squares\"";

/// Pasted text -> the table. A first line whose cells are not numbers is the header.
pub fn parse(text: &str) -> Result<TotalsTable, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).peekable();
    let mut kpis = None;
    if let Some((_, first)) = lines.peek() {
        let cells = cells_of(first);
        if cells.len() > 2 && cells[1..].iter().any(|c| parse_number(c).is_err()) {
            kpis = Some(kpis_of_header(&cells[2..])?);
            lines.next();
        }
    }
    let mut variants = Vec::new();
    for (i, line) in lines {
        let cells = cells_of(line);
        let numbers: Option<Vec<f64>> = cells.iter().skip(1).map(|c| parse_number(c).ok()).collect();
        let kpis = kpis.get_or_insert_with(|| match cells.len() {
            4 => vec![TotalsKpi { name: "value".into(), shape: Shape::MeanSd { mean: 1, sd: 2 } }],
            _ => vec![TotalsKpi { name: "conversion rate".into(), shape: Shape::Conversions(1) }],
        });
        let width =
            1 + kpis.iter().map(|k| if matches!(k.shape, Shape::Conversions(_)) { 1 } else { 2 }).sum::<usize>();
        match numbers {
            Some(numbers) if numbers.len() == width && !cells[0].is_empty() => {
                variants.push((cells[0].to_string(), numbers))
            }
            _ => {
                return Err(format!(
                    "Line {}: expected a variant name and {width} numbers ({FORMATS}), got \"{}\".",
                    i + 1,
                    line.trim()
                ))
            }
        }
    }
    if variants.len() < 2 {
        return Err("Enter at least two lines: control first, then each variant.".into());
    }
    Ok(TotalsTable { kpis: kpis.unwrap_or_default(), variants })
}

/// One variant's numbers for a KPI, in `analyze`'s terms: users + conversions,
/// or users + the sum and sum of squares (from mean and sd: n·mean and
/// (n-1)·sd² + n·mean², the sample sd's own definition).
fn variant_of(kpi: &TotalsKpi, name: &str, numbers: &[f64]) -> Variant {
    let users = numbers[0];
    let base = Variant { name: name.to_string(), users, ..Variant::default() };
    match kpi.shape {
        Shape::Conversions(i) => Variant { conversions: Some(numbers[i]), ..base },
        Shape::MeanSd { mean, sd } => {
            let (m, s) = (numbers[mean], numbers[sd]);
            Variant { sum: Some(users * m), sum_squares: Some((users - 1.0) * s * s + users * m * m), ..base }
        }
        Shape::Sums { sum, sum_squares } => {
            Variant { sum: Some(numbers[sum]), sum_squares: Some(numbers[sum_squares]), ..base }
        }
    }
}

/// Analyses every KPI of the table and decides; also returns the configuration
/// it amounts to (for the result page's words). The core's message, prefixed
/// with the KPI, when the numbers are impossible.
pub fn evaluate(table: &TotalsTable, settings: &TotalsSettings) -> Result<(Evaluation, EvalConfig), String> {
    let options = AnalysisOptions { alpha: settings.alpha, alternative: settings.alternative, ..Default::default() };
    let mut specs = Vec::new();
    let mut results = Vec::new();
    for (i, kpi) in table.kpis.iter().enumerate() {
        let (role, higher_is_better) = settings.role_of(i, &kpi.name);
        let input = AnalyzeInput {
            metric: if kpi.kind() == KpiKind::Conversion { MetricKind::Proportion } else { MetricKind::Mean },
            variants: table.variants.iter().map(|(name, numbers)| variant_of(kpi, name, numbers)).collect(),
            options: AnalysisOptions { higher_is_better, ..options.clone() },
        };
        let result = analyze(&input).map_err(|e| format!("KPI \"{}\": {}", kpi.name, e.message))?;
        specs.push(KpiSpec {
            column: Some(kpi.name.clone()),
            higher_is_better,
            ..KpiSpec::new(&kpi.name, role, kpi.kind())
        });
        results.push(KpiResult { name: kpi.name.clone(), role, result, steps: None, time_to_event: None });
    }
    let analysis = EvalAnalysis { options, planned_users_per_variant: None, variants: None };
    let decision = decide(&specs, &results, &analysis);
    let names: Vec<&str> = table.variants.iter().map(|(n, _)| n.as_str()).collect();
    let (control, chosen_by) = choose_control(&names, None).ok_or("No control variant.")?;
    let mut config = EvalConfig::new("variant", specs);
    config.analysis = analysis;
    let evaluation = Evaluation {
        kpis: results,
        segments: Vec::new(),
        decision,
        revenue_impact: None,
        rows: RowReport::default(),
        control: ControlInfo { name: names[control].to_string(), chosen_by },
        warnings: Vec::new(),
        quality: DataQuality::default(),
    };
    Ok((evaluation, config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_core::evaluate::DecisionVerdict;
    use kpilab_test_support::assert_close;

    fn run(text: &str, settings: &TotalsSettings) -> Evaluation {
        evaluate(&parse(text).unwrap(), settings).unwrap().0
    }

    #[test]
    fn the_example_analyses_and_decides() {
        let e = run(EXAMPLE, &TotalsSettings::default());
        assert_eq!(e.kpis[0].name, "conversion rate");
        assert_close!(e.kpis[0].result.comparisons[0].relative_lift.unwrap(), 0.12, 0.0, 1e-12, strict);
        assert_eq!(e.control.name, "control");
        // 5.6 % vs 5.0 % on 10,000 each: p ≈ 0.06, not yet.
        assert_eq!(e.decision.verdict, DecisionVerdict::Inconclusive);
    }

    #[test]
    fn mean_and_sd_are_the_sums_analyze_takes() {
        let table = parse("variant, users, revenue mean, revenue sd\ncontrol, 1000, 10, 4\ntreatment, 1000, 10.5, 4.2")
            .unwrap();
        assert_eq!(table.kpis, [TotalsKpi { name: "revenue".into(), shape: Shape::MeanSd { mean: 1, sd: 2 } }]);
        let (e, config) = evaluate(&table, &TotalsSettings::default()).unwrap();
        assert_eq!(config.kpis[0].kind, KpiKind::Mean);
        let arm = &e.kpis[0].result.variants[1];
        assert_close!(arm.mean, 10.5, 1e-12, 0.0);
        assert_close!(arm.std_dev, 4.2, 1e-12, 0.0);
        // scipy 1.17.1: ttest_ind_from_stats(10.5, 4.2, 1000, 10, 4, 1000, equal_var=False).pvalue
        assert_close!(e.kpis[0].result.comparisons[0].p_value.unwrap(), 0.006_464_818_863_686_363_5, 1e-9, 0.0);
    }

    #[test]
    fn sums_several_kpis_roles_and_one_sided() {
        let text = "variant, users, orders, revenue sum, revenue sum of squares\nA, 2000, 200, 20000, 400000\nB, 2000, 260, 21000, 430000";
        let table = parse(text).unwrap();
        assert_eq!(table.kpis.len(), 2);
        assert_eq!(table.kpis[0], TotalsKpi { name: "orders".into(), shape: Shape::Conversions(1) });
        assert_eq!(table.kpis[1].shape, Shape::Sums { sum: 2, sum_squares: 3 });
        let settings = TotalsSettings {
            alternative: Alternative::Greater,
            roles: vec![("revenue".into(), KpiRole::Guardrail, true)],
            ..TotalsSettings::default()
        };
        let e = run(text, &settings);
        assert_eq!(e.kpis[1].role, KpiRole::Guardrail);
        assert_eq!(e.kpis[0].result.comparisons[0].relative_ci.unwrap()[1], None, "one-sided: open above");
        assert_eq!(e.decision.verdict, DecisionVerdict::Ship);
    }

    #[test]
    fn tabs_headerless_lines_and_errors() {
        assert_eq!(parse("A\t100\t5\nB\t100\t7").unwrap().variants[1].0, "B");
        assert_eq!(parse("A, 100, 5, 2\nB, 100, 6, 2").unwrap().kpis[0].shape, Shape::MeanSd { mean: 1, sd: 2 });
        assert!(parse("A,100,5").is_err());
        assert!(parse("A,100,5\nB,100").unwrap_err().contains("Line 2"));
        assert!(parse("variant, users, revenue mean\nA,100,5\nB,100,6").unwrap_err().contains("\"revenue sd\""));
        let impossible = parse("A,100,500\nB,100,5").unwrap();
        assert!(evaluate(&impossible, &TotalsSettings::default()).unwrap_err().starts_with("KPI \"conversion rate\""));
    }
}
