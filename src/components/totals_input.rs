//! The aggregated mode: paste per-variant totals, get the core's `analyze` result
//! (no file needed). Recomputed as you type.

use std::rc::Rc;

use kpilab_core::evaluate::{KpiKind, KpiResult, KpiRole};
use yew::prelude::*;

use crate::components::field::TextField;
use crate::components::kpi_results::KpiResults;
use crate::models::totals;
use crate::text::format::p_value;

#[function_component(TotalsInput)]
pub fn totals_input() -> Html {
    let text = use_state(|| totals::EXAMPLE.to_string());
    let outcome = use_memo((*text).clone(), |t| totals::evaluate(t));
    let on_input = {
        let text = text.clone();
        Callback::from(move |v: String| text.set(v))
    };
    let kinds = Rc::new(vec![("conversion rate".to_string(), KpiKind::Conversion)]);
    html! {
        <div class="totals">
            <section class="card">
                <TextField id="totals" label="Per-variant totals: variant, users, conversions (control first)" value={(*text).clone()}
                    oninput={on_input} multiline=true error={outcome.as_ref().as_ref().err().map(|e| AttrValue::from(e.clone()))} />
            </section>
            if let Ok(result) = &*outcome {
                if result.srm.mismatch {
                    <p class="srm-banner" role="alert">
                        <strong>{ "Sample ratio mismatch. " }</strong>
                        { format!("Users are not split as expected (p = {}): check the assignment before trusting the result.", p_value(result.srm.p_value)) }
                    </p>
                }
                <KpiResults kinds={kinds}
                    kpis={Rc::new(vec![KpiResult { name: "conversion rate".into(), role: KpiRole::Primary, result: result.clone(), steps: None, time_to_event: None }])} />
            }
        </div>
    }
}
