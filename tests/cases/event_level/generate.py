"""Golden cases for event-level KPI definitions (SDK.md §4).

Writes GA4-like event exports (*.csv) and cases.json: for each config, the
row and data-quality counts and the per-arm sufficient statistics of every KPI
(users, conversions / sum, sumSquares / ratio moments / funnel steps), overall
and per segment. Every number is computed twice and the script stops if the
routes disagree:

- route A, pandas + numpy: the rules as table operations (first exposure row
  per user by groupby, filters as boolean masks, windows as time differences,
  aggregates by groupby, caps by numpy.percentile, funnels as per-step minima);
- route B, a plain Python loop over the rows in file order with per-user state,
  the way a streaming reader must do it.

Run: python3 generate.py (pandas, numpy). CI never runs it; the output is committed.
"""

import csv
import io
import json
import math
import random
from datetime import datetime, timezone

import numpy as np
import pandas as pd

HERE = __file__.rsplit("/", 1)[0]
US_DAY = 86_400_000_000
US_HOUR = 3_600_000_000
T0 = 1_709_251_200_000_000  # 2024-03-01T00:00:00Z
HEADER = ["event_timestamp", "user_pseudo_id", "event_name", "purchase_revenue", "variant", "device", "ga_session_id", "engaged"]


# ---------------------------------------------------------------- data


def make_events(seed=7, users=400):
    rng = random.Random(seed)
    rows = []  # (time, order, dict)
    seq = 0

    def add(t, user, name, variant, device, session, revenue="", engaged="1"):
        nonlocal seq
        seq += 1
        rows.append((t, seq, [str(t), user, name, revenue, variant, device, str(session), engaged]))

    for u in range(users):
        user = f"{1000 + u}.{1700000000 + u * 7}"
        variant = "control" if rng.random() < 0.5 else "treatment"
        device = rng.choice(["mobile", "desktop", "tablet"])
        exposure = T0 + rng.randrange(0, 10 * US_DAY)
        session = rng.randrange(10**9, 2 * 10**9)
        # Page views before the exposure event (ignored, counted).
        for k in range(rng.choice([0, 0, 1, 2])):
            add(exposure - (k + 1) * 600_000_000, user, "page_view", variant, device, session)
        if rng.random() < 0.05:
            continue  # never exposed
        add(exposure, user, "experiment_exposure", variant, device, session)
        later_device = device if rng.random() < 0.9 else rng.choice(["mobile", "desktop", "tablet"])
        lift = 1.25 if variant == "treatment" else 1.0
        for s in range(rng.choice([0, 1, 1, 2, 3, 4])):
            start = exposure + (0 if s == 0 else rng.randrange(0, 12 * US_DAY))
            sid = session + s + 1
            t = start
            for _ in range(rng.randint(1, 5)):
                t += rng.randrange(1, 120) * 1_000_000
                add(t, user, "page_view", variant, later_device, sid, engaged=rng.choice(["1", "0", "1.0"]))
            if rng.random() < 0.45 * lift:
                t += rng.randrange(0, 3) * 1_000_000  # 0: same timestamp as the view
                add(t, user, "add_to_cart", variant, later_device, sid)
                if rng.random() < 0.6:
                    t += rng.randrange(1, 60) * 1_000_000
                    add(t, user, "begin_checkout", variant, later_device, sid)
                    if rng.random() < 0.7:
                        t += rng.randrange(0, 60) * 1_000_000
                        revenue = f"{math.exp(rng.gauss(3.5, 0.8)):.2f}"
                        add(t, user, "purchase", variant, later_device, sid, revenue)
                        if rng.random() < 0.08:
                            add(t + 3 * US_DAY, user, "refund", variant, later_device, sid)
            # Purchases without the funnel (e.g. another tab): unordered funnels differ.
            if rng.random() < 0.05:
                add(start + 5_000_000, user, "purchase", variant, later_device, sid, f"{rng.uniform(5, 400):.2f}")
        if rng.random() < 0.03:
            other = "treatment" if variant == "control" else "control"
            add(exposure + rng.randrange(1, 5) * US_DAY, user, "page_view", other, device, session)
    # Hand-made users: window boundaries, a late exposure, ties, bad cells.
    e = T0 + 2 * US_DAY
    add(e, "edge.1", "experiment_exposure", "control", "mobile", 1)
    add(e + 7 * US_DAY - 1, "edge.1", "purchase", "control", "mobile", 1, "10.00")  # inside 7 days
    add(e, "edge.2", "experiment_exposure", "treatment", "mobile", 2)
    add(e + 7 * US_DAY, "edge.2", "purchase", "treatment", "mobile", 2, "20.00")  # at the end: outside
    add(e + 36 * US_HOUR - 1, "edge.2", "page_view", "treatment", "mobile", 2)  # inside 1 d 12 h
    add(e + 36 * US_HOUR, "edge.2", "page_view", "treatment", "mobile", 2)  # outside
    add(e, "edge.3", "experiment_exposure", "treatment", "desktop", 3)
    add(e + 10, "edge.3", "purchase", "treatment", "desktop", 3, "abc")  # not a number where counted
    add(e + 20, "edge.3", "purchase", "treatment", "desktop", 3, "")  # empty where counted
    add(e + 30, "edge.3", "purchase", "treatment", "desktop", 3, "5000.00")  # an outlier
    add(e + 40, "edge.3", "page_view", "treatment", "desktop", 3, "junk")  # not counted: fine
    # Same timestamp for every step: an ordered funnel reaches step 1 only.
    add(e, "edge.4", "experiment_exposure", "control", "tablet", 4)
    for name in ["page_view", "add_to_cart", "begin_checkout", "purchase"]:
        add(e + 1_000_000, "edge.4", name, "control", "tablet", 4, "12.50" if name == "purchase" else "")
    # Steps out of order: the unordered funnel completes, the ordered one does not.
    add(e, "edge.5", "experiment_exposure", "treatment", "tablet", 5)
    for k, name in enumerate(["purchase", "begin_checkout", "add_to_cart", "page_view"]):
        add(e + (k + 1) * 1_000_000, "edge.5", name, "treatment", "tablet", 5, "30.00" if name == "purchase" else "")
    last = max(r[0] for r in rows)
    add(last - US_HOUR, "late.1", "experiment_exposure", "control", "desktop", 6)  # window still open
    rows.sort(key=lambda r: (r[0], r[1]))
    out = [r[2] for r in rows]
    # Unreadable timestamps (bad rows in every config with timestampColumn).
    for i, bad in [(50, "not-a-time"), (51, ""), (300, "2024-02-30T10:00:00Z")]:
        out[i] = [bad] + out[i][1:]
    return out


