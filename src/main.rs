//! kpilab web app: experiment statistics that run in the browser.
//! Views call kpilab_core directly (no JSON hop); big CSVs go to the worker
//! (src/bin/worker.rs) running the same core. See DESIGN.md for the layout.

mod app;
mod auto_map;
mod browser;
mod charts;
mod components;
mod csv_job;
mod csv_preview;
mod eval_form;
mod form;
mod format;
mod pages;
mod plan_file;
mod report;
mod results;
mod totals;
mod url_state;
mod worker_protocol;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
