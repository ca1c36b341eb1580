//! Small vocabulary shared by planning and analysis.

use serde::{Deserialize, Serialize};

/// The alternative hypothesis, as in scipy/statsmodels (`greater` = treatment above control).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Alternative {
    /// A difference in either direction.
    #[default]
    TwoSided,
    /// The treatment is above the control.
    Greater,
    /// The treatment is below the control.
    Less,
}
