//! The answer of the Evaluate view: ship / do-not-ship / keep-running /
//! inconclusive with the core's reasons, the primary KPI's lift and p-value, the
//! SRM warning, the revenue projection, the next step (days left), every
//! adjustment in words and the exports. `DecisionSummary` is the one-line answer
//! that stays at the top of a phone's screen.

use std::rc::Rc;

use kpilab_core::analyze::Comparison;
use kpilab_core::analyze::{ChosenBy, WarningCode};
use kpilab_core::evaluate::{DecisionVerdict, Evaluation, KpiResult, KpiRole};
use yew::prelude::*;

use crate::models::result_context::ResultContext;
use crate::services::browser;
use crate::text::format::{group_thousands, p_value, percent, PercentStyle};
use crate::text::report;

#[derive(Properties, PartialEq)]
pub struct DecisionCardProps {
    pub evaluation: Rc<Evaluation>,
    /// File name, for the report and the downloads.
    pub source: AttrValue,
    /// The settings it was run with and the loaded plan.
    pub context: Rc<ResultContext>,
    /// Move the focus to each new decision (after Evaluate); false while typing totals.
    #[prop_or(true)]
    pub focus: bool,
}

/// The primary KPI and the comparison the decision names (else its first treatment).
fn primary_comparison(e: &Evaluation) -> (Option<&KpiResult>, Option<&Comparison>) {
    let primary = e.kpis.iter().find(|k| k.role == KpiRole::Primary);
    let comparison = primary.and_then(|k| {
        let named = e.decision.variant.as_ref().and_then(|v| k.result.comparisons.iter().find(|c| &c.variant == v));
        named.or(k.result.comparisons.first())
    });
    (primary, comparison)
}

/// The plan's focus warning, counting the primaries as evaluated.
fn focus_warning(ctx: &ResultContext) -> Option<String> {
    let primaries = ctx.config.kpis.iter().filter(|k| k.role == KpiRole::Primary).count();
    ctx.plan.as_ref()?.focus_warning(primaries)
}

#[derive(Properties, PartialEq)]
pub struct DecisionSummaryProps {
    pub evaluation: Rc<Evaluation>,
}

/// The answer in one line ("Ship it · conversion rate +9.1 % · p = 0.0412"), kept
/// at the top of a phone's screen while the details scroll below (CSS shows it
/// on narrow screens only). The card below says the same for screen readers.
#[function_component(DecisionSummary)]
pub fn decision_summary(props: &DecisionSummaryProps) -> Html {
    let e = &props.evaluation;
    let (primary, comparison) = primary_comparison(e);
    let evidence = comparison.map(report::evidence).unwrap_or_default();
    let lift = match (primary, comparison) {
        (Some(k), Some(c)) => format!("{} {}", k.name, report::relative_lift(c)),
        _ => String::new(),
    };
    html! {
        <div class={classes!("decision-summary", e.decision.verdict.as_str())} data-testid="decision-summary" aria-hidden="true">
            <strong>{ headline(e.decision.verdict) }</strong>
            if let Some(v) = &e.decision.variant { <span>{ format!("→ {v}") }</span> }
            if !lift.is_empty() { <span>{ lift }</span> }
            if !evidence.is_empty() { <span class="muted">{ evidence }</span> }
        </div>
    }
}

fn headline(v: DecisionVerdict) -> &'static str {
    match v {
        DecisionVerdict::Ship => "Ship it",
        DecisionVerdict::DoNotShip => "Do not ship",
        DecisionVerdict::KeepRunning => "Keep running",
        DecisionVerdict::Inconclusive => "Inconclusive",
    }
}

/// Why this variant is the control, in the words of the form.
fn control_reason(chosen_by: ChosenBy) -> &'static str {
    match chosen_by {
        ChosenBy::Given => "as set in Control variant",
        ChosenBy::Name => "recognised by its name",
        ChosenBy::First => "assumed: no variant is named like a control, so the first one in the file is used. If that is wrong, type the right one in Control variant",
    }
}

