// Starts the kpilab app. Trunk's default loader is an inline script; this file
// replaces it (Trunk.toml `pattern_script`) so the page's CSP can forbid inline
// scripts outright. The hashed file names come from the script tag's data-*.
const tag = document.querySelector("script[data-kpilab-wasm]");
const { default: init } = await import(new URL(tag.dataset.kpilabJs, document.baseURI).href);
await init({ module_or_path: new URL(tag.dataset.kpilabWasm, document.baseURI) });
