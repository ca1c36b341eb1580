//! A problem with what was typed, for both forms.

/// A message for one input, or for the form as a whole when `field` is empty.
/// The planner names its inputs by id (= the URL query key, "baseline"); the
/// Evaluate form by the core's path ("kpis[1].column", "alpha").
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}
