//! One file read in parallel slices (SDK.md §7 `evaluateFile`): each slice of
//! bytes is evaluated on its own (a worker each) into a [`SliceState`], and a
//! [`SliceMerger`] adds the states up in file order. The result equals
//! `evaluate_csv` on the whole file: the same rows, labels in the same order, the
//! same row errors with the same line numbers, counts exact; the numbers agree
//! within 1e-12 relative, absolute for numbers under 1 (re-shifted sums, see
//! `accumulate::merge`).
//!
//! Record boundaries under RFC 4180 quoting: a slice after the first *guesses*
//! that its first line feed ends a record outside quotes, keeps the bytes up to
//! it (`prefix`) and reads from there. The merger reads those bytes after the
//! previous slice's unfinished record (`tail`): when they end exactly at a record
//! boundary the guess held and the slice's rows are added; otherwise (a quoted
//! field spans the line feed; rare) [`SliceMerger::absorb`] says so and the
//! caller feeds that slice's bytes after its prefix to [`SliceMerger::push`],
//! which reads them in order: correct in every case, slower only on a miss.
//!
//! Not split ([`can_split`]): `userColumn` files, read in user partitions
//! instead (`partition`: a user's rows lie anywhere in the file, and partitions
//! share the per-user work out where merging slices' users would redo it on one
//! worker); the event-level rules of §4 (a user's exposure, windows and
//! contamination depend on their rows in earlier slices) and time-to-event KPIs
//! (their counts per time are not merged), read on one worker (`CsvEvaluator`).

use memchr::memchr;
use serde::{Deserialize, Serialize};

use super::aggregates::Finished;
use super::evaluator::prepare;
use super::layout::Layout;
use super::rows::{Rows, RowsState};
use super::types::{EvalConfig, Evaluation, KpiKind, OnBadRow, Progress};
use crate::csv::RecordReader;
use crate::error::{KpilabError, Result};

/// Whether `evaluateFile` may split this config's file into byte slices: no
/// `userColumn`, no event-level rule, no time-to-event KPI. Errors are the config's own.
pub fn can_split(config: &EvalConfig) -> Result<bool> {
    Ok(config.user_column.is_none() && rows_stand_alone(config)?)
}

/// No event-level rule and no time-to-event KPI: each row (or user) adds to
/// moments on its own, so parts of a file can be read apart and added up
/// (byte slices here, user partitions in `partition`).
pub(super) fn rows_stand_alone(config: &EvalConfig) -> Result<bool> {
    let layout = Layout::from_config(config)?;
    Ok(layout.events.is_none() && !config.kpis.iter().any(|k| k.kind == KpiKind::TimeToEvent))
}

/// Byte length of the file's header record with what precedes it (a BOM, blank
/// lines) and its line ending, from the file's first bytes `data`; `None`: read
/// more bytes (`at_end`: `data` is the whole file).
pub fn header_len(config: &EvalConfig, data: &[u8], at_end: bool) -> Result<Option<usize>> {
    let layout = Layout::from_config(config)?;
    Ok(RecordReader::first_record_len(layout.delimiter, data, at_end))
}

/// A slice's partial evaluation: plain data, to cross a worker boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SliceState {
    /// The bytes before the slice's guessed first record (through its first line feed).
    prefix: Vec<u8>,
    /// The unfinished record at the slice's end.
    tail: Vec<u8>,
    /// Physical lines of the records read (between prefix and tail).
    lines: f64,
    rows: RowsState,
}

impl SliceState {
    /// Length of `prefix`: after a miss, the slice's bytes from here on go to `SliceMerger::push`.
    pub fn prefix_len(&self) -> usize {
        self.prefix.len()
    }
}

/// Evaluates one slice of a file: the bytes from a start offset to an end offset.
pub struct SliceEvaluator {
    config: EvalConfig,
    reader: RecordReader,
    rows: Rows,
    prefix: Vec<u8>,
    /// Still before the first line feed (slices that do not start at a known boundary).
    in_prefix: bool,
    bytes: u64,
    failed: Option<KpilabError>,
}

