//! What the evaluator reads: the KPI value columns, the sums each KPI needs, and
//! (once the header is known) the field index of every used column. Worked out
//! once so the per-row path only indexes.

use super::types::{EvalConfig, KpiKind, KpiSpec};
use crate::csv::Decimal;
use crate::error::{KpilabError, Result};
use crate::evaluate::event_plan::{is_event_level, EventKpi, EventPlan};
use crate::evaluate::time_to_event;
use crate::validate;

/// A header column read as a number by at least one KPI.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueColumn {
    pub name: String,
    /// Config path of its first use, e.g. `kpis[1].column` (for error messages).
    pub field: String,
    /// Used as a conversion: `true`/`false` accepted, values must be 0 or 1.
    pub conversion: bool,
}

/// One per-arm sum, over rows (or users), of a value column expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Term {
    Value(usize),
    Square(usize),
    Product(usize, usize),
}

/// Indices into `Layout::terms` of the sums behind one KPI's `Variant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KpiTerms {
    Conversion {
        conversions: usize,
    },
    Mean {
        sum: usize,
        sum_squares: usize,
        covariate: Option<[usize; 3]>,
    },
    /// `[sum, sumSquares]` of numerator and denominator, and the sum of their product.
    Ratio {
        numerator: [usize; 2],
        denominator: [usize; 2],
        cross: usize,
    },
    /// Value slots of the duration and the 0/1 event (`time_to_event.rs`); no sums.
    TimeToEvent {
        time: usize,
        event: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub delimiter: u8,
    /// How number cells write their decimals (`EvalConfig.decimal`).
    pub decimal: Decimal,
    pub values: Vec<ValueColumn>,
    pub terms: Vec<Term>,
    pub kpis: Vec<KpiTerms>,
    /// Per KPI: a funnel's step conversions (terms), else empty.
    pub steps: Vec<Vec<usize>>,
    /// Event-level rules (SDK.md §4): `values` are then per-user outputs, not columns.
    pub events: Option<EventPlan>,
}

/// Field indices of the used columns in the header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Columns {
    pub width: usize,
    pub variant: usize,
    pub user: Option<usize>,
    pub segments: Vec<usize>,
    /// Parallel to `Layout::values`.
    pub values: Vec<usize>,
}

