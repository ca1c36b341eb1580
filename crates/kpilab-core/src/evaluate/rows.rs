//! One record at a time: the header, then row checks, row accounting and the
//! hand-off of good rows to the accumulator (SDK.md §3 "CSV rules", reference
//! `parse_csv`). No allocation per row: labels are looked up by their bytes and the
//! parsed values land in a reused buffer.

mod merge;
mod partition;

use super::accumulate::Accumulator;
use super::layout::{Columns, KpiTerms, Layout};
use super::time_to_event::SurvivalAcc;
use super::types::{EvalConfig, OnBadRow, RowError, RowReport};
use crate::csv::labels::{Labels, UserIds, Vacant};
use crate::csv::number::parse_number_in;
use crate::csv::Decimal;
use crate::csv::{Record, RecordReader};
use crate::error::{KpilabError, Result};
use crate::evaluate::events::{Events, RowOutcome};
pub(crate) use merge::RowsState;
use partition::Partition;
pub use partition::PartitionState;

/// Bad rows listed in `rows.errors`; the rest are only counted (bounded memory).
pub const MAX_ROW_ERRORS: usize = 1000;

/// Row accounting: `read` data records, of which `skipped` were bad.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub read: u64,
    pub skipped: u64,
    /// Rows of arms not in `analysis.variants`.
    pub excluded: u64,
    pub errors: Vec<RowError>,
    pub errors_not_listed: u64,
    fail: bool,
}

impl Tally {
    /// Records a bad row; with `onBadRow: "fail"` it is a `CSV_PARSE` error instead.
    pub(crate) fn bad(&mut self, line: u64, message: String) -> Result<()> {
        self.skipped += 1;
        if self.fail {
            return Err(failure(line, &message));
        }
        if self.errors.len() < MAX_ROW_ERRORS {
            self.errors.push(RowError { line: line as f64, message });
        } else {
            self.errors_not_listed += 1;
        }
        Ok(())
    }

    pub fn report(&self) -> RowReport {
        RowReport {
            read: self.read as f64,
            // SDK.md §3: used = read - skipped; excluded rows are good rows left out by choice.
            used: (self.read - self.skipped) as f64,
            skipped: self.skipped as f64,
            excluded: self.excluded as f64,
            errors: self.errors.clone(),
            errors_not_listed: self.errors_not_listed as f64,
        }
    }
}

/// The error of a bad row under `onBadRow: "fail"`.
fn failure(line: u64, message: &str) -> KpilabError {
    KpilabError::csv("", format!("line {line}: {message} (onBadRow is \"fail\"; use \"skip\" to skip such rows)"))
}

/// With `userColumn`: each user's variant and segments (from their first row) and
/// the sums of their value columns; folded into the accumulator at the end.
#[derive(Default)]
pub(crate) struct Users {
    ids: UserIds,
    variant: Vec<u32>,
    /// `segment_columns` group ids per user.
    groups: Vec<u32>,
    /// `layout.values.len()` sums per user.
    values: Vec<f64>,
    /// Users whose later rows name another variant than their first row.
    pub switched_variant: u64,
}

impl Users {
    /// A row of `user`: a new user takes the row's variant and groups (0 first);
    /// a known one keeps those of their first row and adds up the values.
    #[inline(always)]
    fn add(&mut self, user: &[u8], variant: u32, groups: &[u32], values: &[f64]) {
        match self.ids.find(user) {
            Ok(id) => self.add_to(id, self.variant[id as usize] == variant, values),
            Err(vacant) => self.insert(vacant, user, variant, groups, values),
        }
    }

    /// A later row of user `id`; `same_variant` is whether it names their first
    /// row's variant.
    fn add_to(&mut self, id: u32, same_variant: bool, values: &[f64]) {
        if !same_variant {
            self.switched_variant += 1;
        }
        let u = id as usize;
        let n = values.len();
        for (sum, &x) in self.values[u * n..(u + 1) * n].iter_mut().zip(values) {
            *sum += x;
        }
    }

    fn insert(&mut self, vacant: Vacant, user: &[u8], variant: u32, groups: &[u32], values: &[f64]) {
        self.ids.insert_at(vacant, user);
        self.variant.push(variant);
        self.groups.extend_from_slice(&groups[1..]);
        self.values.extend_from_slice(values);
    }
}

