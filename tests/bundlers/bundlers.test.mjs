// The packed package as an app would use it: `npm pack pkg/` is installed (offline:
// the tarball has no dependencies) into a temporary project, bundled with esbuild,
// webpack 5, Vite and Rollup (the root's own copies, run against that project), or
// loaded unbundled by a plain <script type="module">; each page is loaded in
// headless Chromium, which must show the numbers Node gives. Vitest runs a test
// file of that project in Node against the installed tarball.
// The recipes are the README's ("Bundlers").
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as node from "kpilab";
import { serveStatic, launchBrowser, recordForeignRequests } from "../browser/harness.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const bin = (p) => join(ROOT, "node_modules", p);
let work, browser;
const servers = []; // closed after the browser: its keep-alive connections hold them open

const PLAN = { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.1 };
const ANALYZE = {
  metric: "proportion",
  variants: [
    { name: "control", users: 10000, conversions: 500 },
    { name: "new-checkout", users: 10000, conversions: 560 },
  ],
};
const CSV = "variant,converted\n" + Array.from({ length: 400 }, (_, i) => `${i % 2 ? "B" : "A"},${i % 7 === 0 ? 1 : 0}`).join("\n") + "\n";
const CONFIG = { variantColumn: "variant", kpis: [{ name: "Conversion", role: "primary", kind: "conversion", column: "converted" }] };

// what every page computes, once kpilab is ready
const body = `
  const out = {
    users: planSampleSize(${JSON.stringify(PLAN)}).usersPerVariant[0],
    pValue: analyze(${JSON.stringify(ANALYZE)}).comparisons[0].pValue,
    evaluation: evaluateCsv(${JSON.stringify(CSV)}, ${JSON.stringify(CONFIG)}),
  };
  try { analyze({ metric: "proportion", variants: [] }); } catch (e) { out.error = e instanceof KpilabError ? e.toJSON() : String(e); }
  document.getElementById("out").textContent = JSON.stringify(out);`;
const apps = {
  // the README's recipes
  web: `import init, { planSampleSize, analyze, evaluateCsv, KpilabError } from "kpilab";
init().then(() => {${body}
});`,
  esbuild: `import init, { planSampleSize, analyze, evaluateCsv, KpilabError } from "kpilab";
import wasmUrl from "kpilab/kpilab_wasm_bg.wasm"; // esbuild --loader:.wasm=file copies it and gives its URL
init({ module_or_path: new URL(wasmUrl, import.meta.url) }).then(() => {${body}
});`,
  bundler: `import { planSampleSize, analyze, evaluateCsv, KpilabError } from "kpilab/bundler";
{${body}
}`,
};
// a page with no bundler: the unpacked tarball's web build by relative path
apps.plain = apps.web.replace('from "kpilab"', 'from "./node_modules/kpilab/web.mjs"');
const html = (script) => `<!doctype html><meta charset="utf-8"><title>kpilab</title><link rel="icon" href="data:,"><pre id="out"></pre><script type="module" src="${script}"></script>\n`;

function project(name, app) {
  const dir = join(work, name);
  mkdirSync(join(dir, "src"), { recursive: true });
  cpSync(join(work, "base", "node_modules"), join(dir, "node_modules"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  writeFileSync(join(dir, "src", "main.js"), apps[app]);
  return dir;
}

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });

before(async () => {
  work = mkdtempSync(join(tmpdir(), "kpilab-bundlers-"));
  const packed = JSON.parse(run("npm", ["pack", join(ROOT, "pkg"), "--pack-destination", work, "--json"], ROOT))[0];
  const wasmFiles = packed.files.filter((f) => f.path.endsWith(".wasm"));
  // one .wasm, shared by the Node, web and bundler builds (scripts/build-pkg.sh)
  assert.deepEqual(wasmFiles.map((f) => f.path), ["bundler/kpilab_wasm_bg.wasm"]);
  const base = join(work, "base");
  mkdirSync(base);
  writeFileSync(join(base, "package.json"), JSON.stringify({ name: "base", private: true }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", join(work, packed.filename)], base);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const expected = {
  users: 14751,
  pValue: node.analyze(ANALYZE).comparisons[0].pValue,
  evaluation: node.evaluateCsv(CSV, CONFIG),
};

async function check(dist) {
  const server = await serveStatic(dist);
  servers.push(server);
  const page = await browser.context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  const foreign = recordForeignRequests(page, server.origin);
  try {
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => document.getElementById("out")?.textContent, null, { timeout: 15000 }).catch(() => {
      throw new Error(`the page computed nothing: ${problems.join("; ")}`);
    });
    const out = JSON.parse(await page.textContent("#out"));
    assert.deepEqual(problems, []);
    assert.equal(out.users, 14751);
    assert.equal(out.pValue, expected.pValue);
    assert.deepEqual(out.evaluation, JSON.parse(JSON.stringify(expected.evaluation)));
    assert.equal(out.error?.name, "KpilabError");
    assert.equal(out.error?.code, "INVALID_INPUT");
    assert.deepEqual(foreign, []);
  } finally {
    await page.close();
  }
}

test("esbuild: the web build, with the .wasm copied by the file loader", async () => {
  const dir = project("esbuild-app", "esbuild");
  writeFileSync(join(dir, "index.html"), html("./main.js"));
  mkdirSync(join(dir, "dist"));
  cpSync(join(dir, "index.html"), join(dir, "dist", "index.html"));
  run(bin(".bin/esbuild"), ["src/main.js", "--bundle", "--format=esm", "--loader:.wasm=file", "--outfile=dist/main.js", "--log-level=warning"], dir);
  assert.equal(readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".wasm")).length, 1);
  await check(join(dir, "dist"));
});

