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
}

impl Progress {
    pub(crate) fn new(next_index: Index, now: u64) -> Progress {
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
        }
    }

    pub(crate) fn become_probe(&mut self) {
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.pending_snapshot = 0;
    }

    pub(crate) fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
        self.pending_snapshot = 0;
        self.next_index = self.match_index + 1;
    }

    pub(crate) fn become_snapshot(&mut self, snapshot_index: Index, now: u64) {
        self.state = ProgressState::Snapshot;
        self.probe_sent = false;
        self.pending_snapshot = snapshot_index;
        self.snapshot_sent_at = now;
    }

    /// A success answer: the follower matches us through `index`. Returns
    /// whether `match_index` moved.
    pub(crate) fn update_match(&mut self, index: Index) -> bool {
        let moved = index > self.match_index;
        if moved {
            self.match_index = index;
        }
        if self.next_index < index + 1 {
            self.next_index = index + 1;
        }
        moved
    }

    /// Is sending to this peer paused (waiting for an answer)?
    pub(crate) fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => false,
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