pub(crate) struct Rows {
    pub layout: Layout,
    pub columns: Option<Columns>,
    pub tally: Tally,
    pub variants: Labels,
    /// With `analysis.variants`: the arms to evaluate, and the other labels seen.
    wanted: Option<Vec<String>>,
    pub excluded: Labels,
    /// Per segment column: its values, and the group id of each value.
    pub segments: Vec<Labels>,
    pub segment_groups: Vec<Vec<u32>>,
    group_count: u32,
    pub acc: Accumulator,
    /// Time-to-event KPIs: counts per time (fed wherever `acc` is).
    pub survival: SurvivalAcc,
    pub users: Option<Users>,
    /// Reading as one partition of the users (`partition`): rows of other users are passed over.
    partition: Option<Partition>,
    /// Event-level rules (SDK.md §4), instead of `users`.
    pub events: Option<Events>,
    /// Scratch: parsed value columns and the row's groups (0, the whole test, first).
    values: Vec<f64>,
    groups: Vec<u32>,
    /// Per value column: its field index and whether it is a conversion.
    value_fields: Vec<(usize, bool)>,
    segment_ids: Vec<Option<u32>>,
}

impl Rows {
    pub fn new(layout: Layout, config: &EvalConfig) -> Self {
        let segments = config.segment_columns.len();
        let events = layout.events.clone().map(|plan| Events::new(plan, config));
        let layout_is_plain = events.is_none();
        let mut survival = SurvivalAcc::default();
        for (i, k) in layout.kpis.iter().enumerate() {
            if let KpiTerms::TimeToEvent { time, event } = *k {
                survival.track(i, time, event);
            }
        }
        Rows {
            survival,
            events,
            acc: Accumulator::new(&layout.terms, layout.values.iter().map(|v| !v.conversion).collect()),
            values: vec![0.0; layout.values.len()],
            layout,
            columns: None,
            tally: Tally { fail: config.on_bad_row == OnBadRow::Fail, ..Tally::default() },
            variants: Labels::default(),
            wanted: config.analysis.variants.clone(),
            excluded: Labels::default(),
            segments: (0..segments).map(|_| Labels::default()).collect(),
            segment_groups: vec![Vec::new(); segments],
            group_count: 1,
            users: config.user_column.as_ref().filter(|_| layout_is_plain).map(|_| Users::default()),
            partition: None,
            groups: vec![0; segments + 1],
            value_fields: Vec::new(),
            segment_ids: vec![None; segments],
        }
    }

    /// Rows that have read a file's header (`header`: its first
    /// `slice::header_len` bytes), and the reader to go on with: where a part of
    /// a file is read or merged apart from its start (`slice`, `partition`).
    pub fn after_header(config: &EvalConfig, header: &[u8]) -> Result<(Rows, RecordReader)> {
        let layout = Layout::from_config(config)?;
        let mut reader = RecordReader::new(layout.delimiter);
        let mut rows = Rows::new(layout, config);
        rows.read_plain(&mut reader, header, config)?;
        Ok((rows, reader))
    }

    /// `chunk` through `reader` into `handle`: the one copy of the inlined scan
    /// loop for plain rows, whoever reads (`CsvEvaluator`, a slice, the merger).
    #[inline(never)]
    pub fn read_plain(&mut self, reader: &mut RecordReader, chunk: &[u8], config: &EvalConfig) -> Result<()> {
        reader.push(chunk, &mut |rec| self.handle(rec, config))
    }

    /// The end of the stream for plain rows (its last record), as `read_plain`.
    #[inline(never)]
    pub fn finish_plain(&mut self, reader: &mut RecordReader, config: &EvalConfig) -> Result<()> {
        reader.finish(&mut |rec| self.handle(rec, config))
    }

    /// One record. The common row (right width, numbers, labels seen before) takes
    /// a short path; anything else goes through `handle_any`, which has every check
    /// and message.
    #[inline(always)]
    pub fn handle(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        if let (Some(part), Some(cols)) = (&self.partition, &self.columns) {
            if !part.owns(rec, cols) {
                return Ok(());
            }
        }
        // Until a partition's first user, its line is kept (`Partition::first_user_line`).
        let before_first_user = self.partition.as_ref().is_some_and(|p| p.first_user_line.is_none());
        let handled = self.handle_owned(rec, config);
        if before_first_user {
            self.note_first_user(rec.line);
        }
        handled
    }

