//! `SmallMap`: a map kept as a vector sorted by key.
//!
//! Why: the etcd tables keyed by lease or watch name hold a handful of
//! entries, and every `BTreeMap<K, V>` with a new key and value type brings
//! its own copy of the B-tree code into the browser's wasm (about 8 KB each,
//! docs/wasm-size.md). A sorted vector does the same job for a few entries
//! with a fraction of the code. Iteration is in key order, like a `BTreeMap`.
//!
//! `SmallSet`: the same for a set, in place of a `BTreeSet` (the invariant
//! names a scenario expects to fire, the keys attached to a lease).

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

/// A set kept as a vector sorted and without duplicates: a `BTreeSet` for a
/// handful of elements. Why: a `BTreeSet<String>` is B-tree code of its own in
/// the browser's wasm (docs/wasm-size.md), for sets that hold a few invariant
/// names or the keys of one lease. Insert and remove are O(n), which is what
/// a B-tree saves only for sets far larger than these. Iteration is in
/// order, and it serializes as the sequence a `BTreeSet` writes.
#[derive(Clone, PartialEq, Eq)]
pub struct SmallSet<T> {
    items: Vec<T>,
}

impl<T> Default for SmallSet<T> {
    fn default() -> Self {
        SmallSet { items: Vec::new() }
    }
}

impl<T: Ord> SmallSet<T> {
    pub const fn new() -> Self {
        SmallSet { items: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|x| x.borrow().cmp(value))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// Add `value`; false if it was there already (then the set keeps the
    /// element it had), like `BTreeSet::insert`.
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    /// Remove `value`; false if it was not there, like `BTreeSet::remove`.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.find(value) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Every element in order.
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }
}

/// Written `{"a", "b"}`, as a `BTreeSet` is (test failures print them).
impl<T: core::fmt::Debug> core::fmt::Debug for SmallSet<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

/// One `insert` per element, not a sort: `collect` needs no sort code.
impl<T: Ord> Extend<T> for SmallSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.insert(x);
        }
    }
}

impl<T: Ord> FromIterator<T> for SmallSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = SmallSet::new();
        set.extend(iter);
        set
    }
}

/// `for x in &set`, in order.
impl<'a, T> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> core::slice::Iter<'a, T> {
        self.items.iter()
    }
}

/// The elements by value, in order (a lease's keys when it ends).
impl<T> IntoIterator for SmallSet<T> {
    type Item = T;
    type IntoIter = alloc::vec::IntoIter<T>;

    fn into_iter(self) -> alloc::vec::IntoIter<T> {
        self.items.into_iter()
    }
}

/// Serialized as the sequence a `BTreeSet` writes (its elements in order).
impl<T: serde::Serialize> serde::Serialize for SmallSet<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.iter())
    }
}

/// Read from any sequence, like a `BTreeSet` (sorted, duplicates dropped).
impl<'de, T: Ord + serde::Deserialize<'de>> serde::Deserialize<'de> for SmallSet<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::{BTreeMap, BTreeSet};
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

    #[test]
    fn set_behaves_like_a_btreeset() {
        let mut set: SmallSet<String> = SmallSet::new();
        let mut model: BTreeSet<String> = BTreeSet::new();
        let mut x: u64 = 11;
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = ((x >> 33) % 40).to_string();
            match (x >> 20) % 3 {
                0 | 1 => assert_eq!(set.insert(key.clone()), model.insert(key.clone())),
                _ => assert_eq!(set.remove(key.as_str()), model.remove(key.as_str())),
            }
            assert_eq!(set.contains(key.as_str()), model.contains(key.as_str()));
            assert_eq!(set.len(), model.len());
            assert_eq!(set.is_empty(), model.is_empty());
        }
        assert!(set.iter().eq(model.iter()));
        let mut seen = Vec::new();
        for k in &set {
            seen.push(k);
        }
        assert!(seen.into_iter().eq(&model));
        assert_eq!(alloc::format!("{set:?}"), alloc::format!("{model:?}"));
        assert!(set.clone().into_iter().eq(model.clone()));
        let collected: SmallSet<String> = model.iter().rev().cloned().chain(model.iter().cloned()).collect();
        assert_eq!(collected, set);
    }

    #[test]
    fn set_serializes_like_a_btreeset() {
        let model: BTreeSet<String> = ["b", "a", "c"].iter().map(|s| s.to_string()).collect();
        let set: SmallSet<String> = model.iter().cloned().collect();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, serde_json::to_string(&model).unwrap());
        let back: SmallSet<String> = serde_json::from_str(r#"["c","a","b","a"]"#).unwrap();
        assert_eq!(back, set);
    }
}
