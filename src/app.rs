//! The app shell: header with the view navigation, the current view, and a footer
//! promising what the code keeps: no data leaves the page.
//!
//! `/` is the planner; `?view=evaluate` the evaluator (plain links: any static server works).
//! Both links carry the plan's query (state::url_state), so Plan → Evaluate → Plan keeps
//! the plan; the Evaluate form keeps itself in session storage (state::eval_session).
//! A `#share=…` fragment (services::share) shows the shared result instead, whatever the query.

use yew::prelude::*;

use wasm_bindgen::prelude::*;

use crate::components::share_view::SharedView;
use crate::pages::evaluate::Evaluate;
use crate::pages::planner::Planner;
use crate::services::browser;
use crate::services::share;

/// location.hash ("" when none).
fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// True when the address asks for the Evaluate view.
pub fn is_evaluate_view(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|pair| pair == "view=evaluate")
}

/// The query without `view=evaluate` (no leading '?'): the plan's part of the address.
pub fn plan_query(query: &str) -> String {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && *pair != "view=evaluate")
        .collect::<Vec<_>>()
        .join("&")
}

/// The navigation links' addresses, both carrying the plan's query.
pub fn view_links(plan_query: &str) -> (String, String) {
    if plan_query.is_empty() {
        ("./".into(), "./?view=evaluate".into())
    } else {
        (format!("./?{plan_query}"), format!("./?view=evaluate&{plan_query}"))
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let search = browser::location_search();
    let evaluate = is_evaluate_view(&search);
    // The planner reports each new plan query, so the Evaluate link always carries it.
    let plan = use_state_eq(|| plan_query(&search));
    let on_query = {
        let plan = plan.clone();
        Callback::from(move |query: String| plan.set(query))
    };
    // A share link pasted into this tab changes only the fragment: follow it.
    let hash = use_state_eq(location_hash);
    {
        let hash = hash.clone();
        use_effect_with((), move |_| {
            let on_change = Closure::<dyn FnMut()>::new(move || hash.set(location_hash()));
            if let Some(w) = web_sys::window() {
                w.set_onhashchange(Some(on_change.as_ref().unchecked_ref()));
            }
            on_change.forget(); // lives as long as the page
        });
    }
    let shared = share::is_share_fragment(&hash).then(|| AttrValue::from((*hash).clone()));
    let (plan_href, evaluate_href) = view_links(&plan);
    let current = |on: bool| on.then_some("page");
    html! {
        <>
            <a class="skip-link" href="#main">{ if evaluate { "Skip to the evaluator" } else { "Skip to the planner" } }</a>
            <header class="site-header">
                <a class="brand" href="./" aria-label="kpilab home">{ "kpilab" }</a>
                <nav aria-label="Views">
                    <a href={plan_href} aria-current={current(!evaluate && shared.is_none())} data-testid="nav-plan">{ "Plan" }</a>
                    <a href={evaluate_href} aria-current={current(evaluate && shared.is_none())} data-testid="nav-evaluate">{ "Evaluate" }</a>
                </nav>
            </header>
            <main id="main">
                if let Some(fragment) = shared {
                    <SharedView fragment={fragment} />
                } else if evaluate {
                    <Evaluate />
                } else {
                    <Planner on_query={on_query} />
                }
            </main>
            <footer class="site-footer">
                <p>{ "Everything is computed in your browser. No data leaves this page: no tracking, no server, no cookies." }</p>
            </footer>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::{is_evaluate_view, plan_query, view_links};

    #[test]
    fn links_carry_the_plan() {
        assert_eq!(plan_query("?view=evaluate&metric=mean&mean=5"), "metric=mean&mean=5");
        assert_eq!(plan_query("?metric=mean"), "metric=mean");
        assert_eq!(plan_query("?view=evaluate"), "");
        assert_eq!(view_links(""), ("./".to_string(), "./?view=evaluate".to_string()));
        assert_eq!(view_links("mde=0.2"), ("./?mde=0.2".to_string(), "./?view=evaluate&mde=0.2".to_string()));
    }

    #[test]
    fn view_from_query() {
        assert!(is_evaluate_view("?view=evaluate"));
        assert!(is_evaluate_view("?x=1&view=evaluate"));
        assert!(!is_evaluate_view("?metric=mean"));
        assert!(!is_evaluate_view(""));
    }
}
