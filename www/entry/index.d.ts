export * from "./node/kpilab_wasm.js";
export { KpilabError } from "./error.js";
export type { KpilabErrorJSON } from "./error.js";
/** A no-op here (the wasm module is already loaded), so browser-style `await init()` code runs unchanged. */
export declare function init(options?: unknown): Promise<void>;
/** A no-op here (the wasm module is already loaded). */
export declare function initSync(options?: unknown): void;