impl Layout {
    /// Validates the config (everything that does not need the data).
    pub fn from_config(config: &EvalConfig) -> Result<Layout> {
        let delimiter = match config.delimiter.as_bytes() {
            [d] if !matches!(d, b'"' | b'\r' | b'\n') => *d,
            _ => {
                return Err(KpilabError::invalid(
                    "delimiter",
                    format!(
                        "delimiter must be a single character such as \",\", \";\" or \"\\t\" (not a quote or line break), got {:?}",
                        config.delimiter
                    ),
                ))
            }
        };
        if config.decimal == Decimal::Comma && delimiter == b',' {
            return Err(KpilabError::invalid(
                "decimal",
                "decimal \",\" needs another delimiter: a file whose numbers use a decimal comma separates its fields with \";\" or a tab, so set delimiter to \";\" (or \"\\t\"), or decimal to \".\"",
            ));
        }
        if config.kpis.is_empty() {
            return Err(KpilabError::invalid("kpis", "add at least one KPI to evaluate"));
        }
        if let Some(n) = config.annual_users {
            validate::non_negative("annualUsers", n)?;
        }
        if let Some(n) = config.analysis.planned_users_per_variant {
            validate::positive("analysis.plannedUsersPerVariant", n)?;
        }
        if let Some(wanted) = &config.analysis.variants {
            if wanted.len() < 2 {
                return Err(KpilabError::invalid(
                    "analysis.variants",
                    format!(
                        "analysis.variants lists {} arm(s); list the control and at least one treatment, or leave it out to use every arm",
                        wanted.len()
                    ),
                ));
            }
            for (i, w) in wanted.iter().enumerate() {
                if wanted[..i].contains(w) {
                    return Err(KpilabError::invalid(
                        format!("analysis.variants[{i}]"),
                        format!("analysis.variants lists \"{w}\" twice; list each arm once"),
                    ));
                }
            }
            if let Some(c) = config.analysis.options.control.as_ref().filter(|c| !wanted.contains(c)) {
                return Err(KpilabError::invalid(
                    "analysis.control",
                    format!("the control \"{c}\" is not in analysis.variants ({}); add it there", wanted.join(", ")),
                ));
            }
        }
        if let Some(name) = &config.revenue_kpi {
            match config.kpis.iter().find(|k| &k.name == name) {
                Some(k) if k.kind == KpiKind::Mean => {}
                Some(_) => {
                    return Err(KpilabError::invalid(
                        "revenueKpi",
                        format!("revenueKpi \"{name}\" must name a mean KPI (a per-user value such as revenue)"),
                    ))
                }
                None => {
                    return Err(KpilabError::invalid(
                        "revenueKpi",
                        format!("revenueKpi \"{name}\" is not one of the KPI names ({})", kpi_names(&config.kpis)),
                    ))
                }
            }
        }

        let event_level = is_event_level(config);
        let mut layout = Layout {
            delimiter,
            decimal: config.decimal,
            values: Vec::new(),
            terms: Vec::new(),
            kpis: Vec::new(),
            steps: vec![Vec::new(); config.kpis.len()],
            events: None,
        };
        for (i, k) in config.kpis.iter().enumerate() {
            if k.name.is_empty() {
                return Err(KpilabError::invalid(format!("kpis[{i}].name"), "every KPI needs a name"));
            }
            if config.kpis[..i].iter().any(|o| o.name == k.name) {
                return Err(KpilabError::invalid(
                    format!("kpis[{i}].name"),
                    format!("two KPIs are named \"{}\"; names must be unique", k.name),
                ));
            }
            if let Some(m) = k.non_inferiority_margin {
                validate::non_negative(&format!("kpis[{i}].nonInferiorityMargin"), m)?;
            }
            time_to_event::validate_spec(k, i)?;
            if event_level {
                continue;
            }
            if k.covariate.is_some() && k.kind != KpiKind::Mean {
                return Err(KpilabError::invalid(
                    format!("kpis[{i}].covariate"),
                    format!("KPI \"{}\": a covariate (CUPED) applies to mean KPIs only", k.name),
                ));
            }
            let terms = match k.kind {
                KpiKind::Conversion => {
                    let c = layout.value(k, i, "column", k.column.as_deref(), true)?;
                    KpiTerms::Conversion { conversions: layout.term(Term::Value(c)) }
                }
                KpiKind::Mean => {
                    let c = layout.value(k, i, "column", k.column.as_deref(), false)?;
                    let (sum, sum_squares) = (layout.term(Term::Value(c)), layout.term(Term::Square(c)));
                    let covariate = match k.covariate.as_deref() {
                        None => None,
                        Some(name) => {
                            let x = layout.value(k, i, "covariate", Some(name), false)?;
                            Some([
                                layout.term(Term::Value(x)),
                                layout.term(Term::Square(x)),
                                layout.term(Term::Product(c, x)),
                            ])
                        }
                    };
                    KpiTerms::Mean { sum, sum_squares, covariate }
                }
                KpiKind::Ratio => {
                    let a =
                        layout.value(k, i, "numerator", k.numerator.as_ref().and_then(|p| p.column_name()), false)?;
                    let b = layout.value(
                        k,
                        i,
                        "denominator",
                        k.denominator.as_ref().and_then(|p| p.column_name()),
                        false,
                    )?;
                    KpiTerms::Ratio {
                        numerator: [layout.term(Term::Value(a)), layout.term(Term::Square(a))],
                        denominator: [layout.term(Term::Value(b)), layout.term(Term::Square(b))],
                        cross: layout.term(Term::Product(a, b)),
                    }
                }
                KpiKind::TimeToEvent => {
                    let time = layout.value(k, i, "column", k.column.as_deref(), false)?;
                    let event = layout.value(k, i, "eventColumn", k.event_column.as_deref(), true)?;
                    KpiTerms::TimeToEvent { time, event }
                }
                KpiKind::Funnel => unreachable!("a funnel is event level"),
            };
            layout.kpis.push(terms);
        }
        if event_level {
            layout.event_terms(EventPlan::from_config(config)?);
        }
        Ok(layout)
    }

