//! Streaming, quote-aware record splitter (RFC 4180).
//!
//! Chunks may split anywhere — inside a quoted field, between CR and LF, inside a
//! UTF-8 character — because only complete records leave the reader: the
//! unfinished tail waits in a carry-over buffer that holds at most about twice one
//! record, never the file.
//!
//! Fast path (DESIGN.md "Speed": csv-core's byte-at-a-time tokenizer is the
//! bottleneck): the line end is found with memchr, then one SWAR pass (8 bytes per
//! step, portable to wasm) finds the delimiters and checks for `"` or a stray CR.
//! Only a line with one of those goes through the full RFC 4180 state machine,
//! which may span several physical lines.
//!
//! Line endings are LF, CRLF or a lone CR (as Python's `csv` reads them, so
//! physical line numbers match the reference). A leading UTF-8 BOM is dropped.
//! Blank lines are not records but still count as lines.

use memchr::memchr;

use crate::error::Result;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record: its fields borrow the input (fast path) or the unescaped scratch.
pub(crate) struct Record<'a> {
    bytes: &'a [u8],
    fields: &'a [(usize, usize)],
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Why the record breaks RFC 4180 quoting (it is then a bad row).
    pub malformed: Option<&'static str>,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    #[inline]
    pub fn field(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.fields[i];
        &self.bytes[start..end]
    }
}

/// Feeds chunks in, calls `emit` once per complete record, in order.
pub(crate) struct RecordReader {
    splitter: Splitter,
    carry: Vec<u8>,
    bom_pending: bool,
}

impl RecordReader {
    pub fn new(delimiter: u8) -> Self {
        RecordReader {
            splitter: Splitter { delimiter, scratch: Vec::new(), fields: Vec::new(), line: 1 },
            carry: Vec::new(),
            bom_pending: true,
        }
    }

    pub fn push<F: FnMut(&Record) -> Result<()>>(&mut self, mut chunk: &[u8], emit: &mut F) -> Result<()> {
        if self.bom_pending {
            // The BOM itself may be split across chunks: hold up to 3 bytes until we know.
            let want = (BOM.len() - self.carry.len()).min(chunk.len());
            self.carry.extend_from_slice(&chunk[..want]);
            chunk = &chunk[want..];
            if self.carry.len() < BOM.len() && BOM.starts_with(&self.carry) {
                return Ok(());
            }
            self.bom_pending = false;
            if self.carry == BOM {
                self.carry.clear();
            }
        }
        // Finish the pending record with bytes from this chunk. Take at least as many
        // bytes as are already carried (through the next LF) so that a long quoted
        // record spanning many chunks is rescanned only O(log n) times.
        while !self.carry.is_empty() && !chunk.is_empty() {
            let target = self.carry.len().min(chunk.len());
            let take = memchr(b'\n', &chunk[target..]).map_or(chunk.len(), |i| target + i + 1);
            self.carry.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            let used = self.splitter.drain(&self.carry, false, emit)?;
            self.carry.drain(..used);
        }
        if self.carry.is_empty() {
            let used = self.splitter.drain(chunk, false, emit)?;
            self.carry.extend_from_slice(&chunk[used..]);
        }
        Ok(())
    }

    /// End of input: whatever is left is the last record (no final newline needed).
    pub fn finish<F: FnMut(&Record) -> Result<()>>(&mut self, emit: &mut F) -> Result<()> {
        self.bom_pending = false;
        let carry = std::mem::take(&mut self.carry);
        self.splitter.drain(&carry, true, emit)?;
        Ok(())
    }
}

struct Splitter {
    delimiter: u8,
    /// Unescaped bytes of the current quoted record.
    scratch: Vec<u8>,
    /// `(start, end)` of each field of the current record.
    fields: Vec<(usize, usize)>,
    /// Physical line of the next record.
    line: u64,
}

const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// High bit set in exactly the bytes of `word` equal to `byte` (no false positives:
/// the per-byte addition never carries into the next byte).
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS)
}

