//! `decimal: ","`: the semicolon export of tests/cases/decimal_comma (thousands
//! dots, decimal commas) gives, arm by arm, what pandas `read_csv(sep=";",
//! decimal=",", thousands=".")` reads (expected.json, checked there by a second
//! route), and exactly the evaluation of the same rows written with "." decimals.

use std::path::PathBuf;

use kpilab_core::*;
use kpilab_test_support::assert_close;
use serde_json::{json, Value};

fn read(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/decimal_comma").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config(extra: Value) -> EvalConfig {
    let mut c = json!({
        "variantColumn": "variant",
        "segmentColumns": ["device"],
        "kpis": [
            {"name": "conversion", "role": "primary", "kind": "conversion", "column": "converted"},
            {"name": "revenue", "role": "secondary", "kind": "mean", "column": "revenue"},
            {"name": "pre_revenue", "role": "secondary", "kind": "mean", "column": "pre_revenue"},
            {"name": "revenue_cuped", "role": "guardrail", "kind": "mean", "column": "revenue", "covariate": "pre_revenue"},
            {"name": "aov", "role": "secondary", "kind": "ratio", "numerator": "revenue", "denominator": "orders"}
        ]
    });
    c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(c).unwrap()
}

fn evaluate(data: &str, config: &EvalConfig) -> Value {
    serde_json::to_value(evaluate_csv(data.as_bytes(), config).unwrap()).unwrap()
}

#[test]
fn decimal_comma_file_reads_as_pandas_does() {
    let expected: Value = serde_json::from_str(&read("expected.json")).unwrap();
    let got = evaluate(&read("shop_comma.csv"), &config(json!({"delimiter": ";", "decimal": ","})));
    assert_eq!(got["rows"]["skipped"], json!(0.0), "{}", got["rows"]);
    assert_eq!(got["rows"]["read"], json!(2000.0));
    let arms = |kpi: usize| got["kpis"][kpi]["result"]["variants"].as_array().unwrap().clone();
    for (i, want) in expected["variants"].as_array().unwrap().iter().enumerate() {
        let (conversion, revenue, pre) = (&arms(0)[i], &arms(1)[i], &arms(2)[i]);
        assert_eq!(conversion["name"], want["name"]);
        assert_eq!(conversion["users"].as_f64(), want["users"].as_f64());
        let rate = want["conversions"].as_f64().unwrap() / want["users"].as_f64().unwrap();
        assert_close!(conversion["mean"].as_f64().unwrap(), rate, 1e-15, 1e-12);
        assert_close!(revenue["mean"].as_f64().unwrap(), want["revenueMean"].as_f64().unwrap(), 0.0, 1e-12);
        assert_close!(revenue["stdDev"].as_f64().unwrap(), want["revenueSd"].as_f64().unwrap(), 0.0, 1e-12);
        assert_close!(pre["mean"].as_f64().unwrap(), want["preRevenueMean"].as_f64().unwrap(), 0.0, 1e-12);
        assert_close!(pre["stdDev"].as_f64().unwrap(), want["preRevenueSd"].as_f64().unwrap(), 0.0, 1e-12);
    }
}

#[test]
fn decimal_comma_file_evaluates_as_its_dot_twin() {
    let comma = evaluate(&read("shop_comma.csv"), &config(json!({"delimiter": ";", "decimal": ","})));
    let dot = evaluate(&read("shop_dot.csv"), &config(json!({})));
    assert_eq!(comma, dot);
}

#[test]
fn decimal_dot_reads_no_row_of_the_comma_file() {
    // Without `decimal: ","` "0,00" is no number: every row is skipped, and the error names one.
    let e = evaluate_csv(read("shop_comma.csv").as_bytes(), &config(json!({"delimiter": ";"}))).err().unwrap();
    assert!(e.message.contains("revenue \"0,00\" is not a number"), "{}", e.message);
}

#[test]
fn decimal_comma_with_comma_delimiter_is_an_error_naming_decimal() {
    let e = CsvEvaluator::new(config(json!({"decimal": ","}))).err().unwrap();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "decimal"));
    assert!(e.message.contains("delimiter"), "{}", e.message);
    let e =
        serde_json::from_value::<EvalConfig>(json!({"variantColumn": "v", "kpis": [], "decimal": ";"})).err().unwrap();
    assert!(e.to_string().contains("decimal") || e.to_string().contains("variant"), "{e}");
}
