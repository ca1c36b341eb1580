//! The Evaluate view: a CSV in (dropped, picked or the sample), columns mapped on
//! their own (or by hand, or from the plan file), evaluated by kpilab_core in a
//! worker, and the decision with its evidence out. Per-variant totals can be
//! pasted instead of a file, or the warehouse can compute the aggregates
//! (pages::warehouse). A finished run can be shared by link (components::share_results).
//! Nothing leaves the page. This page only wires the
//! state (state::eval_state) and the services to the components.

use std::rc::Rc;

use kpilab_core::evaluate::EvalConfig;
use web_sys::{Blob, File};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::column_mapper::ColumnMapper;
use crate::components::csv_drop::CsvDrop;
use crate::components::csv_preview_table::CsvPreviewTable;
use crate::components::csv_progress::CsvProgress;
use crate::components::field::SelectField;
use crate::components::result_page::result_page;
use crate::components::share_results::ShareResults;
use crate::components::totals_input::TotalsInput;
use crate::models::auto_map;
use crate::models::csv_preview::{self, CsvPreview, PREVIEW_BYTES};
use crate::models::file_kind::{self, FileKind};
use crate::models::plan_file::PlanFile;
use crate::models::result_context::ResultContext;
use crate::pages::warehouse::Warehouse;
use crate::services::csv_job::{self, CsvJob};
use crate::services::files::{self, SAMPLE_URL};
use crate::services::session;
use crate::services::share::SharedResult;
use crate::services::xlsx_job;
use crate::state::eval_form::EvalEdit;
use crate::state::eval_session::{self, KeptForm};
use crate::state::eval_state::{Action, EvalState, Phase, Source, Workbook};
use crate::state::FieldError;
use crate::text::format::megabytes;
use crate::worker::protocol::WorkerReport;

