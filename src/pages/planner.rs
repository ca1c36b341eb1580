//! The planner view: inputs on the left, answers on the right, all recomputed by
//! kpilab_core on every keystroke and mirrored in the URL query. This page only
//! wires the state (state::planner_form, state::url_state) to the components.

use std::rc::Rc;

use yew::prelude::*;

use crate::charts::power_curve::PowerCurve;
use crate::components::copy_button::CopyButton;
use crate::components::mde_table::MdeTable;
use crate::components::plan_card::PlanCard;
use crate::components::plan_inputs::PlanInputs;
use crate::components::result_card::ResultCard;
use crate::models::plan_results::{compute, PlanResults};
use crate::services::browser;
use crate::state::planner_form::{label_for, FormEdit, PlannerState};
use crate::state::url_state;
use crate::text::format::{group_thousands, weeks};

#[derive(Properties, PartialEq)]
pub struct PlannerProps {
    /// Each new plan query (as in the address bar), for the links that carry it.
    #[prop_or_default]
    pub on_query: Callback<String>,
}

#[function_component(Planner)]
pub fn planner(props: &PlannerProps) -> Html {
    let state = use_reducer(|| PlannerState(url_state::from_query(&browser::location_search())));
    let form = &state.0;
    let outcome = use_memo(form.clone(), compute);
    // The last plan that computed, kept to show (greyed) while the inputs are invalid.
    let last_good = use_mut_ref(|| None::<Rc<PlanResults>>);
    if let Ok(results) = &*outcome {
        let fresh = last_good.borrow().as_ref().is_none_or(|r| **r != *results);
        if fresh {
            *last_good.borrow_mut() = Some(Rc::new(results.clone()));
        }
    }
    // "12.000" visitors: no plan at all until the question is answered.
    let ambiguity = form.ambiguity();
    let shown = if ambiguity.is_some() { None } else { last_good.borrow().clone() };
    let error = outcome.as_ref().as_ref().err().cloned();
    let stale = error.is_some();

    // Mirror the plan in the address bar (no reload, no history entry per keystroke).
    {
        let on_query = props.on_query.clone();
        use_effect_with(form.clone(), move |form| {
            let query = url_state::to_query(form);
            browser::replace_query(&query);
            on_query.emit(query);
        });
    }

    let on_edit = {
        let state = state.clone();
        Callback::from(move |edit: FormEdit| state.dispatch(edit))
    };
    let page_url = Callback::from(|_: ()| browser::page_url());
    let kpi_name = AttrValue::from(form.kpi_display_name());

    html! {
        <div class="planner">
            <div class="planner-intro">
                <div>
                    <h1>{ "Plan an A/B test" }</h1>
                    <p class="lede">{ "How many users, and how many weeks, to detect the effect you care about." }</p>
                </div>
                <CopyButton id="copy-link" label="Copy link" text={page_url} />
            </div>
            <PlanSummary results={shown.clone()} stale={stale} waiting={ambiguity.as_ref().map(|a| AttrValue::from(label_for(a.field)))} />
            <div class="planner-grid">
                <PlanInputs form={form.clone()} error={error.clone()} on_edit={on_edit.clone()} results={shown.clone()} />
                <div class="planner-results">
                    if let Some(results) = shown.clone() {
                        <ResultCard results={results.clone()} stale={stale} kpi_name={kpi_name.clone()} />
                        if !form.is_time_to_event() {
                        <PowerCurve points={results.curve.clone()} target_power={results.input.plan.power}
                            plan_users={results.plan_users_per_variant} plan_power={results.achieved_power} stale={stale}
                            averaged={results.duration.users_per_variant.windows(2).any(|w| w[0] != w[1])} />
                        <MdeTable results={results.clone()} stale={stale} />
                        }
                    } else {
                        <section class="card result-card">
                            <h2>{ "Plan" }</h2>
                            if let Some(a) = &ambiguity {
                                <p class="muted">{ format!("Answer the question at {} to see the plan.", label_for(a.field)) }</p>
                            } else {
                                <p class="muted">{ "Fix the highlighted field to see the plan." }</p>
                            }
                        </section>
                    }
                </div>
            </div>
            if let Some(results) = shown {
                <PlanCard form={form.clone()} results={results} stale={stale} on_edit={on_edit} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PlanSummaryProps {
    results: Option<Rc<PlanResults>>,
    stale: bool,
    /// The label of a field whose question is open.
    waiting: Option<AttrValue>,
}

/// The answer in one line, stuck to the top of a phone's screen above the form
/// (style.css hides it where the results sit beside the form).
#[function_component(PlanSummary)]
fn plan_summary(props: &PlanSummaryProps) -> Html {
    let body = match (&props.waiting, &props.results) {
        (Some(label), _) => html! { <span>{ format!("Answer the question at {label} to see the plan.") }</span> },
        (None, Some(r)) => {
            let d = &r.duration;
            let note = if props.stale {
                html! { <span class="summary-note">{ "last valid plan — fix the highlighted field" }</span> }
            } else {
                html! {}
            };
            let control = d.users_per_variant.first().copied().unwrap_or(f64::NAN);
            let unequal = d.users_per_variant.iter().any(|n| *n != control);
            html! { <>
                <span><strong data-testid="summary-users">{ group_thousands(control) }</strong>
                    { if unequal { " users in control" } else { " users per variant" } }</span>
                <span><strong data-testid="summary-days">{ group_thousands(d.days) }</strong>
                    { format!(" days ({})", weeks(d.weeks)) }</span>
                { note }
            </> }
        }
        (None, None) => html! { <span>{ "Fix the highlighted field to see the plan." }</span> },
    };
    html! {
        // Not `.stale` (half opacity): this line must stay readable; it says it is old instead.
        <div class={classes!("plan-summary", (props.stale && props.waiting.is_none() && props.results.is_some()).then_some("outdated"))} data-testid="plan-summary">
            { body }
        </div>
    }
}
