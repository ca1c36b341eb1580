//! Streaming, quote-aware record splitter (RFC 4180).
//!
//! Chunks may split anywhere — inside a quoted field, between CR and LF, inside a
//! UTF-8 character — because only complete records leave the reader: the
//! unfinished tail waits in a carry-over buffer that holds at most about twice one
//! record, never the file.
//!
//! Fast path (DESIGN.md "Speed": csv-core's byte-at-a-time tokenizer is the
//! bottleneck): the bytes are classified 32 at a time (`classify.rs`: two 16-byte
//! blocks, simd128 in wasm, SWAR elsewhere) into bit masks of delimiters, line
//! feeds, quotes and CRs, and the field ends are read off the masks. Only a record with a `"` or a CR
//! that does not end the line goes through the full RFC 4180 state machine, which
//! may span several physical lines.
//!
//! Line endings are LF, CRLF or a lone CR (as Python's `csv` reads them, so
//! physical line numbers match the reference). A leading UTF-8 BOM is dropped.
//! Blank lines are not records but still count as lines.

use memchr::memchr;

use super::classify::{classify_step, words, STEP};
use crate::error::Result;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record as [`RecordReader`] emits it: its fields borrow the input (fast
/// path) or the unescaped scratch, so they live only for the `emit` call.
pub struct Record<'a> {
    /// Starts with the record; may run on past it (the rest of the chunk).
    pub(super) bytes: &'a [u8],
    pub(super) fields: &'a [(usize, usize)],
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Why the record breaks RFC 4180 quoting (it is then a bad row).
    pub malformed: Option<&'static str>,
}

impl<'a> Record<'a> {
    /// Number of fields (at least 1: blank lines are not records).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Never true for an emitted record; here because `len` is.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Field `i` (`i < len()`), unquoted and unescaped, without its line ending.
    ///
    /// # Panics
    /// When `i >= len()`.
    #[inline(always)]
    pub fn field(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.fields[i];
        &self.bytes[start..end]
    }

    /// Field `i` as `pack_short` packs it. Reads the 16 bytes from the field's
    /// start in one load when the buffer runs on that far.
    #[inline(always)]
    pub(crate) fn short_key(&self, i: usize) -> Option<u128> {
        let (start, end) = self.fields[i];
        match self.bytes.get(start..start + 16) {
            Some(window) if end - start <= 16 => Some(keep(words(window.try_into().expect("16 bytes")), end - start)),
            _ => pack_short(&self.bytes[start..end]),
        }
    }
}

/// A label of at most 16 bytes packed little-endian into a `u128` (zero above its
/// length), so that it compares in one step.
pub(super) fn pack_short(label: &[u8]) -> Option<u128> {
    if label.len() > 16 {
        return None;
    }
    let mut padded = [0; 16];
    padded[..label.len()].copy_from_slice(label);
    Some(keep(words(&padded), label.len()))
}

/// The first `len` bytes of a block's two words, as one `u128`.
#[inline(always)]
fn keep((lo, hi): (u64, u64), len: usize) -> u128 {
    // Masked in u64 halves: a variable u128 shift is a libcall in wasm.
    let mask = |word: u64, bytes: usize| if bytes >= 8 { word } else { word & ((1 << (8 * bytes)) - 1) };
    u128::from(mask(hi, len.saturating_sub(8))) << 64 | u128::from(mask(lo, len))
}

/// Streaming RFC 4180 reader: feed chunks in with [`push`](Self::push), then
/// call [`finish`](Self::finish); `emit` is called once per complete record, in
/// order. Line endings LF, CRLF or a lone CR (as Python's `csv`); a leading
/// UTF-8 BOM is dropped; blank lines are skipped but counted in
/// [`Record::line`].
///
/// ```
/// use kpilab_core::csv::RecordReader;
/// let mut rows = Vec::new();
/// let mut emit = |r: &kpilab_core::csv::Record<'_>| -> kpilab_core::Result<()> {
///     rows.push((r.line, (0..r.len()).map(|i| r.field(i).to_vec()).collect::<Vec<_>>()));
///     Ok(())
/// };
/// let mut reader = RecordReader::new(b',');
/// reader.push(b"a,\"b\"\"c\"\r1,2", &mut emit).unwrap();
/// reader.finish(&mut emit).unwrap();
/// assert_eq!(rows, vec![(1, vec![b"a".to_vec(), b"b\"c".to_vec()]), (2, vec![b"1".to_vec(), b"2".to_vec()])]);
/// ```
pub struct RecordReader {
    splitter: Splitter,
    carry: Vec<u8>,
    bom_pending: bool,
}

