//! Reading files on the page: the head of a chosen CSV for its preview, a plan
//! file's text, and the sample data shipped next to index.html. Nothing leaves the page.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

use crate::models::csv_preview::PREVIEW_BYTES;

/// The sample data set, shipped next to index.html and fetched only on click.
pub const SAMPLE_URL: &str = "sample.csv";

/// The file's first `PREVIEW_BYTES`, for the preview.
pub async fn read_head(blob: &Blob) -> Result<Vec<u8>, String> {
    let head =
        blob.slice_with_f64_and_f64(0.0, PREVIEW_BYTES).map_err(|_| "The file could not be read.".to_string())?;
    let buffer = JsFuture::from(head.array_buffer()).await.map_err(|_| "The file could not be read.".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The sample data, fetched from next to index.html.
pub async fn fetch_sample() -> Result<Blob, String> {
    let window = web_sys::window().ok_or("No window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(SAMPLE_URL))
        .await
        .map_err(|_| "The sample data could not be loaded.")?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("The sample data could not be loaded (HTTP {}).", response.status()));
    }
    let blob = response.blob().map_err(|_| "The sample data could not be read.")?;
    Ok(JsFuture::from(blob).await.map_err(|_| "The sample data could not be read.")?.unchecked_into())
}

/// A small text file (the plan file), or None when it cannot be read.
pub async fn read_text(file: &File) -> Option<String> {
    JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string())
}
