//! §4 row filters as SQL conditions, with the CSV path's rules (`evaluate::filter`):
//! the trimmed cell compared as text (an empty or null cell is ''), and a number
//! in `equals`/`in`/`notIn` matching a cell that parses to that number.
//!
//! Typed columns are compared through their text form (`CAST(col AS text)`), so a
//! DOUBLE column holding 5 matches the number 5 but, as text, "5.0" in most engines:
//! give numbers as numbers.

use super::dialect::{check_literal, check_name, Dialect};
use crate::error::Result;
use crate::evaluate::filter::{Filter, FilterValue};

/// The condition of `filter` (validated by the CSV path's `Filter::validate`);
/// `field` is its config path for errors.
pub fn condition(d: Dialect, filter: &Filter, field: &str) -> Result<String> {
    let Filter { column, equals, in_, not_in, all, any } = filter;
    if let Some(column) = column {
        check_name(&format!("{field}.column"), column)?;
        let (values, negate) = match (equals, in_, not_in) {
            (Some(v), _, _) => (std::slice::from_ref(v), false),
            (_, Some(l), _) => (l.as_slice(), false),
            (_, _, Some(l)) => (l.as_slice(), true),
            _ => (&[][..], false),
        };
        let cell = d.cell_text(column);
        let mut texts = Vec::new();
        let mut numbers = Vec::new();
        for v in values {
            match v {
                FilterValue::Text(t) => {
                    check_literal(field, t)?;
                    texts.push(d.literal(t.trim()));
                }
                FilterValue::Number(x) => numbers.push(format!("{x:?}")),
            }
        }
        let mut hits = Vec::new();
        if !texts.is_empty() {
            hits.push(format!("{cell} IN ({})", texts.join(", ")));
        }
        if !numbers.is_empty() {
            hits.push(format!("COALESCE({} IN ({}), FALSE)", d.try_double(&cell), numbers.join(", ")));
        }
        let hit = format!("({})", hits.join(" OR "));
        return Ok(if negate { format!("(NOT {hit})") } else { hit });
    }
    let (list, joiner, key) = match (all, any) {
        (Some(l), _) => (l, " AND ", "all"),
        (_, Some(l)) => (l, " OR ", "any"),
        _ => return Ok("TRUE".to_string()), // unreachable: validated to be one form
    };
    let parts = list
        .iter()
        .enumerate()
        .map(|(i, f)| condition(d, f, &format!("{field}.{key}[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    Ok(format!("({})", parts.join(joiner)))
}
