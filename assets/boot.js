// Starts the kpilab app. Trunk's default loader is an inline script; this file
// replaces it (Trunk.toml `pattern_script`) so the page's CSP can forbid inline
// scripts outright. The hashed file names come from the script tag's data-*.
const tag = document.querySelector("script[data-kpilab-wasm]");
const { default: init } = await import(new URL(tag.dataset.kpilabJs, document.baseURI).href);
await init({ module_or_path: new URL(tag.dataset.kpilabWasm, document.baseURI) });

// Offline after one visit: sw.js caches this build. A failure (e.g. a file:// page) only
// means no offline copy, so it is not an error.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(new URL("sw.js", document.baseURI)).catch(() => {});
}
