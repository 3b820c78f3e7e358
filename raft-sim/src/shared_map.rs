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

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Most entries in one chunk; a fuller one is split in two.
pub const CHUNK: usize = 128;

#[derive(Clone)]
pub struct SharedMap<K, V> {
    /// The chunks in key order: none is empty, and every key of a chunk is
    /// below every key of the next. A key goes to the last chunk whose first
    /// key is not above it (or to the first chunk, below every key).
    /// A chunk is a sorted `VecDeque`, not a `BTreeMap`: an entry then costs
    /// its own size and nothing more (a B-tree's half-empty nodes cost about
    /// twice that). A deque rather than a `Vec` because the oldest entries
    /// leave first (`pop_first` on the watch history and the checker's
    /// records, once per revision per server): from a `Vec` each removal
    /// moved the whole chunk down one place, a sixth of the simulator's
    /// instructions under load. That matters because a time-travel history keeps every entry the
    /// run pushed out of a full table while a checkpoint still shares it.
    /// The chunks themselves are a sorted `Vec` too, searched by their first
    /// keys: there are at most a few hundred of them, and a `BTreeMap` index
    /// brought a copy of the B-tree code per key type into the wasm (about
    /// 9 KB each, docs/wasm-size.md).
    chunks: Vec<Arc<VecDeque<(K, V)>>>,
    /// `firsts[i]` is the first key of `chunks[i]`, kept beside them so that
    /// finding a chunk reads one contiguous array: searching through the
    /// chunks' own first entries chased two pointers per probe and cost the
    /// simulator a fifth of its native speed.
    firsts: Vec<K>,
    /// Entries in all chunks.
    len: usize,
}

impl<K: Ord + Clone, V: Clone> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap { chunks: Vec::new(), firsts: Vec::new(), len: 0 }
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

    /// The position of the chunk that holds (or would hold) `key`: the last
    /// one whose first key is not above it, or the first (0 also when there
    /// is no chunk).
    fn chunk_for(&self, key: &K) -> usize {
        // Keys mostly grow, so most writes land in the last chunk: check it
        // before searching.
        match self.firsts.last() {
            Some(last) if last <= key => self.firsts.len() - 1,
            _ => self.firsts.partition_point(|first| first <= key).saturating_sub(1),
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        let chunk = self.chunks.get(self.chunk_for(key))?;
        chunk.binary_search_by(|(k, _)| k.cmp(key)).ok().map(|i| &chunk[i].1)
    }

    /// Insert or replace; returns the previous value, like `BTreeMap::insert`.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let c = self.chunk_for(&key);
        let Some(chunk) = self.chunks.get_mut(c) else {
            let mut chunk = VecDeque::with_capacity(CHUNK);
            self.firsts.push(key.clone());
            chunk.push_back((key, value));
            self.chunks.push(Arc::new(chunk));
            self.len = 1;
            return None;
        };
        let chunk = Arc::make_mut(chunk);
        let at = match chunk.back() {
            // Past the end of the chunk (the usual case, as above).
            Some((last, _)) if *last < key => chunk.len(),
            _ => match chunk.binary_search_by(|(k, _)| k.cmp(&key)) {
                Ok(i) => return Some(core::mem::replace(&mut chunk[i].1, value)),
                Err(i) => i,
            },
        };
        self.len += 1;
        if at == chunk.len() && chunk.len() == CHUNK {
            // Keys mostly grow (client ids, revisions): a key past the end of
            // a full chunk starts the next one, and this one stays full
            // without ever growing beyond its capacity.
            let mut next = VecDeque::with_capacity(CHUNK);
            self.firsts.insert(c + 1, key.clone());
            next.push_back((key, value));
            self.chunks.insert(c + 1, Arc::new(next));
            return None;
        }
        if at == 0 {
            // Below every key (only the first chunk takes such a key).
            self.firsts[c] = key.clone();
        }
        chunk.insert(at, (key, value));
        if chunk.len() > CHUNK {
            // A key inside a full chunk: split it in the middle, and let
            // neither half keep spare capacity it will not use.
            let mut upper = VecDeque::with_capacity(CHUNK);
            upper.extend(chunk.drain(chunk.len() / 2..));
            chunk.shrink_to_fit();
            self.firsts.insert(c + 1, upper[0].0.clone());
            self.chunks.insert(c + 1, Arc::new(upper));
        }
        None
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let c = self.chunk_for(key);
        let at = self.chunks.get(c)?.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(self.remove_at(c, at).1)
    }

    /// Remove and return the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.chunks.is_empty() {
            return None;
        }
        Some(self.remove_at(0, 0))
    }

    /// Remove entry `at` of chunk `c` (both exist), keeping every chunk
    /// non-empty and `firsts` in step.
    fn remove_at(&mut self, c: usize, at: usize) -> (K, V) {
        let chunk = Arc::make_mut(&mut self.chunks[c]);
        let entry = chunk.remove(at).expect("remove_at is given an entry that exists");
        self.len -= 1;
        if chunk.is_empty() {
            self.chunks.remove(c);
            self.firsts.remove(c);
        } else if at == 0 {
            self.firsts[c] = chunk[0].0.clone();
        }
        entry
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.chunks.iter().flat_map(|chunk| chunk.iter().map(|(k, v)| (k, v)))
    }

    /// The entries from `key` on (inclusive), in key order: skips the chunks
    /// below it instead of walking them.
    pub fn iter_from(&self, key: K) -> impl Iterator<Item = (&K, &V)> + '_ {
        let start = self.chunk_for(&key).min(self.chunks.len());
        self.chunks[start..].iter().flat_map(move |chunk| {
            let from = chunk.partition_point(|(k, _)| *k < key);
            chunk.range(from..).map(|(k, v)| (k, v))
        })
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
        let map = alloc::collections::BTreeMap::<K, V>::deserialize(deserializer)?;
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
    use alloc::collections::BTreeMap;

    /// Random inserts, removals and pops, checked against a `BTreeMap`, with
    /// clones taken along the way that must not see later changes.
    #[test]
    fn behaves_like_a_btreemap_and_clones_are_independent() {
        let mut map: SharedMap<u64, u64> = SharedMap::new();
        let mut model: BTreeMap<u64, u64> = BTreeMap::new();
        let mut saved: Vec<(SharedMap<u64, u64>, BTreeMap<u64, u64>)> = Vec::new();
        let mut x: u64 = 12345;
        let mut most_chunks = 0;
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
            let firsts: Vec<u64> = map.chunks.iter().map(|chunk| chunk[0].0).collect();
            assert_eq!(map.firsts, firsts, "the index of first keys is in step with the chunks");
            most_chunks = most_chunks.max(map.chunks.len());
            if step % 500 == 0 {
                saved.push((map.clone(), model.clone()));
            }
        }
        assert!(most_chunks >= 3, "the run splits chunks (at most {most_chunks})");
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
        assert!(map.chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
        let mut copy = map.clone();
        copy.insert(1000, 0);
        let shared = map.chunks.iter().zip(copy.chunks.iter()).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(shared, map.chunks.len() - 1, "only the chunk written to was copied");
        assert_eq!(map.len(), 1000);
        assert_eq!(copy.get(&1000), Some(&0));
        assert_eq!(map.get(&1000), None);
    }
}
