//! The answer: users per variant, total users, days and whole weeks, plus the
//! sentence for a ticket. Shown greyed when the inputs are currently invalid.

use std::rc::Rc;

use yew::prelude::*;

use crate::models::plan_results::PlanResults;
use crate::text::format::{group_thousands, percent, ticket_sentence, PercentStyle};

#[derive(Properties, PartialEq)]
pub struct ResultCardProps {
    pub results: Rc<PlanResults>,
    /// True when the inputs changed into something invalid: these are the last good numbers.
    pub stale: bool,
    pub kpi_name: AttrValue,
}

#[function_component(ResultCard)]
pub fn result_card(props: &ResultCardProps) -> Html {
    let r = &props.results;
    let d = &r.duration;
    let control = d.users_per_variant.first().copied().unwrap_or(f64::NAN);
    let unequal = d.users_per_variant.iter().any(|n| *n != control);
    let sentence =
        ticket_sentence(&r.input.plan, &props.kpi_name, r.input.daily_users, r.input.traffic_fraction, d.weeks);

    html! {
        <section class={classes!("card", "result-card", props.stale.then_some("stale"))} aria-labelledby="result-title" aria-live="polite">
            <h2 id="result-title">{ "Plan" }</h2>
            if props.stale {
                <p class="stale-note">{ "Showing the last valid plan — fix the highlighted field to update it." }</p>
            }
            <dl class="headline">
                <div>
                    <dt>{ if unequal { "Users in control" } else { "Users per variant" } }</dt>
                    <dd data-testid="users-per-variant">{ group_thousands(control) }</dd>
                </div>
                <div>
                    <dt>{ "Total users" }</dt>
                    <dd data-testid="total-users">{ group_thousands(d.total_users) }</dd>
                </div>
                <div>
                    <dt>{ "Days of traffic" }</dt>
                    <dd data-testid="duration-days">{ group_thousands(d.days) }</dd>
                </div>
                <div>
                    <dt>{ "Run for (whole weeks)" }</dt>
                    <dd data-testid="duration-weeks">{ group_thousands(d.weeks) }</dd>
                </div>
            </dl>
            if unequal {
                <p class="arms">
                    { "Per arm, control first: " }
                    { d.users_per_variant.iter().map(|n| group_thousands(*n)).collect::<Vec<_>>().join(" / ") }
                </p>
            }
            if let Some(events) = r.events_needed {
                <p class="achieved" data-testid="events-needed">
                    { format!("The test needs {} conversions in all (Freedman's formula).", group_thousands(events)) }
                </p>
            }
            if let Some(power) = r.achieved_power {
                <p class="achieved">{ format!("With these sizes the test reaches {} power.", percent(power, PercentStyle::Share)) }</p>
            }
            <blockquote class="sentence" id="plan-sentence">{ sentence }</blockquote>
            if d.weeks > 52.0 {
                <p class="long-test">{ "That is more than a year. Consider a larger effect, more traffic in the test or fewer variants." }</p>
            }
        </section>
    }
}
