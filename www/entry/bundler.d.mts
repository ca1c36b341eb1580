export * from "./bundler/kpilab_wasm.js";
export { KpilabError } from "./error.js";
