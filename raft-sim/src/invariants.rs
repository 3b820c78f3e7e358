//! The safety properties of Raft (paper Figure 3, plus a few the simulator can
//! see), checked after every simulated millisecond. Each check is
//! incremental, so a 15-node, 60-second run stays fast:
//!
//! - **election-safety**: at most one leader per term, over the whole history
//!   (a map term → leader that is never forgotten, not even across crashes).
//! - **leader-append-only**: while a node leads in a term, its last entry
//!   never moves backwards or changes.
//! - **log-matching**: every persisted entry is remembered by (index, term)
//!   with a fingerprint of its command and the term of the entry before it;
//!   two entries with the same index and term must agree on both, which by
//!   induction makes the logs identical up to there.
//! - **leader-completeness**: an entry committed in term T is in the log of
//!   every leader of a term after T (checked when a leader appears, and for
//!   current leaders when a commit is discovered).
//! - **state-machine-safety**: no two servers apply different commands at the
//!   same index, and each applies indexes in order, one after another.
//! - **monotonic-term** (across restarts: the term is persisted),
//!   **monotonic-commit** and **monotonic-applied** (within one up-period:
//!   both are volatile).
//! - **committed-on-quorum**: when a leader advances its commit index to N,
//!   entry N is in the *persisted* log of a majority of the voters of the
//!   configuration the leader was using at that instant — of C_old *and* of
//!   C_new while that configuration is joint (thesis §4.3: "agreement (for
//!   elections and entry commitment) requires separate majorities from both").
//!   The configuration it was using is the latest one in its log at that
//!   instant, committed or not (thesis §4.1). That is not necessarily the
//!   latest one by the time anything is checked: in one step a leader may
//!   commit N and *then* append a new configuration (C_old,new once its new
//!   servers caught up, C_new once C_old,new committed). So the check reads
//!   the core's events in the order it made its decisions (checked per
//!   `Ready`, see [`Checker::on_ready_events`]) to find where the log ended
//!   when the commit happened. It fires on a commit that counted a learner's
//!   acknowledgement or a majority of only one half of a joint configuration
//!   (scenarios/expect-violation-commit-*.raft plant both).
//! - **persist-before-send**: a message never promises what is not durable yet
//!   (its term, a granted vote, the entries an AppendEntries success
//!   acknowledges), checked on the host's durable storage at send time.
//! - **exactly-once**: a client command (client id, sequence number) takes
//!   effect at most once on each server's state machine, however often it was
//!   retried into the log (paper §8). Within one up-period: a restart
//!   rebuilds the state machine and applies the log again.
//! - **linearizability** of the client history (crate::linearizability),
//!   checked on demand because it is costly.
//!
//! Each invariant is reported once, the first time it fails, with the time.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::membership::membership_at;
use raft_core::{
    ConfigChange, CoreEvent, Entry, EntryKind, Index, Membership, Message, MessageBody, NodeId, PersistentState, Role,
    Term,
};
#[cfg(test)]
use serde::Serialize;

use crate::linearizability::{self, OpKind, Operation, Outcome};
use crate::shared_map::SharedMap;
use crate::small_map::SmallMap;
use crate::trace::fnv1a;
use crate::world::{entry_in, term_in, Node};

/// Every property the checker enforces, one variant each (docs/invariants.md
/// states them precisely). Scenarios (`# expect-violation: NAME`), the trace
/// and the page know them by [`Invariant::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
    MonotonicTerm,
    MonotonicCommit,
    MonotonicApplied,
    CommittedOnQuorum,
    PersistBeforeSend,
    ExactlyOnce,
    Linearizability,
    // etcd (issue 11)
    SameRevisions,
    WatchEvents,
    LeaseTtl,
}

impl Invariant {
    pub const ALL: [Invariant; 15] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::MonotonicTerm,
        Invariant::MonotonicCommit,
        Invariant::MonotonicApplied,
        Invariant::CommittedOnQuorum,
        Invariant::PersistBeforeSend,
        Invariant::ExactlyOnce,
        Invariant::Linearizability,
        Invariant::SameRevisions,
        Invariant::WatchEvents,
        Invariant::LeaseTtl,
    ];

    /// The name scenarios, the trace and the page use.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election-safety",
            Invariant::LeaderAppendOnly => "leader-append-only",
            Invariant::LogMatching => "log-matching",
            Invariant::LeaderCompleteness => "leader-completeness",
            Invariant::StateMachineSafety => "state-machine-safety",
            Invariant::MonotonicTerm => "monotonic-term",
            Invariant::MonotonicCommit => "monotonic-commit",
            Invariant::MonotonicApplied => "monotonic-applied",
            Invariant::CommittedOnQuorum => "committed-on-quorum",
            Invariant::PersistBeforeSend => "persist-before-send",
            Invariant::ExactlyOnce => "exactly-once",
            Invariant::Linearizability => "linearizability",
            Invariant::SameRevisions => "same-revisions",
            Invariant::WatchEvents => "watch-events",
            Invariant::LeaseTtl => "lease-ttl",
        }
    }

    pub fn from_name(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == name)
    }
}

/// A failed invariant, as the trace and the view model carry it (by name).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Violation {
    pub time_ms: u64,
    pub invariant: String,
    pub message: String,
}

/// A fingerprint of an entry's payload (not its index or term).
pub fn fingerprint(kind: &EntryKind) -> u64 {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    match kind {
        EntryKind::Noop => fnv1a(SEED, b"noop"),
        EntryKind::Command(data) => hash_words(fnv1a(SEED, b"cmd:"), data),
        EntryKind::Config(change) => {
            // Any encoding that tells changes apart will do (fingerprints are
            // never traced): a tag byte, then the ids. No serde_json in the wasm.
            let (tag, ids): (u8, &[u64]) = match change {
                ConfigChange::AddLearner(id) => (0, core::slice::from_ref(id)),
                ConfigChange::PromoteVoter(id) => (1, core::slice::from_ref(id)),
                ConfigChange::Remove(id) => (2, core::slice::from_ref(id)),
                ConfigChange::EnterJoint(voters) => (3, voters),
                ConfigChange::LeaveJoint => (4, &[]),
            };
            let mut h = fnv1a(fnv1a(SEED, b"cfg:"), &[tag]);
            for id in ids {
                h = fnv1a(h, &id.to_le_bytes());
            }
            h
        }
    }
}

/// A 64-bit hash of `bytes` taking them 8 at a time (FNV-1a takes one byte
/// per multiply): the checker fingerprints every entry every server persists
/// and applies. Fingerprints are only compared with each other within a run,
/// never traced, so this choice does not touch trace hashes.
fn hash_words(seed: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K);
        h ^= h >> 29;
    }
    h
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Committed {
    term: Term,
    fp: u64,
    /// The term of the server that first reported it committed (its leader):
    /// leaders of later terms must hold the entry.
    commit_term: Term,
}

/// The few numbers of a node's status the per-millisecond checks need.
struct Quick {
    role: Role,
    current_term: Term,
    commit_index: Index,
    last_index: Index,
    last_term: Term,
    snapshot_index: Index,
}

/// What we last saw of one node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Watch {
    incarnation: u64,
    term: Term,
    /// The highest term seen durable: what a restart must not go below (the
    /// in-memory term may be ahead of it while a disk write is pending, and
    /// a crash loses that write).
    durable_term: Term,
    commit: Index,
    applied: Index,
    /// While leader: (term, last index, last term) at the previous check.
    leader_tip: Option<(Term, Index, Term)>,
}

/// What the checker saw at each log index, for a run of consecutive indexes:
/// a `VecDeque` addressed by `index - base`. Why not a `BTreeMap`: every
/// server's every applied entry and every commit looks one up and most insert
/// one, always near the newest index, and `prune` drops the oldest; a window
/// does both in O(1) without a tree search or node allocations. Behaves like
/// the map it replaced: `get`, `insert` (any index, also below `base` after
/// a prune), `forget_below` (= keeping `split_off(&floor)`), `iter` in order.
#[derive(Clone, Debug)]
struct IndexWindow<T> {
    /// The index of `slots[0]`.
    base: Index,
    slots: VecDeque<Option<T>>,
}

