//! The Evaluate view: a CSV in (dropped, picked or the sample), columns mapped on
//! their own (or by hand, or from the plan file), evaluated by kpilab_core in a
//! worker, and the decision with its evidence out. Per-variant totals can be
//! pasted instead of a file. Nothing leaves the page.

use std::rc::Rc;

use js_sys::Uint8Array;
use kpilab_core::evaluate::{EvalConfig, Evaluation, KpiKind};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::auto_map;
use crate::components::column_mapper::ColumnMapper;
use crate::components::csv_drop::CsvDrop;
use crate::components::csv_preview_table::CsvPreviewTable;
use crate::components::csv_progress::CsvProgress;
use crate::components::decision_card::DecisionCard;
use crate::components::kpi_results::KpiResults;
use crate::components::row_report::RowReportView;
use crate::components::segment_table::SegmentTable;
use crate::components::totals_input::TotalsInput;
use crate::csv_job::CsvJob;
use crate::csv_preview::{self, CsvPreview, PREVIEW_BYTES};
use crate::eval_form::{EvalEdit, EvalForm, FormIssue};
use crate::format::group_thousands;
use crate::plan_file::PlanFile;
use crate::worker_protocol::WorkerReport;

/// The sample data set, shipped next to index.html and fetched only on click.
const SAMPLE_URL: &str = "sample.csv";

/// The file being evaluated.
#[derive(Clone, PartialEq)]
struct Source {
    name: String,
    size: f64,
    blob: Blob,
}

#[derive(Clone, PartialEq)]
enum Phase {
    Setup,
    Running { started_ms: f64, bytes: f64, rows: f64 },
    Done { evaluation: Rc<Evaluation>, kinds: Rc<Vec<(String, KpiKind)>> },
    Failed(String),
}

#[derive(Clone, PartialEq)]
struct EvalState {
    source: Option<Source>,
    preview: Option<Result<Rc<CsvPreview>, String>>,
    form: EvalForm,
    issue: Option<FormIssue>,
    phase: Phase,
    /// Kept to prefill again when another file is chosen.
    plan: Option<Rc<PlanFile>>,
    plan_note: Option<Result<String, String>>,
}

enum Action {
    Chosen(Source),
    Previewed(Result<CsvPreview, String>),
    Edit(EvalEdit),
    Plan(Result<PlanFile, String>),
    Started,
    Report(WorkerReport),
    Issue(FormIssue),
    Cancelled,
}

impl Reducible for EvalState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Chosen(source) => {
                s.source = Some(source);
                s.preview = None;
                s.phase = Phase::Setup;
                s.issue = None;
            }
            Action::Previewed(Ok(preview)) => {
                s.form = auto_map::guess(&preview);
                if let Some(plan) = &s.plan {
                    s.form.apply_plan(plan);
                }
                s.preview = Some(Ok(Rc::new(preview)));
            }
            Action::Previewed(Err(e)) => s.preview = Some(Err(e)),
            Action::Edit(edit) => {
                s.form.apply(edit);
                s.issue = None;
            }
            Action::Plan(Ok(plan)) => {
                s.form.apply_plan(&plan);
                s.plan_note = Some(Ok(format!(
                    "Loaded the plan: primary KPI \"{}\", {} guardrail{}, {} users per variant planned.",
                    plan.primary_kpi.name,
                    plan.guardrails.len(),
                    if plan.guardrails.len() == 1 { "" } else { "s" },
                    group_thousands(plan.users_per_variant.first().copied().unwrap_or(f64::NAN)),
                )));
                s.plan = Some(Rc::new(plan));
                s.issue = None;
            }
            Action::Plan(Err(e)) => s.plan_note = Some(Err(e)),
            Action::Started => {
                s.phase = Phase::Running { started_ms: js_sys::Date::now(), bytes: 0.0, rows: 0.0 };
                s.issue = None;
            }
            Action::Report(report) => match (report, &s.phase) {
                (WorkerReport::Progress { bytes, rows }, Phase::Running { started_ms, .. }) => {
                    s.phase = Phase::Running { started_ms: *started_ms, bytes, rows };
                }
                (WorkerReport::Done { evaluation }, Phase::Running { .. }) => {
                    let kinds = s.form.kpis.iter().map(|k| (k.name.trim().to_string(), k.kind)).collect();
                    s.phase = Phase::Done { evaluation: Rc::new(*evaluation), kinds: Rc::new(kinds) };
                }
                (WorkerReport::Failed { field, message }, Phase::Running { .. }) => {
                    if !field.is_empty() {
                        s.issue = Some(FormIssue { field, message: message.clone() });
                    }
                    s.phase = Phase::Failed(message);
                }
                _ => return self, // a late message of a finished or cancelled job
            },
            Action::Issue(issue) => {
                s.issue = Some(issue);
                s.phase = Phase::Setup;
            }
            Action::Cancelled => s.phase = Phase::Setup,
        }
        Rc::new(s)
    }
}

