//! `SharedVec`: a list whose bulk is shared between clones.
//!
//! Why: the client list (the newest done operations and every active one,
//! `client::Clients`) was the biggest part a time-travel checkpoint copied
//! (about 190 KiB: 500–1,000 operations with their strings). Here the items
//! live in chunks of [`CHUNK`] behind `Arc`s, so a clone copies one pointer
//! per chunk; changing an item copies its chunk only while a clone still
//! shares it (`Arc::make_mut`). Items are pushed at the end and dropped from
//! the front, and only the newest ones change (operations in flight), so a
//! checkpoint costs the next changes a copy of the last chunk or two.
//!
//! Every chunk but the last is full; the first may start with items already
//! dropped (`skip`), which stay allocated until their chunk is wholly dropped.

use alloc::sync::Arc;
use alloc::vec::Vec;

/// Items per chunk.
pub const CHUNK: usize = 64;

#[derive(Clone, Debug)]
pub struct SharedVec<T> {
    chunks: Vec<Arc<Vec<T>>>,
    /// Items dropped from the front of the first chunk.
    skip: usize,
    len: usize,
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec { chunks: Vec::new(), skip: 0, len: 0 }
    }
}

impl<T: Clone> SharedVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// (chunk, offset) of item `i`.
    fn locate(&self, i: usize) -> (usize, usize) {
        let at = self.skip + i;
        (at / CHUNK, at % CHUNK)
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (c, o) = self.locate(i);
        Some(&self.chunks[c][o])
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let (c, o) = self.locate(i);
        Some(&mut Arc::make_mut(&mut self.chunks[c])[o])
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    /// Drop the first `n` items (at most all of them).
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len);
        self.len -= n;
        self.skip += n;
        let whole = self.skip / CHUNK;
        if whole > 0 {
            self.chunks.drain(..whole);
            self.skip -= whole * CHUNK;
        }
        if self.len == 0 {
            self.chunks.clear();
            self.skip = 0;
        }
    }

    /// The items from position `from` on, in order.
    pub fn iter_from(&self, from: usize) -> impl DoubleEndedIterator<Item = &T> {
        let from = from.min(self.len);
        let (c, o) = self.locate(from);
        let end = self.skip + self.len;
        self.chunks.iter().enumerate().skip(c).flat_map(move |(k, chunk)| {
            let lo = if k == c { o } else { 0 };
            let hi = (end - k * CHUNK).min(chunk.len());
            chunk[lo..hi].iter()
        })
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.iter_from(0)
    }
}

impl<T: Clone> core::ops::Index<usize> for SharedVec<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        self.get(i).expect("index within the list")
    }
}

impl<T: Clone> core::ops::IndexMut<usize> for SharedVec<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        self.get_mut(i).expect("index within the list")
    }
}

/// Equal when the same items are live, however they are chunked.
impl<T: Clone + PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes, front drops and changes checked against a `Vec`, with clones
    /// taken along the way that must not see later changes.
    #[test]
    fn behaves_like_a_vec_and_clones_are_independent() {
        let mut list: SharedVec<u64> = SharedVec::new();
        let mut model: Vec<u64> = Vec::new();
        let mut saved: Vec<(SharedVec<u64>, Vec<u64>)> = Vec::new();
        let mut x: u64 = 99;
        for step in 0..5_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            match (x >> 33) % 8 {
                0 => {
                    let n = ((x >> 20) % 70) as usize;
                    list.drop_front(n);
                    model.drain(..n.min(model.len()));
                }
                1 if !model.is_empty() => {
                    let i = ((x >> 12) as usize) % model.len();
                    list[i] = step;
                    model[i] = step;
                }
                _ => {
                    list.push(step);
                    model.push(step);
                }
            }
            assert_eq!(list.len(), model.len());
            assert_eq!(list.last(), model.last());
            let from = ((x >> 40) as usize) % (model.len() + 2);
            assert!(list.iter_from(from).eq(model.iter().skip(from)));
            if step % 500 == 0 {
                saved.push((list.clone(), model.clone()));
            }
        }
        for (list, model) in &saved {
            assert!(list.iter().eq(model.iter()));
            assert!(list.iter().rev().eq(model.iter().rev()));
            assert_eq!(list.len(), model.len());
        }
    }

    #[test]
    fn a_clone_shares_chunks_and_a_change_copies_one() {
        let mut list: SharedVec<u64> = SharedVec::new();
        for k in 0..1000 {
            list.push(k);
        }
        let mut copy = list.clone();
        copy[999] = 7;
        let shared = list.chunks.iter().zip(&copy.chunks).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(shared, list.chunks.len() - 1, "only the chunk changed was copied");
        assert_eq!(list[999], 999);
        assert_eq!(copy[999], 7);
    }
}
