// Bundlers with WebAssembly ES-module integration (webpack `experiments.asyncWebAssembly`): no init call.
export * from "./bundler/kpilab_wasm.js";
export { KpilabError } from "./error.mjs";
