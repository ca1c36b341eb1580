//! The app's views: the planner (`/`) and the evaluator (`?view=evaluate`).
//! A page connects state (`state/`) and services to components; it draws nothing itself.
pub mod evaluate;
pub mod planner;