/// Splits a line (without its line end) on `delimiter` into `fields`; `false` when
/// it holds a `"` or a CR, which need the RFC 4180 state machine.
#[inline]
fn split_plain_line(line: &[u8], delimiter: u8, fields: &mut Vec<(usize, usize)>) -> bool {
    fields.clear();
    let mut start = 0;
    let mut words = line.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        if bytes_equal(w, b'"') | bytes_equal(w, b'\r') != 0 {
            return false;
        }
        let mut hits = bytes_equal(w, delimiter);
        while hits != 0 {
            let at = base + (hits.trailing_zeros() / 8) as usize;
            fields.push((start, at));
            start = at + 1;
            hits &= hits - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            fields.push((start, base + i));
            start = base + i + 1;
        } else if b == b'"' || b == b'\r' {
            return false;
        }
    }
    fields.push((start, line.len()));
    true
}

enum Quoted {
    /// The record continues past the available bytes.
    Incomplete,
    /// A line ending with nothing before it: consumed bytes.
    Blank(usize),
    Record {
        consumed: usize,
        lines: u64,
        malformed: Option<&'static str>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
}

impl Splitter {
    /// Emits every complete record of `buf` and returns the bytes consumed; with
    /// `at_end` the unterminated tail is a record too.
    fn drain<F: FnMut(&Record) -> Result<()>>(&mut self, buf: &[u8], at_end: bool, emit: &mut F) -> Result<usize> {
        let mut pos = 0;
        while pos < buf.len() {
            let rest = &buf[pos..];
            let (line_len, next) = match memchr(b'\n', rest) {
                Some(i) => (i, i + 1),
                None if at_end => (rest.len(), rest.len()),
                None => break,
            };
            let mut line = &rest[..line_len];
            if let [head @ .., b'\r'] = line {
                line = head;
            }
            if line.is_empty() {
                self.line += 1;
                pos += next;
                continue;
            }
            if split_plain_line(line, self.delimiter, &mut self.fields) {
                emit(&Record { bytes: line, fields: &self.fields, line: self.line, malformed: None })?;
                self.line += 1;
                pos += next;
                continue;
            }
            match self.quoted(rest, at_end) {
                Quoted::Incomplete => break,
                Quoted::Blank(consumed) => {
                    self.line += 1;
                    pos += consumed;
                }
                Quoted::Record { consumed, lines, malformed } => {
                    emit(&Record { bytes: &self.scratch, fields: &self.fields, line: self.line, malformed })?;
                    self.line += lines;
                    pos += consumed;
                }
            }
        }
        Ok(pos)
    }

