//! The xlsx worker (Trunk's second worker link in index.html): fetched only when an
//! .xlsx is chosen, it turns one sheet into CSV bytes (kpilab_app::services::xlsx,
//! calamine) and hands them back; the page then previews and evaluates them as any
//! CSV. Messages: the page sends `[name, bytes, sheet?]`; the worker answers
//! `{ ready: true }` once, then `{ sheets, sheet, csv }` or `{ error }` per job.

use js_sys::{Array, Object, Reflect, Uint8Array};
use kpilab_app::services::xlsx::sheet_to_csv;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let answer = match convert(event.data()) {
            Ok(answer) => answer,
            Err(message) => object(&[("error", message.into())]),
        };
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}

fn convert(request: JsValue) -> Result<JsValue, String> {
    let request: Array = request.dyn_into().map_err(|_| "The page sent the xlsx worker a malformed job.")?;
    let name = request.get(0).as_string().unwrap_or_default();
    let bytes: Uint8Array = request.get(1).dyn_into().map_err(|_| "The page sent no workbook.")?;
    let sheet = request.get(2).as_string();
    let read = sheet_to_csv(&name, &bytes.to_vec(), sheet.as_deref())?;
    let sheets: Array = read.sheets.iter().map(|s| JsValue::from_str(s)).collect();
    let csv = Uint8Array::from(read.csv.as_slice());
    Ok(object(&[("sheets", sheets.into()), ("sheet", read.sheet.into()), ("csv", csv.into())]))
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o.into()
}
