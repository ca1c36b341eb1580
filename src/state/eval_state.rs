//! The Evaluate view's state and its reducer: the chosen file, its preview, the
//! settings, the loaded plan and where the evaluation stands. Pure (the page
//! passes in the time and the worker's reports), so it is tested natively.

use std::rc::Rc;

use kpilab_core::evaluate::Evaluation;
use web_sys::Blob;
use yew::Reducible;

use crate::models::auto_map;
use crate::models::csv_preview::CsvPreview;
use crate::models::plan_file::PlanFile;
use crate::models::result_context::ResultContext;
use crate::state::eval_form::{EvalEdit, EvalForm};
use crate::state::eval_session::KeptForm;
use crate::state::FieldError;
use crate::text::format::plan_loaded_note;
use crate::worker::protocol::WorkerReport;

/// The file being evaluated.
#[derive(Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub size: f64,
    pub blob: Blob,
}

/// An .xlsx chosen: the workbook itself (`source` is then its sheet as CSV) and its sheets.
#[derive(Clone, PartialEq)]
pub struct Workbook {
    pub file: Source,
    pub sheets: Vec<String>,
    pub sheet: String,
}

/// Where the evaluation of the chosen file stands.
#[derive(Clone, PartialEq, Default)]
pub enum Phase {
    #[default]
    Setup,
    Running {
        started_ms: f64,
        bytes: f64,
        rows: f64,
    },
    Done {
        evaluation: Rc<Evaluation>,
        /// The settings it ran with, the plan and the KPIs added after it.
        context: Rc<ResultContext>,
    },
    Failed(String),
}

/// Everything the Evaluate view shows, changed only by `Action`s.
#[derive(Clone, PartialEq, Default)]
pub struct EvalState {
    pub source: Option<Source>,
    pub preview: Option<Result<Rc<CsvPreview>, String>>,
    pub form: EvalForm,
    pub issue: Option<FieldError>,
    pub phase: Phase,
    /// Kept to prefill again when another file is chosen.
    pub plan: Option<Rc<PlanFile>>,
    pub plan_note: Option<Result<String, String>>,
    /// The mapping kept from earlier in this tab (Evaluate → Plan → Evaluate): used
    /// instead of the automatic one for the next file that has its columns.
    pub kept: Option<KeptForm>,
    /// The configuration of the run under way, for its result page.
    pub running: Option<Rc<ResultContext>>,
    /// Set while the chosen file is an .xlsx (its sheet picker).
    pub workbook: Option<Workbook>,
}

/// What happened: the user's edits, the file's preview and the worker's reports.
pub enum Action {
    Chosen(Source),
    /// An .xlsx was read: its chosen sheet comes next as `Chosen` (CSV bytes).
    Workbook(Workbook),
    Previewed(Result<CsvPreview, String>),
    Edit(EvalEdit),
    /// Boxed: a plan file is much larger than the other actions.
    Plan(Result<Box<PlanFile>, String>),
    /// The worker started, at this time (ms since the epoch), on this configuration.
    Started(f64, Rc<ResultContext>),
    Report(WorkerReport),
    Issue(FieldError),
    Cancelled,
}

