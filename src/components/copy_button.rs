//! A button that copies text to the clipboard. When the clipboard API is missing
//! or refused, the text appears selected in a box so it can be copied by hand.

use gloo::timers::callback::Timeout;
use web_sys::HtmlTextAreaElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::services::clipboard;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub label: AttrValue,
    /// Produces the text at click time (e.g. the current URL).
    pub text: Callback<(), String>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[function_component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let status = use_state(|| None::<&'static str>);
    let fallback = use_state(|| None::<String>);
    let fallback_ref = use_node_ref();

    let onclick = {
        let (status, fallback, text) = (status.clone(), fallback.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let content = text.emit(());
            let (status, fallback) = (status.clone(), fallback.clone());
            spawn_local(async move {
                if clipboard::copy_to_clipboard(&content).await {
                    fallback.set(None);
                    status.set(Some("Copied"));
                    let status = status.clone();
                    Timeout::new(2_000, move || status.set(None)).forget();
                } else {
                    status.set(Some("Copy it from the box below"));
                    fallback.set(Some(content));
                }
            });
        })
    };

    // Select the fallback text so Ctrl+C / ⌘C is all that is left to do.
    {
        let fallback_ref = fallback_ref.clone();
        use_effect_with((*fallback).clone(), move |shown| {
            if shown.is_some() {
                if let Some(area) = fallback_ref.cast::<HtmlTextAreaElement>() {
                    let _ = area.focus();
                    area.select();
                }
            }
        });
    }

    html! {
        <div class="copy">
            <button type="button" id={props.id.clone()} {onclick}>{ props.label.clone() }</button>
            <span class="copy-status" aria-live="polite">{ status.unwrap_or("") }</span>
            if let Some(text) = &*fallback {
                <textarea class="copy-fallback" readonly=true rows="3" aria-label="Text to copy" ref={fallback_ref} value={text.clone()} />
            }
        </div>
    }
}
