//! "If we can only run N weeks, what could we detect?" — the MDE after 1…8 weeks.

use std::rc::Rc;

use kpilab_core::plan::PlanMetric;
use yew::prelude::*;

use crate::models::plan_results::PlanResults;
use crate::text::format::{group_thousands, metric_value, percent, percent_number, trimmed, PercentStyle};

#[derive(Properties, PartialEq)]
pub struct MdeTableProps {
    pub results: Rc<PlanResults>,
    pub stale: bool,
}

#[function_component(MdeTable)]
pub fn mde_table(props: &MdeTableProps) -> Html {
    let r = &props.results;
    let plan = &r.input.plan;
    let absolute_header = match plan.metric {
        PlanMetric::Proportion { .. } | PlanMetric::TimeToEvent { .. } => "Absolute (points)",
        PlanMetric::Mean { .. } => "Absolute",
    };
    let base = match plan.metric {
        PlanMetric::Proportion { baseline } => baseline,
        PlanMetric::Mean { mean, .. } => mean,
        PlanMetric::TimeToEvent { control_event_rate, .. } => control_event_rate,
    };
    html! {
        <section class={classes!("card", props.stale.then_some("stale"))} aria-labelledby="mde-title">
            <h2 id="mde-title">{ "What each duration can detect" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="What each duration can detect (table)">
                <table class="mde-table" data-testid="mde-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "Weeks" }</th>
                            <th scope="col" class="num">{ "Users per variant" }</th>
                            <th scope="col" class="num">{ "Detectable lift" }</th>
                            <th scope="col" class="num optional">{ absolute_header }</th>
                            <th scope="col" class="num">{ "KPI would reach" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for r.mde_by_week.iter().map(|row| {
                            let planned = row.weeks as f64 == r.duration.weeks;
                            let cells = match row.mde {
                                Some(m) => {
                                    let absolute = match plan.metric {
                                        PlanMetric::Proportion { .. } | PlanMetric::TimeToEvent { .. } => percent_number(m.absolute, 3),
                                        PlanMetric::Mean { .. } => trimmed(m.absolute, 3),
                                    };
                                    html! { <>
                                        <td class="num">{ percent(m.relative, PercentStyle::Change) }</td>
                                        <td class="num optional">{ absolute }</td>
                                        <td class="num">{ metric_value(plan, base + m.absolute) }</td>
                                    </> }
                                }
                                None => html! { <td class="num muted" colspan="3">{ "too few users" }</td> },
                            };
                            html! {
                                <tr class={classes!(planned.then_some("planned"))}>
                                    <th scope="row">{ row.weeks }{ if planned { " (plan)" } else { "" } }</th>
                                    <td class="num">{ group_thousands(row.users_per_variant.floor()) }</td>
                                    { cells }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
