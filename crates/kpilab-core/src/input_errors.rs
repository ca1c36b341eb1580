//! serde's messages about a malformed input, said the way a person typed the input:
//! `unknown option "altenative"; did you mean "alternative"?` for an unknown key,
//! `metric must be one of "proportion", "mean", "ratio"; got 5` for a wrong value.
//! One function for every caller: the wasm binding (JS values) and native callers
//! (e.g. `serde_json::Value`) only provide a view of the input to find the culprit in.

use crate::edit_distance::edit_distance;
use crate::error::KpilabError;

/// A leaf of the input as the culprit search sees it.
pub enum Leaf {
    Str(String),
    Num(f64),
    Bool(bool),
    Other,
}

/// A view of the input (a JS value, a JSON value) good enough to locate a culprit.
pub trait InputNode: Sized {
    /// The key/value pairs of an object, in the input's order; `None` for non-objects.
    fn entries(&self) -> Option<Vec<(String, Self)>>;
    /// The elements of an array; `None` for non-arrays.
    fn items(&self) -> Option<Vec<Self>>;
    fn leaf(&self) -> Leaf;
}

/// The `INVALID_INPUT` error for serde's message `text` about `input`; `what`
/// names the input as a whole ("input", "config") when no field can be found.
pub fn input_error<N: InputNode>(input: &N, text: &str, what: &str) -> KpilabError {
    let (field, message) = describe(input, strip_position(text));
    let message = message.unwrap_or_else(|| format!("{}: {text}", if field.is_empty() { what } else { &field }));
    KpilabError::invalid(field, message)
}

/// serde_json appends " at line 1 column 23"; the path says more.
fn strip_position(text: &str) -> &str {
    text.find(" at line ").map_or(text, |i| &text[..i])
}

fn describe<N: InputNode>(input: &N, text: &str) -> (String, Option<String>) {
    if let Some(key) = between(text, "unknown field `", "`") {
        let known = names(text.split_once("expected ").map_or("", |(_, rest)| rest));
        let field = find_key(input, key, &known, String::new()).map(|(_, p)| p).unwrap_or_else(|| key.to_string());
        let mut message = format!("unknown option \"{key}\"");
        if let Some(near) = nearest(key, &known) {
            message += &format!("; did you mean \"{near}\"?");
        }
        return (field, Some(message));
    }
    if let Some(name) = between(text, "missing field `", "`") {
        return (name.to_string(), Some(format!("{name} is required")));
    }
    if let Some(rest) = text.strip_prefix("unknown variant `") {
        let (got, expected) = rest.split_once("`, expected ").unwrap_or((rest.trim_end_matches('`'), ""));
        let expected_names = names(expected);
        let is_got = |l: &Leaf| matches!(l, Leaf::Str(s) if s == got);
        // The option these values belong to, when it is known: `decimal: ";"` beside `delimiter: ";"`.
        let key = ENUM_KEYS.iter().find(|(values, _)| *values == expected_names.as_slice()).map(|(_, k)| *k);
        let at_key = key.and_then(|k| find_leaf_under_key(input, k, &is_got, String::new()));
        let field = at_key.or_else(|| find_leaf(input, &is_got, String::new())).unwrap_or_default();
        let subject = if field.is_empty() { "the value".to_string() } else { field.clone() };
        return (field, Some(format!("{subject} must be {}; got \"{got}\"", one_of(&names(expected)))));
    }
    let typed = text.strip_prefix("invalid type: ").or_else(|| text.strip_prefix("invalid value: "));
    if let Some((unexpected, expected)) = typed.and_then(|t| t.split_once(", expected ")) {
        let field = culprit(input, unexpected).unwrap_or_default();
        let subject = if field.is_empty() { "the value".to_string() } else { field.clone() };
        return (field, Some(format!("{subject} must be {}; got {}", expectation(expected), shown(unexpected))));
    }
    if let Some((len, expected)) = text.strip_prefix("invalid length ").and_then(|t| t.split_once(", expected ")) {
        return (String::new(), Some(format!("a list has {len} items; expected {expected}")));
    }
    (String::new(), None)
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = &text[text.find(open)? + open.len()..];
    Some(&rest[..rest.find(close)?])
}

