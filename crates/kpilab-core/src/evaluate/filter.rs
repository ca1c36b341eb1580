//! Row filters of event-level KPIs (SDK.md §4 `Filter`): the config type, its
//! validation, and the compiled matcher over a record's fields.
//!
//! A filter is one of `{ column, equals?, in?, notIn? }`, `{ all: [...] }` or
//! `{ any: [...] }`. It is read as one object with every key optional (strict
//! about unknown keys, like every input) and checked to be exactly one form, so
//! a typo gets "unknown option" and a mix of forms a message naming the field.
//! Cells are compared trimmed, as text; a number in `equals`/`in`/`notIn`
//! matches a cell that parses to that number (`5` matches `5`, `5.0`, `05`).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::csv::number::parse_number_in;
use crate::csv::Decimal;
use crate::error::{KpilabError, Result};
use crate::serde_embed::strict;

/// A value a filter compares a cell with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum FilterValue {
    Text(String),
    Number(f64),
}

/// Reads a JSON string or number without serde's buffering of untagged enums
/// (its `Content` tree costs wasm size).
impl<'de> Deserialize<'de> for FilterValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct ValueVisitor;
        impl Visitor<'_> for ValueVisitor {
            type Value = FilterValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<FilterValue, E> {
                Ok(FilterValue::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<FilterValue, E> {
                Ok(FilterValue::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<FilterValue, E> {
                Ok(FilterValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<FilterValue, E> {
                Ok(FilterValue::Number(v as f64))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl From<&str> for FilterValue {
    fn from(s: &str) -> Self {
        FilterValue::Text(s.to_string())
    }
}

/// `{ column, equals?, in?, notIn? } | { all: Filter[] } | { any: Filter[] }`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub equals: Option<FilterValue>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub in_: Option<Vec<FilterValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub not_in: Option<Vec<FilterValue>>,
    /// Every filter matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub all: Option<Vec<Filter>>,
    /// At least one filter matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub any: Option<Vec<Filter>>,
}

strict!(Filter; Serialize);

impl Filter {
    /// `{ column, equals }`.
    pub fn equals(column: &str, value: impl Into<FilterValue>) -> Filter {
        Filter { column: Some(column.to_string()), equals: Some(value.into()), ..Filter::default() }
    }

    /// `{ column, in }`.
    pub fn is_in(column: &str, values: Vec<FilterValue>) -> Filter {
        Filter { column: Some(column.to_string()), in_: Some(values), ..Filter::default() }
    }

    /// Checks it is exactly one form; `field` is its config path (`kpis[0].where`).
    pub(crate) fn validate(&self, field: &str) -> Result<()> {
        let compare = self.equals.is_some() as u8 + self.in_.is_some() as u8 + self.not_in.is_some() as u8;
        let forms = self.column.is_some() as u8 + self.all.is_some() as u8 + self.any.is_some() as u8;
        if forms != 1 {
            return Err(KpilabError::invalid(
                field,
                format!(
                    "{field} must be one of {{ column, equals | in | notIn }}, {{ all: [...] }} or {{ any: [...] }}{}",
                    if forms == 0 { "; it has none of column, all, any" } else { ", not a mix" }
                ),
            ));
        }
        if let Some(column) = &self.column {
            if column.is_empty() {
                return Err(KpilabError::invalid(format!("{field}.column"), format!("{field}.column is empty")));
            }
            if compare != 1 {
                return Err(KpilabError::invalid(
                    field,
                    format!("{field} on column \"{column}\" needs exactly one of equals, in, notIn"),
                ));
            }
            for (key, list) in [("in", &self.in_), ("notIn", &self.not_in)] {
                if list.as_ref().is_some_and(Vec::is_empty) {
                    return Err(KpilabError::invalid(
                        format!("{field}.{key}"),
                        format!("{field}.{key} is empty; list at least one value"),
                    ));
                }
            }
            for (i, v) in
                self.equals.iter().chain(self.in_.iter().flatten()).chain(self.not_in.iter().flatten()).enumerate()
            {
                if let FilterValue::Number(x) = v {
                    if !x.is_finite() {
                        return Err(KpilabError::invalid(field, format!("{field}: value {i} is not a finite number")));
                    }
                }
            }
            return Ok(());
        }
        if compare != 0 {
            return Err(KpilabError::invalid(field, format!("{field}: equals, in and notIn go with a column")));
        }
        let (key, list) = match (&self.all, &self.any) {
            (Some(l), _) => ("all", l),
            (_, Some(l)) => ("any", l),
            _ => unreachable!("one form"),
        };
        if list.is_empty() {
            return Err(KpilabError::invalid(
                format!("{field}.{key}"),
                format!("{field}.{key} is empty; list at least one filter"),
            ));
        }
        list.iter().enumerate().try_for_each(|(i, f)| f.validate(&format!("{field}.{key}[{i}]")))
    }

    /// The matcher over fields by header index; an unknown column is a
    /// `CSV_PARSE` error naming the filter's path and listing the header.
    /// Cells compared with numbers are read with `decimal`'s separator.
    pub(crate) fn compile(&self, field: &str, header: &[String], decimal: Decimal) -> Result<Matcher> {
        if let Some(column) = &self.column {
            let index = header.iter().position(|h| h == column).ok_or_else(|| {
                KpilabError::csv(
                    format!("{field}.column"),
                    format!(
                        "column \"{column}\" ({field}.column) is not in the header; the columns are: {}",
                        header.join(", ")
                    ),
                )
            })?;
            let (values, negate) = match (&self.equals, &self.in_, &self.not_in) {
                (Some(v), _, _) => (std::slice::from_ref(v), false),
                (_, Some(l), _) => (l.as_slice(), false),
                (_, _, Some(l)) => (l.as_slice(), true),
                _ => (&[][..], false),
            };
            let mut texts = Vec::new();
            let mut numbers = Vec::new();
            for v in values {
                match v {
                    FilterValue::Text(t) => texts.push(t.trim().as_bytes().to_vec().into_boxed_slice()),
                    FilterValue::Number(x) => numbers.push(*x),
                }
            }
            return Ok(Matcher::Cell { index, texts, numbers, negate, decimal });
        }
        let (key, list, all) = match (&self.all, &self.any) {
            (Some(l), _) => ("all", l, true),
            (_, Some(l)) => ("any", l, false),
            _ => unreachable!("validated"),
        };
        let parts = list
            .iter()
            .enumerate()
            .map(|(i, f)| f.compile(&format!("{field}.{key}[{i}]"), header, decimal))
            .collect::<Result<_>>()?;
        Ok(if all { Matcher::All(parts) } else { Matcher::Any(parts) })
    }
}

/// A filter with its columns resolved to field indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Matcher {
    /// The trimmed cell is one of `texts`, or parses to one of `numbers`
    /// (`negate`: neither; `notIn`).
    Cell {
        index: usize,
        texts: Vec<Box<[u8]>>,
        numbers: Vec<f64>,
        negate: bool,
        decimal: Decimal,
    },
    All(Vec<Matcher>),
    Any(Vec<Matcher>),
}

impl Matcher {
    /// Whether the record whose field `i` is `field(i)` matches.
    #[inline]
    pub fn matches<'a>(&self, field: &impl Fn(usize) -> &'a [u8]) -> bool {
        match self {
            Matcher::Cell { index, texts, numbers, negate, decimal } => {
                let cell = field(*index).trim_ascii();
                let hit = texts.iter().any(|t| **t == *cell)
                    || (!numbers.is_empty()
                        && parse_number_in(cell, false, *decimal).is_some_and(|x| numbers.contains(&x)));
                hit != *negate
            }
            Matcher::All(parts) => parts.iter().all(|m| m.matches(field)),
            Matcher::Any(parts) => parts.iter().any(|m| m.matches(field)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn filter(json: &str) -> Filter {
        serde_json::from_str(json).unwrap()
    }

    fn header() -> Vec<String> {
        ["event_name", "value", "device"].map(String::from).to_vec()
    }

    fn matches(f: &Filter, row: [&str; 3]) -> bool {
        f.validate("where").unwrap();
        let m = f.compile("where", &header(), Decimal::Dot).unwrap();
        m.matches(&|i| row[i].as_bytes())
    }

    #[test]
    fn equals_compares_the_trimmed_cell_as_text() {
        let f = filter(r#"{"column":"event_name","equals":"purchase"}"#);
        assert!(matches(&f, ["purchase", "", ""]));
        assert!(matches(&f, ["  purchase ", "", ""]));
        assert!(!matches(&f, ["Purchase", "", ""]));
        assert!(!matches(&f, ["purchases", "", ""]));
        assert!(!matches(&f, ["", "", ""]));
        // A text value is compared as text, never as a number.
        let f = filter(r#"{"column":"value","equals":"5"}"#);
        assert!(matches(&f, ["", "5", ""]));
        assert!(!matches(&f, ["", "5.0", ""]));
    }

    #[test]
    fn a_number_matches_a_cell_that_parses_to_it() {
        let f = filter(r#"{"column":"value","equals":5}"#);
        for cell in ["5", "5.0", "05", " 5 ", "5e0"] {
            assert!(matches(&f, ["", cell, ""]), "{cell}");
        }
        for cell in ["", "five", "5.1", "-5"] {
            assert!(!matches(&f, ["", cell, ""]), "{cell}");
        }
        let f = filter(r#"{"column":"value","in":[1, "x", 2.5]}"#);
        assert!(matches(&f, ["", "2.50", ""]));
        assert!(matches(&f, ["", "x", ""]));
        assert!(matches(&f, ["", "1", ""]));
        assert!(!matches(&f, ["", "2", ""]));
    }

    #[test]
    fn with_a_decimal_comma_a_number_matches_the_comma_cell() {
        let f = filter(r#"{"column":"value","in":[2.5, 1234.5]}"#);
        let m = f.compile("where", &header(), Decimal::Comma).unwrap();
        for (cell, hit) in [("2,5", true), ("2,50", true), ("1.234,5", true), ("2.5", false), ("1234.5", false)] {
            assert_eq!(m.matches(&|i| ["", cell, ""][i].as_bytes()), hit, "{cell}");
        }
    }

    #[test]
    fn not_in_all_and_any() {
        let f = filter(r#"{"column":"device","notIn":["bot", "test"]}"#);
        assert!(matches(&f, ["", "", "mobile"]));
        assert!(matches(&f, ["", "", ""]));
        assert!(!matches(&f, ["", "", " bot"]));
        let f = filter(
            r#"{"all":[{"column":"event_name","in":["purchase","refund"]},{"any":[{"column":"device","equals":"mobile"},{"column":"value","equals":0}]}]}"#,
        );
        assert!(matches(&f, ["purchase", "3", "mobile"]));
        assert!(matches(&f, ["refund", "0", "desktop"]));
        assert!(!matches(&f, ["purchase", "3", "desktop"]));
        assert!(!matches(&f, ["page_view", "0", "mobile"]));
    }

    #[test]
    fn invalid_filters_name_the_field() {
        let err = |json: &str| filter(json).validate("kpis[0].where").unwrap_err();
        let e = err(r#"{"column":"x"}"#);
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidInput, "kpis[0].where"));
        assert_eq!(err(r#"{"column":"x","equals":1,"in":[1]}"#).field, "kpis[0].where");
        assert_eq!(err(r#"{"column":"x","in":[]}"#).field, "kpis[0].where.in");
        assert_eq!(err(r#"{"column":"","equals":1}"#).field, "kpis[0].where.column");
        assert_eq!(err(r#"{}"#).field, "kpis[0].where");
        assert_eq!(err(r#"{"column":"x","equals":1,"all":[]}"#).field, "kpis[0].where");
        assert_eq!(err(r#"{"all":[]}"#).field, "kpis[0].where.all");
        assert_eq!(err(r#"{"equals":1}"#).field, "kpis[0].where");
        assert_eq!(err(r#"{"any":[{"column":"x","equals":1},{"column":"y"}]}"#).field, "kpis[0].where.any[1]");
        // Unknown keys are rejected by serde (input_errors turns it into "did you mean").
        let unknown = serde_json::from_str::<Filter>(r#"{"column":"x","equal":1}"#).unwrap_err().to_string();
        assert!(unknown.contains("unknown field `equal`"), "{unknown}");
        let wrong = serde_json::from_str::<Filter>(r#"{"column":"x","equals":true}"#).unwrap_err().to_string();
        assert!(wrong.contains("a string or a number"), "{wrong}");
    }

    #[test]
    fn unknown_columns_name_the_path() {
        let f = filter(r#"{"all":[{"column":"event_name","equals":"a"},{"column":"evnt","equals":"b"}]}"#);
        f.validate("kpis[2].where").unwrap();
        let e = f.compile("kpis[2].where", &header(), Decimal::Dot).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::CsvParse, "kpis[2].where.all[1].column"));
        assert!(e.message.contains("the columns are: event_name, value, device"), "{}", e.message);
    }

    #[test]
    fn serializes_back_to_the_same_json() {
        let json = r#"{"column":"v","in":["a",2.0]}"#;
        assert_eq!(serde_json::to_string(&filter(json)).unwrap(), json);
    }
}
