//! Where a CSV comes in: drop it, pick it, or try the sample data shipped with the
//! app. Nothing is uploaded: the file is read in this page (and its worker) only.

use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CsvDropProps {
    pub on_file: Callback<File>,
    pub on_sample: Callback<()>,
    /// The chosen file's name and size, once there is one.
    #[prop_or_default]
    pub chosen: Option<AttrValue>,
}

#[function_component(CsvDrop)]
pub fn csv_drop(props: &CsvDropProps) -> Html {
    let dragging = use_state(|| false);
    let on_change = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                on_file.emit(file);
            }
        })
    };
    let on_drop = {
        let (on_file, dragging) = (props.on_file.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)) {
                on_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default(); // allows the drop
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_sample = props.on_sample.reform(|_: MouseEvent| ());

    html! {
        <div class={classes!("drop-zone", dragging.then_some("dragging"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <label for="csv-file" class="drop-label">
                <strong>{ "Drop a CSV or .xlsx here or choose one" }</strong>
                <span class="muted">{ "One row per user (or per event with a user column). It stays on your computer." }</span>
            </label>
            <input type="file" id="csv-file" data-testid="csv-file" accept=".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onchange={on_change} />
            if let Some(chosen) = &props.chosen {
                <p class="chosen" data-testid="chosen-file">{ chosen.clone() }</p>
            }
            <p class="sample-line">
                { "No file at hand? " }
                <button type="button" class="link-button" data-testid="try-sample" onclick={on_sample}>{ "Try sample data" }</button>
            </p>
        </div>
    }
}
