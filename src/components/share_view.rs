//! A shared result (`#share=v1.…`, services::share): the link's aggregates
//! evaluated again in the worker by `evaluate_aggregates`, shown as the same
//! result page. No file, no network: the page may be opened offline.

use std::rc::Rc;

use kpilab_core::evaluate::Evaluation;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::result_page::result_page;
use crate::components::share_results::ShareResults;
use crate::models::result_context::ResultContext;
use crate::services::aggregates_job::AggregatesJob;
use crate::services::share::SharedResult;
use crate::worker::protocol::WorkerReport;

/// Where opening the link stands.
#[derive(Clone, PartialEq)]
enum Opened {
    Reading,
    Done(Rc<SharedResult>, Rc<ResultContext>, Rc<Evaluation>),
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct SharedViewProps {
    /// location.hash: `#share=v1.…`.
    pub fragment: AttrValue,
}

#[function_component(SharedView)]
pub fn shared_view(props: &SharedViewProps) -> Html {
    let opened = use_state(|| Opened::Reading);
    let job = use_mut_ref(|| None::<AggregatesJob>);
    {
        let (opened, job) = (opened.clone(), job.clone());
        use_effect_with(props.fragment.clone(), move |fragment| {
            opened.set(Opened::Reading);
            let fragment = fragment.to_string();
            spawn_local(async move {
                let shared = match SharedResult::from_fragment(&fragment).await {
                    Ok(shared) => Rc::new(shared),
                    Err(message) => return opened.set(Opened::Failed(message)),
                };
                let on_report = {
                    let (opened, shared) = (opened.clone(), shared.clone());
                    Callback::from(move |report: WorkerReport| match report {
                        WorkerReport::Done { evaluation, .. } => match shared.eval_config() {
                            Ok(config) => opened.set(Opened::Done(
                                shared.clone(),
                                Rc::new(ResultContext::of_config(config)),
                                Rc::new(*evaluation),
                            )),
                            Err(message) => opened.set(Opened::Failed(message)),
                        },
                        WorkerReport::Failed { message, .. } => opened.set(Opened::Failed(format!(
                            "This share link's result could not be computed again: {message}"
                        ))),
                        _ => {}
                    })
                };
                match AggregatesJob::start(on_report) {
                    Ok(new_job) => {
                        new_job.evaluate(&shared.config, &shared.aggregates);
                        *job.borrow_mut() = Some(new_job);
                    }
                    Err(message) => opened.set(Opened::Failed(message)),
                }
            });
        });
    }
    html! {
        <div class="evaluate shared-view" data-testid="shared-view">
            <div class="planner-intro">
                <div>
                    <h1>{ "A shared A/B test result" }</h1>
                    <p class="lede">{ "Computed in your browser from the sums in this link: it holds no rows of anyone's data." }</p>
                    <p><a href="./?view=evaluate">{ "Evaluate your own data" }</a></p>
                </div>
            </div>
            <div class="planner-results">
                { match &*opened {
                    Opened::Reading => html! { <section class="card"><p class="muted" role="status">{ "Reading the link…" }</p></section> },
                    Opened::Done(shared, context, evaluation) => html! {
                        result_page(evaluation, context, "shared-result", html! { <ShareResults shared={shared.clone()} /> })
                    },
                    Opened::Failed(message) => html! {
                        <section class="card">
                            <h2>{ "This link cannot be opened" }</h2>
                            <p class="form-error" role="alert" data-testid="share-error">{ message.clone() }</p>
                        </section>
                    },
                } }
            </div>
        </div>
    }
}
