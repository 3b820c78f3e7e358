//! The world: nodes (each a `raft_core::RawNode` plus its durable storage and
//! its key-value state machine), the simulated clock, the network, clients,
//! the trace and the invariant checker. A plain value: `Clone` it to
//! checkpoint, compare it with `==`, restore it by assignment.
//!
//! One step is one simulated millisecond:
//! 1. deliver the messages due now (in delivery-time, then id, order);
//! 2. tick every up node;
//! 3. drain each node's `Ready` (persist → send → install/apply → serve reads
//!    → advance), exactly as raft-core's `ready.rs` prescribes;
//! 4. let clients act (propose, read, retry), and drain again;
//! 5. check the invariants.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{
    Config, CoreEvent, Entry, EntryKind, Index, LogEntries, NodeId, PersistentState, RawNode, ReadMode as CoreReadMode,
    ReadState, Role, Snapshot, Status, Term,
};

use crate::client::Clients;
use crate::disk::{Disk, DiskSettings, Held, Placement};
use crate::invariants::{commit_decisions, Checker};
use crate::kv::{Kv, KvCommand, Lessor};
use crate::metrics::Metrics;
use crate::network::{Arrival, InFlight, Network};
use crate::rng::{mix, Rng};
use crate::scenario::ast::{ReadMode, Setup};
use crate::trace::{CoreRecord, EventKind, Trace};

/// Search budget of the once-a-second linearizability check in `step`: small,
/// so a key whose operations overlap without pause (nothing settles) costs a
/// bounded amount per second; it is decided when it settles or at the end.
const PERIODIC_LINEARIZABILITY_STEPS: u64 = 5_000;

pub use crate::MAX_NODES;

/// One server: its Raft state machine when up, what it has persisted, and its
/// (volatile) key-value state machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    /// `None` while crashed.
    pub raw: Option<RawNode>,
    /// Durable storage: survives crashes; maintained per the `Ready` contract.
    pub storage: PersistentState,
    /// The applied state machine (volatile: rebuilt from snapshot + log on restart).
    pub kv: Kv,
    /// Index of the last entry applied to `kv`.
    pub applied: Index,
    /// Counts restarts; mixed into the election-timer seed so a restarted node
    /// does not replay the same timeouts.
    pub incarnation: u64,
    /// The bootstrap configuration this node was created with.
    pub initial_voters: Vec<NodeId>,
    /// Reads confirmed by the leader, waiting for `applied >= index`.
    pub reads: Vec<ReadState>,
    /// Writes of `storage` in progress (crate::disk); always idle with an instant disk.
    pub disk: Disk,
    /// The commit index as far as it has taken effect: the last entry handed
    /// out for applying by a Ready whose write is complete (the core's commit
    /// index may be ahead while the disk writes).
    pub commit_released: Index,
    /// etcd lease deadlines as this server sees them (volatile; crate::kv::lease).
    pub lessor: Lessor,
}

impl Node {
    pub fn is_up(&self) -> bool {
        self.raw.is_some()
    }

    /// The log as this node holds it: in memory when up, else as persisted.
    pub fn log(&self) -> (Option<&Snapshot>, &LogEntries) {
        match &self.raw {
            Some(raw) => (raw.snapshot(), raw.entries()),
            None => (self.storage.snapshot.as_ref(), &self.storage.entries),
        }
    }

    /// The term of the entry at `index` in this node's log, if known.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        let (snap, entries) = self.log();
        term_in(snap, entries, index)
    }
}

/// The term at `index` in a log made of `snap` followed by `entries`.
pub fn term_in(snap: Option<&Snapshot>, entries: &LogEntries, index: Index) -> Option<Term> {
    let snap_index = snap.map_or(0, |s| s.last_included_index);
    if index == 0 {
        return Some(0);
    }
    if index == snap_index {
        return snap.map(|s| s.last_included_term);
    }
    entry_in(entries, index).map(|e| e.term)
}

/// The entry at `index` in a contiguous run of entries, if held.
pub fn entry_in(entries: &LogEntries, index: Index) -> Option<&Entry> {
    let first = entries.first()?.index;
    if index < first {
        return None;
    }
    let e = entries.get((index - first) as usize)?;
    if e.index == index {
        Some(e)
    } else {
        entries.iter().find(|e| e.index == index)
    }
}

