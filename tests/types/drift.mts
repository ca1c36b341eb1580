// The hand-written input unions (crates/kpilab-wasm/src/input_types.rs) against
// the interfaces tsify generates from the Rust structs (`*Fields`): tsc fails
// here when a Rust field is missing from every member of a union, when a member
// invents a field Rust does not have or gives it another type, or when a kind
// (MetricKind, KpiKind) has no member.
import type {
  Variant, VariantFields, MetricKind,
  AnalyzeInput, AnalyzeInputFields,
  KpiSpec, KpiSpecFields, KpiKind,
} from "kpilab";

/** The keys of any member of a union. */
type KeysOfAny<U> = U extends unknown ? keyof U : never;
/** true only when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// every field of the Rust struct is in some member, and no member has another
export const variantKeys: Same<KeysOfAny<Variant>, keyof VariantFields> = true;
export const analyzeKeys: Same<KeysOfAny<AnalyzeInput>, keyof AnalyzeInputFields> = true;
export const kpiKeys: Same<KeysOfAny<KpiSpec>, keyof KpiSpecFields> = true;

// every member is a valid value of the Rust struct (field types agree)
export const variantTypes = (v: Variant): VariantFields => v;
export const analyzeTypes = (a: AnalyzeInput): AnalyzeInputFields => a;
export const kpiTypes = (k: KpiSpec): KpiSpecFields => k;

// every kind of the Rust enum has a member
export const metrics: Same<AnalyzeInput["metric"], MetricKind> = true;
export const kinds: Same<KpiSpec["kind"], KpiKind> = true;

// EvalConfig.decimal is the "." | "," union (crates/kpilab-core/src/csv/number.rs, Decimal)
import type { EvalConfig } from "kpilab";
export const decimals: Same<EvalConfig["decimal"], "." | "," | undefined> = true;