def write_csv(path, rows, header=HEADER):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(f"{HERE}/{path}", "w", newline="") as f:
        f.write(buf.getvalue())
    return buf.getvalue()


def iso(us, rng):
    offset = rng.choice([0, 120, -330])
    local = datetime.fromtimestamp((us + offset * 60_000_000) / 1e6, tz=timezone.utc).replace(tzinfo=None)
    frac = us % 1_000_000
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac:06d}" if frac else "")
    if offset == 0:
        return text + "Z"
    sign = "+" if offset > 0 else "-"
    return text + f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


# ---------------------------------------------------------------- parsing (both routes)


def parse_time_loop(cell, unit):
    """Route B: datetime.fromisoformat / float, by the SDK.md §4 rules."""
    t = cell.strip()
    if len(t) >= 10 and t[4] == "-" and t[:4].isdigit():
        try:
            if len(t) == 10:
                d = datetime.fromisoformat(t).replace(tzinfo=timezone.utc)
            else:
                d = datetime.fromisoformat(t.replace("Z", "+00:00"))
                if d.tzinfo is None:
                    d = d.replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        return (d - datetime(1970, 1, 1, tzinfo=timezone.utc)) // pd.Timedelta(microseconds=1).to_pytimedelta()
    try:
        x = float(t)
    except ValueError:
        return None
    if not math.isfinite(x):
        return None
    scale = {"s": 1e6, "ms": 1e3, "us": 1.0}.get(unit) or (1e6 if abs(x) < 1e11 else 1e3 if abs(x) < 1e14 else 1.0)
    return int(round(x * scale))


