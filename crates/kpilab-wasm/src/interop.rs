//! The one place where JS values become core types and back.

use kpilab_core::{ErrorCode, KpilabError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A JS `Error` named `KpilabError` carrying `code` and `field`; the package's
/// `KpilabError` class recognises it with `instanceof` (Symbol.hasInstance).
pub fn to_js_error(e: KpilabError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("KpilabError");
    // Reflect::set on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(&err, &"field".into(), &e.field.into());
    err.into()
}

/// Deserializes a JS input. Semantic errors get their field path from the core;
/// for a value of the wrong type, serde's message quotes the value
/// (`invalid type: string "many", expected f64`), so the path is found by locating
/// that value in the input (cheaper in wasm size than tracking paths while parsing).
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Err(to_js_error(KpilabError::invalid("", format!("{what} is required: pass an object"))));
    }
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| input_error(&value, &e.to_string(), what))
}

/// Not generic, so that one copy serves every input type.
#[inline(never)]
fn input_error(value: &JsValue, text: &str, what: &str) -> JsValue {
    // serde-wasm-bindgen's errors wrap a JS Error whose text starts with "Error: ".
    let text = text.strip_prefix("Error: ").unwrap_or(text);
    let field = culprit_path(value, text).unwrap_or_default();
    let message = format!("{}: {text}", if field.is_empty() { what } else { &field });
    to_js_error(KpilabError::new(ErrorCode::InvalidInput, field, message))
}

/// The path of the input value a serde error message complains about, if it names one.
fn culprit_path(input: &JsValue, message: &str) -> Option<String> {
    if let Some(name) = between(message, "missing field `", "`") {
        return Some(name.to_string());
    }
    let quoted = between(message, "string \"", "\"").or_else(|| between(message, "variant `", "`"));
    let literal = between(message, "floating point `", "`").or_else(|| between(message, "integer `", "`"));
    let matches = |leaf: &JsValue| match (quoted, literal) {
        (Some(s), _) => leaf.as_string().is_some_and(|v| v == s),
        (None, Some(n)) => leaf.as_f64().is_some_and(|v| n.parse::<f64>() == Ok(v)),
        (None, None) => message.contains("boolean") && leaf.as_bool().is_some(),
    };
    find_leaf(input, &matches, String::new())
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = &text[text.find(open)? + open.len()..];
    Some(&rest[..rest.find(close)?])
}

/// Depth-first search for the first leaf satisfying `matches`, as `a.b[2].c`.
fn find_leaf(value: &JsValue, matches: &dyn Fn(&JsValue) -> bool, path: String) -> Option<String> {
    if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        return array.iter().enumerate().find_map(|(i, v)| find_leaf(&v, matches, format!("{path}[{i}]")));
    }
    if value.is_object() {
        let entries = js_sys::Object::entries(value.unchecked_ref());
        return entries.iter().find_map(|entry| {
            let pair: js_sys::Array = entry.unchecked_into();
            let key = pair.get(0).as_string()?;
            let child = if path.is_empty() { key } else { format!("{path}.{key}") };
            find_leaf(&pair.get(1), matches, child)
        });
    }
    matches(value).then_some(path)
}

/// Serializes an output as plain JSON-like objects (`null`, never `undefined` or `Map`).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| to_js_error(KpilabError::invalid("", format!("could not build the result: {e}"))))
}

/// Core result → JS value or thrown `KpilabError`.
pub fn output<T: Serialize>(r: kpilab_core::Result<T>) -> Result<JsValue, JsValue> {
    to_js(&r.map_err(to_js_error)?)
}

/// Bytes copied from JS memory per step: small enough to stay in cache while the
/// scan reads them, and the wasm heap never holds the whole file.
const COPY_CHUNK: u32 = 1 << 20;

/// Calls `push` with the bytes of `data` (`string | Uint8Array`), in order, one
/// reused buffer at a time.
pub fn stream_bytes(data: &JsValue, mut push: impl FnMut(&[u8]) -> Result<(), JsValue>) -> Result<(), JsValue> {
    if let Some(s) = data.as_string() {
        return push(s.as_bytes());
    }
    let Some(array) = data.dyn_ref::<js_sys::Uint8Array>() else {
        return Err(to_js_error(KpilabError::invalid("data", "data must be a string or a Uint8Array of the CSV file")));
    };
    let len = array.length();
    let mut buf = vec![0; COPY_CHUNK.min(len) as usize];
    let mut start = 0;
    while start < len {
        let end = len.min(start + COPY_CHUNK);
        let chunk = &mut buf[..(end - start) as usize];
        array.subarray(start, end).copy_to(chunk);
        push(chunk)?;
        start = end;
    }
    Ok(())
}
