//! The rows of one partition of a file's users (SDK.md §7 `evaluateFile` with
//! `userColumn`). Every partition reads the whole file and keeps the rows whose
//! user it owns (`partition_of`, a hash of the user id): it meets each of its
//! users' rows in file order, as one pass does, and no user is in two
//! partitions. A row without a well-formed user field (malformed, wrong width:
//! a bad row whoever reads it) belongs to partition 0.
//!
//! What one pass does across users the merger puts back: a label takes the id
//! of the first line that registered it in any partition (variant first, then
//! the segment columns in order, as one row registers them), moments add, row
//! counts add, row errors interleave by line (each partition lists its first
//! `MAX_ROW_ERRORS`, so the merged first ones are complete), and the first bad
//! row is the error of `onBadRow: "fail"`.

use serde::{Deserialize, Serialize};

use super::merge::RowsState;
use super::{failure, Rows, MAX_ROW_ERRORS};
use crate::csv::labels::{partition_of, Labels};
use crate::csv::Record;
use crate::error::{KpilabError, Result};
use crate::evaluate::layout::Columns;
use crate::evaluate::types::RowError;

pub(crate) struct Partition {
    index: u32,
    count: u32,
    lines: LabelLines,
    /// The line of the partition's first user (`None` before it).
    pub(super) first_user_line: Option<f64>,
}

/// The line that registered each label, by id: variants, arms left out by
/// `analysis.variants`, and per segment column its values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LabelLines {
    variants: Vec<f64>,
    excluded: Vec<f64>,
    segments: Vec<Vec<f64>>,
}

/// One partition's rows, users folded into the moments: plain data, to cross a
/// worker boundary (`evaluate::partition`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionState {
    pub index: u32,
    pub count: u32,
    rows: RowsState,
    lines: LabelLines,
    /// Its first user's line: the moments' shift is that user's values, and the
    /// merger takes the shift of the file's first user, as one pass does.
    first_user_line: Option<f64>,
    switched_variant: f64,
}

impl Partition {
    /// Whether this partition reads `rec` (a data record).
    #[inline(always)]
    pub(super) fn owns(&self, rec: &Record, cols: &Columns) -> bool {
        let owner = match cols.user {
            Some(user) if rec.malformed.is_none() && rec.len() == cols.width => {
                partition_of(rec.field(user), self.count)
            }
            _ => 0,
        };
        owner == self.index
    }

    /// After a row on the slow path (the only one that registers labels): the
    /// line of each label it registered.
    pub(super) fn note(&mut self, line: u64, variants: &Labels, excluded: &Labels, segments: &[Labels]) {
        let note = |lines: &mut Vec<f64>, labels: &Labels| lines.resize(labels.names().len(), line as f64);
        note(&mut self.lines.variants, variants);
        note(&mut self.lines.excluded, excluded);
        self.lines.segments.resize(segments.len(), Vec::new());
        for (lines, labels) in self.lines.segments.iter_mut().zip(segments) {
            note(lines, labels);
        }
    }
}

/// Which label registry an entry of the merged order goes to.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Registry {
    Variant,
    Segment(usize),
    Excluded,
}

impl Rows {
    /// Reads as partition `index` of `count` (0 <= index < count).
    pub fn partition(&mut self, index: u32, count: u32) {
        self.partition = Some(Partition { index, count, lines: LabelLines::default(), first_user_line: None });
    }

    /// The partition's state; call after `fold_users`.
    pub fn export_partition(&self) -> Option<PartitionState> {
        let p = self.partition.as_ref()?;
        Some(PartitionState {
            index: p.index,
            count: p.count,
            rows: self.export(),
            lines: p.lines.clone(),
            first_user_line: p.first_user_line,
            switched_variant: self.users.as_ref().map_or(0, |u| u.switched_variant) as f64,
        })
    }

