//! The per-user table of one slice of a file with `userColumn` (SDK.md §7),
//! exported as one byte buffer and added, in file order, into the users read
//! so far: the result is a single pass's.
//!
//! A single pass gives a user the variant and segments of their first good row
//! in the file and registers labels only on such rows; later rows add their
//! values and count `USER_IN_SEVERAL_VARIANTS` against that first row. A slice
//! reads as if each user were new to the file; the merger then, for each of the
//! slice's users in its first-appearance order,
//! - adds the sums to a user known from earlier slices, counting the slice's
//!   rows that name another variant than the user's first row in the file
//!   (the slice keeps its rows per user, and those naming another variant than
//!   the user's first row in the slice, by variant);
//! - or inserts a new user and registers their labels then, in file order.
//!
//! One row kind depends on the users before the slice: a row of a user new to
//! the slice whose variant or segment label is not UTF-8 is bad only if the user
//! is new to the file (a known user's row never reads its labels). The slice
//! keeps such rows (`UnsureRow`, rare) and the merger decides.

use hashbrown::HashMap;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

use super::{Rows, SliceTrack, Users};
use crate::csv::labels::UserIds;
use crate::csv::Record;
use crate::error::{KpilabError, Result};
use crate::evaluate::bytes::Bytes;
use crate::evaluate::types::RowError;

/// A slice's users as one buffer (few, big pieces cross `postMessage` fast).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsersState {
    table: Bytes,
}

/// A row of a user new to the slice whose label is not UTF-8 (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsureRow {
    /// Counted from the slice's first record (line 1).
    line: f64,
    message: String,
    user: Bytes,
    variant: Bytes,
    values: Vec<f64>,
}

impl UnsureRow {
    pub(super) fn new(rec: &Record, user: usize, variant: usize, message: String, values: &[f64]) -> Self {
        UnsureRow {
            line: rec.line as f64,
            message,
            user: Bytes(rec.field(user).to_vec()),
            variant: Bytes(rec.field(variant).to_vec()),
            values: values.to_vec(),
        }
    }
}

impl Rows {
    /// Reads as a slice of a file: the per-user state the merger needs is kept.
    pub fn track_slice_users(&mut self) {
        if let Some(users) = &mut self.users {
            users.track = Some(SliceTrack::default());
            self.unsure = Some(Vec::new());
        }
    }

    pub(super) fn export_users(&self) -> (Option<UsersState>, Vec<UnsureRow>) {
        let Some(users) = self.users.as_ref().filter(|u| u.track.is_some()) else {
            return (None, Vec::new());
        };
        (Some(encode(users)), self.unsure.clone().unwrap_or_default())
    }

    /// Adds a later slice's users (module doc); returns its unsure rows that are
    /// bad rows, lines counted from the slice's first record.
    pub(super) fn absorb_users(
        &mut self,
        state: &UsersState,
        unsure: &[UnsureRow],
        variants: &[String],
        segments: &[Vec<(String, u32)>],
    ) -> Result<Vec<RowError>> {
        let s = self.segments.len();
        let n = self.values.len();
        let table = Table::parse(&state.table.0, s, n)?;
        let mut users = self.users.take().ok_or_else(|| mismatch("the config has no userColumn"))?;
        let outcome = self.absorb_table(&mut users, &table, unsure, variants, segments);
        self.users = Some(users);
        outcome
    }

    fn absorb_table(
        &mut self,
        users: &mut Users,
        table: &Table,
        unsure: &[UnsureRow],
        variants: &[String],
        segments: &[Vec<(String, u32)>],
    ) -> Result<Vec<RowError>> {
        let n = self.values.len();
        // Unsure rows first: they are decided by the users before this slice.
        let mut bad = Vec::new();
        for row in unsure {
            if row.values.len() != n {
                return Err(mismatch("an unsure row has the wrong number of values"));
            }
            match users.ids.find(&row.user.0) {
                Ok(id) => {
                    let first = self.variants.names()[users.variant[id as usize] as usize].as_bytes();
                    users.add_to(id, first == row.variant.0.as_slice(), &row.variant.0, &row.values);
                }
                Err(_) => bad.push(RowError { line: row.line, message: row.message.clone() }),
            }
        }
        let mut labels = LabelMap::new(variants, segments);
        if users.variant.is_empty() && self.variants.names().is_empty() {
            // No users yet (the first slice): its table becomes ours as it is.
            *users = self.adopt_table(table, &mut labels, users.switched_variant)?;
            return Ok(bad);
        }
        let mut others_of = vec![0u64; table.len()];
        for (&(u, _), &count) in &table.others {
            others_of[u as usize] += count;
        }
        let mut groups = vec![0u32; self.segments.len() + 1];
        let mut values = vec![0.0; n];
        for (u, &others) in others_of.iter().enumerate() {
            let local_first = labels.first_variant(table, u)?;
            let key = table.key(u);
            match users.ids.find(key) {
                Ok(id) => {
                    let first = self.variants.names()[users.variant[id as usize] as usize].as_bytes();
                    let rows = table.rows(u);
                    let same = if local_first.as_bytes() == first {
                        rows - others
                    } else {
                        table.others_naming(u as u32, first)
                    };
                    users.switched_variant += rows - same;
                    let id = id as usize;
                    for (sum, x) in users.values[id * n..(id + 1) * n].iter_mut().zip(table.values(u)) {
                        *sum += x;
                    }
                }
                Err(vacant) => {
                    let variant = labels.register(self, table, u, &mut groups)?;
                    values.iter_mut().zip(table.values(u)).for_each(|(v, x)| *v = x);
                    users.insert(vacant, key, variant, &groups, &values);
                    users.switched_variant += others;
                }
            }
        }
        Ok(bad)
    }

