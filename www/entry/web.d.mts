export * from "./web/kpilab_wasm.js";
export { default } from "./web/kpilab_wasm.js";
export { KpilabError } from "./error.js";
