#!/usr/bin/env bash
# Prints the raw and gzipped size of what the site fetches, in three parts, each
# against its own budget:
# - first load: what the page needs before it can be used (html, boot.js, the
#   page's js + wasm, css);
# - the CSV worker (worker*.js/.wasm): the page starts it only when the Evaluate
#   view reads a file, opens a shared link or shows a warehouse query
#   (services/csv_job.rs, services/aggregates_job.rs);
# - the xlsx worker (xlsx_worker*): started only when an .xlsx is chosen.
# The service worker (assets/sw.js) caches all three in the background once the
# page has loaded, so the site works offline after one visit; that total is printed too.
set -euo pipefail
dir=${1:-dist}
declare -A budget=([first]=512000 [csv]=307200 [xlsx]=409600)   # 500, 300, 400 KB gzipped
declare -A title=([first]="first load" [csv]="CSV worker (on demand, when a CSV is chosen)" [xlsx]="xlsx worker (on demand, when an .xlsx is chosen)")
declare -A raw=([first]=0 [csv]=0 [xlsx]=0) gz=([first]=0 [csv]=0 [xlsx]=0) lines=([first]="" [csv]="" [xlsx]="")
while IFS= read -r -d '' f; do
  r=$(stat -c %s "$f"); g=$(gzip -9 -c "$f" | wc -c)
  case "${f##*/}" in
    xlsx_worker*) part=xlsx ;;
    worker*) part=csv ;;
    *) part=first ;;
  esac
  raw[$part]=$((raw[$part] + r)); gz[$part]=$((gz[$part] + g))
  lines[$part]+=$(printf '  %-48s %9d raw %9d gzipped' "${f#$dir/}" "$r" "$g")$'\n'
done < <(find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -print0 | sort -z)
over=0
for part in first csv xlsx; do
  printf '%s' "${lines[$part]}"
  echo "${title[$part]}: ${raw[$part]} bytes raw, ${gz[$part]} bytes gzipped (budget ${budget[$part]})"
  if [ "${gz[$part]}" -gt "${budget[$part]}" ]; then echo "${title[$part]} is over its budget" >&2; over=1; fi
done
echo "cached for offline use: $((gz[first] + gz[csv] + gz[xlsx])) bytes gzipped"
exit $over
