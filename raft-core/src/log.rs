//! The replicated log of one server: a snapshot (paper §7) followed by the
//! entries after it. Index 0 means "before the log" and has term 0.
//!
//! This module only stores and slices; the Raft rules that decide *when* to
//! append, truncate or compact live in `raft.rs`.

use alloc::vec::Vec;

use crate::entries::LogEntries;
use crate::types::{Entry, Index, Snapshot, Term};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RaftLog {
    /// The latest snapshot (taken locally or installed from the leader).
    pub snapshot: Option<Snapshot>,
    /// Entries with indexes `snapshot_index() + 1 ..= last_index()`, contiguous
    /// (stored in shared segments: see `entries.rs` for why).
    pub entries: LogEntries,
}

impl RaftLog {
    pub(crate) fn new(snapshot: Option<Snapshot>, entries: LogEntries) -> RaftLog {
        let first = snapshot.as_ref().map_or(0, |s| s.last_included_index) + 1;
        if entries.iter().enumerate().all(|(k, e)| e.index == first + k as Index) {
            // Already contiguous right after the snapshot (what `persist`
            // writes): keep it, sharing its segments.
            return RaftLog { snapshot, entries };
        }
        let mut log = RaftLog { snapshot, entries: LogEntries::new() };
        // Keep only a contiguous run starting right after the snapshot, so a
        // damaged persisted state cannot break the indexing below.
        let mut expected = log.snapshot_index() + 1;
        for e in entries.iter().cloned() {
            if e.index < expected {
                continue;
            }
            if e.index != expected {
                break;
            }
            log.entries.push(e);
            expected += 1;
        }
        log
    }

    pub(crate) fn snapshot_index(&self) -> Index {
        self.snapshot.as_ref().map_or(0, |s| s.last_included_index)
    }

    pub(crate) fn snapshot_term(&self) -> Term {
        self.snapshot.as_ref().map_or(0, |s| s.last_included_term)
    }

    /// Index of the first entry still held (after the snapshot).
    pub(crate) fn first_index(&self) -> Index {
        self.snapshot_index() + 1
    }

    pub(crate) fn last_index(&self) -> Index {
        self.snapshot_index() + self.entries.len() as Index
    }

