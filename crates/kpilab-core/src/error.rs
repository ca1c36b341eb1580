//! The one error type of the engine: a code, the path of the offending field, and
//! a message a marketer can act on ("conversions (520) exceed users (500)").

use serde::{Deserialize, Serialize};

/// Machine-readable error category; serialized as `"INVALID_INPUT"` etc.
// as_str(), Display and FromStr use that serde name (serde_names.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum ErrorCode {
    /// A value is missing, out of range or inconsistent with another.
    InvalidInput,
    /// A valid request the engine does not support (e.g. one-sided sequential).
    Unsupported,
    /// The CSV cannot be read (no header, a missing column, a bad row with `onBadRow: "fail"`).
    CsvParse,
    /// The numbers admit no answer (e.g. the requested power is unreachable).
    NoSolution,
}

/// Every failure of the engine. `field` is a path into the input such as
/// `variants[1].conversions` (empty when the error concerns the input as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct KpilabError {
    pub code: ErrorCode,
    pub field: String,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, KpilabError>;

impl KpilabError {
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        KpilabError { code, field: field.into(), message: message.into() }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, field, message)
    }

    pub fn unsupported(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unsupported, field, message)
    }

    pub fn csv(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::CsvParse, field, message)
    }

    pub fn no_solution(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NoSolution, field, message)
    }
}