impl SliceEvaluator {
    /// `header`: the file's first `header_len` bytes. `at_record_start`: the
    /// slice starts right after the header (the first slice); otherwise anywhere.
    pub fn new(config: &EvalConfig, header: &[u8], at_record_start: bool) -> Result<Self> {
        if !can_split(config)? {
            let field = if config.user_column.is_some() { "userColumn" } else { "kpis" };
            return Err(KpilabError::unsupported(
                field,
                "a config with userColumn is read in user partitions (CsvPartitionEvaluator), one with event-level rules or a timeToEvent KPI on one worker (CsvEvaluator on the whole file)",
            ));
        }
        // Bad rows are collected; the merger turns the first into the error of onBadRow "fail".
        let config = EvalConfig { on_bad_row: OnBadRow::Skip, ..config.clone() };
        let (mut rows, mut head) = Rows::after_header(&config, header)?;
        rows.finish_plain(&mut head, &config)?;
        Ok(SliceEvaluator {
            reader: RecordReader::mid_file(rows.layout.delimiter),
            config,
            rows,
            prefix: Vec::new(),
            in_prefix: !at_record_start,
            bytes: 0,
            failed: None,
        })
    }

    /// The slice's next bytes, in order, split anywhere.
    pub fn push(&mut self, mut chunk: &[u8]) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.bytes += chunk.len() as u64;
        if self.in_prefix {
            let Some(lf) = memchr(b'\n', chunk) else {
                self.prefix.extend_from_slice(chunk);
                return Ok(());
            };
            self.prefix.extend_from_slice(&chunk[..=lf]);
            chunk = &chunk[lf + 1..];
            self.in_prefix = false;
        }
        let outcome = self.rows.read_plain(&mut self.reader, chunk, &self.config);
        if let Err(e) = &outcome {
            self.failed = Some(e.clone());
        }
        outcome
    }

    pub fn progress(&self) -> Progress {
        Progress { bytes: self.bytes as f64, rows: self.rows.tally.read as f64 }
    }

    /// The slice's state; its unfinished last record stays unread (`tail`).
    pub fn finish(self) -> Result<SliceState> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        Ok(SliceState {
            prefix: self.prefix,
            tail: self.reader.pending().to_vec(),
            lines: (self.reader.line() - 1) as f64,
            rows: self.rows.export(),
        })
    }
}

/// Adds slice states up in file order into one `Evaluation`.
pub struct SliceMerger {
    config: EvalConfig,
    reader: RecordReader,
    rows: Rows,
    failed: Option<KpilabError>,
}

impl SliceMerger {
    /// `header`: the file's first `header_len` bytes.
    pub fn new(config: EvalConfig, header: &[u8]) -> Result<Self> {
        let (rows, reader) = Rows::after_header(&config, header)?;
        Ok(SliceMerger { config, reader, rows, failed: None })
    }

    /// Adds the next slice. `Ok(false)`: its guessed first record was wrong (a
    /// quoted field spans its first line feed); pass the slice's bytes after
    /// `prefix_len()` to `push`, then go on with the next slice.
    pub fn absorb(&mut self, slice: &SliceState) -> Result<bool> {
        self.push(&slice.prefix)?;
        if !self.reader.pending().is_empty() {
            return Ok(false);
        }
        let first_line = self.reader.line();
        if let Err(e) = self.rows.absorb(&slice.rows, first_line) {
            self.failed = Some(e.clone());
            return Err(e);
        }
        self.reader.set_line(first_line + slice.lines as u64);
        self.push(&slice.tail)?;
        Ok(true)
    }

    /// File bytes read in order (a slice whose guess missed, or a whole file).
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let outcome = self.rows.read_plain(&mut self.reader, chunk, &self.config);
        if let Err(e) = &outcome {
            self.failed = Some(e.clone());
        }
        outcome
    }

    pub fn finish(self) -> Result<Evaluation> {
        self.end()?.evaluate()
    }

    /// Ends the merge: its aggregates (SDK.md §6) and its evaluation from there,
    /// as `CsvEvaluator::end` on the whole file.
    pub fn end(mut self) -> Result<Finished> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.rows.finish_plain(&mut self.reader, &self.config)?;
        let prepared = prepare(&self.rows, &self.config)?;
        Ok(Finished { prepared, config: self.config })
    }
}