/// The file's first bytes, for the preview.
async fn read_head(blob: &Blob) -> Result<Vec<u8>, String> {
    let head =
        blob.slice_with_f64_and_f64(0.0, PREVIEW_BYTES).map_err(|_| "The file could not be read.".to_string())?;
    let buffer = JsFuture::from(head.array_buffer()).await.map_err(|_| "The file could not be read.".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn fetch_sample() -> Result<Blob, String> {
    let window = web_sys::window().ok_or("No window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(SAMPLE_URL))
        .await
        .map_err(|_| "The sample data could not be loaded.")?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("The sample data could not be loaded (HTTP {}).", response.status()));
    }
    let blob = response.blob().map_err(|_| "The sample data could not be read.")?;
    Ok(JsFuture::from(blob).await.map_err(|_| "The sample data could not be read.")?.unchecked_into())
}

#[function_component(Evaluate)]
pub fn evaluate() -> Html {
    let state = use_reducer(|| EvalState {
        source: None,
        preview: None,
        form: EvalForm::default(),
        issue: None,
        phase: Phase::Setup,
        plan: None,
        plan_note: None,
    });
    let job = use_mut_ref(|| None::<CsvJob>);
    let totals_mode = use_state(|| false);

    // Starts the worker on `blob`; reports flow into the reducer.
    let start: Rc<dyn Fn(Blob, EvalConfig)> = {
        let (dispatcher, job) = (state.dispatcher(), job.clone());
        Rc::new(move |blob: Blob, config: EvalConfig| {
            let on_report = {
                let (dispatcher, job) = (dispatcher.clone(), job.clone());
                Callback::from(move |report: WorkerReport| {
                    let finished = matches!(report, WorkerReport::Done { .. } | WorkerReport::Failed { .. });
                    dispatcher.dispatch(Action::Report(report));
                    if finished {
                        // Free the worker after this message handler has returned.
                        let job = job.clone();
                        spawn_local(async move { drop(job.borrow_mut().take()) });
                    }
                })
            };
            match CsvJob::start(blob, &config, on_report) {
                Ok(new_job) => {
                    *job.borrow_mut() = Some(new_job);
                    dispatcher.dispatch(Action::Started);
                }
                Err(message) => dispatcher.dispatch(Action::Issue(FormIssue { field: String::new(), message })),
            }
        })
    };

    // Reads the head of a new source, maps its columns, and optionally evaluates at once.
    let load: Rc<dyn Fn(Source, bool)> = {
        let (dispatcher, start, job) = (state.dispatcher(), start.clone(), job.clone());
        Rc::new(move |source: Source, evaluate_now: bool| {
            job.borrow_mut().take();
            dispatcher.dispatch(Action::Chosen(source.clone()));
            let (dispatcher, start) = (dispatcher.clone(), start.clone());
            spawn_local(async move {
                let previewed = read_head(&source.blob)
                    .await
                    .and_then(|bytes| csv_preview::preview(&bytes, source.size <= PREVIEW_BYTES));
                let form = previewed.as_ref().ok().map(auto_map::guess);
                dispatcher.dispatch(Action::Previewed(previewed));
                if let (true, Some(form)) = (evaluate_now, form) {
                    match form.to_config() {
                        Ok(config) => start(source.blob, config),
                        Err(issue) => dispatcher.dispatch(Action::Issue(issue)),
                    }
                }
            });
        })
    };

    let on_file = {
        let load = load.clone();
        Callback::from(move |file: File| {
            let source = Source { name: file.name(), size: file.size(), blob: file.into() };
            load(source, false);
        })
    };
    let on_sample = {
        let (load, dispatcher) = (load.clone(), state.dispatcher());
        Callback::from(move |_| {
            let (load, dispatcher) = (load.clone(), dispatcher.clone());
            spawn_local(async move {
                match fetch_sample().await {
                    Ok(blob) => load(Source { name: SAMPLE_URL.into(), size: blob.size(), blob }, true),
                    Err(message) => dispatcher.dispatch(Action::Issue(FormIssue { field: String::new(), message })),
                }
            });
        })
    };
    let on_plan_file = {
        let dispatcher = state.dispatcher();
        Callback::from(move |file: File| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                let plan = text
                    .ok_or_else(|| "The plan file could not be read.".to_string())
                    .and_then(|t| PlanFile::from_json(&t));
                dispatcher.dispatch(Action::Plan(plan));
            });
        })
    };
    let on_edit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |edit: EvalEdit| dispatcher.dispatch(Action::Edit(edit)))
    };
    let on_evaluate = {
        let (state, start) = (state.clone(), start.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(source) = &state.source else { return };
            match state.form.to_config() {
                Ok(config) => start(source.blob.clone(), config),
                Err(issue) => state.dispatch(Action::Issue(issue)),
            }
        })
    };
    let on_cancel = {
        let (dispatcher, job) = (state.dispatcher(), job.clone());
        Callback::from(move |_| {
            job.borrow_mut().take(); // terminates the worker
            dispatcher.dispatch(Action::Cancelled);
        })
    };
    let set_mode = |totals: bool| {
        let totals_mode = totals_mode.clone();
        Callback::from(move |_: MouseEvent| totals_mode.set(totals))
    };

    let running = matches!(state.phase, Phase::Running { .. });
    let chosen = state.source.as_ref().map(|s| AttrValue::from(format!("{} · {:.1} MB", s.name, s.size / 1e6)));
    let preview_ok = state.preview.as_ref().and_then(|p| p.as_ref().ok()).cloned();
    let columns = Rc::new(preview_ok.as_ref().map(|p| p.columns.clone()).unwrap_or_default());

    html! {
        <div class="evaluate">
            <div class="planner-intro">
                <div>
                    <h1>{ "Evaluate an A/B test" }</h1>
                    <p class="lede">{ "Drop the test's data, check the mapping, get a decision with its evidence. The file never leaves your computer." }</p>
                </div>
            </div>
            <div class="tabs" role="tablist" aria-label="Data source">
                <button type="button" role="tab" aria-selected={(!*totals_mode).to_string()} onclick={set_mode(false)}>{ "Row-level CSV" }</button>
                <button type="button" role="tab" aria-selected={totals_mode.to_string()} data-testid="totals-tab" onclick={set_mode(true)}>{ "Per-variant totals" }</button>
            </div>
            if *totals_mode {
                <TotalsInput />
            } else {
                <div class="planner-grid">
                    <div class="evaluate-setup">
                        <CsvDrop on_file={on_file} on_sample={on_sample} chosen={chosen} />
                        if let Some(Err(e)) = &state.preview {
                            <p class="form-error" role="alert">{ e.clone() }</p>
                        }
                        // Right under the file: with the auto-mapping, pick + Evaluate is all it takes.
                        <button type="button" class="evaluate-button" data-testid="evaluate" onclick={on_evaluate}
                            disabled={running || preview_ok.is_none()}>{ "Evaluate" }</button>
                        if preview_ok.is_some() {
                            <ColumnMapper form={state.form.clone()} columns={columns} issue={state.issue.clone()}
                                on_edit={on_edit} on_plan_file={on_plan_file} plan_note={state.plan_note.clone()} />
                        } else if let Some(issue) = &state.issue {
                            <p class="form-error" role="alert" data-testid="config-error">{ issue.message.clone() }</p>
                        }
                    </div>
                    <div class="planner-results">
                        { results(&state, preview_ok, on_cancel) }
                    </div>
                </div>
            }
        </div>
    }
}

