//! Which variant is the control (SDK.md §3, also `analyze` without `control`):
//! the one given; else the one variant whose name, trimmed and in any case, is
//! one of `CONTROL_NAMES` (`control` wins if several match); else the first,
//! with the warning `CONTROL_ASSUMED` naming it. The choice is never silent.

use serde::{Deserialize, Serialize};

use super::types::Warning;

/// Names that mark a control, compared trimmed and case-insensitively.
pub const CONTROL_NAMES: [&str; 9] = ["control", "baseline", "original", "default", "a", "0", "v0", "off", "false"];

/// Why a variant is the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum ChosenBy {
    /// `control` / `analysis.control` named it.
    Given,
    /// Its name says so (`control`, `baseline`, `A`, …).
    Name,
    /// Nothing said which: the first variant (warning `CONTROL_ASSUMED`).
    First,
}

/// The control used and why (`Evaluation.control`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ControlInfo {
    pub name: String,
    pub chosen_by: ChosenBy,
}

/// The control's index among `names` and why, or `None` when `given` names no
/// variant (the caller words that error for its own field).
pub fn choose_control<S: AsRef<str>>(names: &[S], given: Option<&str>) -> Option<(usize, ChosenBy)> {
    if let Some(given) = given {
        return names.iter().position(|n| n.as_ref() == given).map(|i| (i, ChosenBy::Given));
    }
    // ASCII case folding: the control words are ASCII, and full Unicode tables cost wasm size.
    let key = |n: &S| n.as_ref().trim().to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| key(n) == "control") {
        return Some((i, ChosenBy::Name));
    }
    let mut matching = names.iter().enumerate().filter(|(_, n)| CONTROL_NAMES.contains(&key(n).as_str()));
    match (matching.next(), matching.next()) {
        (Some((i, _)), None) => Some((i, ChosenBy::Name)),
        // None, or several control-like names and none is "control": the first.
        _ => (!names.is_empty()).then_some((0, ChosenBy::First)),
    }
}

/// `CONTROL_ASSUMED`: what was taken as the control and how to say otherwise.
pub fn control_assumed(name: &str, field: &str) -> Warning {
    super::warning_text::control_assumed(name, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(names: &[&str], given: Option<&str>) -> Option<(usize, ChosenBy)> {
        choose_control(names, given)
    }

    #[test]
    fn given_control_wins_and_an_unknown_one_is_none() {
        assert_eq!(pick(&["control", "b"], Some("b")), Some((1, ChosenBy::Given)));
        assert_eq!(pick(&["control", "b"], Some("B")), None);
    }

    #[test]
    fn control_like_names_trimmed_any_case() {
        assert_eq!(pick(&["treatment", " Control "], None), Some((1, ChosenBy::Name)));
        assert_eq!(pick(&["B", "A"], None), Some((1, ChosenBy::Name)));
        for name in ["BASELINE", "original", "Default", "0", "V0", "off", "False"] {
            assert_eq!(pick(&["new", name], None), Some((1, ChosenBy::Name)), "{name}");
        }
        // "control" wins over other control-like names.
        assert_eq!(pick(&["a", "off", "CONTROL"], None), Some((2, ChosenBy::Name)));
    }

    #[test]
    fn otherwise_the_first_is_assumed() {
        assert_eq!(pick(&["blue", "green"], None), Some((0, ChosenBy::First)));
        // Two control-like names and neither is "control": ambiguous, the first.
        assert_eq!(pick(&["new", "a", "baseline"], None), Some((0, ChosenBy::First)));
        assert_eq!(pick(&[], None), None);
        let w = control_assumed("blue", "control");
        assert_eq!(w.code, "CONTROL_ASSUMED");
        assert!(w.message.contains("\"blue\"") && w.message.contains("set `control`"), "{}", w.message);
    }

    #[test]
    fn chosen_by_serializes_lowercase() {
        let info = ControlInfo { name: "A".into(), chosen_by: ChosenBy::First };
        assert_eq!(serde_json::to_string(&info).unwrap(), r#"{"name":"A","chosenBy":"first"}"#);
    }
}
