//! `SharedMap`: an ordered map whose bulk is shared between clones.
//!
//! Why: a time-travel checkpoint is a clone of the whole world, and a few
//! tables in it are large and change a little at a time — each server's
//! client sessions (up to `kv::MAX_SESSIONS`) and the checker's exactly-once
//! table. As `BTreeMap`s, every checkpoint copied them whole (most of a
//! checkpoint's cost once the logs were shared, see raft-core's
//! `LogEntries`). Here the map is a frozen `base` behind an `Arc`, shared by
//! every clone, plus a small `delta` of changes since it was frozen; a clone
//! copies only the delta. When the delta reaches [`FOLD`] changes it is folded
//! into a new base (a copy, once per [`FOLD`] changes).
//!
//! Behaves exactly like a `BTreeMap` for the operations the simulator uses;
//! iteration is in key order.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::cmp::Ordering;

/// Changes kept beside the shared base before they are folded into a new one:
/// what a clone copies at most.
pub const FOLD: usize = 256;

#[derive(Clone)]
pub struct SharedMap<K, V> {
    /// The map as of the last fold; never changed in place.
    base: Arc<BTreeMap<K, V>>,
    /// Changes since: `Some` = inserted or replaced, `None` = removed.
    delta: BTreeMap<K, Option<V>>,
    /// Live entries (base and delta together).
    len: usize,
}

impl<K: Ord + Clone, V: Clone> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap { base: Arc::new(BTreeMap::new()), delta: BTreeMap::new(), len: 0 }
    }
}

impl<K: Ord + Clone, V: Clone> SharedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        match self.delta.get(key) {
            Some(change) => change.as_ref(),
            None => self.base.get(key),
        }
    }

    /// Insert or replace; returns the previous value, like `BTreeMap::insert`.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let old = self.get(&key).cloned();
        if old.is_none() {
            self.len += 1;
        }
        self.delta.insert(key, Some(value));
        self.fold_if_large();
        old
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let old = self.get(key).cloned()?;
        self.len -= 1;
        if self.base.contains_key(key) {
            self.delta.insert(key.clone(), None);
        } else {
            self.delta.remove(key);
        }
        self.fold_if_large();
        Some(old)
    }

    /// Remove and return the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        let (key, value) = self.iter().next().map(|(k, v)| (k.clone(), v.clone()))?;
        self.remove(&key);
        Some((key, value))
    }

    /// Every live entry in key order: base and delta merged.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let mut base = self.base.iter().peekable();
        let mut delta = self.delta.iter().peekable();
        core::iter::from_fn(move || loop {
            let order = match (base.peek(), delta.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((b, _)), Some((d, _))) => b.cmp(d),
            };
            if order == Ordering::Less {
                return base.next();
            }
            if order == Ordering::Equal {
                base.next(); // replaced or removed by the delta
            }
            let (k, change) = delta.next()?;
            if let Some(v) = change {
                return Some((k, v));
            }
        })
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    fn fold_if_large(&mut self) {
        if self.delta.len() < FOLD {
            return;
        }
        let merged: BTreeMap<K, V> = self.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        self.base = Arc::new(merged);
        self.delta.clear();
    }
}

/// Equal when the same entries are live, however they are split.
impl<K: Ord + Clone, V: Clone + PartialEq> PartialEq for SharedMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Ord + Clone, V: Clone + Eq> Eq for SharedMap<K, V> {}

/// Serialized as the plain map it stands for (what a `BTreeMap` writes).
impl<K: Ord + Clone + serde::Serialize, V: Clone + serde::Serialize> serde::Serialize for SharedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Clone + serde::Deserialize<'de>, V: Clone + serde::Deserialize<'de>> serde::Deserialize<'de> for SharedMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<K, V>::deserialize(deserializer)?;
        Ok(SharedMap { len: map.len(), base: Arc::new(map), delta: BTreeMap::new() })
    }
}

impl<K: Ord + Clone + core::fmt::Debug, V: Clone + core::fmt::Debug> core::fmt::Debug for SharedMap<K, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Random inserts, removals and pops, checked against a `BTreeMap`, with
    /// clones taken along the way that must not see later changes.
    #[test]
    fn behaves_like_a_btreemap_and_clones_are_independent() {
        let mut map: SharedMap<u64, u64> = SharedMap::new();
        let mut model: BTreeMap<u64, u64> = BTreeMap::new();
        let mut saved: Vec<(SharedMap<u64, u64>, BTreeMap<u64, u64>)> = Vec::new();
        let mut x: u64 = 12345;
        for step in 0..5_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = (x >> 33) % 700;
            match (x >> 20) % 4 {
                0 | 1 => assert_eq!(map.insert(key, step), model.insert(key, step)),
                2 => assert_eq!(map.remove(&key), model.remove(&key)),
                _ => assert_eq!(map.pop_first(), model.pop_first()),
            }
            assert_eq!(map.len(), model.len());
            assert_eq!(map.get(&key), model.get(&key));
            if step % 500 == 0 {
                saved.push((map.clone(), model.clone()));
            }
        }
        assert!(map.iter().eq(model.iter()));
        for (map, model) in &saved {
            assert!(map.iter().eq(model.iter()));
            assert_eq!(map.len(), model.len());
        }
    }

    #[test]
    fn a_clone_shares_the_base() {
        let mut map: SharedMap<u64, u64> = SharedMap::new();
        for k in 0..1000 {
            map.insert(k, k);
        }
        let copy = map.clone();
        assert!(Arc::ptr_eq(&map.base, &copy.base));
        assert!(copy.delta.len() < FOLD);
        assert_eq!(copy, map);
    }
}
