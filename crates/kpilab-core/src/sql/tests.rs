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
            "switched_variant_rows",
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

/// A §4/§5 config with every feature (as tests/node/warehouse-events.mjs).
fn event_config(extra: &str) -> EvalConfig {
    let buy = r#"{"column":"event_name","equals":"purchase"}"#;
    config(
        &format!(
            r#"{{"name":"buyers","role":"primary","kind":"conversion","where":{buy},"window":{{"days":7}}}},
            {{"name":"revenue","role":"secondary","kind":"mean","column":"revenue","where":{buy},"cap":{{"percentile":99}}}},
            {{"name":"capped","role":"secondary","kind":"mean","column":"revenue","where":{buy},"cap":{{"value":150}}}},
            {{"name":"aov","role":"guardrail","kind":"ratio","numerator":{{"column":"revenue","where":{buy}}},"denominator":{{"where":{buy},"aggregate":"count"}}}},
            {{"name":"repeat","role":"secondary","kind":"conversion","where":{buy},"aggregate":"count","threshold":2}},
            {{"name":"sessions","role":"secondary","kind":"mean","column":"session_id","aggregate":"distinct"}},
            {{"name":"qty","role":"secondary","kind":"mean","column":"quantity","aggregate":"max","where":{{"any":[{{"column":"q","in":[2,3]}},{{"column":"d","notIn":["x"]}}]}}}},
            {{"name":"f","role":"secondary","kind":"funnel","ordered":true,"steps":[{{"name":"a","where":{{"column":"e","equals":"a"}}}},{{"name":"b","where":{buy}}}]}},
            {{"name":"ttb","role":"secondary","kind":"timeToEvent","where":{buy},"window":{{"days":14}},"unit":"hours"}}"#
        ),
        &format!(
            r#","timestampColumn":"ts","exposure":{{"where":{{"column":"event_name","equals":"exposure"}}}}{extra}"#
        ),
    )
}

