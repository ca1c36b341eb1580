//! The first rows of the chosen file, so the mapping can be checked against the data.

use std::rc::Rc;

use yew::prelude::*;

use crate::models::csv_preview::CsvPreview;

#[derive(Properties, PartialEq)]
pub struct CsvPreviewTableProps {
    pub preview: Rc<CsvPreview>,
}

#[function_component(CsvPreviewTable)]
pub fn csv_preview_table(props: &CsvPreviewTableProps) -> Html {
    let p = &props.preview;
    html! {
        <details class="preview" open=true>
            <summary>{ format!("Preview: first {} rows, {} columns", p.rows.len(), p.header.len()) }</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Preview of the file (table)">
                <table class="data-table" data-testid="csv-preview">
                    <thead><tr>{ for p.header.iter().map(|h| html! { <th>{ h.clone() }</th> }) }</tr></thead>
                    <tbody>
                        { for p.rows.iter().map(|row| html! {
                            <tr>{ for row.iter().map(|cell| html! { <td>{ cell.clone() }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </details>
    }
}
