//! Event-level KPI definitions (SDK.md §4) worked out once: which rows each KPI
//! counts (its "measures"), how a user's counted rows become one number, and the
//! per-user outputs handed to the accumulator as value slots.
//!
//! A measure is one `where` (the KPI's, AND a ratio part's or funnel step's),
//! one window and one aggregate. Per user it keeps a fixed number of `f64`
//! state slots, so the memory per user is fixed by the config; `distinct` adds
//! at most `MAX_DISTINCT` remembered values per user and KPI.

use super::event_types::{Aggregate, Cap, RatioPart};
use super::filter::{Filter, Matcher};
use super::time_to_event;
use super::types::{EvalConfig, KpiKind, KpiSpec};
use crate::csv::{Decimal, DAY_US, HOUR_US};
use crate::error::{KpilabError, Result};

/// Distinct values remembered per user and KPI; beyond it the count stops
/// growing (a user with more than 1000 sessions in a test is a bot).
pub(crate) const MAX_DISTINCT: usize = 1000;

/// Funnel steps at most (a funnel's progress is a bit set in one `f64`).
pub(crate) const MAX_STEPS: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measure {
    /// Config path (`kpis[2]`, `kpis[2].numerator`, `kpis[3].steps[1]`).
    pub field: String,
    /// `(path, filter)` that must all match.
    pub filters: Vec<(String, Filter)>,
    pub aggregate: Aggregate,
    /// The value column and its config path.
    pub column: Option<(String, String)>,
    /// Conversions also accept true/false.
    pub allow_bool: bool,
    pub window_us: Option<i64>,
    /// First of its state slots per user (a funnel step: the funnel's).
    pub state: usize,
    /// A funnel step: the funnel keeps the state.
    pub funnel_step: bool,
    /// A time-to-event KPI's converting event: the state keeps the µs from
    /// exposure to the first counted row (NaN until then).
    pub first_time: bool,
}

impl Measure {
    /// Whether its counted rows must hold a number in `column`.
    pub fn numeric(&self) -> bool {
        self.column.is_some() && !matches!(self.aggregate, Aggregate::Count | Aggregate::Distinct)
    }
}

