//! The output batch the host drains after each call into the core, like etcd's
//! `Ready`. The host must, in this order:
//! 1. persist `hard_state`, `snapshot` and `entries` (the persistence contract:
//!    nothing in `messages` may be sent before the state it depends on is durable),
//! 2. send `messages`,
//! 3. install `snapshot` into its state machine (if any), then apply
//!    `committed_entries` in order, then serve `read_states` whose index is applied,
//! 4. call `RawNode::advance(ready)`.

use alloc::vec::Vec;

use crate::message::Message;
use crate::reason::CoreEvent;
use crate::types::{Entry, HardState, Index, Snapshot};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Changed term / vote to persist, if it changed.
    pub hard_state: Option<HardState>,
    /// A snapshot to persist and, if it came from the leader, to install in the
    /// state machine. Persisting it replaces the persisted snapshot and:
    /// - `snapshot_install == false` (taken locally by `compact`): drop the
    ///   persisted entries with index <= its `last_included_index`;
    /// - `snapshot_install == true` (from the leader): drop *all* persisted
    ///   entries — the log may have conflicted with it — and persist `entries`
    ///   (the core re-sends the suffix it kept, if any).
    pub snapshot: Option<Snapshot>,
    /// Whether `snapshot` must also be loaded into the state machine (true when
    /// it came from the leader; false when this server took it itself). After
    /// `advance`, `last_applied` is the snapshot's index.
    pub snapshot_install: bool,
    /// Log entries to persist. The host first drops any persisted entry with an
    /// index >= `entries[0].index` (a truncated conflicting suffix), then appends.
    pub entries: Vec<Entry>,
    /// Messages to send once the above is durable.
    pub messages: Vec<Message>,
    /// Newly committed entries to apply, in index order.
    pub committed_entries: Vec<Entry>,
    /// Reads confirmed by the leader: serve `ctx` once applied >= `index`.
    pub read_states: Vec<ReadState>,
    /// What happened, for the trace.
    pub events: Vec<CoreEvent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReadState {
    pub ctx: u64,
    pub index: Index,
}

impl Ready {
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.snapshot.is_none()
            && self.entries.is_empty()
            && self.messages.is_empty()
            && self.committed_entries.is_empty()
            && self.read_states.is_empty()
            && self.events.is_empty()
    }
}

impl crate::types::PersistentState {
    /// Step 1 of handling a `Ready`, for hosts that keep their durable state in
    /// a `PersistentState` (the simulator and the tests do): record the hard
    /// state, the snapshot and the entries exactly as the contract above says.
    /// A real host writes the same three things to disk (and fsyncs) instead.
    pub fn persist(&mut self, ready: &Ready) {
        if let Some(hs) = &ready.hard_state {
            self.hard_state = hs.clone();
        }
        if let Some(snapshot) = &ready.snapshot {
            if ready.snapshot_install {
                // From the leader: the whole persisted log goes; whatever
                // suffix the core kept comes back in `ready.entries`.
                self.entries.clear();
            } else {
                // Taken locally: only the compacted prefix goes.
                let compacted = self.entries.partition_point(|e| e.index <= snapshot.last_included_index);
                self.entries.remove_prefix(compacted);
            }
            self.snapshot = Some(snapshot.clone());
        }
        if let Some(first) = ready.entries.first() {
            // A conflicting suffix is replaced, never merged. The persisted
            // entries are in index order, so the cut point is a binary search
            // and the cost is that of the new entries, not of the whole log.
            // The common case, entries that follow the last one held, needs
            // no search at all.
            let appends = self.entries.last().is_none_or(|last| last.index < first.index);
            let keep =
                if appends { self.entries.len() } else { self.entries.partition_point(|e| e.index < first.index) };
            self.entries.truncate(keep);
            self.entries.extend(ready.entries.iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{EntryKind, PersistentState};

    fn entries(range: core::ops::RangeInclusive<Index>, term: u64) -> Vec<Entry> {
        range.map(|index| Entry { index, term, kind: EntryKind::Noop }).collect()
    }

    fn indexes_terms(p: &PersistentState) -> Vec<(Index, u64)> {
        p.entries.iter().map(|e| (e.index, e.term)).collect()
    }

    #[test]
    fn persist_appends_replaces_a_conflicting_suffix_and_drops_a_compacted_prefix() {
        let mut p = PersistentState::default();
        p.persist(&Ready { entries: entries(1..=5, 1), ..Ready::default() });
        assert_eq!(p.entries.len(), 5);
        // A leader of term 2 overwrites 4..: 4 and 5 of term 1 go, 4..6 of term 2 come.
        p.persist(&Ready { entries: entries(4..=6, 2), ..Ready::default() });
        assert_eq!(indexes_terms(&p), [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)]);
        // A local snapshot through 3 drops 1..=3 only.
        let snap = Snapshot { last_included_index: 3, last_included_term: 1, ..Default::default() };
        p.persist(&Ready { snapshot: Some(snap), ..Ready::default() });
        assert_eq!(indexes_terms(&p), [(4, 2), (5, 2), (6, 2)]);
        // A leader's snapshot replaces the whole log; the kept suffix comes back in `entries`.
        let snap = Snapshot { last_included_index: 5, last_included_term: 2, ..Default::default() };
        p.persist(&Ready {
            snapshot: Some(snap),
            snapshot_install: true,
            entries: entries(6..=6, 2),
            ..Ready::default()
        });
        assert_eq!(indexes_terms(&p), [(6, 2)]);
        assert_eq!(p.snapshot.as_ref().map(|s| s.last_included_index), Some(5));
    }
}
