//! `RawNode`: the host-facing API (etcd `RawNode` style). The protocol itself
//! lives in `raft.rs` (one step function per role); this is the thin shell
//! a host (the simulator, a test, a real server) drives: tick, step, propose,
//! then take a `Ready`, persist it, send its messages and apply its entries.

use alloc::vec::Vec;

use crate::config::Config;
use crate::entries::LogEntries;
use crate::message::Message;
use crate::ready::Ready;
use crate::types::*;

/// Replication state of one peer as the leader sees it (etcd
/// `tracker/progress.go`): Figure 2's `next_index` and `match_index`, plus the
/// mode the leader is in for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeerProgress {
    pub id: NodeId,
    pub next_index: Index,
    pub match_index: Index,
    /// `Probe` (finding the match point), `Replicate` (streaming) or
    /// `Snapshot` (an InstallSnapshot is in flight).
    pub state: ProgressState,
    /// Heard from since the last CheckQuorum round.
    pub recent_active: bool,
    /// Replicate: AppendEntries carrying entries sent and not yet
    /// acknowledged (at most `Config::effective_max_inflight`).
    pub inflight: usize,
    pub is_learner: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProgressState {
    Probe,
    Replicate,
    Snapshot,
}

/// One active configuration and what a decision needs from it (thesis §4.3:
/// during joint consensus there are two, and a decision needs both).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuorumStatus {
    /// The voters of this configuration.
    pub voters: Vec<NodeId>,
    /// True for C_old during joint consensus.
    pub outgoing: bool,
    /// A majority of `voters`.
    pub need: u32,
    /// Leader: voters that store its last entry (itself included).
    /// Candidate / pre-candidate: votes granted by these voters.
    /// Otherwise None.
    pub have: Option<u32>,
}

/// A read-only picture of one server, for views, checks and tests.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Status {
    pub id: NodeId,
    pub role: Role,
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    /// The leader this server believes in for `current_term`, if any.
    pub leader_id: Option<NodeId>,
    pub commit_index: Index,
    /// Highest index the host has acknowledged applying (via `advance`).
    pub last_applied: Index,
    pub last_index: Index,
    pub last_term: Term,
    /// Index/term of the last entry covered by the snapshot (0 if none).
    pub snapshot_index: Index,
    pub snapshot_term: Term,
    /// The configuration in force (the latest in the log, committed or not).
    pub membership: Membership,
    /// Ticks since the election timer was last reset, and the randomized
    /// timeout it fires at (followers and candidates); for a leader, ticks
    /// since the last heartbeat and the heartbeat interval.
    pub timer_elapsed: u64,
    pub timer_timeout: u64,
    /// Leader only: one entry per other member (voters and learners).
    pub progress: Vec<PeerProgress>,
    /// Leader only: the target of a leadership transfer under way.
    pub transfer_target: Option<NodeId>,
    /// Votes received in the current (pre-)election, candidates only.
    pub votes_granted: Vec<NodeId>,
    /// The active configuration(s) — C_new then C_old during joint consensus —
    /// with the majority each decision needs and how close this server is.
    pub quorum: Vec<QuorumStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawNode {
    pub(crate) raft: crate::raft::Raft,
}

impl RawNode {
    /// A fresh server with an empty log (`config.initial_voters` is its configuration).
    ///
    /// Panics if `config.validate()` fails (a host bug; check it first when
    /// the configuration comes from a user).
    pub fn new(config: Config) -> RawNode {
        RawNode { raft: crate::raft::Raft::new(config, None) }
    }
    /// A server restarting from what it persisted. Volatile state (commit index,
    /// role, leader state) starts over: role Follower, commit = snapshot index.
    pub fn restart(config: Config, persisted: PersistentState) -> RawNode {
        RawNode { raft: crate::raft::Raft::new(config, Some(persisted)) }
    }
    /// One tick of logical time (1 ms in the simulator).
    pub fn tick(&mut self) {
        self.raft.tick()
    }
    /// Feed a message received from the network.
    pub fn step(&mut self, msg: Message) {
        self.raft.step(msg)
    }
    /// Propose a state-machine command. Dropped (with a `ProposalDropped` event)
    /// unless this server is leader and not transferring. Returns the index it
    /// will occupy when accepted.
    pub fn propose(&mut self, data: Vec<u8>) -> Result<Index, crate::reason::ProposalDropped> {
        self.raft.propose(data)
    }
    /// Start a membership change: `AddLearner` / `Remove` for single-server
    /// changes, or `EnterJoint(new voters)` for joint consensus. A learner that
    /// was added is promoted automatically by the leader once caught up. For
    /// `EnterJoint`, servers new to the cluster first join as learners (one
    /// entry each); C_old,new is appended once they have all caught up, and
    /// left (LeaveJoint) automatically once committed. The returned index is
    /// that of the first entry appended.
    pub fn propose_change(&mut self, change: ConfigChange) -> Result<Index, crate::reason::ProposalDropped> {
        self.raft.propose_change(change)
    }
    /// Ask for a linearizable read; the answer comes back as a `ReadState` with
    /// the same `ctx` (or a `ReadRejected` event).
    pub fn read_index(&mut self, ctx: u64) {
        self.raft.read_index(ctx)
    }
    /// Leadership transfer to `target` (thesis §3.10).
    pub fn transfer_leader(&mut self, target: NodeId) {
        self.raft.transfer_leader(target)
    }
    /// Fire the election timer now (`timeout nK`).
    pub fn campaign(&mut self) {
        self.raft.campaign_forced()
    }
    /// Compact the log: the host has applied through `index` and hands over the
    /// state-machine bytes; the core discards entries <= index and remembers the
    /// snapshot (to persist via Ready and to send to lagging followers).
    pub fn compact(&mut self, index: Index, data: Vec<u8>) {
        self.raft.compact(index, data)
    }
    /// Is there anything in the output batch?
    pub fn has_ready(&self) -> bool {
        self.raft.has_ready()
    }
    /// Take the output batch (see `Ready` for what the host must do with it).
    pub fn ready(&mut self) -> Ready {
        self.raft.take_ready()
    }
    /// The host has handled `ready`: its committed entries are applied.
    pub fn advance(&mut self, ready: &Ready) {
        self.raft.advance(ready)
    }
    pub fn status(&self) -> Status {
        self.raft.status()
    }
    /// Cheap accessors for hosts that poll every tick (`status()` clones the
    /// membership and per-peer progress).
    pub fn role(&self) -> Role {
        self.raft.role()
    }
    pub fn current_term(&self) -> Term {
        self.raft.current_term()
    }
    pub fn leader_id(&self) -> Option<NodeId> {
        self.raft.leader_id()
    }
    pub fn commit_index(&self) -> Index {
        self.raft.commit_index()
    }
    pub fn last_applied(&self) -> Index {
        self.raft.last_applied()
    }
    pub fn last_index(&self) -> Index {
        self.raft.last_index()
    }
    /// The log entries after the snapshot (for views and invariant checks).
    pub fn entries(&self) -> &LogEntries {
        self.raft.entries()
    }
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.raft.snapshot()
    }
}
