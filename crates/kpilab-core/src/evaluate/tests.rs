//! End-to-end tests of the evaluator up to the `analyze` inputs: row accounting,
//! bad rows, config errors, userColumn, segments, streaming = one-shot, and the
//! golden cases' moments against values computed the reference's way
//! (`testdata/gen_moments.py`: Python csv + math.fsum).

use super::evaluator::{CsvEvaluator, Prepared};
use super::types::*;
use crate::analyze::{analyze_shifted, AnalyzeInput, ChosenBy, ControlInfo, Moments, Variant};
use crate::error::{ErrorCode, KpilabError, Result};
use kpilab_test_support::assert_close;

const CONFIG: &str = r#"{"variantColumn":"variant","segmentColumns":["device"],"kpis":[
    {"name":"conversion","role":"primary","kind":"conversion","column":"converted"},
    {"name":"revenue","role":"secondary","kind":"mean","column":"revenue","covariate":"pre"},
    {"name":"aov","role":"secondary","kind":"ratio","numerator":"revenue","denominator":"orders"}]}"#;

fn config(json: &str) -> EvalConfig {
    serde_json::from_str(json).unwrap()
}

fn prepare_chunks(chunks: &[&[u8]], config: &EvalConfig) -> Result<Prepared> {
    let mut e = CsvEvaluator::new(config.clone())?;
    for c in chunks {
        e.push(c)?;
    }
    e.prepare()
}

fn prepare(data: &str, config: &EvalConfig) -> Result<Prepared> {
    prepare_chunks(&[data.as_bytes()], config)
}

fn conv(name: &str, users: f64, conversions: f64) -> Variant {
    Variant { name: name.into(), users, conversions: Some(conversions), ..Variant::default() }
}

fn variant<'a>(input: &'a AnalyzeInput, name: &str) -> &'a Variant {
    input.variants.iter().find(|v| v.name == name).unwrap()
}

/// A mean KPI's variant in raw moments: the evaluator hands `analyze` moments of
/// `x - shift` (`Prepared::shifts`).
fn raw(p: &Prepared, k: usize, v: &Variant) -> Variant {
    let [cy, cx] = p.shifts[k];
    let n = v.users;
    let mut r = v.clone();
    if let (Some(s), Some(ss)) = (v.sum, v.sum_squares) {
        r.sum = Some(s + n * cy);
        r.sum_squares = Some(ss + 2.0 * cy * s + n * cy * cy);
        r.covariate = v.covariate.map(|c| Moments {
            sum: c.sum + n * cx,
            sum_squares: c.sum_squares + 2.0 * cx * c.sum + n * cx * cx,
            cross_sum: c.cross_sum.map(|xy| xy + cx * s + cy * c.sum + n * cx * cy),
        });
    }
    r
}

fn errors(p: &Prepared) -> Vec<(f64, &str)> {
    p.rows.errors.iter().map(|e| (e.line, e.message.as_str())).collect()
}

/// Small file exercising BOM, CRLF, quoting, blank lines, true/false.
const SMALL: &str = "\u{feff}user,variant,device,converted,revenue,orders,pre,note\r\n\
u1,control,desktop,0,0,0,10,plain\r\n\
u2,treatment,mobile,true,25.5,1,12.5,\"quoted, with comma\"\r\n\
\r\n\
u3,control,mobile,1,\"40\",2,30,\"two\r\nlines\"\r\n\
u4,treatment,desktop,FALSE,0.00,0,0,\"say \"\"hi\"\"\"\r\n\
u5,treatment,desktop,1,12.25,1,8,x\r\n";

#[test]
fn sums_a_small_file_with_bom_crlf_quotes_and_blank_lines() {
    let p = prepare(SMALL, &config(CONFIG)).unwrap();
    assert_eq!(
        p.rows,
        RowReport { read: 5.0, used: 5.0, skipped: 0.0, excluded: 0.0, errors: vec![], errors_not_listed: 0.0 }
    );
    let [conversion, revenue, aov] = &p.kpis[..] else { panic!() };
    assert_eq!(conversion.variants, vec![conv("control", 2.0, 1.0), conv("treatment", 3.0, 2.0)]);
    assert_eq!(conversion.options.control.as_deref(), Some("control"));
    let t = raw(&p, 1, variant(revenue, "treatment"));
    assert_eq!((t.users, t.sum, t.sum_squares), (3.0, Some(37.75), Some(25.5 * 25.5 + 12.25 * 12.25)));
    assert_eq!(
        t.covariate,
        Some(Moments { sum: 20.5, sum_squares: 12.5 * 12.5 + 64.0, cross_sum: Some(25.5 * 12.5 + 12.25 * 8.0) })
    );
    let c = variant(aov, "control");
    assert_eq!(c.numerator, Some(Moments { sum: 40.0, sum_squares: 1600.0, cross_sum: None }));
    assert_eq!(c.denominator, Some(Moments { sum: 2.0, sum_squares: 4.0, cross_sum: None }));
    assert_eq!(c.cross_sum, Some(80.0));
    // Segments: device values in first-appearance order, each on its own rows.
    let segs: Vec<_> = p.segments.iter().map(|(c, v, k, _)| (c.as_str(), v.as_str(), k[0].variants.clone())).collect();
    assert_eq!(
        segs,
        vec![
            ("device", "desktop", vec![conv("control", 1.0, 0.0), conv("treatment", 2.0, 1.0)]),
            ("device", "mobile", vec![conv("control", 1.0, 1.0), conv("treatment", 1.0, 1.0)]),
        ]
    );
    assert!(p.warnings.is_empty());
}

