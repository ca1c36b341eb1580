//! The Evaluate settings: which column is the variant (and the user), the KPIs with
//! their roles, segments and analysis options, prefilled by `auto_map` or by the
//! planner's plan file. Problems appear next to the field they concern.

use std::rc::Rc;

use kpilab_core::evaluate::{KpiKind, KpiRole};
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::components::field::{options, SelectField, TextField};
use crate::models::csv_preview::{ColumnKind, ColumnProfile};
use crate::state::eval_form::{EvalEdit, EvalForm, KpiDraft};
use crate::state::FieldError;

#[derive(Properties, PartialEq)]
pub struct ColumnMapperProps {
    pub form: EvalForm,
    pub columns: Rc<Vec<ColumnProfile>>,
    pub issue: Option<FieldError>,
    pub on_edit: Callback<EvalEdit>,
    pub on_plan_file: Callback<File>,
    /// What loading the plan file did (or why it failed).
    pub plan_note: Option<Result<String, String>>,
}

/// Top-level fields that show their own errors; core paths are mapped onto them.
const TOP_FIELDS: &[&str] = &[
    "variantColumn",
    "userColumn",
    "timestampColumn",
    "control",
    "alpha",
    "plannedUsers",
    "annualUsers",
    "revenueKpi",
];
const KPI_FIELDS: &[&str] = &[
    "name",
    "column",
    "numerator",
    "denominator",
    "covariate",
    "nonInferiorityMargin",
    "eventColumn",
    "where",
    "unit",
];

/// The input id a problem belongs to: "kpis[1].column" -> "kpi-1-column".
pub fn field_id(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("kpis[") {
        if let Some((index, field)) = rest.split_once("].") {
            let field = if KPI_FIELDS.contains(&field) { field } else { "name" };
            return format!("kpi-{index}-{field}");
        }
    }
    match path.trim_start_matches("analysis.") {
        "plannedUsersPerVariant" => "plannedUsers".into(),
        other => other.to_string(),
    }
}

