//! kpilab web app (placeholder page; the planner view is being written).
use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! { <main><h1>{ "kpilab" }</h1></main> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