#[function_component(DecisionCard)]
pub fn decision_card(props: &DecisionCardProps) -> Html {
    let e = &props.evaluation;
    let d = &e.decision;
    let (primary, comparison) = primary_comparison(e);
    let next_step = report::next_step(e, &props.context);
    let adjustments = report::adjustments(e, &props.context);
    let focus = focus_warning(&props.context);
    let srm = primary.or(e.kpis.first()).map(|k| k.result.srm).filter(|s| s.mismatch);
    let stem = props.source.trim_end_matches(".csv").to_string();
    // On a phone the card sits below the settings: bring each new decision into view, and
    // move the keyboard and screen-reader focus to it (the answer to "Evaluate").
    let card = use_node_ref();
    {
        let (card, focus) = (card.clone(), props.focus);
        use_effect_with(props.evaluation.clone(), move |_| {
            if let Some(element) = card.cast::<web_sys::HtmlElement>().filter(|_| focus) {
                element.scroll_into_view_with_bool(true);
                let _ = element.focus();
            }
        });
    }

    let export_md = {
        let (e, source, stem) = (e.clone(), props.source.clone(), stem.clone());
        Callback::from(move |_: MouseEvent| {
            browser::download(&format!("{stem}-evaluation.md"), "text/markdown", &report::markdown(&e, &source));
        })
    };
    let export_csv = {
        let (e, stem) = (e.clone(), stem.clone());
        Callback::from(move |_: MouseEvent| {
            browser::download(&format!("{stem}-results.csv"), "text/csv", &report::csv(&e));
        })
    };

    html! {
        <section class={classes!("card", "decision-card", d.verdict.as_str())} data-testid="decision-card" ref={card}
            tabindex="-1" aria-labelledby="decision-title" aria-live="polite">
            if let Some(srm) = srm {
                <p class="srm-banner" role="alert" data-testid="srm-banner">
                    <strong>{ "Sample ratio mismatch. " }</strong>
                    { format!("Users are not split between the variants as expected (p = {}). The assignment may be broken: check it before trusting any result.", p_value(srm.p_value)) }
                </p>
            }
            <p class="decision-kicker">{ "Decision" }</p>
            <h2 id="decision-title" class="verdict">
                { headline(d.verdict) }
                // The SDK's code for tests and the exports: in the DOM, not on screen.
                <span class="verdict-code" data-testid="decision-verdict" aria-hidden="true">{ d.verdict.as_str() }</span>
                if let Some(v) = &d.variant {
                    <span class="verdict-variant">{ format!("→ {v}") }</span>
                }
            </h2>
            <p class={classes!("control-line", (e.control.chosen_by == ChosenBy::First).then_some("warning"))} data-testid="control-line">
                { "Control: " }<strong data-testid="control-name">{ e.control.name.clone() }</strong>
                { format!(" — {}.", control_reason(e.control.chosen_by)) }
            </p>
            if let (Some(k), Some(c)) = (primary, comparison) {
                <dl class="headline">
                    <div>
                        <dt>{ format!("{} lift ({} vs {})", k.name, c.variant, c.control) }</dt>
                        <dd data-testid="primary-lift" data-value={c.relative_lift.map(|x| x.to_string())}>
                            { report::relative_lift(c) }
                        </dd>
                    </div>
                    if let Some(p) = c.p_value {
                        <div>
                            <dt>{ "p-value" }</dt>
                            <dd data-testid="primary-p-value" data-value={p.to_string()}>{ p_value(p) }</dd>
                        </div>
                    }
                    if let Some(chance) = c.chance_to_beat_control {
                        <div>
                            <dt>{ "Chance to beat control" }</dt>
                            <dd data-testid="primary-chance">{ percent(chance, PercentStyle::Share) }</dd>
                        </div>
                    }
                    if let Some(r) = &e.revenue_impact {
                        <div>
                            <dt>{ "Revenue a year" }</dt>
                            <dd data-testid="revenue-impact">{ format!("{}{}", if r.annual > 0.0 { "+" } else { "" }, group_thousands(r.annual)) }</dd>
                        </div>
                    }
                </dl>
            }
            if let Some(r) = &e.revenue_impact {
                <p class="muted">{ format!("Revenue projection over a year: {} (95 % interval {} to {}).",
                    group_thousands(r.annual), group_thousands(r.ci[0]), group_thousands(r.ci[1])) }</p>
            }
            <ul class="reasons">
                { for d.reasons.iter().map(|r| html! { <li>{ r.clone() }</li> }) }
            </ul>
            if let Some(step) = next_step {
                <p class="next-step" data-testid="next-step">{ step }</p>
            }
            if let Some(focus) = focus {
                <p class="plan-focus" data-testid="plan-focus">{ focus }</p>
            }
            if !adjustments.is_empty() {
                <div class="adjustments" data-testid="adjustments">
                    <h3>{ "How these numbers were computed" }</h3>
                    <ul>{ for adjustments.into_iter().map(|a| html! { <li>{ a }</li> }) }</ul>
                </div>
            }
            // CONTROL_ASSUMED is said by the control line above.
            { for e.warnings.iter().filter(|w| w.code != WarningCode::ControlAssumed).map(|w| html! {
                <p class="warning" data-testid="evaluation-warning" data-code={w.code.as_str()}>{ w.message.clone() }</p>
            }) }
            // The result page's actions; a "Share results" button belongs here too.
            <div class="actions" data-testid="decision-actions">
                <button type="button" data-testid="export-markdown" onclick={export_md}>{ "Download report (Markdown)" }</button>
                <button type="button" data-testid="export-csv" onclick={export_csv}>{ "Download results (CSV)" }</button>
            </div>
        </section>
    }
}
