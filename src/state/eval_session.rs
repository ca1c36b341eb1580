//! The Evaluate form kept across Plan and Evaluate: the mapping as the user left it
//! and the file it was made for, as JSON in the tab's session storage
//! (services::session). The file itself cannot be kept, so the mapping comes back
//! when that file is read again (the sample is read again on its own).

use serde::{Deserialize, Serialize};

use crate::state::eval_form::EvalForm;

/// The session storage key; v2 keeps α in percent ("5"), so a v1 form's "0.05" is not read as 0.05 %.
pub const KEY: &str = "kpilab.evaluate.v2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptForm {
    /// The file's name when the mapping was made ("sample.csv" for the sample data).
    pub source: String,
    pub form: EvalForm,
}

impl KeptForm {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// None for anything that is not a kept form (an older build's, a hand-edited one).
    pub fn from_json(text: &str) -> Option<KeptForm> {
        serde_json::from_str(text).ok()
    }

    /// True for the same file again: its name, and every column the mapping names is
    /// one of `columns`. Only then is it used instead of the automatic mapping (the
    /// sample's one-click evaluation uses the automatic one, so another file's mapping
    /// must not replace it).
    pub fn fits(&self, source: &str, columns: &[String]) -> bool {
        let f = &self.form;
        if source != self.source {
            return false;
        }
        let kpi_columns = f.kpis.iter().flat_map(|k| [&k.column, &k.numerator, &k.denominator, &k.covariate]);
        [&f.variant_column, &f.user_column]
            .into_iter()
            .chain(kpi_columns)
            .chain(f.segment_columns.iter())
            .filter(|c| !c.is_empty())
            .all(|c| columns.contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::eval_form::KpiDraft;
    use kpilab_core::evaluate::{KpiKind, KpiRole};

    fn kept() -> KeptForm {
        let mut form = EvalForm { variant_column: "arm".into(), user_column: "uid".into(), ..EvalForm::default() };
        let mut kpi = KpiDraft::new("checkout", KpiRole::Primary, KpiKind::Conversion);
        kpi.column = "bought".into();
        form.kpis.push(kpi);
        form.segment_columns.push("device".into());
        KeptForm { source: "export.csv".into(), form }
    }

    #[test]
    fn round_trips_through_json() {
        let k = kept();
        assert_eq!(KeptForm::from_json(&k.to_json()), Some(k));
        assert_eq!(KeptForm::from_json("{\"source\":1}"), None);
        assert_eq!(KeptForm::from_json(""), None);
    }

    #[test]
    fn fits_only_files_with_every_named_column() {
        let columns = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(kept().fits("export.csv", &columns(&["uid", "arm", "bought", "device", "extra"])));
        assert!(!kept().fits("export.csv", &columns(&["uid", "arm", "bought"])));
        assert!(!kept().fits("other.csv", &columns(&["uid", "arm", "bought", "device"])));
    }
}
