//! One file with `userColumn` read by several workers at once (SDK.md §7
//! `evaluateFile`): each reads the whole file and keeps the users it owns (a
//! hash of the user id; `rows::partition`), so the per-user work, the costly
//! part of such a file, is shared out and no per-user table crosses a worker
//! boundary: a partition's state is its moments. [`PartitionMerger`] adds the
//! partitions up into the evaluation one pass gives: the same rows, labels in
//! the same order, the same row errors with the same line numbers; numbers
//! within 1e-12 relative, absolute under 1 (moments summed in other blocks, as
//! `slice` merges them).
//!
//! Not partitioned ([`can_partition`]): configs without `userColumn` (byte
//! slices do better: `slice`), event-level rules (§4: their caps and time
//! windows look across users) and time-to-event KPIs (their counts per time are
//! not merged).

use super::aggregates::Finished;
use super::evaluator::{prepare, CsvEvaluator};
pub use super::rows::PartitionState;
use super::rows::Rows;
use super::slice::rows_stand_alone;
use super::types::{EvalConfig, Evaluation, OnBadRow};
use crate::error::{KpilabError, Result};

/// Whether `evaluateFile` may read this config's file in user partitions.
pub fn can_partition(config: &EvalConfig) -> Result<bool> {
    Ok(config.user_column.is_some() && rows_stand_alone(config)?)
}

impl CsvEvaluator {
    /// Reads the whole file as partition `index` of `count` (a worker's part):
    /// `push` every byte, then `finish_partition`.
    pub fn for_partition(config: &EvalConfig, index: u32, count: u32) -> Result<CsvEvaluator> {
        if !can_partition(config)? {
            return Err(KpilabError::unsupported(
                "userColumn",
                "partitions are for a config with userColumn and no event-level rules or timeToEvent KPI; read the file with CsvEvaluator",
            ));
        }
        if index >= count {
            return Err(KpilabError::invalid(
                "index",
                format!("partition {index} of {count}: the index counts from 0 to count - 1"),
            ));
        }
        // Bad rows are collected; the merger turns the first into the error of onBadRow "fail".
        let mut evaluator = CsvEvaluator::new(EvalConfig { on_bad_row: OnBadRow::Skip, ..config.clone() })?;
        evaluator.rows.partition(index, count);
        Ok(evaluator)
    }

    /// The partition's state, for `PartitionMerger::absorb`.
    pub fn finish_partition(mut self) -> Result<PartitionState> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.rows.finish_plain(&mut self.reader, &self.config)?;
        self.rows.fold_users();
        self.rows.export_partition().ok_or_else(|| {
            KpilabError::invalid("", "this CsvEvaluator reads a whole file; create it with for_partition")
        })
    }
}

/// Adds the partitions of one file up into its `Evaluation`.
pub struct PartitionMerger {
    config: EvalConfig,
    rows: Rows,
    parts: Vec<PartitionState>,
}

impl PartitionMerger {
    /// `header`: the file's first `slice::header_len` bytes.
    pub fn new(config: EvalConfig, header: &[u8]) -> Result<Self> {
        let (mut rows, mut reader) = Rows::after_header(&config, header)?;
        rows.finish_plain(&mut reader, &config)?;
        Ok(PartitionMerger { config, rows, parts: Vec::new() })
    }

    /// Adds one partition, in any order.
    pub fn absorb(&mut self, state: PartitionState) -> Result<()> {
        let count = self.parts.first().map_or(state.count, |p| p.count);
        if state.count != count || state.index >= count || self.parts.iter().any(|p| p.index == state.index) {
            return Err(KpilabError::invalid(
                "state",
                format!(
                    "partition {} of {} does not fit the partitions absorbed so far (of {count}); absorb each partition of one run once",
                    state.index, state.count
                ),
            ));
        }
        self.parts.push(state);
        Ok(())
    }

    pub fn finish(self) -> Result<Evaluation> {
        self.end()?.evaluate()
    }

    /// Ends the merge: its aggregates (SDK.md §6) and its evaluation from there.
    pub fn end(mut self) -> Result<Finished> {
        let count = self.parts.first().map_or(0, |p| p.count) as usize;
        if count == 0 || self.parts.len() != count {
            return Err(KpilabError::invalid(
                "state",
                format!("{} of {count} partitions were absorbed; absorb every partition of the run", self.parts.len()),
            ));
        }
        // Partition order, so that the moments' shift is partition 0's first user's.
        let mut parts = Vec::with_capacity(count);
        for index in 0..count as u32 {
            let at = self.parts.iter().position(|p| p.index == index).expect("every index, once (absorb)");
            parts.push(self.parts.swap_remove(at));
        }
        self.rows.absorb_partitions(&parts)?;
        self.rows.fold_users();
        let prepared = prepare(&self.rows, &self.config)?;
        Ok(Finished { prepared, config: self.config })
    }
}
