//! Per-KPI results: one row per KPI and treatment with both arms' values, the
//! relative lift and its interval, the evidence (p-value or chance to beat
//! control) and the verdict, above a forest plot on a shared axis.

use std::rc::Rc;

use kpilab_core::analyze::Verdict;
use kpilab_core::evaluate::{KpiKind, KpiResult};
use yew::prelude::*;

use crate::charts::forest_plot::{ForestPlot, ForestRow};
use crate::charts::funnel_chart::FunnelChart;
use crate::components::time_to_event_results::TimeToEventResults;
use crate::text::format::{percent, trimmed, PercentStyle};
use crate::text::report::{evidence, relative_ci, relative_lift};

#[derive(Properties, PartialEq)]
pub struct KpiResultsProps {
    pub kpis: Rc<Vec<KpiResult>>,
    /// Each KPI's kind by name, to write values as rates or amounts.
    pub kinds: Rc<Vec<(String, KpiKind)>>,
}

pub fn value_text(kind: Option<KpiKind>, x: f64) -> String {
    match kind {
        Some(KpiKind::Conversion | KpiKind::Funnel) => percent(x, PercentStyle::Share),
        _ => trimmed(x, 2),
    }
}

/// The verdict as a coloured badge.
pub fn verdict_badge(v: Verdict) -> Html {
    html! { <span class={classes!("badge", v.as_str())}>{ v.as_str() }</span> }
}

/// A funnel's steps under its row: each step's share of exposed users in both arms.
fn funnel_step_rows(k: &KpiResult) -> Vec<Html> {
    let share = Some(KpiKind::Funnel);
    k.steps
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(i, step)| {
            let mean =
                |name: &str| step.result.variants.iter().find(|a| a.name == name).map(|a| a.mean).unwrap_or(f64::NAN);
            step.result
                .comparisons
                .iter()
                .map(move |c| {
                    html! {
                        <tr class="funnel-step-row" data-testid="funnel-step-row">
                            <th scope="row">{ format!("↳ step {}: {}", i + 1, step.name) }</th>
                            <td>{ c.variant.clone() }</td>
                            <td class="num">{ value_text(share, mean(&c.control)) }</td>
                            <td class="num">{ value_text(share, mean(&c.variant)) }</td>
                            <td class="num">{ relative_lift(c) }</td>
                            <td>{ relative_ci(c) }</td>
                            <td>{ evidence(c) }</td>
                            <td>{ verdict_badge(c.verdict) }</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[function_component(KpiResults)]
pub fn kpi_results(props: &KpiResultsProps) -> Html {
    let kind_of = |name: &str| props.kinds.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
    let many_arms = props.kpis.iter().any(|k| k.result.comparisons.len() > 1);
    let forest: Vec<ForestRow> = props
        .kpis
        .iter()
        .flat_map(|k| {
            k.result.comparisons.iter().map(move |c| ForestRow {
                label: if many_arms { format!("{} · {}", k.name, c.variant) } else { k.name.clone() },
                lift: c.relative_lift,
                low: c.relative_ci.and_then(|ci| ci[0]),
                high: c.relative_ci.and_then(|ci| ci[1]),
                verdict: c.verdict,
            })
        })
        .collect();

    html! {
        <section class="card kpi-results" aria-labelledby="kpi-results-title">
            <h2 id="kpi-results-title">{ "KPIs" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="KPIs (table)">
                <table class="data-table">
                    <thead><tr>
                        <th>{ "KPI" }</th><th>{ "Variant" }</th><th class="num">{ "Control" }</th><th class="num">{ "Variant value" }</th>
                        <th class="num">{ "Relative lift" }</th><th>{ "95 % interval" }</th><th>{ "Evidence" }</th><th>{ "Verdict" }</th>
                    </tr></thead>
                    <tbody>
                        { for props.kpis.iter().flat_map(|k| {
                            let kind = kind_of(&k.name);
                            let mean = |name: &str| k.result.variants.iter().find(|a| a.name == name).map(|a| a.mean).unwrap_or(f64::NAN);
                            k.result.comparisons.iter().map(move |c| html! {
                                <tr>
                                    <th scope="row">{ k.name.clone() }<span class="role">{ k.role.as_str() }</span></th>
                                    <td>{ c.variant.clone() }</td>
                                    <td class="num">{ value_text(kind, mean(&c.control)) }</td>
                                    <td class="num">{ value_text(kind, mean(&c.variant)) }</td>
                                    <td class="num">{ relative_lift(c) }</td>
                                    <td>{ relative_ci(c) }</td>
                                    <td>{ evidence(c) }</td>
                                    <td>{ verdict_badge(c.verdict) }</td>
                                </tr>
                            }).chain(funnel_step_rows(k)).collect::<Vec<_>>()
                        }) }
                    </tbody>
                </table>
            </div>
            <ForestPlot rows={forest} />
            { for props.kpis.iter().filter_map(|k| k.steps.as_ref().map(|steps| html! {
                <FunnelChart name={k.name.clone()} steps={steps.clone()} />
            })) }
            // Time-to-convert KPIs: curves, medians, RMST, users still waiting.
            { for props.kpis.iter().filter_map(|k| k.time_to_event.clone().map(|result| html! {
                <TimeToEventResults name={AttrValue::from(k.name.clone())} {result} />
            })) }
        </section>
    }
}
