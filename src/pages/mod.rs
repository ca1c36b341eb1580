//! The app's views: the planner (`/`) and the evaluator (`?view=evaluate`).
pub mod evaluate;
pub mod planner;