#[test]
fn event_level_queries_use_each_dialects_exact_percentile_and_epoch() {
    let expect = [
        (
            Dialect::Duckdb,
            "quantile_cont(kl_raw1_0, 0.99)",
            "epoch_us(CAST(TRIM(CAST(\"ts\" AS VARCHAR)) AS TIMESTAMPTZ))",
        ),
        (
            Dialect::Postgres,
            "PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY kl_raw1_0)",
            "EXTRACT(EPOCH FROM CAST(TRIM(CAST(\"ts\" AS TEXT)) AS TIMESTAMPTZ))",
        ),
        (
            Dialect::Bigquery,
            "PERCENTILE_CONT(kl_raw1_0, 0.99) OVER ()",
            "UNIX_MICROS(CAST(TRIM(CAST(`ts` AS STRING)) AS TIMESTAMP))",
        ),
        (
            Dialect::Snowflake,
            "PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY kl_raw1_0)",
            "DATE_PART(EPOCH_MICROSECOND, CAST(TRIM(CAST(\"ts\" AS VARCHAR)) AS TIMESTAMP_TZ))",
        ),
        (Dialect::Spark, "PERCENTILE(kl_raw1_0, 0.99)", "UNIX_MICROS(CAST(TRIM(CAST(`ts` AS STRING)) AS TIMESTAMP))"),
        (
            Dialect::Clickhouse,
            "quantileExactInclusive(0.99)(kl_raw1_0)",
            "toUnixTimestamp64Micro(parseDateTime64BestEffort(TRIM(CAST(`ts` AS Nullable(String))), 6, 'UTC'))",
        ),
    ];
    for (d, percentile, epoch) in expect {
        let sql = to_sql(&event_config(""), d, "events").unwrap();
        assert!(sql.contains(percentile), "{d:?}: {percentile} in\n{sql}");
        assert!(sql.contains(epoch), "{d:?}: {epoch}");
        // "auto": epoch numbers by magnitude, as the CSV path.
        assert!(sql.contains("< 1e11 THEN 1000000.0 WHEN ABS("), "{d:?}");
        // Windows in µs after exposure; the ordered funnel's steps; the value cap.
        assert!(sql.contains("r.kl_ts - r.kl_exposed_at < 604800000000"), "{d:?}");
        assert!(sql.contains("kl_f7_1 AS (") && sql.contains("r.kl_ts > p.kl_t"), "{d:?}");
        assert!(sql.contains("LEAST(kl_raw2_0, CAST(150.0 AS"), "{d:?}");
        let q = if matches!(d, Dialect::Bigquery | Dialect::Spark | Dialect::Clickhouse) { '`' } else { '"' };
        for column in [
            "buyers__sum",
            "revenue__value_cap",
            "revenue__value_capped_users",
            "aov__denominator_sum",
            "f__step_2__sum",
            "time",
            "ttb__events",
            "ttb__censored",
            "rows_before_exposure",
            "users_window_open",
        ] {
            assert!(sql.contains(&format!(" AS {q}{column}{q}")), "{d:?}: {column}");
        }
    }
    // Epoch numbers with an explicit unit instead of a typed TIMESTAMP.
    let sql = to_sql(&event_config(r#","timestampUnit":"ms""#), Dialect::Postgres, "t").unwrap();
    assert!(sql.contains("CAST(ROUND(CAST(\"ts\" AS DOUBLE PRECISION) * 1000.0) AS BIGINT) AS kl_ts"), "{sql}");
}

#[test]
fn filters_follow_the_csv_rules() {
    let sql = to_sql(&event_config(""), Dialect::Postgres, "t").unwrap();
    // Trimmed text, null as ''; numbers compared as parsed numbers, never an error.
    assert!(sql.contains("COALESCE(TRIM(CAST(\"event_name\" AS TEXT)), '') IN ('purchase')"), "{sql}");
    assert!(sql.contains("COALESCE(CASE WHEN COALESCE(TRIM(CAST(\"q\" AS TEXT)), '') ~ "), "{sql}");
    assert!(sql.contains("IN (2.0, 3.0), FALSE)"), "{sql}");
    assert!(sql.contains("(NOT (COALESCE(TRIM(CAST(\"d\" AS TEXT)), '') IN ('x')))"), "{sql}");
    let sql = to_sql(&event_config(""), Dialect::Duckdb, "t").unwrap();
    assert!(
        sql.contains("COALESCE(TRY_CAST(COALESCE(TRIM(CAST(\"q\" AS VARCHAR)), '') AS DOUBLE) IN (2.0, 3.0), FALSE)")
    );
}

#[test]
fn what_sql_cannot_order_is_unsupported_naming_the_field() {
    let cases = [
        // No file order in SQL: a first matching row and ordered steps need timestamps.
        (
            r#"{"name":"c","role":"primary","kind":"conversion","column":"x"}"#,
            r#","exposure":{"where":{"column":"e","equals":"x"}}"#,
            "exposure.where",
        ),
        (
            r#"{"name":"f","role":"primary","kind":"funnel","ordered":true,"steps":[{"name":"a","where":{"column":"e","equals":"x"}},{"name":"b","where":{"column":"e","equals":"y"}}]}"#,
            "",
            "kpis[0].ordered",
        ),
        // A text with a quote cannot be written the same way in every dialect.
        (
            r#"{"name":"c","role":"primary","kind":"conversion","where":{"column":"e","equals":"it's"}}"#,
            "",
            "kpis[0].where",
        ),
    ];
    for (kpis, extra, field) in cases {
        let e = to_sql(&config(kpis, extra), Dialect::Duckdb, "t").unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::Unsupported, field), "{}", e.message);
    }
    // Unordered funnels and every other §4 field without timestamps are fine.
    let f = r#"{"name":"f","role":"primary","kind":"funnel","steps":[{"name":"a","where":{"column":"e","equals":"x"}}]},
        {"name":"r","role":"primary","kind":"ratio","numerator":{"column":"rev","where":{"column":"e","equals":"buy"}},"denominator":"n"}"#;
    for d in DIALECTS {
        let sql = to_sql(&config(f, ""), d, "t").unwrap();
        assert!(sql.contains("COUNT(DISTINCT kl_variant) > 1"), "{d:?}");
    }
}

#[test]
fn time_to_event_per_user_columns_are_summed_and_counted_per_time() {
    let kpis = r#"{"name":"ttc","role":"primary","kind":"timeToEvent","column":"days","eventColumn":"converted"}"#;
    for d in DIALECTS {
        let sql = to_sql(&config(kpis, ""), d, "t").unwrap();
        assert!(sql.contains("SUM(kl_k0_0) AS kl_k0_0") && sql.contains("CASE WHEN SUM(kl_k0_1) > 0"), "{d:?}");
        assert!(sql.contains("GROUP BY kl_segment_0, kl_variant, kl_k0_0"), "{d:?}\n{sql}");
        assert!(sql.contains("SUM(1 - kl_k0_1)"), "{d:?}");
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
