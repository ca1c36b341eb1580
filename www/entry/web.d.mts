export * from "./web/kpilab_wasm.js";
export { default, default as init } from "./web/kpilab_wasm.js";
export { KpilabError } from "./error.js";
export type { KpilabErrorJSON } from "./error.js";
