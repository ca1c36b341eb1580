//! Event-level rows (SDK.md §4 rules): exposure, per-KPI filters, windows and
//! aggregates per user while streaming, then caps and the fold of every
//! included user into the accumulator.
//!
//! Per user: their id, exposure time, variant, segment groups, flags and the
//! plan's fixed state slots (plus at most `MAX_DISTINCT` remembered values per
//! `distinct` KPI). No row is kept: "first" and "order" are file order.

use std::hash::BuildHasher;

use hashbrown::HashSet;
use rustc_hash::FxBuildHasher;

use super::event_plan::{EventColumns, EventKpi, EventPlan, MAX_DISTINCT};
use super::event_types::{Aggregate, CappedValue, DataQuality};
use super::percentile::percentile;
use super::rows::show;
use super::types::EvalConfig;
use crate::csv::number::parse_number_in;
use crate::csv::Decimal;
use crate::csv::{parse_timestamp, TimestampUnit};

const EXPOSED: u8 = 1;
const MULTI_VARIANT: u8 = 2;

/// What a row is for a measure.
const MISSED: u8 = 0;
const COUNTED: u8 = 1;
const OUTSIDE: u8 = 2;

/// The stream's event-level state.
pub(crate) struct Events {
    pub plan: EventPlan,
    pub columns: Option<EventColumns>,
    unit: TimestampUnit,
    decimal: Decimal,
    ids: crate::csv::labels::UserIds,
    exposed_at: Vec<i64>,
    variant: Vec<u32>,
    flags: Vec<u8>,
    /// Segment group ids, `segments` per user.
    groups: Vec<u32>,
    segments: usize,
    /// `plan.state_init.len()` per user.
    state: Vec<f64>,
    /// `(user, measure, hash of the value)` of `distinct` measures.
    distinct: HashSet<(u32, u32, u64), FxBuildHasher>,
    /// Rows in file order: the time of a row when there is no timestamp column.
    sequence: i64,
    last_time: Option<i64>,
    pub quality: DataQuality,
    /// Scratch per measure: `MISSED`/`COUNTED`/`OUTSIDE`, and the counted value.
    hits: Vec<u8>,
    values: Vec<f64>,
}

/// What `Events::row` decided; `Rows` does the labels and the bad-row report.
pub(crate) enum RowOutcome {
    /// Nothing more to do (row before exposure, of a contaminated user, …).
    Done,
    /// The row exposes a new or known user: `Rows` registers the labels, then calls `expose`.
    Exposes { user: Option<u32>, time: i64 },
    /// A bad row with this message.
    Bad(String),
}

impl Events {
    pub fn new(plan: EventPlan, config: &EvalConfig) -> Events {
        let measures = plan.measures.len();
        Events {
            plan,
            columns: None,
            unit: config.timestamp_unit,
            decimal: config.decimal,
            ids: Default::default(),
            exposed_at: Vec::new(),
            variant: Vec::new(),
            flags: Vec::new(),
            groups: Vec::new(),
            segments: config.segment_columns.len(),
            state: Vec::new(),
            distinct: HashSet::default(),
            sequence: 0,
            last_time: None,
            quality: DataQuality::default(),
            hits: vec![MISSED; measures],
            values: vec![0.0; measures],
        }
    }