impl RecordReader {
    /// A reader splitting fields on `delimiter` (`b','`, `b';'`, `b'\t'` …).
    pub fn new(delimiter: u8) -> Self {
        RecordReader {
            splitter: Splitter { delimiter, scratch: Vec::new(), fields: Vec::new(), line: 1 },
            carry: Vec::new(),
            bom_pending: true,
        }
    }

    /// Reads the next chunk (it may end anywhere, even inside a quoted field or
    /// a UTF-8 character) and emits the records it completes. An error from
    /// `emit` stops the reading and is returned.
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

/// Slices of one file read in parallel (SDK.md §7, `evaluate::slice`): a reader
/// that starts mid-file, its line counter and its unfinished record.
impl RecordReader {
    /// A reader for bytes that start at a record boundary inside a file: no BOM
    /// is dropped (one there is data); records are numbered from line 1.
    pub fn mid_file(delimiter: u8) -> Self {
        RecordReader { bom_pending: false, ..RecordReader::new(delimiter) }
    }

    /// The physical line the next record starts on.
    pub fn line(&self) -> u64 {
        self.splitter.line
    }

    /// Renumbers: the next record starts on `line`.
    pub fn set_line(&mut self, line: u64) {
        self.splitter.line = line;
    }

    /// The unfinished record held back (empty: the bytes so far end at a record
    /// boundary, outside quotes).
    pub fn pending(&self) -> &[u8] {
        &self.carry
    }

    /// Byte length of the first record of `data` with what precedes it (a BOM,
    /// blank lines) and its line ending; `None` when `data` ends before the record
    /// does and more may follow (`at_end` false). All of `data` when it holds no
    /// record and `at_end`.
    pub fn first_record_len(delimiter: u8, data: &[u8], at_end: bool) -> Option<usize> {
        if !at_end && data.len() < BOM.len() && BOM.starts_with(data) {
            return None;
        }
        let mut splitter = Splitter { delimiter, scratch: Vec::new(), fields: Vec::new(), line: 1 };
        let mut pos = if data.starts_with(BOM) { BOM.len() } else { 0 };
        while pos < data.len() {
            match splitter.plain(data, pos, at_end) {
                Plain::Record { next } => return Some(next),
                Plain::Blank { next } => pos = next,
                Plain::Incomplete => return None,
                Plain::NeedsQuoting => match splitter.quoted(&data[pos..], at_end) {
                    Quoted::Incomplete => return None,
                    Quoted::Blank(consumed) => pos += consumed,
                    Quoted::Record { consumed, .. } => return Some(pos + consumed),
                },
            }
        }
        at_end.then_some(data.len())
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

/// What the fast path made of the bytes at a record start.
enum Plain {
    /// A record whose fields are in `Splitter::fields`; the next record starts at `next`.
    Record { next: usize },
    /// A line with nothing on it.
    Blank { next: usize },
    /// A quote or a stray CR (or too little input to tell): the state machine decides.
    NeedsQuoting,
    /// No line end in the buffer yet.
    Incomplete,
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
            let (bytes, lines, malformed, next) = match self.plain(buf, pos, at_end) {
                Plain::Record { next } => (&buf[pos..], 1, None, next),
                Plain::Blank { next } => {
                    self.line += 1;
                    pos = next;
                    continue;
                }
                Plain::Incomplete => break,
                Plain::NeedsQuoting => match self.quoted(&buf[pos..], at_end) {
                    Quoted::Incomplete => break,
                    Quoted::Blank(consumed) => {
                        self.line += 1;
                        pos += consumed;
                        continue;
                    }
                    Quoted::Record { consumed, lines, malformed } => {
                        (&self.scratch[..], lines, malformed, pos + consumed)
                    }
                },
            };
            // One call site, so that the handler is inlined into this loop.
            emit(&Record { bytes, fields: &self.fields, line: self.line, malformed })?;
            self.line += lines;
            pos = next;
        }
        Ok(pos)
    }