/// A KPI's per-user outputs (value slots of the accumulator's layout).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EventKpi {
    /// 1 when measure's aggregate reaches `threshold`.
    Conversion {
        measure: usize,
        threshold: f64,
        slot: usize,
    },
    Mean {
        measure: usize,
        slot: usize,
        cap: Option<Cap>,
    },
    Ratio {
        parts: [usize; 2],
        slots: [usize; 2],
        cap: Option<Cap>,
    },
    /// Steps' measures are consecutive from `first`; their shared state is one
    /// slot (`ordered`: steps reached, and the next slot the time of the last one;
    /// unordered: the bit set of steps matched).
    Funnel {
        first: usize,
        steps: usize,
        ordered: bool,
        slots: Vec<usize>,
        state: usize,
    },
    /// Slots `[duration in unit, 0/1 converted]`; censored users get the end of
    /// their observation (capped at `window_us`).
    TimeToEvent {
        measure: usize,
        slots: [usize; 2],
        window_us: Option<i64>,
        unit_us: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventPlan {
    pub measures: Vec<Measure>,
    pub kpis: Vec<EventKpi>,
    pub exposure: Option<Filter>,
    pub timestamp: Option<String>,
    /// Per-user state slots, and their initial values.
    pub state_init: Vec<f64>,
    /// Value slots per user handed to the accumulator; `true` = a 0/1 slot.
    pub slots: Vec<bool>,
    /// The longest window, for `usersWindowOpen`.
    pub longest_window: Option<i64>,
    pub kpi_names: Vec<String>,
}

/// Whether the config uses any §4 field (then the event-level rules apply).
pub(crate) fn is_event_level(config: &EvalConfig) -> bool {
    config.timestamp_column.is_some()
        || config.exposure.is_some()
        || config.kpis.iter().any(|k| {
            k.kind == KpiKind::Funnel
                || k.where_.is_some()
                || k.aggregate.is_some()
                || k.threshold.is_some()
                || k.window.is_some()
                || k.cap.is_some()
                || k.steps.is_some()
                || k.ordered.is_some()
                || [&k.numerator, &k.denominator].iter().any(|p| matches!(p, Some(RatioPart::Part(_))))
        })
}

impl EventPlan {
    /// Validates the §4 fields (everything that does not need the data).
    pub fn from_config(config: &EvalConfig) -> Result<EventPlan> {
        if config.user_column.is_none() {
            return Err(KpilabError::invalid(
                "userColumn",
                "event-level KPIs (where, aggregate, window, cap, funnels, exposure, timestampColumn) need userColumn: the column naming the user of each row",
            ));
        }
        if config.timestamp_column.as_deref() == Some("") {
            return Err(KpilabError::invalid("timestampColumn", "timestampColumn is empty; name the time column"));
        }
        let exposure = config.exposure.as_ref().and_then(|e| e.where_.clone());
        if let Some(f) = &exposure {
            f.validate("exposure.where")?;
        }
        let mut plan = EventPlan {
            measures: Vec::new(),
            kpis: Vec::new(),
            exposure,
            timestamp: config.timestamp_column.clone(),
            state_init: Vec::new(),
            slots: Vec::new(),
            longest_window: None,
            kpi_names: config.kpis.iter().map(|k| k.name.clone()).collect(),
        };
        for (i, k) in config.kpis.iter().enumerate() {
            let kpi = plan.kpi(config, k, i)?;
            plan.kpis.push(kpi);
        }
        Ok(plan)
    }

    fn kpi(&mut self, config: &EvalConfig, k: &KpiSpec, i: usize) -> Result<EventKpi> {
        let at = |key: &str| format!("kpis[{i}].{key}");
        let not_for = |key: &str, what: &str| {
            KpilabError::invalid(at(key), format!("KPI \"{}\": `{key}` applies to {what} KPIs only", k.name))
        };
        let kind = match k.kind {
            KpiKind::Conversion => "conversion",
            KpiKind::Mean => "mean",
            KpiKind::Ratio => "ratio",
            KpiKind::Funnel => "funnel",
            KpiKind::TimeToEvent => "timeToEvent",
        };
        if k.threshold.is_some() && k.kind != KpiKind::Conversion {
            return Err(not_for("threshold", "conversion"));
        }
        if k.cap.is_some() && !matches!(k.kind, KpiKind::Mean | KpiKind::Ratio) {
            return Err(not_for("cap", "mean and ratio"));
        }
        if (k.steps.is_some() || k.ordered.is_some()) && k.kind != KpiKind::Funnel {
            return Err(not_for(if k.steps.is_some() { "steps" } else { "ordered" }, "funnel"));
        }
        if k.aggregate.is_some() && matches!(k.kind, KpiKind::Ratio | KpiKind::Funnel) {
            return Err(KpilabError::invalid(
                at("aggregate"),
                format!("KPI \"{}\": a {kind} KPI has no aggregate of its own (ratio parts take one each)", k.name),
            ));
        }
        if k.covariate.is_some() {
            return Err(KpilabError::unsupported(
                at("covariate"),
                format!(
                    "KPI \"{}\": CUPED covariates are for one row per user; leave covariate out with event-level KPIs",
                    k.name
                ),
            ));
        }
        let window_us = match &k.window {
            None => None,
            Some(w) => {
                if config.timestamp_column.is_none() {
                    return Err(KpilabError::invalid(
                        at("window"),
                        format!("KPI \"{}\": a window needs timestampColumn (the time of each row)", k.name),
                    ));
                }
                let part = |x: Option<f64>, key: &str, unit: i64| -> Result<f64> {
                    match x {
                        None => Ok(0.0),
                        Some(v) if v.is_finite() && v >= 0.0 => Ok(v * unit as f64),
                        Some(v) => Err(KpilabError::invalid(
                            format!("kpis[{i}].window.{key}"),
                            format!("KPI \"{}\": window.{key} must be a number >= 0; got {v}", k.name),
                        )),
                    }
                };
                let us = part(w.days, "days", DAY_US)? + part(w.hours, "hours", HOUR_US)?;
                if us <= 0.0 || us > 1e17 {
                    return Err(KpilabError::invalid(
                        at("window"),
                        format!("KPI \"{}\": the window must be longer than 0 (give days and/or hours)", k.name),
                    ));
                }
                let us = us.round() as i64;
                self.longest_window = Some(self.longest_window.map_or(us, |l| l.max(us)));
                Some(us)
            }
        };
        let kpi_filter = match &k.where_ {
            Some(f) => {
                f.validate(&at("where"))?;
                vec![(at("where"), f.clone())]
            }
            None => Vec::new(),
        };
        if let Some(cap) = &k.cap {
            match (cap.value, cap.percentile) {
                (Some(v), None) if v.is_finite() => {}
                (None, Some(p)) if (0.0..=100.0).contains(&p) => {}
                (Some(_), None) => {
                    return Err(KpilabError::invalid(
                        at("cap.value"),
                        format!("KPI \"{}\": cap.value must be a finite number", k.name),
                    ))
                }
                (None, Some(_)) => {
                    return Err(KpilabError::invalid(
                        at("cap.percentile"),
                        format!("KPI \"{}\": cap.percentile is on a 0-100 scale (e.g. 99)", k.name),
                    ))
                }
                _ => {
                    return Err(KpilabError::invalid(
                        at("cap"),
                        format!("KPI \"{}\": cap takes exactly one of value or percentile", k.name),
                    ))
                }
            }
        }
        let column = k.column.as_ref().filter(|c| !c.is_empty()).map(|c| (c.clone(), at("column")));
        Ok(match k.kind {
            KpiKind::Conversion | KpiKind::Mean => {
                let conversion = k.kind == KpiKind::Conversion;
                let aggregate = k.aggregate.unwrap_or(if conversion { Aggregate::Any } else { Aggregate::Sum });
                if column.is_none() && !(matches!(aggregate, Aggregate::Any | Aggregate::Count) && k.where_.is_some()) {
                    return Err(KpilabError::invalid(
                        at("column"),
                        format!(
                            "KPI \"{}\" needs `column`{}",
                            k.name,
                            if matches!(aggregate, Aggregate::Any | Aggregate::Count) {
                                " (or a `where` filter: then the matching rows count)"
                            } else {
                                " (the values to aggregate)"
                            }
                        ),
                    ));
                }
                let threshold = k.threshold.unwrap_or(1.0);
                if !threshold.is_finite() {
                    return Err(KpilabError::invalid(at("threshold"), "threshold must be a finite number"));
                }
                let measure = self.measure(format!("kpis[{i}]"), kpi_filter, aggregate, column, conversion, window_us);
                let slot = self.slot(conversion);
                if conversion {
                    EventKpi::Conversion { measure, threshold, slot }
                } else {
                    EventKpi::Mean { measure, slot, cap: k.cap }
                }
            }
            KpiKind::Ratio => {
                let mut parts = [0; 2];
                for (j, (key, part)) in
                    [("numerator", &k.numerator), ("denominator", &k.denominator)].into_iter().enumerate()
                {
                    let field = at(key);
                    let (column, filter, aggregate) = match part {
                        None => {
                            return Err(KpilabError::invalid(
                                &field,
                                format!("KPI \"{}\" is a ratio KPI and needs `{key}` (a column name or {{ column?, where?, aggregate? }})", k.name),
                            ))
                        }
                        Some(RatioPart::Column(c)) if !c.is_empty() => (Some((c.clone(), field.clone())), None, None),
                        Some(RatioPart::Column(_)) => {
                            return Err(KpilabError::invalid(&field, format!("KPI \"{}\": {key} is empty", k.name)))
                        }
                        Some(RatioPart::Part(p)) => (
                            p.column.as_ref().filter(|c| !c.is_empty()).map(|c| (c.clone(), format!("{field}.column"))),
                            p.where_.as_ref(),
                            p.aggregate,
                        ),
                    };
                    let aggregate =
                        aggregate.unwrap_or(if column.is_some() { Aggregate::Sum } else { Aggregate::Count });
                    if column.is_none() && !matches!(aggregate, Aggregate::Count | Aggregate::Any) {
                        return Err(KpilabError::invalid(
                            format!("{field}.column"),
                            format!("KPI \"{}\": {key} with aggregate {aggregate:?} needs a column", k.name)
                                .to_lowercase(),
                        ));
                    }
                    let mut filters = kpi_filter.clone();
                    if let Some(f) = filter {
                        f.validate(&format!("{field}.where"))?;
                        filters.push((format!("{field}.where"), f.clone()));
                    }
                    parts[j] = self.measure(field, filters, aggregate, column, false, window_us);
                }
                let slots = [self.slot(false), self.slot(false)];
                EventKpi::Ratio { parts, slots, cap: k.cap }
            }
            KpiKind::TimeToEvent => {
                if config.timestamp_column.is_none() {
                    return Err(KpilabError::invalid(
                        "timestampColumn",
                        format!(
                            "KPI \"{}\": an event-level time to convert needs timestampColumn (the time of each row)",
                            k.name
                        ),
                    ));
                }
                if k.where_.is_none() || column.is_some() || k.event_column.is_some() {
                    return Err(KpilabError::invalid(
                        at("where"),
                        format!(
                            "KPI \"{}\": with event-level rows a timeToEvent KPI is defined by `where` (the converting event) alone; per-user `column` + `eventColumn` need one row per user and no §4 fields",
                            k.name
                        ),
                    ));
                }
                let measure = self.measure(format!("kpis[{i}]"), kpi_filter, Aggregate::Min, None, false, window_us);
                self.measures[measure].first_time = true;
                let slots = [self.slot(false), self.slot(true)];
                EventKpi::TimeToEvent { measure, slots, window_us, unit_us: time_to_event::unit_us(k.unit) }
            }
            KpiKind::Funnel => {
                let steps = match &k.steps {
                    Some(s) if !s.is_empty() && s.len() <= MAX_STEPS => s,
                    _ => {
                        return Err(KpilabError::invalid(
                            at("steps"),
                            format!(
                                "KPI \"{}\" is a funnel and needs 1 to {MAX_STEPS} steps, each {{ name, where }}",
                                k.name
                            ),
                        ))
                    }
                };
                if k.column.is_some() || k.numerator.is_some() || k.denominator.is_some() {
                    return Err(KpilabError::invalid(
                        at("column"),
                        format!("KPI \"{}\": a funnel counts users reaching its steps; it takes no column", k.name),
                    ));
                }
                let ordered = k.ordered.unwrap_or(false);
                let state = self.state_init.len();
                self.state_init.extend([0.0, 0.0]);
                let first = self.measures.len();
                for (j, step) in steps.iter().enumerate() {
                    let field = format!("kpis[{i}].steps[{j}]");
                    if step.name.is_empty() || steps[..j].iter().any(|s| s.name == step.name) {
                        return Err(KpilabError::invalid(
                            format!("{field}.name"),
                            format!("KPI \"{}\": every step needs a name of its own", k.name),
                        ));
                    }
                    step.where_.validate(&format!("{field}.where"))?;
                    let mut filters = kpi_filter.clone();
                    filters.push((format!("{field}.where"), step.where_.clone()));
                    // Steps share the funnel's state: their measures keep none.
                    self.measures.push(Measure {
                        field,
                        filters,
                        aggregate: Aggregate::Any,
                        column: None,
                        allow_bool: false,
                        window_us,
                        state,
                        funnel_step: true,
                        first_time: false,
                    });
                }
                let slots = (0..steps.len()).map(|_| self.slot(true)).collect();
                EventKpi::Funnel { first, steps: steps.len(), ordered, slots, state }
            }
        })
    }

    fn measure(
        &mut self,
        field: String,
        filters: Vec<(String, Filter)>,
        aggregate: Aggregate,
        column: Option<(String, String)>,
        allow_bool: bool,
        window_us: Option<i64>,
    ) -> usize {
        let state = self.state_init.len();
        // max/min start "unseen" (NaN; a user without counted rows gets 0).
        self.state_init.push(if matches!(aggregate, Aggregate::Max | Aggregate::Min) { f64::NAN } else { 0.0 });
        self.measures.push(Measure {
            field,
            filters,
            aggregate,
            column,
            allow_bool,
            window_us,
            state,
            funnel_step: false,
            first_time: false,
        });
        self.measures.len() - 1
    }

    fn slot(&mut self, zero_one: bool) -> usize {
        self.slots.push(zero_one);
        self.slots.len() - 1
    }
}

/// A measure with its columns resolved in the header.
#[derive(Debug, Clone)]
pub(crate) struct CompiledMeasure {
    pub matcher: Option<Matcher>,
    pub column: Option<usize>,
}

/// Field indices of the event-level columns.
#[derive(Debug, Clone)]
pub(crate) struct EventColumns {
    pub timestamp: Option<usize>,
    pub exposure: Option<Matcher>,
    pub measures: Vec<CompiledMeasure>,
}

impl EventPlan {
    /// `decimal`: how the numbers that `where` filters compare are written.
    pub fn resolve(&self, header: &[String], decimal: Decimal) -> Result<EventColumns> {
        let find = |field: &str, name: &str| -> Result<usize> {
            header.iter().position(|h| h == name).ok_or_else(|| {
                KpilabError::csv(
                    field,
                    format!("column \"{name}\" ({field}) is not in the header; the columns are: {}", header.join(", ")),
                )
            })
        };
        let timestamp = self.timestamp.as_deref().map(|t| find("timestampColumn", t)).transpose()?;
        let exposure = self.exposure.as_ref().map(|f| f.compile("exposure.where", header, decimal)).transpose()?;
        let measures = self
            .measures
            .iter()
            .map(|m| {
                let mut parts =
                    m.filters.iter().map(|(path, f)| f.compile(path, header, decimal)).collect::<Result<Vec<_>>>()?;
                let matcher = match parts.len() {
                    0 => None,
                    1 => parts.pop(),
                    _ => Some(Matcher::All(parts)),
                };
                let column = m.column.as_ref().map(|(name, field)| find(field, name)).transpose()?;
                Ok(CompiledMeasure { matcher, column })
            })
            .collect::<Result<_>>()?;
        Ok(EventColumns { timestamp, exposure, measures })
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorCode;
    use crate::evaluate::{evaluate_csv, EvalConfig};

    fn config(kpis: &str, extra: &str) -> serde_json::Result<EvalConfig> {
        serde_json::from_str(&format!(
            r#"{{"variantColumn":"v","userColumn":"u","timestampColumn":"t"{extra},"kpis":[{kpis}]}}"#
        ))
    }

    fn error(kpis: &str, extra: &str) -> (ErrorCode, String) {
        let e = crate::evaluate::CsvEvaluator::new(config(kpis, extra).unwrap()).err().expect("an error");
        (e.code, e.field)
    }

    #[test]
    fn invalid_event_configs_name_the_field() {
        let conv = r#""name":"c","role":"primary","kind":"conversion""#;
        let invalid = |kpis: &str, extra: &str| {
            let (code, field) = error(kpis, extra);
            assert_eq!(code, ErrorCode::InvalidInput, "{kpis}");
            field
        };
        assert_eq!(invalid(&format!("{{{conv}}}"), ""), "kpis[0].column");
        assert_eq!(invalid(&format!(r#"{{{conv},"where":{{"column":"e"}}}}"#), ""), "kpis[0].where");
        assert_eq!(invalid(&format!(r#"{{{conv},"where":{{"all":[]}}}}"#), ""), "kpis[0].where.all");
        assert_eq!(invalid(&format!(r#"{{{conv},"column":"x","window":{{"days":-1}}}}"#), ""), "kpis[0].window.days");
        assert_eq!(invalid(&format!(r#"{{{conv},"column":"x","window":{{}}}}"#), ""), "kpis[0].window");
        assert_eq!(invalid(&format!(r#"{{{conv},"column":"x","cap":{{"value":1}}}}"#), ""), "kpis[0].cap");
        let mean = r#""name":"m","role":"primary","kind":"mean","column":"x""#;
        assert_eq!(invalid(&format!(r#"{{{mean},"cap":{{"percentile":101}}}}"#), ""), "kpis[0].cap.percentile");
        assert_eq!(invalid(&format!(r#"{{{mean},"cap":{{"percentile":5,"value":1}}}}"#), ""), "kpis[0].cap");
        assert_eq!(invalid(&format!(r#"{{{mean},"threshold":2}}"#), ""), "kpis[0].threshold");
        assert_eq!(
            invalid(
                r#"{"name":"m","role":"primary","kind":"mean","aggregate":"sum","where":{"column":"e","equals":1}}"#,
                ""
            ),
            "kpis[0].column"
        );
        assert_eq!(invalid(r#"{"name":"f","role":"primary","kind":"funnel","steps":[]}"#, ""), "kpis[0].steps");
        assert_eq!(
            invalid(
                r#"{"name":"f","role":"primary","kind":"funnel","steps":[{"name":"a","where":{"column":"e","equals":"a"}},{"name":"a","where":{"column":"e","equals":"b"}}]}"#,
                ""
            ),
            "kpis[0].steps[1].name"
        );
        assert_eq!(
            invalid(
                r#"{"name":"r","role":"primary","kind":"ratio","numerator":{"where":{"column":"e","equals":1},"aggregate":"sum"},"denominator":"d"}"#,
                ""
            ),
            "kpis[0].numerator.column"
        );
        assert_eq!(invalid(&format!(r#"{{{mean}}}"#), r#","exposure":{"where":{"in":[1]}}"#), "exposure.where");
        // Without userColumn nothing of §4 works.
        let e = crate::evaluate::CsvEvaluator::new(
            serde_json::from_str(r#"{"variantColumn":"v","timestampColumn":"t","kpis":[{"name":"m","role":"primary","kind":"mean","column":"x"}]}"#)
                .unwrap(),
        )
        .err()
        .unwrap();
        assert_eq!(e.field, "userColumn");
        // A window needs timestamps.
        let e = crate::evaluate::CsvEvaluator::new(
            serde_json::from_str(r#"{"variantColumn":"v","userColumn":"u","kpis":[{"name":"m","role":"primary","kind":"mean","column":"x","window":{"days":1}}]}"#)
                .unwrap(),
        )
        .err()
        .unwrap();
        assert_eq!(e.field, "kpis[0].window");
        // Unknown keys are serde errors (turned into "did you mean" by input_errors).
        let unknown = config(&format!(r#"{{{mean},"window":{{"day":1}}}}"#), "").unwrap_err().to_string();
        assert!(unknown.contains("unknown field `day`"), "{unknown}");
        let unknown = config(&format!(r#"{{{mean},"wher":{{}}}}"#), "").unwrap_err().to_string();
        assert!(unknown.contains("unknown field `wher`"), "{unknown}");
    }

    #[test]
    fn unknown_columns_are_csv_errors_naming_the_path() {
        let kpis = r#"{"name":"f","role":"primary","kind":"funnel","steps":[{"name":"a","where":{"column":"event","equals":"a"}}]}"#;
        let data = b"v,u,t,e\na,1,2024-01-01,a\n";
        let run = |extra: &str| evaluate_csv(data, &config(kpis, extra).unwrap()).unwrap_err();
        let e = run("");
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::CsvParse, "kpis[0].steps[0].where.column"));
        let e = evaluate_csv(
            data,
            &config(r#"{"name":"m","role":"primary","kind":"mean","column":"x","aggregate":"max"}"#, "").unwrap(),
        )
        .unwrap_err();
        assert_eq!(e.field, "kpis[0].column");
        let e = evaluate_csv(
            b"v,u,time\n",
            &config(r#"{"name":"m","role":"primary","kind":"mean","column":"x"}"#, "").unwrap(),
        )
        .unwrap_err();
        assert_eq!(e.field, "timestampColumn");
    }

    #[test]
    fn rows_of_one_user_follow_the_rules() {
        // u1: a row before exposure, exposure, a purchase in the window, one after it,
        // a bad timestamp. u2: exposed in b, then seen in a (contaminated). u3: never exposed.
        let data = "v,u,t,e,x\n\
            a,u1,2024-01-01T00:00:00Z,view,\n\
            a,u1,2024-01-02T00:00:00Z,expose,\n\
            a,u1,2024-01-02T12:00:00+02:00,buy,10\n\
            a,u1,2024-01-03T00:00:00Z,buy,7\n\
            a,u1,yesterday,buy,1\n\
            b,u2,2024-01-02,expose,\n\
            a,u2,2024-01-02,buy,5\n\
            b,u3,2024-01-02,view,\n\
            b,u4,1704240000,expose,\n\
            b,u4,1704240000000,buy,3\n";
        let c = config(
            r#"{"name":"rev","role":"primary","kind":"mean","column":"x","where":{"column":"e","equals":"buy"},"window":{"days":1}}"#,
            r#","exposure":{"where":{"column":"e","equals":"expose"}}"#,
        )
        .unwrap();
        let mut evaluator = crate::evaluate::CsvEvaluator::new(c).unwrap();
        evaluator.push(data.as_bytes()).unwrap();
        let p = evaluator.prepare().unwrap();
        let q = &p.quality;
        assert_eq!(
            (q.rows_before_exposure, q.rows_outside_window, q.multi_variant_users, q.users_without_exposure),
            (2.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(q.timestamp_errors, 1.0);
        assert_eq!(p.rows.errors[0].line, 6.0);
        assert!(p.rows.errors[0].message.contains("\"yesterday\" is not a date/time"), "{}", p.rows.errors[0].message);
        // u1 in a: 10 (the 7 is a day and more after exposure); u4 in b: 3 (epoch s and ms).
        let v = &p.kpis[0].variants;
        let raw = |i: usize| v[i].sum.unwrap() + v[i].users * p.shifts[0][0];
        assert_eq!((v[0].users, raw(0), v[1].users, raw(1)), (1.0, 10.0, 1.0, 3.0));
        // The last time is 2024-01-03T00:00Z: u1, exposed exactly a day before, is
        // complete; u4, exposed then, is open (u2 is in no arm).
        assert_eq!(q.users_window_open, 1.0);
    }
}