def parse_time_pandas(series, unit):
    """Route A: pandas.to_datetime (ISO, utc) or numeric epochs."""
    s = series.str.strip()
    is_date = s.str.match(r"^\d{4}-")
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    if is_date.any():
        d = pd.to_datetime(s[is_date], utc=True, errors="coerce", format="ISO8601")
        ok = d.notna()
        out[d[ok].index] = (d[ok].astype("datetime64[us, UTC]").astype("int64")).astype("Int64")
    nums = pd.to_numeric(s[~is_date], errors="coerce")
    nums = nums[nums.notna() & np.isfinite(nums)]
    if unit == "auto":
        scale = np.where(nums.abs() < 1e11, 1e6, np.where(nums.abs() < 1e14, 1e3, 1.0))
    else:
        scale = {"s": 1e6, "ms": 1e3, "us": 1.0}[unit]
    out[nums.index] = np.round(nums * scale).astype("int64")
    return out


def num(cell):
    t = cell.strip()
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- filters


def match_loop(f, row, col):
    if "all" in f:
        return all(match_loop(g, row, col) for g in f["all"])
    if "any" in f:
        return any(match_loop(g, row, col) for g in f["any"])
    cell = row[col[f["column"]]].strip()
    values = [f["equals"]] if "equals" in f else f.get("in", f.get("notIn"))
    hit = any((cell == v) if isinstance(v, str) else (num(cell) == v) for v in values)
    return hit != ("notIn" in f)


def match_pandas(f, df):
    if "all" in f:
        return np.logical_and.reduce([match_pandas(g, df) for g in f["all"]])
    if "any" in f:
        return np.logical_or.reduce([match_pandas(g, df) for g in f["any"]])
    cell = df[f["column"]].str.strip()
    numbers = pd.to_numeric(cell, errors="coerce")
    values = [f["equals"]] if "equals" in f else f.get("in", f.get("notIn"))
    texts = [v for v in values if isinstance(v, str)]
    nums = [v for v in values if not isinstance(v, str)]
    hit = cell.isin(texts).to_numpy() | numbers.isin(nums).to_numpy()
    return ~hit if "notIn" in f else hit


# ---------------------------------------------------------------- KPI measures


def measures(config):
    """Per KPI: its measures (filters, aggregate, column, window) as the SDK reads them."""
    out = []
    for k in config["kpis"]:
        base = [k["where"]] if "where" in k else []
        win = None
        if "window" in k:
            win = round(k["window"].get("days", 0) * US_DAY + k["window"].get("hours", 0) * US_HOUR)
        if k["kind"] in ("conversion", "mean"):
            agg = k.get("aggregate", "any" if k["kind"] == "conversion" else "sum")
            out.append([dict(filters=base, agg=agg, column=k.get("column"), window=win)])
        elif k["kind"] == "ratio":
            parts = []
            for key in ("numerator", "denominator"):
                p = k[key]
                if isinstance(p, str):
                    p = {"column": p}
                agg = p.get("aggregate", "sum" if "column" in p else "count")
                parts.append(dict(filters=base + ([p["where"]] if "where" in p else []), agg=agg, column=p.get("column"), window=win))
            out.append(parts)
        else:
            out.append([dict(filters=base + [s["where"]], agg="step", column=None, window=win) for s in k["steps"]])
    return out


def numeric(m):
    return m["column"] is not None and m["agg"] not in ("count", "distinct", "step")


# ---------------------------------------------------------------- route B: the loop