    /// Splits the line starting at `buf[pos]` into `self.fields` (offsets from
    /// `pos`) when it has no quote and no CR other than a CRLF line end.
    #[inline(always)]
    fn plain(&mut self, buf: &[u8], pos: usize, at_end: bool) -> Plain {
        self.fields.clear();
        let mut start = 0;
        let mut block = pos;
        loop {
            let (m, valid) = match buf.get(block..block + STEP) {
                Some(b) => (classify_step(b.try_into().expect("STEP bytes"), self.delimiter), u32::MAX),
                None => {
                    let mut padded = [0; STEP];
                    padded[..buf.len() - block].copy_from_slice(&buf[block..]);
                    (classify_step(&padded, self.delimiter), (1 << (buf.len() - block)) - 1)
                }
            };
            // Bits up to and including the first line feed.
            let upto = if m.lf != 0 { m.lf ^ (m.lf - 1) } else { valid };
            // A CR is plain only right before a line feed.
            let mut stray_cr = m.cr & !(m.lf >> 1) & upto;
            if stray_cr == 1 << (STEP - 1) && buf.get(block + STEP) == Some(&b'\n') {
                stray_cr = 0;
            }
            if (m.quote & upto) | stray_cr != 0 {
                return Plain::NeedsQuoting;
            }
            let mut hits = m.field_end & upto;
            while hits != 0 {
                let at = block - pos + hits.trailing_zeros() as usize;
                self.fields.push((start, at));
                start = at + 1;
                hits &= hits - 1;
            }
            if m.lf != 0 {
                let lf_at = start - 1;
                let last = self.fields.last_mut().expect("the line feed ends a field");
                if lf_at > 0 && buf[pos + lf_at - 1] == b'\r' {
                    last.1 -= 1;
                }
                let next = pos + start;
                return if self.fields.len() == 1 && self.fields[0] == (0, 0) {
                    Plain::Blank { next }
                } else {
                    Plain::Record { next }
                };
            }
            if valid != u32::MAX {
                if !at_end {
                    return Plain::Incomplete;
                }
                self.fields.push((start, buf.len() - pos));
                return Plain::Record { next: buf.len() };
            }
            block += STEP;
        }
    }

    /// Full RFC 4180 reading of one record starting at `rest[0]`. Lenient where
    /// Python's strict reader would raise: text after a closing quote or an
    /// unclosed quote at the end of input mark the record `malformed` (a bad row).
    #[inline(never)]
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
    fn crlf_and_lone_cr_at_every_block_offset() {
        // Line feeds and CRs land at every position of a 16-byte block, including
        // a CR closing one block and its LF opening the next.
        for pad in 0..40 {
            let head = "x".repeat(pad);
            let want = vec![rec(1, &[&head, "1"]), rec(2, &["y", "2"]), rec(3, &["z", "3"])];
            assert_eq!(read(&format!("{head},1\r\ny,2\r\nz,3\r\n")), want, "CRLF, pad {pad}");
            assert_eq!(read(&format!("{head},1\ry,2\rz,3")), want, "lone CR, pad {pad}");
            assert_eq!(read(&format!("{head},1\ny,2\r\nz,3\r")), want, "mixed, pad {pad}");
            let quoted = read(&format!("{head},\"1\"\r\n\r\ny,2\n\"z\",3"));
            assert_eq!(quoted, vec![rec(1, &[&head, "1"]), rec(3, &["y", "2"]), rec(4, &["z", "3"])], "pad {pad}");
        }
    }

    #[test]
    fn short_keys_pack_fields_of_up_to_16_bytes() {
        let line = b"a,control,0123456789abcdef,0123456789abcdefg,\n";
        let fields = [(0, 1), (2, 9), (10, 26), (27, 44), (45, 45)];
        let key = |s: &[u8]| s.iter().rev().fold(0u128, |k, &b| k << 8 | u128::from(b));
        // The same keys whether the buffer runs on past the field or ends with it.
        for bytes in [&line[..], &line[..45]] {
            let r = Record { bytes, fields: &fields, line: 1, malformed: None };
            assert_eq!(r.short_key(0), Some(u128::from(b'a')));
            assert_eq!(r.short_key(1), Some(key(b"control")));
            assert_eq!(r.short_key(2), Some(key(b"0123456789abcdef")));
            assert_eq!(r.short_key(3), None);
            assert_eq!(r.short_key(4), Some(0));
        }
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
