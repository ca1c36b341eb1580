//! The running evaluation: a progress bar with bytes, rows and speed, and Cancel.

use yew::prelude::*;

use crate::text::format::{group_thousands, megabytes};

#[derive(Properties, PartialEq)]
pub struct CsvProgressProps {
    pub bytes: f64,
    pub total_bytes: f64,
    pub rows: f64,
    /// Milliseconds since the start.
    pub elapsed_ms: f64,
    pub on_cancel: Callback<()>,
}

#[function_component(CsvProgress)]
pub fn csv_progress(props: &CsvProgressProps) -> Html {
    let fraction = if props.total_bytes > 0.0 { (props.bytes / props.total_bytes).clamp(0.0, 1.0) } else { 0.0 };
    let seconds = props.elapsed_ms / 1000.0;
    let rate = if seconds > 0.2 { format!(" · {}/s", megabytes(props.bytes / seconds)) } else { String::new() };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <section class="card csv-progress" data-testid="csv-progress" aria-live="polite">
            <h2>{ "Evaluating…" }</h2>
            <progress max="1" value={fraction.to_string()} aria-label="Share of the file read"></progress>
            <p class="muted">
                { format!("{} of {} · {} rows{rate}", megabytes(props.bytes), megabytes(props.total_bytes), group_thousands(props.rows)) }
            </p>
            <button type="button" class="secondary" data-testid="cancel" onclick={on_cancel}>{ "Cancel" }</button>
        </section>
    }
}