#[function_component(Evaluate)]
pub fn evaluate() -> Html {
    // The mapping left earlier in this tab comes back (Evaluate → Plan → Evaluate).
    let state = use_reducer(|| EvalState {
        kept: session::load(eval_session::KEY).as_deref().and_then(KeptForm::from_json),
        ..EvalState::default()
    });
    let job = use_mut_ref(|| None::<CsvJob>);
    let mode = use_state(|| Mode::Rows);
    // The finished run's config and aggregates, for its share link.
    let shared = use_state(|| None::<Rc<SharedResult>>);
    // The loaded plan, for runs started from callbacks made before it was loaded.
    let plan = use_mut_ref(|| None::<Rc<PlanFile>>);
    *plan.borrow_mut() = state.plan.clone();

    // Starts the worker on `blob` (KPIs added after a loaded plan made exploratory);
    // reports flow into the reducer.
    let start: Rc<dyn Fn(Blob, EvalConfig, Option<f64>)> = {
        let (dispatcher, job, shared, plan) = (state.dispatcher(), job.clone(), shared.clone(), plan.clone());
        Rc::new(move |blob: Blob, config: EvalConfig, days_run: Option<f64>| {
            shared.set(None);
            let context = Rc::new(ResultContext::prepare(config, plan.borrow().clone()).with_days_run(days_run));
            let on_report = {
                let (dispatcher, job, shared, config) =
                    (dispatcher.clone(), job.clone(), shared.clone(), context.config.clone());
                Callback::from(move |report: WorkerReport| {
                    if let WorkerReport::Done { aggregates, .. } = &report {
                        shared.set(Some(Rc::new(SharedResult::new(&config, aggregates.clone()))));
                    }
                    let finished = matches!(report, WorkerReport::Done { .. } | WorkerReport::Failed { .. });
                    dispatcher.dispatch(Action::Report(report));
                    if finished {
                        // Free the worker after this message handler has returned.
                        let job = job.clone();
                        spawn_local(async move { drop(job.borrow_mut().take()) });
                    }
                })
            };
            match CsvJob::start(blob, &context.config, on_report) {
                Ok(new_job) => {
                    *job.borrow_mut() = Some(new_job);
                    dispatcher.dispatch(Action::Started(js_sys::Date::now(), context));
                }
                Err(message) => dispatcher.dispatch(Action::Issue(FieldError::new("", message))),
            }
        })
    };

    // Reads the head of a new source, maps its columns, and optionally evaluates at once.
    // A binary file gets a message instead of a preview; an .xlsx (a zip, whatever its
    // name) is first turned into CSV by the xlsx worker: `sheet`, or its first sheet.
    let load: Rc<dyn Fn(Source, bool, Option<String>)> = {
        let (dispatcher, start, job) = (state.dispatcher(), start.clone(), job.clone());
        Rc::new(move |source: Source, evaluate_now: bool, sheet: Option<String>| {
            job.borrow_mut().take();
            dispatcher.dispatch(Action::Chosen(source.clone()));
            let (dispatcher, start) = (dispatcher.clone(), start.clone());
            spawn_local(async move {
                let mut source = source;
                let mut head = files::read_head(&source.blob).await;
                let kind = head.as_ref().map(|bytes| file_kind::sniff(&source.name, bytes));
                if let Ok(FileKind::Unreadable(message)) = kind {
                    dispatcher.dispatch(Action::Previewed(Err(message)));
                    return;
                }
                if let Ok(FileKind::Xlsx) = kind {
                    match xlsx_job::convert(&source.name, &source.blob, sheet.as_deref()).await {
                        Ok(read) => {
                            let book = Workbook { file: source.clone(), sheets: read.sheets, sheet: read.sheet };
                            dispatcher.dispatch(Action::Workbook(book));
                            source = Source { name: source.name.clone(), size: read.csv.size(), blob: read.csv };
                            dispatcher.dispatch(Action::Chosen(source.clone()));
                            head = files::read_head(&source.blob).await;
                        }
                        Err(message) => {
                            dispatcher.dispatch(Action::Previewed(Err(message)));
                            return;
                        }
                    }
                }
                // Its workers start while the person maps the columns.
                csv_job::warm_up(source.size);
                let previewed = head.and_then(|bytes| csv_preview::preview(&bytes, source.size <= PREVIEW_BYTES));
                let form = previewed.as_ref().ok().map(auto_map::guess);
                dispatcher.dispatch(Action::Previewed(previewed));
                if let (true, Some(form)) = (evaluate_now, form) {
                    match form.to_config() {
                        Ok(config) => start(source.blob, config, form.days_run().ok().flatten()),
                        Err(issue) => dispatcher.dispatch(Action::Issue(issue)),
                    }
                }
            });
        })
    };

    // Keep the mapping of the file on screen for this tab.
    {
        let source = state.source.as_ref().map(|s| s.name.clone());
        let mapped = matches!(state.preview, Some(Ok(_)));
        use_effect_with((state.form.clone(), source, mapped), |(form, source, mapped)| {
            if let (Some(source), true) = (source, mapped) {
                let kept = KeptForm { source: source.clone(), form: form.clone() };
                session::save(eval_session::KEY, &kept.to_json());
            }
        });
    }
    // The sample data can be read again on its own: bring back its mapping at once.
    {
        let (load, dispatcher) = (load.clone(), state.dispatcher());
        let sample_kept = state.kept.as_ref().is_some_and(|k| k.source == SAMPLE_URL);
        use_effect_with((), move |_| {
            if sample_kept {
                spawn_local(async move {
                    match files::fetch_sample().await {
                        Ok(blob) => load(Source { name: SAMPLE_URL.into(), size: blob.size(), blob }, false, None),
                        Err(message) => dispatcher.dispatch(Action::Issue(FieldError::new("", message))),
                    }
                });
            }
        });
    }

    let on_file = {
        let load = load.clone();
        Callback::from(move |file: File| {
            let source = Source { name: file.name(), size: file.size(), blob: file.into() };
            load(source, false, None);
        })
    };
    let on_sheet = {
        let (load, workbook) = (load.clone(), state.workbook.clone());
        Callback::from(move |sheet: String| {
            if let Some(book) = &workbook {
                load(book.file.clone(), false, Some(sheet));
            }
        })
    };
    let on_sample = {
        let (load, dispatcher) = (load.clone(), state.dispatcher());
        Callback::from(move |_| {
            let (load, dispatcher) = (load.clone(), dispatcher.clone());
            spawn_local(async move {
                match files::fetch_sample().await {
                    Ok(blob) => load(Source { name: SAMPLE_URL.into(), size: blob.size(), blob }, true, None),
                    Err(message) => dispatcher.dispatch(Action::Issue(FieldError::new("", message))),
                }
            });
        })
    };
    let on_plan_file = {
        let dispatcher = state.dispatcher();
        Callback::from(move |file: File| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let plan = files::read_text(&file)
                    .await
                    .ok_or_else(|| "The plan file could not be read.".to_string())
                    .and_then(|t| PlanFile::from_json(&t));
                dispatcher.dispatch(Action::Plan(plan.map(Box::new)));
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
                Ok(config) => start(source.blob.clone(), config, state.form.days_run().ok().flatten()),
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
    let set_mode = |to: Mode| {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| mode.set(to))
    };
    // Column names typed in the warehouse tab: a header-only preview maps them as a file's.
    let on_columns = {
        let dispatcher = state.dispatcher();
        Callback::from(move |names: String| {
            if !names.trim().is_empty() {
                dispatcher.dispatch(Action::Previewed(csv_preview::preview(format!("{names}\n").as_bytes(), true)));
            }
        })
    };

    let running = matches!(state.phase, Phase::Running { .. });
    let chosen = state.source.as_ref().map(|s| AttrValue::from(format!("{} · {}", s.name, megabytes(s.size))));
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
                <button type="button" role="tab" aria-selected={(*mode == Mode::Rows).to_string()} onclick={set_mode(Mode::Rows)}>{ "Row-level CSV" }</button>
                <button type="button" role="tab" aria-selected={(*mode == Mode::Totals).to_string()} data-testid="totals-tab" onclick={set_mode(Mode::Totals)}>{ "Per-variant totals" }</button>
                <button type="button" role="tab" aria-selected={(*mode == Mode::Warehouse).to_string()} data-testid="warehouse-tab" onclick={set_mode(Mode::Warehouse)}>{ "Query your warehouse" }</button>
            </div>
            if *mode == Mode::Totals {
                <TotalsInput />
            } else if *mode == Mode::Warehouse {
                <Warehouse form={state.form.clone()} mapped={preview_ok.is_some()} on_columns={on_columns}
                    mapper={if preview_ok.is_some() { html! {
                        <ColumnMapper form={state.form.clone()} columns={columns.clone()} issue={state.issue.clone()}
                            on_edit={on_edit.clone()} on_plan_file={on_plan_file.clone()} plan_note={state.plan_note.clone()} />
                    } } else { html! {} }} />
            } else {
                <div class={classes!("planner-grid", matches!(state.phase, Phase::Done { .. }).then_some("has-result"))}>
                    <div class="evaluate-setup">
                        <CsvDrop on_file={on_file} on_sample={on_sample} chosen={chosen} />
                        if let Some(book) = state.workbook.as_ref().filter(|b| b.sheets.len() > 1) {
                            <SelectField id="sheet" label="Sheet" value={book.sheet.clone()} onchange={on_sheet}
                                options={book.sheets.iter().map(|s| (AttrValue::from(s.clone()), AttrValue::from(s.clone()))).collect::<Vec<_>>()}
                                hint={AttrValue::from(format!("{} has {} sheets; the first is read unless you pick another.", book.file.name, book.sheets.len()))} />
                        }
                        if let Some(Err(e)) = &state.preview {
                            <p class="form-error" role="alert" data-testid="file-error">{ e.clone() }</p>
                        }
                        // Right under the file: with the auto-mapping, pick + Evaluate is all it takes.
                        <button type="button" class="evaluate-button" data-testid="evaluate" onclick={on_evaluate}
                            disabled={running || preview_ok.is_none()}>{ "Evaluate" }</button>
                        if preview_ok.is_some() {
                            <ColumnMapper form={state.form.clone()} columns={columns} issue={state.issue.clone()}
                                on_edit={on_edit} on_plan_file={on_plan_file} plan_note={state.plan_note.clone()}
                                decimal_comma_found={preview_ok.as_ref().is_some_and(|p| p.decimal == kpilab_core::csv::Decimal::Comma)} />
                        } else if let Some(issue) = &state.issue {
                            <p class="form-error" role="alert" data-testid="config-error">{ issue.message.clone() }</p>
                        }
                    </div>
                    <div class="planner-results">
                        { results(&state, preview_ok, on_cancel, (*shared).clone()) }
                    </div>
                </div>
            }
        </div>
    }
}

/// The Evaluate view's data sources (its tabs).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Rows,
    Totals,
    Warehouse,
}

fn results(
    state: &EvalState,
    preview: Option<Rc<CsvPreview>>,
    on_cancel: Callback<()>,
    shared: Option<Rc<SharedResult>>,
) -> Html {
    let source_name = AttrValue::from(state.source.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let total = state.source.as_ref().map(|s| s.size).unwrap_or(0.0);
    html! {
        <>
            { match &state.phase {
                Phase::Running { started_ms, bytes, rows } => html! {
                    <CsvProgress bytes={*bytes} total_bytes={total} rows={*rows}
                        elapsed_ms={js_sys::Date::now() - started_ms} on_cancel={on_cancel} />
                },
                Phase::Done { evaluation, context } => result_page(evaluation, context, &source_name, match shared {
                    Some(shared) => html! { <ShareResults shared={shared} /> },
                    None => html! {},
                }),
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
