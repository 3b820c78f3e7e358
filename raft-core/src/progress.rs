//! What a leader tracks about each follower (etcd `tracker/progress.go`):
//! Figure 2's `next_index` / `match_index` plus the replication mode.

use alloc::vec::Vec;
use core::fmt;

use crate::node::ProgressState;
use crate::types::{Index, NodeId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Figure 2: index of the next log entry to send to that server.
    pub next_index: Index,
    /// Figure 2: index of the highest log entry known to be replicated there.
    pub match_index: Index,
    /// Probe: one AppendEntries at a time until the match point is found.
    /// Replicate: stream entries optimistically (pipelining).
    /// Snapshot: an InstallSnapshot is in flight.
    pub state: ProgressState,
    /// In Probe, a message is outstanding: wait for its answer or the next heartbeat.
    pub probe_sent: bool,
    /// Index of the snapshot being sent (Snapshot state).
    pub pending_snapshot: Index,
    /// Tick at which the snapshot was sent, to resend it if it was lost.
    pub snapshot_sent_at: u64,
    /// Heard from since the last CheckQuorum round.
    pub recent_active: bool,
    /// Tick at which `match_index` last moved (or tracking began): if a whole
    /// heartbeat interval passes with entries outstanding and no progress, the
    /// leader assumes they were lost and resends from `match_index + 1`.
    pub last_progress_at: u64,
    /// Highest heartbeat round (see `Raft::read_round`) this peer acknowledged.
    pub acked_round: u64,
    /// Replicate: the AppendEntries with entries that are on their way
    /// (etcd's `Inflights`); a full window pauses sending.
    pub inflights: Inflights,
}

/// The sliding window of AppendEntries carrying entries that a leader has sent
/// to one follower in Replicate and not yet seen acknowledged (etcd
/// `tracker/inflights.go`). Each is remembered by the index of its last entry;
/// an acknowledgement through index `i` frees every message ending at or
/// before `i` (the follower has all of them). `cap` bounds the window:
/// `usize::MAX` is today's unbounded optimistic streaming, 1 is stop-and-wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Inflights {
    /// Last entry index of each message in flight, in sending order (so increasing).
    last_indexes: Vec<Index>,
    cap: usize,
}

impl Inflights {
    pub(crate) fn new(cap: usize) -> Inflights {
        Inflights { last_indexes: Vec::new(), cap }
    }

    /// A message whose last entry is `last` left.
    pub(crate) fn add(&mut self, last: Index) {
        self.last_indexes.push(last);
    }

    /// The follower acknowledged everything through `index`: those messages
    /// arrived (or a later one covering them did), so their slots are free.
    pub(crate) fn free_le(&mut self, index: Index) {
        let done = self.last_indexes.partition_point(|&last| last <= index);
        self.last_indexes.drain(..done);
    }

    /// Forget every message in flight: they were lost, or the follower left
    /// Replicate and what it gets next starts over.
    pub(crate) fn reset(&mut self) {
        self.last_indexes.clear();
    }

    pub(crate) fn count(&self) -> usize {
        self.last_indexes.len()
    }

    pub(crate) fn full(&self) -> bool {
        self.last_indexes.len() >= self.cap
    }
}

impl Progress {
    /// `max_inflight`: the window of AppendEntries in flight while streaming
    /// (`Config::effective_max_inflight`).
    pub(crate) fn new(next_index: Index, now: u64, max_inflight: usize) -> Progress {
        Progress {
            next_index,
            match_index: 0,
            state: ProgressState::Probe,
            probe_sent: false,
            pending_snapshot: 0,
            snapshot_sent_at: 0,
            recent_active: false,
            last_progress_at: now,
            acked_round: 0,
            inflights: Inflights::new(max_inflight),
        }
    }

    pub(crate) fn become_probe(&mut self) {
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.pending_snapshot = 0;
        self.inflights.reset();
    }