def route_loop(text, config):
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    col = {h: i for i, h in enumerate(header)}
    ms = measures(config)
    flat = [m for kpi in ms for m in kpi]
    tcol = config.get("timestampColumn")
    unit = config.get("timestampUnit", "auto")
    exposure = config.get("exposure", {}).get("where")
    segs = config.get("segmentColumns", [])
    users = {}  # id -> dict
    order = []
    exposed_order = []
    q = dict(multiVariantUsers=0, rowsBeforeExposure=0, rowsOutsideWindow=0, usersWithoutExposure=0, usersWindowOpen=0, timestampErrors=0)
    read = skipped = 0
    errors = []
    last = None
    seq = 0
    for line, row in enumerate(reader, start=2):
        read += 1
        if tcol:
            t = parse_time_loop(row[col[tcol]], unit)
            if t is None:
                skipped += 1
                q["timestampErrors"] += 1
                errors.append(line)
                continue
        else:
            seq += 1
            t = seq
        uid = row[col[config["userColumn"]]]
        u = users.get(uid)
        if u and u["multi"]:
            last = t if last is None else max(last, t)
            continue
        if u and u["exposed"]:
            if row[col[config["variantColumn"]]] != u["variant"]:
                u["multi"] = True
                q["multiVariantUsers"] += 1
                last = t if last is None else max(last, t)
                continue
            e = u["e"]
        elif exposure is None or match_loop(exposure, row, col):
            e = t
        else:
            q["rowsBeforeExposure"] += 1
            if not u:
                users[uid] = dict(exposed=False, multi=False)
                order.append(uid)
            last = t if last is None else max(last, t)
            continue
        hits = []
        bad = False
        for m in flat:
            if not all(match_loop(f, row, col) for f in m["filters"]):
                hits.append(None)
                continue
            if m["window"] is not None and not (e <= t < e + m["window"]):
                hits.append("out")
                continue
            v = None
            if numeric(m):
                v = num(row[col[m["column"]]])
                if v is None:
                    bad = True
            hits.append(("in", v))
        if bad:
            skipped += 1
            errors.append(line)
            continue
        if not u:
            u = users[uid] = dict(exposed=False, multi=False)
            order.append(uid)
        if not u["exposed"]:
            exposed_order.append(uid)
            u.update(exposed=True, e=t, variant=row[col[config["variantColumn"]]], segs=[row[col[s]] for s in segs],
                     state=[[] for _ in flat], funnel=[dict(k=0, t=None, seen=set()) for _ in ms])
        last = t if last is None else max(last, t)
        if "out" in hits:
            q["rowsOutsideWindow"] += 1
        for j, (m, h) in enumerate(zip(flat, hits)):
            if h and h != "out":
                u["state"][j].append(h[1] if m["agg"] != "distinct" else row[col[m["column"]]].strip())
        j = 0
        for ki, kpi in enumerate(ms):
            if kpi[0]["agg"] == "step":
                fs = u["funnel"][ki]
                steps = [h for h in hits[j:j + len(kpi)]]
                ordered = config["kpis"][ki].get("ordered", False)
                for s, h in enumerate(steps):
                    if h and h != "out":
                        fs["seen"].add(s)
                if ordered and fs["k"] < len(kpi):
                    h = steps[fs["k"]]
                    if h and h != "out" and (fs["k"] == 0 or t > fs["t"]):
                        fs["k"] += 1
                        fs["t"] = t
            j += len(kpi)
    longest = max([m["window"] for m in flat if m["window"] is not None], default=None)
    included = []
    q["usersWithoutExposure"] = sum(1 for uid in order if not users[uid]["exposed"])
    for uid in exposed_order:
        u = users[uid]
        if not u["multi"]:
            included.append(u)
            if longest is not None and u["e"] + longest > last:
                q["usersWindowOpen"] += 1

    def agg(m, vals):
        a = m["agg"]
        if a == "any":
            return 1.0 if any((m["column"] is None) or v != 0 for v in vals) else 0.0
        if a == "sum":
            return float(sum(vals)) if vals else 0.0
        if a == "count":
            return float(len(vals))
        if a == "distinct":
            return float(len({v for v in vals if v != ""}))
        if a == "max":
            return max(vals) if vals else 0.0
        if a == "min":
            return min(vals) if vals else 0.0

    per_user = []  # per user: per KPI list of values
    for u in included:
        vals, j = [], 0
        for ki, kpi in enumerate(ms):
            spec = config["kpis"][ki]
            if kpi[0]["agg"] == "step":
                fs = u["funnel"][ki]
                if spec.get("ordered", False):
                    vals.append([1.0 if fs["k"] > s else 0.0 for s in range(len(kpi))])
                else:
                    vals.append([1.0 if all(x in fs["seen"] for x in range(s + 1)) else 0.0 for s in range(len(kpi))])
            else:
                a = [agg(m, u["state"][j + p]) for p, m in enumerate(kpi)]
                if spec["kind"] == "conversion":
                    a = [1.0 if a[0] >= spec.get("threshold", 1) else 0.0]
                vals.append(a)
            j += len(kpi)
        per_user.append(vals)
    caps = cap_loop(config, per_user)
    groups = [(None, None, included, per_user)]
    for si, s in enumerate(segs):
        seen = []
        for u in included:
            if u["segs"][si] not in seen:
                seen.append(u["segs"][si])
        for v in seen:
            idx = [i for i, u in enumerate(included) if u["segs"][si] == v]
            groups.append((s, v, [included[i] for i in idx], [per_user[i] for i in idx]))
    variants = []
    for u in included:
        if u["variant"] not in variants:
            variants.append(u["variant"])
    q["cappedValues"] = caps["report"]
    return dict(rows=dict(read=read, skipped=skipped), errorLines=errors, quality=q,
                groups=[(c, v, stats_loop(config, ms, us, vals, variants, caps["values"])) for c, v, us, vals in groups])


