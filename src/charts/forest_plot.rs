//! The forest plot: each comparison's relative lift with its confidence interval
//! on one shared axis, zero marked, so KPIs can be compared at a glance.
//! Inline SVG, colours from style.css by verdict class.

use kpilab_core::analyze::Verdict;
use yew::prelude::*;

use crate::charts::power_curve::nice_step;
use crate::text::format::{percent, PercentStyle};

const WIDTH: f64 = 640.0;
const LEFT: f64 = 190.0;
const RIGHT: f64 = 24.0;
const ROW: f64 = 30.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 40.0;

#[derive(Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    /// Relative lift and its CI bounds (None = unbounded side or unknown).
    pub lift: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Properties, PartialEq)]
pub struct ForestPlotProps {
    pub rows: Vec<ForestRow>,
    /// The intervals' level, "95 %" (1 − α of the analysis).
    pub level: AttrValue,
}

#[function_component(ForestPlot)]
pub fn forest_plot(props: &ForestPlotProps) -> Html {
    let values: Vec<f64> =
        props.rows.iter().flat_map(|r| [r.lift, r.low, r.high]).flatten().filter(|v| v.is_finite()).collect();
    if props.rows.is_empty() || values.is_empty() {
        return html! {};
    }
    // Symmetric-ish range around zero, padded a little, in lift units (0.05 = 5 %).
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let span = (hi - lo).max(0.01);
    let step = nice_step(span, 5.0);
    let (min, max) = ((lo / step).floor() * step - step * 0.25, (hi / step).ceil() * step + step * 0.25);
    let height = TOP + ROW * props.rows.len() as f64 + BOTTOM;
    let x = |v: f64| LEFT + (v.clamp(min, max) - min) / (max - min) * (WIDTH - LEFT - RIGHT);
    let bottom = TOP + ROW * props.rows.len() as f64;

    let mut ticks = Vec::new();
    let mut t = (min / step).ceil() * step;
    while t <= max + 1e-12 {
        ticks.push(t);
        t += step;
    }
    let label = |v: f64| percent(v, PercentStyle::Axis);

    html! {
        <svg class="forest-plot" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
            aria-label="Relative lift of each KPI with its confidence interval; zero means no change">
            <g class="grid">
                { for ticks.iter().map(|t| html! {
                    <>
                        <line x1={x(*t).to_string()} x2={x(*t).to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
                        <text x={x(*t).to_string()} y={(bottom + 16.0).to_string()} text-anchor="middle">{ label(*t) }</text>
                    </>
                }) }
            </g>
            <line class="zero" x1={x(0.0).to_string()} x2={x(0.0).to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
            <text class="axis-label" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(height - 4.0).to_string()} text-anchor="middle">
                { format!("Relative lift vs control ({} interval)", props.level) }
            </text>
            { for props.rows.iter().enumerate().map(|(i, r)| {
                let y = TOP + ROW * (i as f64 + 0.5);
                let class = r.verdict.as_str();
                html! {
                    <g class={classes!("forest-row", class)}>
                        <text class="row-label" x={(LEFT - 10.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ r.label.clone() }</text>
                        if r.low.is_some() || r.high.is_some() {
                            <line class="ci" x1={x(r.low.unwrap_or(min)).to_string()} x2={x(r.high.unwrap_or(max)).to_string()}
                                y1={y.to_string()} y2={y.to_string()} />
                        }
                        if let Some(lift) = r.lift {
                            <circle class="point" cx={x(lift).to_string()} cy={y.to_string()} r="5" />
                        }
                    </g>
                }
            }) }
        </svg>
    }
}
