//! Runs every golden case of `tests/reference/cases.json` (a copy of the team's
//! `shared/reference/cases.json`) (statsmodels, scipy,
//! gbstats) through the core. Cases are data: each test below takes one family of
//! functions, runs all its cases and reports every failing id at once.

use std::path::PathBuf;

use kpilab_core::plan::{DurationInput, FixedSizeInput};
use kpilab_core::*;
use serde_json::{json, Value};

mod case_check;
use case_check::{check_value, lookup};

/// The repo's own copy: a clone tests with nothing beside it.
fn repo_cases() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference/cases.json")
}

fn cases_path() -> PathBuf {
    std::env::var_os("KPILAB_CASES").map_or_else(repo_cases, PathBuf::from)
}

fn load_cases() -> Vec<Value> {
    let path = cases_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("golden cases missing at {} ({e}); set KPILAB_CASES or restore the file", path.display())
    });
    serde_json::from_str::<Vec<Value>>(&text).expect("cases.json is a JSON array")
}

/// Newer reference cases beside the repo (the team's `shared/reference`) must
/// reach the repo's copy, so they are tested on every clone.
#[test]
fn repo_cases_equal_the_shared_reference_when_present() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/cases.json");
    let Ok(shared_text) = std::fs::read(&shared) else {
        return; // a clone on its own: the repo's copy is the reference
    };
    let repo_text = std::fs::read(repo_cases()).expect("tests/reference/cases.json is in the repo");
    assert!(
        shared_text == repo_text,
        "{} differs from tests/reference/cases.json: copy it in (cp {} tests/reference/) and make its cases pass",
        shared.display(),
        shared.display()
    );
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> std::result::Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("input does not deserialize: {e}"))
}

fn out<T: serde::Serialize>(r: Result<T>) -> std::result::Result<Value, String> {
    r.map(|x| serde_json::to_value(x).unwrap()).map_err(|e| format!("{:?} at {:?}: {}", e.code, e.field, e.message))
}

/// Calls the SDK function `name` the way the npm package does: JSON in, JSON out.
fn call(name: &str, input: &Value) -> std::result::Result<Value, String> {
    match name {
        "planSampleSize" => out(plan_sample_size(&parse(input)?)),
        "planMde" => out(plan_mde(&parse::<FixedSizeInput>(input)?)),
        "planPower" => out(plan_power(&parse::<FixedSizeInput>(input)?)),
        "planDuration" => out(plan_duration(&parse::<DurationInput>(input)?)),
        "analyze" => out(analyze(&parse(input)?)),
        "kpis" => out(kpis(&parse(input)?)),
        "evaluateCsv" => {
            let data = input["data"].as_str().ok_or("data is not a string")?;
            out(evaluate_csv(data.as_bytes(), &parse(&input["config"])?))
        }
        other => Err(format!("unknown fn {other}")),
    }
}

/// Runs every case whose `fn` is in `fns`; panics listing every failure.
fn run_family(fns: &[&str]) {
    let cases: Vec<Value> = load_cases().into_iter().filter(|c| fns.contains(&c["fn"].as_str().unwrap())).collect();
    assert!(!cases.is_empty(), "no golden cases for {fns:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        match call(case["fn"].as_str().unwrap(), &case["input"]) {
            Err(e) => failures.push(format!("{id}: {e}")),
            Ok(actual) => {
                for (path, expected) in case["expect"].as_object().unwrap() {
                    if let Some(msg) = check_value(path, expected, lookup(&actual, path), &case["tol"]) {
                        failures.push(format!("{id}: {msg}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    eprintln!("{} golden cases of {fns:?} passed", cases.len());
}

#[test]
fn golden_planning() {
    run_family(&["planSampleSize", "planMde", "planPower", "planDuration"]);
}

#[test]
fn golden_analyze() {
    run_family(&["analyze"]);
}

#[test]
fn golden_kpis() {
    run_family(&["kpis"]);
}

#[test]
fn golden_evaluate_csv() {
    run_family(&["evaluateCsv"]);
}

#[test]
fn lookup_resolves_nested_paths() {
    let v = json!({"a": [{"b": [1, 2]}], "c": null});
    assert_eq!(lookup(&v, "a[0].b[1]"), Some(&json!(2)));
    assert_eq!(lookup(&v, "$"), Some(&v));
    assert_eq!(lookup(&v, "a[3].b"), None);
    assert!(check_value("c", &Value::Null, lookup(&v, "c"), &json!({"rel": 0.0, "abs": 0.0})).is_none());
    assert!(check_value("x", &json!(2), Some(&json!(2.5)), &json!({"rel": 1.0, "abs": 1.0})).is_some());
}