impl<T> Default for IndexWindow<T> {
    fn default() -> Self {
        IndexWindow { base: 0, slots: VecDeque::new() }
    }
}

impl<T> IndexWindow<T> {
    fn get(&self, index: Index) -> Option<&T> {
        let k = usize::try_from(index.checked_sub(self.base)?).ok()?;
        self.slots.get(k)?.as_ref()
    }

    fn get_mut(&mut self, index: Index) -> Option<&mut T> {
        let k = usize::try_from(index.checked_sub(self.base)?).ok()?;
        self.slots.get_mut(k)?.as_mut()
    }

    fn insert(&mut self, index: Index, value: T) {
        if self.slots.is_empty() {
            self.base = index;
        } else if index < self.base {
            for _ in index..self.base {
                self.slots.push_front(None);
            }
            self.base = index;
        }
        let k = (index - self.base) as usize;
        if k >= self.slots.len() {
            self.slots.resize_with(k + 1, || None);
        }
        self.slots[k] = Some(value);
    }

    /// Forget every index below `floor`.
    fn forget_below(&mut self, floor: Index) {
        if floor <= self.base {
            return;
        }
        let n = usize::try_from(floor - self.base).map_or(self.slots.len(), |n| n.min(self.slots.len()));
        self.slots.drain(..n);
        self.base = floor;
    }

    fn iter(&self) -> impl Iterator<Item = (Index, &T)> {
        self.slots.iter().enumerate().filter_map(|(k, v)| v.as_ref().map(|v| (self.base + k as Index, v)))
    }
}

/// The entries seen persisted at one index, by term: (fingerprint, previous
/// entry's term, first holder). Almost always one term (`others` is empty and
/// allocates nothing); more after a leader change overwrote uncommitted entries.
#[derive(Clone, Debug, PartialEq)]
struct TermsAt {
    first: (Term, (u64, Term, NodeId)),
    others: Vec<(Term, (u64, Term, NodeId))>,
}

impl TermsAt {
    fn get(&self, term: Term) -> Option<(u64, Term, NodeId)> {
        core::iter::once(&self.first).chain(&self.others).find(|(t, _)| *t == term).map(|(_, v)| *v)
    }
}

/// Equal when the same indexes hold equal values, however the window is laid out.
impl<T: PartialEq> PartialEq for IndexWindow<T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checker {
    pub violations: Vec<Violation>,
    /// Each invariant is reported once, the first time it fails: those that
    /// have been, in that order (a handful at most; a `Vec` rather than a
    /// `BTreeSet`, whose code the wasm would carry for this alone).
    reported: Vec<Invariant>,
    /// Election safety: term → the one leader seen in it.
    leaders: BTreeMap<Term, NodeId>,
    /// Log matching: (index, term) → (payload fingerprint, previous entry's term, first holder).
    entries: IndexWindow<TermsAt>,
    /// State machine safety: index → (term, fingerprint, first node) applied there.
    applied: IndexWindow<(Term, u64, NodeId)>,
    committed: IndexWindow<Committed>,
    max_committed: Index,
    /// Per node, sorted by id: a `Vec`, as a cluster has at most 15 nodes (a
    /// `BTreeMap` would be one more B-tree type in the wasm: docs/wasm-size.md).
    watch: Vec<(NodeId, Watch)>,
    /// Exactly-once: (client, node) → (incarnation, highest sequence number
    /// that took effect). Bounded like the store's own sessions
    /// (`kv::MAX_SESSIONS` per node): the oldest clients are forgotten first.
    /// Shared between checkpoints: it holds up to 16 × `MAX_SESSIONS` entries.
    took_effect: SharedMap<(u64, NodeId), (u64, u64)>,
    /// The client history for the linearizability check, per key, with each
    /// key's settled prefix collapsed (see [`KeyHistory`]).
    lin: BTreeMap<String, KeyHistory>,
    /// etcd (issue 11): revisions, watches, leases.
    etcd: EtcdChecks,
}

/// One key's client history as the linearizability check needs it: the
/// operations not yet settled, after (possibly) one synthetic `put` that
/// stands for everything settled before them.
///
/// A prefix is *settled* when it has been checked linearizable, every
/// operation in it returned, every later operation was invoked after all of
/// them returned (so any linearization puts the whole prefix first), and one
/// of them was invoked after all the others returned (so it is last in every
/// linearization, and the register's value after the prefix is known: what
/// it wrote or read). Such a prefix is replaced by a put of that value that
/// returned before the rest began: the rest is linearizable after it exactly
/// when it is after the prefix. So the check's work and memory follow the
/// operations still in flight, not the length of the run.
#[derive(Clone, Debug, Default, PartialEq)]
struct KeyHistory {
    ops: Vec<Operation>,
    /// Changed since the last decided check.
    dirty: bool,
}

impl KeyHistory {
    /// Collapse the longest settled prefix, if any, at time `now` (an
    /// operation invoked from now on comes after one that returned before).
    fn settle(&mut self, now: u64) {
        let mut max_ret = 0;
        let mut cut = None; // (ops in the prefix, the value after it, its time)
        for (i, op) in self.ops.iter().enumerate() {
            let Some(ret) = op.returned_ms else { break };
            max_ret = max_ret.max(ret);
            let next_invoked = self.ops.get(i + 1).map_or(now, |o| o.invoked_ms);
            if next_invoked <= max_ret {
                continue; // the next operation may overlap the prefix
            }
            // The prefix 0..=i is closed; is its last operation forced?
            let last = &self.ops[..=i];
            let forced = last.iter().enumerate().find(|(j, o)| {
                last.iter().enumerate().all(|(k, p)| k == *j || p.returned_ms.is_some_and(|r| r < o.invoked_ms))
            });
            if let Some((_, o)) = forced {
                // The register's value after it (None: absent), if the op says.
                let value = match &o.op {
                    OpKind::Put { value, .. } => Some(Some(value.clone())),
                    OpKind::Get { result, .. } => Some(result.clone()),
                    OpKind::Delete { .. } => Some(None),
                    OpKind::Cas { then, otherwise, branch, .. } => match branch {
                        Some(true) => then.clone(),
                        Some(false) => otherwise.clone(),
                        None => None,
                    },
                };
                if let Some(value) = value {
                    cut = Some((i + 1, value, max_ret));
                }
            }
        }
        let Some((n, value, at)) = cut else { return };
        let key = String::from(self.ops[0].op.key());
        self.ops.drain(..n);
        if let Some(value) = value {
            let base = Operation { client: 0, op: OpKind::Put { key, value }, invoked_ms: at, returned_ms: Some(at) };
            self.ops.insert(0, base);
        }
    }
}

impl Checker {
    fn report(&mut self, now: u64, invariant: Invariant, message: String) -> Option<Violation> {
        if self.reported.contains(&invariant) {
            return None;
        }
        self.reported.push(invariant);
        let v = Violation { time_ms: now, invariant: invariant.name().to_string(), message };
        self.violations.push(v.clone());
        Some(v)
    }

