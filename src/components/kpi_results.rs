//! Per-KPI results: one row per KPI and treatment with both arms' values and
//! what is behind them (conversions / users, or sd and users), the change in
//! points and relative with its interval, the evidence (p-value or chance to
//! beat control) and the verdict, above a forest plot on a shared axis. Fits a
//! 1024 px screen; on a phone each row is a small card.

use std::rc::Rc;

use kpilab_core::analyze::{AnalyzeResult, Comparison, Verdict};
use kpilab_core::evaluate::{KpiKind, KpiResult};
use yew::prelude::*;

use crate::charts::forest_plot::{ForestPlot, ForestRow};
use crate::charts::funnel_chart::FunnelChart;
use crate::components::time_to_event_results::TimeToEventResults;
use crate::text::format::{percent, trimmed, PercentStyle};
use crate::text::report::{absolute_difference, arm_counts, evidence, relative_ci, relative_lift};

#[derive(Properties, PartialEq)]
pub struct KpiResultsProps {
    pub kpis: Rc<Vec<KpiResult>>,
    /// Each KPI's kind by name, to write values as rates or amounts.
    pub kinds: Rc<Vec<(String, KpiKind)>>,
    /// KPIs added after the loaded plan (marked exploratory).
    #[prop_or_default]
    pub exploratory: Rc<Vec<String>>,
    /// The intervals' level, "95 %".
    #[prop_or_else(|| AttrValue::from("95 %"))]
    pub level: AttrValue,
}

pub fn value_text(kind: Option<KpiKind>, x: f64) -> String {
    match kind {
        Some(KpiKind::Conversion | KpiKind::Funnel) => percent(x, PercentStyle::Share),
        _ => trimmed(x, 2),
    }
}

/// The verdict as a coloured badge, in words.
pub fn verdict_badge(v: Verdict) -> Html {
    let word = match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Inconclusive => "no clear difference",
    };
    html! { <span class={classes!("badge", v.as_str())}>{ word }</span> }
}

/// One arm's cell: the value, and under it what it rests on.
fn arm_cell(kind: Option<KpiKind>, result: &AnalyzeResult, name: &str, label: String, testid: &'static str) -> Html {
    let arm = result.variants.iter().find(|a| a.name == name);
    html! {
        <td class="num" data-label={label}>
            <span class="value">{ value_text(kind, arm.map_or(f64::NAN, |a| a.mean)) }</span>
            if let Some(arm) = arm {
                <span class="sub" data-testid={testid}>{ arm_counts(kind, arm) }</span>
            }
        </td>
    }
}

/// The change, evidence and verdict cells of a comparison.
fn change_cells(kind: Option<KpiKind>, c: &Comparison, level: &str) -> Html {
    html! {
        <>
            <td class="num" data-label="Change">
                <span class="value" data-testid="relative-lift">{ relative_lift(c) }</span>
                <span class="sub" data-testid="absolute-difference">{ absolute_difference(kind, c) }</span>
                <span class="sub" title={format!("{level} interval of the relative lift")}>{ relative_ci(c) }</span>
            </td>
            <td class="evidence" data-label="Evidence">
                { verdict_badge(c.verdict) }
                <span class="sub">{ evidence(c) }</span>
            </td>
        </>
    }
}

/// A funnel's steps under its row: each step's share of exposed users in both arms.
fn funnel_step_rows(k: &KpiResult, level: &str) -> Vec<Html> {
    let share = Some(KpiKind::Funnel);
    k.steps
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(i, step)| {
            step.result
                .comparisons
                .iter()
                .map(move |c| {
                    html! {
                        <tr class="funnel-step-row" data-testid="funnel-step-row">
                            <th scope="row">{ format!("↳ step {}: {}", i + 1, step.name) }<span class="role">{ c.variant.clone() }</span></th>
                            { arm_cell(share, &step.result, &c.control, c.control.clone(), "control-counts") }
                            { arm_cell(share, &step.result, &c.variant, c.variant.clone(), "variant-counts") }
                            { change_cells(share, c, level) }
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
    let level = props.level.to_string();
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
    let level: &str = &level;
    let control = props.kpis.first().and_then(|k| k.result.comparisons.first()).map(|c| c.control.clone());

    html! {
        <section class="card kpi-results" aria-labelledby="kpi-results-title">
            <h2 id="kpi-results-title">{ "KPIs" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="KPIs (table)">
                <table class="data-table kpi-table" data-testid="kpi-table">
                    <thead><tr>
                        <th>{ "KPI" }</th>
                        <th class="num">{ control.map(|c| format!("Control ({c})")).unwrap_or("Control".into()) }</th>
                        <th class="num">{ "Variant" }</th>
                        <th class="num">{ format!("Change ({level} interval)") }</th>
                        <th>{ "Evidence" }</th>
                    </tr></thead>
                    <tbody>
                        { for props.kpis.iter().flat_map(|k| {
                            let kind = kind_of(&k.name);
                            let exploratory = props.exploratory.contains(&k.name);
                            k.result.comparisons.iter().map(move |c| html! {
                                <tr data-testid="kpi-row" data-kpi={k.name.clone()} class={classes!(exploratory.then_some("exploratory"))}>
                                    <th scope="row">
                                        <span class="kpi-name">{ k.name.clone() }</span>
                                        <span class="role">{ k.role.as_str() }{ if many_arms { format!(" · {}", c.variant) } else { String::new() } }</span>
                                        if exploratory {
                                            <span class="exploratory-tag" data-testid="exploratory">{ "added after the plan — exploratory" }</span>
                                        }
                                    </th>
                                    { arm_cell(kind, &k.result, &c.control, c.control.clone(), "control-counts") }
                                    { arm_cell(kind, &k.result, &c.variant, c.variant.clone(), "variant-counts") }
                                    { change_cells(kind, c, level) }
                                </tr>
                            }).chain(funnel_step_rows(k, level)).collect::<Vec<_>>()
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="muted table-note">{ "Under each value: conversions / users for rates, the standard deviation and users for averages. Change: the relative lift, the difference (pts = percentage points) and the lift's interval." }</p>
            <ForestPlot rows={forest} level={props.level.clone()} />
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
