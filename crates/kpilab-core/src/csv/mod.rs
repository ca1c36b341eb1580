//! Reading CSV bytes: records, fields, numbers and labels. No KPI logic here;
//! the evaluation that uses it is `crate::evaluate`.
//!
//! - `reader`: streaming RFC 4180 record reader ([`RecordReader`], [`Record`]),
//!   public so that the app's CSV preview reads a file exactly as the evaluation does
//! - `classify`: the reader's SIMD/SWAR byte classifier (fast path)
//! - `number`: field → f64 as the reference's `_num`
//! - `labels`: variant / segment / user lookups by bytes
mod classify;
pub(crate) mod labels;
pub(crate) mod number;
mod reader;

pub use reader::{Record, RecordReader};