    /// Node `id` persisted `new_entries` (already in `storage`).
    pub fn on_persist(
        &mut self,
        now: u64,
        id: NodeId,
        storage: &PersistentState,
        new_entries: &[Entry],
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        for e in new_entries {
            let prev_term = term_in(storage.snapshot.as_ref(), &storage.entries, e.index - 1).unwrap_or(0);
            let fp = fingerprint(&e.kind);
            match self.entries.get(e.index).and_then(|at| at.get(e.term)) {
                Some((fp0, prev0, holder)) => {
                    if fp0 != fp {
                        out.extend(self.report(
                            now,
                            Invariant::LogMatching,
                            format!(
                                "n{} and n{} hold different commands at index {} term {}",
                                id, holder, e.index, e.term
                            ),
                        ));
                    } else if prev0 != prev_term && prev_term != 0 && prev0 != 0 {
                        out.extend(self.report(
                            now,
                            Invariant::LogMatching,
                            format!(
                                "n{} and n{} agree on index {} term {} but not on the entry before it (term {} vs {})",
                                id, holder, e.index, e.term, prev_term, prev0
                            ),
                        ));
                    }
                }
                None => match self.entries.get_mut(e.index) {
                    Some(at) => at.others.push((e.term, (fp, prev_term, id))),
                    None => self
                        .entries
                        .insert(e.index, TermsAt { first: (e.term, (fp, prev_term, id)), others: Vec::new() }),
                },
            }
        }
        out
    }

    /// Node `id` is about to send `msg`; `storage` is what it has made durable.
    pub fn on_send(&mut self, now: u64, id: NodeId, storage: &PersistentState, msg: &Message) -> Option<Violation> {
        let hs = &storage.hard_state;
        let problem = match &msg.body {
            // A pre-vote request carries the term the sender would campaign in.
            MessageBody::RequestVote { pre_vote: true, .. } => None,
            // A pre-vote answer carries the term it was asked about.
            MessageBody::RequestVoteResponse { pre_vote: true, .. } => None,
            _ if msg.term > hs.current_term => Some(format!(
                "n{} sent a term-{} {} while its durable term is {}",
                id,
                msg.term,
                msg.body.kind_name(),
                hs.current_term
            )),
            // A Ready batch may hold messages from several steps, so a later
            // term can already be durable; that supersedes a grant (or an
            // acknowledgement) of an earlier term, which is then merely late.
            MessageBody::RequestVoteResponse { vote_granted: true, .. }
                if hs.current_term == msg.term && hs.voted_for != Some(msg.to) =>
            {
                Some(format!(
                    "n{} granted its term-{} vote to n{} before persisting it (durable: term {}, voted for {:?})",
                    id, msg.term, msg.to, hs.current_term, hs.voted_for
                ))
            }
            MessageBody::AppendEntriesResponse { success: true, match_index, .. } if msg.term == hs.current_term => {
                let snap_index = storage.snapshot.as_ref().map_or(0, |s| s.last_included_index);
                let last = storage.entries.last().map_or(snap_index, |e| e.index).max(snap_index);
                (last < *match_index).then(|| {
                    format!("n{} acknowledged entries up to {} but has persisted only up to {}", id, match_index, last)
                })
            }
            _ => None,
        };
        let message = problem?;
        self.report(now, Invariant::PersistBeforeSend, message)
    }

    /// A client command `(client, seq)` took effect (`fresh`) or was
    /// recognised as a retry on node `id` in its up-period `incarnation`.
    pub fn on_command_applied(
        &mut self,
        now: u64,
        id: NodeId,
        incarnation: u64,
        client: u64,
        seq: u64,
        fresh: bool,
    ) -> Option<Violation> {
        if !fresh {
            return None;
        }
        let seen = self.took_effect.insert((client, id), (incarnation, seq));
        while self.took_effect.len() > crate::kv::MAX_SESSIONS * 16 {
            self.took_effect.pop_first();
        }
        match seen {
            Some((inc, last)) if inc == incarnation && seq <= last => self.report(
                now,
                Invariant::ExactlyOnce,
                format!("n{} applied command {} of client {} again (it had applied up to {})", id, seq, client, last),
            ),
            _ => None,
        }
    }

    /// Node `id` applied `entry`; `expected` is the index it should have applied next.
    pub fn on_apply(&mut self, now: u64, id: NodeId, expected: Index, entry: &Entry) -> Vec<Violation> {
        let mut out = Vec::new();
        if entry.index != expected {
            out.extend(self.report(
                now,
                Invariant::StateMachineSafety,
                format!("n{} applied index {} but its next index to apply was {}", id, entry.index, expected),
            ));
        }
        let fp = fingerprint(&entry.kind);
        match self.applied.get(entry.index) {
            Some(&(term, fp0, first)) => {
                if term != entry.term || fp0 != fp {
                    out.extend(self.report(
                        now,
                        Invariant::StateMachineSafety,
                        format!(
                            "n{} applied a different entry at index {} (term {}) than n{} did (term {})",
                            id, entry.index, entry.term, first, term
                        ),
                    ));
                }
            }
            None => {
                self.applied.insert(entry.index, (entry.term, fp, id));
            }
        }
        out
    }

    /// Node `id` handed its host a `Ready` whose `events` are in the order
    /// the core made its decisions; `nodes` hold what every server has made
    /// durable (node `id`'s own entries of this Ready included). Checks
    /// committed-on-quorum at the instant of each commit a leader made.
    pub fn on_ready_events(
        &mut self,
        now: u64,
        id: NodeId,
        events: &[CoreEvent],
        nodes: &BTreeMap<NodeId, Node>,
    ) -> Vec<Violation> {
        let decisions = commit_decisions(id, events, nodes);
        self.check_commit_decisions(now, id, &decisions, nodes)
    }

    /// committed-on-quorum for decisions taken earlier by [`commit_decisions`]:
    /// with a disk latency the world checks them when the write of their
    /// `Ready` completes (when the commit can first have an effect: an apply,
    /// a message), against the durable storage of that moment.
    pub fn check_commit_decisions(
        &mut self,
        now: u64,
        id: NodeId,
        decisions: &[CommitDecision],
        nodes: &BTreeMap<NodeId, Node>,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        for d in decisions {
            let holds = |v: &NodeId| nodes.get(v).is_some_and(|n| persisted_has(&n.storage, d.to, d.term));
            if let Err(why) = committed_on_quorum(&d.config, holds) {
                let message = format!(
                    "leader n{} committed index {} (term {}) while its log ended at {}, but {}",
                    id, d.to, d.term, d.end, why
                );
                out.extend(self.report(now, Invariant::CommittedOnQuorum, message));
            }
        }
        out
    }

    /// Forget what no check can need again: entries every server has applied
    /// (an up server) or compacted into its durable snapshot (any server).
    /// Such an entry sits in every log for good — removing it would itself
    /// break leader-completeness or state-machine-safety on a later entry —
    /// so it can never be persisted, applied or led anew, only re-applied by
    /// a restarted server from a log that log-matching already checked. Keeps
    /// the checker's memory flat in long runs, with compaction on or off.
    /// Where node `id`'s entry in `watch` is (`Ok`) or would go (`Err`).
    fn watch_slot(&self, id: NodeId) -> Result<usize, usize> {
        self.watch.binary_search_by_key(&id, |(n, _)| *n)
    }

    fn prune(&mut self, nodes: &BTreeMap<NodeId, Node>) {
        let floor = nodes
            .values()
            .map(|n| {
                let snap = n.storage.snapshot.as_ref().map_or(0, |s| s.last_included_index);
                if n.is_up() {
                    snap.max(n.applied)
                } else {
                    snap
                }
            })
            .min()
            .unwrap_or(0);
        if floor == 0 {
            return;
        }
        self.entries.forget_below(floor);
        self.applied.forget_below(floor);
        self.committed.forget_below(floor);
    }

