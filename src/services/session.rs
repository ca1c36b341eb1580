//! The tab's session storage (kept across Plan and Evaluate, gone when the tab closes).
//! Degrades quietly: no storage (privacy mode, a sandbox) just means nothing is kept.

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The text stored under `key`, if any.
pub fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// Stores `value` under `key` (a full storage quietly keeps the old value).
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}