/// The names in "one of `a`, `b`" / "`a`" / "there are no fields".
fn names(expected: &str) -> Vec<&str> {
    expected.split('`').skip(1).step_by(2).collect()
}

fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.len() {
        1 => quoted[0].clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// The values of each public enum, by the name serde's "expected enum X" gives
/// (a table, not a probe of each enum's derive: that cost 5 KB of wasm; a test
/// checks the table against the derives).
const ENUMS: &[(&str, &[&str])] = &[
    ("MetricKind", &["proportion", "mean", "ratio"]),
    ("AnalysisMethod", &["frequentist", "bayesian", "sequential"]),
    ("Correction", &["none", "holm", "bonferroni", "benjamini-hochberg"]),
    ("Alternative", &["two-sided", "greater", "less"]),
    ("RelativeInterval", &["fieller", "delta"]),
    ("MdeType", &["relative", "absolute"]),
    ("PlanCorrection", &["none", "bonferroni"]),
    ("PlanMethod", &["pooled", "unpooled", "evan-miller", "arcsine", "t"]),
    ("PlanMetricKind", &["proportion", "mean", "timeToEvent"]),
    ("KpiRole", &["primary", "secondary", "guardrail"]),
    ("KpiKind", &["conversion", "mean", "ratio", "funnel", "timeToEvent"]),
    ("OnBadRow", &["skip", "fail"]),
    ("TimeUnit", &["days", "hours"]),
    ("Aggregate", &["any", "sum", "count", "distinct", "max", "min"]),
    ("TimestampUnit", &["auto", "s", "ms", "us"]),
    ("Decimal", &[".", ","]),
];

/// Enum values that name their option: an unknown value is looked for under that
/// key first (other options may hold the same text, e.g. `delimiter: ";"`).
const ENUM_KEYS: &[(&[&str], &str)] = &[(&[".", ","], "decimal")];

/// The first leaf satisfying `matches` whose own key is `key`.
fn find_leaf_under_key<N: InputNode>(
    value: &N,
    key: &str,
    matches: &dyn Fn(&Leaf) -> bool,
    path: String,
) -> Option<String> {
    if let Some(items) = value.items() {
        return items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_leaf_under_key(v, key, matches, format!("{path}[{i}]")));
    }
    let entries = value.entries()?;
    entries.iter().find_map(|(k, v)| {
        let here = child(&path, k);
        if k == key && v.entries().is_none() && v.items().is_none() && matches(&v.leaf()) {
            Some(here)
        } else {
            find_leaf_under_key(v, key, matches, here)
        }
    })
}

/// serde's "expected ..." in words.
fn expectation(expected: &str) -> String {
    if let Some(name) = expected.strip_prefix("enum ") {
        return match ENUMS.iter().find(|(n, _)| *n == name) {
            Some((_, values)) => one_of(values),
            None => "one of the listed options".into(),
        };
    }
    match expected {
        "f64" | "f32" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "a whole number".into(),
        "a string" | "string or map" => "text".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list".into(),
        "an object" | "a map" => "an object".into(),
        e if e.starts_with("struct ") => "an object".into(),
        e => e.into(),
    }
}

/// serde's `Unexpected` as the person typed it: `floating point `5.0`` is 5.
fn shown(unexpected: &str) -> String {
    if let Some(n) = between(unexpected, "floating point `", "`").or_else(|| between(unexpected, "integer `", "`")) {
        return n.strip_suffix(".0").unwrap_or(n).to_string();
    }
    if let Some(b) = between(unexpected, "boolean `", "`") {
        return b.to_string();
    }
    if unexpected.starts_with("string \"") {
        return unexpected.trim_start_matches("string ").to_string();
    }
    match unexpected {
        "map" => "an object".into(),
        "sequence" => "a list".into(),
        "unit value" | "null" | "Option value" => "nothing".into(),
        u => u.into(),
    }
}