    /// The per-millisecond checks over every up node, one function per
    /// invariant (in this order, which decides which message a run reports
    /// first when several checks fail in the same millisecond).
    pub fn check_step(&mut self, now: u64, nodes: &BTreeMap<NodeId, Node>) -> Vec<Violation> {
        if now % 1000 == 0 {
            self.prune(nodes);
        }
        let mut out = Vec::new();
        for (&id, node) in nodes {
            let Some(raw) = &node.raw else {
                if let Ok(i) = self.watch_slot(id) {
                    self.watch[i].1.leader_tip = None;
                }
                continue;
            };
            // Cheap accessors every millisecond; the full `status()` (which
            // allocates) only when a leader's commit index advances.
            let last_index = raw.last_index();
            let s = Quick {
                role: raw.role(),
                current_term: raw.current_term(),
                // A commit counts once it can have an effect: when the
                // Ready that hands it out has been written (`commit_released`).
                // With a disk latency a single-voter leader's commit index
                // runs ahead of its own write, and a crash before the write
                // completes loses the entry, unobserved (nothing that
                // depended on it left the node). With an instant disk every
                // Ready is handled by now, so this is the commit index.
                commit_index: raw.commit_index().min(node.commit_released),
                last_index,
                last_term: node.term_at(last_index).unwrap_or(0),
                snapshot_index: raw.snapshot().map_or(0, |s| s.last_included_index),
            };
            let slot = self.watch_slot(id).unwrap_or_else(|i| {
                self.watch.insert(i, (id, Watch::default()));
                i
            });
            let mut w = core::mem::take(&mut self.watch[slot].1);
            if w.incarnation != node.incarnation {
                // Restarted: commit and applied start over; the term does not.
                w.incarnation = node.incarnation;
                w.term = w.durable_term;
                w.commit = 0;
                w.applied = 0;
                w.leader_tip = None;
            }

            self.monotonic(now, id, node, &s, &w, &mut out);
            if s.role == Role::Leader {
                if self.election_safety(now, id, s.current_term, &mut out) {
                    self.new_leader_completeness(now, id, node, &s, &mut out);
                }
                self.leader_append_only(now, id, node, &s, &w, &mut out);
                w.leader_tip = Some((s.current_term, s.last_index, s.last_term));
            } else {
                w.leader_tip = None;
            }
            if s.commit_index > self.max_committed {
                self.record_commit(node, &s);
                self.later_leaders_hold_commit(now, id, node, &s, nodes, &mut out);
            } else if s.commit_index > 0 {
                self.commit_agrees(now, id, node, &s, &mut out);
            }

            w.term = w.term.max(s.current_term);
            w.durable_term = w.durable_term.max(node.storage.hard_state.current_term);
            w.commit = s.commit_index;
            w.applied = node.applied;
            self.watch[slot].1 = w;
        }
        out
    }

    /// monotonic-term (across restarts: the term is persisted),
    /// monotonic-commit and monotonic-applied (within one up-period).
    fn monotonic(&mut self, now: u64, id: NodeId, node: &Node, s: &Quick, w: &Watch, out: &mut Vec<Violation>) {
        if s.current_term < w.term {
            out.extend(self.report(
                now,
                Invariant::MonotonicTerm,
                format!("n{} term went from {} to {}", id, w.term, s.current_term),
            ));
        }
        if s.commit_index < w.commit {
            out.extend(self.report(
                now,
                Invariant::MonotonicCommit,
                format!("n{} commit index went from {} to {}", id, w.commit, s.commit_index),
            ));
        }
        if node.applied < w.applied {
            out.extend(self.report(
                now,
                Invariant::MonotonicApplied,
                format!("n{} applied index went from {} to {}", id, w.applied, node.applied),
            ));
        }
    }

    /// election-safety: at most one leader per term, over the whole history.
    /// Returns whether `id` is the first leader seen in `term`.
    fn election_safety(&mut self, now: u64, id: NodeId, term: Term, out: &mut Vec<Violation>) -> bool {
        match self.leaders.get(&term) {
            Some(&other) if other != id => {
                out.extend(self.report(
                    now,
                    Invariant::ElectionSafety,
                    format!("n{} and n{} were both leader in term {}", other, id, term),
                ));
                false
            }
            Some(_) => false,
            None => {
                self.leaders.insert(term, id);
                true
            }
        }
    }

    /// leader-completeness, when a leader appears: it must hold every entry
    /// committed in an earlier term.
    fn new_leader_completeness(&mut self, now: u64, id: NodeId, node: &Node, s: &Quick, out: &mut Vec<Violation>) {
        let term = s.current_term;
        let missing = self.committed.iter().find(|&(index, c)| {
            c.commit_term < term && index >= s.snapshot_index && node.term_at(index) != Some(c.term)
        });
        if let Some((index, c)) = missing {
            let v = format!(
                "n{} became leader of term {} without entry {} (term {}) committed in term {}",
                id, term, index, c.term, c.commit_term
            );
            out.extend(self.report(now, Invariant::LeaderCompleteness, v));
        }
    }

    /// leader-append-only: while a node leads in a term, its last entry never
    /// moves back or changes.
    fn leader_append_only(
        &mut self,
        now: u64,
        id: NodeId,
        node: &Node,
        s: &Quick,
        w: &Watch,
        out: &mut Vec<Violation>,
    ) {
        let Some((t, last_index, last_term)) = w.leader_tip else { return };
        if t != s.current_term {
            return;
        }
        let moved_back = s.last_index < last_index;
        let changed = last_index > s.snapshot_index && node.term_at(last_index) != Some(last_term);
        if moved_back || changed {
            out.extend(self.report(
                now,
                Invariant::LeaderAppendOnly,
                format!(
                    "leader n{} of term {} removed or overwrote entry {} (term {})",
                    id, s.current_term, last_index, last_term
                ),
            ));
        }
    }

    /// A newly discovered commit index: remember each newly committed entry,
    /// and who first reported it (the term later leaders are bound by).
    fn record_commit(&mut self, node: &Node, s: &Quick) {
        let (snap, entries) = node.log();
        for index in self.max_committed + 1..=s.commit_index {
            if let Some(e) = entry_in(entries, index) {
                self.committed
                    .insert(index, Committed { term: e.term, fp: fingerprint(&e.kind), commit_term: s.current_term });
            } else if let Some(t) = term_in(snap, entries, index) {
                self.committed.insert(index, Committed { term: t, fp: 0, commit_term: s.current_term });
            }
        }
        self.max_committed = s.commit_index;
    }

    /// leader-completeness, when a commit is discovered: leaders of later
    /// terms must already hold the entry.
    fn later_leaders_hold_commit(
        &mut self,
        now: u64,
        id: NodeId,
        node: &Node,
        s: &Quick,
        nodes: &BTreeMap<NodeId, Node>,
        out: &mut Vec<Violation>,
    ) {
        let c_index = s.commit_index;
        let Some(c_term) = node.term_at(c_index) else { return };
        for (&other, other_node) in nodes {
            if other == id {
                continue;
            }
            let Some(oraw) = &other_node.raw else { continue };
            let (o_role, o_term) = (oraw.role(), oraw.current_term());
            let o_snapshot_index = oraw.snapshot().map_or(0, |s| s.last_included_index);
            if o_role == Role::Leader
                && o_term > s.current_term
                && c_index > o_snapshot_index
                && other_node.term_at(c_index) != Some(c_term)
            {
                out.extend(self.report(
                    now,
                    Invariant::LeaderCompleteness,
                    format!(
                        "entry {} (term {}) committed in term {} is missing from n{}, leader of term {}",
                        c_index, c_term, s.current_term, other, o_term
                    ),
                ));
            }
        }
    }

    /// state-machine-safety, on commit indexes: every server's entry at its
    /// commit index is the one first seen committed there.
    fn commit_agrees(&mut self, now: u64, id: NodeId, node: &Node, s: &Quick, out: &mut Vec<Violation>) {
        let Some(c) = self.committed.get(s.commit_index) else { return };
        let Some(t) = node.term_at(s.commit_index) else { return };
        if t != c.term {
            let v = format!(
                "n{} has term {} at its commit index {}, but the entry committed there has term {}",
                id, t, s.commit_index, c.term
            );
            out.extend(self.report(now, Invariant::StateMachineSafety, v));
        }
    }

    /// A client invoked `op`: it joins its key's history.
    pub fn on_client_invoke(&mut self, op: Operation) {
        // Looked up by `&str` first: only a key's first operation copies its name.
        if !self.lin.contains_key(op.op.key()) {
            self.lin.insert(String::from(op.op.key()), KeyHistory::default());
        }
        let key = self.lin.get_mut(op.op.key()).expect("inserted above");
        key.ops.push(op);
        key.dirty = true;
    }

