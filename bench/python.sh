#!/usr/bin/env bash
# pandas (+ scipy) and polars (2 threads) on the bench file, in a venv from PyPI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/out/venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pandas, scipy, polars" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q pandas==2.2.3 scipy==1.14.1 polars==1.12.0 >&2
fi
POLARS_MAX_THREADS=2 "$venv/bin/python" "$here/contenders.py" "$1"