/// The path of the leaf serde's `Unexpected` quotes, if it quotes one.
fn culprit<N: InputNode>(input: &N, unexpected: &str) -> Option<String> {
    let quoted = between(unexpected, "string \"", "\"");
    let literal = between(unexpected, "floating point `", "`").or_else(|| between(unexpected, "integer `", "`"));
    let boolean = between(unexpected, "boolean `", "`");
    let matches = |leaf: &Leaf| match (leaf, quoted, literal, boolean) {
        (Leaf::Str(s), Some(q), _, _) => s == q,
        (Leaf::Num(v), None, Some(n), _) => n.parse::<f64>() == Ok(*v),
        (Leaf::Bool(v), None, None, Some(b)) => b == if *v { "true" } else { "false" },
        _ => false,
    };
    if quoted.is_none() && literal.is_none() && boolean.is_none() {
        return None;
    }
    find_leaf(input, &matches, String::new())
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Depth-first search for the first leaf satisfying `matches`, as `a.b[2].c`.
fn find_leaf<N: InputNode>(value: &N, matches: &dyn Fn(&Leaf) -> bool, path: String) -> Option<String> {
    if let Some(items) = value.items() {
        return items.iter().enumerate().find_map(|(i, v)| find_leaf(v, matches, format!("{path}[{i}]")));
    }
    if let Some(entries) = value.entries() {
        return entries.iter().find_map(|(k, v)| find_leaf(v, matches, child(&path, k)));
    }
    matches(&value.leaf()).then_some(path)
}

/// The object holding `key` whose other keys best match `known` (the keys of the
/// struct that refused it): `(score, path of the key)`.
fn find_key<N: InputNode>(value: &N, key: &str, known: &[&str], path: String) -> Option<(usize, String)> {
    let mut best: Option<(usize, String)> = None;
    let mut consider = |found: Option<(usize, String)>| {
        if let Some(f) = found {
            if best.as_ref().is_none_or(|b| f.0 > b.0) {
                best = Some(f);
            }
        }
    };
    if let Some(items) = value.items() {
        for (i, v) in items.iter().enumerate() {
            consider(find_key(v, key, known, format!("{path}[{i}]")));
        }
    } else if let Some(entries) = value.entries() {
        if entries.iter().any(|(k, _)| k == key) {
            let score = 1 + entries.iter().filter(|(k, _)| known.contains(&k.as_str())).count();
            consider(Some((score, child(&path, key))));
        }
        for (k, v) in &entries {
            consider(find_key(v, key, known, child(&path, k)));
        }
    }
    best
}

/// The known name nearest to `key` by edit distance, if within 3.
fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known.iter().map(|k| (edit_distance(key, k), *k)).filter(|(d, _)| *d <= 3).min_by_key(|(d, _)| *d).map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::AnalyzeInput;
    use crate::error::ErrorCode;
    use crate::evaluate::EvalConfig;
    use crate::kpi::KpiTotals;
    use crate::plan::PlanInput;
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::de::{DeserializeOwned, IntoDeserializer};
    use serde_json::{json, Value};

    /// The variants of an enum, as its derive lists them in an "unknown variant" error.
    fn variants_of<T: DeserializeOwned>() -> Vec<String> {
        let probe: StrDeserializer<ValueError> = "\u{0}".into_deserializer();
        let message = T::deserialize(probe).err().map(|e| e.to_string()).unwrap_or_default();
        names(message.split_once("expected ").map_or("", |(_, r)| r)).into_iter().map(String::from).collect()
    }

    #[test]
    fn the_enum_table_matches_the_derives() {
        use crate::analyze::{AnalysisMethod, Correction, MetricKind, RelativeInterval};
        use crate::evaluate::{KpiKind, KpiRole, OnBadRow};
        use crate::plan::{MdeType, PlanCorrection, PlanMethod};
        let derived = [
            ("MetricKind", variants_of::<MetricKind>()),
            ("AnalysisMethod", variants_of::<AnalysisMethod>()),
            ("Correction", variants_of::<Correction>()),
            ("Alternative", variants_of::<crate::common::Alternative>()),
            ("RelativeInterval", variants_of::<RelativeInterval>()),
            ("MdeType", variants_of::<MdeType>()),
            ("PlanCorrection", variants_of::<PlanCorrection>()),
            ("PlanMethod", variants_of::<PlanMethod>()),
            ("KpiRole", variants_of::<KpiRole>()),
            ("KpiKind", variants_of::<KpiKind>()),
            ("OnBadRow", variants_of::<OnBadRow>()),
            ("Aggregate", variants_of::<crate::evaluate::event_types::Aggregate>()),
            ("TimestampUnit", variants_of::<crate::csv::TimestampUnit>()),
            ("Decimal", variants_of::<crate::csv::Decimal>()),
        ];
        for (name, values) in derived {
            let table = ENUMS.iter().find(|(n, _)| *n == name).unwrap().1;
            assert_eq!(table, values.iter().map(String::as_str).collect::<Vec<_>>(), "{name}");
        }
        let read = |kind: &str| serde_json::from_value::<crate::plan::PlanMetric>(json!({ "kind": kind })).err();
        let message = read("x").unwrap().to_string();
        let plan_metric_kind = ENUMS.iter().find(|(n, _)| *n == "PlanMetricKind").unwrap().1;
        assert_eq!(names(message.split_once("expected ").unwrap().1), plan_metric_kind, "{message}");
    }

    impl InputNode for Value {
        fn entries(&self) -> Option<Vec<(String, Value)>> {
            self.as_object().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        fn items(&self) -> Option<Vec<Value>> {
            self.as_array().cloned()
        }
        fn leaf(&self) -> Leaf {
            match self {
                Value::String(s) => Leaf::Str(s.clone()),
                Value::Number(n) => n.as_f64().map_or(Leaf::Other, Leaf::Num),
                Value::Bool(b) => Leaf::Bool(*b),
                _ => Leaf::Other,
            }
        }
    }

    /// The native JSON route: serde_json, then the one message rewrite.
    fn read<T: DeserializeOwned>(input: Value) -> Result<T, KpilabError> {
        serde_json::from_value(input.clone()).map_err(|e| input_error(&input, &e.to_string(), "input"))
    }

    fn proportion_arms() -> Value {
        json!([{ "name": "A", "users": 100, "conversions": 10 }, { "name": "B", "users": 100, "conversions": 12 }])
    }

    fn config(extra_analysis: Value, kpi: Value) -> Value {
        json!({ "variantColumn": "variant", "kpis": [kpi], "analysis": extra_analysis })
    }

    fn kpi() -> Value {
        json!({ "name": "Conversion", "role": "primary", "kind": "conversion", "column": "converted" })
    }

    fn check(e: KpilabError, field: &str, message: &str) {
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(e.field, field, "{}", e.message);
        assert_eq!(e.message, message);
    }

    #[test]
    fn unknown_top_level_field_suggests_the_nearest_name() {
        let e = read::<AnalyzeInput>(
            json!({ "metric": "proportion", "variants": proportion_arms(), "altenative": "less" }),
        )
        .unwrap_err();
        check(e, "altenative", r#"unknown option "altenative"; did you mean "alternative"?"#);
        let e = read::<PlanInput>(json!({ "metric": { "kind": "proportion", "baseline": 0.1 }, "zzzzzzzzzz": 1 }))
            .unwrap_err();
        check(e, "zzzzzzzzzz", r#"unknown option "zzzzzzzzzz""#);
        let e = read::<crate::plan::FixedSizeInput>(
            json!({ "metric": { "kind": "proportion", "baseline": 0.1 }, "usersPerVarant": 100 }),
        )
        .unwrap_err();
        check(e, "usersPerVarant", r#"unknown option "usersPerVarant"; did you mean "usersPerVariant"?"#);
        let e = read::<PlanInput>(json!({ "metric": { "kind": "mean", "mean": 1, "stdDe": 1 } })).unwrap_err();
        check(e, "metric.stdDe", r#"unknown option "stdDe"; did you mean "stdDev"?"#);
    }

    #[test]
    fn unknown_field_in_the_analysis_of_an_eval_config() {
        let e = read::<EvalConfig>(config(json!({ "altenative": "less" }), kpi())).unwrap_err();
        check(e, "analysis.altenative", r#"unknown option "altenative"; did you mean "alternative"?"#);
        let e = read::<EvalConfig>(config(json!({ "plannedUsersPerVarient": 5 }), kpi())).unwrap_err();
        check(
            e,
            "analysis.plannedUsersPerVarient",
            r#"unknown option "plannedUsersPerVarient"; did you mean "plannedUsersPerVariant"?"#,
        );
    }

    #[test]
    fn unknown_field_in_a_kpi_spec() {
        let mut spec = kpi();
        spec.as_object_mut().unwrap().remove("column");
        spec["colum"] = json!("converted");
        let e = read::<EvalConfig>(config(json!({}), spec)).unwrap_err();
        check(e, "kpis[0].colum", r#"unknown option "colum"; did you mean "column"?"#);
    }

    #[test]
    fn unknown_field_in_a_variant() {
        let mut arms = proportion_arms();
        arms[1]["conversion"] = json!(12);
        let e = read::<AnalyzeInput>(json!({ "metric": "proportion", "variants": arms })).unwrap_err();
        check(e, "variants[1].conversion", r#"unknown option "conversion"; did you mean "conversions"?"#);
        let e = read::<KpiTotals>(json!({ "visitor": 10 })).unwrap_err();
        check(e, "visitor", r#"unknown option "visitor"; did you mean "visitors"?"#);
    }

    #[test]
    fn an_unknown_decimal_is_named_even_beside_the_same_delimiter() {
        let kpi = json!({"name": "r", "role": "primary", "kind": "mean", "column": "r"});
        let input = json!({"variantColumn": "v", "delimiter": ";", "decimal": ";", "kpis": [kpi]});
        let e = read::<EvalConfig>(input).unwrap_err();
        check(e, "decimal", r#"decimal must be one of ".", ","; got ";""#);
    }

    #[test]
    fn wrong_values_are_said_as_typed() {
        // serde-wasm-bindgen's words for `metric: 5` (serde_json says "expected string or map")
        let input = json!({ "metric": 5, "variants": proportion_arms() });
        let e = input_error(&input, "invalid type: floating point `5.0`, expected enum MetricKind", "input");
        check(e, "metric", r#"metric must be one of "proportion", "mean", "ratio"; got 5"#);
        let e = read::<AnalyzeInput>(input).unwrap_err();
        check(e, "metric", "metric must be text; got 5");
        let e = read::<AnalyzeInput>(json!({ "metric": "rate", "variants": proportion_arms() })).unwrap_err();
        check(e, "metric", r#"metric must be one of "proportion", "mean", "ratio"; got "rate""#);
        let mut arms = proportion_arms();
        arms[0]["users"] = json!("many");
        let e = read::<AnalyzeInput>(json!({ "metric": "proportion", "variants": arms })).unwrap_err();
        check(e, "variants[0].users", r#"variants[0].users must be a number; got "many""#);
        let e = read::<PlanInput>(json!({ "metric": { "kind": "proportion", "baseline": 0.1 }, "variants": 2.5 }))
            .unwrap_err();
        check(e, "variants", "variants must be a whole number; got 2.5");
        let e = read::<PlanInput>(json!({ "mde": 0.1 })).unwrap_err();
        check(e, "metric", "metric is required");
    }
}
