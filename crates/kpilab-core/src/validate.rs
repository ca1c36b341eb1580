//! Input checks shared by every entry point, so each error names its field the same way.

use crate::error::{KpilabError, Result};

/// A finite number (not NaN, not ±Infinity).
pub fn finite(field: &str, x: f64) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(KpilabError::invalid(field, format!("{field} must be a finite number, got {x}")))
    }
}

/// A finite number strictly between 0 and 1 (alpha, power, a baseline rate).
pub fn open_unit(field: &str, x: f64) -> Result<f64> {
    finite(field, x)?;
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(KpilabError::invalid(field, format!("{field} must be between 0 and 1 (exclusive), got {x}")))
    }
}

/// A finite number > 0.
pub fn positive(field: &str, x: f64) -> Result<f64> {
    finite(field, x)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(KpilabError::invalid(field, format!("{field} must be greater than 0, got {x}")))
    }
}

/// A finite number >= 0.
pub fn non_negative(field: &str, x: f64) -> Result<f64> {
    finite(field, x)?;
    if x >= 0.0 {
        Ok(x)
    } else {
        Err(KpilabError::invalid(field, format!("{field} must not be negative, got {x}")))
    }
}

/// Allocation / weight vector: `len` positive finite weights.
pub fn weights(field: &str, w: Option<&[f64]>, len: usize) -> Result<Vec<f64>> {
    match w {
        None => Ok(vec![1.0; len]),
        Some(w) => {
            if w.len() != len {
                return Err(KpilabError::invalid(
                    field,
                    format!("{field} has {} weights but there are {len} variants; give one weight per variant, control first", w.len()),
                ));
            }
            w.iter().enumerate().map(|(i, &x)| positive(&format!("{field}[{i}]"), x)).collect()
        }
    }
}
