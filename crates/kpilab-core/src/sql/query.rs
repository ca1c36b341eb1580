//! `toSql` (SDK.md §6): one query computing the aggregates of `evaluate::aggregates`
//! for a config, per variant and per segment value.
//!
//! Every field of `EvalConfig` and `KpiSpec` is destructured without `..`: a new
//! KPI feature does not compile until it either has its SQL here or returns
//! `UNSUPPORTED` naming the field (never a query that computes something else).
//!
//! Shape: `src` (typed source rows, rows the CSV path would skip left out) →
//! `per_user` (one row per user: variant and segments = the smallest value, KPI
//! columns summed, a conversion 1 when its sum > 0) → `ref` (per KPI the pooled
//! mean, the shift that keeps the sums stable) → `cells` (GROUP BY variant, then
//! each segment column and variant) ordered as `evaluate_aggregates` reads them.

use super::dialect::{check_name, Dialect};
use crate::error::{KpilabError, Result};
use crate::evaluate::aggregates::{kpi_stats, KpiStat};
use crate::evaluate::event_types::RatioPart;
use crate::evaluate::{CsvEvaluator, EvalConfig, KpiKind, KpiSpec};

/// One per-user value a KPI needs, and whether it is a 0/1 conversion.
struct Value {
    /// The source column.
    column: String,
    conversion: bool,
}

/// The per-user values of one KPI in `kpi_stats` terms: `y` (and covariate `x`), or `a`/`b`.
struct KpiValues {
    values: Vec<Value>,
}

fn unsupported(i: usize, key: &str, what: &str) -> KpilabError {
    KpilabError::unsupported(format!("kpis[{i}].{key}"), format!("toSql does not support {what} yet; use evaluateCsv"))
}

fn kpi_values(i: usize, spec: &KpiSpec) -> Result<KpiValues> {
    let KpiSpec {
        name,
        role: _,
        kind,
        column,
        numerator,
        denominator,
        covariate,
        higher_is_better: _,
        non_inferiority_margin: _,
        where_,
        aggregate,
        threshold,
        window,
        cap,
        steps,
        ordered,
        event_column: _,
        unit: _,
        horizon: _,
    } = spec;
    check_name(&format!("kpis[{i}].name"), name)?;
    // The event-level fields (SDK.md §4): not in SQL yet.
    if where_.is_some() {
        return Err(unsupported(i, "where", "row filters (where)"));
    }
    if aggregate.is_some() {
        return Err(unsupported(i, "aggregate", "per-user aggregates"));
    }
    if threshold.is_some() {
        return Err(unsupported(i, "threshold", "conversion thresholds"));
    }
    if window.is_some() {
        return Err(unsupported(i, "window", "windows after exposure"));
    }
    if cap.is_some() {
        return Err(unsupported(i, "cap", "caps (winsorizing)"));
    }
    if steps.is_some() || ordered.is_some() {
        return Err(unsupported(i, "steps", "funnels"));
    }
    let col = |key: &str, name: &Option<String>, conversion: bool| -> Result<Value> {
        let column = name.clone().unwrap_or_default();
        check_name(&format!("kpis[{i}].{key}"), &column)?;
        Ok(Value { column, conversion })
    };
    let part = |key: &str, p: &Option<RatioPart>| -> Result<Value> {
        match p {
            Some(RatioPart::Column(c)) => col(key, &Some(c.clone()), false),
            Some(RatioPart::Part(_)) => {
                Err(unsupported(i, key, "event-level ratio parts ({ column, where, aggregate })"))
            }
            None => col(key, &None, false),
        }
    };
    let values = match kind {
        KpiKind::Conversion => vec![col("column", column, true)?],
        KpiKind::Mean => {
            let mut v = vec![col("column", column, false)?];
            if covariate.is_some() {
                v.push(col("covariate", covariate, false)?);
            }
            v
        }
        KpiKind::Ratio => vec![part("numerator", numerator)?, part("denominator", denominator)?],
        KpiKind::Funnel => return Err(unsupported(i, "kind", "funnels")),
        KpiKind::TimeToEvent => return Err(unsupported(i, "kind", "time-to-event KPIs (counts per time unit)")),
    };
    Ok(KpiValues { values })
}

