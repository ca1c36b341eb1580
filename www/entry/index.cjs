// Node (CommonJS): the wasm module loads synchronously on require; no init call.
// `init`/`initSync`/`default` are no-ops, so browser-style code runs unchanged.
"use strict";
const wasm = require("./node/kpilab_wasm.js");
const { KpilabError } = require("./error.cjs");
const { wrapAll } = require("./wrap.cjs");
const init = async function init(_options) {};
const initSync = function initSync(_options) {};
const api = wrapAll(wasm);
const evaluateFile = require("./file-node.cjs").makeEvaluateFile(api.CsvEvaluator, KpilabError);
module.exports = { ...api, evaluateFile, KpilabError, init, initSync, default: init };