    /// The first slice's table as our users, without a lookup per user: the
    /// same users, labels and sums `absorb_table` would insert one by one.
    fn adopt_table(&mut self, table: &Table, labels: &mut LabelMap, switched_variant: u64) -> Result<Users> {
        let (count, s, n) = (table.len(), self.segments.len(), self.values.len());
        let ends: Vec<usize> = (0..count).map(|u| table.key_end(u)).collect();
        let keys = table.keys[..ends.last().copied().unwrap_or(0)].to_vec();
        let ids = UserIds::from_keys(keys, ends).ok_or_else(|| mismatch("a user appears twice in the table"))?;
        let mut variant = Vec::with_capacity(count);
        let mut groups = Vec::with_capacity(count * s);
        let mut values = Vec::with_capacity(count * n);
        let mut user_groups = vec![0u32; s + 1];
        for u in 0..count {
            variant.push(labels.register(self, table, u, &mut user_groups)?);
            groups.extend_from_slice(&user_groups[1..]);
            values.extend(table.values(u));
        }
        let others: u64 = table.others.values().sum();
        Ok(Users { ids, variant, groups, values, switched_variant: switched_variant + others, track: None })
    }
}

/// A slice's label ids → ours, each registered on its first user (the order
/// one pass registers it in).
struct LabelMap<'a> {
    variants: &'a [String],
    /// A local group id → (segment column, value).
    group_names: Vec<Option<(usize, &'a str)>>,
    our_variant: Vec<Option<u32>>,
    our_group: Vec<Option<u32>>,
}

impl<'a> LabelMap<'a> {
    fn new(variants: &'a [String], segments: &'a [Vec<(String, u32)>]) -> Self {
        let mut group_names: Vec<Option<(usize, &str)>> = Vec::new();
        for (j, values) in segments.iter().enumerate() {
            for (value, group) in values {
                let g = *group as usize;
                if group_names.len() <= g {
                    group_names.resize(g + 1, None);
                }
                group_names[g] = Some((j, value.as_str()));
            }
        }
        let our_group = vec![None; group_names.len()];
        LabelMap { variants, group_names, our_variant: vec![None; variants.len()], our_group }
    }

    /// The variant of user `u`'s first row in the slice.
    fn first_variant(&self, table: &Table, u: usize) -> Result<&'a str> {
        let variants = self.variants;
        variants.get(table.variant(u) as usize).map(String::as_str).ok_or_else(|| mismatch("a variant id"))
    }

    /// User `u`'s variant and groups (`groups[1..]`) in our ids, registering
    /// labels new to us now.
    fn register(&mut self, rows: &mut Rows, table: &Table, u: usize, groups: &mut [u32]) -> Result<u32> {
        let local = table.variant(u) as usize;
        let name = self.first_variant(table, u)?;
        let variant = match self.our_variant[local] {
            Some(v) => v,
            None => *self.our_variant[local].insert(rows.global_variant(name)),
        };
        for (j, g) in table.groups(u).enumerate() {
            let g = g as usize;
            let Some(&Some((column, value))) = self.group_names.get(g) else {
                return Err(mismatch("a segment group id"));
            };
            if column != j {
                return Err(mismatch("a segment group of another column"));
            }
            groups[j + 1] = match self.our_group[g] {
                Some(ours) => ours,
                None => *self.our_group[g].insert(rows.global_group(j, value)),
            };
        }
        Ok(variant)
    }
}

fn mismatch(what: &str) -> KpilabError {
    KpilabError::invalid(
        "state",
        format!("the slice state does not fit this merger ({what}); merge states of the same config"),
    )
}