    /// The sums behind event-level KPIs: one value slot per per-user output.
    fn event_terms(&mut self, plan: EventPlan) {
        self.values = plan
            .slots
            .iter()
            .enumerate()
            .map(|(s, &zero_one)| ValueColumn { name: format!("slot {s}"), field: String::new(), conversion: zero_one })
            .collect();
        for (i, kpi) in plan.kpis.iter().enumerate() {
            let terms = match kpi {
                EventKpi::Conversion { slot, .. } => {
                    KpiTerms::Conversion { conversions: self.term(Term::Value(*slot)) }
                }
                EventKpi::Mean { slot, .. } => KpiTerms::Mean {
                    sum: self.term(Term::Value(*slot)),
                    sum_squares: self.term(Term::Square(*slot)),
                    covariate: None,
                },
                EventKpi::Ratio { slots: [a, b], .. } => KpiTerms::Ratio {
                    numerator: [self.term(Term::Value(*a)), self.term(Term::Square(*a))],
                    denominator: [self.term(Term::Value(*b)), self.term(Term::Square(*b))],
                    cross: self.term(Term::Product(*a, *b)),
                },
                EventKpi::Funnel { slots, .. } => {
                    let steps: Vec<usize> = slots.iter().map(|&s| self.term(Term::Value(s))).collect();
                    let last = *steps.last().expect("a step");
                    self.steps[i] = steps;
                    KpiTerms::Conversion { conversions: last }
                }
                EventKpi::TimeToEvent { slots: [time, event], .. } => {
                    KpiTerms::TimeToEvent { time: *time, event: *event }
                }
            };
            self.kpis.push(terms);
        }
        self.events = Some(plan);
    }

    /// The slot of a KPI's value column (added on first use).
    fn value(&mut self, k: &KpiSpec, i: usize, key: &str, name: Option<&str>, conversion: bool) -> Result<usize> {
        let field = format!("kpis[{i}].{key}");
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            let kind = match k.kind {
                KpiKind::Conversion => "a conversion",
                KpiKind::Mean => "a mean",
                KpiKind::Ratio => "a ratio",
                KpiKind::Funnel => "a funnel",
                KpiKind::TimeToEvent => "a timeToEvent",
            };
            return Err(KpilabError::invalid(
                field,
                format!("KPI \"{}\" is {kind} KPI and needs `{key}` (a column name)", k.name),
            ));
        };
        // A column read both as a conversion and as a number gets two slots: with
        // `userColumn` only the conversion's per-user sum is capped at 1.
        if let Some(slot) = self.values.iter().position(|v| v.name == name && v.conversion == conversion) {
            return Ok(slot);
        }
        self.values.push(ValueColumn { name: name.to_string(), field, conversion });
        Ok(self.values.len() - 1)
    }

    fn term(&mut self, t: Term) -> usize {
        self.terms.iter().position(|&u| u == t).unwrap_or_else(|| {
            self.terms.push(t);
            self.terms.len() - 1
        })
    }

    /// Finds every used column in the header; a missing one is a `CSV_PARSE` error
    /// naming the config field and listing the header.
    pub fn resolve(&self, config: &EvalConfig, header: &[String]) -> Result<Columns> {
        let find = |field: &str, name: &str| -> Result<usize> {
            header.iter().position(|h| h == name).ok_or_else(|| {
                KpilabError::csv(
                    field,
                    format!("column \"{name}\" ({field}) is not in the header; the columns are: {}", header.join(", ")),
                )
            })
        };
        Ok(Columns {
            width: header.len(),
            variant: find("variantColumn", &config.variant_column)?,
            user: config.user_column.as_deref().map(|u| find("userColumn", u)).transpose()?,
            segments: config
                .segment_columns
                .iter()
                .enumerate()
                .map(|(j, s)| find(&format!("segmentColumns[{j}]"), s))
                .collect::<Result<_>>()?,
            values: match self.events {
                Some(_) => Vec::new(),
                None => self.values.iter().map(|v| find(&v.field, &v.name)).collect::<Result<_>>()?,
            },
        })
    }
}

