//! Label → dense id (variants, segment values, user ids) without allocating per
//! row: lookups borrow the field bytes; only a new label is copied.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::reader::pack_short;

/// FxHash: far cheaper than SipHash on short keys; hash flooding is no concern
/// for a file the user evaluates on their own machine.
type FxMap<V> = FxHashMap<Box<[u8]>, V>;

/// Linear search beats hashing for a handful of labels (typical: 2-4 variants).
const LINEAR_MAX: usize = 8;

/// Names in first-appearance order. Labels must be UTF-8 (they become JSON strings).
#[derive(Default)]
pub(crate) struct Labels {
    names: Vec<String>,
    /// Per name: `pack_short` of its bytes, and its length (`"a"` and `"a\0"` pack alike).
    keys: Vec<Option<(u128, usize)>>,
    index: FxMap<u32>,
}

impl Labels {
    /// The id of `label`; `key` is its `Record::short_key`.
    #[inline(always)]
    pub fn find(&self, label: &[u8], key: Option<u128>) -> Option<u32> {
        let id = match key {
            Some(k) if self.names.len() <= LINEAR_MAX => {
                // Every key compared, without an early exit: in a file of
                // shuffled rows which label matches is a coin toss, and the
                // exits mispredicted (measured natively: two segment columns
                // cost 65 ns a row with them, 30 without).
                let key = Some((k, label.len()));
                let mut found = usize::MAX;
                for (i, &other) in self.keys.iter().enumerate() {
                    found = if other == key { i } else { found };
                }
                (found != usize::MAX).then_some(found)?
            }
            _ => *self.index.get(label)? as usize,
        };
        Some(id as u32)
    }

    /// Adds a label not yet present; returns its id.
    pub fn insert(&mut self, name: &str) -> u32 {
        let id = self.names.len();
        self.index.insert(name.as_bytes().into(), id as u32);
        self.keys.push(pack_short(name.as_bytes()).map(|k| (k, name.len())));
        self.names.push(name.to_string());
        id as u32
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Distinct user ids → dense ids in first-appearance order (memory grows with users).
/// The keys live end to end in one arena (no allocation per user); hashbrown's
/// `HashTable` holds each id with 32 bits of its key's hash, so that growing the
/// table rehashes without reading the keys back (a cache miss per user on a big
/// file). About 17 bytes per user plus the key bytes.
#[derive(Default)]
pub(crate) struct UserIds {
    /// Every key's bytes, end to end.
    arena: Vec<u8>,
    /// Per user: end of their key in `arena` (start = the previous end).
    ends: Vec<usize>,
    /// `(id, hash32)` per user.
    table: HashTable<(u32, u32)>,
}

/// A key `find` reported missing, with its hash so that inserting it hashes nothing again.
#[derive(Clone, Copy)]
pub(crate) struct Vacant {
    hash: u32,
}

fn hash32(key: &[u8]) -> u32 {
    let h = FxBuildHasher.hash_one(key);
    (h >> 32) as u32 ^ h as u32
}

/// Which of `count` partitions owns `user` (SDK.md §7: workers that each keep
/// their share of the users). From the hash's high bits (`hash · count >> 32`):
/// the table's bucket index comes from the low ones, so a partition's own table
/// still fills every bucket.
pub(crate) fn partition_of(user: &[u8], count: u32) -> u32 {
    ((u64::from(hash32(user)) * u64::from(count)) >> 32) as u32
}

/// The table's 64-bit hash of a stored `hash32` (a bijection: it spreads the bits
/// over the high ones hashbrown takes its control bytes from).
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The key of user `id` in `arena`.
fn key<'a>(arena: &'a [u8], ends: &[usize], id: u32) -> &'a [u8] {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &arena[start..ends[id]]
}

impl UserIds {
    /// The user's id, or the hash to insert them with.
    #[inline]
    pub fn find(&self, user: &[u8]) -> Result<u32, Vacant> {
        let hash = hash32(user);
        let same = |&(id, tag): &(u32, u32)| tag == hash && key(&self.arena, &self.ends, id) == user;
        match self.table.find(spread(hash), same) {
            Some(&(id, _)) => Ok(id),
            None => Err(Vacant { hash }),
        }
    }

    #[cfg(test)]
    pub fn get(&self, user: &[u8]) -> Option<u32> {
        self.find(user).ok()
    }

    /// Adds a user not yet present; returns their id.
    #[cfg(test)]
    pub fn insert(&mut self, user: &[u8]) -> u32 {
        let vacant = self.find(user).expect_err("new user");
        self.insert_at(vacant, user)
    }

    /// Adds the user `find` just reported missing; returns their id.
    pub fn insert_at(&mut self, vacant: Vacant, user: &[u8]) -> u32 {
        let id = self.ends.len() as u32;
        self.arena.extend_from_slice(user);
        self.ends.push(self.arena.len());
        self.table.insert_unique(spread(vacant.hash), (id, vacant.hash), |&(_, tag)| spread(tag));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::reader::Record;

    #[test]
    fn labels_keep_first_appearance_order_past_the_linear_limit() {
        let mut labels = Labels::default();
        let names: Vec<String> = (0..40).map(|i| format!("v{}", (i * 7) % 40)).collect();
        for n in &names {
            assert_eq!(labels.find(n.as_bytes(), key(n)), None);
            labels.insert(n);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(labels.find(n.as_bytes(), key(n)), Some(i as u32));
        }
        assert_eq!(labels.names(), &names[..]);
        assert_eq!(labels.find(b"missing", key("missing")), None);
    }

    fn key(label: &str) -> Option<u128> {
        let fields = [(0, label.len())];
        Record { bytes: label.as_bytes(), fields: &fields, line: 1, malformed: None }.short_key(0)
    }

    #[test]
    fn labels_tell_apart_keys_that_pack_alike() {
        // "a" and "a\0" pack to the same number; the length tells them apart.
        let mut labels = Labels::default();
        for n in ["a", "a\0", "", "\0", "a_label_of_17_byte", "a_label_of_17_bytf"] {
            assert_eq!(labels.find(n.as_bytes(), key(n)), None, "{n:?}");
            labels.insert(n);
        }
        for (i, n) in ["a", "a\0", "", "\0", "a_label_of_17_byte", "a_label_of_17_bytf"].iter().enumerate() {
            assert_eq!(labels.find(n.as_bytes(), key(n)), Some(i as u32), "{n:?}");
        }
    }

    #[test]
    fn user_ids_are_dense_and_stable() {
        let mut ids = UserIds::default();
        assert_eq!(ids.get(b"u1"), None);
        assert_eq!(ids.insert(b"u1"), 0);
        assert_eq!(ids.insert(b"u2"), 1);
        assert_eq!(ids.get(b"u1"), Some(0));
        assert_eq!(ids.insert(b""), 2);
        assert_eq!(ids.get(b""), Some(2));
    }

    #[test]
    fn user_ids_survive_growth_and_tell_similar_keys_apart() {
        let mut ids = UserIds::default();
        let keys: Vec<Vec<u8>> = (0..5000u32)
            .map(|i| match i % 3 {
                0 => i.to_string().into_bytes(),
                1 => format!("user-{i:032}").into_bytes(),
                _ => vec![0u8; (i % 40) as usize].into_iter().chain(i.to_le_bytes()).collect(),
            })
            .collect();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ids.get(k), None);
            assert_eq!(ids.insert(k), i as u32);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ids.get(k), Some(i as u32));
        }
        assert_eq!(ids.get(b"user-"), None);
    }
}
