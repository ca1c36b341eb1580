//! `toSql` (SDK.md §6): one query computing the aggregates of `evaluate::aggregates`
//! for a config, per variant and per segment value.
//!
//! Every field of `EvalConfig` and `KpiSpec` is destructured without `..`: a new
//! KPI feature does not compile until it either has its SQL here or returns
//! `UNSUPPORTED` naming the field (never a query that computes something else).
//!
//! Shape: the users stage — §3 configs: `src` (typed source rows, rows the CSV
//! path would skip left out) → `per_user` (one row per user: variant and segments
//! = the smallest value, KPI columns summed, a conversion 1 when its sum > 0);
//! §4 configs: `events.rs` — then `ref` (per KPI the pooled mean, the shift that
//! keeps the sums stable) → `cells` (GROUP BY variant, then each segment column
//! and variant; time-to-event KPIs add count rows grouped by time) ordered as
//! `evaluate_aggregates` reads them.
//!
//! The users stage gives, per user, `kl_variant`, `kl_segment_<j>`, `kl_rows`
//! (rows read, for `rows_read`) and per KPI `i` its values `kl_k<i>_<j>`:
//! conversion `[0/1]`, mean `[y, covariate x]`, ratio `[a, b]`, funnel `[0/1 per
//! step]`, time to event `[duration in unit, 0/1 converted]`; with caps also
//! `kl_cap_<i>_<j>` (the cap) and `kl_above_<i>_<j>` (1 when the value was above it).

use super::dialect::{check_name, Dialect};
use super::events;
use crate::error::{KpilabError, Result};
use crate::evaluate::aggregates::{has_count_rows, kpi_stats, time_to_event_columns, KpiStat, COUNT_COLUMNS};
use crate::evaluate::event_plan::{is_event_level, EventPlan};
use crate::evaluate::event_types::RatioPart;
use crate::evaluate::{CsvEvaluator, EvalConfig, KpiKind, KpiSpec};

/// The per-user values of one KPI, as the users stage names them (`kl_k<i>_<j>`).
pub(super) struct KpiValues {
    /// Per value: whether it is a 0/1 (no shift, no mean to subtract).
    pub zero_one: Vec<bool>,
    /// Capped values: `(value index, part name as in quality.cappedValues)`.
    pub caps: Vec<(usize, &'static str)>,
}

/// The names of `value`-th value of KPI `i` and of its cap columns.
pub(super) fn value(i: usize, j: usize) -> String {
    format!("kl_k{i}_{j}")
}

pub(super) fn unsupported(field: impl Into<String>, what: &str) -> KpilabError {
    KpilabError::unsupported(field, format!("toSql does not support {what}; use evaluateCsv"))
}

/// Checks every field of one KPI for SQL (names, and what SQL cannot do).
fn check_kpi(i: usize, spec: &KpiSpec, timestamps: bool) -> Result<()> {
    let KpiSpec {
        name,
        role: _,                   // applied by evaluate_aggregates (decision)
        kind: _,                   // below, by the users stage
        column,                    // checked here, read by the users stage
        numerator,                 // idem
        denominator,               // idem
        covariate,                 // idem (§3 only: the CSV path refuses it at event level)
        higher_is_better: _,       // evaluate_aggregates
        non_inferiority_margin: _, // evaluate_aggregates
        where_: _,                 // events.rs (sql/filter.rs checks its names and texts)
        aggregate: _,              // events.rs
        threshold: _,              // events.rs
        window: _,                 // events.rs
        cap: _,                    // events.rs (value caps and pooled percentile caps)
        steps: _,                  // events.rs (funnels)
        ordered,                   // events.rs; file order needs timestamps in SQL
        event_column,              // time to event per user (§3 rows)
        unit: _,                   // the time unit of durations (event_plan's unit_us)
        horizon: _,                // evaluate_aggregates (survival analysis)
    } = spec;
    check_name(&format!("kpis[{i}].name"), name)?;
    for (key, c) in [("column", column), ("covariate", covariate), ("eventColumn", event_column)] {
        if let Some(c) = c.as_ref().filter(|c| !c.is_empty()) {
            check_name(&format!("kpis[{i}].{key}"), c)?;
        }
    }
    for (key, p) in [("numerator", numerator), ("denominator", denominator)] {
        match p {
            Some(RatioPart::Column(c)) => check_name(&format!("kpis[{i}].{key}"), c)?,
            Some(RatioPart::Part(p)) => {
                if let Some(c) = p.column.as_ref().filter(|c| !c.is_empty()) {
                    check_name(&format!("kpis[{i}].{key}.column"), c)?;
                }
            }
            None => {}
        }
    }
    if *ordered == Some(true) && !timestamps {
        return Err(unsupported(
            format!("kpis[{i}].ordered"),
            "ordered funnels without timestampColumn (SQL has no file order to order steps by)",
        ));
    }
    Ok(())
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
        timestamp_column, // §4: events.rs (typed TIMESTAMP, or epoch numbers with timestampUnit s/ms/us)
        timestamp_unit: _,
        exposure, // §4: events.rs; a first matching row needs timestamps in SQL
    } = config;
    if table.trim().is_empty() || table.chars().any(|c| matches!(c, '\'' | ';') || c.is_control()) {
        return Err(KpilabError::invalid("table", "give the table as a name such as events or project.dataset.events"));
    }
    check_name("variantColumn", variant_column)?;
    if let Some(u) = user_column {
        check_name("userColumn", u)?;
    }
    if let Some(t) = timestamp_column {
        check_name("timestampColumn", t)?;
    }
    for (j, s) in segment_columns.iter().enumerate() {
        check_name(&format!("segmentColumns[{j}]"), s)?;
    }
    if exposure.as_ref().is_some_and(|e| e.where_.is_some()) && timestamp_column.is_none() {
        return Err(unsupported(
            "exposure.where",
            "exposure.where without timestampColumn (a user's first matching row needs a time in SQL, which has no file order)",
        ));
    }
    for (i, k) in kpis.iter().enumerate() {
        check_kpi(i, k, timestamp_column.is_some())?;
    }