#[test]
fn bad_rows_are_skipped_with_their_physical_lines() {
    let data = "variant,device,converted,revenue,orders,pre,note\n\
control,desktop,0,0,0,1,ok\n\
treatment,mobile,1,abc,1,2,ok\n\
control,desktop,1,5\n\
\n\
treatment,\"mobile\nphone\",1,3,1,2,ok\n\
control,desktop,2,1,1,1,ok\n\
treatment,desktop,1,,1,1,ok\n\
control,desktop,0,1,1,nan,ok\n\
treatment,desktop,1,4,1,1,not-a-number-but-unused\n\
control,mobile,yes,1,1,1,ok\n\
treatment,\"x\"y,1,1,1,1,ok\n\
control,desktop,true,1e999,1,1,ok\n";
    let p = prepare(data, &config(CONFIG)).unwrap();
    assert_eq!(
        errors(&p),
        vec![
            (3.0, "revenue \"abc\" is not a number"),
            (4.0, "expected 7 fields like the header, got 4"),
            (8.0, "converted \"2\" is not 0/1 or true/false"),
            (9.0, "revenue \"\" is not a number"),
            (10.0, "pre \"nan\" is not a number"),
            (12.0, "converted \"yes\" is not a number"),
            (13.0, "text follows a closing quote (RFC 4180 quoting)"),
            (14.0, "revenue \"1e999\" is not a number"),
        ]
    );
    assert_eq!((p.rows.read, p.rows.used, p.rows.skipped), (11.0, 3.0, 8.0));
    assert_eq!(p.kpis[0].variants, vec![conv("control", 1.0, 0.0), conv("treatment", 2.0, 2.0)]);
    // The quoted segment value with a newline is a value like any other.
    assert_eq!(p.segments.iter().map(|s| s.1.as_str()).collect::<Vec<_>>(), ["desktop", "mobile\nphone"]);
}

#[test]
fn on_bad_row_fail_names_the_line() {
    let cfg = config(&CONFIG.replacen('{', r#"{"onBadRow":"fail","#, 1));
    let data =
        "variant,device,converted,revenue,orders,pre\ncontrol,d,0,1,1,1\n\ntreatment,d,1,x7,1,1\ncontrol,d,0,1,1,1\n";
    let e = prepare(data, &cfg).unwrap_err();
    assert_eq!(e.code, ErrorCode::CsvParse);
    assert!(e.message.starts_with("line 4: revenue \"x7\" is not a number"), "{}", e.message);
    // The streaming evaluator stays failed.
    let mut ev = CsvEvaluator::new(cfg).unwrap();
    assert!(ev.push(data.as_bytes()).is_err());
    assert_eq!(ev.push(b"more").unwrap_err(), e);
    assert_eq!(ev.finish().unwrap_err(), e);
}

#[test]
fn missing_columns_and_empty_files_are_csv_parse_errors() {
    let e = prepare("variant,device,converted,revenue,orders\ncontrol,d,0,1,1\n", &config(CONFIG)).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::CsvParse, "kpis[1].covariate"));
    assert!(e.message.contains("the columns are: variant, device, converted, revenue, orders"), "{}", e.message);
    let e = prepare("group,device,converted,revenue,orders,pre\n", &config(CONFIG)).unwrap_err();
    assert_eq!(e.field, "variantColumn");
    let cfg = config(&CONFIG.replacen('{', r#"{"userColumn":"uid","#, 1));
    let e = prepare("variant,device,converted,revenue,orders,pre\n", &cfg).unwrap_err();
    assert_eq!(e.field, "userColumn");
    let cfg = config(&CONFIG.replace(r#"["device"]"#, r#"["device","channel"]"#));
    let e = prepare("variant,device,converted,revenue,orders,pre\n", &cfg).unwrap_err();
    assert_eq!(e.field, "segmentColumns[1]");
    for empty in ["", "\u{feff}", "\n\r\n\n"] {
        let e = prepare(empty, &config(CONFIG)).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::CsvParse, "the CSV is empty: it has no header row"));
    }
    // A header alone: no variants.
    let e = prepare("variant,device,converted,revenue,orders,pre\n", &config(CONFIG)).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::CsvParse, "variantColumn"));
    let e = prepare("variant,device,converted,revenue,orders,pre\nA,d,0,1,1,1\nA,d,x,1,1,1\n", &config(CONFIG))
        .unwrap_err();
    assert_eq!(
        e.message,
        "found only one variant (\"A\") in column \"variant\"; a test needs a control and at least one treatment (1 rows were skipped; the first, line 3: converted \"x\" is not a number)"
    );
}

