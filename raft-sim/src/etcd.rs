//! etcd on Raft (issue 11): the clients and the leader-side machinery around
//! the store of [`crate::kv`].
//!
//! - **Operations** (`delete`, `range`, `txn`, `put … lease`, `lease grant`,
//!   `lease revoke`) are client operations like `put`/`get` (crate::client):
//!   leader discovery, retries with the same client id and sequence number,
//!   exactly once, recorded in the history.
//! - **Lease keep-alives** are a stream, not operations: every `every` ms the
//!   owner asks the leader (following redirects) to renew; the leader moves its
//!   deadline ([`Lessor`]), without the log — as etcd does. `lease stop` ends
//!   the stream: the owning service died.
//! - **Lease expiry**: each millisecond the leader proposes `lease-expire NAME`
//!   for each lease whose deadline passed; a new leader first refreshes every
//!   lease to its full TTL (trace: `lease-refreshed`).
//! - **Watches** stream from one server: each change that server applied under
//!   the prefix, from its change history, in revision order. When the server
//!   crashes or loses its leader (etcd's `WithRequireLeader`), the watcher
//!   reconnects to another server and resumes at `next_revision`: no gap, no
//!   repeat. A revision the server has compacted ends the watch with an error
//!   (etcd's `ErrCompacted`).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{NodeId, Role};

use crate::client::{Mode, Op};
use crate::kv::{KvCommand, LeaseState, TxnOp};
use crate::trace::EventKind;
use crate::world::World;

/// Events each watcher keeps for the view (the newest); `events_total` counts all.
pub const WATCH_EVENTS_KEPT: usize = 50;
/// Watchers and leases the run remembers for the view (the newest).
pub const MAX_WATCHERS: usize = 50;
pub const MAX_LEASE_RECORDS: usize = 50;

/// How long a leader waits for its proposed expiry to be applied before
/// proposing it again (the entry can be lost with an uncommitted log tail).
fn expiry_retry_ms(w: &World) -> u64 {
    2 * w.setup.election_timeout.1.max(1)
}

/// A lease named in the scenario, and its keep-alive stream.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseRecord {
    pub name: String,
    /// Keep-alive period while a client keeps it alive.
    pub keepalive_every: Option<u64>,
    pub next_keepalive: u64,
    /// The server the keep-alive client talks to.
    pub target: Option<NodeId>,
    /// The keep-alive client has seen the lease alive (so "not found" now means it ended).
    pub seen_alive: bool,
    /// The last time a leader renewed it for the client.
    pub last_renewed: Option<u64>,
}

/// One change a watcher received.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    pub revision: u64,
    /// `put` or `delete`.
    pub kind: &'static str,
    pub key: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Watcher {
    pub name: String,
    pub prefix: String,
    /// `from REV` as asked; `None`: from the next change.
    pub requested_from: Option<u64>,
    /// The first revision it streams (set when it first connects).
    pub from: Option<u64>,
    /// The server it streams from now.
    pub via: Option<NodeId>,
    /// The server it streamed from last (it reconnects elsewhere if it can).
    pub last_via: Option<NodeId>,
    pub next_revision: u64,
    pub stopped: bool,
    /// Why the server ended the watch (a compacted revision).
    pub error: Option<String>,
    /// The newest [`WATCH_EVENTS_KEPT`] events, oldest first.
    pub events: Vec<WatchEvent>,
    pub events_total: u64,
    /// Every event since the start, for `watch NAME saw …` (bounded by what a
    /// scenario makes; dropped beyond 10,000).
    pub seen: Vec<(&'static str, String, Option<String>)>,
}

/// The etcd clients of a world: leases named so far and watchers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Etcd {
    pub leases: Vec<LeaseRecord>,
    pub watchers: Vec<Watcher>,
}

impl Etcd {
    pub fn lease(&self, name: &str) -> Option<&LeaseRecord> {
        self.leases.iter().find(|l| l.name == name)
    }

