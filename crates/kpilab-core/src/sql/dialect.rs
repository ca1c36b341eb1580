//! The few spellings that differ between the warehouses `toSql` targets.

use crate::error::{KpilabError, Result};

/// The warehouses `to_sql` writes for (names: `Dialect::from_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Duckdb,
    Postgres,
    Bigquery,
    Snowflake,
    Spark,
    Clickhouse,
}

impl Dialect {
    /// The dialect named `name` (its serde name, e.g. `"bigquery"`).
    pub fn from_name(name: &str) -> Result<Dialect> {
        const ALL: [Dialect; 6] = [
            Dialect::Duckdb,
            Dialect::Postgres,
            Dialect::Bigquery,
            Dialect::Snowflake,
            Dialect::Spark,
            Dialect::Clickhouse,
        ];
        const NAMES: [&str; 6] = ["duckdb", "postgres", "bigquery", "snowflake", "spark", "clickhouse"];
        NAMES.iter().position(|n| *n == name).map(|i| ALL[i]).ok_or_else(|| {
            KpilabError::invalid("options.dialect", format!("dialect \"{name}\" is not one of {}", NAMES.join(", ")))
        })
    }

    /// Quotes an identifier (a column or an output name).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres | Dialect::Snowflake => format!("\"{name}\""),
            Dialect::Bigquery | Dialect::Spark | Dialect::Clickhouse => format!("`{name}`"),
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Snowflake => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::Bigquery | Dialect::Spark => "STRING",
            Dialect::Clickhouse => "Nullable(String)",
        }
    }

    pub fn double(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Snowflake | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Bigquery => "FLOAT64",
            Dialect::Clickhouse => "Nullable(Float64)",
        }
    }

    pub fn integer(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Postgres | Dialect::Snowflake | Dialect::Spark => "BIGINT",
            Dialect::Bigquery => "INT64",
            Dialect::Clickhouse => "Nullable(Int64)",
        }
    }

    /// A string literal (names were checked to hold no quote or backslash).
    pub fn literal(self, s: &str) -> String {
        format!("'{s}'")
    }
}

/// A name that goes into the SQL: no quotes, backslashes or control characters
/// (so no quoting rule of any dialect can be broken by it).
pub fn check_name(field: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.chars().any(|c| matches!(c, '"' | '`' | '\'' | '\\') || c.is_control()) {
        return Err(KpilabError::invalid(
            field,
            format!("\"{name}\" cannot be used in SQL: names must be non-empty, without quotes, backslashes or control characters"),
        ));
    }
    Ok(())
}
