//! The golden event-level cases (tests/cases/event_level: pandas and a plain
//! loop agree on every number) against the streaming evaluator.

use serde_json::{json, Value};

use crate::analyze::{AnalyzeInput, Variant};
use crate::evaluate::{evaluate_csv, CsvEvaluator, EvalConfig};

fn cases() -> Vec<(String, Vec<u8>, EvalConfig, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cases/event_level");
    let text = std::fs::read_to_string(format!("{dir}/cases.json")).expect("cases.json");
    let root: Value = serde_json::from_str(&text).unwrap();
    root["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let data = std::fs::read(format!("{dir}/{}", c["csv"].as_str().unwrap())).unwrap();
            let config: EvalConfig = serde_json::from_value(c["config"].clone()).unwrap();
            (c["name"].as_str().unwrap().to_string(), data, config, c["expected"].clone())
        })
        .collect()
}

/// Numbers within 1e-9 (relative, or absolute near 0); everything else equal.
fn assert_close(path: &str, expected: &Value, actual: &Value) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            assert!((e - a).abs() <= 1e-9 * e.abs().max(1.0), "{path}: expected {e}, got {a}");
        }
        (Value::Object(e), Value::Object(a)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(e), keys(a), "{path}: keys");
            for (k, v) in e {
                assert_close(&format!("{path}.{k}"), v, &a[k]);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: length");
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                assert_close(&format!("{path}[{i}]"), x, y);
            }
        }
        _ => assert_eq!(expected, actual, "{path}"),
    }
}

/// Raw per-arm statistics of one KPI's input, shaped as the generator writes them.
fn arms(kind: &str, input: &AnalyzeInput, shift: f64, steps: &[AnalyzeInput]) -> Value {
    let arm = |v: usize, a: &Variant| -> Value {
        let n = a.users;
        match kind {
            "conversion" => json!({ "variant": a.name, "users": n, "conversions": a.conversions.unwrap() }),
            "mean" => {
                // The accumulator's moments are of x - shift.
                let (s, ss) = (a.sum.unwrap(), a.sum_squares.unwrap());
                json!({ "variant": a.name, "users": n, "sum": s + n * shift,
                        "sumSquares": ss + 2.0 * shift * s + n * shift * shift })
            }
            "ratio" => {
                let (num, den) = (a.numerator.as_ref().unwrap(), a.denominator.as_ref().unwrap());
                json!({ "variant": a.name, "users": n,
                        "numerator": { "sum": num.sum, "sumSquares": num.sum_squares },
                        "denominator": { "sum": den.sum, "sumSquares": den.sum_squares },
                        "crossSum": a.cross_sum.unwrap() })
            }
            _ => json!({ "variant": a.name, "users": n,
                         "steps": steps.iter().map(|s| s.variants[v].conversions.unwrap()).collect::<Vec<_>>() }),
        }
    };
    Value::Array(input.variants.iter().enumerate().map(|(v, a)| arm(v, a)).collect())
}

fn kpi_stats(config: &EvalConfig, inputs: &[AnalyzeInput], steps: &[Vec<AnalyzeInput>], shifts: &[[f64; 2]]) -> Value {
    let kinds: Vec<String> =
        config.kpis.iter().map(|k| serde_json::to_value(k.kind).unwrap().as_str().unwrap().to_string()).collect();
    Value::Array(
        config
            .kpis
            .iter()
            .enumerate()
            .map(|(i, k)| json!({ "name": k.name, "arms": arms(&kinds[i], &inputs[i], shifts[i][0], &steps[i]) }))
            .collect(),
    )
}