#[function_component(ColumnMapper)]
pub fn column_mapper(props: &ColumnMapperProps) -> Html {
    let form = &props.form;
    let issue_id = props.issue.as_ref().map(|i| field_id(&i.field));
    let error_for = |id: &str| -> Option<AttrValue> {
        props.issue.as_ref().filter(|_| issue_id.as_deref() == Some(id)).map(|i| AttrValue::from(i.message.clone()))
    };
    let shown_inline = issue_id.as_deref().is_some_and(|id| TOP_FIELDS.contains(&id) || id.starts_with("kpi-"));
    let set = |key: &'static str| props.on_edit.reform(move |value: String| EvalEdit::Set(key, value));
    let column_options = |none: &'static str, numeric_only: bool| -> Vec<(AttrValue, AttrValue)> {
        let mut list = vec![(AttrValue::Static(""), AttrValue::Static(none))];
        list.extend(
            props
                .columns
                .iter()
                .filter(|c| !numeric_only || c.is_numeric() || c.kind == ColumnKind::Empty)
                .map(|c| (AttrValue::from(c.name.clone()), AttrValue::from(c.name.clone()))),
        );
        list
    };
    let on_plan_change = {
        let on_plan_file = props.on_plan_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_plan_file.emit(file);
            }
            input.set_value("");
        })
    };
    let kpi_names: Vec<(AttrValue, AttrValue)> =
        std::iter::once((AttrValue::Static(""), AttrValue::Static("— no projection —")))
            .chain(
                form.kpis
                    .iter()
                    .filter(|k| k.kind == KpiKind::Mean)
                    .map(|k| (AttrValue::from(k.name.clone()), AttrValue::from(k.name.clone()))),
            )
            .collect();

    html! {
        <form class="column-mapper card" aria-label="Evaluation settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let (Some(issue), false) = (&props.issue, shown_inline) {
                <p class="form-error" role="alert" data-testid="config-error">{ issue.message.clone() }</p>
            }
            <fieldset>
                <legend>{ "Columns" }</legend>
                <div class="row">
                    <SelectField id="variantColumn" label="Variant column" value={form.variant_column.clone()} onchange={set("variantColumn")}
                        options={column_options("— pick —", false)} error={error_for("variantColumn")} />
                    <SelectField id="userColumn" label="User column" value={form.user_column.clone()} onchange={set("userColumn")}
                        options={column_options("— rows are users —", false)} error={error_for("userColumn")}
                        hint={AttrValue::Static("Rows of the same user are added up first.")} />
                    <SelectField id="timestampColumn" label="Time column" value={form.timestamp_column.clone()} onchange={set("timestampColumn")}
                        options={column_options("— none —", false)} error={error_for("timestampColumn")}
                        hint={AttrValue::Static("Event exports: when each row happened (for time to convert).")} />
                    <TextField id="control" label="Control variant" value={form.control.clone()} oninput={set("control")} inputmode="text"
                        placeholder={AttrValue::Static("auto: \"control\" or the first")} error={error_for("control")} />
                </div>
            </fieldset>
            <fieldset>
                <legend>{ "KPIs" }</legend>
                { for form.kpis.iter().enumerate().map(|(i, k)| kpi_row(i, k, props, &error_for, &column_options)) }
                <button type="button" class="secondary" id="add-kpi" onclick={props.on_edit.reform(|_: MouseEvent| EvalEdit::AddKpi)}>{ "Add a KPI" }</button>
            </fieldset>
            <fieldset>
                <legend>{ "Segments" }</legend>
                <div class="chips">
                    { for props.columns.iter().filter(|c| c.kind == ColumnKind::Text && c.name != form.variant_column && c.name != form.user_column).map(|c| {
                        let name = c.name.clone();
                        let checked = form.segment_columns.contains(&c.name);
                        let onchange = props.on_edit.reform(move |_: Event| EvalEdit::ToggleSegment(name.clone()));
                        html! {
                            <label class="chip"><input type="checkbox" checked={checked} {onchange} />{ c.name.clone() }</label>
                        }
                    }) }
                </div>
            </fieldset>
            <fieldset>
                <legend>{ "Analysis" }</legend>
                <div class="row">
                    <SelectField id="method" label="Method" value={form.method.clone()} onchange={set("method")}
                        options={options(&[("frequentist", "Frequentist (p-values)"), ("bayesian", "Bayesian (chance to beat)"), ("sequential", "Sequential (peeking allowed)")])} />
                    <TextField id="alpha" label="Significance level α" value={form.alpha.clone()} oninput={set("alpha")} error={error_for("alpha")} />
                    <SelectField id="correction" label="Several variants" value={form.correction.clone()} onchange={set("correction")}
                        options={options(&[("none", "No correction"), ("holm", "Holm"), ("bonferroni", "Bonferroni"), ("benjamini-hochberg", "Benjamini-Hochberg")])} />
                </div>
                <div class="row">
                    <TextField id="plannedUsers" label="Planned users per variant" value={form.planned_users.clone()} oninput={set("plannedUsers")}
                        error={error_for("plannedUsers")} hint={AttrValue::Static("From the plan: below it, an unclear result says keep running.")} />
                    <TextField id="annualUsers" label="Users a year" value={form.annual_users.clone()} oninput={set("annualUsers")}
                        error={error_for("annualUsers")} hint={AttrValue::Static("For the revenue projection.")} />
                    <SelectField id="revenueKpi" label="Revenue KPI" value={form.revenue_kpi.clone()} onchange={set("revenueKpi")}
                        options={kpi_names} error={error_for("revenueKpi")} />
                </div>
                <div class="field plan-file">
                    <label for="plan-file">{ "Load the planner's plan file (kpilab-plan.json)" }</label>
                    <input type="file" id="plan-file" data-testid="plan-file" accept=".json,application/json" onchange={on_plan_change} />
                    { match &props.plan_note {
                        Some(Ok(note)) => html! { <p class="field-hint" data-testid="plan-note">{ note.clone() }</p> },
                        Some(Err(e)) => html! { <p class="field-error" role="alert" data-testid="plan-note">{ e.clone() }</p> },
                        None => html! {},
                    } }
                </div>
            </fieldset>
        </form>
    }
}

