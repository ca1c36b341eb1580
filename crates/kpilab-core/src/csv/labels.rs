//! Label → dense id (variants, segment values, user ids) without allocating per
//! row: lookups borrow the field bytes; only a new label is copied.

use rustc_hash::FxHashMap;

/// FxHash: far cheaper than SipHash on short keys; hash flooding is no concern
/// for a file the user evaluates on their own machine.
type FxMap<V> = FxHashMap<Box<[u8]>, V>;

/// Linear search beats hashing for a handful of labels (typical: 2-4 variants).
const LINEAR_MAX: usize = 8;

/// Names in first-appearance order. Labels must be UTF-8 (they become JSON strings).
#[derive(Default)]
pub(crate) struct Labels {
    names: Vec<String>,
    index: FxMap<u32>,
    /// Consecutive rows often repeat a label (sorted files): check it first.
    last: usize,
}

impl Labels {
    #[inline]
    pub fn find(&mut self, key: &[u8]) -> Option<u32> {
        if self.names.get(self.last).is_some_and(|n| same(n.as_bytes(), key)) {
            return Some(self.last as u32);
        }
        let id = if self.names.len() <= LINEAR_MAX {
            self.names.iter().position(|n| same(n.as_bytes(), key))?
        } else {
            *self.index.get(key)? as usize
        };
        self.last = id;
        Some(id as u32)
    }

    /// Adds a label not yet present; returns its id.
    pub fn insert(&mut self, name: &str) -> u32 {
        let id = self.names.len();
        self.index.insert(name.as_bytes().into(), id as u32);
        self.names.push(name.to_string());
        self.last = id;
        id as u32
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Byte equality without a `memcmp` call for the short labels of a CSV.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.len() > 32 || a.iter().zip(b).all(|(x, y)| x == y)) && (a.len() <= 32 || a == b)
}

/// Distinct user ids → dense ids in first-appearance order (memory grows with users).
#[derive(Default)]
pub(crate) struct UserIds {
    index: FxMap<u32>,
}

impl UserIds {
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<u32> {
        self.index.get(key).copied()
    }

    /// Adds a user not yet present; returns their id.
    pub fn insert(&mut self, key: &[u8]) -> u32 {
        let id = self.index.len() as u32;
        self.index.insert(key.into(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_first_appearance_order_past_the_linear_limit() {
        let mut labels = Labels::default();
        let names: Vec<String> = (0..40).map(|i| format!("v{}", (i * 7) % 40)).collect();
        for n in &names {
            assert_eq!(labels.find(n.as_bytes()), None);
            labels.insert(n);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(labels.find(n.as_bytes()), Some(i as u32));
        }
        assert_eq!(labels.names(), &names[..]);
        assert_eq!(labels.find(b"missing"), None);
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
}
