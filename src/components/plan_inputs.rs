//! The planning inputs, grouped the way a marketer thinks about a test. Every
//! keystroke becomes a `FormEdit`; the page recomputes and rewrites the URL.

use yew::prelude::*;

use crate::components::field::{options, SelectField, TextField};
use crate::state::number::parse_number;
use crate::state::planner_form::{methods_for, FormEdit, PlannerForm};
use crate::state::FieldError;
use crate::text::format::{
    group_thousands, percent, percent_number, sign, trimmed,
    PercentStyle::{Change, Share},
};

#[derive(Properties, PartialEq)]
pub struct PlanInputsProps {
    pub form: PlannerForm,
    pub error: Option<FieldError>,
    pub on_edit: Callback<FormEdit>,
}

#[function_component(PlanInputs)]
pub fn plan_inputs(props: &PlanInputsProps) -> Html {
    let form = &props.form;
    // The error message for one input, if the current error names it.
    let error_for = |id: &str| -> Option<AttrValue> {
        props.error.as_ref().filter(|e| e.field == id).map(|e| AttrValue::from(e.message.clone()))
    };
    let set = |key: &'static str| props.on_edit.reform(move |value: String| FormEdit::Set(key, value));
    let hint = |text: Option<String>| text.map(AttrValue::from);

    let baseline_hint =
        hint(parse_number(&form.baseline).ok().map(|b| format!("= {} convert today", percent(b, Share))));
    let mde_hint = hint(parse_number(&form.mde).ok().map(|m| {
        if form.mde_type == "absolute" {
            if form.is_mean() {
                format!("= {}{} in the mean", sign(m), trimmed(m.abs(), 4))
            } else {
                format!("= {}{} percentage points", sign(m), percent_number(m.abs(), 3))
            }
        } else {
            format!("= {} relative to the baseline", percent(m, Change))
        }
    }));
    let alpha_hint = hint(parse_number(&form.alpha).ok().map(|a| format!("= {} confidence", percent(1.0 - a, Share))));
    let power_hint = hint(
        parse_number(&form.power).ok().map(|p| format!("= finds a real effect {} of the time", percent(p, Share))),
    );
    let daily_hint =
        hint(parse_number(&form.daily_users).ok().map(|d| format!("= {} visitors a day", group_thousands(d))));
    let traffic_hint = hint(
        parse_number(&form.traffic_fraction).ok().map(|f| format!("= {} of them enter the test", percent(f, Share))),
    );
    let general_error = props.error.as_ref().filter(|e| e.field.is_empty());

    html! {
        <form class="plan-inputs" aria-label="Test settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let Some(e) = general_error {
                <p class="form-error" role="alert">{ e.message.clone() }</p>
            }
            <fieldset>
                <legend>{ "What you measure" }</legend>
                <SelectField id="metric" label="KPI type" value={form.metric.clone()} onchange={set("metric")}
                    options={options(&[("proportion", "Conversion rate"), ("mean", "Mean per user (e.g. revenue per visitor)"), ("timeToEvent", "Time to convert")])} />
                if form.is_time_to_event() {
                    <div class="row">
                        <TextField id="controlEventRate" label="Control: share converting during the test" value={form.control_event_rate.clone()}
                            oninput={set("controlEventRate")} error={error_for("controlEventRate")} placeholder="0.35"
                            hint={hint(parse_number(&form.control_event_rate).ok().map(|p| format!("= {} convert before the test ends", percent(p, Share))))} />
                        <TextField id="hazardRatio" label="Hazard ratio to detect" value={form.hazard_ratio.clone()} oninput={set("hazardRatio")}
                            error={error_for("hazardRatio")} placeholder="0.7"
                            hint="variant over control; above 1 = converting sooner" />
                    </div>
                } else if form.is_mean() {
                    <div class="row">
                        <TextField id="mean" label="Current mean" value={form.mean.clone()} oninput={set("mean")}
                            error={error_for("mean")} hint="per user, e.g. revenue per visitor" />
                        <TextField id="stdDev" label="Standard deviation" value={form.std_dev.clone()} oninput={set("stdDev")}
                            error={error_for("stdDev")} hint="per user, from past data" />
                    </div>
                } else {
                    <TextField id="baseline" label="Baseline conversion rate" value={form.baseline.clone()} oninput={set("baseline")}
                        error={error_for("baseline")} hint={baseline_hint} placeholder="0.05" />
                }
            </fieldset>
            if !form.is_time_to_event() {
            <fieldset>
                <legend>{ "Effect to detect" }</legend>
                <div class="row">
                    <TextField id="mde" label="Minimum detectable effect" value={form.mde.clone()} oninput={set("mde")}
                        error={error_for("mde")} hint={mde_hint} placeholder="0.1" />
                    <SelectField id="mdeType" label="Effect is" value={form.mde_type.clone()} onchange={set("mdeType")}
                        hint={if form.mde_type == "absolute" { "in the KPI's own unit" } else { "0.1 = +10 % of the baseline" }}
                        error={error_for("mdeType")}
                        options={options(&[("relative", "Relative"), ("absolute", "Absolute")])} />
                </div>
            </fieldset>
            }
            <fieldset>
                <legend>{ "Confidence" }</legend>
                <div class="row">
                    <TextField id="alpha" label="Significance level (α)" value={form.alpha.clone()} oninput={set("alpha")}
                        error={error_for("alpha")} hint={alpha_hint} />
                    <TextField id="power" label="Power" value={form.power.clone()} oninput={set("power")}
                        error={error_for("power")} hint={power_hint} />
                </div>
                <div class="row">
                    <SelectField id="alternative" label="Test" value={form.alternative.clone()} onchange={set("alternative")}
                        hint={if form.alternative == "two-sided" { "detects better or worse" } else { "one direction only (use a negative effect for \"worse\")" }}
                        error={error_for("alternative")}
                        options={options(&[("two-sided", "Two-sided"), ("greater", "One-sided: better"), ("less", "One-sided: worse")])} />
                    <SelectField id="method" label="Method" value={form.method.clone()} onchange={set("method")}
                        error={error_for("method")} options={options(methods_for(&form.metric))} />
                </div>
            </fieldset>
            <fieldset>
                <legend>{ "Arms" }</legend>
                <div class="row">
                    <TextField id="variants" label="Number of arms" value={form.variants.clone()} oninput={set("variants")}
                        error={error_for("variants")} hint="including the control" inputmode="numeric" />
                    <TextField id="allocation" label="Allocation (optional)" value={form.allocation.clone()} oninput={set("allocation")}
                        error={error_for("allocation")} hint="weights, control first: 50,50 or 2,1,1; empty = equal" placeholder="equal" />
                </div>
                <SelectField id="correction" label="Multiple comparisons" value={form.correction.clone()} onchange={set("correction")}
                    error={error_for("correction")}
                    options={options(&[("none", "No correction"), ("bonferroni", "Bonferroni (α split over the variants)")])} />
            </fieldset>
            <fieldset>
                <legend>{ "Traffic" }</legend>
                <div class="row">
                    <TextField id="dailyUsers" label="Daily users" value={form.daily_users.clone()} oninput={set("dailyUsers")}
                        error={error_for("dailyUsers")} hint={daily_hint} inputmode="numeric" />
                    <TextField id="trafficFraction" label="Share of traffic in the test" value={form.traffic_fraction.clone()}
                        oninput={set("trafficFraction")} error={error_for("trafficFraction")} hint={traffic_hint} />
                </div>
            </fieldset>
        </form>
    }
}
