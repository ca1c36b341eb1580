//! "Share results" links (SDK.md §6): the config and the run's aggregates, never a
//! data row, in the address's `#` fragment (browsers never send it to a server):
//! `#share=v1.<base64url of deflate-raw of the JSON {"config": …, "aggregates": "<CSV>"}>`.
//!
//! The version comes first, so a later format can change anything after it and an
//! older build says so instead of misreading it. Compression is the browser's own
//! `CompressionStream("deflate-raw")` (no compressor in the page's wasm); the text
//! steps (version, base64url) are pure and tested natively. The JSON is the
//! browser's too, and the config stays a JS object the worker reads (its serde
//! code is already in the worker): no second config parser in the page's wasm.

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use kpilab_core::evaluate::EvalConfig;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStream, ReadableStreamDefaultReader};

/// The fragment's key.
const KEY: &str = "share=";
/// The version this build writes and reads.
const VERSION: &str = "v1";
/// A link's JSON is a few KB; a damaged or hostile one may not inflate past this.
const MAX_JSON_BYTES: usize = 4 << 20;

/// What a link carries: enough for `evaluate_aggregates` to give the same page.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedResult {
    /// The EvalConfig as a plain JS object (as the worker reads it).
    pub config: JsValue,
    /// `Aggregates::to_csv` of the run (or a warehouse query's result).
    pub aggregates: String,
}

/// True when `hash` (location.hash, with or without '#') is a shared link.
pub fn is_share_fragment(hash: &str) -> bool {
    hash.trim_start_matches('#').starts_with(KEY)
}

/// `#share=v1.…` for the compressed payload.
pub fn fragment(compressed: &[u8]) -> String {
    format!("#{KEY}{VERSION}.{}", base64url_encode(compressed))
}

/// The compressed payload of a `#share=…` fragment, or the reason it cannot be read.
pub fn payload_of(hash: &str) -> Result<Vec<u8>, String> {
    let rest = hash.trim_start_matches('#').strip_prefix(KEY).ok_or(DAMAGED)?;
    let (version, data) = rest.split_once('.').ok_or(DAMAGED)?;
    if version != VERSION {
        let newer = version.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n > 1);
        return Err(if newer {
            format!("This link was made by a newer kpilab (format {version}); this version reads {VERSION} links. Open it with the newer kpilab, or ask for a new link.")
        } else {
            DAMAGED.to_string()
        });
    }
    base64url_decode(data).ok_or_else(|| DAMAGED.to_string())
}

const DAMAGED: &str = "This share link is damaged or incomplete: it cannot be read. Copy the whole link again (it ends with the last character of the address), or ask for a new one.";

impl SharedResult {
    pub fn new(config: &EvalConfig, aggregates: String) -> SharedResult {
        SharedResult { config: config_object(config), aggregates }
    }

    /// Each KPI's name and kind, as the result cards want them.
    /// The config as the core's type, for the result page (the worker has checked it).
    pub fn eval_config(&self) -> Result<EvalConfig, String> {
        serde_wasm_bindgen::from_value(self.config.clone())
            .map_err(|e| format!("This share link's settings are unreadable: {e}"))
    }

    /// `{"config": …, "aggregates": "…"}`.
    pub fn to_json(&self) -> String {
        let payload = Object::new();
        let _ = Reflect::set(&payload, &"config".into(), &self.config);
        let _ = Reflect::set(&payload, &"aggregates".into(), &self.aggregates.as_str().into());
        JSON::stringify(&payload).ok().and_then(|t| t.as_string()).unwrap_or_default()
    }

    /// Reverses `to_json`; anything else (another shape, extra keys) is a damaged link.
    pub fn from_json(json: &[u8]) -> Result<SharedResult, String> {
        let text = std::str::from_utf8(json).map_err(|_| DAMAGED)?;
        let payload = JSON::parse(text).map_err(|_| DAMAGED)?;
        if !payload.is_object() || Object::keys(payload.unchecked_ref::<Object>()).length() != 2 {
            return Err(DAMAGED.into());
        }
        let config = Reflect::get(&payload, &"config".into()).map_err(|_| DAMAGED)?;
        let aggregates = Reflect::get(&payload, &"aggregates".into()).ok().and_then(|a| a.as_string());
        match (config.is_object(), aggregates) {
            (true, Some(aggregates)) => Ok(SharedResult { config, aggregates }),
            _ => Err(DAMAGED.into()),
        }
    }