#[test]
fn every_golden_case_matches_pandas_and_the_loop() {
    let cases = cases();
    assert_eq!(cases.len(), 5);
    for (name, data, config, expected) in cases {
        let mut evaluator = CsvEvaluator::new(config.clone()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        evaluator.push(&data).unwrap();
        let p = evaluator.prepare().unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_close(&format!("{name}.rows.read"), &expected["rows"]["read"], &json!(p.rows.read));
        assert_close(&format!("{name}.rows.skipped"), &expected["rows"]["skipped"], &json!(p.rows.skipped));
        let lines: Vec<f64> = p.rows.errors.iter().map(|e| e.line).collect();
        assert_close(&format!("{name}.errorLines"), &expected["errorLines"], &json!(lines));
        assert_close(&format!("{name}.quality"), &expected["quality"], &serde_json::to_value(&p.quality).unwrap());
        assert_close(&format!("{name}.kpis"), &expected["kpis"], &kpi_stats(&config, &p.kpis, &p.steps, &p.shifts));
        let segments: Vec<Value> = p
            .segments
            .iter()
            .map(|(c, v, k, s)| json!({ "column": c, "value": v, "kpis": kpi_stats(&config, k, s, &p.shifts) }))
            .collect();
        assert_close(&format!("{name}.segments"), &expected["segments"], &Value::Array(segments));

        // The whole evaluation runs, with the same quality, and funnels carry their steps.
        let evaluation = evaluate_csv(&data, &config).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(evaluation.quality, p.quality, "{name}");
        for (spec, kpi) in config.kpis.iter().zip(&evaluation.kpis) {
            assert_eq!(kpi.steps.as_ref().map(Vec::len), spec.steps.as_ref().map(Vec::len), "{name}: {}", spec.name);
            if let Some(steps) = &kpi.steps {
                assert_eq!(steps.last().unwrap().result, kpi.result, "{name}: completion = the last step");
            }
        }
        let contaminated = evaluation.warnings.iter().any(|w| w.code == "SAMPLE_CONTAMINATION");
        assert_eq!(contaminated, evaluation.quality.multi_variant_users > 0.0, "{name}");
    }
}

#[test]
fn any_chunking_gives_the_same_evaluation() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for (name, data, config, _) in cases() {
        let whole = evaluate_csv(&data, &config).unwrap();
        for round in 0..4 {
            let mut evaluator = CsvEvaluator::new(config.clone()).unwrap();
            let mut rest = &data[..];
            while !rest.is_empty() {
                let max = [1, 7, 100, 5000][round];
                let n = (1 + next(max) as usize).min(rest.len());
                evaluator.push(&rest[..n]).unwrap();
                rest = &rest[n..];
            }
            assert_eq!(evaluator.finish().unwrap(), whole, "{name}, round {round}");
        }
    }
}

/// The file as a decimal-comma export: ";" between fields, "," in every number
/// ("12.5" → "12,5"), other fields as they were (quoted when they hold a ";").
fn as_decimal_comma(data: &[u8]) -> Vec<u8> {
    use crate::csv::{Record, RecordReader};
    let mut out = Vec::new();
    let mut write = |r: &Record| {
        for i in 0..r.len() {
            let f = String::from_utf8_lossy(r.field(i)).into_owned();
            let numeric =
                crate::csv::read_number(f.as_bytes(), crate::csv::Decimal::Dot).is_some() && !f.contains(['e', 'E']);
            let f = if numeric { f.replace('.', ",") } else { f };
            if i > 0 {
                out.push(b';');
            }
            if f.contains([';', '"', '\n', '\r']) {
                out.extend_from_slice(format!("\"{}\"", f.replace('"', "\"\"")).as_bytes());
            } else {
                out.extend_from_slice(f.as_bytes());
            }
        }
        out.push(b'\n');
        Ok(())
    };
    let mut reader = RecordReader::new(b',');
    reader.push(data, &mut write).unwrap();
    reader.finish(&mut write).unwrap();
    out
}

/// `decimal: ","` reaches event-level numbers too (KPI columns and `where` numbers):
/// every golden case, rewritten as a decimal-comma export, evaluates as before.
#[test]
fn every_golden_case_evaluates_the_same_as_a_decimal_comma_export() {
    for (name, data, config, _) in cases() {
        let comma = as_decimal_comma(&data);
        assert_ne!(comma, data, "{name}");
        let comma_config = EvalConfig { delimiter: ";".into(), decimal: crate::csv::Decimal::Comma, ..config.clone() };
        let a = serde_json::to_value(evaluate_csv(&data, &config).unwrap()).unwrap();
        let b = serde_json::to_value(evaluate_csv(&comma, &comma_config).unwrap()).unwrap();
        assert_eq!(a, b, "{name}");
    }
}