    /// Client `client`'s operation on `key` returned at `now` (`result`: the
    /// value a get read, `None` for absent; ignored for a put).
    pub fn on_client_return(&mut self, client: u64, key: &str, now: u64, result: Option<String>) {
        let Some(history) = self.lin.get_mut(key) else { return };
        // In flight operations sit at the end: search from there.
        if let Some(op) = history.ops.iter_mut().rev().find(|o| o.client == client) {
            op.returned_ms = Some(now);
            if let OpKind::Get { result: r, .. } = &mut op.op {
                *r = result;
            }
            history.dirty = true;
        }
    }

    /// Would a linearizability check be news (some key changed, nothing reported yet)?
    pub fn history_changed(&self) -> bool {
        !self.reported.contains(&Invariant::Linearizability) && self.lin.values().any(|k| k.dirty)
    }

    /// Operations the linearizability check still holds (settled prefixes
    /// collapsed): a measure of its memory.
    pub fn history_held(&self) -> usize {
        self.lin.values().map(|k| k.ops.len()).sum()
    }

    /// Check every key whose history changed since its last decided check,
    /// in key order, and settle what can be settled. With `max_steps`, the
    /// search gives up after about that many steps in all (for a viewer that
    /// must stay responsive); an undecided key stays to be checked again.
    pub fn check_linearizability(&mut self, now: u64, max_steps: Option<u64>) -> Option<Violation> {
        if !self.history_changed() {
            return None;
        }
        let mut budget = max_steps.unwrap_or(u64::MAX);
        let mut found = None;
        for history in self.lin.values_mut().filter(|k| k.dirty) {
            let outcome = if max_steps.is_none() {
                match linearizability::check(&history.ops) {
                    Ok(()) => Outcome::Linearizable,
                    Err(v) => Outcome::NotLinearizable(v),
                }
            } else if budget == 0 {
                Outcome::Unknown
            } else {
                // Each key may use what is left. The search does not say how
                // much it used, so charge a decided key a typical few steps
                // per operation, and an undecided one everything.
                let outcome = linearizability::check_bounded(&history.ops, budget);
                let used = if outcome == Outcome::Unknown { budget } else { 1 + history.ops.len() as u64 * 4 };
                budget = budget.saturating_sub(used);
                outcome
            };
            match outcome {
                Outcome::Linearizable => {
                    history.dirty = false;
                    history.settle(now);
                }
                Outcome::NotLinearizable(v) => {
                    history.dirty = false;
                    found = Some(v);
                    break;
                }
                Outcome::Unknown => {}
            }
        }
        let v = found?;
        self.report(now, Invariant::Linearizability, format!("key {}: {}", v.key, v.message))
    }
}

/// A history only grows: operations are added and return. So (operations +
/// returned operations) changes whenever the history does.
pub fn history_size(history: &[Operation]) -> usize {
    history.len() + history.iter().filter(|o| o.returned_ms.is_some()).count()
}

/// A leader's decision to commit through `to` (of `term`), with the
/// configuration it was using at that instant and where its log ended.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitDecision {
    pub to: Index,
    pub term: Term,
    pub end: Index,
    pub config: Membership,
}

/// The commits leader `id` decided in one `Ready`'s `events`, read against its
/// state right after it handed that `Ready` out (see [`Checker::on_ready_events`]).
pub fn commit_decisions(id: NodeId, events: &[CoreEvent], nodes: &BTreeMap<NodeId, Node>) -> Vec<CommitDecision> {
    let mut out = Vec::new();
    let Some(node) = nodes.get(&id) else { return out };
    let Some(raw) = &node.raw else { return out };
    for (k, ev) in events.iter().enumerate() {
        let CoreEvent::CommitAdvanced { to, .. } = *ev else { continue };
        // Followers learn commits from their leader; only a leader counts.
        if role_at(events, k, raw.role()) != Role::Leader {
            continue;
        }
        let Some(term) = node.term_at(to) else { continue };
        let (snap, entries) = node.log();
        let end = log_end_at(events, k, raw.last_index());
        // The latest configuration, unless a config entry was appended
        // after `end` (then fold the log up to `end`). Only the newest
        // entries are looked at, so the cost does not grow with the log.
        let appended_later =
            entries.iter().rev().take_while(|e| e.index > end).any(|e| matches!(e.kind, EntryKind::Config(_)));
        let config = if appended_later {
            membership_at(snap, &node.initial_voters, entries, end)
        } else {
            raw.status().membership
        };
        out.push(CommitDecision { to, term, end, config });
    }
    out
}

/// Is the entry on a quorum of `m` — a majority of its voters, and of its
/// outgoing voters too while it is joint (thesis §4.3)? `Err` says who holds it.
fn committed_on_quorum(m: &Membership, holds: impl Fn(&NodeId) -> bool) -> Result<(), String> {
    let mut why = String::new();
    for (name, set) in [("voters", &m.voters), ("outgoing voters", &m.voters_outgoing)] {
        if set.is_empty() {
            continue;
        }
        let holders: Vec<NodeId> = set.iter().copied().filter(|v| holds(v)).collect();
        if holders.len() * 2 <= set.len() {
            if !why.is_empty() {
                why.push_str(" and ");
            }
            why.push_str(&format!(
                "only {} of the {} {} {:?} persisted it ({:?})",
                holders.len(),
                set.len(),
                name,
                set,
                holders
            ));
        }
    }
    if m.voters.is_empty() {
        why.push_str("its configuration has no voters");
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why)
    }
}

/// Where a leader's log ended when it made the decision at `events[k]`: the
/// end of the last append before it in this Ready; without one, the log as it
/// was before this Ready's first append; without any, the log as it is now.
/// (Every change to a log emits an event, and a leader only appends.)
fn log_end_at(events: &[CoreEvent], k: usize, last_index_now: Index) -> Index {
    let appended = |e: &CoreEvent| match e {
        CoreEvent::EntriesAppended { first_index, last_index } => Some((*first_index, *last_index)),
        _ => None,
    };
    if let Some((_, last)) = events[..k].iter().rev().find_map(appended) {
        return last;
    }
    events[k..].iter().find_map(appended).map_or(last_index_now, |(first, _)| first - 1)
}

/// The role a node had when it made the decision at `events[k]`: what the
/// next role change after it changed *from*, or its role now.
fn role_at(events: &[CoreEvent], k: usize, role_now: Role) -> Role {
    events[k..]
        .iter()
        .find_map(|e| match e {
            CoreEvent::RoleChanged { from, .. } => Some(*from),
            _ => None,
        })
        .unwrap_or(role_now)
}

