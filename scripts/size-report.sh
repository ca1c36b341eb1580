#!/usr/bin/env bash
# Prints the raw and gzipped size of everything a first load of the site fetches.
set -euo pipefail
dir=${1:-dist}
raw=0; gz=0
while IFS= read -r -d '' f; do
  r=$(stat -c %s "$f"); g=$(gzip -9 -c "$f" | wc -c)
  raw=$((raw + r)); gz=$((gz + g))
  printf '  %-48s %9d raw %9d gzipped\n' "${f#$dir/}" "$r" "$g"
done < <(find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -print0 | sort -z)
echo "first load: $raw bytes raw, $gz bytes gzipped (budget 614400)"
[ "$gz" -le 614400 ] || { echo "site over the 600 KB gzipped budget" >&2; exit 1; }