fn kpi_row(
    i: usize,
    k: &KpiDraft,
    props: &ColumnMapperProps,
    error_for: &dyn Fn(&str) -> Option<AttrValue>,
    column_options: &dyn Fn(&'static str, bool) -> Vec<(AttrValue, AttrValue)>,
) -> Html {
    let id = |field: &str| format!("kpi-{i}-{field}");
    // Every KPI edit replaces the draft with a changed copy.
    let edit = |change: fn(&mut KpiDraft, String)| {
        let draft = k.clone();
        props.on_edit.reform(move |value: String| {
            let mut d = draft.clone();
            change(&mut d, value);
            EvalEdit::Kpi(i, Box::new(d))
        })
    };
    html! {
        <fieldset class="kpi-draft">
            <legend>{ format!("KPI {}", i + 1) }</legend>
            <div class="row">
                <TextField id={id("name")} label="Name" value={k.name.clone()} inputmode="text" error={error_for(&id("name"))}
                    oninput={edit(|d, v| d.name = v)} />
                <SelectField id={id("role")} label="Role" value={k.role.as_str()}
                    options={options(&[("primary", "Primary (decides)"), ("guardrail", "Guardrail (must not drop)"), ("secondary", "Secondary (reported)")])}
                    onchange={edit(|d, v| d.role = v.parse().unwrap_or(KpiRole::Secondary))} />
                <SelectField id={id("kind")} label="Kind" value={k.kind.as_str()}
                    options={options(&[("conversion", "Conversion (0/1)"), ("mean", "Mean per user"), ("ratio", "Ratio (e.g. revenue / orders)"), ("timeToEvent", "Time to convert")])}
                    onchange={edit(|d, v| {
                        d.kind = v.parse().unwrap_or(KpiKind::Conversion);
                        // Converting sooner is better.
                        d.higher_is_better = d.kind != KpiKind::TimeToEvent;
                    })} />
            </div>
            <div class="row">
                if k.kind == KpiKind::Ratio {
                    <SelectField id={id("numerator")} label="Numerator" value={k.numerator.clone()} options={column_options("— pick —", true)}
                        error={error_for(&id("numerator"))} onchange={edit(|d, v| d.numerator = v)} />
                    <SelectField id={id("denominator")} label="Denominator" value={k.denominator.clone()} options={column_options("— pick —", true)}
                        error={error_for(&id("denominator"))} onchange={edit(|d, v| d.denominator = v)} />
                } else if k.kind == KpiKind::TimeToEvent {
                    <SelectField id={id("eventNameColumn")} label="Event column" value={k.event_name_column.clone()} options={column_options("— per user —", false)}
                        onchange={edit(|d, v| d.event_name_column = v)} hint={AttrValue::Static("Event exports: the column naming each row's event.")} />
                    <TextField id={id("where")} label="Converting event" value={k.event_value.clone()} inputmode="text" error={error_for(&id("where"))}
                        placeholder={AttrValue::Static("e.g. purchase")} oninput={edit(|d, v| d.event_value = v)} />
                    if k.event_value.trim().is_empty() {
                        <SelectField id={id("column")} label="Duration column" value={k.column.clone()} options={column_options("— pick —", true)}
                            error={error_for(&id("column"))} onchange={edit(|d, v| d.column = v)} />
                        <SelectField id={id("eventColumn")} label="Converted (0/1)" value={k.event_column.clone()} options={column_options("— pick —", true)}
                            error={error_for(&id("eventColumn"))} onchange={edit(|d, v| d.event_column = v)} />
                    }
                    <SelectField id={id("unit")} label="Unit" value={k.unit.clone()} options={options(&[("days", "Days"), ("hours", "Hours")])}
                        onchange={edit(|d, v| d.unit = v)} />
                } else {
                    <SelectField id={id("column")} label="Column" value={k.column.clone()} options={column_options("— pick —", true)}
                        error={error_for(&id("column"))} onchange={edit(|d, v| d.column = v)} />
                }
                if k.kind == KpiKind::Mean {
                    <SelectField id={id("covariate")} label="Pre-period column (CUPED)" value={k.covariate.clone()} options={column_options("— none —", true)}
                        error={error_for(&id("covariate"))} onchange={edit(|d, v| d.covariate = v)} />
                }
                if k.kind != KpiKind::TimeToEvent {
                    <SelectField id={id("direction")} label="Better when" value={if k.higher_is_better { "higher" } else { "lower" }}
                        options={options(&[("higher", "Higher"), ("lower", "Lower")])} onchange={edit(|d, v| d.higher_is_better = v != "lower")} />
                }
                if k.role == KpiRole::Guardrail {
                    <TextField id={id("nonInferiorityMargin")} label="May drop by (%)" value={k.margin_percent.clone()}
                        error={error_for(&id("nonInferiorityMargin"))} placeholder={AttrValue::Static("none")} oninput={edit(|d, v| d.margin_percent = v)} />
                }
            </div>
            <button type="button" class="link-button" onclick={props.on_edit.reform(move |_: MouseEvent| EvalEdit::RemoveKpi(i))}>{ "Remove this KPI" }</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::field_id;

    #[test]
    fn core_paths_map_to_inputs() {
        assert_eq!(field_id("kpis[2].column"), "kpi-2-column");
        assert_eq!(field_id("kpis[0].role"), "kpi-0-name");
        assert_eq!(field_id("analysis.plannedUsersPerVariant"), "plannedUsers");
        assert_eq!(field_id("analysis.alpha"), "alpha");
    }
}
