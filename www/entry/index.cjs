// Node (CommonJS): the wasm module loads synchronously on require; no init call.
// `init`/`initSync`/`default` are no-ops, so browser-style code runs unchanged.
"use strict";
const wasm = require("./node/kpilab_wasm.js");
const { KpilabError } = require("./error.cjs");
const { wrapAll } = require("./wrap.cjs");
const init = async function init(_options) {};
const initSync = function initSync(_options) {};
module.exports = { ...wrapAll(wasm), KpilabError, init, initSync, default: init };
