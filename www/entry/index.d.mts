export * from "./node/kpilab_wasm.js";
export { KpilabError } from "./error.js";
