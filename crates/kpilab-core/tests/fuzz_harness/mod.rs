//! What every fuzz input must survive, shared by the cargo-fuzz targets (fuzz/)
//! and the replay of the checked-in crash corpus in `make test`.
//! "Survive" = no panic, and every number of every result is finite.

#![allow(dead_code)]

use kpilab_core::plan::{DurationInput, FixedSizeInput};
use kpilab_core::*;
use serde::Serialize;
use serde_json::Value;

/// Walks every float of a result; serde_json would turn NaN into `null` and hide it.
fn assert_finite(v: &serde_value::Value, at: &str) {
    use serde_value::Value::*;
    match v {
        F64(x) => assert!(x.is_finite(), "{at}: {x} is not finite"),
        F32(x) => assert!(x.is_finite(), "{at}: {x} is not finite"),
        Option(Some(x)) | Newtype(x) => assert_finite(x, at),
        Seq(items) => items.iter().enumerate().for_each(|(i, x)| assert_finite(x, &format!("{at}[{i}]"))),
        Map(m) => m.iter().for_each(|(k, x)| assert_finite(x, &format!("{at}.{k:?}"))),
        _ => {}
    }
}

fn check<T: Serialize>(r: Result<T>) {
    if let Ok(out) = r {
        assert_finite(&serde_value::to_value(&out).expect("results serialize"), "$");
    }
}

/// Arbitrary JSON through every SDK input type and its function.
pub fn json_inputs(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Ok(i) = serde_json::from_value::<PlanInput>(v.clone()) {
        check(plan_sample_size(&i));
        check(power_curve(&i, 7));
    }
    if let Ok(i) = serde_json::from_value::<FixedSizeInput>(v.clone()) {
        check(plan_mde(&i));
        check(plan_power(&i));
    }
    if let Ok(i) = serde_json::from_value::<DurationInput>(v.clone()) {
        check(plan_duration(&i));
    }
    if let Ok(i) = serde_json::from_value::<AnalyzeInput>(v.clone()) {
        check(analyze(&i));
    }
    if let Ok(i) = serde_json::from_value::<KpiTotals>(v.clone()) {
        check(kpis(&i));
    }
}

/// Random bytes as a CSV under a config picked by the first byte, pushed in chunks
/// sized by the next bytes: one-shot and streaming must agree and stay finite.
pub fn csv_eval(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let configs = [
        r#"{"variantColumn":"variant","kpis":[{"name":"c","role":"primary","kind":"conversion","column":"converted"}]}"#,
        r#"{"variantColumn":"variant","segmentColumns":["device"],"kpis":[{"name":"c","role":"primary","kind":"conversion","column":"converted"},{"name":"r","role":"guardrail","kind":"mean","column":"revenue","covariate":"pre","nonInferiorityMargin":0.02}],"annualUsers":1e6,"revenueKpi":"r"}"#,
        r#"{"variantColumn":"variant","userColumn":"user","kpis":[{"name":"aov","role":"primary","kind":"ratio","numerator":"revenue","denominator":"orders"}],"analysis":{"method":"bayesian"}}"#,
        r#"{"variantColumn":"variant","delimiter":";","kpis":[{"name":"r","role":"primary","kind":"mean","column":"revenue"}],"analysis":{"method":"sequential","plannedUsersPerVariant":100}}"#,
    ];
    let config: EvalConfig = serde_json::from_str(configs[pick as usize % configs.len()]).unwrap();
    let (sizes, csv) = rest.split_at(rest.len().min(4));
    let one_shot = evaluate_csv(csv, &config);
    if let Ok(mut ev) = CsvEvaluator::new(config) {
        let mut at = 0;
        let mut i = 0;
        let mut pushed = Ok(());
        while at < csv.len() && pushed.is_ok() {
            let size = 1 + sizes.get(i % sizes.len().max(1)).copied().unwrap_or(64) as usize;
            let end = (at + size).min(csv.len());
            pushed = ev.push(&csv[at..end]);
            at = end;
            i += 1;
        }
        let streamed = pushed.and_then(|_| ev.finish());
        assert_eq!(streamed, one_shot, "streaming differs from one-shot");
    }
    check(one_shot);
}
