//! An .xlsx sheet as CSV bytes that then take the normal path (preview, mapper,
//! the CSV worker): "," between fields, RFC 4180 quotes, "." decimals, dates as
//! ISO 8601 (2026-11-13T04:15:22), TRUE/FALSE as true/false, so the core reads
//! every cell as it reads a CSV export. Runs in the xlsx worker only
//! (src/bin/xlsx_worker.rs): calamine is never linked into the main app.

use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// One sheet of a workbook, as CSV, and the sheets there are to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct XlsxSheet {
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: String,
    pub csv: Vec<u8>,
}

/// Reads `sheet` (default: the first) of the workbook `bytes`; `name` is the file's, for messages.
pub fn sheet_to_csv(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<XlsxSheet, String> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        format!(
            "\u{201c}{name}\u{201d} is a zip archive but not a readable .xlsx workbook ({e}). Save it from your spreadsheet program as .xlsx or CSV (UTF-8) and choose that file."
        )
    })?;
    let sheets = book.sheet_names();
    let chosen = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(format!(
                "\u{201c}{name}\u{201d} has no sheet \u{201c}{s}\u{201d}; it has {}.",
                sheets.join(", ")
            ))
        }
        None => sheets.first().cloned().ok_or_else(|| format!("\u{201c}{name}\u{201d} has no sheets."))?,
    };
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| format!("Sheet \u{201c}{chosen}\u{201d} of \u{201c}{name}\u{201d} could not be read: {e}"))?;
    let mut csv = String::new();
    for row in range.rows() {
        // Trailing empty cells are kept: every record has the sheet's width, as a CSV export has.
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            push_field(&mut csv, &cell_text(cell));
        }
        csv.push('\n');
    }
    if range.is_empty() {
        return Err(format!(
            "Sheet \u{201c}{chosen}\u{201d} of \u{201c}{name}\u{201d} is empty; choose the sheet that holds the test's rows."
        ));
    }
    Ok(XlsxSheet { sheets, sheet: chosen, csv: csv.into_bytes() })
}

/// A cell as the core reads it in a CSV.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust's shortest round-trip form: "." decimals, no thousands, exponent only when huge.
        Data::Float(x) => float_text(*x),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) if t.is_datetime() => {
            let (y, mo, d, h, mi, s, ms) = t.to_ymd_hms_milli();
            let mut text = format!("{y:04}-{mo:02}-{d:02}");
            // A date with no time stays a date (the core reads both).
            if (h, mi, s, ms) != (0, 0, 0, 0) {
                let _ = write!(text, "T{h:02}:{mi:02}:{s:02}");
                if ms > 0 {
                    let _ = write!(text, ".{ms:03}");
                }
            }
            text
        }
        // A duration ([h]:mm:ss): its length in days, as Excel stores it.
        Data::DateTime(t) => float_text(t.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // #N/A, #DIV/0!: an empty cell (the evaluation skips or reports the row).
        Data::Error(_) => String::new(),
    }
}

fn float_text(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break.
fn push_field(csv: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        csv.push('"');
        csv.push_str(&text.replace('"', "\"\""));
        csv.push('"');
    } else {
        csv.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(file: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/cases/decimal_comma/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// The openpyxl workbook reads back as the CSV written from the same rows.
    #[test]
    fn the_fixture_workbook_is_its_csv_twin() {
        let sheet = sheet_to_csv("shop.xlsx", &fixture("shop.xlsx"), None).unwrap();
        assert_eq!(sheet.sheets, ["Data", "Notes"]);
        assert_eq!(sheet.sheet, "Data");
        let got = String::from_utf8(sheet.csv).unwrap();
        let want = String::from_utf8(fixture("shop_dot.csv")).unwrap();
        // The CSV writes money with two decimals ("0.00", "12.50"); the workbook holds numbers.
        let same_numbers =
            |a: &str, b: &str| a == b || a.parse::<f64>().is_ok_and(|x| b.parse::<f64>().is_ok_and(|y| x == y));
        for (line, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            let (g, w): (Vec<&str>, Vec<&str>) = (g.split(',').collect(), w.split(',').collect());
            assert_eq!(g.len(), w.len(), "line {}", line + 1);
            for (a, b) in g.iter().zip(&w) {
                assert!(same_numbers(a, b), "line {}: {a} vs {b}", line + 1);
            }
        }
        assert_eq!(got.lines().count(), want.lines().count());
    }

    #[test]
    fn a_chosen_sheet_and_errors() {
        let notes = sheet_to_csv("shop.xlsx", &fixture("shop.xlsx"), Some("Notes")).unwrap();
        assert_eq!(String::from_utf8(notes.csv).unwrap(), "Exported from the shop on 2026-11-16 (one row per user)\n");
        let e = sheet_to_csv("shop.xlsx", &fixture("shop.xlsx"), Some("Nope")).unwrap_err();
        assert!(e.contains("has no sheet \u{201c}Nope\u{201d}; it has Data, Notes"), "{e}");
        let e = sheet_to_csv("a.csv", b"PK\x03\x04 not really a zip", None).unwrap_err();
        assert!(e.contains("\u{201c}a.csv\u{201d} is a zip archive but not a readable .xlsx"), "{e}");
    }

    #[test]
    fn cells_are_written_as_the_core_reads_them() {
        assert_eq!(cell_text(&Data::Float(12.5)), "12.5");
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        let mut s = String::new();
        push_field(&mut s, "desk, top \"x\"");
        assert_eq!(s, "\"desk, top \"\"x\"\"\"");
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let t = |v| cell_text(&Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false)));
        assert_eq!(t(45943.5), "2025-10-13T12:00:00");
        assert_eq!(t(45943.0), "2025-10-13");
    }
}
