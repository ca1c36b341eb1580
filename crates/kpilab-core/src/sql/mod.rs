//! Warehouse SQL (SDK.md §6): `to_sql` writes one query that computes, where the
//! data lives, the aggregates `evaluate::evaluate_aggregates` turns into the same
//! `Evaluation` as `evaluate_csv` on the same rows.
//!
//! SQL has no file order: in §3 configs a user's variant and segment values are
//! the smallest of their rows' (the CSV path takes the first row's; they agree
//! when every user stays in one variant and segment); at event level (§4, §5)
//! "first" is earliest by `timestampColumn` (`events.rs` lists the rules and the
//! assumptions on typed columns). Rows are ordered by segment column, value and
//! variant name, so `analysis.control`'s "first" rule means first by name.
//!
//! Files: `query.rs` (entry, §3 users, the statistics and count rows), `events.rs`
//! (the event-level users stage), `filter.rs` (§4 filters), `dialect.rs` (spellings).

mod dialect;
mod events;
mod filter;
mod query;

pub use dialect::Dialect;
pub use query::to_sql;

#[cfg(test)]
mod tests;