    #[cold]
    #[inline(never)]
    fn note_first_user(&mut self, line: u64) {
        if let (Some(part), Some(users)) = (&mut self.partition, &self.users) {
            if !users.variant.is_empty() {
                part.first_user_line = Some(line as f64);
            }
        }
    }

    #[inline(always)]
    fn handle_owned(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        if let Some(variant) = self.common_row(rec) {
            self.tally.read += 1;
            match (&mut self.users, self.columns.as_ref()) {
                (Some(users), Some(cols)) if cols.user.is_some() => {
                    let user = rec.field(cols.user.expect("checked"));
                    users.add(user, variant, &self.groups, &self.values)
                }
                _ => {
                    self.acc.add(variant, &self.groups, &self.values);
                    self.survival.add(variant, &self.groups, &self.values);
                }
            }
            return Ok(());
        }
        self.handle_any(rec, config)
    }

    /// Fills `values` and `groups` and returns the variant, or `None` when the row
    /// needs `handle_any`.
    #[inline(always)]
    fn common_row(&mut self, rec: &Record) -> Option<u32> {
        let cols = self.columns.as_ref()?;
        if rec.malformed.is_some() || rec.len() != cols.width {
            return None;
        }
        parse_values(rec, &self.value_fields, self.layout.decimal, &mut self.values).ok()?;
        let variant = self.variants.find(rec.field(cols.variant), rec.short_key(cols.variant))?;
        for (j, &index) in cols.segments.iter().enumerate() {
            let id = self.segments[j].find(rec.field(index), rec.short_key(index))?;
            self.groups[j + 1] = self.segment_groups[j][id as usize];
        }
        Some(variant)
    }

    #[cold]
    #[inline(never)]
    fn handle_any(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        let outcome = self.handle_slow(rec, config);
        if let Some(part) = &mut self.partition {
            part.note(rec.line, &self.variants, &self.excluded, &self.segments);
        }
        outcome
    }

    fn handle_slow(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        if self.columns.is_none() {
            return self.header(rec, config);
        }
        self.tally.read += 1;
        if !self.screen(rec, config)? {
            return Ok(());
        }
        let cols = self.columns.as_ref().expect("header read");

        if let Err(slot) = parse_values(rec, &self.value_fields, self.layout.decimal, &mut self.values) {
            let column = &self.layout.values[slot];
            let field = rec.field(self.value_fields[slot].0);
            let why = match parse_number_in(field, column.conversion, self.layout.decimal) {
                Some(_) => "is not 0/1 or true/false",
                None => "is not a number",
            };
            return self.tally.bad(rec.line, format!("{} {} {why}", column.name, show(field)));
        }

        let mut vacant = None;
        if let Some(users) = &mut self.users {
            match users.ids.find(rec.field(cols.user.expect("userColumn resolved"))) {
                Err(v) => vacant = Some(v),
                Ok(user) => {
                    let first_variant = &self.variants.names()[users.variant[user as usize] as usize];
                    users.add_to(user, first_variant.as_bytes() == rec.field(cols.variant), &self.values);
                    return Ok(());
                }
            }
        }

        let Some(variant) = self.labels(rec, config)? else {
            return Ok(());
        };
        let cols = self.columns.as_ref().expect("header read");

        match &mut self.users {
            None => {
                self.acc.add(variant, &self.groups, &self.values);
                self.survival.add(variant, &self.groups, &self.values);
            }
            Some(users) => {
                let user = rec.field(cols.user.expect("userColumn resolved"));
                users.insert(vacant.expect("looked up above"), user, variant, &self.groups, &self.values);
            }
        }
        Ok(())
    }

    /// The row's variant id, its segment groups in `groups` (new labels are
    /// registered); `Ok(None)`: a label is not UTF-8 (a bad row, reported).
    fn labels(&mut self, rec: &Record, config: &EvalConfig) -> Result<Option<u32>> {
        match self.try_labels(rec, config) {
            Ok(variant) => Ok(Some(variant)),
            Err(message) => self.tally.bad(rec.line, message).map(|()| None),
        }
    }

