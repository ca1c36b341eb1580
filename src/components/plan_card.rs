//! The test-plan card: hypothesis, primary KPI, guardrails, the planned size and
//! duration, and what happens on win / loss / inconclusive. Exported as Markdown
//! (copy or download) and as the JSON plan file the Evaluate view will load.

use std::rc::Rc;

use kpilab_core::evaluate::KpiKind;
use yew::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::field::{SelectField, TextField};
use crate::models::plan_file::{Actions, PlanFile, PrimaryKpi, PLAN_FILE_VERSION};
use crate::models::plan_results::PlanResults;
use crate::services::browser;
use crate::state::planner_form::{FormEdit, GuardrailDraft, PlannerForm};
use crate::text::format::{group_thousands, weeks};

/// The plan file for the current card text and the last good numbers.
pub fn plan_file(form: &PlannerForm, results: &PlanResults) -> PlanFile {
    let card = &form.card;
    let column = card.kpi_column.trim();
    PlanFile {
        version: PLAN_FILE_VERSION,
        plan: results.input.plan.clone(),
        daily_users: results.input.daily_users,
        traffic_fraction: results.input.traffic_fraction,
        users_per_variant: results.duration.users_per_variant.clone(),
        days: results.duration.days,
        hypothesis: card.hypothesis.trim().to_string(),
        primary_kpi: PrimaryKpi {
            name: form.kpi_display_name(),
            kind: form.kpi_kind(),
            column: (!column.is_empty()).then(|| column.to_string()),
        },
        guardrails: card
            .guardrails
            .iter()
            .filter(|g| !g.name.trim().is_empty())
            .map(GuardrailDraft::to_guardrail)
            .collect(),
        actions: Actions {
            win: card.on_win.trim().to_string(),
            loss: card.on_loss.trim().to_string(),
            inconclusive: card.on_inconclusive.trim().to_string(),
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct PlanCardProps {
    pub form: PlannerForm,
    pub results: Rc<PlanResults>,
    pub stale: bool,
    pub on_edit: Callback<FormEdit>,
}

#[function_component(PlanCard)]
pub fn plan_card(props: &PlanCardProps) -> Html {
    let card = &props.form.card;
    let set = |key: &'static str| props.on_edit.reform(move |value: String| FormEdit::Set(key, value));
    let file = Rc::new(plan_file(&props.form, &props.results));
    let markdown = Rc::new(file.to_markdown(&props.results.duration));

    let copy_markdown = {
        let markdown = markdown.clone();
        Callback::from(move |_: ()| (*markdown).clone())
    };
    let download_markdown = {
        let markdown = markdown.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download("kpilab-plan.md", "text/markdown;charset=utf-8", &markdown);
        })
    };
    let download_json = {
        let file = file.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download("kpilab-plan.json", "application/json", &file.to_json());
        })
    };
    let add_guardrail = props.on_edit.reform(|_: MouseEvent| FormEdit::AddGuardrail);
    let d = &props.results.duration;
    // "14,751" when all arms are equal, "26,624 / 13,312 / 13,312" (control first) otherwise.
    let equal_arms = d.users_per_variant.windows(2).all(|w| w[0] == w[1]);
    let arms_text = if equal_arms {
        d.users_per_variant.first().map(|n| group_thousands(*n)).unwrap_or_default()
    } else {
        d.users_per_variant.iter().map(|n| group_thousands(*n)).collect::<Vec<_>>().join(" / ")
    };
    let kind_options: Vec<(AttrValue, AttrValue)> = [KpiKind::Conversion, KpiKind::Mean, KpiKind::Ratio]
        .map(|k| (AttrValue::Static(k.as_str()), AttrValue::Static(k.as_str())))
        .to_vec();

    html! {
        <section class="card plan-card" aria-labelledby="plan-card-title">
            <h2 id="plan-card-title">{ "Test plan" }</h2>
            <TextField id="hypothesis" label="Hypothesis" value={card.hypothesis.clone()} oninput={set("hypothesis")} multiline=true
                inputmode="text" placeholder="Because …, we expect … to raise … for …" />
            <div class="row">
                <TextField id="kpiName" label="Primary KPI" value={card.kpi_name.clone()} oninput={set("kpiName")} inputmode="text"
                    placeholder={if props.form.is_mean() { "revenue per visitor" } else { "conversion rate" }} />
                <TextField id="kpiColumn" label="Data column (optional)" value={card.kpi_column.clone()} oninput={set("kpiColumn")}
                    inputmode="text" placeholder="converted" hint="the CSV column Evaluate will read" />
            </div>
            <p class={classes!("planned", props.stale.then_some("stale"))}>
                { format!(
                    "Planned: {} users per variant ({} in total), {} days → run {}.",
                    arms_text,
                    group_thousands(d.total_users),
                    group_thousands(d.days),
                    weeks(d.weeks),
                ) }
            </p>

            <h3>{ "Guardrail KPIs" }</h3>
            <p class="muted">{ "KPIs that must not get worse. The margin is how much worse (relative) is still acceptable." }</p>
            { for card.guardrails.iter().enumerate().map(|(i, g)| {
                let edit = |change: fn(&mut GuardrailDraft, String)| {
                    let (g, on_edit) = (g.clone(), props.on_edit.clone());
                    Callback::from(move |value: String| {
                        let mut next = g.clone();
                        change(&mut next, value);
                        on_edit.emit(FormEdit::Guardrail(i, next));
                    })
                };
                let margin_error = g.margin().err().map(AttrValue::from);
                html! {
                    <fieldset class="guardrail" key={i}>
                        <legend>{ format!("Guardrail {}", i + 1) }</legend>
                        <div class="row guardrail-row">
                            <TextField id={format!("guardrail-{i}-name")} label="KPI" value={g.name.clone()} inputmode="text"
                                placeholder="bounce rate" oninput={edit(|g, v| g.name = v)} />
                            <SelectField id={format!("guardrail-{i}-kind")} label="Kind" value={g.kind.as_str()}
                                options={kind_options.clone()} onchange={edit(|g, v| g.kind = v.parse().unwrap_or(KpiKind::Conversion))} />
                            <SelectField id={format!("guardrail-{i}-direction")} label="Better when"
                                value={if g.higher_is_better { "higher" } else { "lower" }}
                                options={vec![(AttrValue::Static("higher"), AttrValue::Static("higher")), (AttrValue::Static("lower"), AttrValue::Static("lower"))]}
                                onchange={edit(|g, v| g.higher_is_better = v != "lower")} />
                            <TextField id={format!("guardrail-{i}-margin")} label="Margin (%)" value={g.margin_percent.clone()}
                                placeholder="none" error={margin_error} oninput={edit(|g, v| g.margin_percent = v)} />
                        </div>
                        <button type="button" class="link-button" onclick={props.on_edit.reform(move |_: MouseEvent| FormEdit::RemoveGuardrail(i))}>
                            { format!("Remove guardrail {}", i + 1) }
                        </button>
                    </fieldset>
                }
            }) }
            <button type="button" id="add-guardrail" onclick={add_guardrail}>{ "Add guardrail" }</button>

            <h3>{ "Decision" }</h3>
            <TextField id="win" label="If the variant wins" value={card.on_win.clone()} oninput={set("win")} multiline=true
                inputmode="text" placeholder="Ship to 100 % and …" />
            <TextField id="loss" label="If the variant loses" value={card.on_loss.clone()} oninput={set("loss")} multiline=true
                inputmode="text" placeholder="Roll back and …" />
            <TextField id="inconclusive" label="If inconclusive" value={card.on_inconclusive.clone()} oninput={set("inconclusive")}
                multiline=true inputmode="text" placeholder="Keep the control and …" />

            <h3>{ "Export" }</h3>
            <div class="actions">
                <CopyButton id="copy-markdown" label="Copy as Markdown" text={copy_markdown} />
                <button type="button" id="download-markdown" onclick={download_markdown}>{ "Download .md" }</button>
                <button type="button" id="download-json" onclick={download_json}>{ "Download plan file (.json)" }</button>
            </div>
            <details>
                <summary>{ "Preview Markdown" }</summary>
                <pre class="markdown-preview">{ (*markdown).clone() }</pre>
            </details>
        </section>
    }
}
