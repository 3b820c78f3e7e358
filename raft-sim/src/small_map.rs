//! `SmallMap`: a map kept as a vector sorted by key.
//!
//! Why: the etcd tables keyed by lease or watch name hold a handful of
//! entries, and every `BTreeMap<K, V>` with a new key and value type brings
//! its own copy of the B-tree code into the browser's wasm (about 8 KB each,
//! docs/wasm-size.md). A sorted vector does the same job for a few entries
//! with a fraction of the code. Iteration is in key order, like a `BTreeMap`.

use alloc::vec::Vec;
use core::borrow::Borrow;

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
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
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
    }
}
