//! "Query your warehouse" (SDK.md §6): the SQL that computes, where the data
//! lives, the aggregates of the KPIs set in the Evaluate form (kpilab_core's
//! `to_sql`, in the worker), and the query's result pasted or uploaded back as
//! CSV, evaluated by `evaluate_aggregates` into the same result page. The Evaluate
//! page hands over its form and mapper; this page keeps the rest.

use std::rc::Rc;

use kpilab_core::evaluate::{EvalConfig, Evaluation};
use web_sys::{File, HtmlInputElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::field::{SelectField, TextField};
use crate::components::result_page::result_page;
use crate::components::share_results::ShareResults;
use crate::models::result_context::ResultContext;
use crate::services::aggregates_job::AggregatesJob;
use crate::services::files;
use crate::services::share::{config_object, SharedResult};
use crate::state::eval_form::EvalForm;
use crate::worker::protocol::WorkerReport;

/// `to_sql`'s dialects (`Dialect::from_name`) with their names on screen.
const DIALECTS: [(&str, &str); 6] = [
    ("duckdb", "DuckDB"),
    ("postgres", "PostgreSQL"),
    ("bigquery", "BigQuery"),
    ("snowflake", "Snowflake"),
    ("spark", "Spark SQL"),
    ("clickhouse", "ClickHouse"),
];

#[derive(Properties, PartialEq)]
pub struct WarehouseProps {
    /// The Evaluate form: its KPIs and columns are what the SQL computes.
    pub form: EvalForm,
    /// True when a file (or typed columns) gave the mapper its columns.
    pub mapped: bool,
    /// The column mapper of the Evaluate page, drawn under the table's columns.
    pub mapper: Html,
    /// The table's columns typed by hand (a header line), when there is no file.
    pub on_columns: Callback<String>,
}

/// The result of evaluating a pasted query result.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Running,
    Done(Rc<SharedResult>, Rc<ResultContext>, Rc<Evaluation>),
    Failed(String),
}

