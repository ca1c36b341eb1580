//! The first rows of a CSV, read on the page before any evaluation: the header,
//! a few rows to show, and what each column looks like (0/1, numbers, text) so
//! the columns can be mapped on their own. Only a slice of the file is read.

use crate::models::event_file::{self, EventFile};
use kpilab_core::csv::{comma_to_dot, Decimal, Record, RecordReader};

/// How much of the file the preview reads.
pub const PREVIEW_BYTES: f64 = 256.0 * 1024.0;
/// Rows shown in the preview table.
pub const SHOWN_ROWS: usize = 6;
/// Distinct values counted per column before giving up (a text column with more is no segment).
const DISTINCT_CAP: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct CsvPreview {
    pub header: Vec<String>,
    /// The first `SHOWN_ROWS` data rows.
    pub rows: Vec<Vec<String>>,
    pub delimiter: char,
    /// `Comma` when a ";" or tab file writes its numbers as "12,50" (the columns are
    /// then profiled, and the file evaluated, with `decimal: ","`).
    pub decimal: Decimal,
    pub columns: Vec<ColumnProfile>,
    /// Data rows seen in the slice.
    pub sampled_rows: usize,
    /// One row per event (GA4, Segment…): its event, timestamp and user columns.
    pub events: Option<EventFile>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    pub name: String,
    pub kind: ColumnKind,
    /// Distinct non-empty values in the slice, capped at `DISTINCT_CAP`.
    pub distinct: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Only 0/1 or true/false: a conversion.
    Binary,
    Numeric,
    Text,
    /// No values in the slice.
    Empty,
}

impl ColumnProfile {
    pub fn is_numeric(&self) -> bool {
        matches!(self.kind, ColumnKind::Binary | ColumnKind::Numeric)
    }
}

/// Reads the preview from the file's first bytes; `complete` when that is the whole file
/// (otherwise the last, unfinished and possibly cut, record is dropped).
pub fn preview(bytes: &[u8], complete: bool) -> Result<CsvPreview, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_end = bytes.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(bytes.len());
    let first_line = String::from_utf8_lossy(&bytes[..line_end]);
    if first_line.trim().is_empty() {
        return Err("The file is empty or its first line is blank: the first line must name the columns.".into());
    }
    let delimiter = guess_delimiter(&first_line);
    let mut records = split_records(bytes, delimiter, complete).into_iter();
    let header: Vec<String> = records.next().unwrap_or_default().into_iter().map(|h| h.trim().to_string()).collect();
    if header.len() < 2 {
        return Err(format!(
            "Found only one column (\"{}\"). kpilab needs at least a variant column and a KPI column, separated by , ; or tab.",
            header.first().map(String::as_str).unwrap_or("")
        ));
    }
    let data: Vec<Vec<String>> = records.filter(|r| r.len() == header.len()).collect();
    let profiles = |decimal: Decimal| -> Vec<ColumnProfile> {
        header.iter().enumerate().map(|(i, name)| profile(name, data.iter().map(|r| r[i].trim()), decimal)).collect()
    };
    let columns = profiles(Decimal::Dot);
    let decimal = detect_decimal(delimiter, &columns, &profiles(Decimal::Comma));
    let columns = if decimal == Decimal::Comma { profiles(Decimal::Comma) } else { columns };
    Ok(CsvPreview {
        events: event_file::detect(&header, &data),
        rows: data.iter().take(SHOWN_ROWS).cloned().collect(),
        sampled_rows: data.len(),
        header,
        delimiter,
        decimal,
        columns,
    })
}

/// A decimal comma is only possible when "," does not separate the fields; it is
/// chosen when it turns some text columns ("12,50") into number columns and takes
/// no number column away (a "12.5" column stays read as it is).
fn detect_decimal(delimiter: char, dot: &[ColumnProfile], comma: &[ColumnProfile]) -> Decimal {
    if delimiter == ',' {
        return Decimal::Dot;
    }
    let gained = dot.iter().zip(comma).any(|(d, c)| !d.is_numeric() && c.is_numeric());
    let lost = dot.iter().zip(comma).any(|(d, c)| d.is_numeric() && !c.is_numeric());
    if gained && !lost {
        Decimal::Comma
    } else {
        Decimal::Dot
    }
}

/// The most frequent of , ; and tab in the header line (comma on a tie).
fn guess_delimiter(header_line: &str) -> char {
    [',', ';', '\t'].into_iter().rev().max_by_key(|d| header_line.matches(*d).count()).unwrap_or(',')
}

