//! Aggregates round trip (SDK.md §6): for every golden `evaluateCsv` case (§3:
//! conversion, mean with CUPED, ratio, segments, userColumn) and every event-level
//! case (§4: filters, aggregates, windows, caps, funnels),
//! `evaluate_aggregates(aggregates)` equals `finish()` — as rows, and through CSV text.

use serde_json::Value;

use super::aggregates::{evaluate_aggregates, evaluate_aggregates_csv, Aggregates};
use super::{CsvEvaluator, EvalConfig, Evaluation};

fn cases() -> Vec<(String, Vec<u8>, EvalConfig)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut out = Vec::new();
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/tests/reference/cases.json")).unwrap()).unwrap();
    for c in golden.as_array().unwrap().iter().filter(|c| c["fn"] == "evaluateCsv") {
        let config: EvalConfig = serde_json::from_value(c["input"]["config"].clone()).unwrap();
        out.push((
            c["id"].as_str().unwrap().to_string(),
            c["input"]["data"].as_str().unwrap().as_bytes().to_vec(),
            config,
        ));
    }
    let dir = format!("{root}/tests/cases/event_level");
    let events: Value = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/cases.json")).unwrap()).unwrap();
    for c in events["cases"].as_array().unwrap() {
        let data = std::fs::read(format!("{dir}/{}", c["csv"].as_str().unwrap())).unwrap();
        out.push((c["name"].as_str().unwrap().to_string(), data, serde_json::from_value(c["config"].clone()).unwrap()));
    }
    let tte: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/tests/cases/time_to_event/evaluate_cases.json")).unwrap(),
    )
    .unwrap();
    for c in tte.as_array().unwrap() {
        let config: EvalConfig = serde_json::from_value(c["input"]["config"].clone()).unwrap();
        out.push((
            c["id"].as_str().unwrap().to_string(),
            c["input"]["csv"].as_str().unwrap().as_bytes().to_vec(),
            config,
        ));
    }
    out
}

/// The evaluation without the listed bad-row lines (aggregates carry counts only).
fn without_lines(mut e: Evaluation) -> Evaluation {
    e.rows.errors.clear();
    e.rows.errors_not_listed = 0.0;
    e
}

#[test]
fn aggregates_give_the_same_evaluation_for_every_case() {
    let cases = cases();
    assert!(cases.len() >= 18, "{} cases", cases.len());
    for (name, data, config) in cases {
        let mut ev = CsvEvaluator::new(config.clone()).unwrap();
        ev.push(&data).unwrap();
        let finished = ev.end().unwrap();
        let aggregates = finished.aggregates();
        let expected = finished.evaluate();
        let got = evaluate_aggregates(&aggregates, &config);
        let via_csv = evaluate_aggregates_csv(aggregates.to_csv().as_bytes(), &config);
        match expected {
            Ok(expected) => {
                let expected = without_lines(expected);
                assert_eq!(without_lines(got.unwrap()), expected, "{name}: rows");
                assert_eq!(without_lines(via_csv.unwrap()), expected, "{name}: CSV text");
            }
            Err(e) => assert_eq!(got.unwrap_err(), e, "{name}: the same error"),
        }
    }
}

#[test]
fn row_objects_in_any_key_order_read_the_same() {
    let (_, data, config) = cases().into_iter().next().unwrap();
    let mut ev = CsvEvaluator::new(config.clone()).unwrap();
    ev.push(&data).unwrap();
    let finished = ev.end().unwrap();
    let a = finished.aggregates();
    let json = serde_json::to_value(&a).unwrap();
    let maps: Vec<std::collections::BTreeMap<String, Option<super::aggregates::Cell>>> =
        serde_json::from_value(json).unwrap();
    let back = Aggregates::from_rows(maps);
    assert_eq!(evaluate_aggregates(&back, &config).unwrap(), evaluate_aggregates(&a, &config).unwrap());
}

#[test]
fn bad_aggregates_are_typed_errors_naming_the_column() {
    let (_, data, config) = cases().into_iter().next().unwrap();
    let mut ev = CsvEvaluator::new(config.clone()).unwrap();
    ev.push(&data).unwrap();
    let mut a = ev.end().unwrap().aggregates();
    let e = evaluate_aggregates(&Aggregates { columns: a.columns[1..].to_vec(), rows: vec![] }, &config).unwrap_err();
    assert!(e.message.contains("segment_column"), "{}", e.message);
    a.rows[0][3] = Some(super::aggregates::Cell::Text("many".into()));
    let e = evaluate_aggregates(&a, &config).unwrap_err();
    assert_eq!(e.field, "aggregates[0].users");
    let e = evaluate_aggregates_csv(b"segment_column,segment_value,variant\n", &config).unwrap_err();
    assert!(e.message.contains("\"users\""), "{}", e.message);
}
