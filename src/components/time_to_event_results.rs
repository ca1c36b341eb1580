//! A time-to-convert KPI's own results (SDK.md §5): the Kaplan-Meier curves
//! per arm with their bands, per arm the median (with its CI) and the
//! restricted mean time to convert (RMST) up to the horizon, the RMST
//! difference that decides, and how many users are still waiting (censored).

use kpilab_core::survival::TimeToEventResult;
use yew::prelude::*;

use crate::charts::km_curve::{KmArm, KmCurve};
use crate::components::kpi_results::verdict_badge;
use crate::text::format::{group_thousands, trimmed};

#[derive(Properties, PartialEq)]
pub struct TimeToEventResultsProps {
    pub name: AttrValue,
    pub result: TimeToEventResult,
}

/// Times are shown with this many decimals (the browser test reads them back).
pub const DECIMALS: usize = 2;

fn median_text(median: Option<f64>, ci: &[Option<f64>; 2]) -> String {
    let bound = |b: Option<f64>| b.map_or("not reached".to_string(), |x| trimmed(x, DECIMALS));
    match median {
        None => "not reached".into(),
        Some(m) => format!("{} ({} to {})", trimmed(m, DECIMALS), bound(ci[0]), bound(ci[1])),
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "p < 0.0001".into()
    } else {
        format!("p = {}", trimmed(p, 4))
    }
}

#[function_component(TimeToEventResults)]
pub fn time_to_event_results(props: &TimeToEventResultsProps) -> Html {
    let r = &props.result;
    let unit = r.unit.as_str();
    let waiting: u64 = r.variants.iter().map(|v| v.users - v.events).sum();
    let users: u64 = r.variants.iter().map(|v| v.users).sum();
    let arms: Vec<KmArm> = r.variants.iter().map(|v| KmArm { name: v.name.clone(), curve: v.curve.clone() }).collect();
    html! {
        <div class="tte-summary" data-testid="tte-summary">
            <h3>{ format!("{}: time to convert", props.name) }</h3>
            <KmCurve arms={arms} unit={AttrValue::from(unit)} kpi={props.name.clone()} />
            <p class="field-hint">{ "RMST: the mean time to convert up to the horizon, counting the users still waiting; it decides." }</p>
            <p class="field-hint" data-testid="tte-waiting">
                { format!(
                    "{} of {} users have not converted yet (still waiting, censored at the end of their observation); they count as \"not yet\", not as \"never\".",
                    group_thousands(waiting as f64), group_thousands(users as f64)
                ) }
            </p>
            <div class="table-scroll">
                <table class="data-table" data-testid="tte-table">
                    <thead><tr>
                        <th>{ "Variant" }</th><th class="num">{ "Users" }</th><th class="num">{ "Converted" }</th><th class="num">{ "Still waiting" }</th>
                        <th>{ format!("Median, {unit} (95 %)") }</th>
                        <th class="num">{ format!("RMST to {} {unit}", trimmed(r.horizon, DECIMALS)) }</th>
                    </tr></thead>
                    <tbody>
                        { for r.variants.iter().map(|v| html! {
                            <tr data-testid="tte-arm">
                                <th scope="row">{ v.name.clone() }</th>
                                <td class="num">{ group_thousands(v.users as f64) }</td>
                                <td class="num">{ group_thousands(v.events as f64) }</td>
                                <td class="num">{ group_thousands((v.users - v.events) as f64) }</td>
                                <td data-testid="tte-median">{ median_text(v.median, &v.median_ci) }</td>
                                <td class="num" data-testid="tte-rmst">{ trimmed(v.rmst, DECIMALS) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            { for r.comparisons.iter().map(|c| {
                let ci = |b: Option<f64>| b.map_or("∞".to_string(), |x| trimmed(x, DECIMALS));
                html! {
                    <p data-testid="tte-comparison">
                        { format!("{} vs {}: mean time to convert differs by ", c.variant, c.control) }
                        <strong data-testid="tte-rmst-diff">{ trimmed(c.absolute_lift, DECIMALS) }</strong>
                        { format!(
                            " {unit} (95 % interval {} to {}, {}); hazard ratio {} (log-rank {}). ",
                            ci(c.absolute_ci[0]), ci(c.absolute_ci[1]), p_text(c.p_value),
                            trimmed(c.hazard_ratio, 3), p_text(c.log_rank_p_value)
                        ) }
                        { verdict_badge(c.verdict) }
                    </p>
                }
            }) }
        </div>
    }
}
