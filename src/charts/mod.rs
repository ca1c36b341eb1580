//! Charts, drawn as inline SVG (no chart library, nothing loaded from elsewhere).
pub mod forest_plot;
pub mod funnel_chart;
pub mod km_curve;
pub mod power_curve;
