//! The app shell: header with the view navigation, the current view, and a footer
//! promising what the code keeps: no data leaves the page.
//!
//! `/` is the planner; `?view=evaluate` the evaluator (plain links: any static server works).

use yew::prelude::*;

use crate::pages::evaluate::Evaluate;
use crate::pages::planner::Planner;
use crate::services::browser;

/// True when the address asks for the Evaluate view.
pub fn is_evaluate_view(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|pair| pair == "view=evaluate")
}

#[function_component(App)]
pub fn app() -> Html {
    let evaluate = is_evaluate_view(&browser::location_search());
    let current = |on: bool| on.then_some("page");
    html! {
        <>
            <a class="skip-link" href="#main">{ if evaluate { "Skip to the evaluator" } else { "Skip to the planner" } }</a>
            <header class="site-header">
                <a class="brand" href="./" aria-label="kpilab home">{ "kpilab" }</a>
                <nav aria-label="Views">
                    <a href="./" aria-current={current(!evaluate)}>{ "Plan" }</a>
                    <a href="./?view=evaluate" aria-current={current(evaluate)} data-testid="nav-evaluate">{ "Evaluate" }</a>
                </nav>
            </header>
            <main id="main">
                if evaluate { <Evaluate /> } else { <Planner /> }
            </main>
            <footer class="site-footer">
                <p>{ "Everything is computed in your browser. No data leaves this page: no tracking, no server, no cookies." }</p>
            </footer>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::is_evaluate_view;

    #[test]
    fn view_from_query() {
        assert!(is_evaluate_view("?view=evaluate"));
        assert!(is_evaluate_view("?x=1&view=evaluate"));
        assert!(!is_evaluate_view("?metric=mean"));
        assert!(!is_evaluate_view(""));
    }
}
