//! "Share results": a link whose `#` fragment carries the config and the run's
//! aggregates (services::share), never a data row, shown with a copy button.

use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::services::share::SharedResult;

#[derive(Properties, PartialEq)]
pub struct ShareResultsProps {
    pub shared: Rc<SharedResult>,
}

/// The page's address without query or fragment: the link opens the shared view.
fn page_base() -> String {
    web_sys::window()
        .and_then(|w| Some(format!("{}{}", w.location().origin().ok()?, w.location().pathname().ok()?)))
        .unwrap_or_default()
}

#[function_component(ShareResults)]
pub fn share_results(props: &ShareResultsProps) -> Html {
    // The link, or why it could not be made; None until asked (and again for a new result).
    let link = use_state(|| None::<Result<String, String>>);
    {
        let link = link.clone();
        use_effect_with(props.shared.clone(), move |_| link.set(None));
    }
    let onclick = {
        let (link, shared) = (link.clone(), props.shared.clone());
        Callback::from(move |_: MouseEvent| {
            let (link, shared) = (link.clone(), shared.clone());
            spawn_local(async move {
                link.set(Some(shared.to_fragment().await.map(|f| format!("{}{f}", page_base()))));
            });
        })
    };
    let copy_text = {
        let link = link.clone();
        Callback::from(move |_| link.as_ref().and_then(|l| l.as_ref().ok()).cloned().unwrap_or_default())
    };
    html! {
        <section class="card share-card" aria-labelledby="share-title">
            <h2 id="share-title">{ "Share results" }</h2>
            <p class="muted">{ "A link that opens this result page anywhere, even offline. It carries the settings and the per-variant and per-segment sums, never a row of your file, and stays in the part of the address browsers never send." }</p>
            <button type="button" data-testid="share-results" {onclick}>{ "Make a share link" }</button>
            { match &*link {
                Some(Ok(url)) => html! {
                    <div class="field share-link">
                        <label for="share-link">{ "Share link" }</label>
                        <input type="text" id="share-link" readonly=true value={url.clone()} data-testid="share-link" />
                        <CopyButton label="Copy link" text={copy_text} id={AttrValue::Static("copy-share-link")} />
                    </div>
                },
                Some(Err(message)) => html! { <p class="form-error" role="alert">{ message.clone() }</p> },
                None => html! {},
            } }
        </section>
    }
}
