#!/usr/bin/env bash
# Idempotent set-up for `make serve` / `make test`: installs only what is missing.
# Usage: scripts/bootstrap.sh [rust] [wasm] [browser] [node] [sql] [fuzz]
# (no argument: all but fuzz, which only `make fuzz` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate in Cargo.lock
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than 1.95
CARGO_FUZZ_VERSION=0.13.1
SQLGLOT_VERSION=30.31.0        # parses toSql's query in each warehouse dialect (tests/sql)

want() { [ $# -eq 0 ] && return 0; for w in "${WANTS[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANTS=("$@")
[ ${#WANTS[@]} -eq 0 ] && WANTS=(rust wasm browser node sql)
log() { printf '[bootstrap] %s\n' "$*" >&2; }

if want rust || want wasm; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  for component in clippy rustfmt; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "adding rustup component $component (make test's lint gate)"
      rustup component add "$component"
    fi
  done
fi

if want wasm; then
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 min)"
    # no --locked: its lock file pins a crate version the registry here lacks
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    log "installing trunk $TRUNK_VERSION (about 7 min)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi
fi

if want browser; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Debian chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  fi
fi

if want sql; then
  # PostgreSQL for the warehouse round trip (tests/node/warehouse.test.mjs starts a throwaway cluster)
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing Debian postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  # sqlglot in a venv of the repo (.venv, git-ignored) for the dialect parse checks
  if [ "$(.venv/bin/python -c 'import sqlglot; print(sqlglot.__version__)' 2>/dev/null)" != "$SQLGLOT_VERSION" ]; then
    log "installing sqlglot $SQLGLOT_VERSION into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q "sqlglot==$SQLGLOT_VERSION"
  fi
fi

if want fuzz; then
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
  fi
fi

if want node; then
  # package-lock.json pins every tool (binaryen, playwright-core, typescript, papaparse)
  if [ -L node_modules ]; then
    # a worktree sharing another checkout's node_modules: npm ci would empty the shared copy
    log "node_modules is a link to $(readlink node_modules): left as it is"
  elif [ ! -f node_modules/.bootstrap-stamp ] || [ package-lock.json -nt node_modules/.bootstrap-stamp ]; then
    log "installing npm dev tools"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.bootstrap-stamp
  fi
fi
