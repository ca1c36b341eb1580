//! Charts, drawn as inline SVG (no chart library, nothing loaded from elsewhere).
pub mod power_curve;
pub mod forest_plot;
