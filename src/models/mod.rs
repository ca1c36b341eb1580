//! Pure models, tested natively: the planner's results, pasted totals, the CSV
//! preview, its auto-mapping and event-level file detection, and the plan file. Numbers come from
//! kpilab_core; nothing here touches the browser.
pub mod auto_map;
pub mod column_names;
pub mod csv_preview;
pub mod event_file;
pub mod file_kind;
pub mod observed_traffic;
pub mod plan_file;
pub mod plan_results;
pub mod result_context;
pub mod totals;