def percentile_loop(values, p):
    """numpy's linear method, written out (sorted values, virtual index p/100 (n-1))."""
    v = sorted(values)
    h = (p / 100) * (len(v) - 1)
    lo = math.floor(h)
    hi = min(lo + 1, len(v) - 1)
    g = h - lo
    d = v[hi] - v[lo]
    return v[hi] - d * (1 - g) if g >= 0.5 else v[lo] + d * g


def cap_loop(config, per_user):
    values, report = {}, []
    for ki, k in enumerate(config["kpis"]):
        if "cap" not in k:
            continue
        parts = ["value"] if k["kind"] == "mean" else ["numerator", "denominator"]
        for p, part in enumerate(parts):
            pool = [vals[ki][p] for vals in per_user]
            cap = k["cap"]["value"] if "value" in k["cap"] else percentile_loop(pool, k["cap"]["percentile"])
            values[(ki, p)] = cap
            report.append(dict(kpi=k["name"], part=part, cap=cap, users=sum(1 for x in pool if x > cap)))
    return dict(values=values, report=report)


def stats_loop(config, ms, users, per_user, variants, caps):
    out = []
    for ki, k in enumerate(config["kpis"]):
        arms = []
        for v in variants:
            rows = [vals[ki] for u, vals in zip(users, per_user) if u["variant"] == v]
            rows = [[min(x, caps[(ki, p)]) if (ki, p) in caps else x for p, x in enumerate(r)] for r in rows]
            n = len(rows)
            if k["kind"] == "conversion":
                arms.append(dict(variant=v, users=n, conversions=sum(r[0] for r in rows)))
            elif k["kind"] == "mean":
                arms.append(dict(variant=v, users=n, sum=math.fsum(r[0] for r in rows), sumSquares=math.fsum(r[0] ** 2 for r in rows)))
            elif k["kind"] == "ratio":
                arms.append(dict(variant=v, users=n,
                                 numerator=dict(sum=math.fsum(r[0] for r in rows), sumSquares=math.fsum(r[0] ** 2 for r in rows)),
                                 denominator=dict(sum=math.fsum(r[1] for r in rows), sumSquares=math.fsum(r[1] ** 2 for r in rows)),
                                 crossSum=math.fsum(r[0] * r[1] for r in rows)))
            else:
                arms.append(dict(variant=v, users=n, steps=[sum(r[s] for r in rows) for s in range(len(ms[ki]))]))
        out.append(dict(name=k["name"], arms=arms))
    return out


# ---------------------------------------------------------------- route A: pandas


