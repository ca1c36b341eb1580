//! kpilab web app: experiment statistics that run in the browser.
//! Views call kpilab_core directly (no JSON hop); big CSVs go to the worker
//! (src/worker/) running the same core. Both binaries (src/main.rs,
//! src/bin/worker.rs) only call into this library.
//!
//! What lives where (DESIGN.md, "The shape"):
//! - `app`: the shell and the choice of view;
//! - `pages/`: connect state to components, nothing else;
//! - `state/`: form state, URL state and reducers;
//! - `models/`: pure models (plan results, totals, CSV preview, auto-mapping, plan file), tested natively;
//! - `text/`: how numbers, plans and evaluations are written for people;
//! - `services/`: browser I/O (files, the worker job, clipboard, downloads, the address bar);
//! - `worker/`: the CSV worker and its message protocol;
//! - `components/`, `charts/`: only draw.

pub mod app;
pub mod charts;
pub mod components;
pub mod models;
pub mod pages;
pub mod services;
pub mod state;
pub mod text;
pub mod worker;

/// Renders the app into the page's body.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