/// How an entry reads in the page and in `--json` logs: `noop`, `put x 1`,
/// `config +learner n6`.
pub fn describe_entry(kind: &EntryKind) -> String {
    match kind {
        EntryKind::Noop => "noop".to_string(),
        EntryKind::Command(data) => match KvCommand::decode(data) {
            Some(cmd) => cmd.display(),
            None => String::from_utf8_lossy(data).into_owned(),
        },
        EntryKind::Config(change) => {
            use raft_core::ConfigChange::*;
            match change {
                AddLearner(n) => format!("config +learner n{}", n),
                PromoteVoter(n) => format!("config +voter n{}", n),
                Remove(n) => format!("config -n{}", n),
                EnterJoint(vs) => {
                    let names: Vec<String> = vs.iter().map(|v| format!("n{}", v)).collect();
                    format!("config joint {}", names.join(" "))
                }
                LeaveJoint => "config leave-joint".to_string(),
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct World {
    pub setup: Setup,
    /// Simulated time in ms.
    pub now: u64,
    pub rng: Rng,
    /// Every node that exists (ids 1..=15), up or down.
    pub nodes: BTreeMap<NodeId, Node>,
    pub network: Network,
    pub clients: Clients,
    pub trace: Trace,
    pub checker: Checker,
    /// What the run costs (latencies, rates, elections): observes, never acts.
    pub metrics: Metrics,
    /// `set disk-latency`, `set group-commit` (crate::disk).
    pub disk: DiskSettings,
    /// Draws disk latencies, apart from `rng` so that an instant disk (which
    /// never draws) leaves every other draw, and so every trace, as before.
    pub disk_rng: Rng,
    /// etcd's lease keep-alive clients and watchers (crate::etcd).
    pub etcd: crate::etcd::Etcd,
}

impl World {
    /// A fresh cluster `n1..nN` as `setup` describes, at time 0.
    ///
    /// The parser has already checked the setup (`validate_setup`); raft-core
    /// refuses a nonsensical one rather than adjusting it.
    pub fn new(setup: &Setup) -> World {
        let mut world = World {
            setup: setup.clone(),
            now: 0,
            rng: Rng::new(mix(setup.seed ^ 0x5E_ED0F_0AF7)),
            nodes: BTreeMap::new(),
            network: Network::new(),
            clients: Clients::default(),
            trace: Trace::new(false),
            checker: Checker::default(),
            metrics: Metrics::default(),
            disk: DiskSettings::default(),
            disk_rng: Rng::new(mix(setup.seed ^ 0xD15C_0000_F5C7)),
            etcd: crate::etcd::Etcd::default(),
        };
        let n = (setup.cluster as NodeId).clamp(1, MAX_NODES);
        let voters: Vec<NodeId> = (1..=n).collect();
        for id in 1..=n {
            world.create_node(id, voters.clone());
        }
        world
    }

    fn config(&self, id: NodeId, initial_voters: Vec<NodeId>, incarnation: u64) -> Config {
        let seed = mix(mix(self.setup.seed).wrapping_add(id * 1_000_003 + incarnation));
        core_config(&self.setup, id, initial_voters, seed)
    }

    fn create_node(&mut self, id: NodeId, initial_voters: Vec<NodeId>) {
        let raw = RawNode::new(self.config(id, initial_voters.clone(), 0));
        self.nodes.insert(
            id,
            Node {
                id,
                raw: Some(raw),
                storage: PersistentState::default(),
                kv: Kv::new(),
                applied: 0,
                incarnation: 0,
                initial_voters,
                reads: Vec::new(),
                disk: Disk::default(),
                commit_released: 0,
                lessor: Lessor::default(),
            },
        );
    }

    /// The bootstrap configuration `n1..nN` every server of this world starts from.
    pub fn genesis_voters(&self) -> Vec<NodeId> {
        (1..=(self.setup.cluster as NodeId).clamp(1, MAX_NODES)).collect()
    }

    /// Create `nK` for a membership change, unless it exists. Returns whether
    /// it was created.
    ///
    /// The new server is given the cluster's *bootstrap* configuration (like
    /// etcd's `--initial-cluster`), not an empty one: it is not a voter there,
    /// so it waits for a leader and never campaigns on its own, but when it
    /// replays the log from index 1 the configuration changes apply to the
    /// right base. With an empty base it would derive a wrong voter set from
    /// the changes alone (e.g. `{n6}` after `add n6`), and once it compacted
    /// its log it could win an election by itself (found by tests/random.rs).
    pub fn add_node(&mut self, id: NodeId) -> Result<bool, String> {
        if id == 0 || id > MAX_NODES {
            return Err(format!("n{} is outside n1..n{}", id, MAX_NODES));
        }
        if self.nodes.contains_key(&id) {
            return Ok(false);
        }
        self.create_node(id, self.genesis_voters());
        self.emit(EventKind::NodeAdded { node: id });
        Ok(true)
    }

    pub fn emit(&mut self, kind: EventKind) {
        self.metrics.observe(self.now, &kind);
        self.trace.record(self.now, kind);
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.is_up())
    }

    pub fn status(&self, id: NodeId) -> Option<Status> {
        self.nodes.get(&id)?.raw.as_ref().map(|r| r.status())
    }

    /// The up node that is leader in the highest term (lowest id on a tie,
    /// which would itself be an election-safety violation).
    pub fn leader(&self) -> Option<(NodeId, Term)> {
        let mut best: Option<(NodeId, Term)> = None;
        for (id, node) in &self.nodes {
            if let Some(raw) = &node.raw {
                let term = raw.current_term();
                if raw.role() == Role::Leader && best.is_none_or(|(_, t)| term > t) {
                    best = Some((*id, term));
                }
            }
        }
        best
    }

    // ----- faults -------------------------------------------------------

    /// `crash nK`: the node stops at once and keeps only its storage.
    pub fn crash(&mut self, id: NodeId) {
        let Some(node) = self.nodes.get_mut(&id) else { return };
        if node.raw.is_none() {
            return;
        }
        node.raw = None;
        node.kv = Kv::new();
        node.lessor = Lessor::default();
        node.applied = 0;
        node.reads.clear();
        node.commit_released = 0;
        let (writes, readies) = node.disk.lose();
        self.emit(EventKind::Crash { node: id });
        if writes > 0 {
            self.emit(EventKind::DiskWritesLost { node: id, writes: writes as u64, readies: readies as u64 });
        }
        for m in self.network.drop_node(id) {
            self.trace_drop(&m, "crashed");
        }
        self.clients.on_crash(id, self.now);
    }

    /// `restart nK`: a down node starts again from its persisted state.
    pub fn restart(&mut self, id: NodeId) {
        let Some(node) = self.nodes.get(&id) else { return };
        if node.raw.is_some() {
            return;
        }
        let incarnation = node.incarnation + 1;
        let config = self.config(id, node.initial_voters.clone(), incarnation);
        let node = self.nodes.get_mut(&id).expect("checked above");
        node.incarnation = incarnation;
        let raw = RawNode::restart(config, node.storage.clone());
        node.commit_released = raw.commit_index();
        node.raw = Some(raw);
        // The state machine is rebuilt: the snapshot now, the log as the
        // restarted node learns the commit index again.
        let (kv, applied) = match &node.storage.snapshot {
            Some(s) => (Kv::restore(&s.data).unwrap_or_default(), s.last_included_index),
            None => (Kv::new(), 0),
        };
        node.kv = kv;
        node.applied = applied;
        node.reads.clear();
        self.emit(EventKind::Restart { node: id });
        self.drain_all();
    }

    // ----- time ---------------------------------------------------------

    /// Advance simulated time by `ms` milliseconds.
    pub fn advance(&mut self, ms: u64) {
        for _ in 0..ms {
            self.step();
        }
    }

    /// One simulated millisecond.
    pub fn step(&mut self) {
        self.now += 1;
        let now = self.now;
        let nodes = &self.nodes;
        let arrivals = self.network.due(now, |id| nodes.get(&id).is_some_and(|n| n.is_up()));
        for arrival in arrivals {
            match arrival {
                Arrival::Deliver(m) => {
                    self.emit(EventKind::MessageDelivered {
                        id: m.id,
                        from: m.msg.from,
                        to: m.msg.to,
                        ty: m.msg.body.kind_name(),
                    });
                    if let Some(raw) = self.nodes.get_mut(&m.msg.to).and_then(|n| n.raw.as_mut()) {
                        raw.step(m.msg);
                    }
                }
                Arrival::Drop(m, why) => self.trace_drop(&m, why),
            }
        }
        self.complete_disk_writes();
        for node in self.nodes.values_mut() {
            if let Some(raw) = node.raw.as_mut() {
                raw.tick();
            }
        }
        self.drain_all();
        self.clients_step();
        self.drain_all();
        self.etcd_step();
        self.check_invariants();
        let has_leader = self.leader().is_some();
        self.metrics.sample(now, has_leader);
    }

    pub(crate) fn trace_drop(&mut self, m: &InFlight, why: &str) {
        self.emit(EventKind::MessageDropped {
            id: m.id,
            from: m.msg.from,
            to: m.msg.to,
            ty: m.msg.body.kind_name(),
            why: why.to_string(),
        });
    }

    // ----- the Ready contract -------------------------------------------

    /// Drain every up node's `Ready`, in id order.
    pub fn drain_all(&mut self) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for id in ids {
            // A Ready can lead to another (e.g. a compaction after applying);
            // the bound only guards against a core that never settles.
            for _ in 0..16 {
                if !self.handle_ready(id) {
                    break;
                }
            }
        }
    }

    /// Handle one `Ready` of node `id`; false if there was none.
    fn handle_ready(&mut self, id: NodeId) -> bool {
        let now = self.now;
        let Some(node) = self.nodes.get_mut(&id) else { return false };
        let Some(raw) = node.raw.as_mut() else { return false };
        if !raw.has_ready() {
            return false;
        }
        let rd = raw.ready();
        if self.disk.is_instant() && node.disk.is_idle() {
            // Persisting is instant: the whole contract at once, as ever.
            self.finish_ready(id, rd, None);
            return true;
        }

        // The disk takes time (crate::disk). The core's account of what it
        // decided belongs to now; the rest waits for the write.
        let commits = commit_decisions(id, &rd.events, &self.nodes);
        for ev in &rd.events {
            let kind = EventKind::Core(CoreRecord { node: id, event: ev.clone() });
            self.emit(kind);
        }
        let held = Held { ready: rd, commits };
        let node = self.nodes.get_mut(&id).expect("exists");
        match node.disk.submit(now, held, &self.disk, &mut self.disk_rng) {
            Placement::Now(held) => self.finish_ready(id, held.ready, Some(held.commits)),
            Placement::NewWrite { done_ms } => {
                let readies = node.disk.writes.back().map_or(0, |w| w.held.len()) as u64;
                self.emit(EventKind::DiskWrite { node: id, done_ms, readies });
            }
            Placement::Joined { .. } => {}
        }
        true
    }

    /// Complete the disk writes due now, oldest first, and let the Readies
    /// they cover take effect.
    fn complete_disk_writes(&mut self) {
        let now = self.now;
        let ids: Vec<NodeId> = self.nodes.iter().filter(|(_, n)| !n.disk.is_idle()).map(|(id, _)| *id).collect();
        for id in ids {
            let done = self.nodes.get_mut(&id).expect("exists").disk.complete(now);
            for write in done {
                self.emit(EventKind::DiskWriteDone { node: id, readies: write.held.len() as u64 });
                for held in write.held {
                    self.finish_ready(id, held.ready, Some(held.commits));
                }
            }
        }
    }

    /// The contract for one `Ready` of node `id` once it may take effect:
    /// persist, send, apply, advance. `commits` is `None` when the Ready is
    /// handled as it is handed out (its core events are traced here), else
    /// the commit decisions taken when it was (already traced).
    fn finish_ready(
        &mut self,
        id: NodeId,
        mut rd: raft_core::Ready,
        commits: Option<Vec<crate::invariants::CommitDecision>>,
    ) {
        let now = self.now;
        let node = self.nodes.get_mut(&id).expect("exists");

        // 1. Persist: hard state, snapshot, then entries (truncating a
        //    conflicting suffix first). Nothing is sent before this.
        node.storage.persist(&rd);
        let new_violations = self.checker.on_persist(now, id, &self.nodes[&id].storage, &rd.entries);
        for v in new_violations {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }

        let new_violations = match &commits {
            None => self.checker.on_ready_events(now, id, &rd.events, &self.nodes),
            Some(decisions) => self.checker.check_commit_decisions(now, id, decisions, &self.nodes),
        };
        for v in new_violations {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }

        // The core's own account of what happened (before the messages it
        // led to), for the trace.
        if commits.is_none() {
            for ev in &rd.events {
                let kind = EventKind::Core(CoreRecord { node: id, event: ev.clone() });
                self.emit(kind);
            }
        }

        // 2. Send. The messages move onto the wire (`advance` does not read
        //    them); a copy is kept only for a viewer that asked for contents.
        for msg in core::mem::take(&mut rd.messages) {
            if let Some(v) = self.checker.on_send(now, id, &self.nodes[&id].storage, &msg) {
                self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
            }
            let (from, to, ty) = (msg.from, msg.to, msg.body.kind_name());
            let kept = self.trace.keep.then(|| msg.clone());
            let sent = self.network.send(now, msg, &mut self.rng);
            for copy in sent.iter() {
                self.emit(EventKind::MessageSent {
                    id: copy.id,
                    from,
                    to,
                    ty,
                    send_ms: copy.send_ms,
                    deliver_ms: copy.deliver_ms,
                });
                if let Some(m) = &kept {
                    self.trace.record_sent(copy.id, m);
                }
            }
        }

        // 3. Install the snapshot, apply committed entries, serve reads.
        if let (Some(snap), true) = (&rd.snapshot, rd.snapshot_install) {
            let node = self.nodes.get_mut(&id).expect("exists");
            node.kv = Kv::restore(&snap.data).unwrap_or_default();
            node.applied = snap.last_included_index;
        }
        for entry in &rd.committed_entries {
            self.apply_entry(id, entry);
        }
        if !rd.read_states.is_empty() {
            let node = self.nodes.get_mut(&id).expect("exists");
            node.reads.extend(rd.read_states.iter().copied());
        }
        self.serve_reads(id);
        for ev in &rd.events {
            if let CoreEvent::ReadRejected { ctx, .. } = ev {
                self.clients.on_read_rejected(id, *ctx, now);
            }
        }

        // 4. Acknowledge.
        let node = self.nodes.get_mut(&id).expect("exists");
        let installed = rd.snapshot.as_ref().filter(|_| rd.snapshot_install).map(|s| s.last_included_index);
        let handed_out = rd.committed_entries.last().map(|e| e.index);
        node.commit_released = node.commit_released.max(installed.unwrap_or(0)).max(handed_out.unwrap_or(0));
        let raw = node.raw.as_mut().expect("up");
        raw.advance(&rd);

        // Log compaction (§7): snapshot once `threshold` applied entries sit in the log.
        let threshold = self.setup.snapshot_threshold;
        if threshold > 0 {
            let snap_index = raw.snapshot().map_or(0, |s| s.last_included_index);
            if node.applied >= snap_index + threshold && raw.last_applied() >= node.applied {
                raw.compact(node.applied, node.kv.snapshot());
            }
        }
    }

    fn apply_entry(&mut self, id: NodeId, entry: &Entry) {
        let now = self.now;
        let node = self.nodes.get_mut(&id).expect("exists");
        let expected = node.applied + 1;
        let mut applied_result = None;
        let mut command_text = None;
        let mut vs = Vec::new();
        let mut etcd_applied = None;
        if let EntryKind::Command(data) = &entry.kind {
            // Decoded once: the state machine, the trace and the clients all
            // use this one decoding.
            if let Some(cmd) = KvCommand::decode(data) {
                let revision_before = node.kv.revision;
                let applied = node.kv.apply_checked(&cmd, !self.setup.bugs.no_dedup);
                if cmd.tag().is_some() {
                    vs.extend(self.checker.on_command_applied(
                        now,
                        id,
                        node.incarnation,
                        applied.client,
                        applied.seq,
                        applied.fresh,
                    ));
                }
                let granted = applied.result.as_deref().is_some_and(|r| r.starts_with("id="));
                command_text = Some(cmd.display());
                etcd_applied = Some((cmd, applied.fresh, granted, revision_before));
                applied_result = Some(applied);
            }
        }
        node.applied = node.applied.max(entry.index);
        vs.extend(self.checker.on_apply(now, id, expected, entry));
        for v in vs {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }
        self.emit(EventKind::EntryApplied {
            node: id,
            index: entry.index,
            term: entry.term,
            command: command_text.unwrap_or_else(|| describe_entry(&entry.kind)),
        });
        if let Some((cmd, fresh, granted, revision_before)) = etcd_applied {
            self.etcd_on_applied(id, entry.index, &cmd, fresh, granted, revision_before);
        }
        self.clients_on_applied(id, entry, applied_result);
    }

    /// Answer confirmed reads whose index this node has applied.
    fn serve_reads(&mut self, id: NodeId) {
        let node = self.nodes.get_mut(&id).expect("exists");
        if node.reads.is_empty() {
            return;
        }
        let applied = node.applied;
        let (ready, waiting): (Vec<ReadState>, Vec<ReadState>) = node.reads.drain(..).partition(|r| r.index <= applied);
        node.reads = waiting;
        for r in ready {
            self.clients_on_read(id, r.ctx);
        }
    }

    fn check_invariants(&mut self) {
        let vs = self.checker.check_step(self.now, &self.nodes);
        for v in vs {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }
        // Once a simulated second, check (and so settle) the keys that changed,
        // so the checker's copy of the client history stays small in a long
        // headless run too, not only when a viewer asks for state.
        if self.now % 1000 == 0 {
            self.check_linearizability_bounded(Some(PERIODIC_LINEARIZABILITY_STEPS));
        }
    }

    /// Run the linearizability checker over the client history now (it is
    /// too costly for every millisecond; the runner calls it at the end and
    /// whenever state is asked for).
    pub fn check_linearizability(&mut self) {
        self.check_linearizability_bounded(None);
    }

    /// Like [`World::check_linearizability`], giving up (undecided, nothing
    /// reported) after about `max_steps` search steps when given.
    pub fn check_linearizability_bounded(&mut self, max_steps: Option<u64>) {
        if let Some(v) = self.checker.check_linearizability(self.now, max_steps) {
            let kind = EventKind::Violation { invariant: v.invariant, message: v.message };
            self.trace.record_unhashed(self.now, kind);
        }
    }
}

/// The raft-core configuration a server of a world with this setup runs with:
/// the one place the scenario's settings become raft-core's.
fn core_config(setup: &Setup, id: NodeId, initial_voters: Vec<NodeId>, seed: u64) -> Config {
    let mut c = Config::new(id, initial_voters, seed);
    c.election_timeout_min = setup.election_timeout.0;
    c.election_timeout_max = setup.election_timeout.1;
    c.heartbeat_interval = setup.heartbeat;
    c.pre_vote = setup.prevote;
    c.check_quorum = setup.check_quorum;
    c.max_entries_per_message = usize::try_from(setup.max_entries).unwrap_or(usize::MAX);
    c.batch_delay = setup.batch_delay;
    c.pipeline = setup.pipeline;
    c.max_inflight = setup.max_inflight.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    c.bugs = setup.bugs;
    c.read_mode = match setup.read_mode {
        ReadMode::Lease => CoreReadMode::Lease,
        ReadMode::ReadIndex | ReadMode::Log => CoreReadMode::ReadIndex,
    };
    c
}

/// Whether raft-core accepts the servers this setup describes
/// (`Config::validate`), with its reason if not. The parser calls it, so a
/// scenario with, say, a heartbeat longer than its election timeout is refused
/// with the line that set it, instead of running with adjusted timings.
pub fn validate_setup(setup: &Setup) -> Result<(), &'static str> {
    core_config(setup, 1, Vec::new(), 0).validate()
}
