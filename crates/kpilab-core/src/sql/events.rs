//! The users stage of event-level configs (SDK.md §4, §5) in SQL, from the same
//! `EventPlan` (measures per KPI) as the CSV path, with the rules of
//! `evaluate/events.rs` where SQL's order is the timestamp's instead of the file's:
//!
//! - `src`: typed rows (variant, user, segments, `kl_ts` = µs since the epoch, a
//!   0/1 per filter: `kl_exposes`, `kl_m<m>` per measure, `kl_x<m>` its value).
//!   `timestampColumn` with `timestampUnit` "auto" (`Dialect::epoch_us_auto`) is read
//!   through its text: epoch numbers by magnitude as the CSV path, else a TIMESTAMP,
//!   DATE or ISO 8601 text through the engine's time-zone-aware timestamp (a value
//!   without offset in the session's time zone: UTC as the CSV path); with "s",
//!   "ms" or "us", epoch numbers in that unit.
//! - `exposure`/`exposed`: a user's exposure is their earliest row matching
//!   `exposure.where` (default: their earliest row); variant and segments come
//!   from it (the smallest, when several rows share that instant). Without
//!   `timestampColumn` (only possible without `exposure.where`): every row of the
//!   user, variant and segments the smallest.
//! - `users`: `kl_switched` = 1 for a user with a row at or after exposure naming
//!   another variant (left out, `multi_variant_users`); rows from that row on
//!   count for nothing, as in the CSV path.
//! - `rows`: the rows that count (at or after exposure, before any switch).
//! - `per_user_raw`: per measure its aggregate over the rows it counts (`where`
//!   AND window: `kl_ts - exposure < window µs`); `values`: per KPI its values
//!   (conversion: aggregate >= threshold; ordered funnels through one CTE per
//!   step, each the earliest matching row strictly after the previous step's;
//!   time to event: the first counted row's time from exposure, or censored at
//!   min(window, last timestamp of the data - exposure), divided by the unit's µs).
//! - `caps`: pooled percentile caps over every included user (the dialect's exact
//!   linear-interpolation percentile, numpy's default, as `evaluate::percentile`);
//!   `per_user`: values capped from above.
//! - `quality`: the data-wide counts of `DataQuality` and `rows`.
//!
//! Ties: rows of one user at the same instant have no order in SQL; data sorted
//! by time with distinct instants per user gives the CSV path's numbers. A null
//! value on a row a KPI counts is skipped by SUM/MAX/MIN (the CSV path would
//! report the row as bad); `distinct` counts distinct trimmed text values.

use super::dialect::{check_literal, check_name, Dialect};
use super::filter::condition;
use super::query::{value, KpiValues};
use crate::csv::TimestampUnit;
use crate::error::Result;
use crate::evaluate::event_plan::{EventKpi, EventPlan, MAX_DISTINCT};
use crate::evaluate::event_types::Aggregate;
use crate::evaluate::EvalConfig;

