//! The Evaluate settings: which column is the variant (and the user), the KPIs with
//! their roles, segments and analysis options, prefilled by `auto_map` or by the
//! planner's plan file. Problems appear next to the field they concern.

use std::rc::Rc;

use kpilab_core::evaluate::{KpiKind, KpiRole};
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::components::field::{options, SelectField, TextField};
use crate::models::csv_preview::{ColumnKind, ColumnProfile};
use crate::models::event_file::EventFile;
use crate::state::eval_form::{EvalEdit, EvalForm, KpiDraft};
use crate::state::event_choices::{conversion_sentence, offered_presets, revenue_sentence};
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
    /// The preview found numbers written "12,50": offer the decimal-comma switch.
    #[prop_or_default]
    pub decimal_comma_found: bool,
}

/// Top-level fields that show their own errors; core paths are mapped onto them.
const TOP_FIELDS: &[&str] = &[
    "variantColumn",
    "userColumn",
    "control",
    "alpha",
    "plannedUsers",
    "daysRun",
    "annualUsers",
    "revenueKpi",
    "eventColumn",
    "timestampColumn",
    "exposureEvent",
    "kpis",
];
const KPI_FIELDS: &[&str] = &[
    "name",
    "column",
    "numerator",
    "denominator",
    "covariate",
    "nonInferiorityMargin",
    "event",
    "window",
    "aggregate",
    "threshold",
    "steps",
    "eventColumn",
    "where",
    "unit",
];

/// The input id a problem belongs to: "kpis[1].column" -> "kpi-1-column",
/// "kpis[0].window.days" -> "kpi-0-window", "exposure.where" -> "exposureEvent".
pub fn field_id(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("kpis[") {
        if let Some((index, field)) = rest.split_once("].") {
            let field = field.split(['.', '[']).next().unwrap_or(field);
            let field = match field {
                "where" => "event",
                "ordered" => "steps",
                f if KPI_FIELDS.contains(&f) => f,
                _ => "name",
            };
            return format!("kpi-{index}-{field}");
        }
    }
    match path.trim_start_matches("analysis.") {
        "plannedUsersPerVariant" => "plannedUsers".into(),
        p if p.starts_with("exposure") => "exposureEvent".into(),
        other => other.to_string(),
    }
}

