//! Browser I/O: the address bar and downloads (`browser`), the clipboard,
//! reading files and the sample data (`files`), the tab's session storage (`session`), and the CSV job in the worker
//! (`csv_job`; its workers share one compiled module, `csv_worker`); the worker's aggregates jobs (`aggregates_job`) and share links (`share`). Each degrades quietly instead of panicking (a panic kills the wasm).
pub mod aggregates_job;
pub mod browser;
pub mod clipboard;
pub mod csv_job;
pub mod csv_worker;
pub mod files;
pub mod session;
pub mod share;
pub mod xlsx;
pub mod xlsx_job;
