#!/usr/bin/env bash
# Runs every cargo-fuzz target for $1 seconds (default 60), seeded with the
# checked-in corpus, and prints each target's executions. A crasher stops the run;
# minimise it and add it to fuzz/corpus-regressions/<target>/ so `make test` replays it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
for target in json_inputs csv_eval; do
  mkdir -p "corpus/$target"
  cp -n corpus-regressions/$target/* "corpus/$target/" 2>/dev/null || true
  log=$(mktemp)
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tee "$log" | grep -E "^#[0-9]+.*(pulse|DONE)|ERROR|panicked" || true
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  if grep -q "ERROR: libFuzzer" "$log"; then echo "$target: CRASH after $execs executions (see fuzz/artifacts/$target)"; exit 1; fi
  echo "$target: $execs executions in ${seconds}s, no crash"
done
