#!/usr/bin/env bash
# Trunk post_build hook: writes the build id and the list of built files into the
# staged sw.js (see assets/sw.js), so the service worker caches exactly this build.
set -euo pipefail
cd "${TRUNK_STAGING_DIR:?run by trunk build}"
mapfile -t files < <(find . -type f ! -name sw.js -printf '%P\n' | LC_ALL=C sort)
build_id=$(for f in "${files[@]}"; do printf '%s\n' "$f"; cat -- "$f"; done | sha256sum | cut -c1-16)
list=$(printf '"%s",' "${files[@]}")
sed -i -e "s|^const BUILD_ID = \"dev\";|const BUILD_ID = \"${build_id}\";|" \
  -e "s|^const FILES = \[\];|const FILES = [${list%,}];|" sw.js
grep -q "BUILD_ID = \"${build_id}\"" sw.js