    /// The link's fragment for this result (`#share=v1.…`).
    pub async fn to_fragment(&self) -> Result<String, String> {
        let compressed = transform(self.to_json().as_bytes(), Direction::Compress).await?;
        Ok(fragment(&compressed))
    }

    /// The result a `#share=…` fragment carries, or a message saying why not.
    pub async fn from_fragment(hash: &str) -> Result<SharedResult, String> {
        let compressed = payload_of(hash)?;
        let json = transform(&compressed, Direction::Decompress).await.map_err(|_| DAMAGED.to_string())?;
        SharedResult::from_json(&json)
    }
}

/// RFC 4648 §5 base64url, without padding (a fragment needs no escaping then).
pub fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Reverses `base64url_encode`; None for any other character or an impossible length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (value(c)? as u32) << (18 - 6 * i);
        }
        out.extend((0..chunk.len() - 1).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Some(out)
}

/// The config as the worker's job wants it (the CSV job's serializer: one copy in the wasm).
pub fn config_object(config: &EvalConfig) -> JsValue {
    serde_wasm_bindgen::to_value(config).unwrap_or(JsValue::NULL)
}

// CompressionStream and DecompressionStream: web-sys has them only behind its
// unstable-API flag, so the three calls used are declared here.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type Compressor;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<Compressor, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompressor;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<Decompressor, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// A ReadableStream, seen through the one method web-sys leaves out.
    type Piped;
    #[wasm_bindgen(method, js_name = pipeThrough, catch)]
    fn pipe_through(this: &Piped, transform: &JsValue) -> Result<ReadableStream, JsValue>;
}

#[derive(Clone, Copy)]
enum Direction {
    Compress,
    Decompress,
}

/// `bytes` through the browser's deflate-raw, at most `MAX_JSON_BYTES` out.
async fn transform(bytes: &[u8], direction: Direction) -> Result<Vec<u8>, String> {
    let fail = |_: JsValue| "This browser cannot compress the link (CompressionStream is missing).".to_string();
    let stream: JsValue = match direction {
        Direction::Compress => Compressor::new("deflate-raw").map_err(fail)?.into(),
        Direction::Decompress => Decompressor::new("deflate-raw").map_err(fail)?.into(),
    };
    let blob = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes))).map_err(fail)?;
    let out = blob.stream().unchecked_into::<Piped>().pipe_through(&stream).map_err(fail)?;
    let reader: ReadableStreamDefaultReader = out.get_reader().unchecked_into();
    let mut data = Vec::new();
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(|_| DAMAGED.to_string())?;
        if js_sys::Reflect::get(&step, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let chunk: Uint8Array = js_sys::Reflect::get(&step, &"value".into()).unwrap_or_default().unchecked_into();
        data.extend(chunk.to_vec());
        if data.len() > MAX_JSON_BYTES {
            let _ = reader.cancel();
            return Err(DAMAGED.to_string());
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        let bytes: Vec<u8> = (0..=255u8).rev().collect();
        for n in 0..40 {
            let text = base64url_encode(&bytes[..n]);
            assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{text}");
            assert_eq!(text.len(), (n * 4).div_ceil(3));
            assert_eq!(base64url_decode(&text).as_deref(), Some(&bytes[..n]));
        }
        // RFC 4648 §10 vectors, padding removed and in the URL alphabet.
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zm9vYg"), Some(b"foob".to_vec()));
        assert_eq!(base64url_decode("Zm9v+mFy"), None);
        assert_eq!(base64url_decode("Zm9vY"), None);
    }

    #[test]
    fn versioned_fragments() {
        assert!(is_share_fragment("#share=v1.AAAA"));
        assert!(is_share_fragment("share=v2.x"));
        assert!(!is_share_fragment("#main"));
        assert_eq!(fragment(b"fo"), "#share=v1.Zm8");
        assert_eq!(payload_of("#share=v1.Zm8"), Ok(b"fo".to_vec()));
        let newer = payload_of("#share=v2.Zm8").unwrap_err();
        assert!(newer.contains("newer kpilab") && newer.contains("v2"), "{newer}");
        for bad in ["#share=", "#share=v1", "#share=v1.Zm9vY", "#share=v1.a b", "#share=x.Zm8", "#share=v0.Zm8"] {
            assert_eq!(payload_of(bad), Err(DAMAGED.to_string()), "{bad}");
        }
    }
}