    /// Full RFC 4180 reading of one record starting at `rest[0]`. Lenient where
    /// Python's strict reader would raise: text after a closing quote or an
    /// unclosed quote at the end of input mark the record `malformed` (a bad row).
    fn quoted(&mut self, rest: &[u8], at_end: bool) -> Quoted {
        let (delim, quote) = (self.delimiter, b'"');
        self.scratch.clear();
        self.fields.clear();
        let mut state = State::FieldStart;
        let mut field_start = 0;
        let mut embedded_lines = 0;
        let mut malformed = None;
        let mut i = 0;
        let terminator_len;
        loop {
            let Some(&b) = rest.get(i) else {
                if !at_end {
                    return Quoted::Incomplete;
                }
                if state == State::Quoted {
                    malformed = Some("a quoted field is never closed");
                }
                terminator_len = 0;
                break;
            };
            if state == State::Quoted {
                if b == quote {
                    state = State::QuoteInQuoted;
                } else {
                    self.scratch.push(b);
                    if b == b'\n' {
                        embedded_lines += 1;
                    } else if b == b'\r' {
                        match rest.get(i + 1) {
                            Some(b'\n') => {} // counted with the LF
                            Some(_) => embedded_lines += 1,
                            None if at_end => embedded_lines += 1,
                            None => return Quoted::Incomplete,
                        }
                    }
                }
            } else if b == delim {
                self.fields.push((field_start, self.scratch.len()));
                field_start = self.scratch.len();
                state = State::FieldStart;
            } else if b == b'\n' || b == b'\r' {
                terminator_len = match (b, rest.get(i + 1)) {
                    (b'\r', Some(b'\n')) => 2,
                    (b'\r', None) if !at_end => return Quoted::Incomplete,
                    _ => 1,
                };
                break;
            } else {
                match state {
                    State::FieldStart if b == quote => state = State::Quoted,
                    State::QuoteInQuoted if b == quote => {
                        self.scratch.push(quote);
                        state = State::Quoted;
                    }
                    State::QuoteInQuoted => {
                        malformed.get_or_insert("text follows a closing quote");
                        self.scratch.push(b);
                        state = State::Unquoted;
                    }
                    _ => {
                        self.scratch.push(b);
                        state = State::Unquoted;
                    }
                }
            }
            i += 1;
        }
        if state == State::FieldStart && self.fields.is_empty() {
            return Quoted::Blank(i + terminator_len);
        }
        self.fields.push((field_start, self.scratch.len()));
        Quoted::Record { consumed: i + terminator_len, lines: embedded_lines + 1, malformed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, fields, malformed) of every record.
    type Rec = (u64, Vec<String>, Option<&'static str>);

    fn read_chunks(chunks: &[&[u8]], delimiter: u8) -> Vec<Rec> {
        let mut out = Vec::new();
        let mut emit = |r: &Record| {
            let fields = (0..r.len()).map(|i| String::from_utf8_lossy(r.field(i)).into_owned()).collect();
            out.push((r.line, fields, r.malformed));
            Ok(())
        };
        let mut reader = RecordReader::new(delimiter);
        for c in chunks {
            reader.push(c, &mut emit).unwrap();
        }
        reader.finish(&mut emit).unwrap();
        out
    }

    fn read(data: &str) -> Vec<Rec> {
        read_chunks(&[data.as_bytes()], b',')
    }

    fn rec(line: u64, fields: &[&str]) -> Rec {
        (line, fields.iter().map(|s| s.to_string()).collect(), None)
    }

    #[test]
    fn splits_plain_lines_lf_and_crlf() {
        let want = vec![rec(1, &["a", "b", "c"]), rec(2, &["1", "", "3"]), rec(3, &["x", "y", "z"])];
        assert_eq!(read("a,b,c\n1,,3\nx,y,z\n"), want);
        assert_eq!(read("a,b,c\r\n1,,3\r\nx,y,z\r\n"), want);
        assert_eq!(read("a,b,c\r\n1,,3\nx,y,z"), want, "mixed endings, no final newline");
        assert_eq!(read("a,b,c\r1,,3\rx,y,z\r"), want, "lone CR");
    }

    #[test]
    fn drops_bom_and_counts_blank_lines() {
        let got = read("\u{feff}a,b\n\n1,2\r\n\r\n\n3,4\n\n");
        assert_eq!(got, vec![rec(1, &["a", "b"]), rec(3, &["1", "2"]), rec(6, &["3", "4"])]);
        // A BOM later in the file is data.
        assert_eq!(read("a\n\u{feff}b\n")[1].1, vec!["\u{feff}b".to_string()]);
    }

    #[test]
    fn reads_rfc4180_quoting() {
        let got = read("name,note\n\"Smith, J.\",\"said \"\"hi\"\"\"\n\"multi\nline\r\nfield\",x\nlast,\"\"\n");
        assert_eq!(
            got,
            vec![
                rec(1, &["name", "note"]),
                rec(2, &["Smith, J.", "said \"hi\""]),
                rec(3, &["multi\nline\r\nfield", "x"]),
                rec(6, &["last", ""]),
            ]
        );
        // A quote inside an unquoted field is literal (csv-core, Python).
        assert_eq!(read("a\"b,c\n"), vec![rec(1, &["a\"b", "c"])]);
        // Only a quoted empty field: one record with one empty field, not a blank line.
        assert_eq!(read("\"\"\n"), vec![rec(1, &[""])]);
        assert_eq!(read("a,\n"), vec![rec(1, &["a", ""])]);
    }

    #[test]
    fn flags_malformed_quoting() {
        let got = read("a,b\n\"x\"y,1\n2,3\n\"open,4\n5,6\n");
        assert_eq!(got[1], (2, vec!["xy".into(), "1".into()], Some("text follows a closing quote")));
        assert_eq!(got[2], rec(3, &["2", "3"]));
        // The unclosed quote swallows the rest of the input.
        assert_eq!(got[3], (4, vec!["open,4\n5,6\n".into()], Some("a quoted field is never closed")));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn swar_split_finds_every_delimiter_and_refuses_quotes() {
        let mut fields = Vec::new();
        for len in 0..40 {
            for pattern in 0..8u32 {
                // Delimiters at pseudo-random places, including word boundaries.
                let line: Vec<u8> = (0..len)
                    .map(|i| if matches!((i * 7 + pattern as usize) % 5, 0) { b';' } else { b'a' + (i % 26) as u8 })
                    .collect();
                assert!(split_plain_line(&line, b';', &mut fields));
                let want: Vec<&[u8]> = line.split(|&b| b == b';').collect();
                let got: Vec<&[u8]> = fields.iter().map(|&(s, e)| &line[s..e]).collect();
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&line));
                for special in [b'"', b'\r'] {
                    for at in 0..len {
                        let mut bad = line.clone();
                        bad[at] = special;
                        assert!(!split_plain_line(&bad, b';', &mut fields));
                    }
                }
            }
        }
        // Non-ASCII bytes never match (no false positives from the high bit).
        assert!(split_plain_line("é,\u{ff}€,x".as_bytes(), b',', &mut fields));
        assert_eq!(fields.len(), 3);
    }

    #[test]
    fn semicolon_delimiter() {
        assert_eq!(read_chunks(&[b"a;b\n\"1;5\";2,5\n"], b';'), vec![rec(1, &["a", "b"]), rec(2, &["1;5", "2,5"])]);
    }

    #[test]
    fn every_chunking_gives_the_same_records() {
        let data = "\u{feff}id,name,v\r\n1,\"Zoë, \"\"the\"\" first\",3\r\n\r\n2,\"two\nlines\",4\n3,plain,5\r4,é,6\n\"\",,\n5,\"end";
        let bytes = data.as_bytes();
        let whole = read_chunks(&[bytes], b',');
        assert_eq!(whole.len(), 7);
        assert_eq!(whole[6], (9, vec!["5".into(), "end".into()], Some("a quoted field is never closed")));
        for size in 1..=bytes.len() {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(read_chunks(&chunks, b','), whole, "chunk size {size}");
        }
        // Every single split point, and every pair of split points.
        for a in 0..=bytes.len() {
            for b in a..=bytes.len() {
                let got = read_chunks(&[&bytes[..a], &bytes[a..b], &bytes[b..]], b',');
                assert_eq!(got, whole, "splits at {a}, {b}");
            }
        }
    }

    #[test]
    fn carry_stays_bounded_by_a_record() {
        // A long stream pushed in small chunks keeps only a partial record around.
        let line = "12345,control,desktop,1,99.5\n";
        let data = line.repeat(2000);
        let mut reader = RecordReader::new(b',');
        let mut n = 0;
        let mut emit = |_: &Record| {
            n += 1;
            Ok(())
        };
        for c in data.as_bytes().chunks(7) {
            reader.push(c, &mut emit).unwrap();
            assert!(reader.carry.len() <= 2 * line.len() + 7);
        }
        reader.finish(&mut emit).unwrap();
        assert_eq!(n, 2000);
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"a,\"\r\n;\xff\xef\xbb\xbf1";
        for _ in 0..300 {
            let len = (seed % 40) as usize;
            let mut bytes = Vec::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let whole = read_chunks(&[&bytes], b',');
            let chunks: Vec<&[u8]> = bytes.chunks(3).collect();
            assert_eq!(read_chunks(&chunks, b','), whole, "{bytes:?}");
        }
    }
}