    /// `labels` without the report: `Err` is the bad row's message.
    fn try_labels(&mut self, rec: &Record, config: &EvalConfig) -> std::result::Result<u32, String> {
        let cols = self.columns.as_ref().expect("header read");
        let variant_bytes = rec.field(cols.variant);
        // Labels: look up by bytes; a new label must be UTF-8 before anything is inserted.
        let variant = self.variants.find(variant_bytes, rec.short_key(cols.variant));
        if variant.is_none() && std::str::from_utf8(variant_bytes).is_err() {
            return Err(format!("{} value is not valid UTF-8 text", config.variant_column));
        }
        for (j, &index) in cols.segments.iter().enumerate() {
            let bytes = rec.field(index);
            self.segment_ids[j] = self.segments[j].find(bytes, rec.short_key(index));
            if self.segment_ids[j].is_none() && std::str::from_utf8(bytes).is_err() {
                return Err(format!("{} value is not valid UTF-8 text", config.segment_columns[j]));
            }
        }
        let variant = variant.unwrap_or_else(|| self.variants.insert(utf8(variant_bytes)));
        for (j, &index) in cols.segments.iter().enumerate() {
            let id = match self.segment_ids[j] {
                Some(id) => id,
                None => {
                    self.segment_groups[j].push(self.group_count);
                    self.group_count += 1;
                    self.segments[j].insert(utf8(rec.field(index)))
                }
            };
            self.groups[j + 1] = self.segment_groups[j][id as usize];
        }
        Ok(variant)
    }

    /// One record under the event-level rules (SDK.md §4; see `evaluate::events`).
    pub fn handle_event(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        if self.columns.is_none() {
            return self.header(rec, config);
        }
        self.tally.read += 1;
        if !self.screen(rec, config)? {
            return Ok(());
        }
        let cols = self.columns.as_ref().expect("header read");
        let user_index = cols.user.expect("event level has userColumn");
        let variant_bytes = rec.field(cols.variant);
        let names = self.variants.names();
        let field = |i: usize| rec.field(i);
        let events = self.events.as_mut().expect("event level");
        let timestamp = config.timestamp_column.as_deref().unwrap_or_default();
        let outcome = events.row(&field, user_index, |v| names[v as usize].as_bytes() == variant_bytes, timestamp);
        match outcome {
            RowOutcome::Done => Ok(()),
            RowOutcome::Bad(message) => self.tally.bad(rec.line, message),
            RowOutcome::Exposes { user, time } => {
                let Some(variant) = self.labels(rec, config)? else {
                    return Ok(());
                };
                let events = self.events.as_mut().expect("event level");
                events.expose(user, rec.field(user_index), time, variant, &self.groups[1..], &field);
                Ok(())
            }
        }
    }

    /// Checks shared by every path (SDK.md §3): RFC 4180 shape, field count, an
    /// empty variant (bad rows), arms left out by `analysis.variants` (excluded).
    /// `Ok(false)`: the row is done.
    fn screen(&mut self, rec: &Record, config: &EvalConfig) -> Result<bool> {
        let cols = self.columns.as_ref().expect("header read");
        if let Some(why) = rec.malformed {
            return self.tally.bad(rec.line, format!("{why} (RFC 4180 quoting)")).map(|()| false);
        }
        if rec.len() != cols.width {
            return self
                .tally
                .bad(rec.line, format!("expected {} fields like the header, got {}", cols.width, rec.len()))
                .map(|()| false);
        }
        // Labels never registered (an empty variant, an arm left out by
        // `analysis.variants`) miss the common-row lookup and land here. A row of
        // a left-out arm is excluded whatever its values (they are not used).
        let variant_bytes = rec.field(cols.variant);
        if variant_bytes.trim_ascii().is_empty() {
            let message = format!(
                "{} is empty; every row needs the variant it was assigned to (fix the row or remove it)",
                config.variant_column
            );
            return self.tally.bad(rec.line, message).map(|()| false);
        }
        if let Some(wanted) = &self.wanted {
            let known = self.variants.find(variant_bytes, rec.short_key(cols.variant)).is_some();
            if !known {
                if self.excluded.find(variant_bytes, rec.short_key(cols.variant)).is_some() {
                    self.tally.excluded += 1;
                    return Ok(false);
                }
                if let Ok(name) = std::str::from_utf8(variant_bytes) {
                    if !wanted.iter().any(|w| w == name) {
                        self.excluded.insert(name);
                        self.tally.excluded += 1;
                        return Ok(false);
                    }
                }
            }
        }

        Ok(true)
    }

