//! `LogEntries`: the entries of a log (Figure 2's `log[]`), stored so that a
//! copy of a long log is cheap.
//!
//! Why segments: a host may copy a whole server many times — the simulator's
//! time travel keeps a checkpoint (a clone of every server, its persisted
//! state and more) every few simulated seconds. A plain `Vec<Entry>` makes
//! every such copy cost the whole history. Here the entries are cut into
//! segments of [`SEGMENT`] entries; a full segment never changes again, so it
//! is an `Arc<[Entry]>` shared by every copy. A clone copies one pointer per
//! segment and the unfinished tail (fewer than [`SEGMENT`] entries), nothing
//! else. The rare writes into the shared part (a conflicting suffix cut off,
//! Figure 2 AppendEntries rule 3) copy the one segment they cut into back to
//! the tail; a compacted prefix (§7) drops whole segments and skips into the
//! first.
//!
//! Positions here are 0-based offsets into the entries, not Raft indexes:
//! `RaftLog` and `PersistentState` know which index the first entry has.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

use crate::types::Entry;

/// Entries per shared segment. Small enough that the copied tail is small,
/// large enough that a long log is a short list of segments (a 60-minute
/// loaded run of 36,000 entries is 563 pointers).
pub const SEGMENT: usize = 64;

/// A contiguous run of log entries; cheap to clone (see the module comment).
#[derive(Clone, Default)]
pub struct LogEntries {
    /// Full segments of exactly [`SEGMENT`] entries, oldest first, immutable
    /// and shared by every clone.
    sealed: Segments,
    /// How many entries at the front of `sealed[0]` are gone (compacted).
    /// Always 0 when `sealed` is empty, and less than [`SEGMENT`].
    skip: usize,
    /// The entries after the sealed segments: fewer than [`SEGMENT`]; the only
    /// entries a clone copies.
    tail: Vec<Entry>,
}

impl LogEntries {
    pub fn new() -> LogEntries {
        LogEntries::default()
    }

    pub fn len(&self) -> usize {
        self.sealed.len() * SEGMENT - self.skip + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry at position `pos` (0 = the first entry held).
    pub fn get(&self, pos: usize) -> Option<&Entry> {
        let p = pos + self.skip;
        match self.sealed.get(p / SEGMENT) {
            Some(segment) => Some(&segment[p % SEGMENT]),
            None => self.tail.get(p - self.sealed.len() * SEGMENT),
        }
    }

    pub fn first(&self) -> Option<&Entry> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&Entry> {
        self.tail.last().or_else(|| self.sealed.last().and_then(|s| s.last()))
    }

    /// Every entry, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + Clone {
        self.range(0..self.len())
    }

    /// Entries at positions `range` (clamped to what is held), oldest first.
    /// Costs what it yields, not what comes before `range.start`.
    pub fn range(&self, range: Range<usize>) -> impl DoubleEndedIterator<Item = &Entry> + Clone {
        self.slices(range).flat_map(|s| s.iter())
    }

    /// Positions `range` as at most a few contiguous slices, in order.
    fn slices(&self, range: Range<usize>) -> impl DoubleEndedIterator<Item = &[Entry]> + Clone {
        // Physical positions: counted from the start of `sealed[0]`.
        let end = range.end.min(self.len()) + self.skip;
        let start = (range.start + self.skip).min(end);
        let sealed_end = self.sealed.len() * SEGMENT;
        let first = (start / SEGMENT).min(self.sealed.len());
        let last = end.min(sealed_end).div_ceil(SEGMENT).max(first);
        let sealed = (first..last).map(move |k| {
            let segment = self.sealed.get(k).expect("a sealed segment");
            let base = k * SEGMENT;
            &segment[start.max(base) - base..end.min(base + SEGMENT) - base]
        });
        let tail = &self.tail[start.max(sealed_end) - sealed_end..end.max(sealed_end) - sealed_end];
        sealed.chain(core::iter::once(tail))
    }

