//! Runs every case of `tests/cases/time_to_event/cases.json` (lifelines 0.30.0 +
//! survRM2's RMST variance, each checked by a second route; see the README
//! there) through the core: `analyzeTimeToEvent` and the time-to-event plans.

use std::path::PathBuf;

use kpilab_core::*;
use serde_json::{json, Value};

mod case_check;
use case_check::{check_value, lookup};

fn load_cases() -> Vec<Value> {
    load("cases.json")
}

fn load(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/time_to_event").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("a JSON array of cases")
}

fn call(name: &str, input: &Value) -> std::result::Result<Value, String> {
    fn out<T: serde::Serialize>(r: Result<T>) -> std::result::Result<Value, String> {
        r.map(|x| serde_json::to_value(x).unwrap()).map_err(|e| format!("{:?} at {:?}: {}", e.code, e.field, e.message))
    }
    fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> std::result::Result<T, String> {
        serde_json::from_value(v.clone()).map_err(|e| format!("input does not deserialize: {e}"))
    }
    match name {
        "analyzeTimeToEvent" => out(analyze_time_to_event(&parse(input)?)),
        "planSampleSize" => out(plan_sample_size(&parse(input)?)),
        other => Err(format!("unknown fn {other}")),
    }
}

/// The case's tolerance for `path`: the `tolPaths` entry whose fragment the path contains, else `tol`.
fn tolerance<'a>(case: &'a Value, path: &str) -> &'a Value {
    case["tolPaths"]
        .as_object()
        .and_then(|m| m.iter().find(|(frag, _)| path.contains(frag.as_str())).map(|(_, t)| t))
        .unwrap_or(&case["tol"])
}

#[test]
fn every_time_to_event_case() {
    let cases = load_cases();
    assert!(cases.len() >= 16, "expected the 16 generated cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        match call(case["fn"].as_str().unwrap(), &case["input"]) {
            Err(e) => failures.push(format!("{id}: {e}")),
            Ok(actual) => {
                for (path, expected) in case["expect"].as_object().unwrap() {
                    checked += 1;
                    if let Some(msg) = check_value(path, expected, lookup(&actual, path), tolerance(case, path)) {
                        failures.push(format!("{id}: {msg}"));
                    }
                }
            }
        }
    }
    let shown: Vec<_> = failures.iter().take(40).collect();
    assert!(failures.is_empty(), "{} of {checked} values failed:\n{shown:#?}", failures.len());
    eprintln!("{} cases, {checked} values passed", cases.len());
}

/// Checks one `evaluateCsv` result against its case; returns the failures.
fn check_case(case: &Value, actual: &Value, how: &str) -> Vec<String> {
    let id = case["id"].as_str().unwrap();
    case["expect"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(path, expected)| check_value(path, expected, lookup(actual, path), tolerance(case, path)))
        .map(|msg| format!("{id} ({how}): {msg}"))
        .collect()
}

/// The `evaluateCsv` cases of `evaluate_cases.json` (per-user and event-level
/// time to convert; lifelines on durations derived from the rows by two routes):
/// whole, and streamed through `CsvEvaluator` in random chunk sizes.
#[test]
fn every_evaluate_csv_time_to_event_case() {
    let cases = load("evaluate_cases.json");
    assert!(cases.len() >= 4, "expected the 4 generated evaluateCsv cases");
    let mut failures = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let config: EvalConfig = serde_json::from_value(case["input"]["config"].clone()).expect("config deserializes");
        let data = case["input"]["csv"].as_str().unwrap().as_bytes();
        let whole = evaluate_csv(data, &config).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        failures.extend(check_case(case, &serde_json::to_value(&whole).unwrap(), "whole"));
        for round in 0..3 {
            let mut evaluator = CsvEvaluator::new(config.clone()).unwrap();
            let mut at = 0;
            while at < data.len() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let size = 1 + (seed % [7, 300, 5000][round]) as usize;
                let end = (at + size).min(data.len());
                evaluator.push(&data[at..end]).unwrap();
                at = end;
            }
            let streamed = evaluator.finish().unwrap();
            assert_eq!(streamed, whole, "{id}: chunked round {round} differs from the whole file");
        }
    }
    let shown: Vec<_> = failures.iter().take(40).collect();
    assert!(failures.is_empty(), "{} values failed:\n{shown:#?}", failures.len());
}

