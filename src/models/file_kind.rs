//! What a chosen file is, from its first bytes, before any preview: text to read
//! as CSV, a spreadsheet (an .xlsx is a zip: read by the xlsx worker whatever its
//! name), or something that is not text at all (an image, a PDF, an old .xls),
//! which gets a message naming the file instead of a preview full of garbage.

/// The outcome of [`sniff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    Text,
    /// A zip archive: an .xlsx (or .ods, .docx …: the xlsx reader says which).
    Xlsx,
    /// Not text; the message names the file and says what to do.
    Unreadable(String),
}

/// Bytes looked at: enough for any signature and a fair sample of the text.
const SAMPLE: usize = 64 * 1024;
/// Share of the sample (in %) that may be control characters or invalid UTF-8
/// (a Latin-1 export's accents stay well below it; compressed data is ~40 %).
const GARBAGE_PERCENT: usize = 10;

/// Sniffs `head`, the file's first bytes; `name` is for the message.
pub fn sniff(name: &str, head: &[u8]) -> FileKind {
    let named = |what: &str, todo: &str| {
        FileKind::Unreadable(format!("\u{201c}{name}\u{201d} is {what}, not a CSV file, so it cannot be read. {todo}"))
    };
    const SAVE_AS: &str =
        "Open it in your spreadsheet program and save it as CSV (UTF-8) or .xlsx, then choose that file.";
    if head.starts_with(b"PK\x03\x04") {
        return FileKind::Xlsx;
    }
    let signatures: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\xD0\xCF\x11\xE0", "an old Excel (.xls) or Office file"),
        (b"PK\x05\x06", "an empty zip archive"),
    ];
    for (magic, what) in signatures {
        if head.starts_with(magic) {
            let todo = if what.contains("Excel") { SAVE_AS } else { "Choose the CSV export of your test's data." };
            return named(what, todo);
        }
    }
    let sample = &head[..head.len().min(SAMPLE)];
    if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
        return named(
            "saved as UTF-16 text (\u{201c}Unicode text\u{201d})",
            "Save it again as \u{201c}CSV UTF-8\u{201d}, then choose that file.",
        );
    }
    if sample.contains(&0) {
        return named("a binary file (it holds NUL bytes)", "Choose the CSV export of your test's data.");
    }
    if garbage(sample) * 100 > sample.len() * GARBAGE_PERCENT {
        return named("a binary file (most of it is not text)", "Choose the CSV export of your test's data.");
    }
    FileKind::Text
}

/// Bytes of `sample` that are control characters (other than tab, line feed, CR,
/// form feed) or part of an invalid UTF-8 sequence. A sequence cut by the end of
/// the sample is not counted.
fn garbage(sample: &[u8]) -> usize {
    let mut bad = 0;
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => return bad + controls(text),
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                bad += controls(std::str::from_utf8(valid).unwrap_or_default());
                match e.error_len() {
                    Some(n) => {
                        bad += n;
                        rest = &after[n..];
                    }
                    None => return bad, // cut at the end of the sample
                }
            }
        }
    }
}

fn controls(text: &str) -> usize {
    text.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable(kind: FileKind) -> String {
        match kind {
            FileKind::Unreadable(m) => m,
            other => panic!("expected Unreadable, got {other:?}"),
        }
    }

    #[test]
    fn text_files_are_text() {
        assert_eq!(sniff("a.csv", b"variant,converted\nA,1\n"), FileKind::Text);
        assert_eq!(sniff("a.csv", "\u{feff}variante;umsatz\nA;12,50\n".as_bytes()), FileKind::Text);
        // A Latin-1 export: a few invalid UTF-8 bytes (the accents) are still text.
        let latin1: Vec<u8> = b"variant;r\xe9gion;converted\n"
            .iter()
            .chain(b"A;\xcele-de-France;1\n".repeat(50).iter())
            .copied()
            .collect();
        assert_eq!(sniff("a.csv", &latin1), FileKind::Text);
        // A UTF-8 character cut by the end of the head is no garbage.
        assert_eq!(sniff("a.csv", "variant,ville\nA,Zürich\nB,Zü".as_bytes().split_last().unwrap().1), FileKind::Text);
        assert_eq!(sniff("a.csv", b""), FileKind::Text);
    }

    #[test]
    fn a_zip_is_read_as_xlsx_whatever_its_name() {
        assert_eq!(sniff("export.csv", b"PK\x03\x04\x14\x00\x06\x00"), FileKind::Xlsx);
    }

    #[test]
    fn binary_files_get_a_message_naming_them() {
        let png = unreadable(sniff("chart.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(png.contains("\u{201c}chart.csv\u{201d} is a PNG image"), "{png}");
        assert!(unreadable(sniff("old.csv", b"\xD0\xCF\x11\xE0\xA1\xB1\x1a\xe1")).contains("save it as CSV"));
        assert!(unreadable(sniff("u16.csv", b"\xFF\xFEv\0a\0")).contains("UTF-16"));
        assert!(unreadable(sniff("nul.csv", b"variant,converted\nA\0,1\n")).contains("NUL"));
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8 | 0x80).collect();
        assert!(unreadable(sniff("noise.csv", &noise)).contains("not text"));
    }
}