    /// Entries at positions `range` (clamped to what is held) as one `Vec`,
    /// allocated once at its final size and filled slice by slice: what every
    /// AppendEntries and every Ready's entries are built from.
    pub fn range_to_vec(&self, range: Range<usize>) -> Vec<Entry> {
        let len = range.end.min(self.len()).saturating_sub(range.start);
        let mut out = Vec::with_capacity(len);
        for slice in self.slices(range) {
            out.extend_from_slice(slice);
        }
        out
    }

    /// The entries as one `Vec` (copies them).
    pub fn to_vec(&self) -> Vec<Entry> {
        self.iter().cloned().collect()
    }

    /// Add one entry at the end; a tail that reaches [`SEGMENT`] entries is
    /// sealed into a shared segment.
    pub fn push(&mut self, entry: Entry) {
        self.tail.push(entry);
        if self.tail.len() == SEGMENT {
            let full = core::mem::replace(&mut self.tail, Vec::with_capacity(SEGMENT));
            self.sealed.push(Arc::from(full));
        }
    }

    /// Keep only the first `len` entries (a conflicting suffix removed).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let p = len + self.skip;
        let sealed_end = self.sealed.len() * SEGMENT;
        if p >= sealed_end {
            self.tail.truncate(p - sealed_end);
            return;
        }
        // The cut falls inside a shared segment: what is kept of it becomes
        // the tail (copied, never written in place: other copies share it).
        let segment = p / SEGMENT;
        let from = if segment == 0 { self.skip } else { 0 };
        self.tail = self.sealed.get(segment).expect("a sealed segment")[from..p % SEGMENT].to_vec();
        self.sealed.truncate(segment);
        if self.sealed.is_empty() {
            self.skip = 0;
        }
    }

    /// Remove the first `count` entries (a prefix compacted into a snapshot).
    pub fn remove_prefix(&mut self, count: usize) {
        if count >= self.len() {
            self.clear();
            return;
        }
        let p = count + self.skip;
        let whole = p / SEGMENT;
        if whole >= self.sealed.len() {
            let in_tail = p - self.sealed.len() * SEGMENT;
            self.sealed.clear();
            self.skip = 0;
            self.tail.drain(..in_tail);
        } else {
            self.sealed.remove_prefix(whole);
            self.skip = p % SEGMENT;
        }
    }

    pub fn clear(&mut self) {
        self.sealed.clear();
        self.skip = 0;
        self.tail.clear();
    }

    /// Replace the entry at `pos` (only raft-core's `no-truncate` bug writes in
    /// place). A shared segment is copied first, so other clones keep theirs.
    pub fn set(&mut self, pos: usize, entry: Entry) {
        let p = pos + self.skip;
        let sealed_end = self.sealed.len() * SEGMENT;
        if p >= sealed_end {
            self.tail[p - sealed_end] = entry;
            return;
        }
        let segment = self.sealed.get_mut(p / SEGMENT);
        let mut copy = segment.to_vec();
        copy[p % SEGMENT] = entry;
        *segment = Arc::from(copy);
    }

    /// The first position whose entry does not satisfy `pred`, for entries
    /// partitioned by it (like `slice::partition_point`): a binary search.
    pub fn partition_point(&self, mut pred: impl FnMut(&Entry) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(e) if pred(e) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }
}

/// Sealed segments per page of the segment list.
const PAGE: usize = 64;

/// The list of sealed segments, itself in pages of [`PAGE`] pointers behind
/// `Arc`s. Why: a clone copied one pointer per segment, so a checkpoint of a
/// long log still cost in proportion to the log (a 10-minute run at 100
/// puts/s: 940 segments per log, two logs per server: 150 KiB per checkpoint
/// of 5 servers). Now a clone copies one pointer per page (4,096 entries);
/// a push writes into the last page, copying it only while a clone shares it.
#[derive(Clone, Default)]
struct Segments {
    pages: Vec<Arc<Vec<Arc<[Entry]>>>>,
    /// Segments dropped from the front of `pages[0]` (a compacted prefix).
    skip: usize,
    len: usize,
}