    fn header(&mut self, rec: &Record, config: &EvalConfig) -> Result<()> {
        if let Some(why) = rec.malformed {
            return Err(KpilabError::csv("", format!("the header (line {}) is malformed: {why}", rec.line)));
        }
        let names = (0..rec.len())
            .map(|i| std::str::from_utf8(rec.field(i)).map(str::to_string))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| {
                KpilabError::csv(
                    "",
                    format!("the header (line {}) is not valid UTF-8 text; save the file as UTF-8", rec.line),
                )
            })?;
        let columns = self.layout.resolve(config, &names)?;
        if let Some(events) = &mut self.events {
            events.columns = Some(events.plan.resolve(&names, config.decimal)?);
        }
        self.value_fields = columns.values.iter().zip(&self.layout.values).map(|(&i, c)| (i, c.conversion)).collect();
        self.columns = Some(columns);
        Ok(())
    }

    /// With `userColumn`: adds every user, in first-appearance order, to the moments.
    /// A user's conversion is 1 when any of their rows converted (0/1 columns summed
    /// and capped, so conversions never exceed users).
    pub fn fold_users(&mut self) {
        if let Some(events) = &mut self.events {
            let (acc, survival) = (&mut self.acc, &mut self.survival);
            let mut groups = vec![0];
            events.fold(|variant, segment_groups, values| {
                groups.truncate(1);
                groups.extend_from_slice(segment_groups);
                acc.add(variant, &groups, values);
                survival.add(variant, &groups, values);
            });
            return;
        }
        let Some(users) = self.users.take() else {
            return;
        };
        let n = self.values.len();
        let s = self.segments.len();
        let mut groups = Vec::with_capacity(s + 1);
        for (u, &variant) in users.variant.iter().enumerate() {
            let values = &mut self.values;
            values.copy_from_slice(&users.values[u * n..(u + 1) * n]);
            for (x, column) in values.iter_mut().zip(&self.layout.values) {
                if column.conversion {
                    *x = x.min(1.0);
                }
            }
            groups.clear();
            groups.push(0);
            groups.extend_from_slice(&users.groups[u * s..(u + 1) * s]);
            self.acc.add(variant, &groups, values);
            self.survival.add(variant, &groups, values);
        }
        self.users = Some(Users { switched_variant: users.switched_variant, ..Users::default() });
    }
}

/// Parses the value columns of `rec` into `values`; `Err(slot)` is the first one
/// that is not a number, or not 0/1 for a conversion.
#[inline(always)]
fn parse_values(
    rec: &Record,
    fields: &[(usize, bool)],
    decimal: Decimal,
    values: &mut [f64],
) -> std::result::Result<(), usize> {
    // One branch per row, not per field: the "." loop stays the plain fast path.
    match decimal {
        Decimal::Dot => parse_values_in::<false>(rec, fields, values),
        Decimal::Comma => parse_values_in::<true>(rec, fields, values),
    }
}

#[inline(always)]
fn parse_values_in<const COMMA: bool>(
    rec: &Record,
    fields: &[(usize, bool)],
    values: &mut [f64],
) -> std::result::Result<(), usize> {
    let decimal = if COMMA { Decimal::Comma } else { Decimal::Dot };
    for (slot, (value, &(index, conversion))) in values.iter_mut().zip(fields).enumerate() {
        match parse_number_in(rec.field(index), conversion, decimal) {
            Some(x) if !conversion || x == 0.0 || x == 1.0 => *value = x,
            _ => return Err(slot),
        }
    }
    Ok(())
}

fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("checked before insertion")
}

/// A field for an error message: quoted, lossy UTF-8, at most 40 characters.
pub(super) fn show(field: &[u8]) -> String {
    let text = String::from_utf8_lossy(field);
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}