    pub(crate) fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
        self.pending_snapshot = 0;
        self.next_index = self.match_index + 1;
        self.inflights.reset();
    }

    pub(crate) fn become_snapshot(&mut self, snapshot_index: Index, now: u64) {
        self.state = ProgressState::Snapshot;
        self.probe_sent = false;
        self.inflights.reset();
        self.pending_snapshot = snapshot_index;
        self.snapshot_sent_at = now;
    }

    /// The follower is known to match us through `index` (etcd's
    /// `MaybeUpdate`): `match_index` only moves forward, and `next_index`
    /// stays past it. Returns whether `match_index` moved.
    pub(crate) fn maybe_update(&mut self, index: Index) -> bool {
        let moved = index > self.match_index;
        if moved {
            self.match_index = index;
        }
        if self.next_index < index + 1 {
            self.next_index = index + 1;
        }
        moved
    }

    /// A success answer: the follower matches us through `index` (etcd's
    /// `MaybeUpdate` plus the state changes it leads to). A probe that found
    /// the match point starts streaming (Replicate); a follower that caught up
    /// past the snapshot it was sent streams too. Returns whether
    /// `match_index` moved.
    pub(crate) fn on_append_success(&mut self, index: Index, now: u64) -> bool {
        let moved = self.maybe_update(index);
        if moved {
            self.last_progress_at = now;
        }
        match self.state {
            ProgressState::Probe => {
                if moved || self.match_index == index {
                    self.become_replicate();
                } else {
                    self.probe_sent = false;
                }
            }
            ProgressState::Snapshot => {
                if self.match_index >= self.pending_snapshot {
                    self.become_replicate();
                }
            }
            // Whatever ended at or before the acknowledged index has arrived.
            ProgressState::Replicate => self.inflights.free_le(self.match_index),
        }
        moved
    }

    /// Replicate: an AppendEntries whose last entry is `last` left; streaming
    /// assumes it arrives, so the next one starts after it.
    pub(crate) fn sent_entries(&mut self, last: Index) {
        self.next_index = last + 1;
        self.inflights.add(last);
    }

    /// Is a rejection of an AppendEntries for `rejected` (its prev_log_index)
    /// a late answer to a message sent before we learned more? While
    /// streaming, anything at or below the match is old news; while probing,
    /// only the answer to the one outstanding probe counts; during a snapshot
    /// every rejection is stale.
    pub(crate) fn is_stale_rejection(&self, rejected: Index) -> bool {
        match self.state {
            ProgressState::Replicate => rejected <= self.match_index,
            ProgressState::Probe => rejected.saturating_add(1) != self.next_index,
            ProgressState::Snapshot => true,
        }
    }

    /// A (fresh) rejection: probe again from `next` (the conflict hint's
    /// guess), never below what is known to match (etcd's `MaybeDecrTo`).
    pub(crate) fn decr_to(&mut self, next: Index) {
        self.become_probe();
        self.next_index = next.max(self.match_index + 1).max(1);
    }

    /// While streaming: entries are outstanding (`match_index` < `last_index`)
    /// and nothing was acknowledged for a whole `interval`: they were
    /// probably lost. Restarts the clock when so.
    pub(crate) fn stalled(&mut self, last_index: Index, now: u64, interval: u64) -> bool {
        let stalled = self.match_index < last_index && now.saturating_sub(self.last_progress_at) >= interval;
        if stalled {
            self.last_progress_at = now;
            // Presumed lost: their slots are free for the retry.
            self.inflights.reset();
        }
        stalled
    }

    /// Is sending to this peer paused (waiting for an answer)?
    pub(crate) fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            // Streaming waits only when its window of messages in flight is full.
            ProgressState::Replicate => self.inflights.full(),
            ProgressState::Snapshot => true,
        }
    }
}

/// A leader's `Progress` for each peer, by id: Figure 2's `nextIndex[]` and
/// `matchIndex[]`. A Vec sorted by id with the methods of the `BTreeMap` it
/// replaces (same iteration order): a cluster has a handful of peers, and
/// each B-tree key/value type costs the browser's wasm several kilobytes of
/// code (docs/wasm-size.md).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct ProgressMap(Vec<(NodeId, Progress)>);

impl ProgressMap {
    /// Where `id` is (`Ok`) or would be inserted (`Err`).
    fn position(&self, id: &NodeId) -> Result<usize, usize> {
        self.0.binary_search_by_key(id, |(k, _)| *k)
    }

    pub(crate) fn get(&self, id: &NodeId) -> Option<&Progress> {
        self.position(id).ok().map(|i| &self.0[i].1)
    }

    pub(crate) fn get_mut(&mut self, id: &NodeId) -> Option<&mut Progress> {
        self.position(id).ok().map(|i| &mut self.0[i].1)
    }

    pub(crate) fn contains_key(&self, id: &NodeId) -> bool {
        self.position(id).is_ok()
    }

    pub(crate) fn insert(&mut self, id: NodeId, progress: Progress) {
        match self.position(&id) {
            Ok(i) => self.0[i].1 = progress,
            Err(i) => self.0.insert(i, (id, progress)),
        }
    }