impl Segments {
    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn get(&self, i: usize) -> Option<&Arc<[Entry]>> {
        if i >= self.len {
            return None;
        }
        let at = i + self.skip;
        Some(&self.pages[at / PAGE][at % PAGE])
    }

    fn get_mut(&mut self, i: usize) -> &mut Arc<[Entry]> {
        assert!(i < self.len, "a sealed segment");
        let at = i + self.skip;
        &mut Arc::make_mut(&mut self.pages[at / PAGE])[at % PAGE]
    }

    fn last(&self) -> Option<&Arc<[Entry]>> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    fn push(&mut self, segment: Arc<[Entry]>) {
        match self.pages.last_mut() {
            Some(page) if page.len() < PAGE => Arc::make_mut(page).push(segment),
            _ => {
                let mut page = Vec::with_capacity(PAGE);
                page.push(segment);
                self.pages.push(Arc::new(page));
            }
        }
        self.len += 1;
    }

    /// Keep the first `len` segments.
    fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        if len == 0 {
            self.clear();
            return;
        }
        let end = len + self.skip;
        let pages = end.div_ceil(PAGE);
        self.pages.truncate(pages);
        let keep = end - (pages - 1) * PAGE;
        let last = self.pages.last_mut().expect("a page");
        if last.len() > keep {
            Arc::make_mut(last).truncate(keep);
        }
        self.len = len;
    }

    /// Drop the first `count` segments.
    fn remove_prefix(&mut self, count: usize) {
        if count >= self.len {
            self.clear();
            return;
        }
        self.len -= count;
        self.skip += count;
        let whole = self.skip / PAGE;
        self.pages.drain(..whole);
        self.skip -= whole * PAGE;
    }

    fn clear(&mut self) {
        self.pages.clear();
        self.skip = 0;
        self.len = 0;
    }

    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = &Arc<[Entry]>> {
        (0..self.len).map(move |i| self.get(i).expect("a sealed segment"))
    }
}

impl Extend<Entry> for LogEntries {
    fn extend<I: IntoIterator<Item = Entry>>(&mut self, iter: I) {
        for e in iter {
            self.push(e);
        }
    }
}

impl FromIterator<Entry> for LogEntries {
    fn from_iter<I: IntoIterator<Item = Entry>>(iter: I) -> LogEntries {
        let mut entries = LogEntries::new();
        entries.extend(iter);
        entries
    }
}

impl From<Vec<Entry>> for LogEntries {
    fn from(entries: Vec<Entry>) -> LogEntries {
        entries.into_iter().collect()
    }
}

impl core::ops::Index<usize> for LogEntries {
    type Output = Entry;
    fn index(&self, pos: usize) -> &Entry {
        match self.get(pos) {
            Some(e) => e,
            None => panic!("log position {pos} out of range (len {})", self.len()),
        }
    }
}

