//! The Raft protocol of one server (paper Figure 2, thesis ch. 3, 4, 6, 9).
//!
//! Shape, in the manner of etcd's `raft.go`:
//! - `step` looks at the message's *term* first (Figure 2, "Rules for All
//!   Servers") and then hands the message to one function per role:
//!   `step_follower`, `step_candidate` (pre-candidates too) and `step_leader`.
//!   RequestVote is answered the same way in every role (`handle_vote_request`).
//! - `tick` drives the two timers: the randomized election timeout of
//!   followers/candidates and the heartbeat (plus CheckQuorum) of the leader.
//! - Nothing is sent or persisted directly: messages, state to persist,
//!   entries to apply and events accumulate until the host takes a `Ready`.

use alloc::vec::Vec;

use crate::config::Config;
use crate::log::RaftLog;
use crate::membership;
use crate::message::{ConflictHint, Message, MessageBody};
use crate::node::{PeerProgress, ProgressState, QuorumStatus, Status};
use crate::progress::{Progress, ProgressMap};
use crate::quorum::{self, VoteResult};
use crate::ready::{ReadState, Ready};
use crate::reason::*;
use crate::rng::SplitMix64;
use crate::types::*;

// The rest of the server beside the protocol, each in its own file (as etcd
// splits raft.go, read_only.go and status.go), so this one reads as Figure 2.
mod compaction; // log compaction (paper §7)
mod read_only; // ReadIndex and lease reads (thesis §6.4)
mod ready; // the Ready hand-off to the host
mod status; // Status and accessors
mod transfer; // leadership transfer (thesis §3.10)

use read_only::PendingRead;

/// What `send_append` does when a follower has every entry already: send an
/// empty AppendEntries anyway (a probe, or to carry the commit index or a
/// heartbeat round), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IfNothingNew {
    SendEmpty,
    SendNothing,
}

