//! Text for people, in one place: numbers, percents and plan phrases
//! (`format`), and the evaluation as a Markdown or CSV report (`report`).
pub mod format;
pub mod report;