const webpackConfig = (extra = "") => `module.exports = {
  mode: "production",
  entry: "./src/main.js",
  output: { path: require("node:path").resolve(__dirname, "dist"), clean: true },
  ${extra}
};`;

for (const [app, extra] of [
  ["web", ""],
  ["bundler", "experiments: { asyncWebAssembly: true },"],
]) {
  test(`webpack 5 (production): ${app === "web" ? '"kpilab" with init()' : '"kpilab/bundler" with asyncWebAssembly'}`, async () => {
    const dir = project(`webpack-${app}`, app);
    writeFileSync(join(dir, "webpack.config.cjs"), webpackConfig(extra));
    run("node", [bin("webpack-cli/bin/cli.js"), "--config", "webpack.config.cjs", "--no-stats"], dir);
    writeFileSync(join(dir, "dist", "index.html"), html("./main.js"));
    await check(join(dir, "dist"));
  });
}

test('Vite: "kpilab" with init()', async () => {
  const dir = project("vite-web", "web");
  writeFileSync(join(dir, "index.html"), html("/src/main.js"));
  run(bin(".bin/vite"), ["build", "--logLevel", "warn"], dir);
  await check(join(dir, "dist"));
});

test('Rollup: "kpilab" with init(), node-resolve (browser) and import-meta-assets for the .wasm', async () => {
  const dir = project("rollup-web", "web");
  writeFileSync(
    join(dir, "rollup.config.mjs"),
    `import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";
export default { input: "src/main.js", output: { dir: "dist", format: "es" }, plugins: [nodeResolve({ browser: true }), importMetaAssets()] };
`,
  );
  // the root's plugins for the config's imports (linked: their own dependencies resolve from the root)
  for (const scope of ["@rollup", "@web"]) symlinkSync(join(ROOT, "node_modules", scope), join(dir, "node_modules", scope));
  run("node", [bin("rollup/dist/bin/rollup"), "-c", "rollup.config.mjs", "--silent"], dir);
  assert.equal(readdirSync(join(dir, "dist"), { recursive: true }).filter((f) => f.endsWith(".wasm")).length, 1);
  writeFileSync(join(dir, "dist", "index.html"), html("./main.js"));
  await check(join(dir, "dist"));
});

test("a plain <script type=\"module\">: the unpacked web build by relative path, no bundler", async () => {
  const dir = project("plain-script", "plain");
  writeFileSync(join(dir, "index.html"), html("./main.js"));
  cpSync(join(dir, "src", "main.js"), join(dir, "main.js"));
  await check(dir);
});

test("Vitest (Node): the README's browser code runs unchanged (no-op init) and gives Node's numbers", () => {
  const dir = project("vitest-app", "web");
  writeFileSync(
    join(dir, "kpilab.test.js"),
    `import { test, expect } from "vitest";
import init, { planSampleSize, analyze, evaluateCsv, KpilabError } from "kpilab";
test("kpilab in vitest", async () => {
  await init();
  expect(planSampleSize(${JSON.stringify(PLAN)}).usersPerVariant[0]).toBe(14751);
  expect(analyze(${JSON.stringify(ANALYZE)}).comparisons[0].pValue).toBe(${JSON.stringify(expected.pValue)});
  expect(JSON.parse(JSON.stringify(evaluateCsv(${JSON.stringify(CSV)}, ${JSON.stringify(CONFIG)})))).toEqual(${JSON.stringify(JSON.parse(JSON.stringify(expected.evaluation)))});
  let error;
  try { analyze({ metric: "proportion", variants: [] }); } catch (e) { error = e; }
  expect(error instanceof KpilabError).toBe(true);
  expect(error.toJSON().code).toBe("INVALID_INPUT");
});
`,
  );
  const out = run("node", [bin("vitest/vitest.mjs"), "run", "--root", dir, "--reporter", "verbose"], dir);
  assert.match(out, /kpilab in vitest/);
  assert.match(out, /1 passed/);
});
