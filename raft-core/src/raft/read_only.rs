//! Linearizable reads without the log (thesis §6.4), in the manner of etcd's
//! `read_only.go`: ReadIndex (confirm leadership with one heartbeat round,
//! then serve at the commit index) and lease reads (no round while a quorum's
//! recent acknowledgements guarantee no other leader can exist).

use super::*;

/// How many recent heartbeat rounds the leader remembers the send time of
/// (for lease reads). Older acknowledgements simply stop counting.
const ROUND_HISTORY: usize = 256;

/// A ReadIndex request waiting for a quorum to acknowledge heartbeat round `round`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PendingRead {
    pub(super) ctx: u64,
    pub(super) index: Index,
    pub(super) round: u64,
}

impl Raft {
    pub(super) fn new_round(&mut self) -> u64 {
        self.read_round += 1;
        self.round_sent_at.push((self.read_round, self.now));
        if self.round_sent_at.len() > ROUND_HISTORY {
            self.round_sent_at.remove(0);
        }
        self.read_round
    }

    pub(super) fn round_sent_tick(&self, round: u64) -> Option<u64> {
        self.round_sent_at.iter().find(|(r, _)| *r == round).map(|(_, t)| *t)
    }

    /// Lease (thesis §6.4.1): a quorum acknowledged heartbeats sent at or after
    /// tick T, and none of them will vote for anyone else before T +
    /// election_timeout_min, so no other leader can exist until then.
    pub(super) fn lease_valid(&self) -> bool {
        if self.lease_revoked {
            return false;
        }
        // Encode "acknowledged a round sent at tick t" as t + 1 (0 = never).
        let ack_tick = |id: NodeId| -> Index {
            if id == self.id {
                return self.now + 1;
            }
            self.progress.get(&id).and_then(|p| self.round_sent_tick(p.acked_round)).map_or(0, |t| t + 1)
        };
        let start_plus_one = quorum::joint_acked(&self.membership, ack_tick);
        if start_plus_one == 0 || start_plus_one == Index::MAX {
            return false;
        }
        self.now < start_plus_one - 1 + self.cfg.election_timeout_min
    }

    pub(crate) fn read_index(&mut self, ctx: u64) {
        let reason = if self.role != Role::Leader {
            Some(ReadRejected::NotLeader { leader_hint: self.leader_id })
        } else if self.transfer_target.is_some() {
            Some(ReadRejected::TransferInProgress)
        } else if !self.current_term_committed() {
            // Until its no-op commits, a new leader does not know the commit index.
            Some(ReadRejected::NoopNotCommitted)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.events.push(CoreEvent::ReadRejected { ctx, reason });
            return;
        }
        let index = self.commit_index;
        // (Bug `stale-leader-read`: serve at once, as if leadership were certain.)
        if (self.cfg.read_mode == ReadMode::Lease && self.lease_valid()) || self.cfg.bugs.stale_leader_read {
            self.read_states.push(ReadState { ctx, index });
            return;
        }
        // ReadIndex: confirm we are still leader with one round of heartbeats.
        let round = self.new_round();
        self.pending_reads.push(PendingRead { ctx, index, round });
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        for id in peers {
            self.send_heartbeat(id, Some(round));
        }
        self.resolve_reads();
    }

    /// Serve every pending read whose round a quorum (of every active
    /// configuration) has acknowledged.
    pub(super) fn resolve_reads(&mut self) {
        if self.pending_reads.is_empty() {
            return;
        }
        let acked = |id: NodeId| -> Index {
            if id == self.id {
                self.read_round
            } else {
                self.progress.get(&id).map_or(0, |p| p.acked_round)
            }
        };
        let confirmed = quorum::joint_acked(&self.membership, acked);
        let mut still = Vec::new();
        for r in core::mem::take(&mut self.pending_reads) {
            if r.round <= confirmed {
                self.read_states.push(ReadState { ctx: r.ctx, index: r.index });
            } else {
                still.push(r);
            }
        }
        self.pending_reads = still;
    }
}