    pub(crate) fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term(), |e| e.term)
    }

    /// Term of the entry at `index`: known for the snapshot's last entry and for
    /// every entry held; `None` if compacted away or beyond the end.
    pub(crate) fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot_index() {
            return Some(self.snapshot_term());
        }
        self.entry(index).map(|e| e.term)
    }

    pub(crate) fn entry(&self, index: Index) -> Option<&Entry> {
        if index < self.first_index() {
            return None;
        }
        self.entries.get((index - self.first_index()) as usize)
    }

    /// Does our log hold an entry at `index` with `term`? (the AppendEntries
    /// consistency check of Figure 2).
    pub(crate) fn matches(&self, index: Index, term: Term) -> bool {
        self.term_at(index) == Some(term)
    }

    /// §5.4.1 election restriction: is a log ending at (`last_term`, `last_index`)
    /// at least as up to date as ours? Later last term wins; same term, longer wins.
    pub(crate) fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        last_term > self.last_term() || (last_term == self.last_term() && last_index >= self.last_index())
    }

    /// Entries `lo ..= hi`, at most `max` of them (at least one if any exists).
    pub(crate) fn slice(&self, lo: Index, hi: Index, max: usize) -> Vec<Entry> {
        let lo = lo.max(self.first_index());
        let hi = hi.min(self.last_index());
        if lo > hi {
            return Vec::new();
        }
        let start = (lo - self.first_index()) as usize;
        let count = ((hi - lo + 1) as usize).min(max.max(1));
        self.entries.range_to_vec(start..start + count)
    }

    /// Append one entry at the end (the leader's own proposals).
    pub(crate) fn push(&mut self, entry: Entry) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }

    /// Remove every entry with index >= `from` (Figure 2, AppendEntries rule 3).
    pub(crate) fn truncate_from(&mut self, from: Index) {
        if from < self.first_index() {
            self.entries.clear();
            return;
        }
        let keep = (from - self.first_index()) as usize;
        self.entries.truncate(keep);
    }

    /// First index of the run of `term` that contains `index` (scanning back
    /// from `index`), for the follower's conflict hint.
    pub(crate) fn first_index_of_term_run(&self, index: Index, term: Term) -> Index {
        let mut i = index;
        while i > self.first_index() && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// Last index `<= upto` whose term is `term`, if we hold one (leader side of
    /// the fast backup). Terms only grow along the log, so we scan back and stop
    /// once terms drop below `term`.
    pub(crate) fn last_index_of_term(&self, term: Term, upto: Index) -> Option<Index> {
        let mut i = upto.min(self.last_index());
        loop {
            match self.term_at(i) {
                Some(t) if t == term => return Some(i),
                Some(t) if t < term => return None,
                Some(_) => {}
                None => return None,
            }
            if i == 0 || i < self.first_index() {
                return None;
            }
            i -= 1;
        }
    }

    /// Replace the log up to `snapshot.last_included_index` by `snapshot`. With
    /// `keep_suffix`, entries after the snapshot are kept; otherwise the whole
    /// log is discarded (it conflicted with the snapshot).
    pub(crate) fn install_snapshot(&mut self, snapshot: Snapshot, keep_suffix: bool) {
        if keep_suffix {
            let idx = snapshot.last_included_index;
            let compacted = self.entries.partition_point(|e| e.index <= idx);
            self.entries.remove_prefix(compacted);
        } else {
            self.entries.clear();
        }
        self.snapshot = Some(snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::EntryKind;

    fn e(index: Index, term: Term) -> Entry {
        Entry { index, term, kind: EntryKind::Noop }
    }

    fn log_of(terms: &[Term]) -> RaftLog {
        RaftLog::new(None, terms.iter().enumerate().map(|(i, t)| e(i as Index + 1, *t)).collect())
    }

    #[test]
    fn indexes_and_terms() {
        let log = log_of(&[1, 1, 2, 3]);
        assert_eq!(log.last_index(), 4);
        assert_eq!(log.last_term(), 3);
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(5), None);
        assert!(log.matches(2, 1));
        assert!(!log.matches(2, 2));
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log_of(&[1, 2, 2]);
        assert!(log.is_up_to_date(1, 3), "higher last term wins even if shorter");
        assert!(!log.is_up_to_date(9, 1), "lower last term loses even if longer");
        assert!(log.is_up_to_date(3, 2));
        assert!(!log.is_up_to_date(2, 2));
    }

    #[test]
    fn slice_truncate_and_snapshot() {
        let mut log = log_of(&[1, 1, 2, 2, 2, 3]);
        assert_eq!(log.slice(2, 10, 3).iter().map(|e| e.index).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(log.first_index_of_term_run(5, 2), 3);
        assert_eq!(log.last_index_of_term(2, 6), Some(5));
        assert_eq!(log.last_index_of_term(1, 6), Some(2));
        assert_eq!(log.last_index_of_term(4, 6), None);
        log.truncate_from(4);
        assert_eq!(log.last_index(), 3);
        let snap = Snapshot { last_included_index: 2, last_included_term: 1, ..Default::default() };
        log.install_snapshot(snap, true);
        assert_eq!(log.first_index(), 3);
        assert_eq!(log.term_at(2), Some(1));
        assert_eq!(log.term_at(1), None, "compacted");
        assert_eq!(log.last_index(), 3);
        let snap = Snapshot { last_included_index: 9, last_included_term: 4, ..Default::default() };
        log.install_snapshot(snap, false);
        assert_eq!((log.last_index(), log.last_term()), (9, 4));
    }
}
