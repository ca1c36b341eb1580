use super::{to_sql, Dialect};
use crate::error::ErrorCode;
use crate::evaluate::EvalConfig;

const DIALECTS: [Dialect; 6] =
    [Dialect::Duckdb, Dialect::Postgres, Dialect::Bigquery, Dialect::Snowflake, Dialect::Spark, Dialect::Clickhouse];

fn config(kpis: &str, extra: &str) -> EvalConfig {
    serde_json::from_str(&format!(
        r#"{{"variantColumn":"variant","userColumn":"user_id","segmentColumns":["device"],"kpis":[{kpis}]{extra}}}"#
    ))
    .unwrap()
}

const SECTION_3: &str = r#"{"name":"conv","role":"primary","kind":"conversion","column":"converted"},
    {"name":"rev","role":"secondary","kind":"mean","column":"revenue","covariate":"pre_revenue"},
    {"name":"aov","role":"guardrail","kind":"ratio","numerator":"revenue","denominator":"orders"}"#;

#[test]
fn every_dialect_names_the_documented_columns_in_its_own_quotes() {
    for d in DIALECTS {
        let sql = to_sql(&config(SECTION_3, ""), d, "events").unwrap();
        let q = if matches!(d, Dialect::Bigquery | Dialect::Spark | Dialect::Clickhouse) { '`' } else { '"' };
        for column in [
            "users",
            "rows_read",
            "conv__sum",
            "rev__sum",
            "rev__sum_squares",
            "rev__shift",
            "rev__covariate_sum",
            "rev__covariate_sum_squares",
            "rev__covariate_shift",
            "rev__cross_sum",
            "aov__numerator_sum",
            "aov__denominator_sum_squares",
            "aov__cross_sum",
        ] {
            assert!(sql.contains(&format!(" AS {q}{column}{q}")), "{d:?}: {column} in\n{sql}");
        }
        assert!(sql.contains("GROUP BY kl_user") && sql.contains("GROUP BY kl_segment_0, kl_variant"));
        assert!(sql.contains("FROM events"));
    }
}

#[test]
fn event_level_fields_are_unsupported_naming_the_field() {
    let cases = [
        (
            r#"{"name":"c","role":"primary","kind":"conversion","where":{"column":"e","equals":"buy"}}"#,
            "",
            "kpis[0].where",
        ),
        (r#"{"name":"c","role":"primary","kind":"mean","column":"r","aggregate":"max"}"#, "", "kpis[0].aggregate"),
        (r#"{"name":"c","role":"primary","kind":"mean","column":"r","cap":{"value":10}}"#, "", "kpis[0].cap"),
        (
            r#"{"name":"c","role":"primary","kind":"conversion","column":"r","window":{"days":1}}"#,
            r#","timestampColumn":"t""#,
            "timestampColumn",
        ),
        (
            r#"{"name":"f","role":"primary","kind":"funnel","steps":[{"name":"a","where":{"column":"e","equals":"x"}},{"name":"b","where":{"column":"e","equals":"y"}}]}"#,
            "",
            "kpis[0].steps",
        ),
        (
            r#"{"name":"r","role":"primary","kind":"ratio","numerator":{"column":"rev","where":{"column":"e","equals":"buy"}},"denominator":"n"}"#,
            "",
            "kpis[0].numerator",
        ),
    ];
    for (kpis, extra, field) in cases {
        let e = to_sql(&config(kpis, extra), Dialect::Duckdb, "t").unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::Unsupported, field), "{}", e.message);
    }
}

#[test]
fn bad_names_and_tables_are_invalid_input() {
    let e = to_sql(
        &config(r#"{"name":"a\"b","role":"primary","kind":"conversion","column":"c"}"#, ""),
        Dialect::Postgres,
        "t",
    )
    .unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "kpis[0].name"));
    let e = to_sql(&config(SECTION_3, ""), Dialect::Postgres, "t; DROP TABLE x").unwrap_err();
    assert_eq!(e.field, "table");
    let e = to_sql(&config(r#"{"name":"a","role":"primary","kind":"mean"}"#, ""), Dialect::Postgres, "t").unwrap_err();
    assert_eq!(e.field, "kpis[0].column");
}
