//! The planning inputs, grouped the way a marketer thinks about a test. Every
//! keystroke becomes a `FormEdit`; the page recomputes and rewrites the URL.
//! Rates, effects, alpha, power and the traffic share are typed in percent, the
//! unit shown in the field; a count that could mean two numbers is asked about.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::field::{options, SelectField, TextField};
use crate::models::plan_results::{ChoiceSize, PlanResults};
use crate::state::number::{parse_number, parse_percent};
use crate::state::planner_form::{label_for, methods_for, typed_number, Ambiguity, FormEdit, PlannerForm};
use crate::state::FieldError;
use crate::text::format::{
    group_thousands, percent, sign, trimmed,
    PercentStyle::{Change, Share},
};

#[derive(Properties, PartialEq)]
pub struct PlanInputsProps {
    pub form: PlannerForm,
    pub error: Option<FieldError>,
    pub on_edit: Callback<FormEdit>,
    /// The last good plan, for what each method and correction would change.
    #[prop_or_default]
    pub results: Option<Rc<PlanResults>>,
}

#[function_component(PlanInputs)]
pub fn plan_inputs(props: &PlanInputsProps) -> Html {
    let form = &props.form;
    // The error message for one input, if the current error names it.
    let ambiguity = form.ambiguity();
    let asked = |id: &str| ambiguity.as_ref().is_some_and(|a| a.field == id);
    // The error message for one input, if the current error names it (an open question is not an error).
    let error_for = |id: &str| -> Option<AttrValue> {
        props.error.as_ref().filter(|e| e.field == id && !asked(id)).map(|e| AttrValue::from(e.message.clone()))
    };
    let set = |key: &'static str| props.on_edit.reform(move |value: String| FormEdit::Set(key, value));
    let hint = |text: Option<String>| text.map(AttrValue::from);
    let unit = |id: &str| form.unit_for(id).map(AttrValue::Static);
    let share_of = |text: &str| parse_percent(text).ok().map(|x| x / 100.0);

    let baseline = share_of(&form.baseline);
    let baseline_hint = hint(baseline.map(|b| format!("= {} of users convert today", percent(b, Share))));
    let mde_hint = hint(parse_percent(&form.mde).ok().map(|m| mde_hint(form, m, baseline)));
    let alpha_hint =
        hint(share_of(&form.alpha).map(|a| format!("= {} confidence; 5 is usual", percent(1.0 - a, Share))));
    let power_hint =
        hint(share_of(&form.power).map(|p| format!("finds a real effect {} of the time", percent(p, Share))));
    // Counts as the plan reads them; None while "12.000" waits for its answer.
    let daily = form
        .to_duration_input()
        .map(|i| i.daily_users)
        .ok()
        .or_else(|| (!asked("dailyUsers")).then(|| parse_number(&form.daily_users).ok()).flatten());
    let daily_hint = hint(if asked("dailyUsers") {
        Some("which one? see the question below".into())
    } else {
        daily.map(|d| format!("= {} visitors a day", group_thousands(d)))
    });
    let traffic_hint = hint(share_of(&form.traffic_fraction).map(|f| match daily {
        Some(d) => format!("= {} of {} users a day enter the test", group_thousands(d * f), group_thousands(d)),
        None => format!("= {} of the users enter the test", percent(f, Share)),
    }));
    let general_error = props.error.as_ref().filter(|e| e.field.is_empty());
    let question = |field: &str| -> Html {
        match &ambiguity {
            Some(a) if a.field == field => ambiguity_question(a, &props.on_edit),
            _ => html! {},
        }
    };
    let results = props.results.as_deref();

    html! {
        <form class="plan-inputs" aria-label="Test settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let Some(e) = general_error {
                <p class="form-error" role="alert">{ e.message.clone() }</p>
            }
            <fieldset>
                <legend>{ "What you measure" }</legend>
                <SelectField id="metric" label={label_for("metric")} value={form.metric.clone()} onchange={set("metric")}
                    options={options(&[("proportion", "Conversion rate"), ("mean", "Mean per user (e.g. revenue per visitor)"), ("timeToEvent", "Time to convert")])} />
                if form.is_time_to_event() {
                    <div class="row">
                        <TextField id="controlEventRate" label={label_for("controlEventRate")} value={form.control_event_rate.clone()}
                            oninput={set("controlEventRate")} error={error_for("controlEventRate")} placeholder="35" unit={unit("controlEventRate")}
                            hint={hint(share_of(&form.control_event_rate).map(|p| format!("= {} convert before the test ends", percent(p, Share))))} />
                        <TextField id="hazardRatio" label={label_for("hazardRatio")} value={form.hazard_ratio.clone()} oninput={set("hazardRatio")}
                            error={error_for("hazardRatio")} placeholder="0.7"
                            hint="variant over control; above 1 = converting sooner" />
                    </div>
                } else if form.is_mean() {
                    <div class="row">
                        <TextField id="mean" label={label_for("mean")} value={form.mean.clone()} oninput={set("mean")}
                            error={error_for("mean")} hint="per user, e.g. revenue per visitor" />
                        <TextField id="stdDev" label={label_for("stdDev")} value={form.std_dev.clone()} oninput={set("stdDev")}
                            error={error_for("stdDev")} hint="per user, from past data" />
                    </div>
                } else {
                    <TextField id="baseline" label={label_for("baseline")} value={form.baseline.clone()} oninput={set("baseline")}
                        error={error_for("baseline")} hint={baseline_hint} placeholder="3.2" unit={unit("baseline")} />
                }
            </fieldset>
            if !form.is_time_to_event() {
            <fieldset>
                <legend>{ "Effect to detect" }</legend>
                <div class="row">
                    <TextField id="mde" label={label_for("mde")} value={form.mde.clone()} oninput={set("mde")}
                        error={error_for("mde")} hint={mde_hint} placeholder="10" unit={unit("mde")} />
                    <SelectField id="mdeType" label={label_for("mdeType")} value={form.mde_type.clone()} onchange={set("mdeType")}
                        hint={match (form.mde_type.as_str(), form.is_mean()) {
                            ("absolute", true) => "in the KPI's own unit",
                            ("absolute", false) => "in percentage points of the rate",
                            _ => "in percent of the baseline",
                        }}
                        error={error_for("mdeType")}
                        options={options(&[("relative", "Relative"), ("absolute", "Absolute")])} />
                </div>
            </fieldset>
            }
            <fieldset>
                <legend>{ "Confidence" }</legend>
                <div class="row">
                    <TextField id="alpha" label={label_for("alpha")} value={form.alpha.clone()} oninput={set("alpha")}
                        error={error_for("alpha")} hint={alpha_hint} unit={unit("alpha")} />
                    <TextField id="power" label={label_for("power")} value={form.power.clone()} oninput={set("power")}
                        error={error_for("power")} hint={power_hint} unit={unit("power")} />
                </div>
                <div class="row">
                    <SelectField id="alternative" label={label_for("alternative")} value={form.alternative.clone()} onchange={set("alternative")}
                        hint={if form.alternative == "two-sided" { "detects better or worse" } else { "one direction only (use a negative effect for \"worse\")" }}
                        error={error_for("alternative")}
                        options={options(&[("two-sided", "Two-sided"), ("greater", "One-sided: better"), ("less", "One-sided: worse")])} />
                    <SelectField id="method" label={label_for("method")} value={form.method.clone()} onchange={set("method")}
                        error={error_for("method")} options={options(methods_for(&form.metric))} />
                </div>
                if !form.is_time_to_event() {
                    <details class="choice-help" id="method-help" data-testid="method-help">
                        <summary>{ "What the methods mean, on this plan" }</summary>
                        <ul>
                            { for methods_for(&form.metric).iter().map(|(value, name)| html! {
                                <li data-testid={format!("method-{value}")}>
                                    <strong>{ *name }</strong>{ ": " }{ method_sentence(&form.metric, value) }{ " " }
                                    <span class="choice-effect">{ choice_effect(results.map(|r| r.by_method.as_slice()), value, &form.method, method_subject(&form.metric, value)) }</span>
                                </li>
                            }) }
                        </ul>
                    </details>
                }
            </fieldset>
            <fieldset>
                <legend>{ "Arms" }</legend>
                <div class="row">
                    <TextField id="variants" label={label_for("variants")} value={form.variants.clone()} oninput={set("variants")}
                        error={error_for("variants")} inputmode="numeric"
                        hint={if asked("variants") { "which one? see the question below" } else { "including the control" }} />
                    <TextField id="allocation" label={label_for("allocation")} value={form.allocation.clone()} oninput={set("allocation")}
                        error={error_for("allocation")} hint="optional weights, control first: 50,50 or 2,1,1; empty = equal" placeholder="equal" />
                </div>
                { question("variants") }
                <SelectField id="correction" label={label_for("correction")} value={form.correction.clone()} onchange={set("correction")}
                    error={error_for("correction")}
                    options={options(&[("none", "No correction"), ("bonferroni", "Bonferroni (α split over the variants)")])} />
                if !form.is_time_to_event() {
                    <details class="choice-help" id="correction-help" data-testid="correction-help">
                        <summary>{ "What the corrections mean, on this plan" }</summary>
                        <ul>
                            { for [("none", "No correction"), ("bonferroni", "Bonferroni")].iter().map(|(value, name)| html! {
                                <li data-testid={format!("correction-{value}")}>
                                    <strong>{ *name }</strong>{ ": " }{ correction_sentence(value) }{ " " }
                                    <span class="choice-effect">{ correction_effect(form, results, value) }</span>
                                </li>
                            }) }
                        </ul>
                    </details>
                }
            </fieldset>
            <fieldset>
                <legend>{ "Traffic" }</legend>
                <div class="row">
                    <TextField id="dailyUsers" label={label_for("dailyUsers")} value={form.daily_users.clone()} oninput={set("dailyUsers")}
                        error={error_for("dailyUsers")} hint={daily_hint} inputmode="decimal" placeholder="12,000" />
                    <TextField id="trafficFraction" label={label_for("trafficFraction")} value={form.traffic_fraction.clone()}
                        oninput={set("trafficFraction")} error={error_for("trafficFraction")} hint={traffic_hint} unit={unit("trafficFraction")} />
                </div>
                { question("dailyUsers") }
            </fieldset>
        </form>
    }
}