    /// One good-shaped row of an evaluated arm: `field(i)` is its field `i`;
    /// `same_variant(v)` tells whether the row names variant id `v`.
    pub fn row<'a>(
        &mut self,
        field: &impl Fn(usize) -> &'a [u8],
        user_index: usize,
        same_variant: impl Fn(u32) -> bool,
        timestamp_name: &str,
    ) -> RowOutcome {
        let columns = self.columns.as_ref().expect("header read");
        let time = match columns.timestamp {
            Some(i) => match parse_timestamp(field(i), self.unit) {
                Some(t) => t,
                None => {
                    self.quality.timestamp_errors += 1.0;
                    return RowOutcome::Bad(format!(
                        "{timestamp_name} {} is not a date/time (ISO 8601 such as 2024-01-31T12:00:00Z, a date, or epoch seconds/ms/µs)",
                        show(field(i))
                    ));
                }
            },
            None => {
                self.sequence += 1;
                self.sequence
            }
        };
        let user = self.ids.find(field(user_index)).ok();
        let flags = user.map_or(0, |u| self.flags[u as usize]);
        if flags & MULTI_VARIANT != 0 {
            self.seen(time);
            return RowOutcome::Done;
        }
        let exposure = if flags & EXPOSED != 0 {
            let u = user.expect("exposed") as usize;
            if !same_variant(self.variant[u]) {
                self.flags[u] |= MULTI_VARIANT;
                self.quality.multi_variant_users += 1.0;
                self.seen(time);
                return RowOutcome::Done;
            }
            self.exposed_at[u]
        } else if columns.exposure.as_ref().is_none_or(|m| m.matches(field)) {
            time
        } else {
            self.quality.rows_before_exposure += 1.0;
            if user.is_none() {
                self.add_user(field(user_index));
            }
            self.seen(time);
            return RowOutcome::Done;
        };
        // Which measures count the row; their numbers must parse (else the row is bad).
        for (m, (plan, compiled)) in self.plan.measures.iter().zip(&columns.measures).enumerate() {
            self.hits[m] = MISSED;
            if !compiled.matcher.as_ref().is_none_or(|f| f.matches(field)) {
                continue;
            }
            // Checked: epoch values far apart must not overflow (no panic in the wasm).
            let inside =
                plan.window_us.is_none_or(|w| time >= exposure && time.checked_sub(exposure).is_some_and(|d| d < w));
            if !inside {
                self.hits[m] = OUTSIDE;
                continue;
            }
            self.hits[m] = COUNTED;
            if plan.numeric() {
                let (column, _) = plan.column.as_ref().expect("numeric has a column");
                let cell = field(compiled.column.expect("resolved"));
                match parse_number_in(cell, plan.allow_bool, self.decimal) {
                    Some(x) => self.values[m] = x,
                    None => {
                        let why = if cell.trim_ascii().is_empty() { "is empty" } else { "is not a number" };
                        return RowOutcome::Bad(format!(
                            "{column} {} {why}, on a row counted by {} (fill it in, or narrow the KPI's where)",
                            show(cell),
                            plan.field
                        ));
                    }
                }
            }
        }
        if flags & EXPOSED == 0 {
            return RowOutcome::Exposes { user, time };
        }
        self.count(user.expect("exposed"), time, field);
        RowOutcome::Done
    }

    /// After `Exposes`: the row's user is exposed in `variant` with `groups`
    /// (segment group ids), and the row counts.
    pub fn expose<'a>(
        &mut self,
        user: Option<u32>,
        user_key: &[u8],
        time: i64,
        variant: u32,
        groups: &[u32],
        field: &impl Fn(usize) -> &'a [u8],
    ) {
        let id = user.unwrap_or_else(|| self.add_user(user_key));
        let u = id as usize;
        self.flags[u] |= EXPOSED;
        self.exposed_at[u] = time;
        self.variant[u] = variant;
        self.groups[u * self.segments..(u + 1) * self.segments].copy_from_slice(groups);
        self.count(id, time, field);
    }

    fn add_user(&mut self, key: &[u8]) -> u32 {
        let vacant = self.ids.find(key).expect_err("new user");
        let id = self.ids.insert_at(vacant, key);
        self.exposed_at.push(0);
        self.variant.push(0);
        self.flags.push(0);
        self.groups.resize(self.groups.len() + self.segments, 0);
        self.state.extend_from_slice(&self.plan.state_init);
        id
    }

    fn seen(&mut self, time: i64) {
        self.last_time = Some(self.last_time.map_or(time, |t| t.max(time)));
    }

    /// Adds the row's counted values to the user's state.
    fn count<'a>(&mut self, user: u32, time: i64, field: &impl Fn(usize) -> &'a [u8]) {
        self.seen(time);
        let n = self.plan.state_init.len();
        let exposed = self.exposed_at[user as usize];
        let state = &mut self.state[user as usize * n..(user as usize + 1) * n];
        let columns = self.columns.as_ref().expect("header read");
        let mut outside = false;
        for (m, plan) in self.plan.measures.iter().enumerate() {
            match self.hits[m] {
                OUTSIDE => outside = true,
                // Time to convert: the first counted row at or after exposure.
                COUNTED if plan.first_time && state[plan.state].is_nan() && time >= exposed => {
                    state[plan.state] = time.saturating_sub(exposed) as f64;
                }
                // A time to convert keeps its first row only.
                COUNTED if plan.first_time => {}
                COUNTED if !plan.funnel_step => {
                    let s = &mut state[plan.state];
                    let x = self.values[m];
                    match plan.aggregate {
                        Aggregate::Any => {
                            if plan.column.is_none() || x != 0.0 {
                                *s = 1.0;
                            }
                        }
                        Aggregate::Sum => *s += x,
                        Aggregate::Count => *s += 1.0,
                        Aggregate::Max => *s = if s.is_nan() { x } else { s.max(x) },
                        Aggregate::Min => *s = if s.is_nan() { x } else { s.min(x) },
                        Aggregate::Distinct => {
                            let cell = field(columns.measures[m].column.expect("resolved")).trim_ascii();
                            if !cell.is_empty() && (*s as usize) < MAX_DISTINCT {
                                let hash = FxBuildHasher.hash_one(cell);
                                if self.distinct.insert((user, m as u32, hash)) {
                                    *s += 1.0;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for kpi in &self.plan.kpis {
            let EventKpi::Funnel { first, steps, ordered, state: at, .. } = *kpi else {
                continue;
            };
            if ordered {
                // Greedy in file order: the next step, strictly after the last one reached.
                let reached = state[at] as usize;
                if reached < steps
                    && self.hits[first + reached] == COUNTED
                    && (reached == 0 || time as f64 > state[at + 1])
                {
                    state[at] = (reached + 1) as f64;
                    state[at + 1] = time as f64;
                }
            } else {
                let mut bits = state[at] as u64;
                for j in 0..steps {
                    if self.hits[first + j] == COUNTED {
                        bits |= 1 << j;
                    }
                }
                state[at] = bits as f64;
            }
        }
        if outside {
            self.quality.rows_outside_window += 1.0;
        }
    }

    /// Every included user (exposed, one variant) in first-appearance order:
    /// their variant, segment groups and value slots (capped), via `add`.
    pub fn fold(&mut self, mut add: impl FnMut(u32, &[u32], &[f64])) {
        let users = self.flags.len();
        let n = self.plan.state_init.len();
        let mut values = vec![0.0; self.plan.slots.len()];
        let included = |u: usize| self.flags[u] == EXPOSED;
        let last = self.last_time.unwrap_or(0);
        let observed = |u: usize| last.saturating_sub(self.exposed_at[u]);
        // Caps: one per capped slot, from the pooled values of included users.
        let mut caps: Vec<(usize, &str, f64, usize, u64)> = Vec::new();
        for (k, kpi) in self.plan.kpis.iter().enumerate() {
            let (slots, cap): (&[usize], _) = match kpi {
                EventKpi::Mean { slot, cap: Some(cap), .. } => (std::slice::from_ref(slot), cap),
                EventKpi::Ratio { slots, cap: Some(cap), .. } => (slots, cap),
                _ => continue,
            };
            for (j, &slot) in slots.iter().enumerate() {
                let part = match kpi {
                    EventKpi::Ratio { .. } if j == 0 => "numerator",
                    EventKpi::Ratio { .. } => "denominator",
                    _ => "value",
                };
                let value = match (cap.value, cap.percentile) {
                    (Some(v), _) => v,
                    (None, Some(p)) => {
                        let mut pool: Vec<f64> = (0..users)
                            .filter(|&u| included(u))
                            .map(|u| {
                                self.plan.values(&self.state[u * n..(u + 1) * n], observed(u), &mut values);
                                values[slot]
                            })
                            .collect();
                        percentile(&mut pool, p).unwrap_or(0.0)
                    }
                    (None, None) => continue,
                };
                caps.push((slot, part, value, k, 0));
            }
        }
        let longest = self.plan.longest_window;
        for u in 0..users {
            if self.flags[u] & EXPOSED == 0 {
                self.quality.users_without_exposure += 1.0;
                continue;
            }
            if !included(u) {
                continue;
            }
            if let (Some(w), Some(last)) = (longest, self.last_time) {
                if self.exposed_at[u].saturating_add(w) > last {
                    self.quality.users_window_open += 1.0;
                }
            }
            self.plan.values(&self.state[u * n..(u + 1) * n], observed(u), &mut values);
            for (slot, _, cap, _, above) in caps.iter_mut() {
                if values[*slot] > *cap {
                    values[*slot] = *cap;
                    *above += 1;
                }
            }
            add(self.variant[u], &self.groups[u * self.segments..(u + 1) * self.segments], &values);
        }
        self.quality.capped_values = caps
            .into_iter()
            .map(|(_, part, cap, k, above)| CappedValue {
                kpi: self.plan.kpi_names[k].clone(),
                part: part.to_string(),
                cap,
                users: above as f64,
            })
            .collect();
    }
}

impl EventPlan {
    /// A user's value slots from their state; `observed_us`: from their exposure
    /// to the data's last timestamp (where a time to convert is censored).
    fn values(&self, state: &[f64], observed_us: i64, out: &mut [f64]) {
        let agg = |m: usize| {
            let x = state[self.measures[m].state];
            if x.is_nan() {
                0.0
            } else {
                x
            }
        };
        for kpi in &self.kpis {
            match kpi {
                EventKpi::Conversion { measure, threshold, slot } => {
                    out[*slot] = if agg(*measure) >= *threshold { 1.0 } else { 0.0 }
                }
                EventKpi::Mean { measure, slot, .. } => out[*slot] = agg(*measure),
                EventKpi::Ratio { parts, slots, .. } => {
                    out[slots[0]] = agg(parts[0]);
                    out[slots[1]] = agg(parts[1]);
                }
                EventKpi::TimeToEvent { measure, slots: [time, event], window_us, unit_us } => {
                    let first = state[self.measures[*measure].state];
                    let converted = !first.is_nan();
                    let us = if converted {
                        first
                    } else {
                        window_us.map_or(observed_us, |w| w.min(observed_us)).max(0) as f64
                    };
                    out[*time] = us / unit_us;
                    out[*event] = if converted { 1.0 } else { 0.0 };
                }
                EventKpi::Funnel { ordered, slots, state: at, .. } => {
                    for (j, &slot) in slots.iter().enumerate() {
                        let reached = if *ordered {
                            state[*at] as usize > j
                        } else {
                            let need = (1u64 << (j + 1)) - 1;
                            (state[*at] as u64) & need == need
                        };
                        out[slot] = if reached { 1.0 } else { 0.0 };
                    }
                }
            }
        }
    }
}