/// The buffer's layout, little-endian: users `U`, segments `S`, values `N`; `U`
/// key ends (u32) into the key bytes (u32 length, bytes); `U` variants (u32);
/// `U·S` groups (u32); `U·N` value sums (f64); `U` rows (u64); then the rows
/// naming another variant: count (u32), each user (u32), rows (u64), variant
/// (u32 length, bytes).
fn encode(users: &Users) -> UsersState {
    let track = users.track.as_ref().expect("tracked");
    let count = users.variant.len();
    let mut out = Vec::with_capacity(count * 24 + users.values.len() * 8 + users.ids.key_bytes().len());
    let u32 = |out: &mut Vec<u8>, x: usize| out.extend_from_slice(&(x as u32).to_le_bytes());
    u32(&mut out, count);
    u32(&mut out, users.groups.len().checked_div(count).unwrap_or(0));
    u32(&mut out, users.values.len().checked_div(count).unwrap_or(0));
    for &end in users.ids.key_ends() {
        u32(&mut out, end);
    }
    u32(&mut out, users.ids.key_bytes().len());
    out.extend_from_slice(users.ids.key_bytes());
    users.variant.iter().for_each(|&v| u32(&mut out, v as usize));
    users.groups.iter().for_each(|&g| u32(&mut out, g as usize));
    users.values.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    track.rows.iter().for_each(|r| out.extend_from_slice(&r.to_le_bytes()));
    u32(&mut out, track.others.len());
    for ((user, variant), rows) in &track.others {
        u32(&mut out, *user as usize);
        out.extend_from_slice(&rows.to_le_bytes());
        u32(&mut out, variant.len());
        out.extend_from_slice(variant);
    }
    UsersState { table: Bytes(out) }
}

/// A decoded view of `UsersState`'s buffer, every length checked once.
struct Table<'a> {
    count: usize,
    s: usize,
    n: usize,
    ends: &'a [u8],
    keys: &'a [u8],
    variants: &'a [u8],
    groups: &'a [u8],
    values: &'a [u8],
    rows: &'a [u8],
    /// Rows naming another variant than the user's first in the slice, by `(user, variant)`.
    others: HashMap<(u32, &'a [u8]), u64, FxBuildHasher>,
}

fn le32(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().expect("4 bytes"))
}

fn le64(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
}

/// Reads pieces off the front of a buffer; `None` past its end.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if self.0.len() < len {
            return None;
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<usize> {
        self.take(4).map(|b| le32(b, 0) as usize)
    }
}

impl<'a> Table<'a> {
    fn parse(buf: &'a [u8], s: usize, n: usize) -> Result<Table<'a>> {
        Self::read(buf, s, n).ok_or_else(|| mismatch("the users table is cut short or has other columns"))
    }

    fn read(buf: &'a [u8], s: usize, n: usize) -> Option<Table<'a>> {
        let mut c = Cursor(buf);
        let count = c.u32()?;
        let (s_in, n_in) = (c.u32()?, c.u32()?);
        if count > 0 && (s_in != s || n_in != n) {
            return None;
        }
        let ends = c.take(count.checked_mul(4)?)?;
        let keys_len = c.u32()?;
        let keys = c.take(keys_len)?;
        // Key ends rise and stay inside the key bytes.
        let mut last = 0;
        for i in 0..count {
            let end = le32(ends, i) as usize;
            if end < last || end > keys.len() {
                return None;
            }
            last = end;
        }
        let variants = c.take(count.checked_mul(4)?)?;
        let groups = c.take(count.checked_mul(s)?.checked_mul(4)?)?;
        let values = c.take(count.checked_mul(n)?.checked_mul(8)?)?;
        let rows = c.take(count.checked_mul(8)?)?;
        let mut others = HashMap::default();
        for _ in 0..c.u32()? {
            let user = c.u32()?;
            let rows = le64(c.take(8)?, 0);
            let len = c.u32()?;
            let variant = c.take(len)?;
            if user >= count {
                return None;
            }
            *others.entry((user as u32, variant)).or_insert(0u64) = rows;
        }
        let table = Table { count, s, n, ends, keys, variants, groups, values, rows, others };
        // A user's rows include those naming another variant.
        let mut named = vec![0u64; count];
        for (&(u, _), &r) in &table.others {
            named[u as usize] = named[u as usize].checked_add(r)?;
        }
        (0..count).all(|u| named[u] <= table.rows(u)).then_some(table)
    }

    fn len(&self) -> usize {
        self.count
    }
    fn key(&self, u: usize) -> &'a [u8] {
        let start = if u == 0 { 0 } else { self.key_end(u - 1) };
        &self.keys[start..self.key_end(u)]
    }
    fn key_end(&self, u: usize) -> usize {
        le32(self.ends, u) as usize
    }
    fn variant(&self, u: usize) -> u32 {
        le32(self.variants, u)
    }
    fn groups(&self, u: usize) -> impl Iterator<Item = u32> + '_ {
        (u * self.s..(u + 1) * self.s).map(|i| le32(self.groups, i))
    }
    fn values(&self, u: usize) -> impl Iterator<Item = f64> + '_ {
        (u * self.n..(u + 1) * self.n).map(|i| f64::from_bits(le64(self.values, i)))
    }
    fn rows(&self, u: usize) -> u64 {
        le64(self.rows, u)
    }
    /// The slice's rows of user `u` naming `variant` (not their first row's in the slice).
    fn others_naming(&self, u: u32, variant: &[u8]) -> u64 {
        self.others.get(&(u, variant)).copied().unwrap_or(0)
    }
}
