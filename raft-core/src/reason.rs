//! Machine-readable reasons for every decision a reader would ask "why?" about.
//! The simulator puts them in its trace; the page renders them through its
//! message table (so no sentence lives here).

use crate::types::{Index, NodeId, Role, Term};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum VoteDenied {
    /// The candidate's term is older than ours (Figure 2, RequestVote rule 1).
    StaleTerm { candidate_term: Term, current_term: Term },
    /// We already voted for someone else in this term.
    AlreadyVoted { voted_for: NodeId },
    /// Election restriction (§5.4.1): the candidate's log is not at least as
    /// up to date as ours.
    LogBehind { candidate_last_term: Term, candidate_last_index: Index, last_term: Term, last_index: Index },
    /// We heard from a current leader within the minimum election timeout
    /// (thesis §4.2.3), so the request is ignored.
    LeaderAlive { leader: NodeId },
    /// The candidate is not a voter in our configuration, or we are not.
    NotVoter,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AppendRejected {
    StaleTerm {
        leader_term: Term,
        current_term: Term,
    },
    /// Our log has no entry at prev_log_index.
    MissingEntry {
        prev_log_index: Index,
        last_index: Index,
    },
    /// Our entry at prev_log_index has another term.
    TermMismatch {
        prev_log_index: Index,
        prev_log_term: Term,
        found_term: Term,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RoleChangeReason {
    /// Election timer fired with no word from a leader.
    ElectionTimeout,
    /// A TimeoutNow from the leader (leadership transfer).
    TimeoutNow,
    /// Forced by the host (`timeout nK`).
    Forced,
    /// Pre-Vote won: a majority would vote for us, so start the real election.
    PreVoteWon,
    /// Won a majority of votes (of every active configuration).
    WonElection { votes: u32 },
    /// Saw a message with a higher term (Figure 2, all servers rule 2).
    HigherTerm { term: Term, from: NodeId },
    /// A candidate received AppendEntries from a leader of its term.
    LeaderDiscovered { leader: NodeId },
    /// CheckQuorum: no quorum heard from within an election timeout.
    LostQuorum,
    /// The leader's own removal committed (thesis §4.2.2).
    RemovedFromConfig,
    /// Pre-Vote or vote lost / not winnable: back to follower.
    ElectionLost,
    /// Restarted from persisted state.
    Restarted,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProposalDropped {
    NotLeader {
        leader_hint: Option<NodeId>,
    },
    /// A leadership transfer is under way (thesis §3.10).
    TransferInProgress,
    /// Another membership change is not yet committed.
    ChangeInProgress,
    /// The leader has not yet committed an entry of its own term (the 2015
    /// single-server change bug): no membership change before that.
    LeaderNotReady,
    /// The change makes no sense (already a member, not a member, empty set…).
    InvalidChange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ReadRejected {
    NotLeader {
        leader_hint: Option<NodeId>,
    },
    /// New leader: its no-op (first entry of its term) is not committed yet.
    NoopNotCommitted,
    /// Lost leadership (or stepped down) before the read was confirmed.
    LeadershipLost,
    TransferInProgress,
}

/// Events the core reports to its host for the trace, in the order they
/// happened within one call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CoreEvent {
    RoleChanged {
        from: Role,
        to: Role,
        term: Term,
        reason: RoleChangeReason,
    },
    TermChanged {
        from: Term,
        to: Term,
    },
    VoteGranted {
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
    },
    VoteDenied {
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
        reason: VoteDenied,
    },
    AppendRejected {
        leader: NodeId,
        reason: AppendRejected,
    },
    /// Entries appended to this server's log (as leader or follower).
    EntriesAppended {
        first_index: Index,
        last_index: Index,
    },
    /// A conflicting suffix was removed (Figure 2, AppendEntries rule 3).
    EntriesTruncated {
        from_index: Index,
        to_index: Index,
    },
    CommitAdvanced {
        from: Index,
        to: Index,
    },
    /// A snapshot was taken locally (log compacted through `index`).
    SnapshotTaken {
        index: Index,
        term: Term,
    },
    /// A snapshot from the leader replaced (part of) the log.
    SnapshotInstalled {
        index: Index,
        term: Term,
        from: NodeId,
    },
    /// The leader started sending a snapshot to `to` (its next entry was compacted).
    SnapshotSent {
        to: NodeId,
        index: Index,
    },
    ProposalDropped {
        reason: ProposalDropped,
    },
    ReadRejected {
        ctx: u64,
        reason: ReadRejected,
    },
    TransferStarted {
        to: NodeId,
    },
    TransferAborted {
        to: NodeId,
    },
    /// A membership change entry took effect in this server's log.
    MembershipChanged {
        index: Index,
    },
}
