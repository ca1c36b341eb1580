//! Browser I/O: the address bar and downloads (`browser`), the clipboard,
//! reading files and the sample data (`files`), the tab's session storage (`session`), and the CSV job in the worker
//! (`csv_job`). Each degrades quietly instead of panicking (a panic kills the wasm).
pub mod browser;
pub mod clipboard;
pub mod csv_job;
pub mod files;
pub mod session;
pub mod xlsx;
pub mod xlsx_job;