fn error_of(input: Value) -> KpilabError {
    let input: TimeToEventInput = serde_json::from_value(input).expect("input deserializes");
    analyze_time_to_event(&input).expect_err("bad input is an error")
}

fn two_arms(a_times: Value, a_events: Value) -> Value {
    json!({"variants": [
        {"name": "control", "times": a_times, "events": a_events},
        {"name": "b", "times": [1.0, 2.0, 3.0], "events": [1, 0, true]},
    ]})
}

#[test]
fn bad_input_is_a_typed_error_naming_the_field() {
    let e = error_of(two_arms(json!([1.0, -2.0]), json!([1, 0])));
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "variants[0].times[1]"));
    let e = error_of(two_arms(json!([1.0, 2.0]), json!([1])));
    assert_eq!(e.field, "variants[0].events");
    assert!(e.message.contains("2 times but 1 events"), "{}", e.message);
    let e = error_of(two_arms(json!([1.0, 2.0]), json!([0, false])));
    assert_eq!(e.field, "variants[0].events");
    let e = error_of(two_arms(json!([]), json!([])));
    assert_eq!(e.field, "variants[0].times");
    let mut input = two_arms(json!([1.0, 2.0, 5.0]), json!([1, 1, 0]));
    input["horizon"] = json!(4.0);
    let e = error_of(input);
    assert_eq!(e.field, "horizon");
    assert!(e.message.contains("\"b\"") && e.message.contains("at most 3"), "{}", e.message);
}

#[test]
fn unknown_keys_and_bad_event_flags_are_rejected() {
    let mut input = two_arms(json!([1.0]), json!([1]));
    input["horizn"] = json!(2.0);
    assert!(serde_json::from_value::<TimeToEventInput>(input).is_err());
    let e = error_of(two_arms(json!([1.0, 2.0]), json!([1, 2])));
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "variants[0].events[1]"));
    assert!(serde_json::from_value::<TimeToEventInput>(two_arms(json!([1.0]), json!(["yes"]))).is_err());
    let mut input = two_arms(json!([1.0]), json!([1]));
    input["variants"][0]["weights"] = json!([1]);
    assert!(serde_json::from_value::<TimeToEventInput>(input).is_err());
}