/// Writes the CTEs up to `per_user` and `quality`; returns the KPIs' values.
pub(super) fn users(
    d: Dialect,
    config: &EvalConfig,
    plan: &EventPlan,
    table: &str,
    out: &mut String,
) -> Result<Vec<KpiValues>> {
    let q = |s: &str| d.ident(s);
    let user = config.user_column.as_deref().unwrap_or_default(); // the plan requires it
    let ts = config.timestamp_column.as_deref();
    let segments = config.segment_columns.len();
    let segs = |prefix: &str| (0..segments).map(|j| format!(", {prefix}kl_segment_{j}")).collect::<String>();
    let min_segs = |prefix: &str| {
        (0..segments).map(|j| format!(", MIN({prefix}kl_segment_{j}) AS kl_segment_{j}")).collect::<String>()
    };

    // src
    let mut select = vec![
        format!("CAST({} AS {}) AS kl_variant", q(&config.variant_column), d.text()),
        format!("CAST({} AS {}) AS kl_user", q(user), d.text()),
    ];
    for (j, s) in config.segment_columns.iter().enumerate() {
        select.push(format!("COALESCE(CAST({} AS {}), '') AS kl_segment_{j}", q(s), d.text()));
    }
    if let Some(t) = ts {
        let us = match config.timestamp_unit {
            TimestampUnit::Auto => d.epoch_us_auto(t),
            unit => {
                let factor = match unit {
                    TimestampUnit::S => "1000000.0",
                    TimestampUnit::Ms => "1000.0",
                    _ => "1.0",
                };
                format!("CAST(ROUND(CAST({} AS {}) * {factor}) AS {})", q(t), d.double(), d.integer())
            }
        };
        select.push(format!("{us} AS kl_ts"));
    }
    let exposes = match &plan.exposure {
        Some(f) => format!("CASE WHEN {} THEN 1 ELSE 0 END", condition(d, f, "exposure.where")?),
        None => "1".to_string(),
    };
    select.push(format!("{exposes} AS kl_exposes"));
    for (m, measure) in plan.measures.iter().enumerate() {
        let mut parts = Vec::new();
        for (path, f) in &measure.filters {
            parts.push(condition(d, f, path)?);
        }
        let hit = match parts.is_empty() {
            true => "1".to_string(),
            false => format!("CASE WHEN {} THEN 1 ELSE 0 END", parts.join(" AND ")),
        };
        select.push(format!("{hit} AS kl_m{m}"));
        if let Some((column, field)) = &measure.column {
            check_name(field, column)?;
            let x = match measure.aggregate {
                Aggregate::Distinct => format!("NULLIF({}, '')", d.cell_text(column)),
                _ if measure.allow_bool => d.number_or_bool(column),
                _ => format!("CAST({} AS {})", q(column), d.double()),
            };
            if measure.numeric() || measure.aggregate == Aggregate::Distinct {
                select.push(format!("{x} AS kl_x{m}"));
            }
        }
    }
    let variant = q(&config.variant_column);
    let mut valid = vec![
        format!("{variant} IS NOT NULL"),
        format!("CAST({variant} AS {}) <> ''", d.text()),
        format!("{} IS NOT NULL", q(user)),
    ];
    // `analysis.variants`: rows of other arms are excluded before any event rule.
    let arm = format!("CAST({variant} AS {})", d.text());
    let wanted = match &config.analysis.variants {
        Some(list) => {
            for (i, v) in list.iter().enumerate() {
                check_literal(&format!("analysis.variants[{i}]"), v)?;
            }
            Some(list.iter().map(|v| d.literal(v)).collect::<Vec<_>>().join(", "))
        }
        None => None,
    };
    if let Some(w) = &wanted {
        valid.push(format!("{arm} IN ({w})"));
    }
    let excluded = match &wanted {
        Some(w) => {
            format!("(SELECT COUNT(*) FROM {table} WHERE {variant} IS NOT NULL AND {arm} <> '' AND {arm} NOT IN ({w}))")
        }
        None => "0".to_string(),
    };
    if let Some(t) = ts {
        valid.push(format!("{} IS NOT NULL", q(t)));
    }
    out.push_str(&format!(
        "src AS (\n  SELECT {}\n  FROM {table}\n  WHERE {}\n),\n",
        select.join(",\n    "),
        valid.join(" AND ")
    ));

    // exposure, users
    match ts {
        Some(_) => {
            out.push_str(
                "kl_exposure AS (\n  SELECT kl_user, MIN(kl_ts) AS kl_exposed_at\n  FROM src\n  WHERE kl_exposes = 1\n  GROUP BY kl_user\n),\n",
            );
            out.push_str(&format!(
                "kl_exposed AS (\n  SELECT s.kl_user, e.kl_exposed_at, MIN(s.kl_variant) AS kl_variant{}\n  FROM src s JOIN kl_exposure e ON s.kl_user = e.kl_user\n  WHERE s.kl_ts = e.kl_exposed_at AND s.kl_exposes = 1\n  GROUP BY s.kl_user, e.kl_exposed_at\n),\n",
                min_segs("s.")
            ));
            out.push_str(&format!(
                "kl_users AS (\n  SELECT x.kl_user, x.kl_exposed_at, x.kl_variant{},\n    MIN(CASE WHEN s.kl_ts >= x.kl_exposed_at AND s.kl_variant <> x.kl_variant THEN s.kl_ts END) AS kl_switch_at,\n    MAX(CASE WHEN s.kl_ts >= x.kl_exposed_at AND s.kl_variant <> x.kl_variant THEN 1 ELSE 0 END) AS kl_switched\n  FROM kl_exposed x JOIN src s ON s.kl_user = x.kl_user\n  GROUP BY x.kl_user, x.kl_exposed_at, x.kl_variant{}\n),\n",
                segs("x."),
                segs("x.")
            ));
            out.push_str(
                "kl_counted AS (\n  SELECT s.*, u.kl_exposed_at\n  FROM src s JOIN kl_users u ON s.kl_user = u.kl_user\n  WHERE s.kl_ts >= u.kl_exposed_at AND (u.kl_switched = 0 OR s.kl_ts < u.kl_switch_at)\n),\n",
            );
        }
        None => {
            out.push_str(&format!(
                "kl_users AS (\n  SELECT kl_user, 0 AS kl_exposed_at, MIN(kl_variant) AS kl_variant{},\n    CASE WHEN COUNT(DISTINCT kl_variant) > 1 THEN 1 ELSE 0 END AS kl_switched\n  FROM src\n  GROUP BY kl_user\n),\n",
                min_segs("")
            ));
            out.push_str(
                "kl_counted AS (\n  SELECT s.*, u.kl_exposed_at\n  FROM src s JOIN kl_users u ON s.kl_user = u.kl_user\n  WHERE u.kl_switched = 0\n),\n",
            );
        }
    }

    // Per measure: the rows it counts (its filters, and its window after exposure).
    let counted = |m: usize| {
        let window = plan.measures[m].window_us.map(|w| format!(" AND r.kl_ts - r.kl_exposed_at < {w}"));
        format!("r.kl_m{m} = 1{}", window.unwrap_or_default())
    };
    // Ordered funnels: the time each step is reached, one CTE per step.
    let mut funnel_ctes = Vec::new();
    for (i, kpi) in plan.kpis.iter().enumerate() {
        let EventKpi::Funnel { first, steps, ordered: true, .. } = kpi else { continue };
        for j in 0..*steps {
            let m = first + j;
            let name = format!("kl_f{i}_{j}");
            let (join, after) = match j {
                0 => (String::new(), String::new()),
                _ => {
                    (format!(" JOIN kl_f{i}_{} p ON r.kl_user = p.kl_user", j - 1), " AND r.kl_ts > p.kl_t".to_string())
                }
            };
            out.push_str(&format!(
                "{name} AS (\n  SELECT r.kl_user, MIN(r.kl_ts) AS kl_t, 1 AS kl_hit\n  FROM kl_counted r{join}\n  WHERE {}{after}\n  GROUP BY r.kl_user\n),\n",
                counted(m)
            ));
            funnel_ctes.push((i, j, name));
        }
    }

    // per_user_raw: each measure's aggregate per included user.
    let mut aggs = vec!["COUNT(*) AS kl_rows".to_string()];
    for (m, measure) in plan.measures.iter().enumerate() {
        let c = counted(m);
        let agg = if measure.first_time {
            format!("MIN(CASE WHEN {c} THEN r.kl_ts - r.kl_exposed_at END)")
        } else {
            match measure.aggregate {
                Aggregate::Any if measure.column.is_none() => format!("MAX(CASE WHEN {c} THEN 1 ELSE 0 END)"),
                Aggregate::Any => format!("MAX(CASE WHEN {c} AND r.kl_x{m} <> 0 THEN 1 ELSE 0 END)"),
                Aggregate::Sum => format!("COALESCE(SUM(CASE WHEN {c} THEN r.kl_x{m} END), 0)"),
                Aggregate::Count => format!("SUM(CASE WHEN {c} THEN 1 ELSE 0 END)"),
                Aggregate::Distinct => {
                    format!("LEAST(COUNT(DISTINCT CASE WHEN {c} THEN r.kl_x{m} END), {MAX_DISTINCT})")
                }
                Aggregate::Max => format!("COALESCE(MAX(CASE WHEN {c} THEN r.kl_x{m} END), 0)"),
                Aggregate::Min => format!("COALESCE(MIN(CASE WHEN {c} THEN r.kl_x{m} END), 0)"),
            }
        };
        aggs.push(format!("{agg} AS kl_a{m}"));
    }
    out.push_str(&format!(
        "kl_per_user AS (\n  SELECT u.kl_user, u.kl_exposed_at, u.kl_variant{},\n    {}\n  FROM kl_users u JOIN kl_counted r ON r.kl_user = u.kl_user\n  WHERE u.kl_switched = 0\n  GROUP BY u.kl_user, u.kl_exposed_at, u.kl_variant{}\n),\n",
        segs("u."),
        aggs.join(",\n    "),
        segs("u.")
    ));
    let last = if ts.is_some() { "MAX(kl_ts) AS kl_last FROM src" } else { "0 AS kl_last" };
    out.push_str(&format!("kl_bounds AS (\n  SELECT {last}\n),\n"));

    // values: each KPI's per-user values.
    let double = d.double();
    let mut vals = Vec::new();
    let mut kpi_values = Vec::new();
    for (i, kpi) in plan.kpis.iter().enumerate() {
        let (exprs, zero_one, caps): (Vec<String>, Vec<bool>, Vec<(usize, &'static str)>) = match kpi {
            EventKpi::Conversion { measure, threshold, .. } => (
                vec![format!("CASE WHEN p.kl_a{measure} >= {threshold:?} THEN 1.0 ELSE 0.0 END")],
                vec![true],
                Vec::new(),
            ),
            EventKpi::Mean { measure, cap, .. } => (
                vec![format!("CAST(p.kl_a{measure} AS {double})")],
                vec![false],
                if cap.is_some() { vec![(0, "value")] } else { Vec::new() },
            ),
            EventKpi::Ratio { parts, cap, .. } => (
                parts.iter().map(|m| format!("CAST(p.kl_a{m} AS {double})")).collect(),
                vec![false, false],
                if cap.is_some() { vec![(0, "numerator"), (1, "denominator")] } else { Vec::new() },
            ),
            EventKpi::Funnel { first, steps, ordered, .. } => {
                let exprs = (0..*steps)
                    .map(|j| match ordered {
                        true => format!("CAST(COALESCE(kl_f{i}_{j}.kl_hit, 0) AS {double})"),
                        false => {
                            let all = (0..=j).map(|k| format!("p.kl_a{} = 1", first + k)).collect::<Vec<_>>();
                            format!("CASE WHEN {} THEN 1.0 ELSE 0.0 END", all.join(" AND "))
                        }
                    })
                    .collect();
                (exprs, vec![true; *steps], Vec::new())
            }
            EventKpi::TimeToEvent { measure, window_us, unit_us, .. } => {
                let observed = "b.kl_last - p.kl_exposed_at";
                let censored = match window_us {
                    Some(w) => format!("GREATEST(LEAST({w}, {observed}), 0)"),
                    None => format!("GREATEST({observed}, 0)"),
                };
                let a = format!("p.kl_a{measure}");
                (
                    vec![
                        format!(
                            "CAST(CASE WHEN {a} IS NOT NULL THEN {a} ELSE {censored} END AS {double}) / CAST({unit_us:?} AS {double})"
                        ),
                        format!("CASE WHEN {a} IS NOT NULL THEN 1.0 ELSE 0.0 END"),
                    ],
                    vec![false, true],
                    Vec::new(),
                )
            }
        };
        for (j, e) in exprs.into_iter().enumerate() {
            let name = if caps.iter().any(|c| c.0 == j) { format!("kl_raw{i}_{j}") } else { value(i, j) };
            vals.push(format!("{e} AS {name}"));
        }
        kpi_values.push(KpiValues { zero_one, caps });
    }
    let joins: String =
        funnel_ctes.iter().map(|(_, _, name)| format!(" LEFT JOIN {name} ON {name}.kl_user = p.kl_user")).collect();
    out.push_str(&format!(
        "kl_values AS (\n  SELECT p.kl_user, p.kl_exposed_at, p.kl_variant{}, p.kl_rows,\n    {}\n  FROM kl_per_user p CROSS JOIN kl_bounds b{joins}\n),\n",
        segs("p."),
        vals.join(",\n    ")
    ));

    // caps, per_user
    let mut cap_exprs = Vec::new();
    let mut over_all = false;
    let mut capped = Vec::new();
    for (i, (kpi, k)) in plan.kpis.iter().zip(&kpi_values).enumerate() {
        let cap = match kpi {
            EventKpi::Mean { cap: Some(c), .. } | EventKpi::Ratio { cap: Some(c), .. } => c,
            _ => continue,
        };
        for &(j, _) in &k.caps {
            let raw = format!("kl_raw{i}_{j}");
            let at = match (cap.value, cap.percentile) {
                (Some(v), _) => format!("CAST({v:?} AS {double})"),
                (None, Some(p)) => {
                    let (f, window) = d.percentile(&raw, p / 100.0);
                    over_all |= window;
                    cap_exprs.push(format!("{f} AS kl_cap_{i}_{j}"));
                    format!("c.kl_cap_{i}_{j}")
                }
                (None, None) => continue, // validated: exactly one
            };
            capped.push(format!(
                "LEAST({raw}, {at}) AS {},\n    {at} AS kl_cap_{i}_{j},\n    CASE WHEN {raw} > {at} THEN 1 ELSE 0 END AS kl_above_{i}_{j}",
                value(i, j)
            ));
        }
    }
    let mut from = "kl_values v".to_string();
    if !cap_exprs.is_empty() {
        let limit = if over_all { "\n  LIMIT 1" } else { "" };
        out.push_str(&format!("kl_caps AS (\n  SELECT {}\n  FROM kl_values{limit}\n),\n", cap_exprs.join(", ")));
        from.push_str(" CROSS JOIN kl_caps c");
    }
    let extra = if capped.is_empty() { String::new() } else { format!(",\n    {}", capped.join(",\n    ")) };
    out.push_str(&format!("per_user AS (\n  SELECT v.*{extra}\n  FROM {from}\n),\n"));

    // quality: the data-wide counts (typed columns: no bad cells but nulls).
    let mut quality = vec![
        "(SELECT MIN(kl_variant) FROM per_user) AS kl_first".to_string(),
        format!("(SELECT COUNT(*) FROM {table}) AS rows_read"),
        format!("(SELECT COUNT(*) FROM {table}) - (SELECT COUNT(*) FROM src) - {excluded} AS rows_skipped"),
        format!("{excluded} AS rows_excluded"),
        "0 AS switched_variant_rows".to_string(),
        "(SELECT COUNT(*) FROM kl_users WHERE kl_switched = 1) AS multi_variant_users".to_string(),
    ];
    quality.push(match ts {
        Some(_) => "(SELECT COUNT(*) FROM src) - (SELECT COUNT(*) FROM src s JOIN kl_exposure e ON s.kl_user = e.kl_user WHERE s.kl_ts >= e.kl_exposed_at) AS rows_before_exposure".to_string(),
        None => "0 AS rows_before_exposure".to_string(),
    });
    let outside: Vec<String> = plan
        .measures
        .iter()
        .enumerate()
        .filter_map(|(m, measure)| {
            measure.window_us.map(|w| format!("(r.kl_m{m} = 1 AND r.kl_ts - r.kl_exposed_at >= {w})"))
        })
        .collect();
    quality.push(match outside.is_empty() {
        true => "0 AS rows_outside_window".to_string(),
        false => format!("(SELECT COUNT(*) FROM kl_counted r WHERE {}) AS rows_outside_window", outside.join(" OR ")),
    });
    quality.push(
        "(SELECT COUNT(DISTINCT kl_user) FROM src) - (SELECT COUNT(*) FROM kl_users) AS users_without_exposure"
            .to_string(),
    );
    quality.push(match plan.longest_window {
        Some(w) => format!(
            "(SELECT COUNT(*) FROM per_user p CROSS JOIN kl_bounds b WHERE p.kl_exposed_at + {w} > b.kl_last) AS users_window_open"
        ),
        None => "0 AS users_window_open".to_string(),
    });
    quality.push(match ts {
        Some(t) => {
            let arms = wanted.as_ref().map(|w| format!(" AND {arm} IN ({w})")).unwrap_or_default();
            format!(
                "(SELECT COUNT(*) FROM {table} WHERE {} IS NULL AND {variant} IS NOT NULL AND {arm} <> ''{arms}) AS timestamp_errors",
                q(t)
            )
        }
        None => "0 AS timestamp_errors".to_string(),
    });
    out.push_str(&format!("quality AS (\n  SELECT {}\n),\n", quality.join(",\n    ")));
    Ok(kpi_values)
}