#[test]
fn invalid_utf8_is_a_bad_row_in_used_fields_and_an_error_in_the_header() {
    let data = b"variant,device,converted,revenue,orders,pre,note\n\
control,d,0,1,1,1,\xff\xfe\n\
treat\xffment,d,1,1,1,1,x\n\
treatment,\xc3,1,1,1,1,x\n\
treatment,d,1,\xff1,1,1,x\n\
treatment,d\xc3\xa9,1,2,1,1,x\n";
    let p = prepare_chunks(&[data], &config(CONFIG)).unwrap();
    assert_eq!(
        errors(&p),
        vec![
            (3.0, "variant value is not valid UTF-8 text"),
            (4.0, "device value is not valid UTF-8 text"),
            (5.0, "revenue \"\u{fffd}1\" is not a number"),
        ]
    );
    assert_eq!(p.kpis[0].variants, vec![conv("control", 1.0, 0.0), conv("treatment", 1.0, 1.0)]);
    assert_eq!(p.segments[1].1, "dé");
    let e = prepare_chunks(&[b"vari\xffant,converted\n"], &config(CONFIG)).unwrap_err();
    assert_eq!(e.code, ErrorCode::CsvParse);
    assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
}

#[test]
fn semicolon_delimiter_and_tab() {
    let cfg = config(&CONFIG.replacen('{', r#"{"delimiter":";","#, 1));
    let data = "variant;device;converted;revenue;orders;pre\ncontrol;\"a;b\";1;2.5;1;0\ntreatment;c;0;0;0;1\n";
    let p = prepare(data, &cfg).unwrap();
    assert_eq!(p.kpis[0].variants, vec![conv("control", 1.0, 1.0), conv("treatment", 1.0, 0.0)]);
    assert_eq!(p.segments[0].1, "a;b");
    let cfg = config(&CONFIG.replacen('{', r#"{"delimiter":"\t","#, 1));
    let p = prepare(&data.replace(';', "\t").replace("a\tb", "ab"), &cfg).unwrap();
    assert_eq!(p.rows.used, 2.0);
    let e = CsvEvaluator::new(config(&CONFIG.replacen('{', r#"{"delimiter":"ab","#, 1))).err().unwrap();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "delimiter"));
}

#[test]
fn error_list_is_capped_and_the_rest_counted() {
    let mut data =
        String::from("variant,device,converted,revenue,orders,pre\ncontrol,d,0,1,1,1\ntreatment,d,1,1,1,1\n");
    for _ in 0..1500 {
        data.push_str("control,d,bad,1,1,1\n");
    }
    let p = prepare(&data, &config(CONFIG)).unwrap();
    assert_eq!(p.rows.errors.len(), super::MAX_ROW_ERRORS);
    assert_eq!(p.rows.errors_not_listed, 500.0);
    assert_eq!((p.rows.read, p.rows.used, p.rows.skipped), (1502.0, 2.0, 1500.0));
    assert_eq!(p.rows.errors[999].line, 1003.0);
}

#[test]
fn user_column_sums_rows_per_user_from_the_first_row() {
    let cfg = config(&CONFIG.replacen('{', r#"{"userColumn":"user","#, 1));
    let data = "user,variant,device,converted,revenue,orders,pre\n\
u1,control,desktop,0,10,1,5\n\
u2,treatment,mobile,1,20,1,0\n\
u1,control,mobile,1,5,1,5\n\
u2,control,desktop,1,1.5,1,0\n\
u3,treatment,desktop,0,0,0,1\n\
u3,treatment,desktop,bad,0,0,1\n";
    let p = prepare(data, &cfg).unwrap();
    assert_eq!((p.rows.read, p.rows.used, p.rows.skipped), (6.0, 5.0, 1.0));
    // u2 converted twice: a user converts once (conversions never exceed users).
    assert_eq!(p.kpis[0].variants, vec![conv("control", 1.0, 1.0), conv("treatment", 2.0, 1.0)]);
    let t = raw(&p, 1, variant(&p.kpis[1], "treatment"));
    assert_eq!((t.sum, t.sum_squares), (Some(21.5), Some(21.5 * 21.5)));
    let c = raw(&p, 1, variant(&p.kpis[1], "control"));
    assert_eq!((c.sum, c.covariate.map(|m| (m.sum, m.cross_sum))), (Some(15.0), Some((10.0, Some(150.0)))));
    // Segments from the user's first row: u1 is desktop.
    assert_eq!(p.segments[0].1, "desktop");
    assert_eq!(p.segments[0].2[0].variants, vec![conv("control", 1.0, 1.0), conv("treatment", 1.0, 0.0)]);
    assert_eq!(p.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["USER_IN_SEVERAL_VARIANTS"]);
}

#[test]
fn control_is_named_or_found_case_insensitively() {
    let data = "variant,device,converted,revenue,orders,pre\nB,d,0,1,1,1\nCONTROL,d,1,1,1,1\nA,d,1,1,1,1\n";
    let p = prepare(data, &config(CONFIG)).unwrap();
    assert_eq!(p.kpis[0].options.control.as_deref(), Some("CONTROL"));
    assert_eq!(p.kpis[0].variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["B", "CONTROL", "A"]);
    let cfg = config(&CONFIG.replacen('{', r#"{"analysis":{"control":"A","alpha":0.1},"#, 1));
    let p = prepare(data, &cfg).unwrap();
    assert_eq!((p.kpis[2].options.control.as_deref(), p.kpis[2].options.alpha), (Some("A"), 0.1));
    let cfg = config(&CONFIG.replacen('{', r#"{"analysis":{"control":"Z"},"#, 1));
    assert_eq!(prepare(data, &cfg).unwrap_err().field, "analysis.control");
    let p = prepare(data, &config(CONFIG)).unwrap();
    assert_eq!(p.control, ControlInfo { name: "CONTROL".into(), chosen_by: ChosenBy::Name });
    let p = prepare(data, &config(&CONFIG.replacen('{', r#"{"analysis":{"control":"A"},"#, 1))).unwrap();
    assert_eq!(p.control, ControlInfo { name: "A".into(), chosen_by: ChosenBy::Given });
    // "A" (trimmed, any case) names the control although it comes second.
    let data = "variant,device,converted,revenue,orders,pre\nB,d,0,1,1,1\n a ,d,1,1,1,1\n";
    let p = prepare(data, &config(CONFIG)).unwrap();
    assert_eq!(p.kpis[0].options.control.as_deref(), Some(" a "));
    assert_eq!(p.control, ControlInfo { name: " a ".into(), chosen_by: ChosenBy::Name });
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn control_first_is_assumed_with_one_warning_naming_it() {
    let data = "variant,converted\nblue,0\ngreen,1\nblue,1\ngreen,0\n";
    let cfg = config(
        r#"{"variantColumn":"variant","kpis":[{"name":"conv","role":"primary","kind":"conversion","column":"converted"}]}"#,
    );
    let p = prepare(data, &cfg).unwrap();
    assert_eq!(p.control, ControlInfo { name: "blue".into(), chosen_by: ChosenBy::First });
    assert_eq!(p.kpis[0].options.control.as_deref(), Some("blue"));
    let e = super::evaluate_csv(data.as_bytes(), &cfg).unwrap();
    // Once, at the evaluation level; the KPI's analysis was told the control.
    assert_eq!(e.warnings.iter().filter(|w| w.code == "CONTROL_ASSUMED").count(), 1);
    assert!(e.warnings[0].message.contains("\"blue\"") && e.warnings[0].message.contains("analysis.control"));
    assert!(e.kpis[0].result.warnings.iter().all(|w| w.code != "CONTROL_ASSUMED"));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["control"], serde_json::json!({"name": "blue", "chosenBy": "first"}));
    // analyze alone applies the same rule and warns in its own result.
    let mut input = p.kpis[0].clone();
    input.options.control = None;
    let r = crate::analyze::analyze(&input).unwrap();
    assert_eq!(r.comparisons[0].control, "blue");
    assert_eq!(r.warnings.iter().filter(|w| w.code == "CONTROL_ASSUMED").count(), 1);
    input.variants.swap(0, 1);
    input.variants[1].name = "Baseline".into();
    let r = crate::analyze::analyze(&input).unwrap();
    assert_eq!(r.comparisons[0].control, "Baseline");
    assert!(r.warnings.iter().all(|w| w.code != "CONTROL_ASSUMED"));
}

#[test]
fn many_segments_warn_about_multiplicity() {
    let mut data = String::from("variant,device,converted,revenue,orders,pre\n");
    for i in 0..12 {
        data.push_str(&format!("control,d{i},0,1,1,1\ntreatment,d{i},1,1,1,1\n"));
    }
    let p = prepare(&data, &config(CONFIG)).unwrap();
    assert_eq!(p.segments.len(), 12);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].code, "MANY_SEGMENTS");
    assert!(p.warnings[0].message.starts_with("12 segment comparisons"), "{}", p.warnings[0].message);
}

#[test]
fn higher_is_better_reaches_the_analysis() {
    let cfg = config(
        r#"{"variantColumn":"variant","kpis":[{"name":"bounce","role":"guardrail","kind":"conversion","column":"b","higherIsBetter":false}]}"#,
    );
    let p = prepare("variant,b\nx,1\ny,0\n", &cfg).unwrap();
    assert!(!p.kpis[0].options.higher_is_better);
}

/// Streaming: every chunk size and a few random splits give exactly the one-shot result.
fn assert_streaming_matches(data: &[u8], cfg: &EvalConfig) {
    let whole = prepare_chunks(&[data], cfg);
    for size in 1..=data.len() {
        let chunks: Vec<&[u8]> = data.chunks(size).collect();
        assert_eq!(prepare_chunks(&chunks, cfg), whole, "chunk size {size}");
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..50 {
        let mut cuts = vec![0, data.len()];
        for _ in 0..(seed % 9) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            cuts.push((seed % (data.len() as u64 + 1)) as usize);
        }
        cuts.sort_unstable();
        let chunks: Vec<&[u8]> = cuts.windows(2).map(|w| &data[w[0]..w[1]]).collect();
        assert_eq!(prepare_chunks(&chunks, cfg), whole, "cuts {cuts:?}");
    }
}

#[test]
fn streaming_equals_one_shot() {
    assert_streaming_matches(SMALL.as_bytes(), &config(CONFIG));
    let user_cfg = config(&CONFIG.replacen('{', r#"{"userColumn":"user","#, 1));
    assert_streaming_matches(SMALL.as_bytes(), &user_cfg);
    let messy = "variant,device,converted,revenue,orders,pre\r\ncontrol,\"dé\r\nsk\",0,1,1,1\r\n\r\ntreatment,m,1,x,1,1\rtreatment,m,1,2,1,1\ncontrol,m,true,3.5,2,1\ncontrol,m,1";
    assert_streaming_matches(messy.as_bytes(), &config(CONFIG));
    let p = prepare(messy, &config(CONFIG)).unwrap();
    assert_eq!(
        errors(&p),
        vec![(5.0, "revenue \"x\" is not a number"), (8.0, "expected 6 fields like the header, got 3")]
    );
    // Errors are streamed identically too.
    let fail = config(&CONFIG.replacen('{', r#"{"onBadRow":"fail","#, 1));
    assert_streaming_matches(messy.as_bytes(), &fail);
    assert_streaming_matches(b"vari\xffant,device\n", &config(CONFIG));
}

#[test]
fn golden_case_moments_match_the_reference_sums() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference/cases.json");
    let text = std::fs::read_to_string(&path).expect("tests/reference/cases.json is in the repo");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let expected: serde_json::Value = serde_json::from_str(include_str!("testdata/golden_moments.json")).unwrap();
    let mut checked = 0;
    for case in cases.iter().filter(|c| c["fn"] == "evaluateCsv") {
        let id = case["id"].as_str().unwrap();
        let cfg: EvalConfig = serde_json::from_value(case["input"]["config"].clone()).unwrap();
        let data = case["input"]["data"].as_str().unwrap().as_bytes();
        let p = prepare_chunks(&[data], &cfg).unwrap();
        let want = &expected[id];
        assert_eq!(p.rows.read, want["read"].as_f64().unwrap(), "{id}");
        assert_eq!(p.rows.skipped, 0.0, "{id}");
        let groups = want["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1 + p.segments.len(), "{id}");
        for (g, group) in groups.iter().enumerate() {
            let inputs = if g == 0 { &p.kpis } else { &p.segments[g - 1].2 };
            if g > 0 {
                assert_eq!(p.segments[g - 1].0, group["column"], "{id}");
                assert_eq!(p.segments[g - 1].1, group["value"], "{id}");
            }
            for (k, want_variants) in group["kpis"].as_array().unwrap().iter().enumerate() {
                let want_variants: Vec<Variant> = serde_json::from_value(want_variants.clone()).unwrap();
                let got: Vec<Variant> = inputs[k].variants.iter().map(|v| raw(&p, k, v)).collect();
                assert_eq!(got.len(), want_variants.len());
                for (a, b) in got.iter().zip(&want_variants) {
                    assert_variant_close(a, b, &format!("{id} group {g} kpi {k} {}", b.name));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

fn assert_variant_close(a: &Variant, b: &Variant, ctx: &str) {
    let close = |x: Option<f64>, y: Option<f64>, what: &str| match (x, y) {
        (Some(x), Some(y)) => assert_close!(x, y, 1e-13, 1e-12, "{ctx} {what}"),
        (x, y) => assert_eq!(x, y, "{ctx} {what}"),
    };
    let moments = |x: Option<Moments>, y: Option<Moments>, what: &str| {
        assert_eq!(x.is_some(), y.is_some(), "{ctx} {what}");
        if let (Some(x), Some(y)) = (x, y) {
            close(Some(x.sum), Some(y.sum), what);
            close(Some(x.sum_squares), Some(y.sum_squares), what);
            close(x.cross_sum, y.cross_sum, what);
        }
    };
    assert_eq!((&a.name, a.users), (&b.name, b.users), "{ctx}");
    assert_eq!(a.conversions, b.conversions, "{ctx}");
    close(a.sum, b.sum, "sum");
    close(a.sum_squares, b.sum_squares, "sumSquares");
    close(a.cross_sum, b.cross_sum, "crossSum");
    moments(a.covariate, b.covariate, "covariate");
    moments(a.numerator, b.numerator, "numerator");
    moments(a.denominator, b.denominator, "denominator");
}

#[test]
fn evaluator_errors_are_kpilab_errors() {
    // Type check: the public API returns the crate's error type.
    let e: KpilabError = CsvEvaluator::new(config(r#"{"variantColumn":"v","kpis":[]}"#)).err().unwrap();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[test]
fn progress_counts_bytes_and_rows() {
    let mut e = CsvEvaluator::new(config(CONFIG)).unwrap();
    e.push(&SMALL.as_bytes()[..60]).unwrap();
    e.push(&SMALL.as_bytes()[60..]).unwrap();
    let p = e.progress();
    assert_eq!(p.bytes, SMALL.len() as f64);
    // The last record waits for its line end or finish().
    assert!(p.rows >= 4.0 && p.rows <= 5.0, "{p:?}");
}

fn golden_case(id: &str) -> (Vec<u8>, serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference/cases.json");
    let text = std::fs::read_to_string(path).expect("tests/reference/cases.json is in the repo");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let case = cases.into_iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no golden case {id}"));
    (case["input"]["data"].as_str().unwrap().as_bytes().to_vec(), case["input"]["config"].clone())
}

#[test]
fn ship_decision_with_reasons_and_revenue_impact() {
    let (data, mut cfg) = golden_case("csv-ship-001");
    cfg["annualUsers"] = 1_000_000.into();
    cfg["revenueKpi"] = "revenue_per_user".into();
    let cfg: EvalConfig = serde_json::from_value(cfg).unwrap();
    let ev = super::evaluate_csv(&data, &cfg).unwrap();
    if std::env::var_os("KPILAB_SHOW").is_some() {
        eprintln!("{}", serde_json::to_string_pretty(&ev).unwrap());
    }
    assert_eq!((ev.decision.verdict, ev.decision.variant.as_deref()), (DecisionVerdict::Ship, Some("treatment")));
    assert!(
        ev.decision.reasons[0].starts_with("conversion (primary): treatment is significantly better than control: +"),
        "{:?}",
        ev.decision.reasons
    );
    assert!(
        ev.decision.reasons[1].starts_with("bounce_rate (guardrail): not significantly worse"),
        "{:?}",
        ev.decision.reasons
    );
    // One treatment: its own verdict and reasons are the decision's.
    assert_eq!(
        ev.decision.arms,
        [ArmDecision {
            variant: "treatment".into(),
            verdict: DecisionVerdict::Ship,
            reasons: ev.decision.reasons.clone()
        }]
    );
    assert_eq!(ev.control, crate::analyze::ControlInfo { name: "control".into(), chosen_by: ChosenBy::Name });
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["decision"]["arms"][0]["verdict"], "ship");
    assert_eq!(json["rows"]["excluded"], 0.0);
    assert_eq!(json["control"]["chosenBy"], "name");
    let c = &ev.kpis[1].result.comparisons[0];
    let impact = ev.revenue_impact.unwrap();
    assert_eq!(impact.annual, c.absolute_lift * 1e6);
    assert_eq!(impact.ci, [c.absolute_ci[0].unwrap() * 1e6, c.absolute_ci[1].unwrap() * 1e6]);
    assert_eq!(ev.segments.len(), 3);
    // Streaming in odd chunks gives the identical evaluation.
    let mut e = CsvEvaluator::new(cfg.clone()).unwrap();
    for chunk in data.chunks(4093) {
        e.push(chunk).unwrap();
    }
    assert_eq!(e.finish().unwrap(), ev);
}

#[test]
fn planned_size_turns_inconclusive_into_keep_running() {
    let (data, mut cfg) = golden_case("csv-inconclusive-003");
    cfg["analysis"]["plannedUsersPerVariant"] = 20_000.into();
    let cfg: EvalConfig = serde_json::from_value(cfg).unwrap();
    let ev = super::evaluate_csv(&data, &cfg).unwrap();
    assert_eq!(ev.decision.verdict, DecisionVerdict::KeepRunning);
    assert_eq!(
        ev.decision.reasons[0],
        "conversion: the smallest variant has 1300 of the 20000 planned users per variant"
    );
}

#[test]
fn arbitrary_bytes_never_panic_and_stream_identically() {
    let user_cfg = config(&CONFIG.replacen('{', r#"{"userColumn":"user","#, 1));
    let header = b"user,variant,device,converted,revenue,orders,pre\n";
    let alphabet = b"u1,,,\"\r\n\n01.e-x\xff\xc3\xa9controltreatment";
    let mut seed = 0xdead_beef_cafe_f00d_u64;
    for round in 0..400 {
        let mut data = if round % 2 == 0 { header.to_vec() } else { Vec::new() };
        for _ in 0..(seed % 120) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            data.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        for cfg in [&config(CONFIG), &user_cfg] {
            let whole = prepare_chunks(&[&data], cfg);
            let chunks: Vec<&[u8]> = data.chunks(1 + round % 7).collect();
            assert_eq!(prepare_chunks(&chunks, cfg), whole, "{:?}", String::from_utf8_lossy(&data));
            if let Ok(p) = whole {
                assert_eq!(p.rows.used + p.rows.skipped, p.rows.read);
            }
        }
    }
}

const CONV: &str =
    r#"{"variantColumn":"variant","kpis":[{"name":"conv","role":"primary","kind":"conversion","column":"converted"}]"#;

#[test]
fn empty_variant_is_a_bad_row_on_both_paths() {
    // Line 4 comes before the labels are known, line 6 after (the common-row path).
    let data = "variant,converted\ncontrol,0\ntreatment,1\n  ,1\ncontrol,1\n,0\ntreatment,0\n";
    let p = prepare(data, &config(&format!("{CONV}}}"))).unwrap();
    let why = "variant is empty; every row needs the variant it was assigned to (fix the row or remove it)";
    assert_eq!(errors(&p), vec![(4.0, why), (6.0, why)]);
    assert_eq!((p.rows.read, p.rows.used, p.rows.skipped, p.rows.excluded), (6.0, 4.0, 2.0, 0.0));
    assert_eq!(p.kpis[0].variants, vec![conv("control", 2.0, 1.0), conv("treatment", 2.0, 1.0)]);
    // With userColumn too, also for a user seen before.
    let data = "user,variant,converted\nu1,control,0\nu2,treatment,1\nu1,,1\nu3,\"\",1\nu3,control,1\n";
    let cfg = config(&format!(r#"{CONV},"userColumn":"user"}}"#));
    let p = prepare(data, &cfg).unwrap();
    assert_eq!(errors(&p), vec![(4.0, why), (5.0, why)]);
    assert_eq!(p.kpis[0].variants, vec![conv("control", 2.0, 1.0), conv("treatment", 1.0, 1.0)]);
}

#[test]
fn analysis_variants_limits_the_arms_and_counts_the_rest_as_excluded() {
    let data = "variant,converted\ncontrol,0\nold,1\ntreatment,1\nold,0\ncontrol,1\nold,x\n";
    let cfg = config(&format!(r#"{CONV},"analysis":{{"variants":["control","treatment"]}}}}"#));
    assert_eq!(cfg.analysis.variants.as_deref(), Some(&["control".to_string(), "treatment".to_string()][..]));
    let p = prepare(data, &cfg).unwrap();
    assert_eq!(p.kpis[0].variants, vec![conv("control", 2.0, 1.0), conv("treatment", 1.0, 1.0)]);
    // Line 7's bad number is in a left-out arm: excluded, not a bad row.
    assert_eq!((p.rows.read, p.rows.used, p.rows.skipped, p.rows.excluded), (6.0, 6.0, 0.0, 3.0));
    assert!(p.rows.errors.is_empty());
    assert_streaming_matches(data.as_bytes(), &cfg);
    // A listed arm that never appears.
    let cfg = config(&format!(r#"{CONV},"analysis":{{"variants":["control","tretment"]}}}}"#));
    let e = prepare(data, &cfg).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "analysis.variants[1]"));
    assert_eq!(
        e.message,
        "analysis.variants names \"tretment\", which is not a value of column \"variant\"; found: control, old, treatment"
    );
    // Config mistakes are caught before any row is read.
    let bad = |analysis: &str| CsvEvaluator::new(config(&format!(r#"{CONV},"analysis":{analysis}}}"#))).err().unwrap();
    assert_eq!(bad(r#"{"variants":["control"]}"#).field, "analysis.variants");
    let e = bad(r#"{"variants":["control","b","control"]}"#);
    assert_eq!(
        (e.field.as_str(), e.message.as_str()),
        ("analysis.variants[2]", "analysis.variants lists \"control\" twice; list each arm once")
    );
    let e = bad(r#"{"variants":["a","b"],"control":"control"}"#);
    assert_eq!(
        (e.field.as_str(), e.message.as_str()),
        ("analysis.control", "the control \"control\" is not in analysis.variants (a, b); add it there")
    );
}

#[test]
fn a_tiny_arm_named_like_another_is_a_likely_typo() {
    let mut data = String::from("variant,converted\n");
    for i in 0..150 {
        data.push_str(&format!("control,{}\ntreatment,{}\n", i % 2, i % 3 / 2));
    }
    data.push_str("Contrl,1\n");
    let p = prepare(&data, &config(&format!("{CONV}}}"))).unwrap();
    let typos: Vec<&str> =
        p.warnings.iter().filter(|w| w.code == "VARIANT_LIKELY_TYPO").map(|w| w.message.as_str()).collect();
    assert_eq!(
        typos,
        ["variant \"Contrl\" has only 1 users (under 1 % of the largest arm) and its name is close to \"control\": \
          probably a typo in the data. Fix those rows, or evaluate only the real arms with analysis.variants, \
          e.g. [\"control\", \"treatment\"]."]
    );
    // 2 of 150 users (1.3 %) is not tiny; a far name is no typo.
    data.push_str("Contrl,0\n");
    assert!(prepare(&data, &config(&format!("{CONV}}}"))).unwrap().warnings.is_empty());
    let data = data.replace("Contrl", "holdout");
    assert!(prepare(&data, &config(&format!("{CONV}}}"))).unwrap().warnings.is_empty());
    assert_eq!(crate::edit_distance::edit_distance("contrl", "control"), 1);
    assert_eq!(crate::edit_distance::edit_distance("treatmnet", "treatment"), 2);
    assert_eq!(crate::edit_distance::edit_distance("", "ab"), 2);
}

#[test]
fn conversion_cap_applies_to_its_kpi_only() {
    // u1 buys twice (rows of 1 purchase each), u2 once, u3 never.
    let data = "user,variant,purchases\nu1,control,1\nu2,treatment,1\nu1,control,1\nu3,control,0\nu4,treatment,0\n";
    let mean = r#"{"name":"purchases","role":"primary","kind":"mean","column":"purchases"}"#;
    let buyers = r#"{"name":"buyers","role":"secondary","kind":"conversion","column":"purchases"}"#;
    let alone = config(&format!(r#"{{"variantColumn":"variant","userColumn":"user","kpis":[{mean}]}}"#));
    let both = config(&format!(r#"{{"variantColumn":"variant","userColumn":"user","kpis":[{buyers},{mean}]}}"#));
    let a = prepare(data, &alone).unwrap();
    let b = prepare(data, &both).unwrap();
    // Plain per-user sums: control 2 + 0, treatment 1 + 0.
    let control = raw(&a, 0, variant(&a.kpis[0], "control"));
    assert_eq!((control.users, control.sum, control.sum_squares), (2.0, Some(2.0), Some(4.0)));
    assert_eq!((&a.kpis[0].variants, a.shifts[0]), (&b.kpis[1].variants, b.shifts[1]));
    let (ra, rb) = (analyze_shifted(&a.kpis[0], a.shifts[0][0]), analyze_shifted(&b.kpis[1], b.shifts[1][0]));
    assert_eq!(ra.unwrap(), rb.unwrap());
    // The conversion KPI counts u1 once.
    assert_eq!(b.kpis[0].variants, vec![conv("control", 2.0, 1.0), conv("treatment", 2.0, 1.0)]);
}

/// Exact sample variance and mean of `(base + k) / scale` from integer sums (i128).
fn exact_var_mean(base: i128, ks: &[i128], scale: f64) -> (f64, f64) {
    let n = ks.len() as i128;
    let (s, ss) = (ks.iter().sum::<i128>(), ks.iter().map(|k| k * k).sum::<i128>());
    // var(base + k) = var(k) = (n·Σk² - (Σk)²) / (n(n-1)), exactly as integers.
    let var = (n * ss - s * s) as f64 / (n * (n - 1)) as f64 / (scale * scale);
    let mean = (base * n + s) as f64 / n as f64 / scale;
    (var, mean)
}

/// Evaluates one mean KPI over `value` for two arms of values `(base + k) / scale`
/// (written with `decimals` decimals) and checks each arm's variance and mean.
fn check_shifted_variance(base: i128, spread: i128, scale: f64, decimals: usize, rel: f64) {
    let mut state = 12345u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) % (spread as u64 + 1)) as i128
    };
    let mut ks: [Vec<i128>; 2] = [Vec::new(), Vec::new()];
    let mut data = String::from("variant,value\n");
    for i in 0..2000 {
        let (arm, k) = (i % 2, next());
        ks[arm].push(k);
        let v = base + k;
        let text = if decimals == 0 {
            v.to_string()
        } else {
            let p = 10i128.pow(decimals as u32);
            format!("{}.{:0width$}", v / p, v % p, width = decimals)
        };
        data.push_str(&format!("{},{text}\n", ["control", "treatment"][arm]));
    }
    let cfg =
        config(r#"{"variantColumn":"variant","kpis":[{"name":"v","role":"primary","kind":"mean","column":"value"}]}"#);
    let e = super::evaluate_csv(data.as_bytes(), &cfg).unwrap();
    for (arm, ks) in ks.iter().enumerate() {
        let (var, mean) = exact_var_mean(base, ks, scale);
        let got = &e.kpis[0].result.variants[arm];
        let var_err = (got.std_dev * got.std_dev - var).abs() / var;
        assert!(var_err <= rel, "base {base}: variance {} vs exact {var} (rel {var_err:e})", got.std_dev.powi(2));
        assert_close!(got.mean, mean, 4.0 * f64::EPSILON, 0.0, "base {base}: mean");
    }
}

#[test]
fn shifted_moments_keep_the_variance_of_large_values() {
    // Near 1e7 with a spread of 1.5 (k/100): raw sums of squares lost 0.8 %; the
    // contract asks for 1e-7, the shifted sums give about 1e-10.
    check_shifted_variance(1_000_000_000, 150, 100.0, 2, 1e-9);
    // Epoch milliseconds a few hours apart: integers, exact in f64.
    check_shifted_variance(1_700_000_000_000, 10_000_000, 1.0, 0, 1e-12);
    // Near 1e9 with a spread of 0.01: the parsed values are 1e9 ± 6e-8 (half an ulp),
    // so the variance is only as exact as the inputs; the raw sums had no digit left.
    check_shifted_variance(100_000_000_000, 1, 100.0, 2, 1e-5);
}

/// Bayesian decisions speak of chances, not significance (SDK.md §2: words
/// shown to people say "chance to beat control", never "significant").
#[test]
fn bayesian_decision_reasons_speak_of_chances() {
    let mut data = String::from("variant,converted,revenue\n");
    for i in 0..2000 {
        let (arm, rate) = if i % 2 == 0 { ("control", 10) } else { ("treatment", 7) };
        data.push_str(&format!("{arm},{},{}\n", u8::from(i % 100 < rate * 2), i % 13));
    }
    let cfg = config(
        r#"{"variantColumn":"variant","analysis":{"method":"bayesian"},"kpis":[
        {"name":"conversion","role":"primary","kind":"conversion","column":"converted"},
        {"name":"revenue","role":"guardrail","kind":"mean","column":"revenue"}]}"#,
    );
    let e = super::evaluate_csv(data.as_bytes(), &cfg).unwrap();
    assert_eq!(e.decision.verdict, DecisionVerdict::DoNotShip);
    let text = e.decision.reasons.join("\n");
    assert!(text.contains("conversion (primary): treatment is credibly worse than control"), "{text}");
    assert!(text.contains("chance to beat control"), "{text}");
    assert!(!text.contains("significant"), "{text}");
}
