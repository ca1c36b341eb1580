//! The data-quality panel: what the event-level rules left out and why, one plain
//! sentence per reason (text::quality). Drawn only when something was left out.

use std::rc::Rc;

use kpilab_core::evaluate::Evaluation;
use yew::prelude::*;

use crate::text::quality::quality_lines;

#[derive(Properties, PartialEq)]
pub struct DataQualityProps {
    pub evaluation: Rc<Evaluation>,
}

#[function_component(DataQualityPanel)]
pub fn data_quality(props: &DataQualityProps) -> Html {
    let lines = quality_lines(&props.evaluation);
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <section class="card data-quality" data-testid="data-quality" aria-labelledby="data-quality-title">
            <h2 id="data-quality-title">{ "Data quality" }</h2>
            <p class="muted">{ "What was left out of the comparison, and why:" }</p>
            <ul>
                { for lines.into_iter().map(|l| html! {
                    <li data-testid={format!("quality-{}", l.id)}>{ l.text }</li>
                }) }
            </ul>
        </section>
    }
}
