//! The core's enums as the app writes them: their serde names, for select
//! values, URL and CSV fields, CSS classes and report cells.

use kpilab_core::analyze::Verdict;
use kpilab_core::evaluate::{DecisionVerdict, KpiKind, KpiRole};

pub fn role_name(role: KpiRole) -> &'static str {
    match role {
        KpiRole::Primary => "primary",
        KpiRole::Secondary => "secondary",
        KpiRole::Guardrail => "guardrail",
    }
}

/// Every KPI kind, in the order the kind selects list them.
pub const KPI_KINDS: [KpiKind; 3] = [KpiKind::Conversion, KpiKind::Mean, KpiKind::Ratio];

/// A kind from its name; anything unknown is a conversion (the default KPI).
pub fn kind_from_name(name: &str) -> KpiKind {
    match name {
        "mean" => KpiKind::Mean,
        "ratio" => KpiKind::Ratio,
        _ => KpiKind::Conversion,
    }
}

pub fn kind_name(kind: KpiKind) -> &'static str {
    match kind {
        KpiKind::Conversion => "conversion",
        KpiKind::Mean => "mean",
        KpiKind::Ratio => "ratio",
    }
}

pub fn verdict_name(v: DecisionVerdict) -> &'static str {
    match v {
        DecisionVerdict::Ship => "ship",
        DecisionVerdict::DoNotShip => "do-not-ship",
        DecisionVerdict::KeepRunning => "keep-running",
        DecisionVerdict::Inconclusive => "inconclusive",
    }
}

/// A comparison's verdict as the reports, the badges and the chart classes write it.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Inconclusive => "inconclusive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_name<T: serde::Serialize>(value: T) -> String {
        serde_json::to_string(&value).unwrap().trim_matches('"').to_string()
    }

    #[test]
    fn names_are_the_serde_names() {
        for role in [KpiRole::Primary, KpiRole::Secondary, KpiRole::Guardrail] {
            assert_eq!(role_name(role), serde_name(role));
        }
        for kind in KPI_KINDS {
            assert_eq!(kind_name(kind), serde_name(kind));
            assert_eq!(kind_from_name(kind_name(kind)), kind);
        }
        for v in [
            DecisionVerdict::Ship,
            DecisionVerdict::DoNotShip,
            DecisionVerdict::KeepRunning,
            DecisionVerdict::Inconclusive,
        ] {
            assert_eq!(verdict_name(v), serde_name(v));
        }
        for v in [Verdict::Better, Verdict::Worse, Verdict::Inconclusive] {
            assert_eq!(verdict_word(v), serde_name(v));
        }
    }
}
