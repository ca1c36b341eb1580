//! The result page's cards in one order, for a run of a file (pages::evaluate),
//! a warehouse query's result (pages::warehouse) and a shared link (share_view).

use std::rc::Rc;

use kpilab_core::evaluate::Evaluation;
use yew::prelude::*;

use crate::components::data_quality::DataQualityPanel;
use crate::components::decision_card::{DecisionCard, DecisionSummary};
use crate::components::kpi_results::KpiResults;
use crate::components::row_report::RowReportView;
use crate::components::segment_table::SegmentTable;
use crate::models::result_context::ResultContext;
use crate::text::report::interval_level;

/// The result page's cards, as the Evaluate view shows them after a run; `share` sits under the decision.
pub fn result_page(evaluation: &Rc<Evaluation>, context: &Rc<ResultContext>, source: &str, share: Html) -> Html {
    let kinds = context.config.kpis.iter().map(|k| (k.name.clone(), k.kind)).collect::<Vec<_>>();
    html! {
        <>
            <DecisionSummary evaluation={evaluation.clone()} />
            <DecisionCard evaluation={evaluation.clone()} source={AttrValue::from(source.to_string())} context={context.clone()} />
            { share }
            <DataQualityPanel evaluation={evaluation.clone()} />
            <KpiResults kpis={Rc::new(evaluation.kpis.clone())} kinds={Rc::new(kinds)}
                exploratory={Rc::new(context.exploratory.clone())}
                level={interval_level(context.config.analysis.options.alpha)} />
            <SegmentTable segments={Rc::new(evaluation.segments.clone())} />
            <RowReportView rows={evaluation.rows.clone()} />
        </>
    }
}
