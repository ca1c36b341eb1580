//! The aggregated mode: paste per-variant totals of any metric kind (see
//! models::totals), set alpha, the alternative and each KPI's role, and get the
//! same result page as a file gives: decision card, KPI table, words for every
//! setting. Recomputed as you type; all numbers come from the core.

use std::rc::Rc;

use kpilab_core::common::Alternative;
use kpilab_core::evaluate::{KpiKind, KpiRole};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::decision_card::{DecisionCard, DecisionSummary};
use crate::components::field::{SelectField, TextField};
use crate::components::kpi_results::KpiResults;
use crate::models::result_context::ResultContext;
use crate::models::totals::{self, TotalsSettings};
use crate::state::number::{parse_alpha, ALPHA_MESSAGE};
use crate::text::report::interval_level;

fn alternative_value(a: Alternative) -> &'static str {
    match a {
        Alternative::TwoSided => "two-sided",
        Alternative::Greater => "greater",
        Alternative::Less => "less",
    }
}

fn role_value(r: KpiRole) -> &'static str {
    r.as_str()
}

#[function_component(TotalsInput)]
pub fn totals_input() -> Html {
    let text = use_state(|| totals::EXAMPLE.to_string());
    let alpha_text = use_state(|| "5".to_string());
    let settings = use_state(TotalsSettings::default);

    let table = use_memo((*text).clone(), |t| totals::parse(t));
    let alpha = parse_alpha(&alpha_text).ok();
    let alpha_error = alpha.is_none().then(|| AttrValue::from(ALPHA_MESSAGE));
    let outcome = {
        let settings = TotalsSettings { alpha: alpha.unwrap_or(0.05), ..(*settings).clone() };
        use_memo((table.clone(), settings), |(table, settings)| {
            let table = table.as_ref().as_ref().map_err(Clone::clone)?;
            totals::evaluate(table, settings)
                .map(|(evaluation, config)| (Rc::new(evaluation), Rc::new(ResultContext::of_config(config))))
        })
    };

    let on_text = {
        let text = text.clone();
        Callback::from(move |v: String| text.set(v))
    };
    let on_alpha = {
        let alpha_text = alpha_text.clone();
        Callback::from(move |v: String| alpha_text.set(v))
    };
    let on_alternative = {
        let settings = settings.clone();
        Callback::from(move |v: String| {
            let alternative = match v.as_str() {
                "greater" => Alternative::Greater,
                "less" => Alternative::Less,
                _ => Alternative::TwoSided,
            };
            settings.set(TotalsSettings { alternative, ..(*settings).clone() });
        })
    };
    // Sets one KPI's role or direction, keeping the others.
    let set_role = {
        let settings = settings.clone();
        move |index: usize, name: String, role: Option<KpiRole>, higher: Option<bool>| {
            let mut next = (*settings).clone();
            let (old_role, old_higher) = next.role_of(index, &name);
            next.roles.retain(|(n, _, _)| n != &name);
            next.roles.push((name, role.unwrap_or(old_role), higher.unwrap_or(old_higher)));
            settings.set(next);
        }
    };

    let parse_error = table.as_ref().as_ref().err().map(|e| AttrValue::from(e.clone()));
    let analysis_error = match (&*outcome, &parse_error) {
        (Err(e), None) => Some(e.clone()),
        _ => None,
    };
    let kpi_rows = table.as_ref().as_ref().ok().map(|t| t.kpis.clone()).unwrap_or_default();

    html! {
        <div class="totals">
            <section class="card totals-form" aria-labelledby="totals-title">
                <h2 id="totals-title">{ "Per-variant totals" }</h2>
                <TextField id="totals" label="One line per variant, control first" value={(*text).clone()}
                    oninput={on_text} multiline=true error={parse_error}
                    hint={AttrValue::from("A header names the columns: \"variant, users, conversions\" for a rate; \"variant, users, revenue mean, revenue sd\" for an average; \"variant, users, revenue sum, revenue sum of squares\" from sums. Several KPIs can sit side by side.")} />
                <div class="row">
                    <TextField id="totals-alpha" label="Significance level (α)" unit="%" value={(*alpha_text).clone()}
                        oninput={on_alpha} error={alpha_error} />
                    <SelectField id="totals-alternative" label="Test" value={alternative_value(settings.alternative)}
                        onchange={on_alternative}
                        options={vec![
                            (AttrValue::from("two-sided"), AttrValue::from("Two-sided (either way)")),
                            (AttrValue::from("greater"), AttrValue::from("One-sided: higher")),
                            (AttrValue::from("less"), AttrValue::from("One-sided: lower")),
                        ]} />
                </div>
                // Its own element: a changing number of KPIs must not re-create the fields above
                // (the textarea would lose the focus while typing).
                <div class="totals-kpis">
                { for kpi_rows.iter().enumerate().map(|(i, kpi)| {
                    let (role, higher) = settings.role_of(i, &kpi.name);
                    let on_role = {
                        let (set_role, name) = (set_role.clone(), kpi.name.clone());
                        Callback::from(move |v: String| {
                            let role = match v.as_str() {
                                "primary" => KpiRole::Primary,
                                "guardrail" => KpiRole::Guardrail,
                                _ => KpiRole::Secondary,
                            };
                            set_role(i, name.clone(), Some(role), None)
                        })
                    };
                    let on_higher = {
                        let (set_role, name) = (set_role.clone(), kpi.name.clone());
                        Callback::from(move |e: Event| {
                            let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
                            set_role(i, name.clone(), None, Some(checked))
                        })
                    };
                    let higher_id = format!("totals-kpi-{i}-higher");
                    html! {
                        <div class="totals-kpi" data-testid="totals-kpi">
                            <span class="kpi-label">{ format!("{} ({})", kpi.name, if kpi.kind() == KpiKind::Conversion { "a rate" } else { "an average" }) }</span>
                            <SelectField id={format!("totals-kpi-{i}-role")} label={format!("Role of {}", kpi.name)} value={role_value(role)}
                                onchange={on_role}
                                options={vec![
                                    (AttrValue::from("primary"), AttrValue::from("primary (decides)")),
                                    (AttrValue::from("guardrail"), AttrValue::from("guardrail (must not get worse)")),
                                    (AttrValue::from("secondary"), AttrValue::from("secondary (reported)")),
                                ]} />
                            <label class="check" for={higher_id.clone()}>
                                <input type="checkbox" id={higher_id} checked={higher} onchange={on_higher} />
                                { "higher is better" }
                            </label>
                        </div>
                    }
                }) }
                </div>
                if let Some(e) = analysis_error {
                    <p class="form-error" role="alert" data-testid="totals-error">{ e }</p>
                }
            </section>
            if let Ok((evaluation, context)) = &*outcome {
                <div class="totals-results">
                // The card says a sample ratio mismatch, as for a file.
                <DecisionSummary evaluation={evaluation.clone()} />
                <DecisionCard evaluation={evaluation.clone()} source="totals" context={context.clone()} focus=false />
                <KpiResults kpis={Rc::new(evaluation.kpis.clone())}
                    kinds={Rc::new(context.config.kpis.iter().map(|k| (k.name.clone(), k.kind)).collect::<Vec<_>>())}
                    level={interval_level(context.config.analysis.options.alpha)} />
                </div>
            }
        </div>
    }
}
