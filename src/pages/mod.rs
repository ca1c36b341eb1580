//! The app's views: the planner (`/`) and the evaluator (`?view=evaluate`, with its
//! "Query your warehouse" tab, `warehouse`).
//! A page connects state (`state/`) and services to components; it draws nothing itself.
pub mod evaluate;
pub mod planner;
pub mod warehouse;