    /// Adds every partition of one file (module doc) into these rows, which have
    /// read its header.
    pub fn absorb_partitions<'a>(&mut self, parts: &'a [PartitionState]) -> Result<()> {
        // Per partition and registry, labels in id order are in line order: runs to merge.
        let mut runs: Vec<Vec<(f64, Registry, &str)>> = Vec::new();
        for part in parts {
            let (rows, lines) = (&part.rows, &part.lines);
            let fits = rows.segments.len() == self.segments.len()
                && lines.segments.len() == rows.segments.len()
                && lines.variants.len() == rows.variants.len()
                && lines.excluded.len() == rows.excluded_variants.len()
                && lines.segments.iter().zip(&rows.segments).all(|(l, s)| l.len() == s.len());
            if !fits {
                return Err(KpilabError::invalid(
                    "state",
                    "the partition state does not fit this merger; merge the partitions of one file and one config",
                ));
            }
            let run = |lines: &[f64], names: Vec<&'a str>, registry| {
                lines.iter().zip(names).map(|(&l, n)| (l, registry, n)).collect::<Vec<_>>()
            };
            runs.push(run(&lines.variants, rows.variants.iter().map(String::as_str).collect(), Registry::Variant));
            runs.push(run(
                &lines.excluded,
                rows.excluded_variants.iter().map(String::as_str).collect(),
                Registry::Excluded,
            ));
            for (j, (lines, values)) in lines.segments.iter().zip(&rows.segments).enumerate() {
                runs.push(run(lines, values.iter().map(|(v, _)| v.as_str()).collect(), Registry::Segment(j)));
            }
        }
        let order = merge_runs(runs, |&(line, registry, _)| (line, registry));
        for (_, registry, name) in order {
            match registry {
                Registry::Variant => {
                    self.global_variant(name);
                }
                Registry::Segment(j) => {
                    self.global_group(j, name);
                }
                Registry::Excluded => {
                    if self.excluded.find(name.as_bytes(), None).is_none() {
                        self.excluded.insert(name);
                    }
                }
            }
        }
        // The partition of the file's first user first: its shift is one pass's
        // (the others are re-shifted onto it), so only summation order differs.
        let line = |p: &PartitionState| p.first_user_line.unwrap_or(f64::INFINITY);
        let first = (0..parts.len()).min_by(|&a, &b| line(&parts[a]).total_cmp(&line(&parts[b]))).unwrap_or(0);
        let rest = (0..parts.len()).filter(|&i| i != first);
        for part in std::iter::once(first).chain(rest).filter_map(|i| parts.get(i)) {
            self.absorb_labels_and_moments(&part.rows)?;
        }

        let runs = parts.iter().map(|p| p.rows.errors.iter().collect()).collect();
        let errors: Vec<&RowError> = merge_runs(runs, |e| (e.line, Registry::Variant));
        let t = &mut self.tally;
        if t.fail {
            if let Some(e) = errors.first() {
                return Err(failure(e.line as u64, &e.message));
            }
        }
        for part in parts {
            let rows = &part.rows;
            t.read += rows.read as u64;
            t.skipped += rows.skipped as u64;
            t.excluded += rows.excluded as u64;
            t.errors_not_listed += rows.errors_not_listed as u64;
        }
        for e in errors {
            if t.errors.len() < MAX_ROW_ERRORS {
                t.errors.push(e.clone());
            } else {
                t.errors_not_listed += 1;
            }
        }
        if let Some(users) = &mut self.users {
            users.switched_variant += parts.iter().map(|p| p.switched_variant as u64).sum::<u64>();
        }
        Ok(())
    }
}

/// The items of runs each in key order, in one key order (ties: the earlier
/// run first). A few runs: no sort, whose code is big in wasm.
fn merge_runs<T>(runs: Vec<Vec<T>>, key: impl Fn(&T) -> (f64, Registry)) -> Vec<T> {
    let mut runs: Vec<_> = runs.into_iter().map(|r| r.into_iter().peekable()).collect();
    let mut out = Vec::new();
    loop {
        let mut next: Option<(usize, (f64, Registry))> = None;
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some(k) = run.peek().map(&key) {
                if next.is_none_or(|(_, best)| k.0 < best.0 || (k.0 == best.0 && k.1 < best.1)) {
                    next = Some((i, k));
                }
            }
        }
        match next.and_then(|(i, _)| runs[i].next()) {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}