    fn lease_mut(&mut self, name: &str) -> &mut LeaseRecord {
        if let Some(i) = self.leases.iter().position(|l| l.name == name) {
            return &mut self.leases[i];
        }
        if self.leases.len() >= MAX_LEASE_RECORDS {
            // Forget the oldest record that no client keeps alive.
            if let Some(i) = self.leases.iter().position(|l| l.keepalive_every.is_none()) {
                self.leases.remove(i);
            }
        }
        self.leases.push(LeaseRecord {
            name: name.to_string(),
            keepalive_every: None,
            next_keepalive: 0,
            target: None,
            seen_alive: false,
            last_renewed: None,
        });
        self.leases.last_mut().expect("just pushed")
    }

    pub fn watcher(&self, name: &str) -> Option<&Watcher> {
        self.watchers.iter().rev().find(|w| w.name == name)
    }

    /// Nothing to do each millisecond beyond watching for new leaders.
    fn idle(&self) -> bool {
        self.watchers.iter().all(|w| w.stopped) && self.leases.iter().all(|l| l.keepalive_every.is_none())
    }
}

/// `cmd` with its client tag set (a `lease-expire` has none).
pub fn with_tag(cmd: &KvCommand, client: u64, seq: u64) -> KvCommand {
    let mut c = cmd.clone();
    match &mut c {
        KvCommand::Put { client: cl, seq: s, .. }
        | KvCommand::Get { client: cl, seq: s, .. }
        | KvCommand::PutLease { client: cl, seq: s, .. }
        | KvCommand::Delete { client: cl, seq: s, .. }
        | KvCommand::Range { client: cl, seq: s, .. }
        | KvCommand::Txn { client: cl, seq: s, .. }
        | KvCommand::LeaseGrant { client: cl, seq: s, .. }
        | KvCommand::LeaseRevoke { client: cl, seq: s, .. } => {
            *cl = client;
            *s = seq;
        }
        KvCommand::LeaseExpire { .. } => {}
    }
    c
}

impl World {
    // ----- client operations --------------------------------------------

    fn etcd_op(&mut self, op: Op, key: &str, value: Option<&str>, cmd: KvCommand) -> u64 {
        let i = self.new_op_etcd(op, key, value, Mode::Cluster, None, Some(cmd));
        self.launch(i)
    }

    /// `put KEY VALUE lease NAME`.
    pub fn client_put_lease(&mut self, key: &str, value: &str, lease: &str) -> u64 {
        let cmd = KvCommand::PutLease {
            key: key.to_string(),
            value: value.to_string(),
            lease: lease.to_string(),
            client: 0,
            seq: 0,
        };
        let text = format!("{value} lease {lease}");
        self.etcd_op(Op::Put, key, Some(&text), cmd)
    }

    /// `delete KEY`.
    pub fn client_delete(&mut self, key: &str) -> u64 {
        let cmd = KvCommand::Delete { key: key.to_string(), client: 0, seq: 0 };
        self.etcd_op(Op::Delete, key, None, cmd)
    }

    /// `range PREFIX`: a linearizable read of every key under the prefix.
    pub fn client_range(&mut self, prefix: &str) -> u64 {
        let cmd = KvCommand::Range { prefix: prefix.to_string(), client: 0, seq: 0 };
        self.etcd_op(Op::Range, prefix, None, cmd)
    }

    /// `range PREFIX from nK`: nK's applied state at once (may be stale).
    pub fn stale_range(&mut self, prefix: &str, node: NodeId) -> Result<String, String> {
        let Some(n) = self.nodes.get(&node) else { return Err(format!("n{} does not exist", node)) };
        if !n.is_up() {
            return Err(format!("n{} is down", node));
        }
        let result = n.kv.range_result(prefix);
        let cmd = KvCommand::Range { prefix: prefix.to_string(), client: 0, seq: 0 };
        let i = self.new_op_etcd(Op::Range, prefix, None, Mode::Stale, Some(node), Some(cmd));
        self.finish(i, Some(result.clone()));
        Ok(result)
    }

    /// `txn if … then … [else …]` (the command's client tag is filled in later).
    pub fn client_txn(&mut self, cmd: KvCommand) -> u64 {
        let KvCommand::Txn { compare, .. } = &cmd else { return 0 };
        let key = compare.key().to_string();
        let shown = cmd.display();
        let rest = shown.strip_prefix("txn ").unwrap_or(&shown).to_string();
        self.etcd_op(Op::Txn, &key, Some(&rest), cmd)
    }