/// Does this durable storage hold entry `index` with `term` (or a snapshot past it)?
fn persisted_has(storage: &PersistentState, index: Index, term: Term) -> bool {
    let snap_index = storage.snapshot.as_ref().map_or(0, |s| s.last_included_index);
    if index <= snap_index {
        return true;
    }
    term_in(storage.snapshot.as_ref(), &storage.entries, index) == Some(term)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::{HardState, Snapshot};

    fn vote(from: NodeId, to: NodeId, term: Term) -> Message {
        Message {
            from,
            to,
            term,
            body: MessageBody::RequestVoteResponse { pre_vote: false, vote_granted: true, reason: None },
        }
    }

    /// The window behaves as the `BTreeMap` it replaced: random inserts near
    /// the newest index and below the base, prunes, lookups, in-order iteration.
    #[test]
    fn index_window_matches_a_btree_map() {
        let mut w: IndexWindow<u64> = IndexWindow::default();
        let mut m: BTreeMap<Index, u64> = BTreeMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut top: Index = 1;
        for step in 0..5_000u64 {
            let r = next();
            match r % 10 {
                0 => {
                    // Prune below somewhere in the newest 64 indexes (maybe above the top).
                    let floor = top.saturating_sub(r >> 8 & 63) + (r >> 20 & 1) * 70;
                    w.forget_below(floor);
                    m = m.split_off(&floor);
                }
                1 => {
                    // An index below what was pruned (a node behind the others).
                    let i = top.saturating_sub(80 + (r >> 8 & 31)).max(1);
                    w.insert(i, step);
                    m.insert(i, step);
                }
                _ => {
                    let i = top.saturating_sub(r >> 8 & 7) + (r >> 16 & 3);
                    top = top.max(i);
                    w.insert(i, step);
                    m.insert(i, step);
                }
            }
            let probe = top.saturating_sub(r >> 24 & 127);
            assert_eq!(w.get(probe), m.get(&probe), "step {step}: get({probe})");
            if let Some(v) = w.get_mut(probe) {
                *v += 1;
                *m.get_mut(&probe).expect("the map holds it too") += 1;
            }
        }
        assert!(w.iter().eq(m.iter().map(|(&i, v)| (i, v))), "same indexes, same values, same order");
    }

    #[test]
    fn a_vote_granted_before_it_is_durable_is_caught() {
        let mut c = Checker::default();
        let durable =
            PersistentState { hard_state: HardState { current_term: 2, voted_for: Some(1) }, ..Default::default() };
        assert!(c.on_send(5, 2, &durable, &vote(2, 1, 2)).is_none(), "durable vote for n1: fine");
        // A later durable term supersedes a late grant of an earlier term.
        assert!(c.on_send(5, 2, &durable, &vote(2, 3, 1)).is_none());
        let v = c.on_send(6, 2, &durable, &vote(2, 3, 2)).expect("vote for n3 was never persisted");
        assert_eq!(v.invariant, "persist-before-send");
        assert_eq!(v.time_ms, 6);
        // Reported once.
        assert!(c.on_send(7, 2, &durable, &vote(2, 3, 2)).is_none());
    }

    #[test]
    fn an_acknowledgement_beyond_the_durable_log_is_caught() {
        let mut c = Checker::default();
        let durable = PersistentState {
            hard_state: HardState { current_term: 1, voted_for: None },
            snapshot: Some(Snapshot { last_included_index: 3, last_included_term: 1, ..Default::default() }),
            entries: alloc::vec![Entry { term: 1, index: 4, kind: EntryKind::Noop }].into(),
        };
        let ack = |m| Message {
            from: 2,
            to: 1,
            term: 1,
            body: MessageBody::AppendEntriesResponse {
                success: true,
                match_index: m,
                conflict: None,
                reason: None,
                read_ctx: 0,
            },
        };
        assert!(c.on_send(1, 2, &durable, &ack(4)).is_none());
        assert!(c.on_send(1, 2, &durable, &ack(5)).is_some());
    }

    fn put(client: u64, value: &str, t: (u64, u64)) -> Operation {
        Operation {
            client,
            op: OpKind::Put { key: "x".into(), value: value.into() },
            invoked_ms: t.0,
            returned_ms: Some(t.1),
        }
    }

    fn get(client: u64, result: Option<&str>, t: (u64, u64)) -> Operation {
        Operation {
            client,
            op: OpKind::Get { key: "x".into(), result: result.map(Into::into) },
            invoked_ms: t.0,
            returned_ms: Some(t.1),
        }
    }

    fn feed(c: &mut Checker, op: Operation) {
        let returned = op.returned_ms;
        let result = match &op.op {
            OpKind::Get { result, .. } => result.clone(),
            _ => None,
        };
        let client = op.client;
        c.on_client_invoke(Operation { returned_ms: None, ..op });
        if let Some(t) = returned {
            c.on_client_return(client, "x", t, result);
        }
    }

    #[test]
    fn a_settled_prefix_is_collapsed_and_a_stale_read_after_it_is_still_caught() {
        let mut c = Checker::default();
        for i in 0..100u64 {
            feed(&mut c, put(2 * i + 1, &format!("v{i}"), (10 * i, 10 * i + 5)));
            feed(&mut c, get(2 * i + 2, Some(&format!("v{i}")), (10 * i + 6, 10 * i + 8)));
            assert!(c.check_linearizability(10 * i + 9, Some(10_000)).is_none());
        }
        assert!(c.history_held() <= 2, "sequential history settles: {} held", c.history_held());
        // Overlapping writes: nothing after them settles until one is forced last.
        feed(&mut c, put(300, "a", (2000, 2010)));
        feed(&mut c, put(301, "b", (2001, 2009)));
        assert!(c.check_linearizability(2011, Some(10_000)).is_none());
        // A read of the value written long ago (settled away) is stale.
        feed(&mut c, get(302, Some("v98"), (2020, 2021)));
        let v = c.check_linearizability(2022, None).expect("stale read across a settled prefix");
        assert_eq!(v.invariant, "linearizability");
    }

    #[test]
    fn concurrent_writes_leave_either_value_possible() {
        let mut c = Checker::default();
        feed(&mut c, put(1, "a", (0, 10)));
        feed(&mut c, put(2, "b", (1, 9)));
        // No operation is forced last, so nothing settles; both reads are fine.
        feed(&mut c, get(3, Some("a"), (20, 21)));
        assert!(c.check_linearizability(22, None).is_none());
        let mut d = Checker::default();
        feed(&mut d, put(1, "a", (0, 10)));
        feed(&mut d, put(2, "b", (1, 9)));
        feed(&mut d, get(3, Some("b"), (20, 21)));
        assert!(d.check_linearizability(22, None).is_none());
    }

    #[test]
    fn a_commit_is_judged_where_the_log_ended_at_that_instant() {
        use raft_core::RoleChangeReason;
        let appended = |a, b| CoreEvent::EntriesAppended { first_index: a, last_index: b };
        let commit = |to| CoreEvent::CommitAdvanced { from: 0, to };
        // Commit 6, then append the joint configuration at 9: the log ended at 8.
        let evs = [appended(7, 8), commit(6), appended(9, 9)];
        assert_eq!(log_end_at(&evs, 1, 9), 8);
        // No append before the commit in this Ready: the log as it was before it.
        let evs = [commit(6), appended(9, 9)];
        assert_eq!(log_end_at(&evs, 0, 9), 8);
        assert_eq!(log_end_at(&[commit(6)], 0, 7), 7);
        // The role when deciding: a leader that steps down after committing.
        let step_down = CoreEvent::RoleChanged {
            from: Role::Leader,
            to: Role::Follower,
            term: 3,
            reason: RoleChangeReason::LostQuorum,
        };
        assert_eq!(role_at(&[commit(6), step_down], 0, Role::Follower), Role::Leader);
        assert_eq!(role_at(&[commit(6)], 0, Role::Follower), Role::Follower);
    }

    #[test]
    fn a_quorum_of_a_joint_configuration_needs_both_halves() {
        let joint =
            Membership { voters: alloc::vec![1, 4, 5], voters_outgoing: alloc::vec![1, 2, 3], learners: alloc::vec![] };
        assert!(committed_on_quorum(&joint, |v| [1, 2, 4].contains(v)).is_ok());
        let why = committed_on_quorum(&joint, |v| [1, 4, 5].contains(v)).unwrap_err();
        assert!(why.contains("only 1 of the 3 outgoing voters"), "{why}");
        let with_learner =
            Membership { voters: alloc::vec![1, 2, 3], voters_outgoing: alloc::vec![], learners: alloc::vec![4] };
        assert!(committed_on_quorum(&with_learner, |v| [1, 4].contains(v)).is_err(), "a learner never counts");
    }

    #[test]
    fn different_commands_at_one_index_and_term_break_log_matching() {
        let mut c = Checker::default();
        let a = Entry { term: 2, index: 1, kind: EntryKind::Command(b"put x 1 1#1".as_slice().into()) };
        let b = Entry { term: 2, index: 1, kind: EntryKind::Command(b"put x 2 2#1".as_slice().into()) };
        let mut s = PersistentState::default();
        s.entries.push(a.clone());
        assert!(c.on_persist(1, 1, &s, &[a]).is_empty());
        s.entries.set(0, b.clone());
        let v = c.on_persist(2, 2, &s, &[b]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].invariant, "log-matching");
    }
}

