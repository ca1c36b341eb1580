//! The power curve as inline SVG: power against users per variant, the target
//! power as a dashed line and the plan marked. Colours come from style.css
//! (classes only: the CSP forbids inline styles), so dark mode just works.

use kpilab_core::plan::PowerPoint;
use yew::prelude::*;

use crate::text::format::{group_thousands, percent, PercentStyle};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 52.0;

#[derive(Properties, PartialEq)]
pub struct PowerCurveProps {
    pub points: Vec<PowerPoint>,
    pub target_power: f64,
    /// Users per variant of the plan (the marker's x).
    pub plan_users: f64,
    /// Power the plan reaches (the marker's y); the target when unknown.
    pub plan_power: Option<f64>,
    pub stale: bool,
    /// Unequal allocation: x is then the average arm size (total / arms), as planPower counts it.
    #[prop_or_default]
    pub averaged: bool,
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` ticks up to `max`.
pub fn nice_step(max: f64, target: f64) -> f64 {
    let raw = (max / target).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let residual = raw / magnitude;
    let nice = if residual <= 1.0 {
        1.0
    } else if residual <= 2.0 {
        2.0
    } else if residual <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// 12000 -> "12k", 1500000 -> "1.5M": short enough for a phone-sized axis.
fn short_count(x: f64) -> String {
    let (value, suffix) = if x >= 1e6 {
        (x / 1e6, "M")
    } else if x >= 1e4 {
        (x / 1e3, "k")
    } else {
        return group_thousands(x);
    };
    let text = format!("{value:.1}");
    format!("{}{suffix}", text.trim_end_matches(".0"))
}

#[function_component(PowerCurve)]
pub fn power_curve(props: &PowerCurveProps) -> Html {
    let points: Vec<&PowerPoint> =
        props.points.iter().filter(|p| p.users_per_variant.is_finite() && p.power.is_finite()).collect();
    let x_max = points.iter().map(|p| p.users_per_variant).fold(props.plan_users, f64::max);
    // `x_max` may be NaN; only a positive finite width can be drawn.
    if points.len() < 2 || !x_max.is_finite() || x_max <= 0.0 {
        return html! {
            <section class="card" aria-labelledby="curve-title">
                <h2 id="curve-title">{ "Power by sample size" }</h2>
                <p class="muted">{ "The power curve is not available for these inputs." }</p>
            </section>
        };
    }
    let step = nice_step(x_max, 5.0);
    let x_end = (x_max / step).ceil() * step;
    let x = |users: f64| LEFT + users / x_end * (WIDTH - LEFT - RIGHT);
    let y = |power: f64| TOP + (1.0 - power.clamp(0.0, 1.0)) * (HEIGHT - TOP - BOTTOM);

    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x(p.users_per_variant), y(p.power)))
        .collect();
    let x_ticks: Vec<f64> = (0..=((x_end / step).round() as usize)).map(|i| i as f64 * step).collect();
    let y_ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
    let marker_power = props.plan_power.unwrap_or(props.target_power);
    let (mx, my) = (x(props.plan_users), y(marker_power));
    // Keep the marker label inside the plot: put it left of the marker past mid-width.
    let label_right = mx < WIDTH * 0.6;
    let label_x = (if label_right { mx + 10.0 } else { mx - 10.0 }).to_string();
    let per = if props.averaged { "per arm on average" } else { "per variant" };
    let label_users = format!("Plan: {} {per}", group_thousands(props.plan_users.ceil()));
    let label_power = format!("{} power", percent(marker_power, PercentStyle::Share));
    let description = format!(
        "Power rises with users per variant; the plan needs {} users per variant for {} power.",
        group_thousands(props.plan_users.ceil()),
        percent(props.target_power, PercentStyle::Share)
    );

    html! {
        <section class={classes!("card", props.stale.then_some("stale"))} aria-labelledby="curve-title">
            <h2 id="curve-title">{ "Power by sample size" }</h2>
            <svg class="power-curve" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-labelledby="curve-svg-title curve-svg-desc" data-testid="power-curve">
                <title id="curve-svg-title">{ "Power curve" }</title>
                <desc id="curve-svg-desc">{ description }</desc>
                <g class="grid">
                    { for y_ticks.iter().map(|t| html! {
                        <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y(*t).to_string()} y2={y(*t).to_string()} />
                    }) }
                </g>
                <g class="axis">
                    <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y(0.0).to_string()} y2={y(0.0).to_string()} />
                    <line x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={y(0.0).to_string()} />
                    { for y_ticks.iter().map(|t| html! {
                        <text x={(LEFT - 8.0).to_string()} y={(y(*t) + 4.0).to_string()} text-anchor="end">{ percent(*t, PercentStyle::Share) }</text>
                    }) }
                    { for x_ticks.iter().map(|t| html! {
                        <text x={x(*t).to_string()} y={(y(0.0) + 18.0).to_string()} text-anchor="middle">{ short_count(*t) }</text>
                    }) }
                    <text class="axis-label" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(HEIGHT - 8.0).to_string()} text-anchor="middle">
                        { if props.averaged { "Users per arm (average)" } else { "Users per variant" } }
                    </text>
                    <text class="axis-label" transform={format!("translate(16 {}) rotate(-90)", (TOP + HEIGHT - BOTTOM) / 2.0)} text-anchor="middle">
                        { "Power" }
                    </text>
                </g>
                <line class="target" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                    y1={y(props.target_power).to_string()} y2={y(props.target_power).to_string()} />
                <line class="plan-line" x1={mx.to_string()} x2={mx.to_string()} y1={my.to_string()} y2={y(0.0).to_string()} />
                <path class="curve" d={path} />
                <circle class="plan-dot" cx={mx.to_string()} cy={my.to_string()} r="5" />
                <text class="plan-label" x={label_x.clone()} y={(my + 22.0).to_string()} text-anchor={if label_right { "start" } else { "end" }}>
                    <tspan x={label_x.clone()}>{ label_users }</tspan>
                    <tspan x={label_x} dy="1.2em">{ label_power }</tspan>
                </text>
            </svg>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(29_502.0, 5.0), 10_000.0);
        assert_eq!(nice_step(800.0, 5.0), 200.0);
        assert_eq!(short_count(20_000.0), "20k");
        assert_eq!(short_count(1_500_000.0), "1.5M");
        assert_eq!(short_count(800.0), "800");
    }
}