/// "= 3.2 % → 3.46 %": what the typed effect (in the field's unit) does to the KPI.
fn mde_hint(form: &PlannerForm, typed: f64, baseline: Option<f64>) -> String {
    let absolute = form.mde_type == "absolute";
    if form.is_mean() {
        let mean = parse_number(&form.mean).ok();
        return match (absolute, mean) {
            (true, Some(m)) => format!(
                "= {} → {} ({}{} in the mean)",
                trimmed(m, 4),
                trimmed(m + typed, 4),
                sign(typed),
                trimmed(typed.abs(), 4)
            ),
            (false, Some(m)) => format!(
                "= {} → {} ({})",
                trimmed(m, 4),
                trimmed(m * (1.0 + typed / 100.0), 4),
                percent(typed / 100.0, Change)
            ),
            (true, None) => format!("= {}{} in the mean", sign(typed), trimmed(typed.abs(), 4)),
            (false, None) => format!("= {} relative to the mean", percent(typed / 100.0, Change)),
        };
    }
    let share = typed / 100.0;
    match (absolute, baseline) {
        (true, Some(b)) => format!(
            "= {} → {} ({}{} points)",
            percent(b, Share),
            percent(b + share, Share),
            sign(typed),
            typed_number(typed.abs())
        ),
        (false, Some(b)) => format!(
            "= {} → {} ({} of the baseline)",
            percent(b, Share),
            percent(b * (1.0 + share), Share),
            percent(share, Change)
        ),
        (true, None) => format!("= {}{} percentage points", sign(typed), typed_number(typed.abs())),
        (false, None) => format!("= {} relative to the baseline", percent(share, Change)),
    }
}