/// A select's (value, label) pairs.
type Options = Vec<(AttrValue, AttrValue)>;
/// The events of the file as options: (label of "none", the current value kept if not among them).
type EventOptions<'a> = &'a dyn Fn(&'static str, &str) -> Options;

/// (value, label) pairs: `none` first, then each of `names`.
fn name_options(none: &'static str, names: impl Iterator<Item = String>) -> Options {
    std::iter::once((AttrValue::Static(""), AttrValue::Static(none)))
        .chain(names.map(|n| (AttrValue::from(n.clone()), AttrValue::from(n))))
        .collect()
}

/// "Numbers use a decimal comma (12,50 = 12.5)", with a switch to read them as written.
fn decimal_note(on: bool, on_edit: Callback<EvalEdit>) -> Html {
    let on_change = on_edit.reform(|e: Event| {
        let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
        EvalEdit::Set("decimal", if checked { ",".into() } else { ".".into() })
    });
    html! {
        <div class="decimal-note" data-testid="decimal-note">
            <label>
                <input type="checkbox" id="decimal-comma" data-testid="decimal-comma" checked={on} onchange={on_change} />
                { " Numbers use a decimal comma (12,50 = 12.5)" }
            </label>
            <p class="field-hint">{ if on {
                "Found in this file's numbers; thousands may be grouped with dots (1.234,5). Untick to read them as written."
            } else {
                "Off: a cell such as 12,50 is no number, and its row is skipped."
            } }</p>
        </div>
    }
}

#[function_component(ColumnMapper)]
pub fn column_mapper(props: &ColumnMapperProps) -> Html {
    let form = &props.form;
    let issue_id = props.issue.as_ref().map(|i| field_id(&i.field));
    let error_for = |id: &str| -> Option<AttrValue> {
        props.issue.as_ref().filter(|_| issue_id.as_deref() == Some(id)).map(|i| AttrValue::from(i.message.clone()))
    };
    let shown_inline = issue_id.as_deref().is_some_and(|id| {
        (TOP_FIELDS.contains(&id) || id.starts_with("kpi-")) && (id != "kpis" || form.event_file.is_some())
    });
    let events = |none: &'static str, current: &str| {
        let mut names: Vec<String> =
            form.event_file.iter().flat_map(|f| f.events.iter().map(|e| e.name.clone())).collect();
        if !current.is_empty() && !names.iter().any(|n| n == current) {
            names.push(current.to_string());
        }
        name_options(none, names.into_iter())
    };
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
                    <TextField id="control" label="Control variant" value={form.control.clone()} oninput={set("control")} inputmode="text"
                        placeholder={AttrValue::Static("auto: \"control\" or the first")} error={error_for("control")} />
                </div>
                <div class="row">
                    <SelectField id="timestampColumn" label="Timestamp column" value={form.timestamp_column.clone()} onchange={set("timestampColumn")}
                        options={column_options("— none —", false)} error={error_for("timestampColumn")}
                        hint={AttrValue::Static("Event rows: the time of each, for windows after exposure and time to convert.")} />
                    <SelectField id="eventColumn" label="Event column" value={form.event_column.clone()} onchange={set("eventColumn")}
                        options={column_options("— none —", false)} error={error_for("eventColumn")}
                        hint={AttrValue::Static("Event rows: which event each row is.")} />
                    if form.event_file.is_some() || !form.event_column.is_empty() {
                        <SelectField id="exposureEvent" label="Exposure" value={form.exposure_event.clone()} onchange={set("exposureEvent")}
                            options={events("a user's first row", &form.exposure_event)} error={error_for("exposureEvent")}
                            hint={AttrValue::Static("Rows before it are ignored; users without it are in no arm.")} />
                    }
                    if !form.timestamp_column.is_empty() {
                        <SelectField id="timestampUnit" label="Epoch unit" value={form.timestamp_unit.clone()} onchange={set("timestampUnit")}
                            options={options(&[("auto", "Auto (by size)"), ("s", "Seconds"), ("ms", "Milliseconds"), ("us", "Microseconds (GA4)")])} />
                    }
                </div>
                if props.decimal_comma_found {
                    { decimal_note(form.decimal == ',', props.on_edit.clone()) }
                }
            </fieldset>
            if let Some(file) = &form.event_file {
                { event_choices(file, props, &events, &error_for) }
            }
            <fieldset>
                <legend>{ "KPIs" }</legend>
                { for form.kpis.iter().enumerate().map(|(i, k)| kpi_row(i, k, props, &error_for, &column_options, &events)) }
                <button type="button" class="secondary" id="add-kpi" onclick={props.on_edit.reform(|_: MouseEvent| EvalEdit::AddKpi)}>{ "Add a KPI" }</button>
            </fieldset>
            <fieldset>
                <legend>{ "Segments" }</legend>
                <div class="chips">
                    { for props.columns.iter().filter(|c| c.kind == ColumnKind::Text && ![&form.variant_column, &form.user_column, &form.event_column, &form.timestamp_column].contains(&&c.name)).map(|c| {
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
                    <TextField id="alpha" label="Significance level α" unit="%" value={form.alpha.clone()} oninput={set("alpha")} error={error_for("alpha")} />
                    <SelectField id="correction" label="Several variants" value={form.correction.clone()} onchange={set("correction")}
                        options={options(&[("none", "No correction"), ("holm", "Holm"), ("bonferroni", "Bonferroni"), ("benjamini-hochberg", "Benjamini-Hochberg")])} />
                </div>
                <div class="row">
                    <TextField id="plannedUsers" label="Planned users per variant" value={form.planned_users.clone()} oninput={set("plannedUsers")}
                        error={error_for("plannedUsers")} hint={AttrValue::Static("From the plan: below it, an unclear result says keep running.")} />
                    <TextField id="daysRun" label="Days the test has run so far" value={form.days_run.clone()} oninput={set("daysRun")}
                        error={error_for("daysRun")} hint={AttrValue::Static("For the days left at the observed traffic, e.g. 14.")} />
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
    column_options: &dyn Fn(&'static str, bool) -> Options,
    events: EventOptions,
) -> Html {
    let id = |field: &str| format!("kpi-{i}-{field}");
    let form = &props.form;
    let event_level = form.event_file.is_some() || !form.event_column.is_empty();
    // With an event, a conversion or count needs no column (its rows are what count).
    let column_none = if k.event.is_empty() { "— pick —" } else { "— count its rows —" };
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
                    options={options(&[("conversion", "Conversion (0/1)"), ("mean", "Mean per user"), ("ratio", "Ratio (e.g. revenue / orders)"), ("funnel", "Funnel (event steps)"), ("timeToEvent", "Time to convert")])}
                    onchange={edit(|d, v| {
                        d.kind = v.parse().unwrap_or(KpiKind::Conversion);
                        // Converting sooner is better.
                        d.higher_is_better = d.kind != KpiKind::TimeToEvent;
                    })} />
            </div>
            <div class="row">
                if k.kind == KpiKind::Funnel {
                    <TextField id={id("steps")} label="Steps (events, in order)" value={k.steps.clone()} inputmode="text"
                        error={error_for(&id("steps"))} placeholder={AttrValue::Static("view_item, add_to_cart, purchase")} oninput={edit(|d, v| d.steps = v)} />
                    <SelectField id={id("ordered")} label="Steps count" value={if k.ordered { "ordered" } else { "any" }}
                        options={options(&[("ordered", "Only in this order"), ("any", "In any order")])} onchange={edit(|d, v| d.ordered = v == "ordered")} />
                } else if k.kind == KpiKind::Ratio {
                    <SelectField id={id("numerator")} label="Numerator" value={k.numerator.clone()} options={column_options(column_none, true)}
                        error={error_for(&id("numerator"))} onchange={edit(|d, v| d.numerator = v)} />
                    <SelectField id={id("denominator")} label="Denominator" value={k.denominator.clone()} options={column_options(column_none, true)}
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
                    <SelectField id={id("column")} label="Column" value={k.column.clone()} options={column_options(column_none, true)}
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
            if event_level && k.kind != KpiKind::Funnel {
                <div class="row">
                    <SelectField id={id("event")} label="Counts rows of" value={k.event.clone()} options={events("every row", &k.event)}
                        error={error_for(&id("event"))} onchange={edit(|d, v| d.event = v)} />
                    if k.kind != KpiKind::Ratio {
                        <SelectField id={id("aggregate")} label="Per user" value={k.aggregate.clone()}
                            options={options(&[("", "Default (any / sum)"), ("any", "Any"), ("sum", "Sum"), ("count", "Count of rows"), ("distinct", "Distinct values"), ("max", "Max"), ("min", "Min")])}
                            error={error_for(&id("aggregate"))} onchange={edit(|d, v| d.aggregate = v)} />
                    }
                    if k.kind == KpiKind::Conversion {
                        <TextField id={id("threshold")} label="Converted from" value={k.threshold.clone()} error={error_for(&id("threshold"))}
                            placeholder={AttrValue::Static("1")} oninput={edit(|d, v| d.threshold = v)} />
                    }
                </div>
            }
            if event_level || !k.window_days.is_empty() {
                <div class="row">
                    <TextField id={id("window")} label="Within days of exposure" value={k.window_days.clone()} error={error_for(&id("window"))}
                        placeholder={AttrValue::Static("whole test")} oninput={edit(|d, v| d.window_days = v)} />
                </div>
            }
            <button type="button" class="link-button" onclick={props.on_edit.reform(move |_: MouseEvent| EvalEdit::RemoveKpi(i))}>{ "Remove this KPI" }</button>
        </fieldset>
    }
}

/// "Conversion = users with at least one <event> within <N> days", revenue per
/// user from a column filled on some events, and the presets: each a button that adds a KPI.
fn event_choices(
    file: &EventFile,
    props: &ColumnMapperProps,
    events: EventOptions,
    error_for: &dyn Fn(&str) -> Option<AttrValue>,
) -> Html {
    let c = &props.form.choices;
    let choose = |key: &'static str| props.on_edit.reform(move |value: String| EvalEdit::Choice(key, value));
    let click = |edit: EvalEdit| props.on_edit.reform(move |_: MouseEvent| edit.clone());
    let revenue_columns = name_options("— pick —", file.valued_columns.iter().map(|v| v.column.clone()));
    let revenue_event =
        file.valued_columns.iter().find(|v| v.column == c.revenue_column).and_then(|v| v.events.first());
    let presets: Vec<(AttrValue, AttrValue)> =
        offered_presets(file).into_iter().map(|(n, label)| (AttrValue::Static(n), AttrValue::from(label))).collect();
    html! {
        <fieldset class="event-choices" data-testid="event-choices">
            <legend>{ "Event-level file" }</legend>
            <p class="field-hint">
                { format!("One row per event: \"{}\" names the event, \"{}\" its time, \"{}\" the user. {} events in the preview. Define a KPI from them:",
                    file.event_column, file.timestamp_column, file.user_column, file.events.len()) }
            </p>
            if let Some(e) = error_for("kpis") {
                <p class="field-error" role="alert" data-testid="config-error">{ e }</p>
            }
            <div class="choice">
                <p class="choice-sentence" data-testid="conversion-sentence">{ conversion_sentence(c) }</p>
                <div class="row">
                    <SelectField id="choice-event" label="Event" value={c.event.clone()} options={events("— pick an event —", &c.event)} onchange={choose("event")} />
                    <TextField id="choice-days" label="Within days of exposure" value={c.days.clone()} oninput={choose("days")} placeholder={AttrValue::Static("any time")} />
                </div>
                <button type="button" data-testid="use-conversion" disabled={c.event.is_empty()} onclick={click(EvalEdit::UseConversion)}>{ "Use as primary KPI" }</button>
            </div>
            if !file.valued_columns.is_empty() {
                <div class="choice">
                    <p class="choice-sentence">{ revenue_sentence(c, revenue_event.map(String::as_str)) }</p>
                    <div class="row">
                        <SelectField id="choice-revenueColumn" label="Revenue column" value={c.revenue_column.clone()} options={revenue_columns} onchange={choose("revenueColumn")} />
                    </div>
                    <button type="button" class="secondary" data-testid="use-revenue" disabled={revenue_event.is_none()} onclick={click(EvalEdit::UseRevenue)}>{ "Add revenue per user" }</button>
                </div>
            }
            <div class="choice">
                <p class="choice-sentence">{ "Or a preset, filled with these columns" }</p>
                <div class="row">
                    <SelectField id="choice-preset" label="Preset" value={c.preset.clone()} options={presets} onchange={choose("preset")} />
                </div>
                <button type="button" class="secondary" data-testid="add-preset" onclick={click(EvalEdit::AddPreset)}>{ "Add preset" }</button>
            </div>
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
        assert_eq!(field_id("kpis[0].window.days"), "kpi-0-window");
        assert_eq!(field_id("kpis[1].where"), "kpi-1-event");
        assert_eq!(field_id("kpis[1].steps[2].where"), "kpi-1-steps");
        assert_eq!(field_id("kpis[1].numerator.where"), "kpi-1-numerator");
        assert_eq!(field_id("exposure.where"), "exposureEvent");
    }
}
