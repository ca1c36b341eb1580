# kpilab: `make serve` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export NO_PROXY := 127.0.0.1,localhost
BOOTSTRAP := scripts/bootstrap.sh
PORT ?= 8080

.PHONY: all bootstrap serve dist pkg test test-lint test-rust test-node test-types test-browser test-bundlers bench fuzz clean

all: test

bootstrap:
	$(BOOTSTRAP)

## The web app, built by Trunk into dist/ and served on http://127.0.0.1:$(PORT)
dist:
	$(BOOTSTRAP) wasm node
	cargo fetch --target wasm32-unknown-unknown
	trunk build --release
	@scripts/size-report.sh dist

serve: dist
	@echo "kpilab on http://127.0.0.1:$(PORT)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

## The npm package `kpilab` in pkg/
pkg:
	$(BOOTSTRAP) wasm node
	scripts/build-pkg.sh

## Every test: Rust (golden cases, units, properties), Node SDK, TypeScript, browser
test: bootstrap test-lint test-rust pkg test-node test-types test-bundlers dist test-browser

## Style and lint gates: rustfmt.toml's format, clippy with every warning an error
test-lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo test --workspace

test-node:
	node --test tests/node/

test-types:
	tsc -p tests/types/tsconfig.json
	@echo "types: usage example compiles, every marked mistake is a compile error"

test-browser:
	node --test --test-concurrency=1 tests/browser/

## The packed tarball bundled by esbuild, webpack 5 and Vite and run in Chromium; publint and attw on pkg/
test-bundlers:
	publint pkg
	attw --pack pkg --profile node16 --exclude-entrypoints kpilab_wasm_bg.wasm --ignore-rules cjs-resolves-to-esm
	node --test --test-concurrency=1 tests/bundlers/

## Throughput against PapaParse, pandas and polars; peak memory of streaming 1 GB;
## the app, the SDK and DuckDB-wasm in headless Chromium (BENCH_BROWSER_MB, default 400)
bench: pkg dist
	node bench/run.mjs

## Each fuzz target for FUZZ_SECONDS (default 60); crashers go to fuzz/artifacts/
FUZZ_SECONDS ?= 60
fuzz:
	$(BOOTSTRAP) fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf dist pkg target/wasm32-unknown-unknown
