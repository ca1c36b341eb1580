export * from "./bundler/kpilab_wasm.js";
export { KpilabError } from "./error.js";
export type { KpilabErrorJSON } from "./error.js";
/** A no-op here (the wasm module is already loaded), so browser-style `await init()` code runs unchanged. */
declare function init(options?: unknown): Promise<void>;
export default init;
export { init };
/** A no-op here (the wasm module is already loaded). */
export declare function initSync(options?: unknown): void;