fn kpi_names(kpis: &[KpiSpec]) -> String {
    kpis.iter().map(|k| format!("\"{}\"", k.name)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    pub(crate) fn config(json: &str) -> EvalConfig {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn shares_columns_and_sums_between_kpis() {
        let c = config(
            r#"{"variantColumn":"variant","kpis":[
                {"name":"conv","role":"primary","kind":"conversion","column":"converted"},
                {"name":"rev","role":"secondary","kind":"mean","column":"revenue","covariate":"pre"},
                {"name":"aov","role":"secondary","kind":"ratio","numerator":"revenue","denominator":"orders"}]}"#,
        );
        let l = Layout::from_config(&c).unwrap();
        let names: Vec<_> = l.values.iter().map(|v| (v.name.as_str(), v.conversion)).collect();
        assert_eq!(names, [("converted", true), ("revenue", false), ("pre", false), ("orders", false)]);
        assert_eq!(l.kpis[0], KpiTerms::Conversion { conversions: 0 });
        assert_eq!(l.kpis[1], KpiTerms::Mean { sum: 1, sum_squares: 2, covariate: Some([3, 4, 5]) });
        // revenue's sum and square are shared with the mean KPI.
        assert_eq!(l.kpis[2], KpiTerms::Ratio { numerator: [1, 2], denominator: [6, 7], cross: 8 });
        assert_eq!(l.terms.len(), 9);
        assert_eq!(l.terms[5], Term::Product(1, 2));
    }

    #[test]
    fn rejects_bad_configs_naming_the_field() {
        let base = r#""variantColumn":"v","kpis":[{"name":"a","role":"primary","kind":"conversion","column":"c"}]"#;
        let err = |extra: &str| Layout::from_config(&config(&format!("{{{base}{extra}}}"))).unwrap_err();
        assert_eq!(err(r#","delimiter":";;""#).field, "delimiter");
        assert_eq!(err(r#","delimiter":"\"""#).field, "delimiter");
        assert_eq!(err(r#","revenueKpi":"a","annualUsers":10"#).field, "revenueKpi");
        assert_eq!(err(r#","annualUsers":-1"#).field, "annualUsers");
        let e = Layout::from_config(&config(
            r#"{"variantColumn":"v","kpis":[{"name":"r","role":"primary","kind":"ratio","numerator":"x"}]}"#,
        ))
        .unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "kpis[0].denominator"));
        let e = Layout::from_config(&config(r#"{"variantColumn":"v","kpis":[]}"#)).unwrap_err();
        assert_eq!(e.field, "kpis");
        assert_eq!(
            Layout::from_config(&config(&format!("{{{base},\"delimiter\":\"\\t\"}}"))).unwrap().delimiter,
            b'\t'
        );
    }

    #[test]
    fn missing_columns_name_the_config_field_and_list_the_header() {
        let c = config(
            r#"{"variantColumn":"variant","segmentColumns":["device"],"kpis":[
                {"name":"conv","role":"primary","kind":"conversion","column":"converted"},
                {"name":"rev","role":"secondary","kind":"mean","column":"revenue"}]}"#,
        );
        let l = Layout::from_config(&c).unwrap();
        let header: Vec<String> = ["variant", "converted", "device"].map(String::from).to_vec();
        let e = l.resolve(&c, &header).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::CsvParse, "kpis[1].column"));
        assert_eq!(
            e.message,
            "column \"revenue\" (kpis[1].column) is not in the header; the columns are: variant, converted, device"
        );
        let header: Vec<String> = ["device", "revenue", "variant", "converted"].map(String::from).to_vec();
        let cols = l.resolve(&c, &header).unwrap();
        assert_eq!(cols, Columns { width: 4, variant: 2, user: None, segments: vec![0], values: vec![3, 1] });
    }
}