    /// `lease grant NAME TTL`.
    pub fn lease_grant(&mut self, name: &str, ttl_ms: u64) -> u64 {
        self.etcd.lease_mut(name);
        let cmd = KvCommand::LeaseGrant { name: name.to_string(), ttl_ms, client: 0, seq: 0 };
        self.etcd_op(Op::LeaseGrant, name, Some(&format!("{ttl_ms}ms")), cmd)
    }

    /// `lease revoke NAME`.
    pub fn lease_revoke(&mut self, name: &str) -> u64 {
        let cmd = KvCommand::LeaseRevoke { name: name.to_string(), client: 0, seq: 0 };
        self.etcd_op(Op::LeaseRevoke, name, None, cmd)
    }

    /// `lease keepalive NAME every D`: a client renews it every `every` ms.
    pub fn lease_keepalive(&mut self, name: &str, every: u64) {
        let now = self.now;
        let rec = self.etcd.lease_mut(name);
        rec.keepalive_every = Some(every.max(1));
        rec.next_keepalive = now;
    }

    /// `lease stop NAME`: the keep-alive client stops (its service died).
    pub fn lease_stop(&mut self, name: &str) -> Result<(), String> {
        match self.etcd.leases.iter_mut().find(|l| l.name == name) {
            Some(rec) if rec.keepalive_every.is_some() => {
                rec.keepalive_every = None;
                Ok(())
            }
            _ => Err(format!("no client keeps lease {name} alive")),
        }
    }

    /// `watch NAME PREFIX [from REV]`.
    pub fn watch_start(&mut self, name: &str, prefix: &str, from: Option<u64>) -> Result<(), String> {
        if self.etcd.watchers.iter().any(|w| w.name == name && !w.stopped) {
            return Err(format!("watch {name} is already running"));
        }
        if self.etcd.watchers.len() >= MAX_WATCHERS {
            if let Some(i) = self.etcd.watchers.iter().position(|w| w.stopped) {
                self.etcd.watchers.remove(i);
            }
        }
        self.etcd.watchers.push(Watcher {
            name: name.to_string(),
            prefix: prefix.to_string(),
            requested_from: from,
            from: None,
            via: None,
            last_via: None,
            next_revision: 0,
            stopped: false,
            error: None,
            events: Vec::new(),
            events_total: 0,
            seen: Vec::new(),
        });
        self.watches_step();
        Ok(())
    }

    /// `watch NAME stop`.
    pub fn watch_stop(&mut self, name: &str) -> Result<(), String> {
        match self.etcd.watchers.iter_mut().rev().find(|w| w.name == name && !w.stopped) {
            Some(w) => {
                w.stopped = true;
                w.via = None;
                Ok(())
            }
            None => Err(format!("no running watch named {name}")),
        }
    }

    // ----- each millisecond ---------------------------------------------

    /// Leases and watches: called once per simulated millisecond.
    pub(crate) fn etcd_step(&mut self) {
        self.lessor_promotions();
        if !self.etcd.idle() {
            self.keepalives_step();
            self.watches_step();
        }
        self.expiries_step();
    }

    /// A server that became leader refreshes every lease to its full TTL
    /// before it expires any; one that is no longer leader stops expiring.
    fn lessor_promotions(&mut self) {
        let now = self.now;
        let mut refreshed = Vec::new();
        for (id, node) in self.nodes.iter_mut() {
            let Some(raw) = node.raw.as_ref() else { continue };
            if raw.role() == Role::Leader {
                let term = raw.current_term();
                if node.lessor.primary_term != Some(term) {
                    let n = node.lessor.promote(term, &node.kv, now);
                    refreshed.push((*id, term, n as u64));
                }
            } else if node.lessor.primary_term.is_some() {
                node.lessor.demote();
            }
        }
        for (node, term, leases) in refreshed {
            self.checker.on_lease_promote(node, now);
            if leases > 0 {
                self.emit(EventKind::LeaseRefreshed { node, term, leases });
            }
        }
    }