// ---------------------------------------------------------------------------
// etcd (issue 11): the store's revisions, watches and leases.

/// Changes of one revision as the first server to apply it made them.
type RevisionChanges = Vec<(String, Option<String>)>;

/// Revisions the checker remembers (the newest), to compare servers and watchers.
pub const CHECKED_REVISIONS: usize = 4096;

/// How late (ms) a leader may notice that a lease's TTL has passed: it
/// looks every millisecond, so this is slack, not a design figure.
pub const LEASE_NOTICE_MS: u64 = 1;

#[derive(Clone, Debug, Default, PartialEq)]
struct EtcdChecks {
    /// (revision, position) → a change, as first applied (same-revisions,
    /// watch-events): the store's own history type, so no new map code.
    revisions: SharedMap<(u64, u32), crate::kv::Change>,
    /// Revisions up to this one were dropped from `revisions`.
    revisions_pruned: u64,
    /// (log index of a write, 0) → (the revision it brought its store to,
    /// the first server): the key and value types of `took_effect`, so
    /// again no new map code in the wasm.
    index_revision: SharedMap<(Index, NodeId), (u64, u64)>,
    /// Watcher → (prefix, the revision its next event may have at the earliest).
    watches: SmallMap<String, (String, u64)>,
    /// (server, lease) → when that server last (re)started the lease's TTL:
    /// granted, renewed by a keep-alive, or refreshed on becoming leader.
    lease_start: SmallMap<(NodeId, String), u64>,
    /// Server → when it last became leader.
    leader_since: SmallMap<NodeId, u64>,
    /// (leader, lease) → when it proposed the expiry.
    expiry_proposed: SmallMap<(NodeId, String), u64>,
}

/// A txn comparison as the register model sees it (`None`: it cannot).
fn txn_expect(compare: &crate::kv::Compare) -> Option<linearizability::Expect> {
    use crate::kv::Compare;
    use linearizability::Expect;
    match compare {
        Compare::ValueEq { value, .. } => Some(Expect::Is(Some(value.clone()))),
        Compare::Absent { .. } => Some(Expect::Is(None)),
        Compare::ModEq { .. } => None,
    }
}

