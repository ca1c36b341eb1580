//! Kaplan-Meier curves: per arm the share of users not converted yet over time
//! (a step function) with its pointwise band (exponential Greenwood, as the
//! core computes it), on one time axis. Inline SVG like the forest plot;
//! colours from style.css by arm index.

use kpilab_core::survival::CurvePoint;
use yew::prelude::*;

use crate::charts::power_curve::nice_step;
use crate::text::format::{percent, trimmed, PercentStyle};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 130.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 42.0;

#[derive(Clone, PartialEq)]
pub struct KmArm {
    pub name: String,
    pub curve: Vec<CurvePoint>,
}

#[derive(Properties, PartialEq)]
pub struct KmCurveProps {
    pub arms: Vec<KmArm>,
    /// "days" or "hours", for the axis.
    pub unit: AttrValue,
    /// The KPI, for the accessible label.
    pub kpi: AttrValue,
}

/// `M x0 y0 H x1 V y1 …`: S holds from each point's time to the next one's.
fn step_path(points: &[(f64, f64)], end: f64) -> String {
    let mut d = String::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i == 0 {
            d.push_str(&format!("M{x:.2},{y:.2}"));
        } else {
            d.push_str(&format!("H{x:.2}V{y:.2}"));
        }
    }
    d.push_str(&format!("H{end:.2}"));
    d
}

#[function_component(KmCurve)]
pub fn km_curve(props: &KmCurveProps) -> Html {
    let last = props.arms.iter().flat_map(|a| a.curve.iter().map(|p| p.time)).fold(0.0, f64::max);
    if props.arms.is_empty() || last <= 0.0 || !last.is_finite() {
        return html! {};
    }
    let step = nice_step(last, 6.0);
    let max_t = (last / step).ceil() * step;
    let x = |t: f64| LEFT + t / max_t * (WIDTH - LEFT - RIGHT);
    let y = |s: f64| TOP + (1.0 - s.clamp(0.0, 1.0)) * (HEIGHT - TOP - BOTTOM);
    let bottom = HEIGHT - BOTTOM;
    let end = x(last);
    let mut ticks = Vec::new();
    let mut t = 0.0;
    while t <= max_t + 1e-9 {
        ticks.push(t);
        t += step;
    }
    html! {
        <svg class="km-curve" data-testid="km-curve" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
            aria-label={format!("{}: share of users not converted yet over time, per variant, with 95 % bands", props.kpi)}>
            <g class="grid">
                { for [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|s| html! {
                    <>
                        <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y(*s).to_string()} y2={y(*s).to_string()} />
                        <text x={(LEFT - 6.0).to_string()} y={(y(*s) + 4.0).to_string()} text-anchor="end">{ percent(*s, PercentStyle::Share) }</text>
                    </>
                }) }
                { for ticks.iter().map(|t| html! {
                    <text x={x(*t).to_string()} y={(bottom + 16.0).to_string()} text-anchor="middle">{ trimmed(*t, 2) }</text>
                }) }
            </g>
            <text class="axis-label" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(HEIGHT - 4.0).to_string()} text-anchor="middle">
                { format!("{} since exposure", capitalized(&props.unit)) }
            </text>
            { for props.arms.iter().enumerate().map(|(i, arm)| {
                let line: Vec<(f64, f64)> = arm.curve.iter().map(|p| (x(p.time), y(p.survival))).collect();
                let upper: Vec<(f64, f64)> = arm.curve.iter().map(|p| (x(p.time), y(p.upper))).collect();
                let lower: Vec<(f64, f64)> = arm.curve.iter().map(|p| (x(p.time), y(p.lower))).collect();
                // The band: the upper steps forward, the lower steps back.
                let mut band = step_path(&upper, end);
                let mut back = String::new();
                if let Some(&(_, ly)) = lower.last() {
                    back.push_str(&format!("V{ly:.2}"));
                }
                for w in lower.windows(2).rev() {
                    back.push_str(&format!("H{:.2}V{:.2}", w[1].0, w[0].1));
                }
                band.push_str(&back);
                band.push('Z');
                let label_y = line.last().map_or(TOP, |p| p.1) + 4.0 + 14.0 * i as f64;
                html! {
                    <g class={classes!("km-arm", format!("arm-{}", i % 4))}>
                        <path class="km-band" d={band} />
                        <path class="km-line" data-testid="km-line" d={step_path(&line, end)} />
                        <text class="km-label" x={(end + 6.0).to_string()} y={label_y.to_string()}>{ arm.name.clone() }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