def route_pandas(text, config):
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df["_line"] = np.arange(len(df)) + 2
    read = len(df)
    tcol = config.get("timestampColumn")
    uc, vc = config["userColumn"], config["variantColumn"]
    if tcol:
        df["_t"] = parse_time_pandas(df[tcol], config.get("timestampUnit", "auto"))
        ts_bad = df["_t"].isna()
    else:
        df["_t"] = np.arange(len(df)) + 1
        ts_bad = pd.Series(False, index=df.index)
    good = df[~ts_bad].copy()
    good["_t"] = good["_t"].astype("int64")
    exposure = config.get("exposure", {}).get("where")
    good["_exp"] = match_pandas(exposure, good) if exposure else True
    ms = measures(config)
    flat = [m for kpi in ms for m in kpi]
    # Exposure row (ignoring bad numbers: the generated bad cells are never on an exposure row).
    first = good[good["_exp"]].groupby(uc, sort=False).head(1).set_index(uc)
    good = good.join(first[["_line", "_t", vc]].rename(columns={"_line": "_eline", "_t": "_e", vc: "_ev"}), on=uc)
    after = good["_eline"].notna() & (good["_line"] >= good["_eline"])
    # Contamination: the first later row naming another variant.
    other = good[after & (good[vc] != good["_ev"])].groupby(uc)["_line"].min().rename("_cline")
    good = good.join(other, on=uc)
    active = after & (good["_cline"].isna() | (good["_line"] < good["_cline"]))
    good["_active"] = active
    masks, inside = [], []
    for m in flat:
        mk = np.logical_and.reduce([match_pandas(f, good) for f in m["filters"]]) if m["filters"] else np.ones(len(good), bool)
        mk = mk & active.to_numpy()
        if m["window"] is not None:
            ins = ((good["_t"] >= good["_e"]) & (good["_t"] < good["_e"] + m["window"])).to_numpy()
        else:
            ins = np.ones(len(good), bool)
        masks.append(mk)
        inside.append(ins)
    bad_num = np.zeros(len(good), bool)
    for m, mk, ins in zip(flat, masks, inside):
        if numeric(m):
            bad_num |= mk & ins & pd.to_numeric(good[m["column"]].str.strip(), errors="coerce").isna().to_numpy()
    errors = sorted(df.loc[ts_bad, "_line"].tolist() + good.loc[bad_num, "_line"].tolist())
    keep = ~bad_num
    g = good[keep]
    masks = [mk[keep] for mk in masks]
    inside = [ins[keep] for ins in inside]
    last = g["_t"].max()
    windowed = np.zeros(len(g), bool)
    for m, mk, ins in zip(flat, masks, inside):
        if m["window"] is not None:
            windowed |= mk & ~ins
    users_all = g[uc].unique()
    exposed = first.index
    multi = other.index
    included = [u for u in exposed if u not in set(multi)]
    longest = max([m["window"] for m in flat if m["window"] is not None], default=None)
    q = dict(
        multiVariantUsers=int(len(multi)),
        rowsBeforeExposure=int((g["_eline"].isna() | (g["_line"] < g["_eline"])).sum()),
        rowsOutsideWindow=int(windowed.sum()),
        usersWithoutExposure=int(len(set(users_all) - set(exposed))),
        usersWindowOpen=int(sum(1 for u in included if longest is not None and first.loc[u, "_t"] + longest > last)),
        timestampErrors=int(ts_bad.sum()),
    )
    # Per-user values, users in first-appearance order of their exposure.
    idx = pd.Index(included, name=uc)
    cols = []
    for m, mk, ins in zip(flat, masks, inside):
        rows = g[mk & ins]
        if m["agg"] == "step":
            cols.append(rows)
            continue
        if m["agg"] == "distinct":
            s = rows[rows[m["column"]].str.strip() != ""].groupby(uc)[m["column"]].agg(lambda x: x.str.strip().nunique())
        elif m["agg"] == "count":
            s = rows.groupby(uc).size()
        else:
            vals = pd.to_numeric(rows[m["column"]].str.strip()) if m["column"] else pd.Series(1.0, index=rows.index)
            vals = pd.DataFrame({uc: rows[uc], "v": vals})
            if m["agg"] == "any":
                s = vals.groupby(uc)["v"].agg(lambda x: float((x != 0).any()))
            else:
                s = vals.groupby(uc)["v"].agg(m["agg"])
        cols.append(s.reindex(idx).fillna(0.0).astype(float))
    table = pd.DataFrame(index=idx)
    table["_variant"] = first.loc[included, vc].to_numpy()
    for si, s in enumerate(config.get("segmentColumns", [])):
        table[f"_seg{si}"] = first.loc[included, s].to_numpy()
    j = 0
    caps, report = {}, []
    for ki, (k, kpi) in enumerate(zip(config["kpis"], ms)):
        if k["kind"] == "funnel":
            ordered = k.get("ordered", False)
            reached = pd.Series(True, index=idx)
            prev_t = None
            for s in range(len(kpi)):
                rows = cols[j + s]
                if ordered:
                    r = rows[[uc, "_t"]].join(prev_t.rename("_p"), on=uc) if prev_t is not None else rows[[uc, "_t"]].assign(_p=-np.inf)
                    r = r[r["_t"] > r["_p"]]
                    prev_t = r.groupby(uc)["_t"].min()
                    hit = pd.Series(idx.isin(prev_t.index), index=idx)
                else:
                    hit = pd.Series(idx.isin(rows[uc].unique()), index=idx)
                reached = reached & hit
                table[f"k{ki}_{s}"] = reached.astype(float)
        else:
            for p in range(len(kpi)):
                table[f"k{ki}_{p}"] = cols[j + p]
            if k["kind"] == "conversion":
                table[f"k{ki}_0"] = (table[f"k{ki}_0"] >= k.get("threshold", 1)).astype(float)
            if "cap" in k:
                for p, part in enumerate(["value"] if k["kind"] == "mean" else ["numerator", "denominator"]):
                    c = f"k{ki}_{p}"
                    cap = k["cap"]["value"] if "value" in k["cap"] else float(np.percentile(table[c].to_numpy(), k["cap"]["percentile"]))
                    report.append(dict(kpi=k["name"], part=part, cap=cap, users=int((table[c] > cap).sum())))
                    table[c] = table[c].clip(upper=cap)
        j += len(kpi)
    q["cappedValues"] = report
    variants = list(dict.fromkeys(table["_variant"]))
    groups = [(None, None, table)]
    for si, s in enumerate(config.get("segmentColumns", [])):
        for v in dict.fromkeys(table[f"_seg{si}"]):
            groups.append((s, v, table[table[f"_seg{si}"] == v]))
    return dict(rows=dict(read=read, skipped=len(errors)), errorLines=errors, quality=q,
                groups=[(c, v, stats_pandas(config, ms, t, variants)) for c, v, t in groups])


