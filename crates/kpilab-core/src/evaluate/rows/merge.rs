//! The rows of one slice of a file (SDK.md §7): exported as plain data and
//! added, in file order, into the rows read so far. Labels keep first-appearance
//! order (a later slice's new labels come after ours, in its order), row errors
//! keep file order with the slice's line numbers moved by its first line, and
//! `MAX_ROW_ERRORS` caps the merged list as it caps a single pass.

use serde::{Deserialize, Serialize};

use super::{failure, Rows, MAX_ROW_ERRORS};
use crate::error::Result;
use crate::evaluate::accumulate::MomentsState;
use crate::evaluate::types::RowError;

/// A slice's rows without its per-user state (slices of a `userColumn` or
/// event-level config are not merged: `evaluate::slice`).
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
        let moved = |e: &RowError| RowError { line: e.line + (first_line - 1) as f64, message: e.message.clone() };
        if self.tally.fail {
            if let Some(e) = slice.errors.first() {
                let e = moved(e);
                return Err(failure(e.line as u64, &e.message));
            }
        }
        let t = &mut self.tally;
        t.read += slice.read as u64;
        t.skipped += slice.skipped as u64;
        t.excluded += slice.excluded as u64;
        for e in &slice.errors {
            if t.errors.len() < MAX_ROW_ERRORS {
                t.errors.push(moved(e));
            } else {
                t.errors_not_listed += 1;
            }
        }
        t.errors_not_listed += slice.errors_not_listed as u64;
        let variants: Vec<u32> = slice
            .variants
            .iter()
            .map(|name| self.variants.find(name.as_bytes(), None).unwrap_or_else(|| self.variants.insert(name)))
            .collect();
        for name in &slice.excluded_variants {
            if self.excluded.find(name.as_bytes(), None).is_none() {
                self.excluded.insert(name);
            }
        }
        let mut groups = vec![0u32];
        for (j, values) in slice.segments.iter().enumerate() {
            for (value, group) in values {
                let id = match self.segments[j].find(value.as_bytes(), None) {
                    Some(id) => id,
                    None => {
                        self.segment_groups[j].push(self.group_count);
                        self.group_count += 1;
                        self.segments[j].insert(value)
                    }
                };
                let g = *group as usize;
                if groups.len() <= g {
                    groups.resize(g + 1, 0);
                }
                groups[g] = self.segment_groups[j][id as usize];
            }
        }
        self.acc.absorb(&slice.moments, &variants, &groups);
        Ok(())
    }
}
