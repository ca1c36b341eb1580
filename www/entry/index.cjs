// Node (CommonJS): the wasm module loads synchronously on require; no init call.
"use strict";
const wasm = require("./node/kpilab_wasm.js");
const { KpilabError } = require("./error.cjs");
module.exports = { ...wasm, KpilabError };