/// A heartbeat round as AppendEntries carries it: `read_ctx`, where 0 means
/// "no round" (rounds are numbered from 1).
fn wire_round(round: Option<u64>) -> u64 {
    round.unwrap_or(0)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Raft {
    id: NodeId,
    cfg: Config,

    // ---- Figure 2: persistent state on all servers ----
    current_term: Term,
    voted_for: Option<NodeId>,
    log: RaftLog,

    // ---- Figure 2: volatile state on all servers ----
    commit_index: Index,
    /// Highest index the host acknowledged applying (through `advance`).
    last_applied: Index,
    /// Highest index already handed out in `Ready::committed_entries`.
    handed_out: Index,

    role: Role,
    leader_id: Option<NodeId>,

    // ---- membership (thesis ch. 4) ----
    /// The configuration a fresh server starts from (`Config::initial_voters`).
    initial_membership: Membership,
    /// The latest configuration in snapshot + log, committed or not.
    membership: Membership,
    /// False for a server that joined with no initial voters and has not yet
    /// received a snapshot: it knows only the *changes* in its log, not the
    /// configuration they apply to, so it must not run elections.
    membership_known: bool,
    /// Index of the latest config entry in the log (or the snapshot index when
    /// the configuration comes from the snapshot); a change is "in progress"
    /// while this is above `commit_index`.
    config_index: Index,
    /// Were we a voter in the configuration that the latest config entry
    /// replaced? (See `promotable`.)
    voter_before_latest_change: bool,

    // ---- timers (in ticks) ----
    now: u64,
    /// Followers/candidates: ticks since the election timer was reset.
    /// Leader: ticks in the current CheckQuorum round.
    election_elapsed: u64,
    /// The randomized election timeout, re-drawn at every reset.
    randomized_timeout: u64,
    heartbeat_elapsed: u64,
    rng: SplitMix64,

    // ---- candidates ----
    votes_granted: Vec<NodeId>,
    votes_rejected: Vec<NodeId>,

    // ---- leaders (Figure 2: volatile state on leaders) ----
    progress: ProgressMap,
    /// A joint change whose new servers are first joining as learners (thesis
    /// §4.2.1): C_old,new is appended once every one of them has caught up.
    pending_joint: Option<Vec<NodeId>>,
    transfer_target: Option<NodeId>,
    transfer_elapsed: u64,
    /// Batching (`Config::batch_delay`): the tick at which client proposals
    /// held back since the first of them go out; None when none wait.
    batch_deadline: Option<u64>,
    /// Heartbeat rounds: a round number travels as `read_ctx` and comes back in
    /// the answer, which tells the leader *when* the acknowledged message left.
    read_round: u64,
    round_sent_at: Vec<(u64, u64)>,
    pending_reads: Vec<PendingRead>,
    /// Set once a transfer starts: voters then grant votes despite having heard
    /// from us (the election has `transfer` set), so acknowledgements no longer
    /// prove that nobody else can lead; lease reads are off for the rest of the term.
    lease_revoked: bool,

    // ---- output batch (Ready) ----
    persisted_hard_state: HardState,
    /// Lowest log index changed since the last Ready (entries to persist).
    persist_from: Option<Index>,
    pending_snapshot: Option<Snapshot>,
    snapshot_install: bool,
    msgs: Vec<Message>,
    read_states: Vec<ReadState>,
    events: Vec<CoreEvent>,
}

impl Raft {
    // ------------------------------------------------------------------
    // Construction
    // ------------------------------------------------------------------

    pub(crate) fn new(cfg: Config, persisted: Option<PersistentState>) -> Raft {
        // A nonsensical configuration is the host's bug: refuse it loudly, as
        // etcd's newRaft does, rather than run with timings nobody asked for.
        if let Err(reason) = cfg.validate() {
            panic!("raft-core: invalid Config: {}", reason);
        }
        let id = cfg.id;
        let mut voters = cfg.initial_voters.clone();
        voters.sort_unstable();
        voters.dedup();
        let initial_membership = Membership { voters, ..Default::default() };
        // Mix the id into the seed so servers given the same seed still draw
        // different timeouts (identical timeouts would split votes forever).
        let rng = SplitMix64::new(cfg.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let restarted = persisted.is_some();
        let p = persisted.unwrap_or_default();
        let log = RaftLog::new(p.snapshot, p.entries);
        // Commit index and applied index are volatile: all we know for sure
        // after a restart is that the snapshot was committed and applied.
        let snap_index = log.snapshot_index();
        // Bug `forget-term-on-restart`: the term is taken from the log, not
        // from what was persisted.
        let current_term = if restarted && cfg.bugs.forget_term_on_restart {
            log.term_at(log.last_index()).unwrap_or(0)
        } else {
            p.hard_state.current_term
        };
        let mut r = Raft {
            id,
            current_term,
            voted_for: p.hard_state.voted_for,
            log,
            commit_index: snap_index,
            last_applied: snap_index,
            handed_out: snap_index,
            role: Role::Follower,
            leader_id: None,
            initial_membership,
            membership: Membership::default(),
            membership_known: false,
            config_index: 0,
            voter_before_latest_change: false,
            now: 0,
            election_elapsed: 0,
            randomized_timeout: cfg.election_timeout_max,
            heartbeat_elapsed: 0,
            rng,
            votes_granted: Vec::new(),
            votes_rejected: Vec::new(),
            progress: ProgressMap::default(),
            pending_joint: None,
            transfer_target: None,
            transfer_elapsed: 0,
            batch_deadline: None,
            read_round: 0,
            round_sent_at: Vec::new(),
            pending_reads: Vec::new(),
            lease_revoked: false,
            persisted_hard_state: p.hard_state,
            persist_from: None,
            pending_snapshot: None,
            snapshot_install: false,
            msgs: Vec::new(),
            read_states: Vec::new(),
            events: Vec::new(),
            cfg,
        };
        r.recompute_membership();
        r.reset_election_timer();
        if restarted {
            r.events.push(CoreEvent::RoleChanged {
                from: Role::Follower,
                to: Role::Follower,
                term: r.current_term,
                reason: RoleChangeReason::Restarted,
            });
        }
        r
    }

    // ------------------------------------------------------------------
    // Small helpers
    // ------------------------------------------------------------------

    fn send(&mut self, to: NodeId, body: MessageBody) {
        self.msgs.push(Message { from: self.id, to, term: self.current_term, body });
    }

    fn send_with_term(&mut self, to: NodeId, term: Term, body: MessageBody) {
        self.msgs.push(Message { from: self.id, to, term, body });
    }

    fn reset_election_timer(&mut self) {
        self.election_elapsed = 0;
        self.randomized_timeout =
            self.rng.range_inclusive(self.cfg.election_timeout_min, self.cfg.election_timeout_max);
    }

    /// May this server start an election? A voter of its own (known)
    /// configuration may. Learners may not, nor may a removed server once it
    /// knows its removal is committed. Thesis §4.2.2: a server that is not in
    /// its latest configuration must still campaign while that configuration is
    /// uncommitted, because it may still be needed — otherwise a C_new that
    /// reached only the servers it removes can deadlock the cluster (found by
    /// the randomized test). It never counts its own vote then.
    fn promotable(&self) -> bool {
        if !self.membership_known {
            return false;
        }
        membership::is_voter(&self.membership, self.id)
            || (self.config_index > self.commit_index && self.voter_before_latest_change)
    }

    /// Voters other than ourselves, to ask for votes.
    fn other_voters(&self) -> Vec<NodeId> {
        let mut v: Vec<NodeId> =
            self.membership.voters.iter().chain(&self.membership.voters_outgoing).copied().collect();
        v.sort_unstable();
        v.dedup();
        v.retain(|&n| n != self.id);
        v
    }

    /// Have we heard from a leader within the minimum election timeout? (For
    /// the leader itself: it is the leader.) Thesis §4.2.3 / §9.6.
    fn leader_recently_heard(&self) -> bool {
        self.leader_id.is_some() && self.election_elapsed < self.cfg.election_timeout_min
    }

    /// Thesis §4.2.3: "if a server receives a RequestVote request within the
    /// minimum election timeout of hearing from a current leader, it does not
    /// update its term or grant its vote." Should `candidate`'s RequestVote be
    /// ignored so?
    ///
    /// - A candidate that is not a voter in our configuration: always. This is
    ///   the case §4.2.3 is about — a removed server that no leader tracks any
    ///   more (so none will tell it it is removed), and that after a restart
    ///   cannot know its removal was committed (the commit index is volatile),
    ///   times out again and again with ever higher terms. Were the rule
    ///   optional, it would depose every new leader before that leader could
    ///   commit anything (the randomized test found such a livelock, seed
    ///   112347). Refusing it is safe for liveness: it is in no quorum of ours,
    ///   and we refuse only while a leader of our configuration is alive.
    /// - Any candidate, under CheckQuorum (and lease reads, which rely on the
    ///   same promise): there a leader that loses its quorum steps down, so a
    ///   server that still hears one really is in a working cluster. Without
    ///   CheckQuorum a leader cut off from its followers' replies (a one-way
    ///   fault) would lead on forever, and servers that still hear it must
    ///   stay able to elect someone else (etcd ties the rule to CheckQuorum
    ///   for the same reason).
    ///
    /// The deadlock that lets a removed server campaign at all (`promotable`)
    /// stays solved: a C_new that reached only the servers it removes has no
    /// live leader behind it, so nobody hears one, and nobody refuses.
    fn ignores_vote_request_from(&self, candidate: NodeId) -> bool {
        if !self.leader_recently_heard() {
            return false;
        }
        self.cfg.check_quorum
            || self.cfg.read_mode == ReadMode::Lease
            || !membership::is_voter(&self.membership, candidate)
    }

    fn mark_unpersisted(&mut self, from: Index) {
        self.persist_from = Some(self.persist_from.map_or(from, |f| f.min(from)));
    }

    fn current_term_committed(&self) -> bool {
        self.log.term_at(self.commit_index) == Some(self.current_term)
    }

    /// Rebuild the configuration in force: the snapshot's (or the initial one)
    /// with every config entry of the log applied in order.
    fn recompute_membership(&mut self) {
        let (mut m, known, mut ci) = match &self.log.snapshot {
            Some(s) => (s.membership.clone(), true, s.last_included_index),
            None => (self.initial_membership.clone(), !self.initial_membership.voters.is_empty(), 0),
        };
        let mut voter_before = false;
        for e in self.log.entries.iter() {
            if let EntryKind::Config(c) = &e.kind {
                voter_before = membership::is_voter(&m, self.id);
                membership::apply_change(&mut m, c);
                ci = e.index;
            }
        }
        self.membership = m;
        self.membership_known = known;
        self.config_index = ci;
        self.voter_before_latest_change = voter_before;
        if self.role == Role::Leader {
            self.sync_progress();
        }
    }

    /// The configuration as of `index` (for a snapshot taken there).
    fn membership_at(&self, index: Index) -> Membership {
        membership::membership_at(self.log.snapshot.as_ref(), &self.initial_membership.voters, &self.log.entries, index)
    }

    /// Leader: one Progress per member other than ourselves. A server removed by
    /// a change keeps its Progress until the change is committed *and* it holds
    /// the entry that removed it; a last heartbeat then tells it the commit
    /// index, so it knows its removal is final and stays quiet instead of
    /// timing out and disrupting the cluster (see `promotable`, thesis §4.2.3).
    fn sync_progress(&mut self) {
        let members = membership::all_members(&self.membership);
        let next = self.log.last_index() + 1;
        let now = self.now;
        let mut added = Vec::new();
        for &id in &members {
            if id != self.id && !self.progress.contains_key(&id) {
                self.progress.insert(id, Progress::new(next, now, self.cfg.effective_max_inflight()));
                added.push(id);
            }
        }
        if self.role != Role::Leader {
            return;
        }
        // A server that just joined: start probing for its match point now
        // rather than at the next heartbeat.
        for id in added {
            self.send_append(id, IfNothingNew::SendEmpty, None);
        }
        if self.config_index > self.commit_index {
            return;
        }
        let removed: Vec<NodeId> = self
            .progress
            .iter()
            .filter(|(id, p)| !members.contains(id) && p.match_index >= self.config_index)
            .map(|(id, _)| *id)
            .collect();
        for id in removed {
            self.send_heartbeat(id, None);
            self.progress.remove(&id);
        }
    }

    /// CheckQuorum round: a removed server that did not answer for a whole
    /// round is presumed gone; stop tracking it.
    fn forget_silent_removed_peers(&mut self) {
        let members = membership::all_members(&self.membership);
        let pending = self.config_index > self.commit_index;
        self.progress.retain(|id, p| members.contains(id) || pending || p.recent_active);
    }

    // ------------------------------------------------------------------
    // Role changes
    // ------------------------------------------------------------------

    fn become_follower(&mut self, term: Term, leader: Option<NodeId>, reason: RoleChangeReason) {
        let old_role = self.role;
        if term > self.current_term {
            self.events.push(CoreEvent::TermChanged { from: self.current_term, to: term });
            self.current_term = term;
            self.voted_for = None;
        }
        if old_role == Role::Leader {
            self.abandon_leadership();
        }
        self.role = Role::Follower;
        self.leader_id = leader;
        self.votes_granted.clear();
        self.votes_rejected.clear();
        self.reset_election_timer();
        if old_role != Role::Follower {
            self.events.push(CoreEvent::RoleChanged {
                from: old_role,
                to: Role::Follower,
                term: self.current_term,
                reason,
            });
        }
    }

    /// Forget leader-only state; unanswered reads can no longer be confirmed.
    fn abandon_leadership(&mut self) {
        for r in core::mem::take(&mut self.pending_reads) {
            self.events.push(CoreEvent::ReadRejected { ctx: r.ctx, reason: ReadRejected::LeadershipLost });
        }
        self.progress.clear();
        self.pending_joint = None;
        self.transfer_target = None;
        self.round_sent_at.clear();
    }

    /// Start an election (or a Pre-Vote round first when configured).
    ///
    /// A server outside its own latest configuration always asks first, even
    /// with Pre-Vote off. It campaigns at all only because its removal may be
    /// uncommitted and it may still be needed (`promotable`); if a leader is
    /// alive it is not needed, and a real election would only raise terms.
    /// Thesis §4.2.3 has servers that hear a leader ignore such candidates,
    /// but a server that has not yet received the removal still counts the
    /// removed one as a voter and would adopt its term, deposing the leader
    /// that is bringing it up to date: seed 186465 of the randomized test
    /// (voters {n2, n3}, n3 lagging, removed n1 timing out every 200-300 ms)
    /// never committed again. A Pre-Vote is refused by every server that hears
    /// the leader (§9.6), so the removed server learns it is not needed
    /// without touching anyone's term; with no leader alive it is granted as
    /// a vote would be, so the deadlock `promotable` exists for stays solved.
    fn campaign(&mut self, reason: RoleChangeReason, allow_pre_vote: bool) {
        if !self.promotable() || self.role == Role::Leader {
            return;
        }
        let ask_first = self.cfg.pre_vote || !membership::is_voter(&self.membership, self.id);
        if ask_first && allow_pre_vote {
            self.become_pre_candidate(reason);
        } else {
            self.become_candidate(reason, false);
        }
    }

    /// What pre-candidates and candidates share: forget the leader, count our
    /// own vote, restart the election timer, and say so in the trace.
    fn start_poll(&mut self, role: Role, reason: RoleChangeReason) {
        let from = self.role;
        self.role = role;
        self.leader_id = None;
        self.votes_granted = alloc::vec![self.id];
        self.votes_rejected.clear();
        self.reset_election_timer();
        self.events.push(CoreEvent::RoleChanged { from, to: role, term: self.current_term, reason });
    }

    /// Thesis §9.6: ask whether we *could* win before disturbing anyone's term.
    fn become_pre_candidate(&mut self, reason: RoleChangeReason) {
        self.start_poll(Role::PreCandidate, reason);
        if self.poll_result() == VoteResult::Won {
            self.become_candidate(RoleChangeReason::PreVoteWon, false);
            return;
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        let term = self.current_term.saturating_add(1);
        for to in self.other_voters() {
            self.send_with_term(
                to,
                term,
                MessageBody::RequestVote { last_log_index, last_log_term, pre_vote: true, transfer: false },
            );
        }
    }

    /// Figure 2, "Candidates": increment currentTerm, vote for self, reset the
    /// election timer, send RequestVote to all other servers.
    fn become_candidate(&mut self, reason: RoleChangeReason, transfer: bool) {
        let term = self.current_term.saturating_add(1);
        self.events.push(CoreEvent::TermChanged { from: self.current_term, to: term });
        self.current_term = term;
        self.voted_for = Some(self.id);
        self.start_poll(Role::Candidate, reason);
        if self.poll_result() == VoteResult::Won {
            self.become_leader();
            return;
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        for to in self.other_voters() {
            self.send(to, MessageBody::RequestVote { last_log_index, last_log_term, pre_vote: false, transfer });
        }
    }

    fn become_leader(&mut self) {
        let old_role = self.role;
        let votes = self.votes_granted.len() as u32;
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        self.transfer_target = None;
        self.heartbeat_elapsed = 0;
        self.election_elapsed = 0;
        self.batch_deadline = None;
        self.read_round = 0;
        self.round_sent_at.clear();
        self.pending_reads.clear();
        self.lease_revoked = false;
        // Figure 2: nextIndex = leader's last log index + 1, matchIndex = 0.
        self.progress.clear();
        let next = self.log.last_index() + 1;
        for id in membership::all_members(&self.membership) {
            if id != self.id {
                self.progress.insert(id, Progress::new(next, self.now, self.cfg.effective_max_inflight()));
            }
        }
        self.events.push(CoreEvent::RoleChanged {
            from: old_role,
            to: Role::Leader,
            term: self.current_term,
            reason: RoleChangeReason::WonElection { votes },
        });
        // §8: a no-op of the new term lets the leader commit (and so learn the
        // commit point of) entries of earlier terms, and serve reads.
        self.append_entry(EntryKind::Noop);
        self.broadcast_append();
        self.leader_after_progress();
    }

    fn poll_result(&self) -> VoteResult {
        quorum::joint_vote_result(
            &self.membership.voters,
            &self.membership.voters_outgoing,
            &self.votes_granted,
            &self.votes_rejected,
        )
    }

    // ------------------------------------------------------------------
    // Timers
    // ------------------------------------------------------------------

    pub(crate) fn tick(&mut self) {
        self.now += 1;
        if self.role == Role::Leader {
            self.tick_leader();
        } else {
            self.election_elapsed = self.election_elapsed.saturating_add(1);
            // A server that may not campaign (learner, removed) lets the timer
            // run on: resetting it would make it look as if it had just heard
            // from a leader, and it would refuse (pre-)votes it owes (§4.2.3).
            if self.election_elapsed >= self.randomized_timeout && self.promotable() {
                self.campaign(RoleChangeReason::ElectionTimeout, true);
            }
        }
    }

    fn tick_leader(&mut self) {
        // CheckQuorum round (thesis §6.2): every election_timeout_min ticks.
        self.election_elapsed += 1;
        if self.election_elapsed >= self.cfg.election_timeout_min {
            self.election_elapsed = 0;
            if self.cfg.check_quorum && !self.quorum_recently_active() {
                self.become_follower(self.current_term, None, RoleChangeReason::LostQuorum);
                return;
            }
            self.forget_silent_removed_peers();
            for pr in self.progress.values_mut() {
                pr.recent_active = false;
            }
        }
        // Leadership transfer gives up after an election timeout (thesis §3.10).
        if let Some(target) = self.transfer_target {
            self.transfer_elapsed += 1;
            if self.transfer_elapsed >= self.cfg.election_timeout_max {
                self.transfer_target = None;
                self.events.push(CoreEvent::TransferAborted { to: target });
            }
        }
        if self.batch_deadline.is_some_and(|at| self.now >= at) {
            self.batch_deadline = None;
            self.broadcast_append();
        }
        self.heartbeat_elapsed += 1;
        if self.heartbeat_elapsed >= self.cfg.heartbeat_interval {
            self.heartbeat_elapsed = 0;
            self.broadcast_heartbeat();
        }
        self.leader_after_progress();
    }

    fn quorum_recently_active(&self) -> bool {
        let mut active: Vec<NodeId> =
            self.progress.iter().filter(|(_, p)| p.recent_active).map(|(id, _)| *id).collect();
        active.push(self.id);
        quorum::joint_vote_result(&self.membership.voters, &self.membership.voters_outgoing, &active, &[])
            == VoteResult::Won
    }

    // ------------------------------------------------------------------
    // step: the term check of Figure 2, then one function per role
    // ------------------------------------------------------------------

    pub(crate) fn step(&mut self, m: Message) {
        if m.to != self.id || m.from == self.id {
            return;
        }
        if m.term > self.current_term {
            match &m.body {
                // A Pre-Vote request carries the term the sender *would* use;
                // it must not change ours (thesis §9.6).
                MessageBody::RequestVote { pre_vote: true, .. } => {}
                // A granted Pre-Vote comes back with that future term.
                MessageBody::RequestVoteResponse { pre_vote: true, vote_granted: true, .. } => {}
                // §4.2.3: while a leader is alive, ignore (deny) disruptive
                // RequestVotes without adopting their term.
                MessageBody::RequestVote { pre_vote: false, transfer: false, .. }
                    if self.ignores_vote_request_from(m.from) =>
                {
                    let leader = self.leader_id.unwrap_or(self.id);
                    self.deny_vote(&m, false, VoteDenied::LeaderAlive { leader });
                    return;
                }
                body => {
                    let leader = match body {
                        MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => Some(m.from),
                        _ => None,
                    };
                    self.become_follower(m.term, leader, RoleChangeReason::HigherTerm { term: m.term, from: m.from });
                }
            }
        } else if m.term < self.current_term {
            self.reject_stale(&m);
            return;
        }

        if let MessageBody::RequestVote { .. } = m.body {
            self.handle_vote_request(&m);
            return;
        }
        match self.role {
            Role::Follower => self.step_follower(m),
            Role::PreCandidate | Role::Candidate => self.step_candidate(m),
            Role::Leader => self.step_leader(m),
        }
    }

    /// Figure 2: a request with an older term is refused, and the reply carries
    /// our term so the sender learns it is out of date. Stale replies are dropped.
    fn reject_stale(&mut self, m: &Message) {
        match &m.body {
            MessageBody::AppendEntries { prev_log_index, read_ctx, .. } => {
                let reason = AppendRejected::StaleTerm { leader_term: m.term, current_term: self.current_term };
                self.events.push(CoreEvent::AppendRejected { leader: m.from, reason: reason.clone() });
                self.send(
                    m.from,
                    MessageBody::AppendEntriesResponse {
                        success: false,
                        match_index: *prev_log_index,
                        conflict: None,
                        reason: Some(reason),
                        read_ctx: *read_ctx,
                    },
                );
            }
            MessageBody::InstallSnapshot { .. } => {
                self.send(m.from, MessageBody::InstallSnapshotResponse { last_index: self.commit_index });
            }
            MessageBody::RequestVote { pre_vote, .. } => {
                let reason = VoteDenied::StaleTerm { candidate_term: m.term, current_term: self.current_term };
                self.deny_vote(m, *pre_vote, reason);
            }
            _ => {}
        }
    }

    fn deny_vote(&mut self, m: &Message, pre_vote: bool, reason: VoteDenied) {
        self.events.push(CoreEvent::VoteDenied { candidate: m.from, term: m.term, pre_vote, reason: reason.clone() });
        self.send(m.from, MessageBody::RequestVoteResponse { pre_vote, vote_granted: false, reason: Some(reason) });
    }

    /// RequestVote (Figure 2, receiver implementation), in every role.
    fn handle_vote_request(&mut self, m: &Message) {
        let MessageBody::RequestVote { last_log_index, last_log_term, pre_vote, transfer } = m.body else {
            return;
        };
        // Thesis §9.6: a Pre-Vote is refused while we hear from a leader.
        if pre_vote && !transfer && self.leader_recently_heard() {
            let leader = self.leader_id.unwrap_or(self.id);
            self.deny_vote(m, true, VoteDenied::LeaderAlive { leader });
            return;
        }
        // One vote per term: we can vote for this candidate if we already did,
        // or if we voted for nobody and follow no leader in this term. A
        // Pre-Vote for a later term commits us to nothing.
        // (Bug `vote-twice` forgets whom we voted for.)
        let voted_for = if self.cfg.bugs.vote_twice { None } else { self.voted_for };
        let can_vote = voted_for == Some(m.from)
            || (voted_for.is_none() && self.leader_id.is_none())
            || (pre_vote && m.term > self.current_term);
        if !can_vote {
            let reason = match (voted_for, self.leader_id) {
                (Some(v), _) => VoteDenied::AlreadyVoted { voted_for: v },
                (None, Some(l)) => VoteDenied::LeaderAlive { leader: l },
                (None, None) => VoteDenied::NotVoter,
            };
            self.deny_vote(m, pre_vote, reason);
            return;
        }
        // §5.4.1 election restriction. (Bug `no-election-restriction` skips it.)
        if !self.log.is_up_to_date(last_log_index, last_log_term) && !self.cfg.bugs.no_election_restriction {
            let reason = VoteDenied::LogBehind {
                candidate_last_term: last_log_term,
                candidate_last_index: last_log_index,
                last_term: self.log.last_term(),
                last_index: self.log.last_index(),
            };
            self.deny_vote(m, pre_vote, reason);
            return;
        }
        self.events.push(CoreEvent::VoteGranted { candidate: m.from, term: m.term, pre_vote });
        let reply_term = if pre_vote {
            m.term
        } else {
            // The vote is recorded in HardState, which the host persists
            // before it sends this reply (same Ready).
            self.voted_for = Some(m.from);
            // Figure 2: granting a vote resets the election timer.
            self.reset_election_timer();
            self.current_term
        };
        self.send_with_term(
            m.from,
            reply_term,
            MessageBody::RequestVoteResponse { pre_vote, vote_granted: true, reason: None },
        );
    }

    fn step_follower(&mut self, m: Message) {
        match m.body {
            MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, read_ctx } => {
                self.leader_id = Some(m.from);
                self.reset_election_timer();
                self.handle_append_entries(m.from, prev_log_index, prev_log_term, entries, leader_commit, read_ctx);
            }
            MessageBody::InstallSnapshot { snapshot } => {
                self.leader_id = Some(m.from);
                self.reset_election_timer();
                self.handle_install_snapshot(m.from, snapshot);
            }
            // Thesis §3.10: start an election at once, skipping Pre-Vote;
            // `transfer` lets voters bypass the §4.2.3 check.
            MessageBody::TimeoutNow if self.promotable() => {
                self.become_candidate(RoleChangeReason::TimeoutNow, true);
            }
            _ => {}
        }
    }

    fn step_candidate(&mut self, m: Message) {
        match m.body {
            // A leader of our term exists: Figure 2, "If AppendEntries RPC
            // received from new leader: convert to follower".
            MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => {
                self.become_follower(m.term, Some(m.from), RoleChangeReason::LeaderDiscovered { leader: m.from });
                self.step_follower(m);
            }
            MessageBody::RequestVoteResponse { pre_vote, vote_granted, .. } => {
                // Only answers to the current kind of poll count.
                if pre_vote != (self.role == Role::PreCandidate) {
                    return;
                }
                if !self.votes_granted.contains(&m.from) && !self.votes_rejected.contains(&m.from) {
                    if vote_granted {
                        self.votes_granted.push(m.from);
                    } else {
                        self.votes_rejected.push(m.from);
                    }
                }
                match self.poll_result() {
                    VoteResult::Won => {
                        if self.role == Role::PreCandidate {
                            self.become_candidate(RoleChangeReason::PreVoteWon, false);
                        } else {
                            self.become_leader();
                        }
                    }
                    VoteResult::Lost => {
                        self.become_follower(self.current_term, None, RoleChangeReason::ElectionLost);
                    }
                    VoteResult::Pending => {}
                }
            }
            _ => {}
        }
    }

    fn step_leader(&mut self, m: Message) {
        let from = m.from;
        match m.body {
            MessageBody::AppendEntriesResponse { success, match_index, conflict, read_ctx, .. } => {
                let Some(pr) = self.progress.get_mut(&from) else { return };
                pr.recent_active = true;
                if read_ctx != 0 && read_ctx > pr.acked_round {
                    pr.acked_round = read_ctx;
                }
                if success {
                    self.handle_append_success(from, match_index);
                } else {
                    self.handle_append_reject(from, match_index, conflict);
                }
                if self.role == Role::Leader {
                    self.resolve_reads();
                    self.leader_after_progress();
                    if !membership::is_member(&self.membership, from) {
                        self.sync_progress();
                    }
                }
            }
            MessageBody::InstallSnapshotResponse { last_index } => {
                let Some(pr) = self.progress.get_mut(&from) else { return };
                pr.recent_active = true;
                // `last_index` is the follower's commit index after the
                // install: committed entries match ours, so it is a safe match.
                pr.maybe_update(last_index);
                if pr.state == ProgressState::Snapshot && pr.match_index >= pr.pending_snapshot {
                    pr.become_replicate();
                }
                self.send_append(from, IfNothingNew::SendEmpty, None);
                self.leader_after_progress();
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------
    // Log replication: follower side
    // ------------------------------------------------------------------

    /// AppendEntries receiver implementation (Figure 2, rules 2–5).
    fn handle_append_entries(
        &mut self,
        leader: NodeId,
        prev_log_index: Index,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: Index,
        read_ctx: u64,
    ) {
        // A well-formed request carries entries prev_log_index+1, +2, ... ;
        // anything else is ignored rather than trusted.
        let contiguous =
            entries.iter().enumerate().all(|(i, e)| Some(e.index) == prev_log_index.checked_add(i as Index + 1));
        if !contiguous {
            return;
        }
        let (mut prev_index, mut prev_term, mut entries) = (prev_log_index, prev_log_term, entries);
        // Entries up to our snapshot are committed, so they match the leader's:
        // skip them rather than comparing against terms we no longer hold.
        let snap = self.log.snapshot_index();
        if prev_index < snap {
            let covered = prev_index + entries.len() as Index;
            if covered <= snap {
                self.respond_append(leader, true, snap, None, None, read_ctx);
                return;
            }
            let skip = (snap - prev_index) as usize;
            entries.drain(..skip);
            prev_index = snap;
            prev_term = self.log.snapshot_term();
        }

        // Rule 2: reply false if the log has no entry at prevLogIndex whose term
        // matches prevLogTerm — with a hint for fast backup (thesis §5.3).
        if !self.log.matches(prev_index, prev_term) {
            let last_index = self.log.last_index();
            let (reason, hint) = match self.log.term_at(prev_index) {
                None => (
                    AppendRejected::MissingEntry { prev_log_index: prev_index, last_index },
                    ConflictHint { conflict_term: None, first_index: last_index + 1 },
                ),
                Some(found_term) => (
                    AppendRejected::TermMismatch { prev_log_index: prev_index, prev_log_term: prev_term, found_term },
                    ConflictHint {
                        conflict_term: Some(found_term),
                        first_index: self.log.first_index_of_term_run(prev_index, found_term),
                    },
                ),
            };
            self.events.push(CoreEvent::AppendRejected { leader, reason: reason.clone() });
            self.respond_append(leader, false, prev_log_index, Some(hint), Some(reason), read_ctx);
            return;
        }

        // Rules 3–4: skip entries we already have; at the first conflict (same
        // index, different term) delete it and all that follow; append the
        // rest. A stale or duplicated message whose entries all match changes
        // nothing — in particular it never truncates.
        let mut new_from: Option<usize> = None;
        let mut truncated = false;
        for (i, e) in entries.iter().enumerate() {
            match self.log.term_at(e.index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    if e.index <= self.commit_index {
                        // A committed entry can never conflict with a leader's
                        // log (Leader Completeness); refuse rather than lose it.
                        return;
                    }
                    if self.cfg.bugs.no_truncate {
                        self.bug_overwrite_in_place(&entries[i..]);
                        truncated = true; // the configuration may have changed
                        break;
                    }
                    let to_index = self.log.last_index();
                    self.log.truncate_from(e.index);
                    self.events.push(CoreEvent::EntriesTruncated { from_index: e.index, to_index });
                    self.mark_unpersisted(e.index);
                    truncated = true;
                    new_from = Some(i);
                    break;
                }
                None => {
                    new_from = Some(i);
                    break;
                }
            }
        }
        let last_new = prev_index + entries.len() as Index;
        if let Some(i) = new_from {
            let first = entries[i].index;
            let mut config_appended = false;
            for e in entries.drain(i..) {
                if matches!(e.kind, EntryKind::Config(_)) {
                    config_appended = true;
                    self.events.push(CoreEvent::MembershipChanged { index: e.index });
                }
                self.log.push(e);
            }
            self.events.push(CoreEvent::EntriesAppended { first_index: first, last_index: self.log.last_index() });
            self.mark_unpersisted(first);
            // A truncated config entry reverts the configuration too (thesis §4.1).
            if config_appended || truncated {
                self.recompute_membership();
            }
        } else if truncated {
            self.recompute_membership();
        }
        // Rule 5: commitIndex = min(leaderCommit, index of last new entry).
        if leader_commit > self.commit_index {
            let to = leader_commit.min(last_new);
            if to > self.commit_index {
                self.commit_to(to);
            }
        } else if self.cfg.bugs.commit_goes_back && leader_commit.min(last_new) < self.commit_index {
            // Bug `commit-goes-back`: the guard above left out.
            let to = leader_commit.min(last_new).max(self.log.snapshot_index());
            self.events.push(CoreEvent::CommitAdvanced { from: self.commit_index, to });
            self.commit_index = to;
        }
        self.respond_append(leader, true, last_new, None, None, read_ctx);
    }

    /// Bug `no-truncate`: write the leader's entries over ours where they
    /// conflict, but keep whatever of our old suffix lies beyond them — the
    /// rule "delete the existing entry and all that follow it" left out.
    fn bug_overwrite_in_place(&mut self, entries: &[Entry]) {
        for e in entries {
            let offset = (e.index - self.log.snapshot_index() - 1) as usize;
            if offset < self.log.entries.len() {
                self.log.entries.set(offset, e.clone());
            } else {
                self.log.push(e.clone());
            }
        }
        if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
            self.events.push(CoreEvent::EntriesAppended { first_index: first.index, last_index: last.index });
            self.mark_unpersisted(first.index);
        }
    }

    fn respond_append(
        &mut self,
        to: NodeId,
        success: bool,
        match_index: Index,
        conflict: Option<ConflictHint>,
        reason: Option<AppendRejected>,
        read_ctx: u64,
    ) {
        self.send(to, MessageBody::AppendEntriesResponse { success, match_index, conflict, reason, read_ctx });
    }

    /// InstallSnapshot receiver (paper §7).
    fn handle_install_snapshot(&mut self, leader: NodeId, snapshot: Snapshot) {
        let idx = snapshot.last_included_index;
        if self.cfg.bugs.install_stale_snapshot
            && idx <= self.commit_index
            && idx >= self.log.snapshot_index()
            && idx > 0
        {
            // Bug `install-stale-snapshot`: hand the host the older state
            // machine anyway; our log after `idx` is kept (it matches).
            let term = snapshot.last_included_term;
            let keep_suffix = self.log.matches(idx, term);
            self.log.install_snapshot(snapshot.clone(), keep_suffix);
            self.events.push(CoreEvent::SnapshotInstalled { index: idx, term, from: leader });
            self.pending_snapshot = Some(snapshot);
            self.snapshot_install = true;
            self.persist_from = Some(idx + 1);
            self.recompute_membership();
            self.send(leader, MessageBody::InstallSnapshotResponse { last_index: self.commit_index });
            return;
        }
        if idx <= self.commit_index {
            // We already have (and committed) everything it covers.
            self.send(leader, MessageBody::InstallSnapshotResponse { last_index: self.commit_index });
            return;
        }
        let term = snapshot.last_included_term;
        // §7: if our entry at the snapshot's index matches, keep what follows;
        // otherwise the whole log is superseded.
        let keep_suffix = self.log.matches(idx, term);
        self.log.install_snapshot(snapshot.clone(), keep_suffix);
        self.events.push(CoreEvent::SnapshotInstalled { index: idx, term, from: leader });
        self.events.push(CoreEvent::CommitAdvanced { from: self.commit_index, to: idx });
        self.commit_index = idx;
        self.handed_out = self.handed_out.max(idx);
        self.pending_snapshot = Some(snapshot);
        self.snapshot_install = true;
        // The host replaces its whole persisted log on an installed snapshot,
        // so hand it the kept suffix again.
        self.persist_from = Some(idx + 1);
        self.recompute_membership();
        self.send(leader, MessageBody::InstallSnapshotResponse { last_index: self.commit_index });
    }

    fn commit_to(&mut self, index: Index) {
        if index <= self.commit_index {
            return;
        }
        self.events.push(CoreEvent::CommitAdvanced { from: self.commit_index, to: index });
        self.commit_index = index;
    }

    // ------------------------------------------------------------------
    // Log replication: leader side
    // ------------------------------------------------------------------

    /// Append an entry of the current term to the leader's own log.
    fn append_entry(&mut self, kind: EntryKind) -> Index {
        let index = self.log.last_index() + 1;
        let is_config = matches!(kind, EntryKind::Config(_));
        self.log.push(Entry { term: self.current_term, index, kind });
        self.mark_unpersisted(index);
        self.events.push(CoreEvent::EntriesAppended { first_index: index, last_index: index });
        if is_config {
            self.events.push(CoreEvent::MembershipChanged { index });
            self.recompute_membership();
        }
        index
    }

    fn broadcast_append(&mut self) {
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        for id in peers {
            self.send_append(id, IfNothingNew::SendNothing, None);
        }
    }

    /// Send `to` the entries from its `next_index` (or a snapshot when they are
    /// compacted away); `if_nothing_new` says whether an empty AppendEntries
    /// (a probe) goes out when there is nothing new. `round`: the heartbeat
    /// round it also stands for (reads). Returns whether a message went out.
    fn send_append(&mut self, to: NodeId, if_nothing_new: IfNothingNew, round: Option<u64>) -> bool {
        let Some(pr) = self.progress.get(&to) else { return false };
        if pr.is_paused() {
            return false;
        }
        let next = pr.next_index.max(1);
        if next <= self.log.snapshot_index() {
            return self.send_snapshot(to);
        }
        let prev_log_index = next - 1;
        let Some(prev_log_term) = self.log.term_at(prev_log_index) else {
            return self.send_snapshot(to);
        };
        let entries = self.log.slice(next, self.log.last_index(), self.cfg.max_entries_per_message);
        if entries.is_empty() && if_nothing_new == IfNothingNew::SendNothing {
            return false;
        }
        let last_sent = entries.last().map(|e| e.index);
        let leader_commit = self.commit_index;
        let pr = self.progress.get_mut(&to).expect("checked above");
        match pr.state {
            ProgressState::Replicate => {
                // Pipelining: assume it arrives, keep streaming (within the
                // window of messages in flight, see `is_paused`).
                if let Some(last) = last_sent {
                    pr.sent_entries(last);
                }
            }
            ProgressState::Probe => pr.probe_sent = true,
            ProgressState::Snapshot => {}
        }
        let read_ctx = wire_round(round);
        self.send(to, MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, read_ctx });
        true
    }

    fn send_snapshot(&mut self, to: NodeId) -> bool {
        let Some(snapshot) = self.log.snapshot.clone() else { return false };
        let index = snapshot.last_included_index;
        let now = self.now;
        if let Some(pr) = self.progress.get_mut(&to) {
            pr.become_snapshot(index, now);
        }
        self.events.push(CoreEvent::SnapshotSent { to, index });
        self.send(to, MessageBody::InstallSnapshot { snapshot });
        true
    }

    /// A heartbeat that only proves leadership and carries the commit index:
    /// it points at the follower's known match, so it always passes the
    /// consistency check and never implies more than we know.
    fn send_heartbeat(&mut self, to: NodeId, round: Option<u64>) {
        let Some(pr) = self.progress.get(&to) else { return };
        let prev_log_index = pr.match_index;
        match self.log.term_at(prev_log_index) {
            Some(prev_log_term) => {
                let leader_commit = self.commit_index;
                let read_ctx = wire_round(round);
                self.send(
                    to,
                    MessageBody::AppendEntries {
                        prev_log_index,
                        prev_log_term,
                        entries: Vec::new(),
                        leader_commit,
                        read_ctx,
                    },
                );
            }
            None => {
                // Its match point is compacted: it needs a snapshot anyway.
                if let Some(pr) = self.progress.get_mut(&to) {
                    if pr.state != ProgressState::Snapshot {
                        pr.become_probe();
                        pr.next_index = pr.match_index + 1;
                    }
                }
                self.send_append(to, IfNothingNew::SendEmpty, round);
            }
        }
    }

    fn broadcast_heartbeat(&mut self) {
        // Lease reads need every heartbeat round numbered; ReadIndex only the
        // rounds that confirm pending reads.
        let round = (self.cfg.read_mode == ReadMode::Lease || !self.pending_reads.is_empty()).then(|| self.new_round());
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        let last_index = self.log.last_index();
        for id in peers {
            let now = self.now;
            let resend_after = self.cfg.election_timeout_max;
            let Some(pr) = self.progress.get_mut(&id) else { continue };
            match pr.state {
                ProgressState::Probe => {
                    // The probe may have been lost: try again.
                    pr.probe_sent = false;
                    self.send_append(id, IfNothingNew::SendEmpty, round);
                }
                ProgressState::Replicate => {
                    if pr.stalled(last_index, now, self.cfg.heartbeat_interval) {
                        // Nothing acknowledged for a whole interval: assume the
                        // in-flight messages were lost and resend from the match.
                        pr.next_index = pr.match_index + 1;
                        self.send_append(id, IfNothingNew::SendEmpty, round);
                    } else {
                        self.send_heartbeat(id, round);
                    }
                }
                ProgressState::Snapshot => {
                    if now.saturating_sub(pr.snapshot_sent_at) >= resend_after {
                        self.send_snapshot(id);
                    }
                    self.send_heartbeat(id, round);
                }
            }
        }
    }

    fn handle_append_success(&mut self, from: NodeId, match_index: Index) {
        let last_index = self.log.last_index();
        let now = self.now;
        let Some(pr) = self.progress.get_mut(&from) else { return };
        let moved = pr.on_append_success(match_index, now);
        let caught_up = pr.match_index == last_index;
        if moved && caught_up && self.transfer_target == Some(from) {
            // Thesis §3.10: the target has our whole log; tell it to campaign.
            self.send(from, MessageBody::TimeoutNow);
        }
        // Keep streaming whatever it does not have yet — unless proposals are
        // being batched: then they leave together when the batch closes.
        if self.batch_deadline.is_none() {
            self.send_append(from, IfNothingNew::SendNothing, None);
        }
    }

    /// Fast backup (thesis §5.3): jump `next_index` using the follower's hint
    /// instead of stepping back one entry per round trip.
    fn handle_append_reject(&mut self, from: NodeId, rejected: Index, conflict: Option<ConflictHint>) {
        let Some(pr) = self.progress.get(&from) else { return };
        if pr.is_stale_rejection(rejected) {
            return;
        }
        let next = match conflict {
            Some(ConflictHint { conflict_term: Some(t), first_index }) => {
                match self.log.last_index_of_term(t, rejected) {
                    // We have that term: the follower's entries of it up to our
                    // last one of it may match; retry right after it.
                    Some(i) => i + 1,
                    // We never had that term: the follower's whole run of it goes.
                    None => first_index,
                }
            }
            Some(ConflictHint { conflict_term: None, first_index }) => first_index,
            None => rejected,
        };
        if self.cfg.bugs.leader_truncates {
            self.bug_leader_truncate(next.min(rejected));
        }
        let Some(pr) = self.progress.get_mut(&from) else { return };
        pr.decr_to(next.min(rejected));
        self.send_append(from, IfNothingNew::SendEmpty, None);
    }

    /// Bug `leader-truncates`: make the leader's log match the follower's
    /// instead of the reverse — delete our uncommitted entries from `from` on.
    fn bug_leader_truncate(&mut self, from: Index) {
        let from = from.max(self.commit_index + 1).max(self.log.snapshot_index() + 1);
        let last = self.log.last_index();
        if from > last {
            return;
        }
        self.log.truncate_from(from);
        self.events.push(CoreEvent::EntriesTruncated { from_index: from, to_index: last });
        self.mark_unpersisted(from);
        for pr in self.progress.values_mut() {
            pr.match_index = pr.match_index.min(from - 1);
            pr.next_index = pr.next_index.min(from);
        }
        self.recompute_membership();
    }

    /// Figure 2, last leader rule: advance commitIndex to the highest N stored
    /// on a majority (of both configurations during joint consensus) — but only
    /// if log[N].term == currentTerm (Figure 8).
    fn maybe_commit(&mut self) -> bool {
        if self.membership.voters.is_empty() {
            return false;
        }
        let match_of = |id: NodeId| -> Index {
            if id == self.id {
                self.log.last_index()
            } else {
                self.progress.get(&id).map_or(0, |p| p.match_index)
            }
        };
        let mut n = quorum::joint_acked(&self.membership, match_of);
        // Deliberate bugs (Config::bugs), for tests of the checker.
        let bugs = self.cfg.bugs;
        let incoming: Vec<Index> = self.membership.voters.iter().map(|id| match_of(*id)).collect();
        if bugs.commit_one_half_of_joint {
            n = quorum::majority_commit_index(&incoming);
        }
        if bugs.commit_counts_learners {
            // The index held by majority(voters) servers of voters + learners.
            let mut acks: Vec<Index> =
                incoming.iter().copied().chain(self.membership.learners.iter().map(|id| match_of(*id))).collect();
            quorum::sort_descending(&mut acks);
            n = n.max(acks[quorum::majority(incoming.len()) - 1]);
        }
        if n == Index::MAX || n <= self.commit_index {
            return false;
        }
        // Figure 8: counting replicas never commits an entry of an older term.
        // (Bug `commit-old-term` skips this: the unsafe rule Figure 8 warns against.)
        if self.log.term_at(n) != Some(self.current_term) && !bugs.commit_old_term {
            return false;
        }
        self.commit_to(n);
        true
    }

    /// Everything a leader re-examines after its progress changed: commit,
    /// its own removal (thesis §4.2.2), and the automatic membership steps
    /// (promote caught-up learners, leave a committed joint configuration).
    fn leader_after_progress(&mut self) {
        loop {
            if self.role != Role::Leader {
                return;
            }
            let committed = self.maybe_commit();
            if committed && self.config_index <= self.commit_index {
                // The latest change is committed: forget servers it removed.
                self.sync_progress();
            }
            if self.config_index <= self.commit_index && !membership::is_voter(&self.membership, self.id) {
                self.become_follower(self.current_term, None, RoleChangeReason::RemovedFromConfig);
                return;
            }
            let appended = self.maybe_auto_config_step();
            if appended {
                self.broadcast_append();
            }
            if !committed && !appended {
                return;
            }
        }
    }

    /// Bug `joint-skip`: leave C_old,new in the same step it was entered, so
    /// the configuration goes from C_old to C_new at once (thesis §4.3 shows
    /// how two disjoint majorities can then decide apart). Returns the index
    /// of the C_new entry it appended.
    fn bug_joint_skip(&mut self) -> Option<Index> {
        self.cfg.bugs.joint_skip.then(|| self.append_entry(EntryKind::Config(ConfigChange::LeaveJoint)))
    }

    /// The leader's own membership steps. Returns whether it appended one.
    fn maybe_auto_config_step(&mut self) -> bool {
        if self.transfer_target.is_some() || self.config_index > self.commit_index || !self.current_term_committed() {
            return false;
        }
        if membership::is_joint(&self.membership) {
            // C_old,new is committed: move on to C_new (thesis §4.3).
            self.append_entry(EntryKind::Config(ConfigChange::LeaveJoint));
            return true;
        }
        let commit = self.commit_index;
        let caught_up = |raft: &Raft, id: &NodeId| raft.progress.get(id).is_some_and(|p| p.match_index >= commit);
        if let Some(new_voters) = self.pending_joint.clone() {
            // Joint consensus with servers new to the cluster: add them as
            // learners one change at a time, and enter C_old,new only when all
            // have caught up, so they never hold up a commit as voters.
            if let Some(&missing) = new_voters.iter().find(|id| !membership::is_member(&self.membership, **id)) {
                self.append_entry(EntryKind::Config(ConfigChange::AddLearner(missing)));
                return true;
            }
            let joining = new_voters.iter().filter(|id| self.membership.learners.contains(id));
            if joining.clone().all(|id| caught_up(self, id)) {
                self.pending_joint = None;
                self.append_entry(EntryKind::Config(ConfigChange::EnterJoint(new_voters)));
                self.bug_joint_skip();
                return true;
            }
            return false;
        }
        let ready_learner = self.membership.learners.iter().copied().find(|id| caught_up(self, id));
        if let Some(id) = ready_learner {
            // Thesis §4.2.1: a new server joins as a non-voter until it has
            // caught up, so it does not stall commits while it copies the log.
            self.append_entry(EntryKind::Config(ConfigChange::PromoteVoter(id)));
            return true;
        }
        false
    }

    // ------------------------------------------------------------------
    // Client-facing operations
    // ------------------------------------------------------------------

    fn drop_proposal(&mut self, reason: ProposalDropped) -> Result<Index, ProposalDropped> {
        self.events.push(CoreEvent::ProposalDropped { reason: reason.clone() });
        Err(reason)
    }

    pub(crate) fn propose(&mut self, data: Vec<u8>) -> Result<Index, ProposalDropped> {
        if self.role != Role::Leader {
            return self.drop_proposal(ProposalDropped::NotLeader { leader_hint: self.leader_id });
        }
        if self.transfer_target.is_some() {
            return self.drop_proposal(ProposalDropped::TransferInProgress);
        }
        let index = self.append_entry(EntryKind::Command(data.into()));
        if self.cfg.batch_delay == 0 {
            self.broadcast_append();
        } else if self.batch_deadline.is_none() {
            // Batching (thesis §10.2.2): the first proposal opens a batch that
            // closes `batch_delay` ticks later; later ones join it.
            self.batch_deadline = Some(self.now + self.cfg.batch_delay);
        }
        self.leader_after_progress();
        Ok(index)
    }

    pub(crate) fn propose_change(&mut self, change: ConfigChange) -> Result<Index, ProposalDropped> {
        if self.role != Role::Leader {
            return self.drop_proposal(ProposalDropped::NotLeader { leader_hint: self.leader_id });
        }
        if self.transfer_target.is_some() {
            return self.drop_proposal(ProposalDropped::TransferInProgress);
        }
        if self.config_index > self.commit_index
            || self.pending_joint.is_some()
            || (membership::is_joint(&self.membership) && change != ConfigChange::LeaveJoint)
        {
            return self.drop_proposal(ProposalDropped::ChangeInProgress);
        }
        if !self.current_term_committed() {
            return self.drop_proposal(ProposalDropped::LeaderNotReady);
        }
        if !membership::is_valid_change(&self.membership, &change) {
            return self.drop_proposal(ProposalDropped::InvalidChange);
        }
        let change = match change {
            // New servers join as learners first (thesis §4.2.1); the joint
            // entry follows from maybe_auto_config_step once they caught up.
            ConfigChange::EnterJoint(new_voters) => {
                match new_voters.iter().copied().find(|id| !membership::is_member(&self.membership, *id)) {
                    Some(first) => {
                        self.pending_joint = Some(new_voters);
                        ConfigChange::AddLearner(first)
                    }
                    None => ConfigChange::EnterJoint(new_voters),
                }
            }
            change => change,
        };
        let joint = matches!(change, ConfigChange::EnterJoint(_));
        let mut index = self.append_entry(EntryKind::Config(change));
        if joint {
            index = self.bug_joint_skip().unwrap_or(index);
        }
        self.broadcast_append();
        self.leader_after_progress();
        Ok(index)
    }
}
