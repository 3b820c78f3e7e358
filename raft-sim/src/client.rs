//! Clients of the replicated key-value store.
//!
//! Each `put`/`get` is one operation by a new client (ids 1, 2, ...). The
//! client talks to one server at a time directly (no network: a client link
//! is only as good as the server being up). It starts at a random up server,
//! follows redirects to the leader the server believes in, and retries on a
//! timeout with the same client id and sequence number, so the state
//! machine's dedup table (kv.rs) makes the effect happen exactly once (§8).
//!
//! A write returns when its entry is applied on the server that accepted it.
//! A read returns, depending on `set read-mode`: when its `get` entry is
//! applied (`log`), or when the leader confirmed it (`ReadState`) and has
//! applied up to the read index (`read-index`, `lease`). `get KEY from nK`
//! reads nK's state machine at once: fast, and possibly stale.
//!
//! Every operation is recorded in the history the linearizability checker
//! reads.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{Entry, NodeId, ProposalDropped, Role};

use crate::kv::{Applied, KvCommand};
use crate::linearizability::{OpKind as LinOp, Operation};
use crate::scenario::ast::ReadMode;
use crate::shared_vec::SharedVec;
use crate::trace::EventKind;
use crate::world::World;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Put,
    Get,
    // etcd (issue 11): see crate::etcd.
    Delete,
    Range,
    Txn,
    LeaseGrant,
    LeaseRevoke,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Get => "get",
            Op::Delete => "delete",
            Op::Range => "range",
            Op::Txn => "txn",
            Op::LeaseGrant => "lease-grant",
            Op::LeaseRevoke => "lease-revoke",
        }
    }

    /// Reads: served by ReadIndex unless `set read-mode log`.
    pub fn is_read(self) -> bool {
        matches!(self, Op::Get | Op::Range)
    }

    /// Whether the client history shows this operation's result (a v1 put's
    /// is always null, and stays so: it is part of the trace).
    fn shows_result(self, etcd: bool) -> bool {
        self != Op::Put || etcd
    }
}

/// How the operation reaches the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A full client: leader discovery, redirects, retries.
    Cluster,
    /// `propose nK ...`: handed to nK once, never retried.
    Direct,
    /// `get KEY from nK`: a local read of nK's state machine.
    Stale,
}

/// What an unfinished operation waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// Will (re)try at `next_try`.
    Idle,
    /// Its entry, proposed on `node` at `index`, to be applied there.
    Apply {
        node: NodeId,
        index: u64,
    },
    /// A read-index confirmation for `ctx` from `node`.
    Read {
        node: NodeId,
        ctx: u64,
    },
    Done,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientOp {
    pub client: u64,
    pub seq: u64,
    pub op: Op,
    pub key: String,
    pub value: Option<String>,
    pub invoked_ms: u64,
    pub returned_ms: Option<u64>,
    pub result: Option<String>,
    pub mode: Mode,
    pub waiting: Waiting,
    /// The server the client currently talks to.
    pub target: Option<NodeId>,
    pub next_try: u64,
    pub deadline: u64,
    /// Timeouts so far (each doubles the next wait, up to 4×).
    pub retries: u32,
    /// The server whose answer last timed out. It may be a deposed leader
    /// cut off in a minority that still believes it leads (and its followers
    /// there redirect to it), so tries until the given time go elsewhere
    /// while another server is up. It expires, because the suspect may well
    /// be elected leader again later.
    pub suspect: Option<(NodeId, u64)>,
    /// The etcd command (issue 11), for everything but a v1 put or get: its
    /// client tag is filled in when it is proposed.
    pub etcd: Option<KvCommand>,
}

impl ClientOp {
    fn command(&self) -> KvCommand {
        if let Some(cmd) = &self.etcd {
            return crate::etcd::with_tag(cmd, self.client, self.seq);
        }
        match self.op {
            Op::Put => KvCommand::Put {
                key: self.key.clone(),
                value: self.value.clone().unwrap_or_default(),
                client: self.client,
                seq: self.seq,
            },
            _ => KvCommand::Get { key: self.key.clone(), client: self.client, seq: self.seq },
        }
    }