fn results(state: &EvalState, preview: Option<Rc<CsvPreview>>, on_cancel: Callback<()>) -> Html {
    let source_name = AttrValue::from(state.source.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let total = state.source.as_ref().map(|s| s.size).unwrap_or(0.0);
    html! {
        <>
            { match &state.phase {
                Phase::Running { started_ms, bytes, rows } => html! {
                    <CsvProgress bytes={*bytes} total_bytes={total} rows={*rows}
                        elapsed_ms={js_sys::Date::now() - started_ms} on_cancel={on_cancel} />
                },
                Phase::Done { evaluation, kinds } => html! {
                    <>
                        <DecisionCard evaluation={evaluation.clone()} source={source_name} />
                        <KpiResults kpis={Rc::new(evaluation.kpis.clone())} kinds={kinds.clone()} />
                        <SegmentTable segments={Rc::new(evaluation.segments.clone())} />
                        <RowReportView rows={evaluation.rows.clone()} />
                    </>
                },
                Phase::Failed(message) => html! {
                    <section class="card"><h2>{ "Could not evaluate" }</h2><p class="form-error" role="alert" data-testid="eval-error">{ message.clone() }</p></section>
                },
                Phase::Setup if preview.is_none() => html! {
                    <section class="card">
                        <h2>{ "Results" }</h2>
                        <p class="muted">{ "Choose a CSV (or try the sample data) to see the decision here." }</p>
                    </section>
                },
                Phase::Setup => html! {},
            } }
            if let (Some(p), false) = (preview, matches!(state.phase, Phase::Done { .. })) {
                <CsvPreviewTable preview={p} />
            }
        </>
    }
}
