//! Reading an .xlsx on the page: the whole file goes to the xlsx worker
//! (src/bin/xlsx_worker.rs, started here, so its wasm is fetched only now), which
//! answers with one sheet as CSV bytes and the names of all sheets. The worker is
//! ended as soon as it has answered.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};

/// The loader Trunk writes for the xlsx worker binary (`data-loader-shim`), next to index.html.
const XLSX_WORKER_SCRIPT: &str = "./xlsx_worker_loader.js";

/// One sheet of the workbook, as CSV.
#[derive(Clone, PartialEq)]
pub struct ConvertedSheet {
    pub sheets: Vec<String>,
    pub sheet: String,
    pub csv: Blob,
}

/// `sheet` (default: the first) of the workbook `file`, as a CSV blob.
pub async fn convert(name: &str, file: &Blob, sheet: Option<&str>) -> Result<ConvertedSheet, String> {
    let unreadable = || format!("\u{201c}{name}\u{201d} could not be read.");
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| unreadable())?;
    let request =
        Array::of3(&name.into(), &Uint8Array::new(&buffer), &sheet.map(JsValue::from_str).unwrap_or_default());
    let worker =
        Worker::new(XLSX_WORKER_SCRIPT).map_err(|e| format!("The spreadsheet reader could not start: {e:?}"))?;
    // Kept alive until the answer: the handlers live in the promise's closure.
    let handlers: Rc<RefCell<Vec<Box<dyn std::any::Any>>>> = Rc::default();
    let promise = {
        let (worker, handlers) = (worker.clone(), handlers.clone());
        Promise::new(&mut move |resolve, reject| {
            let on_message = {
                let (worker, reject, request) = (worker.clone(), reject.clone(), request.clone());
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    let data = event.data();
                    if Reflect::get(&data, &"ready".into()).is_ok_and(|r| r.is_truthy()) {
                        if let Err(e) = worker.post_message(&request) {
                            let _ = reject
                                .call1(&JsValue::NULL, &format!("The workbook could not be handed over: {e:?}").into());
                        }
                    } else {
                        let _ = resolve.call1(&JsValue::NULL, &data);
                    }
                })
            };
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                let _ = reject
                    .call1(&JsValue::NULL, &format!("The spreadsheet reader stopped: {}", event.message()).into());
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            handlers.borrow_mut().push(Box::new(on_message));
            handlers.borrow_mut().push(Box::new(on_error));
        })
    };
    let answer = JsFuture::from(promise).await;
    worker.terminate();
    drop(handlers);
    let answer = answer.map_err(|e| e.as_string().unwrap_or_else(unreadable))?;
    let field = |key: &str| Reflect::get(&answer, &key.into()).unwrap_or_default();
    if let Some(error) = field("error").as_string() {
        return Err(error);
    }
    let sheets: Vec<String> = field("sheets")
        .dyn_into::<Array>()
        .map(|a| a.iter().filter_map(|s| s.as_string()).collect())
        .unwrap_or_default();
    let csv: Uint8Array = field("csv").dyn_into().map_err(|_| unreadable())?;
    let parts = Array::of1(&csv);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let csv = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| unreadable())?;
    Ok(ConvertedSheet { sheets, sheet: field("sheet").as_string().unwrap_or_default(), csv })
}
