//! Event-level exports (GA4, Segment, Amplitude, Mixpanel, a shop's order log):
//! one row per event, not per user (SDK.md §4). Recognised in the preview by an
//! event-name column, a timestamp column (named like one, and its values read as
//! timestamps by the core's own parser) and a user column. The event names found
//! and the numeric columns filled only on some events (GA4's `purchase_revenue`)
//! become the column mapper's choices.

use kpilab_core::csv::{parse_timestamp, TimestampUnit};

use crate::models::column_names::normalize;

/// Event-name columns: GA4 / Segment track exports, Amplitude, Mixpanel, generic.
const EVENT_NAMES: &[&str] = &["event_name", "event", "event_type", "event_action", "action", "type"];
/// Timestamp columns, best first (GA4's `event_timestamp` in µs before its `event_date`).
const TIMESTAMP_NAMES: &[&str] = &[
    "event_timestamp",
    "timestamp",
    "event_time",
    "time",
    "ts",
    "datetime",
    "date_time",
    "event_datetime",
    "occurred_at",
    "created_at",
    "received_at",
    "original_timestamp",
    "sent_at",
    "client_event_time",
    "server_upload_time",
    "event_date",
    "date",
];
/// User columns of event exports, best first: the pseudonymous id an experiment
/// assigns on comes before a `user_id` that is empty for logged-out visitors.
const USER_NAMES: &[&str] = &[
    "user_pseudo_id",
    "distinct_id",
    "anonymous_id",
    "amplitude_id",
    "device_id",
    "user_id",
    "userid",
    "visitor_id",
    "visitorid",
    "client_id",
    "customer_id",
    "uid",
    "user",
];
/// Event names kept from the preview (a GA4 property uses a few dozen).
const MAX_EVENTS: usize = 100;
/// Epoch values must land between 2000 and 2100: GA4's `event_date` (20240131)
/// read as seconds is 1970, a date written as a number, not a time.
const PLAUSIBLE_US: std::ops::Range<i64> = 946_684_800_000_000..4_102_444_800_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct EventFile {
    pub event_column: String,
    pub timestamp_column: String,
    pub user_column: String,
    /// Event names in the preview, most rows first (first appearance on a tie).
    pub events: Vec<EventCount>,
    /// Numeric columns filled on some rows only, with the events of those rows.
    pub valued_columns: Vec<ValuedColumn>,
    /// Every column of the file, in header order.
    pub header: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventCount {
    pub name: String,
    /// Rows of this event in the preview.
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValuedColumn {
    pub column: String,
    /// The events of the rows that fill it, most rows first.
    pub events: Vec<String>,
}

impl EventFile {
    pub fn has_event(&self, name: &str) -> bool {
        self.events.iter().any(|e| e.name == name)
    }

    /// The event a conversion most likely means: `purchase` when there is one, else the rarest.
    pub fn likely_goal(&self) -> Option<&str> {
        if self.has_event("purchase") {
            return Some("purchase");
        }
        self.events.last().map(|e| e.name.as_str())
    }
}

/// The event-level structure of the sampled records, if they have one.
pub fn detect(header: &[String], rows: &[Vec<String>]) -> Option<EventFile> {
    let column = |i: usize| rows.iter().map(move |r| r[i].trim());
    let filled = |i: usize| column(i).filter(|v| !v.is_empty()).count();
    let mostly_filled = |i: usize| !rows.is_empty() && filled(i) * 100 >= rows.len() * 95;
    let by_name = |names: &[&str], ok: &dyn Fn(usize) -> bool| {
        names.iter().find_map(|n| (0..header.len()).find(|&i| normalize(&header[i]) == *n && ok(i)))
    };

    let text = |i: usize| column(i).any(|v| !v.is_empty() && v.parse::<f64>().is_err());
    let event = by_name(EVENT_NAMES, &|i| mostly_filled(i) && text(i))?;
    let timestamps = |i: usize| {
        let (mut seen, mut good) = (0usize, 0usize);
        for v in column(i).filter(|v| !v.is_empty()) {
            seen += 1;
            good += usize::from(
                parse_timestamp(v.as_bytes(), TimestampUnit::Auto).is_some_and(|t| PLAUSIBLE_US.contains(&t)),
            );
        }
        seen > 0 && good * 100 >= seen * 95
    };
    let iso = |i: usize| column(i).filter(|v| !v.is_empty()).all(|v| v.len() >= 10 && v.as_bytes()[4] == b'-');
    let time = by_name(TIMESTAMP_NAMES, &|i| i != event && mostly_filled(i) && timestamps(i))
        // Any other column of ISO dates will do (a "when" column); plain numbers need a name.
        .or_else(|| (0..header.len()).find(|&i| i != event && mostly_filled(i) && iso(i) && timestamps(i)))?;
    let user = by_name(USER_NAMES, &|i| i != event && i != time && mostly_filled(i))?;

    let mut events: Vec<EventCount> = Vec::new();
    for name in column(event).filter(|v| !v.is_empty()) {
        match events.iter().position(|e| e.name == name) {
            Some(at) => events[at].rows += 1,
            None if events.len() < MAX_EVENTS => events.push(EventCount { name: name.to_string(), rows: 1 }),
            None => {}
        }
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.rows)); // stable: first appearance on a tie

    let valued_columns = (0..header.len())
        .filter(|&i| ![event, time, user].contains(&i))
        .filter(|&i| (1..rows.len()).contains(&filled(i)))
        .filter(|&i| column(i).all(|v| v.is_empty() || v.parse::<f64>().is_ok_and(f64::is_finite)))
        .map(|i| {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for r in rows.iter().filter(|r| !r[i].trim().is_empty()) {
                let name = r[event].trim();
                match counts.iter_mut().find(|(n, _)| n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name.to_string(), 1)),
                }
            }
            counts.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
            ValuedColumn { column: header[i].clone(), events: counts.into_iter().map(|(n, _)| n).collect() }
        })
        .collect();

    Some(EventFile {
        event_column: header[event].clone(),
        timestamp_column: header[time].clone(),
        user_column: header[user].clone(),
        events,
        valued_columns,
        header: header.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut lines = csv.lines().map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
        let header = lines.next().unwrap();
        (header, lines.collect())
    }

    #[test]
    fn a_ga4_export_is_recognised() {
        let (h, rows) = records(
            "event_date,event_timestamp,event_name,user_id,user_pseudo_id,variant,purchase_revenue,device\n\
             20240601,1717200000000000,page_view,,p1,control,,mobile\n\
             20240601,1717200001000000,add_to_cart,,p1,control,,mobile\n\
             20240601,1717200002000000,purchase,u9,p1,control,12.5,mobile\n\
             20240601,1717200003000000,page_view,,p2,treatment,,desktop\n\
             20240601,1717200004000000,page_view,,p2,treatment,,desktop",
        );
        let f = detect(&h, &rows).unwrap();
        assert_eq!(
            (f.event_column.as_str(), f.timestamp_column.as_str(), f.user_column.as_str()),
            ("event_name", "event_timestamp", "user_pseudo_id")
        );
        let names: Vec<(&str, usize)> = f.events.iter().map(|e| (e.name.as_str(), e.rows)).collect();
        assert_eq!(names, [("page_view", 3), ("add_to_cart", 1), ("purchase", 1)]);
        assert_eq!(
            f.valued_columns,
            [ValuedColumn { column: "purchase_revenue".into(), events: vec!["purchase".into()] }]
        );
        assert_eq!(f.likely_goal(), Some("purchase"));
    }

    #[test]
    fn iso_times_and_other_names() {
        let (h, rows) = records(
            "when,anonymousId,event,group\n2024-06-01T10:00:00Z,a,Order Completed,A\n2024-06-01T11:00:00+02:00,b,Page Viewed,B",
        );
        let f = detect(&h, &rows).unwrap();
        assert_eq!((f.timestamp_column.as_str(), f.user_column.as_str()), ("when", "anonymousId"));
        // The rarest event when there is no purchase (ties: the later one).
        assert_eq!(f.likely_goal(), Some("Page Viewed"));
    }

    #[test]
    fn a_per_user_file_is_not_an_event_file() {
        let (h, rows) = records("user_id,variant,converted,revenue\nu1,A,1,3\nu2,B,0,0");
        assert_eq!(detect(&h, &rows), None);
        // A date number is no timestamp: 20240601 as epoch seconds is 1970.
        let (h, rows) = records("event_date,user_pseudo_id,event_name\n20240601,p1,purchase\n20240602,p2,page_view");
        assert_eq!(detect(&h, &rows), None);
    }
}
