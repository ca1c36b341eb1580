"""Golden cases for analyzeTimeToEvent and planSampleSize(kind "timeToEvent") (SDK.md §5).

Route 1 (the reference): lifelines 0.30.0 -- KaplanMeierFitter (survival, exponential
Greenwood band, event table), median_survival_times(confidence_interval_), logrank_test,
CoxPHFitter (Efron ties), restricted_mean_survival_time, sample_size_necessary_under_cph --
plus R survRM2's Greenwood plug-in RMST variance, written here after survRM2's rmst1().
Route 2 (the check): plain-Python loops of our own (KM, Greenwood, band, median, log-rank,
RMST and its variance by direct integration, the z test, Fieller by bisection, a Newton solve
of the Efron partial likelihood, Freedman's formula with statistics.NormalDist). If the two
routes disagree beyond the case's tolerance, the script stops.

Run from the repo root: python3 tests/cases/time_to_event/generate.py
"""

import json
import math
import os
import statistics
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import lifelines
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test, sample_size_necessary_under_cph
from lifelines.utils import median_survival_times, restricted_mean_survival_time
from scipy.stats import norm

warnings.simplefilter("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
TOL_CLOSED = {"rel": 1e-9, "abs": 1e-12}  # KM, Greenwood, RMST, log-rank, z test, Fieller
TOL_COX = {"rel": 1e-7, "abs": 1e-12}  # iterative (lifelines' Newton stops at step < 1e-7)
ND = statistics.NormalDist()
MAX_CURVE = 200


def fail(msg):
    print("SECOND ROUTE DISAGREES:", msg)
    sys.exit(1)


def check(what, a, b, tol):
    if a is None or b is None:
        if a is not b:
            fail(f"{what}: {a} vs {b}")
        return
    if isinstance(a, (bool, str)) or isinstance(b, (bool, str)):
        if a != b:
            fail(f"{what}: {a} vs {b}")
        return
    if not abs(a - b) <= tol["abs"] + tol["rel"] * abs(b):
        fail(f"{what}: {a!r} vs {b!r}")


# ---------------------------------------------------------------- route 2: plain loops
def my_km(times, events, alpha):
    """Distinct times with (n at risk, d events, c censored), S, Greenwood sum, band."""
    z = ND.inv_cdf(1 - alpha / 2)
    rows = {}
    for t, e in zip(times, events):
        d, c = rows.get(t, (0, 0))
        rows[t] = (d + e, c + (1 - e))
    n = len(times)
    s, gw = 1.0, 0.0
    out = [(0.0, n, 0, 0, 1.0, 0.0, 1.0, 1.0)]
    for t in sorted(rows):
        d, c = rows[t]
        if t == 0:  # lifelines folds time 0 into its first row
            pass
        if d > 0:
            s *= (n - d) / n
            if n > d:
                gw += d / (n * (n - d))
        if s <= 0.0:
            lo = hi = 0.0
        elif s >= 1.0:
            lo = hi = 1.0
        else:
            v = math.log(s)
            lo = math.exp(-math.exp(math.log(-v) - z * math.sqrt(gw) / v))
            hi = math.exp(-math.exp(math.log(-v) + z * math.sqrt(gw) / v))
        row = (float(t), n, d, c, s, gw, lo, hi)
        if t == 0:
            out[0] = row
        else:
            out.append(row)
        n -= d + c
    return out


def first_at_or_below(km, col, q=0.5):
    # 1e-12 slack: a product that is 0.5 in exact arithmetic counts as reaching 0.5
    for row in km:
        if row[col] <= q + 1e-12:
            return row[0]
    return None


def my_rmst(km, tau):
    """RMST by the step integral and survRM2's variance by direct integration of S over (t_j, tau]."""
    steps = [(row[0], row[4]) for row in km]  # S holds from row time to the next time

    def integral(a):
        total = 0.0
        for i, (t, s) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else math.inf
            lo, hi = max(t, a), min(end, tau)
            if hi > lo:
                total += (hi - lo) * s
        return total

    rmst = integral(0.0)
    var = 0.0
    for t, n, d, _c, _s, _g, _lo, _hi in km:
        if 0 < t <= tau and d > 0 and n > d:
            var += integral(t) ** 2 * d / (n * (n - d))
    return rmst, var


def my_logrank(ta, ea, tb, eb):
    data = [(t, e, 0) for t, e in zip(ta, ea)] + [(t, e, 1) for t, e in zip(tb, eb)]
    o_minus_e, var = 0.0, 0.0
    for t in sorted({t for t, e, _ in data if e}):
        n = sum(1 for x in data if x[0] >= t)
        n1 = sum(1 for x in data if x[0] >= t and x[2] == 1)
        d = sum(1 for x in data if x[0] == t and x[1])
        d1 = sum(1 for x in data if x[0] == t and x[1] and x[2] == 1)
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    chi = o_minus_e**2 / var
    return chi, math.erfc(math.sqrt(chi / 2))


def my_cox(ta, ea, tb, eb, alpha):
    """Newton on the Efron partial likelihood, x = 1 for the variant, from beta = 0."""
    data = [(t, e, 0) for t, e in zip(ta, ea)] + [(t, e, 1) for t, e in zip(tb, eb)]
    event_times = sorted({t for t, e, _ in data if e})

    def derivs(beta):
        g, h = 0.0, 0.0
        w1 = math.exp(beta)
        for t in event_times:
            r0 = sum(1 for x in data if x[0] >= t and x[2] == 0)
            r1 = sum(1 for x in data if x[0] >= t and x[2] == 1)
            d0 = sum(1 for x in data if x[0] == t and x[1] and x[2] == 0)
            d1 = sum(1 for x in data if x[0] == t and x[1] and x[2] == 1)
            d = d0 + d1
            g += d1
            for ell in range(d):
                f = ell / d
                p0 = r0 + r1 * w1 - f * (d0 + d1 * w1)
                p1 = r1 * w1 - f * d1 * w1
                g -= p1 / p0
                h -= p1 / p0 - (p1 / p0) ** 2
        return g, h

    beta = 0.0
    for _ in range(100):
        g, h = derivs(beta)
        step = -g / h
        beta += step
        if abs(step) < 1e-13:
            break
    _, h = derivs(beta)
    se = math.sqrt(-1 / h)
    z = ND.inv_cdf(1 - alpha / 2)
    return math.exp(beta), math.exp(beta - z * se), math.exp(beta + z * se)


def my_fieller(ma, va, mb, vb, q, alternative):
    """Fieller set by bisection on T(r) = (mB - (1+r) mA)/sqrt(vB + (1+r)^2 vA)."""
    T = lambda r: (mb - (1 + r) * ma) / math.sqrt(vb + (1 + r) ** 2 * va)
    est = mb / ma - 1

    def root(target, lo, hi):
        # T is decreasing in r near the estimate for mA > 0
        for _ in range(200):
            mid = (lo + hi) / 2
            if T(mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def bound(target, direction):
        step = 1e-3
        while True:
            other = est + direction * step
            if (T(other) - target) * (T(est) - target) <= 0:
                return root(target, min(est, other), max(est, other))
            step *= 2
            if step > 1e6:
                return None

    if alternative == "two-sided":
        return [bound(q, -1), bound(-q, 1)]
    if alternative == "greater":
        return [bound(q, -1), None]
    return [None, bound(-q, 1)]


# ---------------------------------------------------------------- route 1: lifelines
def survrm2_variance(kmf, tau):
    """R survRM2 rmst1(): rmst.var = sum(cumsum(rev(areas[-1]))^2 * rev(wk.var)[-1])."""
    et = kmf.event_table
    sf = kmf.survival_function_.iloc[:, 0]
    idx = [t for t in et.index if 0 < t <= tau]
    wk_time = sorted(idx + [tau])
    wk_surv = [sf.loc[t] for t in idx]
    n_risk = [et.loc[t, "at_risk"] for t in idx]
    n_event = [et.loc[t, "observed"] for t in idx]
    time_diff = np.diff([0.0] + wk_time)
    areas = time_diff * np.array([1.0] + wk_surv)
    wk_var = [0.0 if n - d == 0 else d / (n * (n - d)) for n, d in zip(n_risk, n_event)] + [0.0]
    return float(np.sum(np.cumsum(areas[1:][::-1]) ** 2 * np.array(wk_var[::-1][1:])))


def fieller_closed(ma, va, mb, vb, q, alternative):
    """SDK.md §2's quadratic, in r (as crate::analyze::fieller)."""
    d = mb - ma
    a = ma * ma - q * q * va
    if a <= 0:
        return [None, None]
    h = d * ma + q * q * va
    c = d * d - q * q * (va + vb)
    disc = max(h * h - a * c, 0.0)
    r1, r2 = (h - math.sqrt(disc)) / a, (h + math.sqrt(disc)) / a
    if alternative == "two-sided":
        return [r1, r2]
    return [r1, None] if alternative == "greater" else [None, r2]


def thin(n_points):
    """Indices of the curve kept: all when <= 200, else round(k (n-1)/199)."""
    if n_points <= MAX_CURVE:
        return list(range(n_points))
    return sorted({int(math.floor(k * (n_points - 1) / (MAX_CURVE - 1) + 0.5)) for k in range(MAX_CURVE)})


def analyze_case(cid, variants, control=None, alpha=0.05, alternative="two-sided", horizon=None,
                 unit=None, higher_is_better=False, note=""):
    inp = {"variants": [{"name": n, "times": list(map(float, t)), "events": list(map(int, e))}
                        for n, t, e in variants]}
    if control is not None:
        inp["control"] = control
    if alpha != 0.05:
        inp["alpha"] = alpha
    if alternative != "two-sided":
        inp["alternative"] = alternative
    if horizon is not None:
        inp["horizon"] = horizon
    if unit is not None:
        inp["unit"] = unit
    if higher_is_better:
        inp["higherIsBetter"] = True
    names = [v[0] for v in variants]
    ci_idx = names.index(control) if control else names.index("control")
    tau = horizon if horizon is not None else min(max(t) for _, t, _ in variants)
    expect = {"horizon": float(tau)}
    arms = []
    for i, (name, t, e) in enumerate(variants):
        kmf = KaplanMeierFitter(alpha=alpha).fit(np.array(t, float), np.array(e, int))
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_
        et = kmf.event_table
        med = kmf.median_survival_time_
        mci = median_survival_times(ci)
        mlo, mhi = float(mci.iloc[0, 0]), float(mci.iloc[0, 1])
        fin = lambda x: None if math.isinf(x) else float(x)
        rmst = float(restricted_mean_survival_time(kmf, t=tau))
        rvar = survrm2_variance(kmf, tau)
        # second route
        km = my_km(list(map(float, t)), list(map(int, e)), alpha)
        if len(km) != len(sf):
            fail(f"{cid} {name}: timeline {len(km)} vs {len(sf)}")
        for j, row in enumerate(km):
            check(f"{cid} {name} t[{j}]", row[0], float(sf.index[j]), TOL_CLOSED)
            check(f"{cid} {name} S[{j}]", row[4], float(sf.iloc[j]), TOL_CLOSED)
            check(f"{cid} {name} lo[{j}]", row[6], float(ci.iloc[j, 0]), TOL_CLOSED)
            check(f"{cid} {name} hi[{j}]", row[7], float(ci.iloc[j, 1]), TOL_CLOSED)
            check(f"{cid} {name} atRisk[{j}]", row[1], int(et["at_risk"].iloc[j]), TOL_CLOSED)
        check(f"{cid} {name} median", first_at_or_below(km, 4), fin(med), TOL_CLOSED)
        check(f"{cid} {name} median lo", first_at_or_below(km, 6), fin(mlo), TOL_CLOSED)
        check(f"{cid} {name} median hi", first_at_or_below(km, 7), fin(mhi), TOL_CLOSED)
        r2, v2 = my_rmst(km, tau)
        check(f"{cid} {name} rmst", r2, rmst, TOL_CLOSED)
        check(f"{cid} {name} rmst var", v2, rvar, TOL_CLOSED)
        p = f"variants[{i}]"
        expect[f"{p}.name"] = name
        expect[f"{p}.users"] = len(t)
        expect[f"{p}.events"] = int(sum(e))
        expect[f"{p}.median"] = fin(med)
        expect[f"{p}.medianCi[0]"] = fin(mlo)
        expect[f"{p}.medianCi[1]"] = fin(mhi)
        expect[f"{p}.rmst"] = rmst
        expect[f"{p}.rmstVariance"] = rvar
        kept = thin(len(sf))
        for k, j in enumerate(kept):
            if len(kept) < len(sf) and k not in (0, 1, len(kept) // 2, len(kept) - 1):
                continue
            expect[f"{p}.curve[{k}].time"] = float(sf.index[j])
            expect[f"{p}.curve[{k}].survival"] = float(sf.iloc[j])
            expect[f"{p}.curve[{k}].lower"] = float(ci.iloc[j, 0])
            expect[f"{p}.curve[{k}].upper"] = float(ci.iloc[j, 1])
            expect[f"{p}.curve[{k}].atRisk"] = int(et["at_risk"].iloc[j])
        expect[f"{p}.curve[{len(kept)}]"] = None
        arms.append((name, t, e, rmst, rvar))
    k = 0
    for i, (name, t, e, rmst, rvar) in enumerate(arms):
        if i == ci_idx:
            continue
        cname, ct, ce, crmst, crvar = arms[ci_idx]
        p = f"comparisons[{k}]"
        k += 1
        diff = rmst - crmst
        se = math.sqrt(rvar + crvar)
        zstat = diff / se
        if alternative == "two-sided":
            pval = float(2 * norm.sf(abs(zstat)))
            q = float(norm.ppf(1 - alpha / 2))
            aci = [diff - q * se, diff + q * se]
            pv2 = math.erfc(abs(zstat) / math.sqrt(2))
        elif alternative == "greater":
            pval = float(norm.sf(zstat))
            q = float(norm.ppf(1 - alpha))
            aci = [diff - q * se, None]
            pv2 = 0.5 * math.erfc(zstat / math.sqrt(2))
        else:
            pval = float(norm.cdf(zstat))
            q = float(norm.ppf(1 - alpha))
            aci = [None, diff + q * se]
            pv2 = 0.5 * math.erfc(-zstat / math.sqrt(2))
        check(f"{cid} p", pv2, pval, TOL_CLOSED)
        rci = fieller_closed(crmst, crvar, rmst, rvar, q, alternative)
        rci2 = my_fieller(crmst, crvar, rmst, rvar, ND.inv_cdf(1 - (alpha / 2 if alternative == "two-sided" else alpha)), alternative)
        for s in range(2):
            check(f"{cid} fieller[{s}]", rci2[s], rci[s], TOL_CLOSED)
        significant = pval < alpha
        better_sign = diff > 0 if higher_is_better else diff < 0
        verdict = ("better" if better_sign else "worse") if significant else "inconclusive"
        lr = logrank_test(np.array(ct, float), np.array(t, float), np.array(ce, int), np.array(e, int))
        chi2, lp2 = my_logrank(list(map(float, ct)), list(map(int, ce)), list(map(float, t)), list(map(int, e)))
        check(f"{cid} logrank chi", chi2, float(lr.test_statistic), TOL_CLOSED)
        check(f"{cid} logrank p", lp2, float(lr.p_value), TOL_CLOSED)
        df = pd.DataFrame({"T": list(ct) + list(t), "E": list(ce) + list(e), "x": [0] * len(ct) + [1] * len(t)})
        # lifelines stops its Newton at a decrement < 1e-7 (HR off by ~1e-6); solve to the end
        cph = CoxPHFitter(alpha=alpha).fit(df, "T", "E", fit_options={"precision": 1e-14, "r_precision": 1e-16})
        hr = float(np.exp(cph.params_["x"]))
        cis = cph.confidence_intervals_.loc["x"]
        hlo, hhi = float(np.exp(cis.iloc[0])), float(np.exp(cis.iloc[1]))
        h2, l2, u2 = my_cox(list(map(float, ct)), list(map(int, ce)), list(map(float, t)), list(map(int, e)), alpha)
        check(f"{cid} HR", h2, hr, TOL_COX)
        check(f"{cid} HR lo", l2, hlo, TOL_COX)
        check(f"{cid} HR hi", u2, hhi, TOL_COX)
        expect.update({
            f"{p}.variant": name, f"{p}.control": cname,
            f"{p}.absoluteLift": diff, f"{p}.absoluteCi[0]": aci[0], f"{p}.absoluteCi[1]": aci[1],
            f"{p}.relativeLift": rmst / crmst - 1, f"{p}.relativeCi[0]": rci[0], f"{p}.relativeCi[1]": rci[1],
            f"{p}.pValue": pval, f"{p}.significant": significant, f"{p}.verdict": verdict,
            f"{p}.logRankChiSquare": float(lr.test_statistic), f"{p}.logRankPValue": float(lr.p_value),
            f"{p}.hazardRatio": hr, f"{p}.hazardRatioCi[0]": hlo, f"{p}.hazardRatioCi[1]": hhi,
        })
        if significant:
            # the Fieller interval excludes 0 exactly when significant
            lo_, hi_ = rci
            if not ((lo_ is not None and lo_ > 0) or (hi_ is not None and hi_ < 0)):
                fail(f"{cid}: significant but Fieller interval {rci} holds 0")
    # Cox is iterative: its values get TOL_COX; the rest stays on TOL_CLOSED (the Rust and
    # Node runners take per-path tolerances from `tolPaths`).
    return {"id": cid, "fn": "analyzeTimeToEvent", "input": inp, "expect": expect, "tol": TOL_CLOSED,
            "tolPaths": {"hazardRatio": TOL_COX}, "source": "lifelines 0.30.0 + survRM2 variance; " + note}


def plan_case(cid, control_event_rate, hazard_ratio, alpha=0.05, power=0.8, allocation=None):
    inp = {"metric": {"kind": "timeToEvent", "controlEventRate": control_event_rate, "hazardRatio": hazard_ratio}}
    if alpha != 0.05:
        inp["alpha"] = alpha
    if power != 0.8:
        inp["power"] = power
    ratio = 1.0
    if allocation is not None:
        inp["allocation"] = allocation
        ratio = allocation[1] / allocation[0]
    p_con = control_event_rate
    p_exp = 1 - (1 - p_con) ** hazard_ratio
    n_exp, n_con = sample_size_necessary_under_cph(power, ratio, p_exp, p_con, hazard_ratio, alpha=alpha)
    # second route: Freedman's events, d = (z_a/2 + z_b)^2 (1 + r HR)^2 / (r (1 - HR)^2)
    zsum = ND.inv_cdf(1 - alpha / 2) + ND.inv_cdf(power)
    m = zsum**2 * (1 + ratio * hazard_ratio) ** 2 / (ratio * (1 - hazard_ratio) ** 2)
    exact_con = m / (ratio * p_exp + p_con)
    exact_exp = exact_con * ratio
    check(f"{cid} n_con", math.ceil(exact_con), n_con, {"rel": 0, "abs": 0})
    check(f"{cid} n_exp", math.ceil(exact_exp), n_exp, {"rel": 0, "abs": 0})
    expect = {
        "usersPerVariant[0]": int(n_con), "usersPerVariant[1]": int(n_exp),
        "usersPerVariantExact[0]": exact_con, "usersPerVariantExact[1]": exact_exp,
        "totalUsers": int(n_con + n_exp), "eventsNeeded": int(math.ceil(m)),
        "eventsNeededExact": m,
    }
    return {"id": cid, "fn": "planSampleSize", "input": inp, "expect": expect, "tol": TOL_CLOSED,
            "source": "lifelines 0.30.0 sample_size_necessary_under_cph; Freedman by hand"}


# ---------------------------------------------------------------- evaluateCsv cases
DAY_US, HOUR_US = 86_400_000_000, 3_600_000_000
BASE_S = 1_764_547_200  # 2025-12-01T00:00:00Z


def iso(sec):
    return pd.Timestamp(sec, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def durations_by_loop(rows, event, window_us, unit_us):
    """Route 2 of the durations: a plain loop over the rows in file order (SDK.md §4/§5:
    exposure = a user's first row; time = first `event` row at or after exposure and
    inside the window, minus exposure; else censored at min(window, last - exposure))."""
    exposed, first, order = {}, {}, []
    last = max(r["t_us"] for r in rows)
    for r in rows:
        u = r["user"]
        if u not in exposed:
            exposed[u] = (r["t_us"], r["variant"])
            order.append(u)
        t0 = exposed[u][0]
        inside = r["t_us"] >= t0 and (window_us is None or r["t_us"] - t0 < window_us)
        if r["event"] == event and inside and u not in first:
            first[u] = r["t_us"] - t0
    out = []
    for u in order:
        t0, v = exposed[u]
        if u in first:
            out.append((u, v, first[u] / unit_us, 1))
        else:
            obs = last - t0 if window_us is None else min(window_us, last - t0)
            out.append((u, v, max(obs, 0) / unit_us, 0))
    return out


def durations_by_pandas(rows, event, window_us, unit_us):
    """Route 1 of the durations: pandas groupby (first row per user, min matching time)."""
    df = pd.DataFrame(rows)
    df["pos"] = range(len(df))
    expo = df.sort_values("pos").groupby("user", sort=False).first()[["t_us", "variant"]]
    df = df.join(expo.rename(columns={"t_us": "t0", "variant": "v0"}), on="user")
    hit = df[(df["event"] == event) & (df["t_us"] >= df["t0"])]
    if window_us is not None:
        hit = hit[hit["t_us"] - hit["t0"] < window_us]
    firsts = hit.sort_values("pos").groupby("user").first()["t_us"]
    last = df["t_us"].max()
    out = {}
    for u, row in expo.iterrows():
        if u in firsts.index:
            out[u] = (row["variant"], (int(firsts[u]) - int(row["t_us"])) / unit_us, 1)
        else:
            obs = last - row["t_us"] if window_us is None else min(window_us, last - row["t_us"])
            out[u] = (row["variant"], max(int(obs), 0) / unit_us, 0)
    return out


def per_arm(durations):
    arms = {}
    for _u, v, t, e in durations:
        arms.setdefault(v, ([], []))
        arms[v][0].append(t)
        arms[v][1].append(e)
    return [(v, ts, es) for v, (ts, es) in arms.items()]


def csv_case(cid, csv_text, config, durations, horizon=None, unit=None, alpha=0.05, note="", segments=()):
    """An evaluateCsv case: the TimeToEventResult expected from lifelines (`analyze_case`,
    itself checked against our own loops) on the per-user durations, under kpis[0].timeToEvent;
    `result` (the analyze-shaped comparison) and the decision follow from it."""
    base = analyze_case(cid, per_arm(durations), horizon=horizon, unit=unit, alpha=alpha, note=note)
    expect = {f"kpis[0].timeToEvent.{k}": v for k, v in base["expect"].items()}
    ex = base["expect"]
    arms = per_arm(durations)
    for i in range(len(arms)):
        expect[f"kpis[0].result.variants[{i}].users"] = ex[f"variants[{i}].users"]
        expect[f"kpis[0].result.variants[{i}].mean"] = ex[f"variants[{i}].rmst"]
    for k in ("absoluteLift", "pValue", "significant", "verdict", "relativeLift"):
        expect[f"kpis[0].result.comparisons[0].{k}"] = ex[f"comparisons[0].{k}"]
    users = [len(t) for _, t, _ in arms]
    srm_p = float(scipy.stats.chisquare(users).pvalue)
    if len(arms) == 2:
        diff, sig = ex["comparisons[0].absoluteLift"], ex["comparisons[0].significant"]
        verdict = "do-not-ship" if sig and diff > 0 else ("ship" if sig and srm_p >= 0.001 else "inconclusive")
        expect["decision.verdict"] = verdict
    for s, (col, value, subset) in enumerate(segments):
        seg = analyze_case(f"{cid} {col}={value}", per_arm(subset), horizon=horizon, unit=unit, alpha=alpha)
        expect[f"segments[{s}].column"] = col
        expect[f"segments[{s}].value"] = value
        for k in ("horizon", "variants[0].rmst", "variants[1].rmst", "variants[0].users", "variants[1].users",
                  "comparisons[0].absoluteLift", "comparisons[0].pValue", "comparisons[0].logRankChiSquare"):
            expect[f"segments[{s}].kpis[0].timeToEvent.{k}"] = seg["expect"][k]
    return {"id": cid, "fn": "evaluateCsv", "input": {"csv": csv_text, "config": config}, "expect": expect,
            "tol": TOL_CLOSED, "tolPaths": {"hazardRatio": TOL_COX},
            "source": "lifelines 0.30.0 + survRM2 variance on per-user durations derived from the rows "
                      "by pandas and by a plain loop (they must agree); " + note}


def event_rows(rng, days, arms, view_rate=2.0):
    """Exposure, page views and purchases over `days`, sorted by time (file order = time).
    `arms`: variant -> (daily purchase rate, users); odd sizes keep S off an exact 0.5
    (where lifelines' float product and the exact answer can disagree: README)."""
    rows = []
    for v, (rate, n_per_arm) in arms.items():
        for k in range(n_per_arm):
            u = f"{v[0]}{k:04d}"
            t0 = BASE_S + int(rng.integers(0, days * 86400 // 3))
            rows.append({"user": u, "variant": v, "event": "exposure", "t": t0})
            for _ in range(int(rng.poisson(view_rate))):
                rows.append({"user": u, "variant": v, "event": "page_view", "t": t0 + int(rng.integers(0, days * 86400))})
            t = t0
            for _ in range(1 + int(rng.poisson(0.5))):  # first purchase, sometimes repeats
                t += int(rng.exponential(86400 / rate))
                if t < BASE_S + days * 86400:
                    rows.append({"user": u, "variant": v, "event": "purchase", "t": t})
    rows = [r for r in rows if r["t"] < BASE_S + days * 86400]
    rows.sort(key=lambda r: (r["t"], r["user"], r["event"] != "exposure"))
    # the exposure row must be each user's first (it is: its time is their earliest)
    for r in rows:
        r["t_us"] = r["t"] * 1_000_000
    return rows


def event_csv(rows, epoch=False):
    lines = ["user_id,variant,event_name,event_time,device"]
    for r in rows:
        ts = str(r["t"]) if epoch else iso(r["t"])
        lines.append(f"{r['user']},{r['variant']},{r['event']},{ts},{'mobile' if int(r['user'][1:]) % 3 else 'desktop'}")
    return "\n".join(lines) + "\n"


def check_durations(cid, rows, event, window_us, unit_us):
    loop = durations_by_loop(rows, event, window_us, unit_us)
    pd_ = durations_by_pandas(rows, event, window_us, unit_us)
    if len(loop) != len(pd_):
        fail(f"{cid}: {len(loop)} vs {len(pd_)} users")
    for u, v, t, e in loop:
        if pd_[u] != (v, t, e):
            fail(f"{cid} {u}: loop {(v, t, e)} vs pandas {pd_[u]}")
    return loop


def evaluate_cases():
    rng = np.random.default_rng(20261203)
    cases = []
    ttk = {"name": "time to convert", "role": "primary", "kind": "timeToEvent"}

    # 1. per user: a duration column (days) and a 0/1 event column, one row per user
    lines, durations = ["user_id,variant,days_to_convert,converted,device"], []
    for v, scale in (("control", 10.0), ("treatment", 7.0)):
        for k in range(300):
            t = float(np.round(rng.exponential(scale), 3))
            c = float(np.round(rng.uniform(5, 30), 3))
            d, e = (t, 1) if t <= c else (c, 0)
            dev = "mobile" if k % 3 else "desktop"
            lines.append(f"{v[0]}{k},{v},{d},{e},{dev}")
            durations.append((f"{v[0]}{k}", v, d, e, dev))
    csv_text = "\n".join(lines) + "\n"
    # route 2 of the per-user durations: re-read the CSV text by a plain split
    reread = [(f[0], f[1], float(f[2]), int(f[3])) for f in (ln.split(",") for ln in csv_text.splitlines()[1:])]
    if reread != [d[:4] for d in durations]:
        fail("tte-csv-per-user: CSV text does not round-trip")
    segs = [("device", dev, [d[:4] for d in durations if d[4] == dev]) for dev in ("mobile", "desktop")]
    # first appearance: c0 is desktop (0 % 3 == 0), c1 mobile -> desktop first
    segs = [segs[1], segs[0]]
    cases.append(csv_case("tte-csv-per-user", csv_text,
                          {"variantColumn": "variant", "segmentColumns": ["device"],
                           "kpis": [{**ttk, "column": "days_to_convert", "eventColumn": "converted"}]},
                          reread, note="per-user duration + event columns, days; device segments", segments=segs))

    # 2. per user, hours, explicit horizon, alpha 0.1
    lines, durations = ["user,arm,hours,purchased"], []
    for v, scale in (("control", 60.0), ("b", 50.0)):
        for k in range(200):
            t, c = int(np.ceil(rng.exponential(scale))), int(rng.integers(24, 200))
            d, e = (t, 1) if t <= c else (c, 0)
            lines.append(f"{v}{k},{v},{d},{'true' if e else 'false'}")
            durations.append((f"{v}{k}", v, float(d), e))
    csv_text = "\r\n".join(lines) + "\r\n"
    cases.append(csv_case("tte-csv-per-user-hours", csv_text,
                          {"variantColumn": "arm", "analysis": {"alpha": 0.1},
                           "kpis": [{**ttk, "column": "hours", "eventColumn": "purchased", "unit": "hours", "horizon": 150}]},
                          durations, horizon=150.0, unit="hours", alpha=0.1,
                          note="per-user hours with ties, true/false events, CRLF, horizon 150 h, alpha 0.1"))

    # 3. event level: purchases over 30 days, ISO timestamps, censored at the data's last timestamp
    rows = event_rows(rng, 30, {"control": (0.05, 251), "treatment": (0.08, 249)})
    durations = check_durations("tte-csv-events", rows, "purchase", None, DAY_US)
    purchase = {"column": "event_name", "equals": "purchase"}
    ev_config = {"variantColumn": "variant", "userColumn": "user_id", "timestampColumn": "event_time",
                 "kpis": [{**ttk, "where": purchase}]}
    cases.append(csv_case("tte-csv-events", event_csv(rows), ev_config, durations,
                          note="event level over 30 days: exposure = first row, time = first purchase - exposure"))

    # 4. event level with a 14-day window, epoch seconds, hours
    rows = event_rows(rng, 30, {"control": (0.06, 201), "treatment": (0.04, 199)})
    window = 14 * DAY_US
    durations = check_durations("tte-csv-events-window", rows, "purchase", window, HOUR_US)
    cfg = {"variantColumn": "variant", "userColumn": "user_id", "timestampColumn": "event_time",
           "timestampUnit": "s", "exposure": {"where": {"column": "event_name", "equals": "exposure"}},
           "kpis": [{**ttk, "where": purchase, "window": {"days": 14}, "unit": "hours"}]}
    cases.append(csv_case("tte-csv-events-window", event_csv(rows, epoch=True), cfg, durations, unit="hours",
                          note="event level, epoch seconds, 14-day window (censored at the window's end or the data's), hours"))
    return cases


def main():
    with open(os.path.join(HERE, "evaluate_cases.json"), "w") as f:
        json.dump(evaluate_cases(), f, indent=1)
        f.write("\n")
    rng = np.random.default_rng(20261202)
    cases = []

    def arm(n, scale, cens_scale, rounding=None, admin=None):
        t = rng.exponential(scale, n)
        c = rng.exponential(cens_scale, n) if cens_scale else np.full(n, np.inf)
        if admin is not None:
            c = np.minimum(c, admin)
        obs = np.minimum(t, c)
        ev = (t <= c).astype(int)
        if rounding is not None:
            obs = np.maximum(np.ceil(obs / rounding) * rounding, rounding)
        else:
            obs = np.round(obs, 6)
        return obs.tolist(), ev.tolist()

    # 1. textbook-sized, ties
    cases.append(analyze_case("tte-small-ties", [
        ("control", [1, 2, 2, 3, 4, 4, 5, 6, 8, 8], [1, 1, 0, 1, 1, 1, 0, 1, 0, 1]),
        ("treatment", [1, 1, 2, 3, 3, 3, 4, 6, 7, 9], [1, 1, 1, 1, 0, 1, 1, 0, 1, 0]),
    ], note="small arms with ties in both event and censoring times"))
    # 2. integer days with many ties
    a, b = arm(300, 12, 40, rounding=1, admin=30), arm(300, 9, 40, rounding=1, admin=30)
    cases.append(analyze_case("tte-days-ties", [("control", *a), ("treatment", *b)],
                              note="integer days, admin censoring at 30 days"))
    # 3. heavy censoring
    a, b = arm(200, 60, 8), arm(200, 40, 8)
    cases.append(analyze_case("tte-heavy-censoring", [("control", *a), ("treatment", *b)],
                              note="~85% censored, continuous times"))
    # 4. median never reached in one arm
    a, b = arm(150, 5, 30, admin=10), arm(150, 40, 30, admin=10)
    cases.append(analyze_case("tte-median-not-reached", [("control", *a), ("treatment", *b)],
                              note="treatment's survival stays above 0.5: median null"))
    # 5. tiny arm
    a = arm(120, 6, 20)
    cases.append(analyze_case("tte-tiny-arm", [("control", *a), ("variant", [0.5, 1.7, 2.2, 4.0, 9.3], [1, 0, 1, 1, 0])],
                              note="a 5-user arm"))
    # 6. unequal arms
    a, b = arm(400, 10, 25, rounding=0.5), arm(90, 7, 25, rounding=0.5)
    cases.append(analyze_case("tte-unequal-arms", [("control", *a), ("treatment", *b)],
                              note="400 vs 90 users, half-day ticks"))
    # 7. hours, explicit horizon
    a, b = arm(250, 72, 200, rounding=1), arm(250, 60, 200, rounding=1)
    cases.append(analyze_case("tte-hours-horizon", [("control", *a), ("treatment", *b)], unit="hours",
                              horizon=96.0, note="times in hours, horizon 96 h"))
    # 8. one-sided greater with higherIsBetter, alpha 0.1
    a, b = arm(180, 8, 30, rounding=1), arm(180, 11, 30, rounding=1)
    cases.append(analyze_case("tte-one-sided-greater", [("A", *a), ("B", *b)], control="A", alternative="greater",
                              alpha=0.1, higher_is_better=True, note="one-sided greater, alpha 0.1, higherIsBetter"))
    # 9. one-sided less
    a, b = arm(220, 10, 30, rounding=1), arm(220, 7, 30, rounding=1)
    cases.append(analyze_case("tte-one-sided-less", [("control", *a), ("faster", *b)], alternative="less",
                              note="one-sided less: converting sooner"))
    # 10. three arms
    a, b, c = arm(160, 10, 30, rounding=1), arm(160, 8, 30, rounding=1), arm(160, 12, 30, rounding=1)
    cases.append(analyze_case("tte-three-arms", [("control", *a), ("b", *b), ("c", *c)],
                              note="three arms; log-rank and Cox on each pair's users"))
    # 11. large: thinned curve (>200 distinct times)
    a, b = arm(800, 10, 30), arm(800, 8.5, 30)
    cases.append(analyze_case("tte-thinned-curve", [("control", *a), ("treatment", *b)],
                              note="800 users per arm, continuous times: curve thinned to 200 points"))
    # 12. survival reaching 0 (last observation an event), control listed second
    cases.append(analyze_case("tte-survival-to-zero", [
        ("treatment", [2, 3, 3, 5, 6, 7, 7, 9, 10, 12], [1, 1, 1, 0, 1, 1, 1, 0, 1, 1]),
        ("control", [1, 2, 4, 4, 5, 8, 9, 11, 13, 14], [1, 0, 1, 1, 1, 0, 1, 1, 1, 0]),
    ], note="treatment's curve drops to 0; control second"))

    cases += [
        plan_case("tte-plan-001", 0.35, 0.7),
        plan_case("tte-plan-002", 0.2, 0.8, alpha=0.01, power=0.9),
        plan_case("tte-plan-003", 0.5, 1.25),
        plan_case("tte-plan-004", 0.3, 0.75, allocation=[1, 2]),
    ]
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases; lifelines {lifelines.__version__}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, scipy {scipy.__version__}")


if __name__ == "__main__":
    main()
