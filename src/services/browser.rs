//! The address bar and downloads: the small browser APIs the app touches. Each degrades quietly
//! (returns "" / false) instead of panicking: a panic would kill the wasm module.

use gloo::file::{Blob, ObjectUrl};
use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};

/// The page's query string including '?', or "".
pub fn location_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// The full address of the page (the permalink).
pub fn page_url() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}

/// Puts `query` in the address bar without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let url = if query.is_empty() { path } else { format!("{path}?{query}") };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Offers `content` as a file download through a Blob URL (nothing leaves the page).
pub fn download(filename: &str, mime: &str, content: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(anchor) = document.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    let url = ObjectUrl::from(Blob::new_with_options(content, Some(mime)));
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    // Revoke later: the download may still be reading the Blob after click() returns.
    Timeout::new(60_000, move || drop(url)).forget();
    true
}
