//! Results per segment (device = mobile, channel = paid, …): each KPI's lift,
//! evidence and verdict on that segment's users alone.

use std::rc::Rc;

use kpilab_core::evaluate::SegmentResult;
use yew::prelude::*;

use crate::components::kpi_results::verdict_badge;
use crate::text::format::group_thousands;
use crate::text::report::{evidence, relative_lift};

#[derive(Properties, PartialEq)]
pub struct SegmentTableProps {
    pub segments: Rc<Vec<SegmentResult>>,
}

#[function_component(SegmentTable)]
pub fn segment_table(props: &SegmentTableProps) -> Html {
    if props.segments.is_empty() {
        return html! {};
    }
    html! {
        <section class="card" aria-labelledby="segments-title">
            <h2 id="segments-title">{ "Segments" }</h2>
            <p class="muted">{ "Each segment analysed on its own users. Many slices mean some will look significant by chance: treat them as leads, not verdicts." }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Segments (table)">
                <table class="data-table segment-table" data-testid="segment-table">
                    <thead><tr>
                        <th>{ "Segment" }</th><th>{ "KPI" }</th><th class="num">{ "Users" }</th>
                        <th class="num">{ "Relative lift" }</th><th>{ "Evidence" }</th>
                    </tr></thead>
                    <tbody>
                        { for props.segments.iter().flat_map(|s| s.kpis.iter().flat_map(move |k| {
                            let users: f64 = k.result.variants.iter().map(|a| a.users).sum();
                            let many_arms = k.result.comparisons.len() > 1;
                            k.result.comparisons.iter().map(move |c| html! {
                                <tr>
                                    <th scope="row">{ format!("{} = {}", s.column, s.value) }</th>
                                    <td>{ k.name.clone() }
                                        if many_arms { <span class="role">{ c.variant.clone() }</span> }
                                    </td>
                                    <td class="num">{ group_thousands(users) }</td>
                                    <td class="num">{ relative_lift(c) }</td>
                                    <td class="evidence">{ verdict_badge(c.verdict) }<span class="sub">{ evidence(c) }</span></td>
                                </tr>
                            }).collect::<Vec<_>>()
                        })) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
