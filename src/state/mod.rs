//! Form state and reducers: what the user typed (kept as text), how it parses,
//! how it changes, and how it round-trips through the URL. No DOM here, so all
//! of it is tested natively.
pub mod eval_form;
pub mod eval_session;
pub mod eval_state;
pub mod event_choices;
pub mod field_error;
pub mod number;
pub mod planner_form;
pub mod url_state;

pub use field_error::FieldError;