    /// The leader proposes the expiry of each lease whose deadline passed.
    fn expiries_step(&mut self) {
        let now = self.now;
        let retry = expiry_retry_ms(self);
        let Some((leader, _)) = self.leader() else { return };
        let node = self.nodes.get_mut(&leader).expect("the leader exists");
        if node.kv.leases.is_empty() {
            return;
        }
        let due = node.lessor.due(&node.kv, now, retry);
        for name in due {
            let node = self.nodes.get_mut(&leader).expect("the leader exists");
            let ttl = node.kv.leases.get(&name).map_or(0, |l| l.ttl_ms);
            let data = KvCommand::LeaseExpire { name: name.clone() }.encode();
            let raw = node.raw.as_mut().expect("the leader is up");
            if raw.propose(data).is_ok() {
                node.lessor.expiring.insert(name.clone(), now);
                let vs = self.checker.on_lease_expire_proposed(now, leader, &name, ttl);
                self.emit(EventKind::LeaseExpired { node: leader, lease: name });
                for v in vs {
                    self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
                }
            }
        }
        self.drain_all();
        let vs = self.checker.check_lease_bound(now, leader, &self.nodes[&leader]);
        for v in vs {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }
    }

    /// Each keep-alive client whose time has come asks the leader to renew.
    fn keepalives_step(&mut self) {
        let now = self.now;
        for i in 0..self.etcd.leases.len() {
            let rec = &self.etcd.leases[i];
            let Some(every) = rec.keepalive_every else { continue };
            if rec.next_keepalive > now {
                continue;
            }
            let name = rec.name.clone();
            // Ask the server it talks to; follow up to two redirects at once
            // (a client link is direct, as in crate::client).
            let mut target = rec.target.filter(|t| self.is_up(*t));
            if target.is_none() {
                target = self.nodes.iter().find(|(_, n)| n.is_up()).map(|(id, _)| *id);
            }
            let mut outcome = None;
            for _ in 0..3 {
                let Some(t) = target else { break };
                let node = &self.nodes[&t];
                let raw = node.raw.as_ref().expect("target is up");
                if raw.role() == Role::Leader {
                    outcome = Some((t, node.kv.leases.get(&name).map(|l| (l.state, l.ttl_ms))));
                    break;
                }
                target = raw.leader_id().filter(|l| *l != t && self.is_up(*l));
            }
            let rec = &mut self.etcd.leases[i];
            rec.target = target;
            match outcome {
                Some((leader, Some((LeaseState::Alive, ttl)))) => {
                    rec.seen_alive = true;
                    rec.last_renewed = Some(now);
                    rec.next_keepalive = now + every;
                    let node = self.nodes.get_mut(&leader).expect("exists");
                    node.lessor.renew(&name, ttl, now);
                    self.checker.on_lease_renewed(leader, &name, now);
                }
                // Not granted here yet: try again soon.
                Some((_, None)) if !rec.seen_alive => rec.next_keepalive = now + every.min(50),
                // Ended: etcd's keep-alive stream closes.
                Some(_) => rec.keepalive_every = None,
                // No leader reachable: try again shortly.
                None => rec.next_keepalive = now + self.setup.heartbeat.max(1),
            }
        }
    }

    /// Connect, reconnect and stream every running watcher.
    fn watches_step(&mut self) {
        for i in 0..self.etcd.watchers.len() {
            if !self.etcd.watchers[i].stopped {
                self.watch_one(i);
            }
        }
    }

