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

    /// A 0/1 (or boolean) column as a double: through an integer, which every
    /// engine casts a BOOLEAN to (PostgreSQL only to INTEGER, not BIGINT).
    pub fn zero_one(self, column: &str) -> String {
        let integer = match self {
            Dialect::Postgres => "INTEGER",
            _ => self.integer(),
        };
        format!("CAST(CAST({} AS {integer}) AS {})", self.ident(column), self.double())
    }

    /// A conversion's value column at event level as a double, as the CSV path's
    /// `parse_number(cell, allow_bool)`: a number, or true/false in any case (so a
    /// BOOLEAN column works in every engine, PostgreSQL included).
    pub fn number_or_bool(self, column: &str) -> String {
        let text = format!("TRIM(CAST({} AS {}))", self.ident(column), self.text());
        format!(
            "COALESCE({}, CASE WHEN LOWER({text}) = 'true' THEN 1.0 WHEN LOWER({text}) = 'false' THEN 0.0 END)",
            self.try_double(&text)
        )
    }

    /// A string literal (names were checked to hold no quote or backslash).
    pub fn literal(self, s: &str) -> String {
        format!("'{s}'")
    }

    /// A cell as the CSV path's filters see it: its text, trimmed of spaces, null as ''.
    pub fn cell_text(self, column: &str) -> String {
        format!("COALESCE(TRIM(CAST({} AS {})), '')", self.ident(column), self.text())
    }

    /// `text` as a double, or null when it is not a number (never an error).
    pub fn try_double(self, text: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Spark => format!("TRY_CAST({text} AS DOUBLE)"),
            Dialect::Snowflake => format!("TRY_TO_DOUBLE({text})"),
            Dialect::Bigquery => format!("SAFE_CAST({text} AS FLOAT64)"),
            Dialect::Clickhouse => format!("toFloat64OrNull({text})"),
            // No TRY_CAST: a CASE guards the cast with the shape of a decimal number.
            Dialect::Postgres => format!(
                "CASE WHEN {text} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN CAST({text} AS DOUBLE PRECISION) END"
            ),
        }
    }

    /// A time column as whole microseconds since the epoch, as the CSV path's
    /// `parse_timestamp` with `timestampUnit` "auto" reads a cell: through its text
    /// (so one expression types for every column type), a number is an epoch whose
    /// unit is decided by magnitude (s < 1e11 <= ms < 1e14 <= µs), anything else a
    /// date/time read by `epoch_us_of_text`.
    pub fn epoch_us_auto(self, column: &str) -> String {
        let text = format!("TRIM(CAST({} AS {}))", self.ident(column), self.text());
        let x = self.try_double(&text);
        format!(
            "CASE WHEN {x} IS NOT NULL THEN CAST(ROUND({x} * CASE WHEN ABS({x}) < 1e11 THEN 1000000.0 WHEN ABS({x}) < 1e14 THEN 1000.0 ELSE 1.0 END) AS {}) ELSE {} END",
            self.integer(),
            self.epoch_us_of_text(&text)
        )
    }

    /// A date/time text (ISO 8601, or the engine's own text of a TIMESTAMP or DATE)
    /// as whole microseconds since the epoch: through the engine's time-zone-aware
    /// timestamp, so `Z` and offsets read as in the CSV path; a value without an
    /// offset is taken in the session's time zone (UTC: the CSV path's reading;
    /// any other shifts every time alike, outside DST changes).
    fn epoch_us_of_text(self, text: &str) -> String {
        match self {
            Dialect::Duckdb => format!("epoch_us(CAST({text} AS TIMESTAMPTZ))"),
            Dialect::Postgres => {
                format!("CAST(ROUND(EXTRACT(EPOCH FROM CAST({text} AS TIMESTAMPTZ)) * 1000000) AS BIGINT)")
            }
            Dialect::Bigquery => format!("UNIX_MICROS(CAST({text} AS TIMESTAMP))"),
            Dialect::Snowflake => format!("DATE_PART(EPOCH_MICROSECOND, CAST({text} AS TIMESTAMP_TZ))"),
            Dialect::Spark => format!("UNIX_MICROS(CAST({text} AS TIMESTAMP))"),
            Dialect::Clickhouse => format!("toUnixTimestamp64Micro(parseDateTime64BestEffort({text}, 6, 'UTC'))"),
        }
    }

    /// The `q`-quantile (0-1) of `x` by linear interpolation between closest ranks
    /// (numpy's default, as `evaluate::percentile`): exact in every dialect.
    /// BigQuery has it only as a window function: `over_all` marks that form.
    pub fn percentile(self, x: &str, q: f64) -> (String, bool) {
        match self {
            Dialect::Duckdb => (format!("quantile_cont({x}, {q:?})"), false),
            Dialect::Postgres | Dialect::Snowflake => {
                (format!("PERCENTILE_CONT({q:?}) WITHIN GROUP (ORDER BY {x})"), false)
            }
            // Spark's `percentile` is exact (not `percentile_approx`), linear interpolation.
            Dialect::Spark => (format!("PERCENTILE({x}, {q:?})"), false),
            // Inclusive = Excel's PERCENTILE.INC = numpy linear (not `quantileExact`, no interpolation).
            Dialect::Clickhouse => (format!("quantileExactInclusive({q:?})({x})"), false),
            Dialect::Bigquery => (format!("PERCENTILE_CONT({x}, {q:?}) OVER ()"), true),
        }
    }
}

/// A filter value that goes into the SQL as a string literal: no quotes,
/// backslashes or control characters (their escapes differ between dialects).
pub fn check_literal(field: &str, value: &str) -> Result<()> {
    if value.chars().any(|c| matches!(c, '\'' | '\\') || c.is_control()) {
        return Err(KpilabError::unsupported(
            field,
            format!("toSql cannot compare with \"{value}\": filter texts in SQL must not hold quotes, backslashes or control characters"),
        ));
    }
    Ok(())
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
