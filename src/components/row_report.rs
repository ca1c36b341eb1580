//! How many rows were read, used and skipped, with the first bad rows' lines.

use kpilab_core::evaluate::RowReport;
use yew::prelude::*;

use crate::format::group_thousands;

#[derive(Properties, PartialEq)]
pub struct RowReportProps {
    pub rows: RowReport,
}

#[function_component(RowReportView)]
pub fn row_report(props: &RowReportProps) -> Html {
    let r = &props.rows;
    html! {
        <section class={classes!("card", "row-report", (r.skipped > 0.0).then_some("has-skipped"))} aria-labelledby="rows-title">
            <h2 id="rows-title">{ "Rows" }</h2>
            <p data-testid="row-counts">
                { format!("Read {}, used {}, skipped {}.", group_thousands(r.read), group_thousands(r.used), group_thousands(r.skipped)) }
            </p>
            if !r.errors.is_empty() {
                <ul class="row-errors" data-testid="row-errors">
                    { for r.errors.iter().map(|e| html! { <li>{ format!("Line {}: {}", group_thousands(e.line), e.message) }</li> }) }
                </ul>
                if r.errors_not_listed > 0.0 {
                    <p class="muted">{ format!("… and {} more bad rows.", group_thousands(r.errors_not_listed)) }</p>
                }
            }
        </section>
    }
}
