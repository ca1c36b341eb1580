//! A labelled form control with its hint and inline error. The input's id (and
//! name) equals its URL query key, so tests and links address the same thing.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// What the value means, e.g. "= 5 %"; shown under the input.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// "decimal" for numbers (a text input, so "0." and "2,000" survive typing).
    #[prop_or(AttrValue::Static("decimal"))]
    pub inputmode: AttrValue,
    #[prop_or_default]
    pub multiline: bool,
    /// The unit shown inside the field ("%", "points"); the label says it in words.
    #[prop_or_default]
    pub unit: Option<AttrValue>,
}

/// A unit as a screen reader should say it.
fn unit_words(unit: &str) -> &str {
    match unit {
        "%" => "percent",
        "points" => "percentage points",
        other => other,
    }
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let error_id = format!("{}-error", props.id);
    let hint_id = format!("{}-hint", props.id);
    let described_by = match (&props.error, &props.hint) {
        (Some(_), _) => Some(error_id.clone()),
        (None, Some(_)) => Some(hint_id.clone()),
        _ => None,
    };
    let invalid = props.error.as_ref().map(|_| "true");
    let control = if props.multiline {
        let oninput = props.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
        html! {
            <textarea id={props.id.clone()} name={props.id.clone()} rows="2" value={props.value.clone()}
                placeholder={props.placeholder.clone()} aria-invalid={invalid} aria-describedby={described_by} {oninput} />
        }
    } else {
        let oninput = props.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
        html! {
            <input type="text" id={props.id.clone()} name={props.id.clone()} value={props.value.clone()}
                inputmode={props.inputmode.clone()} autocomplete="off" spellcheck="false"
                placeholder={props.placeholder.clone()} aria-invalid={invalid} aria-describedby={described_by} {oninput} />
        }
    };
    let control = match &props.unit {
        Some(unit) => html! {
            <div class="with-unit">{ control }<span class="unit" aria-hidden="true">{ unit.clone() }</span></div>
        },
        None => control,
    };
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "has-error"))}>
            <label for={props.id.clone()}>
                { props.label.clone() }
                if let Some(unit) = &props.unit {
                    <span class="visually-hidden">{ format!(" (in {})", unit_words(unit)) }</span>
                }
            </label>
            { control }
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id} role="alert">{ error.clone() }</p>
            } else if let Some(hint) = &props.hint {
                <p class="field-hint" id={hint_id}>{ hint.clone() }</p>
            }
        </div>
    }
}

/// (value, label) pairs of static text as a `SelectField`'s options.
pub fn options(pairs: &[(&'static str, &'static str)]) -> Vec<(AttrValue, AttrValue)> {
    pairs.iter().map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l))).collect()
}

#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// (value, label) pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub onchange: Callback<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

#[function_component(SelectField)]
pub fn select_field(props: &SelectFieldProps) -> Html {
    let error_id = format!("{}-error", props.id);
    let onchange = props.onchange.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "has-error"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <select id={props.id.clone()} name={props.id.clone()} {onchange}
                aria-invalid={props.error.as_ref().map(|_| "true")}
                aria-describedby={props.error.as_ref().map(|_| error_id.clone())}>
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == props.value}>{ label.clone() }</option>
                }) }
            </select>
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id} role="alert">{ error.clone() }</p>
            } else if let Some(hint) = &props.hint {
                <p class="field-hint">{ hint.clone() }</p>
            }
        </div>
    }
}