impl Checker {
    /// The per-key operations an etcd command stands for in the register
    /// model (linearizability is per key): a delete writes "absent"; a
    /// range reads each key under its prefix; a txn is a compare-and-write
    /// on its compared key and a plain write on another key it writes.
    /// `result`: the answer, once returned.
    fn etcd_ops(&self, cmd: &crate::kv::KvCommand, result: Option<&str>) -> Vec<OpKind> {
        use crate::kv::KvCommand;
        use linearizability::Expect;
        match cmd {
            KvCommand::Delete { key, .. } => alloc::vec![OpKind::Delete { key: key.clone() }],
            KvCommand::PutLease { key, value, .. } => match result {
                Some(r) if r.starts_with("error") => Vec::new(),
                _ => alloc::vec![OpKind::Put { key: key.clone(), value: value.clone() }],
            },
            KvCommand::Range { prefix, .. } => {
                // A sorted, deduplicated Vec rather than a BTreeSet<String>:
                // one more B-tree type is kilobytes of wasm.
                let mut keys: Vec<String> =
                    self.lin.keys().filter(|k| k.starts_with(prefix.as_str())).cloned().collect();
                let pairs = result.and_then(crate::kv::parse_range_result).map(|(_, p)| p);
                if let Some(pairs) = &pairs {
                    keys.extend(pairs.iter().map(|(k, _)| k.clone()));
                }
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter()
                    .map(|key| {
                        let result =
                            pairs.as_ref().and_then(|p| p.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()));
                        OpKind::Get { key, result }
                    })
                    .collect()
            }
            KvCommand::Txn { compare, then, otherwise, .. } => {
                let branch = match result {
                    Some("then") => Some(true),
                    Some("else") => Some(false),
                    Some(_) => return Vec::new(), // an error: nothing written
                    None => None,
                };
                let key = compare.key();
                let on_key = |op: Option<&crate::kv::TxnOp>| crate::etcd::txn_write(op.filter(|o| o.key() == key));
                // The comparison itself; `branch` says which way it went.
                let expect = txn_expect(compare).unwrap_or(Expect::Any);
                let cas = |branch| OpKind::Cas {
                    key: String::from(key),
                    expect: expect.clone(),
                    then: on_key(Some(then)),
                    otherwise: on_key(otherwise.as_ref()),
                    branch,
                };
                let mut out = match (branch, &expect) {
                    // A comparison the register cannot see, not answered yet:
                    // either branch may have run. Two optional operations (both
                    // pending) allow for either.
                    (None, Expect::Any) => alloc::vec![cas(Some(true)), cas(Some(false))],
                    _ => alloc::vec![cas(branch)],
                };
                // A write to another key: a plain write, when it (may have) happened.
                for (op, taken) in [(Some(then), branch != Some(false)), (otherwise.as_ref(), branch != Some(true))] {
                    let Some(op) = op.filter(|o| o.key() != key && taken) else { continue };
                    out.push(match op {
                        crate::kv::TxnOp::Put { key, value, .. } => {
                            OpKind::Put { key: key.clone(), value: value.clone() }
                        }
                        crate::kv::TxnOp::Delete { key } => OpKind::Delete { key: key.clone() },
                    });
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// A client invoked an etcd command: its per-key operations join the
    /// histories, pending.
    pub fn on_etcd_invoke(&mut self, client: u64, now: u64, cmd: &crate::kv::KvCommand) {
        for op in self.etcd_ops(cmd, None) {
            self.on_client_invoke(Operation { client, op, invoked_ms: now, returned_ms: None });
        }
    }

    /// The etcd command of `client` (invoked at `invoked`) returned `result`.
    pub fn on_etcd_return(
        &mut self,
        client: u64,
        invoked: u64,
        now: u64,
        cmd: &crate::kv::KvCommand,
        result: Option<&str>,
    ) {
        let ops = self.etcd_ops(cmd, result);
        // The pending parts give way to the answered ones (a part may go: an
        // error wrote nothing; or come: a key the range found that the
        // checker had not seen at invocation), in invocation order.
        for history in self.lin.values_mut() {
            let before = history.ops.len();
            history.ops.retain(|o| o.client != client);
            history.dirty |= history.ops.len() != before;
        }
        for op in ops {
            let history = self.lin.entry(String::from(op.key())).or_default();
            history.dirty = true;
            let at = history.ops.iter().position(|o| o.invoked_ms > invoked).unwrap_or(history.ops.len());
            history.ops.insert(at, Operation { client, op, invoked_ms: invoked, returned_ms: Some(now) });
        }
    }

    /// Same revisions: server `id` applied a command that moved its store
    /// from `revision_before` to `kv.revision`. Every server must make the
    /// same changes at each revision, one revision at a time. The first
    /// server to apply a revision that ended a lease also tells the
    /// linearizability check about the deletes (they have no client).
    pub fn on_revision(
        &mut self,
        now: u64,
        id: NodeId,
        index: Index,
        revision_before: u64,
        kv: &crate::kv::Kv,
        lease_end: bool,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let rev = kv.revision;
        // The same log index must bring every server to the same revision.
        match self.etcd.index_revision.get(&(index, 0)) {
            Some((first_rev, first)) if *first_rev != rev => {
                let message = format!(
                    "n{id} reached revision {rev} by applying log index {index}, where n{first} reached revision {first_rev}"
                );
                out.extend(self.report(now, Invariant::SameRevisions, message));
            }
            Some(_) => {}
            None => {
                self.etcd.index_revision.insert((index, 0), (rev, id));
                while self.etcd.index_revision.len() > CHECKED_REVISIONS {
                    self.etcd.index_revision.pop_first();
                }
            }
        }
        if rev != revision_before + 1 {
            out.extend(self.report(
                now,
                Invariant::SameRevisions,
                format!("n{id} went from revision {revision_before} to {rev} in one command"),
            ));
        }
        // Compared in place: copies of the changes are made only for a
        // violation's message (this runs for every command on every server).
        match self.same_as_reference(rev, kv) {
            Some(false) => {
                let changes: RevisionChanges = kv.changes_at(rev).map(|c| (c.key.clone(), c.value.clone())).collect();
                let first = self.reference_at(rev).unwrap_or_default();
                let message = format!(
                    "n{id} made different changes at revision {rev}: {:?}, where another server made {:?}",
                    changes, first
                );
                out.extend(self.report(now, Invariant::SameRevisions, message));
            }
            Some(true) => {}
            None => {
                if lease_end {
                    for c in kv.changes_at(rev) {
                        let op = OpKind::Delete { key: c.key.clone() };
                        self.on_client_invoke(Operation { client: 0, op, invoked_ms: now, returned_ms: Some(now) });
                    }
                }
                for (i, c) in kv.changes_at(rev).enumerate() {
                    self.etcd.revisions.insert((rev, i as u32), c.clone());
                }
                // Keep about CHECKED_REVISIONS changes, dropping whole revisions.
                while self.etcd.revisions.len() > CHECKED_REVISIONS {
                    let Some(((oldest, _), _)) = self.etcd.revisions.pop_first() else { break };
                    self.etcd.revisions_pruned = self.etcd.revisions_pruned.max(oldest);
                    while self.etcd.revisions.keys().next().is_some_and(|(r, _)| *r == oldest) {
                        self.etcd.revisions.pop_first();
                    }
                }
            }
        }
        out
    }

    /// Did `kv` make the same changes at `rev` as the server that applied it
    /// first? `None` if that is not recorded (not applied yet, or pruned).
    fn same_as_reference(&self, rev: u64, kv: &crate::kv::Kv) -> Option<bool> {
        if rev <= self.etcd.revisions_pruned {
            return None;
        }
        let mut first = self.etcd.revisions.iter_from((rev, 0)).take_while(|((r, _), _)| *r == rev).peekable();
        first.peek()?;
        let same = first.map(|(_, c)| (&c.key, &c.value)).eq(kv.changes_at(rev).map(|c| (&c.key, &c.value)));
        Some(same)
    }

    /// The changes made at `rev` as first applied; `None` if not recorded
    /// (not applied yet, or pruned).
    fn reference_at(&self, rev: u64) -> Option<RevisionChanges> {
        if rev <= self.etcd.revisions_pruned {
            return None;
        }
        let changes: RevisionChanges = self
            .etcd
            .revisions
            .iter_from((rev, 0))
            .take_while(|((r, _), _)| *r == rev)
            .map(|(_, c)| (c.key.clone(), c.value.clone()))
            .collect();
        (!changes.is_empty()).then_some(changes)
    }

    /// A watch starts streaming at revision `from`.
    pub fn on_watch_start(&mut self, name: &str, prefix: &str, from: u64) {
        self.etcd.watches.insert(String::from(name), (String::from(prefix), from));
    }

    /// Watch events: watcher `name` received `events`, which its server
    /// says are every change under its prefix up to revision `to`. They must
    /// be exactly the changes under the prefix from the revision after its
    /// previous batch through `to`, in revision order: no gap, no repeat.
    pub fn on_watch_events(
        &mut self,
        now: u64,
        name: &str,
        to: u64,
        events: &[crate::etcd::WatchEvent],
    ) -> Vec<Violation> {
        let Some((prefix, next)) = self.etcd.watches.get(name).cloned() else { return Vec::new() };
        let mut expected: Vec<(u64, String, Option<String>)> = Vec::new();
        let mut known = true;
        for rev in next..=to {
            match self.reference_at(rev) {
                Some(changes) => expected.extend(
                    changes
                        .iter()
                        .filter(|(k, _)| k.starts_with(prefix.as_str()))
                        .map(|(k, v)| (rev, k.clone(), v.clone())),
                ),
                None => known = false,
            }
        }
        self.etcd.watches.insert(String::from(name), (prefix, next.max(to + 1)));
        let got: Vec<(u64, String, Option<String>)> =
            events.iter().map(|e| (e.revision, e.key.clone(), e.value.clone())).collect();
        if !known || got == expected {
            return Vec::new();
        }
        let show = |list: &[(u64, String, Option<String>)]| -> String {
            let parts: Vec<String> = list
                .iter()
                .map(|(r, k, v)| match v {
                    Some(v) => format!("{r}:put {k}={v}"),
                    None => format!("{r}:delete {k}"),
                })
                .collect();
            if parts.is_empty() {
                String::from("nothing")
            } else {
                parts.join(", ")
            }
        };
        let message = format!(
            "watch {name} received {} for revisions {next}..={to}, but the changes under its prefix were {}",
            show(&got),
            show(&expected)
        );
        self.report(now, Invariant::WatchEvents, message).into_iter().collect()
    }

    /// Server `node` became leader at `now`: its leases' TTLs start again.
    pub fn on_lease_promote(&mut self, node: NodeId, now: u64) {
        self.etcd.leader_since.insert(node, now);
    }

    /// Server `node` granted (applied) or renewed `lease` at `now`.
    pub fn on_lease_renewed(&mut self, node: NodeId, lease: &str, now: u64) {
        self.etcd.lease_start.insert((node, String::from(lease)), now);
    }

    /// When `lease`'s TTL started on `node` as the checker counts it.
    fn lease_started(&self, node: NodeId, lease: &str) -> u64 {
        let renewed = self.etcd.lease_start.get(&(node, String::from(lease))).copied().unwrap_or(0);
        renewed.max(self.etcd.leader_since.get(&node).copied().unwrap_or(0))
    }

    /// Lease TTL (early side): leader `node` proposes to expire `lease`; its
    /// TTL must have passed since the later of its grant or last renewal on
    /// this server and this server's becoming leader.
    pub fn on_lease_expire_proposed(&mut self, now: u64, node: NodeId, lease: &str, ttl: u64) -> Vec<Violation> {
        self.etcd.expiry_proposed.insert((node, String::from(lease)), now);
        let started = self.lease_started(node, lease);
        if now >= started + ttl {
            return Vec::new();
        }
        let message = format!(
            "n{node} expired lease {lease} at {now} ms, but its TTL of {ttl} ms started at {started} ms on n{node}"
        );
        self.report(now, Invariant::LeaseTtl, message).into_iter().collect()
    }

    /// Lease TTL (late side): on the leader, no alive lease is past its TTL by
    /// more than [`LEASE_NOTICE_MS`] without an expiry proposed since. (The
    /// rest of the bound — committing and applying that entry — is the
    /// cluster's commit latency: docs/invariants.md.)
    pub fn check_lease_bound(&mut self, now: u64, leader: NodeId, node: &Node) -> Vec<Violation> {
        let mut out = Vec::new();
        for (name, lease) in node.kv.leases.iter().filter(|(_, l)| l.state == crate::kv::LeaseState::Alive) {
            let started = self.lease_started(leader, name);
            let deadline = started + lease.ttl_ms;
            let proposed = self.etcd.expiry_proposed.get(&(leader, name.clone())).is_some_and(|at| *at >= deadline);
            if now > deadline + LEASE_NOTICE_MS && !proposed {
                let message = format!(
                    "leader n{leader} keeps lease {name} alive at {now} ms, past its TTL ({} ms from {started} ms)",
                    lease.ttl_ms
                );
                out.extend(self.report(now, Invariant::LeaseTtl, message));
            }
        }
        out
    }
}