impl Reducible for EvalState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Workbook(book) => s.workbook = Some(book),
            Action::Chosen(source) => {
                // A new file that is not the workbook's sheet ends the workbook.
                if s.workbook.as_ref().is_some_and(|b| b.file.name != source.name) {
                    s.workbook = None;
                }
                s.source = Some(source);
                s.preview = None;
                s.phase = Phase::Setup;
                s.issue = None;
            }
            Action::Previewed(Ok(preview)) => {
                let source = s.source.as_ref().map(|src| src.name.as_str()).unwrap_or_default();
                match s.kept.take() {
                    Some(kept) if kept.fits(source, &preview.header) => {
                        // the file's events come from this preview, not from the kept form
                        let event_file = preview.events.clone().map(Rc::new);
                        s.form = EvalForm { event_file, ..kept.form };
                    }
                    _ => {
                        s.form = auto_map::guess(&preview);
                        if let Some(plan) = &s.plan {
                            s.form.apply_plan(plan);
                        }
                    }
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
                // A plan that watches too much gets its gentle warning right away.
                let focus = plan.focus_warning(1).map(|w| format!(" {w}")).unwrap_or_default();
                s.plan_note = Some(Ok(format!("{}{focus}", plan_loaded_note(&plan))));
                s.plan = Some(Rc::new(*plan));
                s.issue = None;
            }
            Action::Plan(Err(e)) => s.plan_note = Some(Err(e)),
            Action::Started(started_ms, context) => {
                s.phase = Phase::Running { started_ms, bytes: 0.0, rows: 0.0 };
                s.running = Some(context);
                s.issue = None;
            }
            Action::Report(report) => match (report, &s.phase) {
                (WorkerReport::Progress { bytes, rows }, Phase::Running { started_ms, .. }) => {
                    s.phase = Phase::Running { started_ms: *started_ms, bytes, rows };
                }
                (WorkerReport::Done { evaluation, .. }, Phase::Running { .. }) => {
                    let context = s.running.take().unwrap_or_else(|| {
                        Rc::new(ResultContext::of_config(kpilab_core::evaluate::EvalConfig::new("", Vec::new())))
                    });
                    s.phase = Phase::Done { evaluation: Rc::new(*evaluation), context };
                }
                (WorkerReport::Failed { field, message }, Phase::Running { .. }) => {
                    if !field.is_empty() {
                        s.issue = Some(FieldError { field, message: message.clone() });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: EvalState, action: Action) -> EvalState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn started(at_ms: f64) -> Action {
        let config = kpilab_core::evaluate::EvalConfig::new("variant", Vec::new());
        Action::Started(at_ms, Rc::new(ResultContext::of_config(config)))
    }

    #[test]
    fn progress_then_failure_names_the_field() {
        let s = reduce(EvalState::default(), started(1000.0));
        let s = reduce(s, Action::Report(WorkerReport::Progress { bytes: 5.0, rows: 2.0 }));
        assert!(s.phase == Phase::Running { started_ms: 1000.0, bytes: 5.0, rows: 2.0 });
        let failed = WorkerReport::Failed { field: "kpis[0].column".into(), message: "no such column".into() };
        let s = reduce(s, Action::Report(failed));
        assert!(s.phase == Phase::Failed("no such column".into()));
        assert_eq!(s.issue, Some(FieldError::new("kpis[0].column", "no such column")));
    }

    #[test]
    fn a_kept_mapping_wins_over_the_guess_only_when_its_columns_exist() {
        let preview =
            || crate::models::csv_preview::preview(b"variant,user_id,converted\na,1,0\nb,2,1\n", true).unwrap();
        let form = EvalForm { variant_column: "user_id".into(), ..EvalForm::default() };
        // No source here (a Blob needs a browser): the kept form's file name is "" too.
        let kept = KeptForm { source: String::new(), form: form.clone() };
        let s =
            reduce(EvalState { kept: Some(kept.clone()), ..EvalState::default() }, Action::Previewed(Ok(preview())));
        assert_eq!(s.form, form);
        assert_eq!(s.kept, None, "used once");

        let elsewhere = KeptForm { form: EvalForm { variant_column: "arm".into(), ..form.clone() }, ..kept };
        let s = reduce(EvalState { kept: Some(elsewhere), ..EvalState::default() }, Action::Previewed(Ok(preview())));
        assert_eq!(s.form.variant_column, "variant", "no such column: the automatic mapping");

        let other_file = KeptForm { source: "other.csv".into(), form };
        let s = reduce(EvalState { kept: Some(other_file), ..EvalState::default() }, Action::Previewed(Ok(preview())));
        assert_eq!(s.form.variant_column, "variant", "another file: the automatic mapping");
    }

    #[test]
    fn reports_after_cancel_are_ignored() {
        let s = reduce(EvalState::default(), started(0.0));
        let s = reduce(s, Action::Cancelled);
        let s = reduce(s, Action::Report(WorkerReport::Progress { bytes: 9.0, rows: 9.0 }));
        assert!(s.phase == Phase::Setup);
    }
}