/// An arm that converts only after the other has left has no finite hazard
/// ratio: an error, never NaN or Infinity.
#[test]
fn separated_arms_give_no_solution_not_nan() {
    let input = json!({"variants": [
        {"name": "control", "times": [1.0, 2.0, 3.0], "events": [1, 1, 1]},
        {"name": "b", "times": [4.0, 5.0, 6.0], "events": [1, 1, 1]},
    ], "horizon": 3.0});
    let input: TimeToEventInput = serde_json::from_value(input).unwrap();
    match analyze_time_to_event(&input) {
        Ok(r) => assert!(serde_json::to_string(&r).unwrap().find("NaN").is_none()),
        Err(e) => assert_eq!(e.code, ErrorCode::NoSolution, "{e:?}"),
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arm() -> impl Strategy<Value = Vec<(u8, bool)>> {
        proptest::collection::vec((0u8..25, any::<bool>()), 1..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Never a panic; a result is finite everywhere, and `significant` holds
        /// exactly when the Fieller relative interval excludes 0 (both come from
        /// the one RMST z test).
        #[test]
        fn finite_and_significance_agrees_with_the_relative_interval(
            a in arm(), b in arm(), alt in 0usize..3, alpha in 0.01f64..0.3,
        ) {
            let side = |v: &Vec<(u8, bool)>| {
                (v.iter().map(|x| f64::from(x.0)).collect::<Vec<_>>(), v.iter().map(|x| x.1).collect::<Vec<_>>())
            };
            let ((ta, ea), (tb, eb)) = (side(&a), side(&b));
            let alternative = ["two-sided", "greater", "less"][alt];
            let input = json!({"variants": [
                {"name": "control", "times": ta, "events": ea},
                {"name": "b", "times": tb, "events": eb},
            ], "alternative": alternative, "alpha": alpha});
            let input: TimeToEventInput = serde_json::from_value(input).unwrap();
            let Ok(r) = analyze_time_to_event(&input) else { return Ok(()) };
            let text = serde_json::to_string(&r).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            let c = &r.comparisons[0];
            prop_assert!(c.p_value.is_finite() && c.hazard_ratio.is_finite() && c.log_rank_chi_square.is_finite());
            for v in &r.variants {
                prop_assert!(v.rmst.is_finite() && v.rmst_variance.is_finite() && v.curve.len() <= 200);
            }
            // serde_json writes NaN as null: every non-Option number must survive
            prop_assert!(!back["comparisons"][0]["pValue"].is_null());
            let [lo, hi] = c.relative_ci;
            if lo.is_some() || hi.is_some() {
                let excludes = lo.is_some_and(|x| x > 0.0) || hi.is_some_and(|x| x < 0.0);
                prop_assert_eq!(excludes, c.significant, "{:?} p={}", c.relative_ci, c.p_value);
            } else {
                prop_assert!(!c.significant || r.warnings.iter().any(|w| w.code == "RELATIVE_CI_UNBOUNDED"));
            }
        }
    }
}

#[test]
fn bad_time_to_event_kpis_are_typed_errors_naming_the_field() {
    let kpi = |extra: Value| {
        let mut k = json!({"name": "ttc", "role": "primary", "kind": "timeToEvent"});
        k.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"variantColumn": "v", "kpis": [k]})
    };
    let field = |config: Value| {
        let e = CsvEvaluator::new(serde_json::from_value(config).unwrap()).err().expect("an error");
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
        e.field
    };
    assert_eq!(field(kpi(json!({"column": "d"}))), "kpis[0].eventColumn");
    assert_eq!(field(kpi(json!({"eventColumn": "e"}))), "kpis[0].column");
    assert_eq!(field(kpi(json!({"column": "d", "eventColumn": "e", "horizon": 0}))), "kpis[0].horizon");
    assert_eq!(field(kpi(json!({"column": "d", "eventColumn": "e", "covariate": "x"}))), "kpis[0].covariate");
    let conversion = json!({"variantColumn": "v", "kpis": [{"name": "c", "role": "primary", "kind": "conversion", "column": "c", "unit": "days"}]});
    assert_eq!(field(conversion), "kpis[0].unit");
    // Event level: timestamps needed, and `where` alone defines the KPI.
    let mut events = kpi(json!({"where": {"column": "event", "equals": "purchase"}}));
    events["userColumn"] = json!("u");
    assert_eq!(field(events.clone()), "timestampColumn");
    events["timestampColumn"] = json!("t");
    events["kpis"][0]["eventColumn"] = json!("e");
    assert_eq!(field(events), "kpis[0].where");

    // A negative duration is refused, naming the column.
    let config: EvalConfig = serde_json::from_value(kpi(json!({"column": "d", "eventColumn": "e"}))).unwrap();
    let e = evaluate_csv(b"v,d,e\ncontrol,1,1\nb,-2,1\nb,3,1\ncontrol,2,0\n", &config).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "kpis[0].column"));
    assert!(e.message.contains("-2"), "{}", e.message);
    // An arm without conversions: the survival analysis' error, on the KPI.
    let e = evaluate_csv(b"v,d,e\ncontrol,1,1\nb,2,0\nb,3,0\ncontrol,2,0\n", &config).unwrap_err();
    assert_eq!(e.field, "kpis[0]");
    assert!(e.message.contains("no user of variant \"b\" has converted"), "{}", e.message);
}
