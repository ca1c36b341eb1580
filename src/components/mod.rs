//! Building blocks of the planner and evaluate pages. They only draw: data comes
//! in as props, changes go out as callbacks; text comes from `text/`.
pub mod column_mapper;
pub mod copy_button;
pub mod csv_drop;
pub mod csv_preview_table;
pub mod csv_progress;
pub mod data_quality;
pub mod decision_card;
pub mod field;
pub mod kpi_results;
pub mod mde_table;
pub mod plan_card;
pub mod plan_inputs;
pub mod result_card;
pub mod result_page;
pub mod row_report;
pub mod segment_table;
pub mod share_results;
pub mod share_view;
pub mod time_to_event_results;
pub mod totals_input;
