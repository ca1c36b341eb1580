"""Parses toSql's queries with sqlglot, each in its own dialect (strict: any parse
error fails). Input on stdin: JSON [{"dialect": ..., "sql": ...}]; prints one line
per query with the parsed statement's type and its output columns.
sqlglot is pinned by scripts/bootstrap.sh (SQLGLOT_VERSION) in .venv."""
import json
import sys

import sqlglot
from sqlglot.errors import ErrorLevel

out = []
for q in json.load(sys.stdin):
    trees = sqlglot.parse(q["sql"], read=q["dialect"], error_level=ErrorLevel.RAISE)
    assert len(trees) == 1, f"{q['dialect']}: {len(trees)} statements"
    tree = trees[0]
    out.append({"dialect": q["dialect"], "type": type(tree).__name__, "columns": tree.named_selects,
                "ctes": [c.alias for c in tree.find_all(sqlglot.exp.CTE)]})
print(json.dumps({"sqlglot": sqlglot.__version__, "parsed": out}))
