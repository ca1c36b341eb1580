//! The rows of one slice of a file (SDK.md §7): exported as plain data and
//! added, in file order, into the rows read so far. Labels keep first-appearance
//! order (a later slice's new labels come after ours, in its order), row errors
//! keep file order with the slice's line numbers moved by its first line, and
//! `MAX_ROW_ERRORS` caps the merged list as it caps a single pass. (With
//! `userColumn` a file is read in user partitions instead: `partition`.)

use serde::{Deserialize, Serialize};

use super::{failure, Rows, MAX_ROW_ERRORS};
use crate::error::{KpilabError, Result};
use crate::evaluate::accumulate::MomentsState;
use crate::evaluate::types::RowError;

/// A slice's rows (slices of an event-level or `userColumn` config are not merged: `evaluate::slice`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowsState {
    pub read: f64,
    pub skipped: f64,
    pub excluded: f64,
    /// Lines counted from the slice's first record (line 1).
    pub errors: Vec<RowError>,
    pub errors_not_listed: f64,
    pub variants: Vec<String>,
    pub excluded_variants: Vec<String>,
    /// Per segment column: its values with their group ids.
    pub segments: Vec<Vec<(String, u32)>>,
    pub moments: MomentsState,
}

impl Rows {
    pub fn export(&self) -> RowsState {
        let t = &self.tally;
        RowsState {
            read: t.read as f64,
            skipped: t.skipped as f64,
            excluded: t.excluded as f64,
            errors: t.errors.clone(),
            errors_not_listed: t.errors_not_listed as f64,
            variants: self.variants.names().to_vec(),
            excluded_variants: self.excluded.names().to_vec(),
            segments: self
                .segments
                .iter()
                .zip(&self.segment_groups)
                .map(|(labels, groups)| labels.names().iter().cloned().zip(groups.iter().copied()).collect())
                .collect(),
            moments: self.acc.export(),
        }
    }

    /// Adds a later slice whose line 1 is our line `first_line`. With
    /// `onBadRow: "fail"` its first bad row is the error a single pass would stop at.
    pub fn absorb(&mut self, slice: &RowsState, first_line: u64) -> Result<()> {
        if slice.segments.len() != self.segments.len() {
            return Err(KpilabError::invalid(
                "state",
                "the slice state has other segment columns than this merger; merge states of the same config",
            ));
        }
        self.absorb_labels_and_moments(slice)?;
        let errors: Vec<RowError> = slice
            .errors
            .iter()
            .map(|e| RowError { line: e.line + (first_line - 1) as f64, message: e.message.clone() })
            .collect();
        if self.tally.fail {
            if let Some(e) = errors.first() {
                return Err(failure(e.line as u64, &e.message));
            }
        }
        let t = &mut self.tally;
        t.read += slice.read as u64;
        t.skipped += slice.skipped as u64;
        t.excluded += slice.excluded as u64;
        for e in errors {
            if t.errors.len() < MAX_ROW_ERRORS {
                t.errors.push(e);
            } else {
                t.errors_not_listed += 1;
            }
        }
        t.errors_not_listed += slice.errors_not_listed as u64;
        for name in &slice.excluded_variants {
            if self.excluded.find(name.as_bytes(), None).is_none() {
                self.excluded.insert(name);
            }
        }
        Ok(())
    }

    /// A state's labels (ours registered now if new, in its order) and its moments.
    pub(super) fn absorb_labels_and_moments(&mut self, slice: &RowsState) -> Result<()> {
        let variants: Vec<u32> = slice.variants.iter().map(|name| self.global_variant(name)).collect();
        let mut groups = vec![0u32];
        for (j, values) in slice.segments.iter().enumerate() {
            for (value, group) in values {
                let g = *group as usize;
                if groups.len() <= g {
                    groups.resize(g + 1, 0);
                }
                groups[g] = self.global_group(j, value);
            }
        }
        if !self.acc.fits(&slice.moments, variants.len(), groups.len()) {
            return Err(KpilabError::invalid(
                "state",
                "the state's moments do not fit this merger (other KPIs or labels); merge states of the same config",
            ));
        }
        self.acc.absorb(&slice.moments, &variants, &groups);
        Ok(())
    }

    /// Our id of variant `name`, registered now if new.
    pub(super) fn global_variant(&mut self, name: &str) -> u32 {
        self.variants.find(name.as_bytes(), None).unwrap_or_else(|| self.variants.insert(name))
    }

    /// Our group of value `value` of segment column `j`, registered now if new.
    pub(super) fn global_group(&mut self, j: usize, value: &str) -> u32 {
        let id = match self.segments[j].find(value.as_bytes(), None) {
            Some(id) => id,
            None => {
                self.segment_groups[j].push(self.group_count);
                self.group_count += 1;
                self.segments[j].insert(value)
            }
        };
        self.segment_groups[j][id as usize]
    }
}