#[function_component(Warehouse)]
pub fn warehouse(props: &WarehouseProps) -> Html {
    let table = use_state(|| "events".to_string());
    let dialect = use_state(|| "duckdb".to_string());
    let typed_columns = use_state(String::new);
    // The query, or why it cannot be written (the core's message, e.g. UNSUPPORTED).
    let sql = use_state(|| None::<Result<String, String>>);
    let result_text = use_state(String::new);
    let outcome = use_state(|| Outcome::None);
    let sql_job = use_mut_ref(|| None::<AggregatesJob>);
    let eval_job = use_mut_ref(|| None::<AggregatesJob>);
    let config = use_memo(props.form.clone(), |form| form.to_config());

    // The SQL again for every change of the KPIs, the dialect or the table.
    {
        let (sql, sql_job) = (sql.clone(), sql_job.clone());
        use_effect_with(((*config).clone(), (*dialect).clone(), (*table).clone()), move |(config, dialect, table)| {
            match config {
                Err(issue) => sql.set(Some(Err(issue.message.clone()))),
                Ok(config) => {
                    let mut job = sql_job.borrow_mut();
                    if job.is_none() {
                        let shown = sql.clone();
                        let on_report = Callback::from(move |report: WorkerReport| match report {
                            WorkerReport::Sql { sql: text } => shown.set(Some(Ok(text))),
                            WorkerReport::Failed { message, .. } => shown.set(Some(Err(message))),
                            _ => {}
                        });
                        match AggregatesJob::start(on_report) {
                            Ok(started) => *job = Some(started),
                            Err(message) => sql.set(Some(Err(message))),
                        }
                    }
                    if let Some(job) = job.as_ref() {
                        job.sql(&config_object(config), dialect, table);
                    }
                }
            }
        });
    }

    let evaluate_text = {
        let (outcome, eval_job, config) = (outcome.clone(), eval_job.clone(), config.clone());
        Rc::new(move |text: String| {
            let config: EvalConfig = match &*config {
                Ok(config) => config.clone(),
                Err(issue) => return outcome.set(Outcome::Failed(issue.message.clone())),
            };
            let shared = Rc::new(SharedResult::new(&config, text));
            let context = Rc::new(ResultContext::of_config(config));
            let on_report = {
                let (outcome, shared) = (outcome.clone(), shared.clone());
                Callback::from(move |report: WorkerReport| match report {
                    WorkerReport::Done { evaluation, .. } => {
                        outcome.set(Outcome::Done(shared.clone(), context.clone(), Rc::new(*evaluation)))
                    }
                    WorkerReport::Failed { message, .. } => outcome.set(Outcome::Failed(message)),
                    _ => {}
                })
            };
            // A new worker per result: its answer can only be this result's.
            match AggregatesJob::start(on_report) {
                Ok(job) => {
                    job.evaluate(&shared.config, &shared.aggregates);
                    *eval_job.borrow_mut() = Some(job);
                    outcome.set(Outcome::Running);
                }
                Err(message) => outcome.set(Outcome::Failed(message)),
            }
        })
    };
    let on_evaluate = {
        let (evaluate_text, result_text) = (evaluate_text.clone(), result_text.clone());
        Callback::from(move |_: MouseEvent| evaluate_text((*result_text).clone()))
    };
    let on_result_file = {
        let (evaluate_text, result_text) = (evaluate_text.clone(), result_text.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let file: Option<File> = input.files().and_then(|f| f.get(0));
            input.set_value("");
            let (evaluate_text, result_text) = (evaluate_text.clone(), result_text.clone());
            spawn_local(async move {
                if let Some(text) = match file {
                    Some(file) => files::read_text(&file).await,
                    None => None,
                } {
                    result_text.set(text.clone());
                    evaluate_text(text);
                }
            });
        })
    };
    let on_table = {
        let table = table.clone();
        Callback::from(move |v: String| table.set(v))
    };
    let on_dialect = {
        let dialect = dialect.clone();
        Callback::from(move |v: String| dialect.set(v))
    };
    let on_typed_columns = {
        let (typed_columns, on_columns) = (typed_columns.clone(), props.on_columns.clone());
        Callback::from(move |v: String| {
            typed_columns.set(v.clone());
            on_columns.emit(v);
        })
    };
    let on_result_input = {
        let result_text = result_text.clone();
        Callback::from(move |v: String| result_text.set(v))
    };
    let copy_sql = {
        let sql = sql.clone();
        Callback::from(move |_| sql.as_ref().and_then(|s| s.as_ref().ok()).cloned().unwrap_or_default())
    };
    let dialect_options: Vec<(AttrValue, AttrValue)> =
        DIALECTS.iter().map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l))).collect();

    html! {
        <div class="planner-grid warehouse" data-testid="warehouse">
            <div class="evaluate-setup">
                <section class="card" aria-labelledby="warehouse-query-title">
                    <h2 id="warehouse-query-title">{ "1. Run this query where your data is" }</h2>
                    <p class="muted">{ "It computes, per variant and per segment, only the counts and sums the evaluation needs. Your rows stay in your warehouse." }</p>
                    if !props.mapped || !typed_columns.is_empty() {
                        <TextField id="warehouse-columns" label="Your table's columns" value={(*typed_columns).clone()}
                            oninput={on_typed_columns} inputmode="text" placeholder="user_id,variant,converted,revenue"
                            hint="No file needed: type the column names (comma-separated), then map them below. Or choose a file in the Row-level CSV tab." />
                    }
                    <TextField id="warehouse-table" label="Table" value={(*table).clone()} oninput={on_table} inputmode="text"
                        hint="As your warehouse names it, e.g. project.dataset.events" />
                    <SelectField id="warehouse-dialect" label="SQL dialect" value={(*dialect).clone()} options={dialect_options} onchange={on_dialect} />
                    { match &*sql {
                        Some(Ok(text)) => html! {
                            <>
                                <pre class="sql" data-testid="warehouse-sql" tabindex="0" aria-label="The query"><code>{ text.clone() }</code></pre>
                                <CopyButton label="Copy SQL" text={copy_sql} id={AttrValue::Static("copy-sql")} />
                            </>
                        },
                        Some(Err(message)) => html! {
                            <p class="form-error" role="alert" data-testid="warehouse-sql-error">{ format!("No query for these KPIs yet: {message}") }</p>
                        },
                        None => html! { <p class="muted" role="status">{ "Writing the query…" }</p> },
                    } }
                </section>
                { props.mapper.clone() }
            </div>
            <div class="planner-results">
                <section class="card" aria-labelledby="warehouse-result-title">
                    <h2 id="warehouse-result-title">{ "2. Bring back its result" }</h2>
                    <TextField id="warehouse-result" label="The query's result (CSV, header row first)" value={(*result_text).clone()}
                        oninput={on_result_input} inputmode="text" multiline=true />
                    <div class="field">
                        <label for="warehouse-result-file">{ "Or upload it" }</label>
                        <input type="file" id="warehouse-result-file" data-testid="warehouse-result-file" accept=".csv,text/csv" onchange={on_result_file} />
                    </div>
                    <button type="button" class="evaluate-button" data-testid="warehouse-evaluate" onclick={on_evaluate}
                        disabled={result_text.trim().is_empty() || *outcome == Outcome::Running}>{ "Evaluate the result" }</button>
                </section>
                { match &*outcome {
                    Outcome::None => html! {},
                    Outcome::Running => html! { <section class="card"><p class="muted" role="status">{ "Evaluating…" }</p></section> },
                    Outcome::Done(shared, context, evaluation) => result_page(evaluation, context, "warehouse-result",
                        html! { <ShareResults shared={shared.clone()} /> }),
                    Outcome::Failed(message) => html! {
                        <section class="card"><h2>{ "Could not evaluate" }</h2><p class="form-error" role="alert" data-testid="warehouse-error">{ message.clone() }</p></section>
                    },
                } }
            </div>
        </div>
    }
}
