//! The funnel chart of a funnel KPI (SDK.md §4): for each step, the share of
//! exposed users who reached it, one bar per arm with its 95 % interval. Every
//! step is against all exposed users, so the bars of an arm only shrink.
//! Inline SVG like the forest plot; arm colours from style.css (`arm-0` …).

use kpilab_core::evaluate::event_types::StepResult;
use yew::prelude::*;

use crate::charts::power_curve::nice_step;
use crate::text::format::{percent, PercentStyle};

const WIDTH: f64 = 640.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 64.0;
const TOP: f64 = 30.0;
const BAR: f64 = 14.0;
const BAR_GAP: f64 = 4.0;
const GROUP_GAP: f64 = 14.0;
const BOTTOM: f64 = 40.0;
/// Arm colours cycle after this many.
const COLOURS: usize = 4;

#[derive(Properties, PartialEq)]
pub struct FunnelChartProps {
    /// The KPI's name, for the chart's label.
    pub name: AttrValue,
    pub steps: Vec<StepResult>,
}

#[function_component(FunnelChart)]
pub fn funnel_chart(props: &FunnelChartProps) -> Html {
    let Some(first) = props.steps.first() else { return html! {} };
    // The control first (in the muted colour), then the treatments in file order.
    let control = first.result.comparisons.first().map(|c| c.control.as_str());
    let mut arms: Vec<String> = first.result.variants.iter().map(|a| a.name.clone()).collect();
    arms.sort_by_key(|a| Some(a.as_str()) != control);
    if arms.is_empty() {
        return html! {};
    }
    let highest = props
        .steps
        .iter()
        .flat_map(|s| s.result.variants.iter().flat_map(|a| [a.mean, a.ci[1]]))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .clamp(0.01, 1.0);
    let step = nice_step(highest, 5.0);
    let max = ((highest / step).ceil() * step).min(1.0).max(step);
    let x = |v: f64| LEFT + v.clamp(0.0, max) / max * (WIDTH - LEFT - RIGHT);
    let group = arms.len() as f64 * (BAR + BAR_GAP) - BAR_GAP + GROUP_GAP;
    let bottom = TOP + group * props.steps.len() as f64;
    let height = bottom + BOTTOM;
    let ticks: Vec<f64> = (0..).map(|i| i as f64 * step).take_while(|t| *t <= max + 1e-12).collect();

    html! {
        <svg class="funnel-chart" viewBox={format!("0 0 {WIDTH} {height}")} role="img" data-testid="funnel-chart"
            aria-label={format!("{}: share of exposed users reaching each step, per variant, with 95 % intervals", props.name)}>
            <g class="legend">
                { for arms.iter().enumerate().map(|(j, arm)| {
                    let lx = LEFT + j as f64 * 130.0;
                    html! {
                        <g class={format!("arm-{}", j % COLOURS)}>
                            <rect x={lx.to_string()} y="6" width="12" height="12" rx="2" />
                            <text x={(lx + 18.0).to_string()} y="16">{ arm.clone() }</text>
                        </g>
                    }
                }) }
            </g>
            <g class="grid">
                { for ticks.iter().map(|t| html! {
                    <>
                        <line x1={x(*t).to_string()} x2={x(*t).to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
                        <text x={x(*t).to_string()} y={(bottom + 14.0).to_string()} text-anchor="middle">{ percent(*t, PercentStyle::Share) }</text>
                    </>
                }) }
            </g>
            <text class="axis-label" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(height - 6.0).to_string()} text-anchor="middle">
                { "Share of exposed users who reached the step (95 % interval)" }
            </text>
            { for props.steps.iter().enumerate().map(|(i, s)| {
                let y0 = TOP + group * i as f64 + GROUP_GAP / 2.0;
                let middle = y0 + (group - GROUP_GAP) / 2.0;
                html! {
                    <g class="funnel-step">
                        <text class="row-label" x={(LEFT - 10.0).to_string()} y={(middle + 4.0).to_string()} text-anchor="end">
                            { format!("{}. {}", i + 1, s.name) }
                        </text>
                        { for arms.iter().enumerate().map(|(j, arm)| {
                            let Some(a) = s.result.variants.iter().find(|a| a.name == *arm) else { return html! {} };
                            let y = y0 + j as f64 * (BAR + BAR_GAP);
                            let cy = y + BAR / 2.0;
                            let end = x(a.mean.max(a.ci[1]));
                            html! {
                                <g class={format!("arm-{}", j % COLOURS)}>
                                    <rect x={LEFT.to_string()} y={y.to_string()} width={(x(a.mean) - LEFT).max(0.0).to_string()} height={BAR.to_string()} rx="2">
                                        <title>{ format!("{arm}: {} ({} – {})", percent(a.mean, PercentStyle::Share),
                                            percent(a.ci[0], PercentStyle::Share), percent(a.ci[1], PercentStyle::Share)) }</title>
                                    </rect>
                                    <line class="ci" x1={x(a.ci[0]).to_string()} x2={x(a.ci[1]).to_string()} y1={cy.to_string()} y2={cy.to_string()} />
                                    <line class="ci" x1={x(a.ci[0]).to_string()} x2={x(a.ci[0]).to_string()} y1={(cy - 4.0).to_string()} y2={(cy + 4.0).to_string()} />
                                    <line class="ci" x1={x(a.ci[1]).to_string()} x2={x(a.ci[1]).to_string()} y1={(cy - 4.0).to_string()} y2={(cy + 4.0).to_string()} />
                                    <text class="value" x={(end + 6.0).to_string()} y={(cy + 4.0).to_string()}>{ percent(a.mean, PercentStyle::Share) }</text>
                                </g>
                            }
                        }) }
                    </g>
                }
            }) }
        </svg>
    }
}