/// Equal when the same entries are held, however they are segmented.
impl PartialEq for LogEntries {
    fn eq(&self, other: &LogEntries) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for LogEntries {}

impl PartialEq<[Entry]> for LogEntries {
    fn eq(&self, other: &[Entry]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl PartialEq<Vec<Entry>> for LogEntries {
    fn eq(&self, other: &Vec<Entry>) -> bool {
        self == other.as_slice()
    }
}

/// Hashes like the `Vec<Entry>` it replaces (length, then each entry).
impl core::hash::Hash for LogEntries {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for e in self.iter() {
            e.hash(state);
        }
    }
}

impl core::fmt::Debug for LogEntries {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialized as a plain sequence of entries, like the `Vec` it replaces.
#[cfg(feature = "serde")]
impl serde::Serialize for LogEntries {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for LogEntries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<LogEntries, D::Error> {
        Vec::<Entry>::deserialize(deserializer).map(LogEntries::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::EntryKind;

    fn e(index: u64) -> Entry {
        Entry { index, term: 1 + index / 100, kind: EntryKind::Noop }
    }

    /// Every operation checked against a plain `Vec` doing the same, across
    /// segment boundaries, with a clone taken before each change that must
    /// not see it.
    #[test]
    fn behaves_like_a_vec_and_clones_do_not_see_later_changes() {
        let mut log = LogEntries::new();
        let mut model: Vec<Entry> = Vec::new();
        let check = |log: &LogEntries, model: &Vec<Entry>| {
            assert_eq!(log.len(), model.len());
            assert_eq!(log.to_vec(), *model);
            assert_eq!(log.iter().rev().cloned().collect::<Vec<_>>(), model.iter().rev().cloned().collect::<Vec<_>>());
            assert_eq!(log.first(), model.first());
            assert_eq!(log.last(), model.last());
            for pos in
                [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5, model.len().saturating_sub(1), model.len()]
            {
                assert_eq!(log.get(pos), model.get(pos), "get({pos})");
                for len in [0, 1, 2, SEGMENT, 2 * SEGMENT + 3, 1000] {
                    let want: Vec<&Entry> = model.iter().skip(pos).take(len).collect();
                    assert_eq!(log.range(pos..pos + len).collect::<Vec<_>>(), want, "range({pos}..+{len})");
                    let want: Vec<Entry> = want.into_iter().cloned().collect();
                    assert_eq!(log.range_to_vec(pos..pos + len), want, "range_to_vec({pos}..+{len})");
                }
            }
        };
        let mut next = 1;
        let mut saved: Vec<(LogEntries, Vec<Entry>)> = Vec::new();
        // Grow, cut into a sealed segment, compact a prefix, grow again...
        let steps: &[(&str, usize)] = &[
            ("push", 300),
            ("truncate", 130),
            ("push", 70),
            ("remove_prefix", 10),
            ("push", 100),
            ("truncate", 40),
            ("remove_prefix", 70),
            ("push", 200),
            ("set", 5),
            ("set", 150),
            ("remove_prefix", 64),
            ("truncate", 3),
            ("push", 64),
            ("remove_prefix", 1000),
            ("push", 129),
            // Across pages of the segment list (64 segments = 4,096 entries each).
            ("push", 9000),
            ("truncate", 8200),
            ("remove_prefix", 4150),
            ("set", 4000),
            ("push", 4200),
            ("truncate", 4096),
            ("remove_prefix", 4096 - 64),
            ("push", 8192),
            ("truncate", 64),
        ];
        for &(op, n) in steps {
            saved.push((log.clone(), model.clone()));
            match op {
                "push" => {
                    for _ in 0..n {
                        log.push(e(next));
                        model.push(e(next));
                        next += 1;
                    }
                }
                "truncate" => {
                    log.truncate(n);
                    model.truncate(n);
                }
                "remove_prefix" => {
                    log.remove_prefix(n);
                    model.drain(..n.min(model.len()));
                }
                "set" => {
                    let changed = Entry { term: 99, ..model[n].clone() };
                    log.set(n, changed.clone());
                    model[n] = changed;
                }
                _ => unreachable!(),
            }
            check(&log, &model);
            let index = model.first().map_or(0, |e| e.index);
            assert_eq!(log.partition_point(|e| e.index < index + 7), model.partition_point(|e| e.index < index + 7));
        }
        for (clone, model) in &saved {
            check(clone, model);
        }
    }

    #[test]
    fn a_clone_shares_sealed_segments() {
        let log: LogEntries = (1..=1000).map(e).collect();
        let copy = log.clone();
        assert_eq!(copy.sealed.len(), 1000 / SEGMENT);
        assert!(log.sealed.iter().zip(copy.sealed.iter()).all(|(a, b)| Arc::ptr_eq(a, b)));
        assert_eq!(copy.tail.len(), 1000 % SEGMENT);
    }
}