    let d = dialect;
    let mut out = String::from("WITH ");
    let values = match is_event_level(config) {
        true => events::users(d, config, &EventPlan::from_config(config)?, table, &mut out)?,
        false => plain_users(d, config, table, &mut out),
    };
    tail(d, config, &values, &mut out);
    Ok(out)
}

/// The §3 users stage: `src` and `per_user`.
fn plain_users(d: Dialect, config: &EvalConfig, table: &str, out: &mut String) -> Vec<KpiValues> {
    let q = |s: &str| d.ident(s);
    // Per KPI its source columns and whether each is a 0/1 (summed, then > 0).
    let columns: Vec<Vec<(String, bool)>> = config
        .kpis
        .iter()
        .map(|k| {
            let plain = |c: &Option<String>| c.clone().unwrap_or_default();
            let part =
                |p: &Option<RatioPart>| p.as_ref().and_then(RatioPart::column_name).unwrap_or_default().to_string();
            match k.kind {
                KpiKind::Conversion => vec![(plain(&k.column), true)],
                KpiKind::Mean => {
                    let mut v = vec![(plain(&k.column), false)];
                    if k.covariate.is_some() {
                        v.push((plain(&k.covariate), false));
                    }
                    v
                }
                KpiKind::Ratio => vec![(part(&k.numerator), false), (part(&k.denominator), false)],
                KpiKind::TimeToEvent => vec![(plain(&k.column), false), (plain(&k.event_column), true)],
                KpiKind::Funnel => Vec::new(), // always event level
            }
        })
        .collect();

    // src: typed rows; a row with an empty variant or KPI value is a bad row in the CSV path.
    let mut select = vec![format!("CAST({} AS {}) AS kl_variant", q(&config.variant_column), d.text())];
    if let Some(u) = &config.user_column {
        select.push(format!("CAST({} AS {}) AS kl_user", q(u), d.text()));
        // Rows naming another variant than the one their user is counted in (the
        // smallest; the CSV path's first row): `USER_IN_SEVERAL_VARIANTS`.
        let arm = format!("CAST({} AS {})", q(&config.variant_column), d.text());
        select.push(format!(
            "CASE WHEN {arm} <> MIN({arm}) OVER (PARTITION BY CAST({} AS {})) THEN 1 ELSE 0 END AS kl_switched_row",
            q(u),
            d.text()
        ));
    }
    for (j, s) in config.segment_columns.iter().enumerate() {
        select.push(format!("COALESCE(CAST({} AS {}), '') AS kl_segment_{j}", q(s), d.text()));
    }
    let mut not_null = vec![
        format!("{} IS NOT NULL", q(&config.variant_column)),
        format!("CAST({} AS {}) <> ''", q(&config.variant_column), d.text()),
    ];
    for (i, k) in columns.iter().enumerate() {
        for (j, (column, zero_one)) in k.iter().enumerate() {
            let cast = match zero_one {
                true => d.zero_one(column),
                false => format!("CAST({} AS {})", q(column), d.double()),
            };
            select.push(format!("{cast} AS {}", value(i, j)));
            let check = format!("{} IS NOT NULL", q(column));
            if !not_null.contains(&check) {
                not_null.push(check);
            }
        }
    }
    if let Some(u) = &config.user_column {
        not_null.push(format!("{} IS NOT NULL", q(u)));
    }
    out.push_str(&format!(
        "src AS (\n  SELECT {}\n  FROM {table}\n  WHERE {}\n),\n",
        select.join(",\n    "),
        not_null.join(" AND ")
    ));

    // per_user: one row per user (or per row without userColumn).
    match &config.user_column {
        Some(_) => {
            let mut per_user = vec!["MIN(kl_variant) AS kl_variant".to_string()];
            for j in 0..config.segment_columns.len() {
                per_user.push(format!("MIN(kl_segment_{j}) AS kl_segment_{j}"));
            }
            per_user.push("COUNT(*) AS kl_rows".to_string());
            per_user.push("SUM(kl_switched_row) AS kl_switched_rows".to_string());
            for (i, k) in columns.iter().enumerate() {
                for (j, (_, zero_one)) in k.iter().enumerate() {
                    per_user.push(match zero_one {
                        true => format!("CASE WHEN SUM({0}) > 0 THEN 1.0 ELSE 0.0 END AS {0}", value(i, j)),
                        false => format!("SUM({0}) AS {0}", value(i, j)),
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
    columns
        .into_iter()
        .map(|k| KpiValues { zero_one: k.into_iter().map(|(_, z)| z).collect(), caps: Vec::new() })
        .collect()
}

/// `ref` and `cells` from `per_user` (and, at event level, `quality`).
fn tail(d: Dialect, config: &EvalConfig, values: &[KpiValues], out: &mut String) {
    let q = |s: &str| d.ident(s);
    let event = is_event_level(config);
    let timed = has_count_rows(config);
    // With count rows every branch of the UNION gives the same typed columns.
    let num = |e: String| if timed { format!("CAST({e} AS {})", d.double()) } else { e };
    let null = format!("CAST(NULL AS {})", d.double());

    // ref: the pooled mean of each shifted value.
    let mut refs = vec!["COUNT(*) AS kl_all".to_string()];
    for (i, k) in values.iter().enumerate() {
        if config.kpis[i].kind == KpiKind::TimeToEvent {
            continue;
        }
        for (j, zero_one) in k.zero_one.iter().enumerate() {
            if !zero_one {
                refs.push(format!("AVG({0}) AS {0}_ref", value(i, j)));
            }
        }
    }
    out.push_str(&format!("ref AS (\n  SELECT {}\n  FROM per_user\n),\n", refs.join(", ")));

    // The statistics of a cell (`whole`: the whole-data rows carry counts and caps).
    let stats = |whole: bool| -> Vec<String> {
        let mut stats = vec![format!("{} AS {}", num("COUNT(*)".into()), q("users"))];
        if timed {
            stats.push(format!("{null} AS {}", q("time")));
        }
        for (i, spec) in config.kpis.iter().enumerate() {
            if spec.kind == KpiKind::TimeToEvent {
                for c in time_to_event_columns(&spec.name) {
                    stats.push(format!("{null} AS {}", q(&c)));
                }
                continue;
            }
            let v = |j: usize| value(i, j);
            let centred = |j: usize| format!("({0} - {0}_ref)", v(j));
            let sum_of = |a: String, b: String| format!("SUM({a} * {b})");
            let last = spec.steps.as_ref().map_or(0, |s| s.len().saturating_sub(1));
            for stat in kpi_stats(spec) {
                let expr = match (stat, spec.kind) {
                    (KpiStat::Sum, KpiKind::Conversion) => format!("SUM({})", v(0)),
                    (KpiStat::Sum, KpiKind::Funnel) => format!("SUM({})", v(last)),
                    (KpiStat::StepSum(j), _) => format!("SUM({})", v(j)),
                    (KpiStat::Sum, _) | (KpiStat::NumeratorSum, _) => format!("SUM({})", centred(0)),
                    (KpiStat::SumSquares, _) | (KpiStat::NumeratorSumSquares, _) => sum_of(centred(0), centred(0)),
                    (KpiStat::Shift, _) | (KpiStat::NumeratorShift, _) => format!("MAX({}_ref)", v(0)),
                    (KpiStat::CovariateSum, _) | (KpiStat::DenominatorSum, _) => format!("SUM({})", centred(1)),
                    (KpiStat::CovariateSumSquares, _) | (KpiStat::DenominatorSumSquares, _) => {
                        sum_of(centred(1), centred(1))
                    }
                    (KpiStat::CovariateShift, _) | (KpiStat::DenominatorShift, _) => format!("MAX({}_ref)", v(1)),
                    (KpiStat::CrossSum, _) => sum_of(centred(0), centred(1)),
                };
                stats.push(format!("{} AS {}", num(expr), q(&stat.column(&spec.name))));
            }
        }
        let users = config.user_column.is_some();
        for c in COUNT_COLUMNS {
            let plain = c == "rows_read" || (c == "switched_variant_rows" && users);
            if !event && !plain {
                continue; // §3: the other counts are 0 (missing reads as 0)
            }
            let expr = match (whole, event) {
                (false, _) => null.clone(),
                (true, false) if c == "rows_read" => num("SUM(kl_rows)".into()),
                (true, false) => num("SUM(kl_switched_rows)".into()),
                // Event level: the data-wide counts on the first variant's row.
                (true, true) => {
                    num(format!("CASE WHEN kl_variant = MAX(quality.kl_first) THEN MAX(quality.{c}) ELSE 0 END"))
                }
            };
            stats.push(format!("{expr} AS {}", q(c)));
        }
        for (i, k) in values.iter().enumerate() {
            for &(j, part) in &k.caps {
                let name = &config.kpis[i].name;
                let (cap, users) = match whole {
                    true => (num(format!("MAX(kl_cap_{i}_{j})")), num(format!("SUM(kl_above_{i}_{j})"))),
                    false => (null.clone(), null.clone()),
                };
                stats.push(format!("{cap} AS {}", q(&format!("{name}__{part}_cap"))));
                stats.push(format!("{users} AS {}", q(&format!("{name}__{part}_capped_users"))));
            }
        }
        stats
    };
    let from = if event { "per_user CROSS JOIN ref CROSS JOIN quality" } else { "per_user CROSS JOIN ref" };
    let text_null = format!("CAST(NULL AS {})", d.text());
    let segment = |j: usize| format!("CAST({} AS {})", d.literal(&config.segment_columns[j]), d.text());
    let groupings: Vec<(String, String, String)> =
        std::iter::once((text_null.clone(), text_null.clone(), String::new()))
            .chain(
                (0..config.segment_columns.len())
                    .map(|j| (segment(j), format!("kl_segment_{j}"), format!("kl_segment_{j}, "))),
            )
            .collect();
    let mut branches = Vec::new();
    for (g, (column, value_expr, by)) in groupings.iter().enumerate() {
        branches.push(format!(
            "  SELECT {column} AS segment_column, {value_expr} AS segment_value, kl_variant AS variant,\n    {}\n  FROM {from}\n  GROUP BY {by}kl_variant",
            stats(g == 0).join(",\n    ")
        ));
    }
    // Count rows: per time-to-event KPI, its events and censorings per time.
    let whole_stats = stats(true);
    for (i, spec) in config.kpis.iter().enumerate().filter(|(_, k)| k.kind == KpiKind::TimeToEvent) {
        let [events, censored] = time_to_event_columns(&spec.name);
        let (time, event) = (value(i, 0), value(i, 1));
        // Every column as in `stats`, null but the time and this KPI's counts.
        let columns: Vec<String> = whole_stats
            .iter()
            .map(|s| {
                let alias = &s[s.rfind(" AS ").expect("an alias") + 4..];
                let expr = match alias {
                    a if a == q("time") => time.clone(),
                    a if a == q(&events) => format!("SUM({event})"),
                    a if a == q(&censored) => format!("SUM(1 - {event})"),
                    _ => null.clone(),
                };
                format!("{} AS {alias}", num(expr))
            })
            .collect();
        for (column, value_expr, by) in &groupings {
            branches.push(format!(
                "  SELECT {column} AS segment_column, {value_expr} AS segment_value, kl_variant AS variant,\n    {}\n  FROM per_user\n  GROUP BY {by}kl_variant, {time}",
                columns.join(",\n    ")
            ));
        }
    }
    out.push_str(&format!("cells AS (\n{}\n)\n", branches.join("\n  UNION ALL\n")));
    let by_time =
        if timed { format!(", CASE WHEN {0} IS NULL THEN 0 ELSE 1 END, {0}", q("time")) } else { String::new() };
    out.push_str(&format!(
        "SELECT * FROM cells\nORDER BY CASE WHEN segment_column IS NULL THEN 0 ELSE 1 END, segment_column, segment_value, variant{by_time}\n"
    ));
}
