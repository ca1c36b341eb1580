//! Text for people, in one place: numbers, percents and plan phrases
//! (`format`), the evaluation as a Markdown or CSV report (`report`), and
//! what the event-level rules left out (`quality`).
pub mod format;
pub mod quality;
pub mod report;
