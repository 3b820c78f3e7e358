//! `SmallMap`: a map kept as a vector sorted by key.
//!
//! Why: the etcd tables keyed by lease or watch name hold a handful of
//! entries, and every `BTreeMap<K, V>` with a new key and value type brings
//! its own copy of the B-tree code into the browser's wasm (about 8 KB each,
//! docs/wasm-size.md). A sorted vector does the same job for a few entries
//! with a fraction of the code. Iteration is in key order, like a `BTreeMap`.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::ops::Index;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Insert or replace; returns the previous value, like `BTreeMap::insert`.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Every entry in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// Every value in key order, like `BTreeMap::values` (the network's
    /// message counts are summed this way).
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// The entries of a [`SmallMap`] in key order, as `(&key, &value)`: a named
/// type (not `impl Iterator`) so that `&SmallMap` can be `IntoIterator` and
/// `for (k, v) in &map` reads as it did with the `BTreeMap` it replaces.
#[derive(Clone, Debug)]
pub struct Iter<'a, K, V>(core::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<(&'a K, &'a V)> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// `for (k, v) in &map`, in key order, as with a `BTreeMap`.
impl<'a, K: Ord, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

/// `map[key]`, like `BTreeMap`'s `Index`: the value for `key`, and a panic
/// when there is none (tests read the message counts this way).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for SmallMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

/// Serialized as the plain map it stands for.
impl<K: Ord + serde::Serialize, V: serde::Serialize> serde::Serialize for SmallMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de> for SmallMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = alloc::collections::BTreeMap::<K, V>::deserialize(deserializer)?;
        Ok(SmallMap { entries: pairs.into_iter().collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::string::{String, ToString};

    #[test]
    fn behaves_like_a_btreemap() {
        let mut map: SmallMap<String, u64> = SmallMap::default();
        let mut model: BTreeMap<String, u64> = BTreeMap::new();
        let mut x: u64 = 7;
        for step in 0..2000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = ((x >> 33) % 40).to_string();
            match (x >> 20) % 3 {
                0 | 1 => assert_eq!(map.insert(key.clone(), step), model.insert(key.clone(), step)),
                _ => assert_eq!(map.remove(key.as_str()), model.remove(key.as_str())),
            }
            assert_eq!(map.get(key.as_str()), model.get(key.as_str()));
            assert_eq!(map.len(), model.len());
        }
        assert!(map.iter().eq(model.iter()));
        assert!(map.iter().rev().eq(model.iter().rev()));
        assert_eq!(map.iter().len(), model.len());
        assert!(map.values().eq(model.values()));
        let mut seen = Vec::new();
        for (k, v) in &map {
            seen.push((k, v));
        }
        assert!(seen.into_iter().eq(&model));
        for (k, v) in &model {
            assert_eq!(map[k.as_str()], *v);
            assert_eq!(map[k], *v);
        }
    }

    #[test]
    fn empty_map_iterates_nothing() {
        let map: SmallMap<String, u64> = SmallMap::default();
        assert_eq!(map.iter().next(), None);
        assert_eq!(map.values().next(), None);
        let mut entries = 0;
        for _ in &map {
            entries += 1;
        }
        assert_eq!(entries, 0);
    }

    #[test]
    #[should_panic(expected = "no entry found for key")]
    fn index_of_a_missing_key_panics() {
        let mut map: SmallMap<String, u64> = SmallMap::default();
        map.insert("AppendEntries".to_string(), 1);
        let _ = map["RequestVote"];
    }
}