    /// The result the history shows (see [`Op::shows_result`]).
    pub fn shown_result(&self) -> Option<String> {
        if self.op.shows_result(self.etcd.is_some()) {
            self.result.clone()
        } else {
            None
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clients {
    /// The newest operations (every one not done, and at least the newest
    /// [`KEEP_DONE`] done ones), in invocation order; client id = `trimmed` +
    /// position + 1. The linearizability checker keeps its own (settled)
    /// copy, so older operations are dropped to keep memory flat. Shared
    /// between clones in chunks (a time-travel checkpoint copied the whole
    /// list before: most of what one cost).
    pub ops: SharedVec<ClientOp>,
    /// Operations dropped from the front of `ops`.
    pub trimmed: u64,
    /// Indexes into `ops` of operations not yet done.
    active: Vec<usize>,
    next_ctx: u64,
}

impl Clients {
    /// Operations waiting on a server that crashed retry at once elsewhere.
    pub fn on_crash(&mut self, node: NodeId, now: u64) {
        for &i in &self.active {
            let op = &mut self.ops[i];
            let on_node = match op.waiting {
                Waiting::Apply { node: n, .. } | Waiting::Read { node: n, .. } => n == node,
                _ => false,
            };
            if on_node && op.mode == Mode::Cluster {
                op.waiting = Waiting::Idle;
                op.next_try = now + 1;
            }
            if op.target == Some(node) {
                op.target = None;
            }
        }
    }

    pub fn on_read_rejected(&mut self, node: NodeId, ctx: u64, now: u64) {
        for &i in &self.active {
            let op = &mut self.ops[i];
            if op.waiting == (Waiting::Read { node, ctx }) {
                op.waiting = Waiting::Idle;
                // Typically a new leader whose no-op is not committed yet, or a
                // deposed one: try again shortly.
                op.next_try = now + 10;
            }
        }
    }

    /// The history in the checker's terms. A get that never returned tells
    /// nothing and is left out; a put that never returned may or may not
    /// have taken effect, which the checker allows for.
    pub fn history_for_checker(&self) -> Vec<Operation> {
        self.ops
            .iter()
            .filter(|op| op.etcd.is_none())
            .filter(|op| !(op.op == Op::Get && op.returned_ms.is_none()))
            .map(|op| Operation {
                client: op.client,
                op: match op.op {
                    Op::Put => LinOp::Put { key: op.key.clone(), value: op.value.clone().unwrap_or_default() },
                    _ => LinOp::Get { key: op.key.clone(), result: op.result.clone() },
                },
                invoked_ms: op.invoked_ms,
                returned_ms: op.returned_ms,
            })
            .collect()
    }

    /// The size of the checker's history (see `invariants::history_size`),
    /// without building it.
    pub fn history_size(&self) -> usize {
        self.ops
            .iter()
            .filter(|op| op.etcd.is_none())
            .filter(|op| !(op.op == Op::Get && op.returned_ms.is_none()))
            .map(|op| if op.returned_ms.is_some() { 2 } else { 1 })
            .sum()
    }

    pub fn pending(&self) -> usize {
        self.active.len()
    }

    /// Operations in the whole run, including those dropped from `ops`.
    pub fn total(&self) -> u64 {
        self.trimmed + self.ops.len() as u64
    }

    /// Drop the oldest done operations once twice [`KEEP_DONE`] pile up
    /// (amortized O(1) per operation); none that is still active.
    fn trim(&mut self) {
        if self.ops.len() < 2 * KEEP_DONE {
            return;
        }
        let first_active = self.active.iter().copied().min().unwrap_or(self.ops.len());
        let n = (self.ops.len() - KEEP_DONE).min(first_active);
        if n == 0 {
            return;
        }
        self.ops.drop_front(n);
        self.active.iter_mut().for_each(|i| *i -= n);
        self.trimmed += n as u64;
    }
}

/// Done client operations kept for the view model's `history` (which shows
/// at most the newest few hundred) beyond those still in flight.
pub const KEEP_DONE: usize = 500;

impl World {
    fn retry_timeout(&self, retries: u32) -> u64 {
        let base = 2 * self.setup.election_timeout.1.max(1);
        base << retries.min(2)
    }

    pub(crate) fn new_op(&mut self, op: Op, key: &str, value: Option<&str>, mode: Mode, node: Option<NodeId>) -> usize {
        self.new_op_etcd(op, key, value, mode, node, None)
    }

    /// [`World::new_op`] for any operation; `etcd`: its command (see [`ClientOp::etcd`]).
    pub(crate) fn new_op_etcd(
        &mut self,
        op: Op,
        key: &str,
        value: Option<&str>,
        mode: Mode,
        node: Option<NodeId>,
        etcd: Option<KvCommand>,
    ) -> usize {
        // Safe here: no caller holds an index into `ops` across this call.
        self.clients.trim();
        let client = self.clients.total() + 1;
        self.clients.ops.push(ClientOp {
            client,
            seq: 1,
            op,
            key: key.to_string(),
            value: value.map(|v| v.to_string()),
            invoked_ms: self.now,
            returned_ms: None,
            result: None,
            mode,
            waiting: Waiting::Idle,
            target: node,
            next_try: self.now,
            deadline: u64::MAX,
            retries: 0,
            suspect: None,
            etcd: etcd.clone(),
        });
        match &etcd {
            Some(cmd) => self.checker.on_etcd_invoke(client, self.now, cmd),
            None => self.checker.on_client_invoke(Operation {
                client,
                op: match op {
                    Op::Put => LinOp::Put { key: key.to_string(), value: value.unwrap_or_default().to_string() },
                    _ => LinOp::Get { key: key.to_string(), result: None },
                },
                invoked_ms: self.now,
                returned_ms: None,
            }),
        }
        self.emit(EventKind::ClientInvoke {
            client,
            op: op.name(),
            key: key.to_string(),
            value: value.map(|v| v.to_string()),
            node,
        });
        self.clients.ops.len() - 1
    }

    pub(crate) fn finish(&mut self, i: usize, result: Option<String>) {
        let now = self.now;
        let op = &mut self.clients.ops[i];
        if op.waiting == Waiting::Done {
            return;
        }
        op.waiting = Waiting::Done;
        op.returned_ms = Some(now);
        op.result = result.clone();
        let ev = EventKind::ClientReturn { client: op.client, op: op.op.name(), key: op.key.clone(), result };
        let read = if op.op == Op::Get { op.result.clone() } else { None };
        match &op.etcd {
            Some(cmd) => self.checker.on_etcd_return(op.client, op.invoked_ms, now, cmd, op.result.as_deref()),
            None => self.checker.on_client_return(op.client, &op.key, now, read),
        }
        self.clients.active.retain(|&j| j != i);
        self.emit(ev);
    }

    /// Start operation `i` as a full client (leader discovery, retries); its client id.
    pub(crate) fn launch(&mut self, i: usize) -> u64 {
        self.clients.active.push(i);
        self.client_attempt(i);
        self.drain_all();
        self.clients.ops[i].client
    }

    /// `put KEY VALUE`: a client writes through the cluster.
    pub fn client_put(&mut self, key: &str, value: &str) -> u64 {
        let i = self.new_op(Op::Put, key, Some(value), Mode::Cluster, None);
        self.clients.active.push(i);
        self.client_attempt(i);
        self.drain_all();
        self.clients.ops[i].client
    }

    /// `get KEY`: a linearizable read through the cluster.
    pub fn client_get(&mut self, key: &str) -> u64 {
        let i = self.new_op(Op::Get, key, None, Mode::Cluster, None);
        self.clients.active.push(i);
        self.client_attempt(i);
        self.drain_all();
        self.clients.ops[i].client
    }

    /// `get KEY from nK`: read nK's applied state at once (may be stale).
    pub fn stale_get(&mut self, key: &str, node: NodeId) -> Result<Option<String>, String> {
        let Some(n) = self.nodes.get(&node) else { return Err(alloc::format!("n{} does not exist", node)) };
        if !n.is_up() {
            return Err(alloc::format!("n{} is down", node));
        }
        let value = n.kv.get(key).cloned();
        let i = self.new_op(Op::Get, key, None, Mode::Stale, Some(node));
        self.finish(i, value.clone());
        Ok(value)
    }

    /// `propose nK KEY VALUE`: hand a put to nK alone. Not an error if nK
    /// drops it (the trace says why); an error only if nK is down.
    pub fn propose_direct(&mut self, node: NodeId, key: &str, value: &str) -> Result<(), String> {
        if !self.is_up(node) {
            return Err(alloc::format!("n{} is down", node));
        }
        let i = self.new_op(Op::Put, key, Some(value), Mode::Direct, Some(node));
        let data = self.clients.ops[i].command().encode();
        let raw = self.nodes.get_mut(&node).and_then(|n| n.raw.as_mut()).expect("up");
        match raw.propose(data) {
            Ok(index) => {
                self.clients.ops[i].waiting = Waiting::Apply { node, index };
                self.clients.active.push(i);
            }
            Err(_) => {
                // Dropped: it never takes effect and never returns. The core
                // reports the reason as a ProposalDropped event.
                self.clients.ops[i].waiting = Waiting::Done;
            }
        }
        self.drain_all();
        Ok(())
    }

    /// Let every client whose time has come act (called once per ms).
    pub(crate) fn clients_step(&mut self) {
        let now = self.now;
        // Long enough for the other side of a partition to elect a leader.
        let avoid_for = 2 * self.setup.election_timeout.1.max(1);
        // Most milliseconds no client acts: look first, borrowing the list
        // shared with checkpoints only to read (`ops[i]` mutably would copy
        // or at least re-check its chunk per operation per millisecond).
        let due = |op: &ClientOp| {
            op.mode == Mode::Cluster
                && match op.waiting {
                    Waiting::Apply { .. } | Waiting::Read { .. } => op.deadline <= now,
                    Waiting::Idle => op.next_try <= now,
                    _ => false,
                }
        };
        if !self.clients.active.iter().any(|&i| due(&self.clients.ops[i])) {
            return;
        }
        let active = self.clients.active.clone();
        for i in active {
            if !due(&self.clients.ops[i]) {
                continue;
            }
            let op = &mut self.clients.ops[i];
            match op.waiting {
                Waiting::Apply { node, .. } | Waiting::Read { node, .. } if op.deadline <= now => {
                    op.retries += 1;
                    op.waiting = Waiting::Idle;
                    op.next_try = now;
                    // The server we waited on may be a deposed leader cut off
                    // in a minority: it still thinks it leads, so asking it
                    // again would never end. Try some other server instead.
                    op.suspect = Some((node, now + avoid_for));
                    op.target = None;
                }
                _ => {}
            }
            if op.waiting == Waiting::Idle && op.next_try <= now {
                self.client_attempt(i);
            }
        }
    }

    /// One try of operation `i`: find a leader, then propose or ask for a read.
    fn client_attempt(&mut self, i: usize) {
        let now = self.now;
        let backoff = self.setup.heartbeat.max(1);
        let suspect = self.clients.ops[i].suspect.filter(|(_, until)| now < *until).map(|(n, _)| n);
        let others_up = |w: &World, t: NodeId| w.nodes.iter().any(|(id, n)| *id != t && n.is_up());
        let target = match self.clients.ops[i].target {
            // A redirect to the suspect (a minority follower pointing at its
            // deposed leader) is not followed while some other server is up.
            Some(t) if self.is_up(t) && (Some(t) != suspect || !others_up(self, t)) => t,
            _ => {
                let mut up: Vec<NodeId> =
                    self.nodes.iter().filter(|(id, n)| n.is_up() && Some(**id) != suspect).map(|(id, _)| *id).collect();
                if up.is_empty() {
                    up.extend(suspect.filter(|s| self.is_up(*s)));
                }
                if up.is_empty() {
                    self.clients.ops[i].next_try = now + backoff;
                    return;
                }
                up[self.rng.range(0, up.len() as u64 - 1) as usize]
            }
        };
        let deadline = now + self.retry_timeout(self.clients.ops[i].retries);
        let read_mode = self.setup.read_mode;
        let raw = self.nodes.get_mut(&target).and_then(|n| n.raw.as_mut()).expect("target is up");
        let op = &mut self.clients.ops[i];
        op.target = Some(target);
        if raw.role() != Role::Leader {
            // Redirect to the leader this server believes in, if any.
            match raw.leader_id().filter(|l| *l != target) {
                Some(l) => {
                    op.target = Some(l);
                    op.next_try = now + 1;
                }
                None => {
                    op.target = None;
                    op.next_try = now + backoff;
                }
            }
            return;
        }
        let through_log = !op.op.is_read() || read_mode == ReadMode::Log;
        if through_log {
            match raw.propose(op.command().encode()) {
                Ok(index) => {
                    op.waiting = Waiting::Apply { node: target, index };
                    op.deadline = deadline;
                }
                Err(ProposalDropped::NotLeader { leader_hint }) => {
                    op.target = leader_hint;
                    op.next_try = now + 1;
                }
                Err(_) => op.next_try = now + backoff,
            }
        } else {
            self.clients.next_ctx += 1;
            let ctx = self.clients.next_ctx;
            op.waiting = Waiting::Read { node: target, ctx };
            op.deadline = deadline;
            raw.read_index(ctx);
        }
    }

    /// Node `node` applied `entry` (with the state machine's answer, for commands).
    pub(crate) fn clients_on_applied(&mut self, node: NodeId, entry: &Entry, applied: Option<Applied>) {
        let now = self.now;
        let mut finished: Vec<(usize, Option<String>)> = Vec::new();
        for &i in &self.clients.active {
            // Read first: most operations wait on another server or entry,
            // and a mutable borrow of the shared list costs per operation.
            let op = &self.clients.ops[i];
            let Waiting::Apply { node: n, index } = op.waiting else { continue };
            if n != node {
                continue;
            }
            let mine = applied.as_ref().is_some_and(|a| a.client == op.client && a.seq == op.seq);
            if mine {
                finished.push((i, applied.as_ref().and_then(|a| a.result.clone())));
            } else if index == entry.index {
                // Another entry took our slot: the proposal was lost with a
                // deposed leader's log. Try again (a direct proposal is not retried).
                let op = &mut self.clients.ops[i];
                if op.mode == Mode::Cluster {
                    op.waiting = Waiting::Idle;
                    op.next_try = now + 1;
                }
            }
        }
        for (i, result) in finished {
            let op = &self.clients.ops[i];
            let result = if op.op.shows_result(op.etcd.is_some()) { result } else { None };
            self.finish(i, result);
        }
    }

    /// Node `node` confirmed read `ctx` and has applied up to its index.
    pub(crate) fn clients_on_read(&mut self, node: NodeId, ctx: u64) {
        let found =
            self.clients.active.iter().copied().find(|&i| self.clients.ops[i].waiting == (Waiting::Read { node, ctx }));
        if let Some(i) = found {
            let op = &self.clients.ops[i];
            let kv = self.nodes.get(&node).map(|n| &n.kv);
            let value = match op.op {
                Op::Range => kv.map(|kv| kv.range_result(&op.key)),
                _ => kv.and_then(|kv| kv.get(&op.key).cloned()),
            };
            self.finish(i, value);
        }
    }
}