/// The question for "12.000" in a count: two buttons, no plan until one is chosen.
fn ambiguity_question(a: &Ambiguity, on_edit: &Callback<FormEdit>) -> Html {
    let field = a.field;
    let grouped_text = format!("{} {}", group_thousands(a.grouped), a.noun);
    let decimal_text = format!("{} {}", typed_number(a.decimal), a.noun);
    let choose = |value: f64| on_edit.reform(move |_: MouseEvent| FormEdit::Set(field, typed_number(value)));
    let question_id = format!("{field}-question");
    html! {
        <div class="ambiguity" role="group" aria-labelledby={question_id.clone()} data-testid="ambiguity">
            <p id={question_id}>
                { format!("{}: did you mean {grouped_text} or {decimal_text}? \"{}\" is written both ways.", label_for(field), a.text) }
            </p>
            <div class="actions">
                <button type="button" data-testid="ambiguity-grouped" onclick={choose(a.grouped)}>{ grouped_text }</button>
                <button type="button" data-testid="ambiguity-decimal" onclick={choose(a.decimal)}>{ decimal_text }</button>
            </div>
        </div>
    }
}

/// One sentence on what each planning method assumes (SDK.md §1's table).
fn method_sentence(metric: &str, method: &str) -> &'static str {
    match (metric == "mean", method) {
        (true, "t") => "Student's t test with a pooled variance (statsmodels TTestIndPower); exact for small samples, a few users more.",
        (true, _) => "the normal approximation for a difference in means (z-test); fine from a few hundred users per arm.",
        (false, "unpooled") => "each arm's variance from its own rate, also under no effect; a little smaller than pooled.",
        (false, "evan-miller") => "the formula of Evan Miller's online calculator: under no effect both arms have the baseline's variance.",
        (false, "arcsine") => "Cohen's h on arcsine-transformed rates (statsmodels NormalIndPower, R pwr.2p.test).",
        (false, _) => "the classic two-proportion z-test (R power.prop.test): under no effect both arms share one pooled rate.",
    }
}

