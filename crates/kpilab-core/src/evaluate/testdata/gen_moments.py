"""Expected per-variant moments of the evaluateCsv golden cases, computed the
reference's way (csv module + math.fsum, users summed per userColumn like the
pandas groupby in kpilab_ref.evaluate_csv) without pandas. Writes golden_moments.json.
Run: python3 gen_moments.py /path/to/shared/reference/cases.json"""
import csv, io, json, math, sys

cases = [c for c in json.load(open(sys.argv[1])) if c["fn"] == "evaluateCsv"]
TRUE = {"true": 1.0, "false": 0.0}

def num(s, allow_bool):
    t = s.strip()
    if allow_bool and t.lower() in TRUE:
        return TRUE[t.lower()]
    return float(t)

out = {}
for c in cases:
    cfg, text = c["input"]["config"], c["input"]["data"]
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    header, recs = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    bool_cols = {k["column"] for k in cfg["kpis"] if k["kind"] == "conversion"}
    cols = {k[x] for k in cfg["kpis"] for x in ("column", "numerator", "denominator", "covariate") if k.get(x)}
    for r in recs:
        for col in cols:
            r[col] = num(r[col], col in bool_cols)
    seg_cols = cfg.get("segmentColumns", [])
    if cfg.get("userColumn"):
        users = {}
        for r in recs:
            u = users.setdefault(r[cfg["userColumn"]], {**r, **{col: 0.0 for col in cols}})
            for col in cols:
                u[col] += r[col]
        recs = list(users.values())
    vcol = cfg["variantColumn"]
    order = list(dict.fromkeys(r[vcol] for r in recs))
    groups = [("", "", recs)]
    for col in seg_cols:
        for val in dict.fromkeys(r[col] for r in recs):
            groups.append((col, val, [r for r in recs if r[col] == val]))
    res = []
    for col, val, rs in groups:
        g = {"column": col, "value": val, "kpis": []}
        for k in cfg["kpis"]:
            vs = []
            for name in order:
                sub = [r for r in rs if r[vcol] == name]
                v = {"name": name, "users": len(sub)}
                if k["kind"] == "conversion":
                    v["conversions"] = round(math.fsum(r[k["column"]] for r in sub))
                elif k["kind"] == "mean":
                    y = [r[k["column"]] for r in sub]
                    v["sum"], v["sumSquares"] = math.fsum(y), math.fsum(a * a for a in y)
                    if k.get("covariate"):
                        x = [r[k["covariate"]] for r in sub]
                        v["covariate"] = {"sum": math.fsum(x), "sumSquares": math.fsum(a * a for a in x),
                                          "crossSum": math.fsum(a * b for a, b in zip(x, y))}
                else:
                    a = [r[k["numerator"]] for r in sub]
                    b = [r[k["denominator"]] for r in sub]
                    v["numerator"] = {"sum": math.fsum(a), "sumSquares": math.fsum(p * p for p in a)}
                    v["denominator"] = {"sum": math.fsum(b), "sumSquares": math.fsum(p * p for p in b)}
                    v["crossSum"] = math.fsum(p * q for p, q in zip(a, b))
                vs.append(v)
            g["kpis"].append(vs)
        res.append(g)
    out[c["id"]] = {"read": len(rows) - 1, "groups": res}
json.dump(out, open("golden_moments.json", "w"), indent=None, separators=(",", ":"))
print({k: len(v["groups"]) for k, v in out.items()})
