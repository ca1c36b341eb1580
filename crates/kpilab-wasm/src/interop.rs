//! The one place where JS values become core types and back.

use kpilab_core::input_errors::{self, InputNode, Leaf};
use kpilab_core::KpilabError;
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
/// for a value of the wrong type or an unknown key, serde's message quotes the
/// value or the key (`invalid type: string "many", expected f64`), so the path is
/// found by locating it in the input (cheaper in wasm size than tracking paths
/// while parsing); `input_errors` words the message as the person typed it.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Err(to_js_error(KpilabError::invalid("", format!("{what} is required: pass an object"))));
    }
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| input_error(&value, &e.to_string(), what))
}

/// Not generic, so that one copy serves every input type. The words and the path
/// come from the core (`input_errors`, shared with native callers); this only
/// shows it the JS value.
#[inline(never)]
fn input_error(value: &JsValue, text: &str, what: &str) -> JsValue {
    // serde-wasm-bindgen's errors wrap a JS Error whose text starts with "Error: ".
    let text = text.strip_prefix("Error: ").unwrap_or(text);
    to_js_error(input_errors::input_error(&Js(value.clone()), text, what))
}

/// A JS input as the core's culprit search walks it.
struct Js(JsValue);

impl InputNode for Js {
    fn entries(&self) -> Option<Vec<(String, Js)>> {
        if !self.0.is_object() || self.0.is_instance_of::<js_sys::Array>() {
            return None;
        }
        let entries = js_sys::Object::entries(self.0.unchecked_ref());
        Some(
            entries
                .iter()
                .filter_map(|entry| {
                    let pair: js_sys::Array = entry.unchecked_into();
                    Some((pair.get(0).as_string()?, Js(pair.get(1))))
                })
                .collect(),
        )
    }

    fn items(&self) -> Option<Vec<Js>> {
        self.0.dyn_ref::<js_sys::Array>().map(|a| a.iter().map(Js).collect())
    }

    fn leaf(&self) -> Leaf {
        if let Some(s) = self.0.as_string() {
            Leaf::Str(s)
        } else if let Some(n) = self.0.as_f64() {
            Leaf::Num(n)
        } else if let Some(b) = self.0.as_bool() {
            Leaf::Bool(b)
        } else {
            Leaf::Other
        }
    }
}

/// Serializes an output as plain JSON-like objects (`null`, never `undefined` or `Map`).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| to_js_error(KpilabError::invalid("", format!("could not build the result: {e}"))))
}

/// As `to_js`, with bytes as one `Uint8Array` (a slice's per-user table: one
/// copy, where `json_compatible` would make an Array of one number per byte).
pub fn to_js_with_bytes<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false))
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
