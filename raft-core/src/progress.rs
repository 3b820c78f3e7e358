//! What a leader tracks about each follower (etcd `tracker/progress.go`):
//! Figure 2's `next_index` / `match_index` plus the replication mode.

use crate::node::ProgressState;
use crate::types::Index;

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