def stats_pandas(config, ms, table, variants):
    out = []
    for ki, k in enumerate(config["kpis"]):
        arms = []
        for v in variants:
            t = table[table["_variant"] == v]
            n = len(t)
            a = t[f"k{ki}_0"].to_numpy()
            if k["kind"] == "conversion":
                arms.append(dict(variant=v, users=n, conversions=float(a.sum())))
            elif k["kind"] == "mean":
                arms.append(dict(variant=v, users=n, sum=float(a.sum()), sumSquares=float((a * a).sum())))
            elif k["kind"] == "ratio":
                b = t[f"k{ki}_1"].to_numpy()
                arms.append(dict(variant=v, users=n, numerator=dict(sum=float(a.sum()), sumSquares=float((a * a).sum())),
                                 denominator=dict(sum=float(b.sum()), sumSquares=float((b * b).sum())), crossSum=float((a * b).sum())))
            else:
                arms.append(dict(variant=v, users=n, steps=[float(t[f"k{ki}_{s}"].sum()) for s in range(len(ms[ki]))]))
        out.append(dict(name=k["name"], arms=arms))
    return out


# ---------------------------------------------------------------- compare and write


def close(a, b, path):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), (path, a.keys(), b.keys())
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


def configs():
    P = {"column": "event_name", "equals": "purchase"}
    step = lambda name: {"name": name, "where": {"column": "event_name", "equals": name}}
    steps = [step(s) for s in ["page_view", "add_to_cart", "begin_checkout", "purchase"]]
    base = {"variantColumn": "variant", "userColumn": "user_pseudo_id", "timestampColumn": "event_timestamp",
            "exposure": {"where": {"column": "event_name", "equals": "experiment_exposure"}}, "segmentColumns": ["device"]}
    full = dict(base, kpis=[
        {"name": "purchase within 7 days", "role": "primary", "kind": "conversion", "where": P, "window": {"days": 7}},
        {"name": "revenue per user", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "aggregate": "sum"},
        {"name": "orders per user", "role": "secondary", "kind": "mean", "where": P, "aggregate": "count"},
        {"name": "average order value", "role": "secondary", "kind": "ratio",
         "numerator": {"column": "purchase_revenue", "where": P, "aggregate": "sum"}, "denominator": {"where": P, "aggregate": "count"}},
        {"name": "repeat purchase", "role": "secondary", "kind": "conversion", "where": P, "aggregate": "count", "threshold": 2},
        {"name": "sessions per user", "role": "secondary", "kind": "mean", "column": "ga_session_id", "aggregate": "distinct"},
        {"name": "largest order", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "aggregate": "max"},
        {"name": "smallest order", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "aggregate": "min"},
        {"name": "views in 36 hours", "role": "secondary", "kind": "mean", "where": {"column": "event_name", "equals": "page_view"},
         "aggregate": "count", "window": {"days": 1, "hours": 12}},
        {"name": "cart or checkout", "role": "secondary", "kind": "conversion",
         "where": {"column": "event_name", "in": ["add_to_cart", "begin_checkout"]}},
        {"name": "engaged non-refund", "role": "secondary", "kind": "conversion",
         "where": {"all": [{"column": "engaged", "equals": 1}, {"column": "event_name", "notIn": ["refund", "experiment_exposure"]}]}},
        {"name": "refund or tablet in 48 h", "role": "guardrail", "kind": "conversion", "higherIsBetter": False,
         "where": {"any": [{"column": "event_name", "equals": "refund"}, {"column": "device", "in": ["tablet"]}]}, "window": {"hours": 48}},
        {"name": "revenue capped at 150", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "cap": {"value": 150}},
        {"name": "revenue capped at p95", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "cap": {"percentile": 95}},
        {"name": "checkout funnel in 7 days", "role": "secondary", "kind": "funnel", "steps": steps, "ordered": True, "window": {"days": 7}},
        {"name": "checkout steps any order", "role": "secondary", "kind": "funnel", "steps": steps},
        {"name": "aov capped at p90", "role": "secondary", "kind": "ratio", "cap": {"percentile": 90},
         "numerator": {"column": "purchase_revenue", "where": P}, "denominator": {"where": P}},
    ])
    first_row = {"variantColumn": "variant", "userColumn": "user_pseudo_id", "kpis": [
        {"name": "purchase", "role": "primary", "kind": "conversion", "where": P},
        {"name": "revenue", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P},
        {"name": "funnel in file order", "role": "secondary", "kind": "funnel", "steps": steps, "ordered": True},
    ]}
    timed = lambda unit: dict({k: v for k, v in base.items() if k != "segmentColumns"}, timestampUnit=unit, kpis=[
        {"name": "purchase within 7 days", "role": "primary", "kind": "conversion", "where": P, "window": {"days": 7}},
        {"name": "revenue in 3 days", "role": "secondary", "kind": "mean", "column": "purchase_revenue", "where": P, "window": {"days": 3}},
    ])
    return [
        ("ga4-full", "ga4_events.csv", full),
        ("ga4-first-row-no-timestamps", "ga4_events.csv", first_row),
        ("iso-offsets", "iso_events.csv", timed("auto")),
        ("ms-epoch-given-unit", "ms_events.csv", timed("ms")),
        ("ms-epoch-auto", "ms_events.csv", timed("auto")),
    ]