    pub(crate) fn remove(&mut self, id: &NodeId) {
        if let Ok(i) = self.position(id) {
            self.0.remove(i);
        }
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&NodeId, &mut Progress) -> bool) {
        self.0.retain_mut(|(id, p)| keep(id, p));
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// `(id, progress)` pairs by increasing id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&NodeId, &Progress)> {
        self.0.iter().map(|(id, p)| (id, p))
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &NodeId> {
        self.0.iter().map(|(id, _)| id)
    }

    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut Progress> {
        self.0.iter_mut().map(|(_, p)| p)
    }
}

/// Printed like the map it stands for.
impl fmt::Debug for ProgressMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probing(next: Index) -> Progress {
        Progress::new(next, 0, usize::MAX)
    }

    #[test]
    fn a_probe_that_finds_the_match_starts_streaming() {
        let mut p = probing(6);
        p.probe_sent = true;
        assert!(p.is_paused(), "one probe at a time");
        assert!(p.on_append_success(5, 10));
        assert_eq!((p.state, p.match_index, p.next_index, p.last_progress_at), (ProgressState::Replicate, 5, 6, 10));
        assert!(!p.is_paused(), "streaming never waits");
    }

    #[test]
    fn an_old_success_changes_nothing_but_unblocks_a_probe() {
        let mut p = probing(6);
        p.match_index = 5;
        p.probe_sent = true;
        assert!(!p.on_append_success(3, 10), "match does not move back");
        assert_eq!((p.state, p.match_index, p.next_index), (ProgressState::Probe, 5, 6));
        assert!(!p.probe_sent, "the next heartbeat may probe again");
    }

    #[test]
    fn a_snapshot_ends_when_the_follower_is_past_it() {
        let mut p = probing(1);
        p.become_snapshot(100, 5);
        assert!(p.is_paused() && p.is_stale_rejection(50), "nothing else goes out; rejections are stale");
        p.on_append_success(99, 6);
        assert_eq!(p.state, ProgressState::Snapshot);
        p.on_append_success(100, 7);
        assert_eq!((p.state, p.next_index), (ProgressState::Replicate, 101));
    }

    #[test]
    fn stale_rejections_are_recognised() {
        let mut p = probing(6);
        assert!(!p.is_stale_rejection(5), "the answer to the outstanding probe");
        assert!(p.is_stale_rejection(3), "an answer to an older probe");
        p.on_append_success(5, 0);
        assert_eq!(p.state, ProgressState::Replicate);
        assert!(p.is_stale_rejection(5) && p.is_stale_rejection(4), "at or below the match: old news");
        assert!(!p.is_stale_rejection(8));
    }

    #[test]
    fn a_rejection_probes_again_but_never_below_the_match() {
        let mut p = probing(20);
        p.match_index = 7;
        p.decr_to(3);
        assert_eq!((p.state, p.next_index), (ProgressState::Probe, 8), "the match is known: no lower");
        p.decr_to(12);
        assert_eq!(p.next_index, 12);
    }

    #[test]
    fn a_full_window_pauses_streaming_until_an_ack_frees_it() {
        let mut p = Progress::new(1, 0, 2);
        p.on_append_success(0, 0);
        assert_eq!(p.state, ProgressState::Replicate);
        p.sent_entries(3);
        assert!(!p.is_paused(), "one of two slots used");
        p.sent_entries(5);
        assert_eq!((p.inflights.count(), p.next_index), (2, 6));
        assert!(p.is_paused(), "window full");
        p.on_append_success(2, 1);
        assert!(p.is_paused(), "an ack inside the first message frees nothing");
        p.on_append_success(3, 2);
        assert_eq!(p.inflights.count(), 1, "the message ending at 3 arrived");
        assert!(!p.is_paused());
        p.on_append_success(9, 3);
        assert_eq!(p.inflights.count(), 0, "an ack past everything frees everything");
    }

    #[test]
    fn losing_track_of_messages_empties_the_window() {
        let mut p = Progress::new(1, 0, 1);
        p.on_append_success(0, 0);
        p.sent_entries(4);
        assert!(p.is_paused());
        assert!(p.stalled(4, 50, 50), "no ack for an interval");
        assert!(!p.is_paused(), "presumed lost: the retry may go");
        p.sent_entries(4);
        p.decr_to(2);
        assert_eq!((p.state, p.inflights.count()), (ProgressState::Probe, 0));
    }

    #[test]
    fn streaming_that_stalls_for_an_interval_is_noticed_once() {
        let mut p = probing(1);
        p.on_append_success(4, 100);
        assert!(!p.stalled(4, 500, 50), "nothing outstanding");
        assert!(!p.stalled(9, 120, 50), "not a whole interval yet");
        assert!(p.stalled(9, 150, 50));
        assert!(!p.stalled(9, 160, 50), "the clock restarted");
    }
}