    fn watch_one(&mut self, i: usize) {
        let w = &self.etcd.watchers[i];
        // A server that crashed, or lost its leader, ends the stream.
        let healthy = |world: &World, id: NodeId| {
            world.nodes.get(&id).and_then(|n| n.raw.as_ref()).is_some_and(|r| r.leader_id().is_some())
        };
        if let Some(v) = w.via.filter(|v| !healthy(self, *v)) {
            let w = &mut self.etcd.watchers[i];
            w.last_via = Some(v);
            w.via = None;
        }
        let w = &self.etcd.watchers[i];
        if w.via.is_none() {
            let candidates: Vec<NodeId> = self.nodes.keys().copied().filter(|id| healthy(self, *id)).collect();
            let pick = candidates.iter().copied().find(|id| Some(*id) != w.last_via).or(candidates.first().copied());
            let Some(via) = pick else { return };
            let kv_revision = self.nodes[&via].kv.revision;
            let w = &mut self.etcd.watchers[i];
            w.via = Some(via);
            if w.from.is_none() {
                let from = w.requested_from.unwrap_or(kv_revision + 1).max(1);
                w.from = Some(from);
                w.next_revision = from;
                let (name, prefix) = (w.name.clone(), w.prefix.clone());
                self.checker.on_watch_start(&name, &prefix, from);
            }
        }
        let w = &self.etcd.watchers[i];
        let via = w.via.expect("connected above");
        let kv = &self.nodes[&via].kv;
        if kv.revision < w.next_revision {
            return;
        }
        let to = kv.revision;
        let events: Vec<WatchEvent> = match kv.changes_from(w.next_revision, &w.prefix) {
            Err(c) => {
                let message = format!(
                    "revision {} has been compacted (n{} keeps revisions after {})",
                    w.next_revision, via, c.compact_revision
                );
                let w = &mut self.etcd.watchers[i];
                w.error = Some(message);
                w.stopped = true;
                w.via = None;
                return;
            }
            Ok(list) => list
                .into_iter()
                .map(|(revision, c)| WatchEvent {
                    revision,
                    kind: c.kind(),
                    key: c.key.clone(),
                    value: c.value.clone(),
                })
                .collect(),
        };
        let w = &mut self.etcd.watchers[i];
        w.next_revision = to + 1;
        let name = w.name.clone();
        for e in &events {
            w.events_total += 1;
            w.events.push(e.clone());
            if w.seen.len() < 10_000 {
                w.seen.push((e.kind, e.key.clone(), e.value.clone()));
            }
        }
        if w.events.len() > WATCH_EVENTS_KEPT {
            let extra = w.events.len() - WATCH_EVENTS_KEPT;
            w.events.drain(..extra);
        }
        let vs = self.checker.on_watch_events(self.now, &name, to, &events);
        for e in events {
            self.emit(EventKind::WatchEvent {
                watch: name.clone(),
                node: via,
                revision: e.revision,
                ty: e.kind.to_string(),
                key: e.key,
                value: e.value,
            });
        }
        for v in vs {
            self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
        }
    }

    /// Server `id` applied `cmd` (its store was at `revision_before`): keep
    /// its lessor in step and let the checker compare revisions.
    pub(crate) fn etcd_on_applied(
        &mut self,
        id: NodeId,
        index: u64,
        cmd: &KvCommand,
        fresh: bool,
        revision_before: u64,
    ) {
        let now = self.now;
        let node = self.nodes.get_mut(&id).expect("exists");
        match cmd {
            KvCommand::LeaseGrant { name, ttl_ms, .. }
                if fresh && node.kv.lease_alive(name) && !node.lessor.deadlines.contains_key(name) =>
            {
                node.lessor.renew(name, *ttl_ms, now);
                self.checker.on_lease_renewed(id, name, now);
            }
            KvCommand::LeaseRevoke { name, .. } | KvCommand::LeaseExpire { name } if !node.kv.lease_alive(name) => {
                node.lessor.forget(name);
            }
            _ => {}
        }
        let node = &self.nodes[&id];
        if node.kv.revision != revision_before {
            let lease_end = matches!(cmd, KvCommand::LeaseRevoke { .. } | KvCommand::LeaseExpire { .. });
            let vs = self.checker.on_revision(now, id, index, revision_before, &node.kv, lease_end);
            for v in vs {
                self.emit(EventKind::Violation { invariant: v.invariant, message: v.message });
            }
        }
    }
}

/// The write a txn branch makes, for the checker: `None` no write,
/// `Some(None)` a delete, `Some(Some(v))` a put of `v`.
pub fn txn_write(op: Option<&TxnOp>) -> Option<Option<String>> {
    match op? {
        TxnOp::Put { value, .. } => Some(Some(value.clone())),
        TxnOp::Delete { .. } => Some(None),
    }
}
