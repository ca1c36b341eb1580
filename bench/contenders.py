"""What an analyst would run on the bench file: pandas read_csv + groupby + scipy,
and polars (2 threads). Prints `name<TAB>best seconds` per contender."""
import sys
import time

import pandas as pd
import polars as pl
from scipy import stats

path = sys.argv[1]


def moments_pandas():
    df = pd.read_csv(path)
    df["rev2"] = df.revenue**2
    df["xy"] = df.revenue * df.pre_revenue
    cols = ["converted", "revenue", "rev2", "pre_revenue", "xy", "orders"]
    by_variant = df.groupby("variant")[cols].agg(["sum", "count"])
    df.groupby(["variant", "device"])[cols].sum()
    c, t = by_variant.loc["control"], by_variant.loc["treatment"]
    stats.ttest_ind_from_stats(
        t[("revenue", "sum")] / t[("revenue", "count")], 1.0, t[("revenue", "count")],
        c[("revenue", "sum")] / c[("revenue", "count")], 1.0, c[("revenue", "count")], equal_var=False,
    )


def moments_polars():
    df = pl.read_csv(path)
    exprs = [
        pl.len().alias("users"),
        pl.col("converted").sum(),
        pl.col("revenue").sum(),
        (pl.col("revenue") ** 2).sum().alias("rev2"),
        pl.col("pre_revenue").sum(),
        (pl.col("revenue") * pl.col("pre_revenue")).sum().alias("xy"),
        pl.col("orders").sum(),
    ]
    df.group_by("variant").agg(exprs)
    df.group_by(["variant", "device"]).agg(exprs)


for name, fn in [("pandas read_csv + groupby + scipy", moments_pandas), ("polars read_csv + group_by (2 threads)", moments_polars)]:
    fn()  # warm-up (imports, caches)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    print(f"{name}\t{min(runs)}", flush=True)
