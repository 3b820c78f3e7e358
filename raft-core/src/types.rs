//! Plain data types shared by every part of the core: ids, log entries,
//! configurations, the persistent state of Figure 2, snapshots.

use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::entries::LogEntries;

/// A server's id. The simulator numbers servers n1..n15 as 1..=15.
pub type NodeId = u64;
/// A Raft term (Figure 2: "latest term server has seen").
pub type Term = u64;
/// A log index; the first real entry has index 1, index 0 means "before the log".
pub type Index = u64;

/// What a log entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EntryKind {
    /// The entry a new leader appends at the start of its term (paper §8), so it
    /// can commit entries of earlier terms and serve reads.
    Noop,
    /// An opaque state-machine command. The core never looks inside. Shared,
    /// not copied, when an entry is cloned (into a message, a Ready, the
    /// host's storage, a checkpoint of the whole host): a clone of a long log
    /// costs one copy of its index/term slots, not one allocation per entry.
    Command(Arc<[u8]>),
    /// A membership change (paper §6, thesis ch. 4). Takes effect on a server as
    /// soon as it is in that server's log, committed or not (thesis §4.1).
    Config(ConfigChange),
}

/// One log entry: Figure 2's "command for state machine, and term when entry
/// was received by leader", plus its index for convenience.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    pub term: Term,
    pub index: Index,
    pub kind: EntryKind,
}

/// A membership configuration as it stands after some prefix of the log.
///
/// `voters` is C_old (or the only configuration); `voters_outgoing` is empty
/// except during joint consensus, when `voters` is C_new and
/// `voters_outgoing` is C_old and decisions need a majority of *both*.
/// Learners receive the log but never vote or count toward a quorum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Membership {
    pub voters: Vec<NodeId>,
    pub voters_outgoing: Vec<NodeId>,
    pub learners: Vec<NodeId>,
}

/// A membership change as it is written into the log.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ConfigChange {
    /// Add a non-voting learner that catches up before it is promoted.
    AddLearner(NodeId),
    /// Single-server change: make a (caught-up) learner a voter.
    PromoteVoter(NodeId),
    /// Single-server change: remove a voter or learner.
    Remove(NodeId),
    /// Joint consensus, step 1: C_old,new with the given new voter set.
    EnterJoint(Vec<NodeId>),
    /// Joint consensus, step 2: C_new alone.
    LeaveJoint,
}

/// Figure 2's persistent state on all servers, except the log itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HardState {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
}

/// A snapshot of the state machine plus the log position and configuration it
/// covers (paper §7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Snapshot {
    pub last_included_index: Index,
    pub last_included_term: Term,
    pub membership: Membership,
    /// Opaque state-machine bytes produced by the host.
    pub data: Vec<u8>,
}

/// Everything a server persists; what `RawNode::restart` rebuilds from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PersistentState {
    pub hard_state: HardState,
    pub snapshot: Option<Snapshot>,
    /// Entries after the snapshot, contiguous, in index order (in shared
    /// segments, so a copy of the whole persisted state stays cheap).
    pub entries: LogEntries,
}

/// A server's role (Figure 2 / Figure 4). `PreCandidate` is the Pre-Vote phase
/// of thesis §9.6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// How the leader answers `read_index` requests (thesis §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ReadMode {
    /// Confirm leadership with a round of heartbeats acknowledged by a quorum.
    #[default]
    ReadIndex,
    /// Serve while a lease (heard from a quorum within the minimum election
    /// timeout) holds; no extra round trip. Relies on bounded clock drift.
    Lease,
}
