// Each line below must be a compile error: tsc fails if any of them compiles.
import { planSampleSize, analyze, evaluateCsv, toSql } from "kpilab";

// @ts-expect-error misspelled field (mdeTyp for mdeType)
planSampleSize({ metric: { kind: "proportion", baseline: 0.05 }, mde: 0.1, mdeTyp: "relative" });

// @ts-expect-error unknown metric kind
planSampleSize({ metric: { kind: "percentage", baseline: 0.05 }, mde: 0.1 });

// @ts-expect-error users must be a number
analyze({ metric: "proportion", variants: [{ name: "A", users: "1000", conversions: 5 }] });

// @ts-expect-error results are typed: there is no `pvalue` (it is pValue)
analyze({ metric: "proportion", variants: [] }).comparisons[0].pvalue;

// @ts-expect-error warning codes are a closed union: "SMR" is not one (SRM is)
const misspelled: import("kpilab").WarningCode = "SMR";

// @ts-expect-error relativeInterval is "fieller" or "delta"
analyze({ metric: "proportion", variants: [], relativeInterval: "wald" });

// @ts-expect-error a result's control says how it was chosen: "first", "name" or "given"
const chosen: import("kpilab").ChosenBy = "guessed";

// @ts-expect-error a mean variant needs its moments: `sumSquares` is missing
analyze({ metric: "mean", variants: [{ name: "A", users: 100, sum: 250 }, { name: "B", users: 100, sum: 270, sumSquares: 900 }] });

// @ts-expect-error a mean variant needs its moments: conversions are not a mean's data
analyze({ metric: "mean", variants: [{ name: "A", users: 100, conversions: 5 }] });

// @ts-expect-error a ratio variant needs numerator, denominator and crossSum
analyze({ metric: "ratio", variants: [{ name: "A", users: 100, numerator: { sum: 5, sumSquares: 9 }, denominator: { sum: 4, sumSquares: 6 } }] });

// @ts-expect-error a conversion KPI needs its column
evaluateCsv("variant,converted\n", { variantColumn: "variant", kpis: [{ name: "Conversion", role: "primary", kind: "conversion" }] });

// @ts-expect-error a ratio KPI names a numerator and a denominator, not a column
evaluateCsv("variant,revenue\n", { variantColumn: "variant", kpis: [{ name: "AOV", role: "primary", kind: "ratio", column: "revenue" }] });

import { kpiPresets } from "kpilab";
// @ts-expect-error no such preset (conversionRate)
kpiPresets.conversion();

// @ts-expect-error toSql's dialect is one of the six warehouses
toSql({ variantColumn: "v", kpis: [] }, { dialect: "oracle", table: "t" });
// @ts-expect-error a per-user time-to-event KPI needs eventColumn next to column
evaluateCsv("variant,days\n", { variantColumn: "variant", kpis: [{ name: "TTC", role: "primary", kind: "timeToEvent", column: "days" }] });
// @ts-expect-error converting sooner is better: higherIsBetter can only be false
evaluateCsv("variant,days,e\n", { variantColumn: "variant", kpis: [{ name: "TTC", role: "primary", kind: "timeToEvent", column: "days", eventColumn: "e", higherIsBetter: true }] });
