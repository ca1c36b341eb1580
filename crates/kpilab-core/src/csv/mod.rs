//! Reading CSV bytes: records, fields, numbers, timestamps and labels. No KPI
//! logic here; the evaluation that uses it is `crate::evaluate`.
//!
//! - `reader`: streaming RFC 4180 record reader ([`RecordReader`], [`Record`]),
//!   public so that the app's CSV preview reads a file exactly as the evaluation does
//! - `classify`: the reader's SIMD/SWAR byte classifier (fast path)
//! - `number`: field → f64 as the reference's `_num`
//! - `timestamp`: field → µs since the epoch (ISO 8601, epoch s/ms/µs)
//! - `labels`: variant / segment / user lookups by bytes
mod classify;
pub(crate) mod labels;
pub(crate) mod number;
mod reader;
mod timestamp;

pub use number::{comma_to_dot, read_number, Decimal};
pub use reader::{Record, RecordReader};
/// Public so that the app's column mapper recognises a timestamp column exactly as the evaluation reads it.
pub use timestamp::{parse_timestamp, TimestampUnit};
pub(crate) use timestamp::{DAY_US, HOUR_US};