def main():
    rows = make_events()
    files = {"ga4_events.csv": write_csv("ga4_events.csv", rows)}
    rng = random.Random(3)
    some = [r for r in rows if r[1] < "1080"]  # a smaller file for the timestamp formats
    iso_rows = [[iso(int(r[0]), rng) if r[0].isdigit() else r[0]] + r[1:] for r in some]
    iso_rows[7][0] = iso_rows[7][0][:10] + "T25:00:00Z"  # unreadable
    files["iso_events.csv"] = write_csv("iso_events.csv", iso_rows)
    ms_rows = [[str(int(r[0]) // 1000) if r[0].isdigit() else r[0]] + r[1:] for r in some]
    files["ms_events.csv"] = write_csv("ms_events.csv", ms_rows)
    cases = []
    for name, path, config in configs():
        a = route_pandas(files[path], config)
        b = route_loop(files[path], config)
        close(a, b, name)
        groups = a["groups"]
        cases.append(dict(
            name=name, csv=path, config=config,
            expected=dict(rows=a["rows"], errorLines=a["errorLines"], quality=a["quality"], kpis=groups[0][2],
                          segments=[dict(column=c, value=v, kpis=k) for c, v, k in groups[1:]]),
        ))
        print(name, a["rows"], a["quality"])
    with open(f"{HERE}/cases.json", "w") as f:
        json.dump(dict(generator="tests/cases/event_level/generate.py",
                       libraries=dict(pandas=pd.__version__, numpy=np.__version__), cases=cases), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
