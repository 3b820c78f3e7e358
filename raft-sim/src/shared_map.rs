//! `SharedMap`: an ordered map whose bulk is shared between clones.
//!
//! Why: a time-travel checkpoint is a clone of the whole world, and a few
//! tables in it are large and change a little at a time — each server's
//! client sessions (up to `kv::MAX_SESSIONS`) and the checker's exactly-once
//! table. As `BTreeMap`s, every checkpoint copied them whole (most of a
//! checkpoint's cost once the logs were shared, see raft-core's
//! `LogEntries`). Here the map is cut by key ranges into chunks of at most
//! [`CHUNK`] entries, each behind an `Arc`: a clone copies one pointer per
//! chunk, and a write copies the one chunk it lands in only if a clone still
//! shares it (`Arc::make_mut`; without checkpoints nothing is ever copied).
//! Client ids grow, so writes land in the newest chunk and expiries in the
//! oldest: a checkpoint costs the next writes a copy of those two chunks.
//!
//! Behaves exactly like a `BTreeMap` for the operations the simulator uses;
//! iteration is in key order.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;

/// Most entries in one chunk; a fuller one is split in two.
pub const CHUNK: usize = 128;

#[derive(Clone)]
pub struct SharedMap<K, V> {
    /// Chunks by their lower bound: chunk `b` holds the keys from `b` up to
    /// (not including) the next chunk's bound. None is empty; a key below
    /// every bound goes to the first chunk, whose bound is lowered to it.
    chunks: BTreeMap<K, Arc<BTreeMap<K, V>>>,
    /// Entries in all chunks.
    len: usize,
}

impl<K: Ord + Clone, V: Clone> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap { chunks: BTreeMap::new(), len: 0 }
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

    /// The bound of the chunk that holds (or would hold) `key`.
    fn bound_for(&self, key: &K) -> Option<K> {
        match self.chunks.range(..=key).next_back() {
            Some((bound, _)) => Some(bound.clone()),
            None => self.chunks.keys().next().cloned(),
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.chunks.range(..=key).next_back()?.1.get(key)
    }

    /// Insert or replace; returns the previous value, like `BTreeMap::insert`.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let Some(mut bound) = self.bound_for(&key) else {
            self.chunks.insert(key.clone(), Arc::new(BTreeMap::from([(key, value)])));
            self.len = 1;
            return None;
        };
        if key < bound {
            // Below every chunk: the first chunk takes it, under a lower bound.
            let chunk = self.chunks.remove(&bound).expect("bound of a chunk");
            self.chunks.insert(key.clone(), chunk);
            bound = key.clone();
        }
        let chunk = Arc::make_mut(self.chunks.get_mut(&bound).expect("bound of a chunk"));
        let old = chunk.insert(key, value);
        if old.is_none() {
            self.len += 1;
        }
        if chunk.len() > CHUNK {
            let middle = chunk.keys().nth(chunk.len() / 2).cloned().expect("a full chunk");
            let upper = chunk.split_off(&middle);
            self.chunks.insert(middle, Arc::new(upper));
        }
        old
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let bound = self.chunks.range(..=key).next_back()?.0.clone();
        let chunk = self.chunks.get_mut(&bound).expect("bound of a chunk");
        if !chunk.contains_key(key) {
            return None;
        }
        let chunk = Arc::make_mut(chunk);
        let old = chunk.remove(key);
        self.len -= 1;
        if chunk.is_empty() {
            self.chunks.remove(&bound);
        }
        old
    }

    /// Remove and return the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        let key = self.chunks.values().next()?.keys().next()?.clone();
        let value = self.remove(&key)?;
        Some((key, value))
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.chunks.values().flat_map(|chunk| chunk.iter())
    }

    /// The entries from `key` on (inclusive), in key order: skips the chunks
    /// below it instead of walking them.
    pub fn iter_from(&self, key: K) -> impl Iterator<Item = (&K, &V)> + '_ {
        let start = self.chunks.range(..=&key).next_back().map(|(b, _)| b).or_else(|| self.chunks.keys().next());
        let chunks = match start {
            Some(b) => self.chunks.range(b..),
            None => self.chunks.range(..),
        };
        chunks.flat_map(move |(_, chunk)| chunk.range(key.clone()..))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
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

impl<'de, K: Ord + Clone + serde::Deserialize<'de>, V: Clone + serde::Deserialize<'de>> serde::Deserialize<'de>
    for SharedMap<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<K, V>::deserialize(deserializer)?;
        let mut shared = SharedMap::new();
        for (k, v) in map {
            shared.insert(k, v);
        }
        Ok(shared)
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
        for from in [0, 1, 350, 699, 700] {
            assert!(map.iter_from(from).eq(model.range(from..)), "iter_from({from})");
        }
        for (map, model) in &saved {
            assert!(map.iter().eq(model.iter()));
            assert_eq!(map.len(), model.len());
        }
    }

    #[test]
    fn a_clone_shares_chunks_and_a_write_copies_one() {
        let mut map: SharedMap<u64, u64> = SharedMap::new();
        for k in 0..1000 {
            map.insert(k, k);
        }
        assert!(map.chunks.values().all(|c| c.len() <= CHUNK));
        let mut copy = map.clone();
        copy.insert(1000, 0);
        let shared = map.chunks.values().zip(copy.chunks.values()).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(shared, map.chunks.len() - 1, "only the chunk written to was copied");
        assert_eq!(map.len(), 1000);
        assert_eq!(copy.get(&1000), Some(&0));
        assert_eq!(map.get(&1000), None);
    }
}
