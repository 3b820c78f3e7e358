//! The RPCs of Figure 2 (plus InstallSnapshot, Pre-Vote and TimeoutNow), as
//! one-way messages: every request and every response is its own `Message`.

use alloc::vec::Vec;

use crate::reason::{AppendRejected, VoteDenied};
use crate::types::{Entry, Index, NodeId, Snapshot, Term};

/// A message between two servers. `term` is the sender's current term, except
/// for a Pre-Vote request, which carries the term the sender *would* campaign in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Message {
    pub from: NodeId,
    pub to: NodeId,
    pub term: Term,
    pub body: MessageBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MessageBody {
    /// RequestVote RPC (Figure 2). `pre_vote` marks the Pre-Vote phase (thesis
    /// §9.6): nobody changes term or vote for it. `transfer` marks an election
    /// started by TimeoutNow, which voters must not ignore under §4.2.3.
    RequestVote { last_log_index: Index, last_log_term: Term, pre_vote: bool, transfer: bool },
    RequestVoteResponse {
        pre_vote: bool,
        vote_granted: bool,
        /// Why the vote was denied, when it was.
        reason: Option<VoteDenied>,
    },
    /// AppendEntries RPC (Figure 2). An empty `entries` is a heartbeat.
    /// `read_ctx` is non-zero when this round also confirms leadership for a
    /// ReadIndex request (thesis §6.4).
    AppendEntries {
        prev_log_index: Index,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: Index,
        read_ctx: u64,
    },
    AppendEntriesResponse {
        success: bool,
        /// On success: the index of the last entry now known to match the
        /// leader's log. On failure: the rejected `prev_log_index`.
        match_index: Index,
        /// Fast backup (thesis §5.3): where the leader should retry.
        conflict: Option<ConflictHint>,
        reason: Option<AppendRejected>,
        read_ctx: u64,
    },
    /// InstallSnapshot RPC (paper §7, sent in one piece).
    InstallSnapshot { snapshot: Snapshot },
    InstallSnapshotResponse {
        /// The follower's commit index after installing (or ignoring) it: the
        /// prefix it is known to share with the leader, which the leader takes
        /// as its `match_index` (a longer log could still hold conflicts).
        last_index: Index,
    },
    /// Leadership transfer (thesis §3.10): start an election now.
    TimeoutNow,
}

/// The follower's hint after a failed consistency check, in the style of the
/// 6.824 "accelerated log backtracking" and thesis §5.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConflictHint {
    /// Term of the follower's conflicting entry at prev_log_index (None if the
    /// follower's log is too short to have one).
    pub conflict_term: Option<Term>,
    /// First index the follower holds for `conflict_term`, or its last index + 1
    /// when the log is too short.
    pub first_index: Index,
}

impl MessageBody {
    /// The short type name a trace or UI shows, e.g. `AppendEntries`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            MessageBody::RequestVote { pre_vote: true, .. } => "PreVote",
            MessageBody::RequestVote { .. } => "RequestVote",
            MessageBody::RequestVoteResponse { pre_vote: true, .. } => "PreVoteResponse",
            MessageBody::RequestVoteResponse { .. } => "RequestVoteResponse",
            MessageBody::AppendEntries { .. } => "AppendEntries",
            MessageBody::AppendEntriesResponse { .. } => "AppendEntriesResponse",
            MessageBody::InstallSnapshot { .. } => "InstallSnapshot",
            MessageBody::InstallSnapshotResponse { .. } => "InstallSnapshotResponse",
            MessageBody::TimeoutNow => "TimeoutNow",
        }
    }
}