/// Who "would ask" for a size, in the explanations.
fn method_subject(metric: &str, method: &str) -> &'static str {
    match (metric == "mean", method) {
        (true, "t") => "The t test",
        (true, _) => "The z-test",
        (false, "unpooled") => "The unpooled test",
        (false, "evan-miller") => "Evan Miller's calculator",
        (false, "arcsine") => "The arcsine method",
        (false, _) => "The pooled test",
    }
}

fn correction_sentence(correction: &str) -> &'static str {
    match correction {
        "bonferroni" => "α is split over the comparisons with the control, so no variant wins by luck more often than α; each comparison needs more users.",
        _ => "each variant is compared with the control at the full α; with several variants a false winner gets likelier.",
    }
}

/// "Evan Miller's calculator would ask 2,011 users fewer per variant (75,051)."
fn choice_effect(sizes: Option<&[ChoiceSize]>, value: &str, chosen: &str, subject: &str) -> String {
    let size_of = |v: &str| sizes.and_then(|s| s.iter().find(|c| c.value == v)).and_then(|c| c.users_per_variant);
    match (size_of(value), size_of(chosen)) {
        (Some(n), _) if value == chosen => format!("Your choice: {} users per variant.", group_thousands(n)),
        (Some(n), Some(mine)) if n == mine => {
            format!("{subject} would ask the same {} users per variant.", group_thousands(n))
        }
        (Some(n), Some(mine)) => format!(
            "{subject} would ask {} users {} per variant ({}).",
            group_thousands((n - mine).abs()),
            if n > mine { "more" } else { "fewer" },
            group_thousands(n)
        ),
        (None, Some(_)) => format!("{subject} finds no plan for these inputs."),
        _ => String::new(),
    }
}

fn correction_effect(form: &PlannerForm, results: Option<&PlanResults>, value: &str) -> String {
    let arms = results.map(|r| r.input.plan.variants).unwrap_or(2);
    if arms <= 2 {
        return if value == "bonferroni" {
            "With one variant there is a single comparison: Bonferroni changes nothing here.".into()
        } else {
            String::new()
        };
    }
    let subject = if value == "bonferroni" { "Bonferroni" } else { "No correction" };
    choice_effect(results.map(|r| r.by_correction.as_slice()), value, &form.correction, subject)
}
