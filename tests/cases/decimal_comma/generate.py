"""One shop export written three ways, and what pandas reads from it.

- shop_dot.csv:   "," separated, "." decimals (the plain CSV)
- shop_comma.csv: ";" separated, "," decimals, thousands grouped with "." in half the
                  large amounts (as a German/French spreadsheet exports it)
- shop.xlsx:      the same rows as numbers and dates (openpyxl), on sheet "Data",
                  with a second sheet "Notes" so the app offers a sheet picker
- expected.json:  per variant: users, conversions, mean and sd (ddof=1) of revenue
                  and pre_revenue, read by pandas read_csv(sep=";", decimal=",",
                  thousands=".") from shop_comma.csv, checked against a second route
                  (csv module, the comma rewritten by hand, math.fsum) and against the
                  dot file; the generator stops when they disagree.

Run: python3 generate.py   (pandas 3.1.1, openpyxl 3.1.5, numpy 2.4.6; deterministic)
"""
import csv, datetime, io, json, math, random, statistics, sys

import openpyxl
import pandas as pd

HERE = sys.path[0]
N = 2000
rng = random.Random(16)
start = datetime.datetime(2026, 11, 2, 8, 0, 0)

rows = []
for i in range(N):
    variant = "control" if rng.random() < 0.5 else "treatment"
    p = 0.06 if variant == "control" else 0.075
    converted = 1 if rng.random() < p else 0
    orders = rng.choice([1, 1, 1, 2, 3]) if converted else 0
    revenue = round(rng.lognormvariate(4.0, 1.1) * orders, 2) if converted else 0.0
    pre = round(rng.lognormvariate(3.5, 1.3), 2) if rng.random() < 0.4 else 0.0
    seen = start + datetime.timedelta(seconds=rng.randrange(0, 14 * 86400))
    device = rng.choice(["mobile", "mobile", "desktop", "tablet"])
    rows.append(dict(user_id=f"u{i + 1:05d}", variant=variant, device=device, first_seen=seen,
                     converted=converted, orders=orders, revenue=revenue, pre_revenue=pre))
assert max(r["revenue"] for r in rows) >= 1000, "the comma file must exercise thousands groups"

HEADER = ["user_id", "variant", "device", "first_seen", "converted", "orders", "revenue", "pre_revenue"]

def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S")

def dot(x):
    return f"{x:.2f}"

def comma(x, i):
    whole, cents = f"{x:.2f}".split(".")
    if len(whole) > 3 and i % 2 == 0:  # 1.234,56 in half the rows, 1234,56 in the other half
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = ".".join([whole] + groups)
    return f"{whole},{cents}"

def write(name, sep, fmt):
    with open(f"{HERE}/{name}", "w", newline="") as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\n")
        w.writerow(HEADER)
        for i, r in enumerate(rows):
            w.writerow([r["user_id"], r["variant"], r["device"], iso(r["first_seen"]), r["converted"],
                        r["orders"], fmt(r["revenue"], i), fmt(r["pre_revenue"], i)])

write("shop_dot.csv", ",", lambda x, i: dot(x))
write("shop_comma.csv", ";", comma)

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Data"
ws.append(HEADER)
for r in rows:
    ws.append([r[h] for h in HEADER])
for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
    row[0].number_format = "yyyy-mm-dd hh:mm:ss"
notes = wb.create_sheet("Notes")
notes.append(["Exported from the shop on 2026-11-16 (one row per user)"])
wb.properties.created = datetime.datetime(2026, 11, 16)  # byte-stable output
wb.properties.modified = datetime.datetime(2026, 11, 16)
buf = io.BytesIO()
wb.save(buf)
# Byte-stable: the same entries with a fixed zip time stamp.
import zipfile
with zipfile.ZipFile(buf) as src, zipfile.ZipFile(f"{HERE}/shop.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2026, 11, 16, 0, 0, 0)), src.read(item.filename),
                     compress_type=zipfile.ZIP_DEFLATED)

# Route 1: pandas, the decimal-comma file.
df = pd.read_csv(f"{HERE}/shop_comma.csv", sep=";", decimal=",", thousands=".")
assert df["revenue"].dtype == "float64" and df["pre_revenue"].dtype == "float64"
order = list(dict.fromkeys(df["variant"]))
expected = {"variants": []}
for name in order:
    g = df[df["variant"] == name]
    expected["variants"].append({
        "name": name,
        "users": int(len(g)),
        "conversions": int(g["converted"].sum()),
        "revenueMean": float(g["revenue"].mean()),
        "revenueSd": float(g["revenue"].std(ddof=1)),
        "preRevenueMean": float(g["pre_revenue"].mean()),
        "preRevenueSd": float(g["pre_revenue"].std(ddof=1)),
    })

# Route 2: the csv module, each comma field rewritten by hand, math.fsum.
def by_hand(field):
    whole, _, frac = field.partition(",")
    return float(whole.replace(".", "") + "." + (frac or "0"))

with open(f"{HERE}/shop_comma.csv", newline="") as f:
    recs = list(csv.DictReader(f, delimiter=";"))
with open(f"{HERE}/shop_dot.csv", newline="") as f:
    dots = list(csv.DictReader(f))
for r, d in zip(recs, dots, strict=True):
    for col in ("revenue", "pre_revenue"):
        assert by_hand(r[col]) == float(d[col]), (r[col], d[col])

def mean_sd(xs):
    m = math.fsum(xs) / len(xs)
    return m, math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1))

for v in expected["variants"]:
    sub = [r for r in recs if r["variant"] == v["name"]]
    assert len(sub) == v["users"] and sum(int(r["converted"]) for r in sub) == v["conversions"]
    for col, key in (("revenue", "revenue"), ("pre_revenue", "preRevenue")):
        m, sd = mean_sd([by_hand(r[col]) for r in sub])
        assert math.isclose(m, v[key + "Mean"], rel_tol=1e-12), (col, m, v)
        assert math.isclose(sd, v[key + "Sd"], rel_tol=1e-12), (col, sd, v)

expected["provenance"] = (
    f"pandas {pd.__version__} read_csv(sep=';', decimal=',', thousands='.') of shop_comma.csv; "
    "checked by the csv module with the comma rewritten by hand and math.fsum (rel 1e-12)"
)
with open(f"{HERE}/expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print(json.dumps(expected, indent=1))