fn profile<'a>(name: &str, values: impl Iterator<Item = &'a str>, decimal: Decimal) -> ColumnProfile {
    let mut distinct: Vec<&str> = Vec::new();
    let (mut seen, mut binary, mut numeric) = (0usize, 0usize, 0usize);
    for v in values.filter(|v| !v.is_empty()) {
        seen += 1;
        let lower = v.to_ascii_lowercase();
        binary += usize::from(matches!(lower.as_str(), "0" | "1" | "true" | "false"));
        // With a decimal comma, the core's rewrite to "." (its grouping rule); `str::parse`
        // then, not the core's float reader, whose tables would add 10 KB to the app.
        let dot = match decimal {
            Decimal::Dot => Some(std::borrow::Cow::Borrowed(v)),
            Decimal::Comma => comma_to_dot(v).map(std::borrow::Cow::Owned),
        };
        numeric += usize::from(dot.is_some_and(|d| d.parse::<f64>().is_ok_and(f64::is_finite)));
        if distinct.len() < DISTINCT_CAP && !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    // A few bad values (the evaluator skips those rows) do not change what a column is.
    let mostly = |n: usize| n * 100 >= seen * 95;
    let kind = if seen == 0 {
        ColumnKind::Empty
    } else if mostly(binary) {
        ColumnKind::Binary
    } else if mostly(numeric) {
        ColumnKind::Numeric
    } else {
        ColumnKind::Text
    };
    ColumnProfile { name: name.to_string(), kind, distinct: distinct.len() }
}

/// The records as the evaluation reads them (`kpilab_core::csv::RecordReader`:
/// RFC 4180 quotes, LF, CRLF or a lone CR, blank lines skipped). Data records
/// that break the quoting are left out, as the evaluation skips them as bad
/// rows. Unless `complete`, the unfinished last record is not read (it may be
/// cut), except when it is the only one (a header longer than the slice).
fn split_records(bytes: &[u8], delimiter: char, complete: bool) -> Vec<Vec<String>> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let keep = |records: &mut Vec<Vec<String>>, r: &Record<'_>| {
        if r.malformed.is_none() || records.is_empty() {
            records.push((0..r.len()).map(|i| String::from_utf8_lossy(r.field(i)).into_owned()).collect());
        }
        Ok(())
    };
    let mut reader = RecordReader::new(delimiter as u8);
    // `keep` never fails, so neither does the reader.
    let _ = reader.push(bytes, &mut |r: &Record<'_>| keep(&mut records, r));
    if complete || records.is_empty() {
        let _ = reader.finish(&mut |r: &Record<'_>| keep(&mut records, r));
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_columns() {
        let csv = "\u{feff}user_id,variant,device,converted,revenue\nu1,control,mobile,0,0\nu2,treatment,\"desk, top\",1,12.5\nu3,control,mobile,true,3\nu4,treat";
        let p = preview(csv.as_bytes(), false).unwrap();
        assert_eq!(p.header, ["user_id", "variant", "device", "converted", "revenue"]);
        assert_eq!(p.sampled_rows, 3);
        assert_eq!(p.rows[1][2], "desk, top");
        let kinds: Vec<ColumnKind> = p.columns.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ColumnKind::Text, ColumnKind::Text, ColumnKind::Text, ColumnKind::Binary, ColumnKind::Numeric]
        );
        assert_eq!(p.columns[1].distinct, 2);
    }

    #[test]
    fn a_few_bad_values_do_not_change_the_kind() {
        let mut csv = String::from("variant,converted\n");
        for i in 0..40 {
            csv.push_str(&format!("A,{}\n", i % 2));
        }
        csv.push_str("B,maybe\n");
        assert_eq!(preview(csv.as_bytes(), true).unwrap().columns[1].kind, ColumnKind::Binary);
    }

    #[test]
    fn semicolons_and_errors() {
        let p = preview(b"variant;converted\r\nA;1\r\n\r\nB;0\r\n", true).unwrap();
        assert_eq!(p.delimiter, ';');
        assert_eq!(p.sampled_rows, 2);
        assert!(preview(b"", true).is_err());
        assert!(preview(b"justone\n1\n", true).is_err());
    }

    #[test]
    fn decimal_commas_in_a_semicolon_file_make_number_columns() {
        let csv = "variant;device;converted;revenue;orders\nA;mobile;1;12,50;1\nB;desktop;0;0,00;0\nA;mobile;1;1.234,5;2\nB;tablet;0;0;0\n";
        let p = preview(csv.as_bytes(), true).unwrap();
        assert_eq!(p.decimal, Decimal::Comma);
        let kinds: Vec<ColumnKind> = p.columns.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ColumnKind::Text, ColumnKind::Text, ColumnKind::Binary, ColumnKind::Numeric, ColumnKind::Numeric]
        );
        // "," separating the fields, or dot decimals in another column: no decimal comma.
        assert_eq!(preview(b"variant,revenue\nA,\"12,5\"\nB,3\n", true).unwrap().decimal, Decimal::Dot);
        let mixed = preview(b"variant;revenue;price\nA;12,5;1.25\nB;3;2.5\n", true).unwrap();
        assert_eq!(mixed.decimal, Decimal::Dot);
        let plain = preview(b"variant;revenue\nA;12.5\nB;3\n", true).unwrap();
        assert_eq!((plain.decimal, plain.columns[1].kind), (Decimal::Dot, ColumnKind::Numeric));
    }

    /// A lone CR ends a line, as in the evaluation (the core's reader, like
    /// Python's csv); inside quotes it is part of the value.
    #[test]
    fn a_lone_cr_ends_a_line_as_in_the_evaluation() {
        let p = preview(b"variant,converted\rA,1\rB,\"0\r\"\r", true).unwrap();
        assert_eq!(p.header, ["variant", "converted"]);
        assert_eq!(p.rows, [vec!["A".to_string(), "1".into()], vec!["B".to_string(), "0\r".into()]]);
        assert_eq!(p.sampled_rows, 2);
    }
}