/// The query for `config` on `table` (used as written, e.g. `project.dataset.events`).
pub fn to_sql(config: &EvalConfig, dialect: Dialect, table: &str) -> Result<String> {
    CsvEvaluator::new(config.clone())?; // the same validation as the CSV path
    let EvalConfig {
        variant_column,
        user_column,
        kpis,
        segment_columns,
        analysis: _,      // applied by evaluate_aggregates (control, arms, options)
        delimiter: _,     // CSV only
        decimal: _,       // CSV only: warehouse columns are typed numbers
        on_bad_row: _,    // CSV only: typed columns have no bad rows
        annual_users: _,  // applied by evaluate_aggregates
        revenue_kpi: _,   // applied by evaluate_aggregates
        timestamp_column, // §4
        timestamp_unit: _,
        exposure,
    } = config;
    if table.trim().is_empty() || table.chars().any(|c| matches!(c, '\'' | ';') || c.is_control()) {
        return Err(KpilabError::invalid("table", "give the table as a name such as events or project.dataset.events"));
    }
    for (field, set) in [("timestampColumn", timestamp_column.is_some()), ("exposure", exposure.is_some())] {
        if set {
            return Err(KpilabError::unsupported(
                field,
                format!("toSql does not support event-level configs ({field}) yet; use evaluateCsv"),
            ));
        }
    }
    check_name("variantColumn", variant_column)?;
    if let Some(u) = user_column {
        check_name("userColumn", u)?;
    }
    for (j, s) in segment_columns.iter().enumerate() {
        check_name(&format!("segmentColumns[{j}]"), s)?;
    }
    let values: Vec<KpiValues> = kpis.iter().enumerate().map(|(i, k)| kpi_values(i, k)).collect::<Result<_>>()?;

    let d = dialect;
    let q = |s: &str| d.ident(s);
    let v = |i: usize, j: usize| format!("kl_k{i}_{j}");
    let mut out = String::new();

    // src: typed rows; a row with an empty variant or KPI value is a bad row in the CSV path.
    let mut select = vec![format!("CAST({} AS {}) AS kl_variant", q(variant_column), d.text())];
    if let Some(u) = user_column {
        select.push(format!("CAST({} AS {}) AS kl_user", q(u), d.text()));
    }
    for (j, s) in segment_columns.iter().enumerate() {
        select.push(format!("COALESCE(CAST({} AS {}), '') AS kl_segment_{j}", q(s), d.text()));
    }
    let mut not_null = vec![
        format!("{} IS NOT NULL", q(variant_column)),
        format!("CAST({} AS {}) <> ''", q(variant_column), d.text()),
    ];
    for (i, k) in values.iter().enumerate() {
        for (j, val) in k.values.iter().enumerate() {
            let cast = match val.conversion {
                true => format!("CAST(CAST({} AS {}) AS {})", q(&val.column), d.integer(), d.double()),
                false => format!("CAST({} AS {})", q(&val.column), d.double()),
            };
            select.push(format!("{cast} AS {}", v(i, j)));
            let check = format!("{} IS NOT NULL", q(&val.column));
            if !not_null.contains(&check) {
                not_null.push(check);
            }
        }
    }
    if let Some(u) = user_column {
        not_null.push(format!("{} IS NOT NULL", q(u)));
    }
    out.push_str(&format!(
        "WITH src AS (\n  SELECT {}\n  FROM {table}\n  WHERE {}\n),\n",
        select.join(",\n    "),
        not_null.join(" AND ")
    ));

    // per_user: one row per user (or per row without userColumn).
    let mut per_user = Vec::new();
    match user_column {
        Some(_) => {
            per_user.push("MIN(kl_variant) AS kl_variant".to_string());
            for j in 0..segment_columns.len() {
                per_user.push(format!("MIN(kl_segment_{j}) AS kl_segment_{j}"));
            }
            per_user.push("COUNT(*) AS kl_rows".to_string());
            for (i, k) in values.iter().enumerate() {
                for (j, val) in k.values.iter().enumerate() {
                    per_user.push(match val.conversion {
                        true => format!("CASE WHEN SUM({0}) > 0 THEN 1.0 ELSE 0.0 END AS {0}", v(i, j)),
                        false => format!("SUM({0}) AS {0}", v(i, j)),
                    });
                }
            }
            out.push_str(&format!(
                "per_user AS (\n  SELECT {}\n  FROM src\n  GROUP BY kl_user\n),\n",
                per_user.join(",\n    ")
            ));
        }
        None => out.push_str("per_user AS (\n  SELECT src.*, 1 AS kl_rows\n  FROM src\n),\n"),
    }

    // ref: the pooled mean of each shifted value.
    let mut refs = vec!["COUNT(*) AS kl_all".to_string()];
    for (i, k) in values.iter().enumerate() {
        for (j, val) in k.values.iter().enumerate() {
            if !val.conversion {
                refs.push(format!("AVG({0}) AS {0}_ref", v(i, j)));
            }
        }
    }
    out.push_str(&format!("ref AS (\n  SELECT {}\n  FROM per_user\n),\n", refs.join(", ")));

    // cells: the statistics per group.
    let mut stats = vec![format!("COUNT(*) AS {}", q("users")), format!("SUM(kl_rows) AS {}", q("rows_read"))];
    for (i, spec) in kpis.iter().enumerate() {
        let centred = |j: usize| format!("({0} - {0}_ref)", v(i, j));
        let sum_of = |a: String, b: String| format!("SUM({a} * {b})");
        for stat in kpi_stats(spec) {
            let expr = match (stat, spec.kind) {
                (KpiStat::Sum, KpiKind::Conversion) => format!("SUM({})", v(i, 0)),
                (KpiStat::Sum, _) | (KpiStat::NumeratorSum, _) => format!("SUM({})", centred(0)),
                (KpiStat::SumSquares, _) | (KpiStat::NumeratorSumSquares, _) => sum_of(centred(0), centred(0)),
                (KpiStat::Shift, _) | (KpiStat::NumeratorShift, _) => format!("MAX({}_ref)", v(i, 0)),
                (KpiStat::CovariateSum, _) | (KpiStat::DenominatorSum, _) => format!("SUM({})", centred(1)),
                (KpiStat::CovariateSumSquares, _) | (KpiStat::DenominatorSumSquares, _) => {
                    sum_of(centred(1), centred(1))
                }
                (KpiStat::CovariateShift, _) | (KpiStat::DenominatorShift, _) => format!("MAX({}_ref)", v(i, 1)),
                (KpiStat::CrossSum, _) => sum_of(centred(0), centred(1)),
                (KpiStat::StepSum(_), _) => return Err(unsupported(i, "steps", "funnels")),
            };
            stats.push(format!("{expr} AS {}", q(&stat.column(&spec.name))));
        }
    }
    let stats = stats.join(",\n    ");
    let null = format!("CAST(NULL AS {})", d.text());
    let mut branches = vec![format!(
        "  SELECT {null} AS segment_column, {null} AS segment_value, kl_variant AS variant,\n    {stats}\n  FROM per_user CROSS JOIN ref\n  GROUP BY kl_variant"
    )];
    for (j, s) in segment_columns.iter().enumerate() {
        branches.push(format!(
            "  SELECT CAST({} AS {}) AS segment_column, kl_segment_{j} AS segment_value, kl_variant AS variant,\n    {stats}\n  FROM per_user CROSS JOIN ref\n  GROUP BY kl_segment_{j}, kl_variant",
            d.literal(s),
            d.text()
        ));
    }
    out.push_str(&format!("cells AS (\n{}\n)\n", branches.join("\n  UNION ALL\n")));
    out.push_str(
        "SELECT * FROM cells\nORDER BY CASE WHEN segment_column IS NULL THEN 0 ELSE 1 END, segment_column, segment_value, variant\n",
    );
    Ok(out)
}
