#!/usr/bin/env bash
# Prints the raw and gzipped size of everything a first load of the site fetches,
# then, apart, the xlsx worker (xlsx_worker*.js/.wasm: fetched only when an .xlsx
# is chosen, services/xlsx_job.rs) against its own budget.
set -euo pipefail
dir=${1:-dist}
FIRST_LOAD_BUDGET=614400   # 600 KB gzipped
XLSX_BUDGET=409600         # 400 KB gzipped, on demand
raw=0; gz=0; xraw=0; xgz=0; xlines=""
while IFS= read -r -d '' f; do
  r=$(stat -c %s "$f"); g=$(gzip -9 -c "$f" | wc -c)
  line=$(printf '  %-48s %9d raw %9d gzipped' "${f#$dir/}" "$r" "$g")
  case "${f##*/}" in
    xlsx_worker*) xraw=$((xraw + r)); xgz=$((xgz + g)); xlines+="$line"$'\n' ;;
    *) raw=$((raw + r)); gz=$((gz + g)); echo "$line" ;;
  esac
done < <(find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -print0 | sort -z)
echo "first load: $raw bytes raw, $gz bytes gzipped (budget $FIRST_LOAD_BUDGET)"
if [ -n "$xlines" ]; then
  printf '%s' "$xlines"
  echo "xlsx worker (on demand, when an .xlsx is chosen): $xraw bytes raw, $xgz bytes gzipped (budget $XLSX_BUDGET)"
fi
[ "$gz" -le "$FIRST_LOAD_BUDGET" ] || { echo "site over the 600 KB gzipped first-load budget" >&2; exit 1; }
[ "$xgz" -le "$XLSX_BUDGET" ] || { echo "xlsx worker over its 400 KB gzipped budget" >&2; exit 1; }
