//! Runs a parsed scenario against a [`World`]: every command of
//! docs/scenario-language.md with exactly its meaning, plus the extensions in
//! `ast.rs`. A failed `expect`/`await`, or a command naming `leader` when there
//! is none, is a failure at that line; the run goes on.
//!
//! The page (raft-wasm) drives the same API one command at a time:
//! [`Runner::new`], [`Runner::exec_command`], [`Runner::advance`], [`Runner::view`].

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{ConfigChange, Entry, NodeId, ProposalDropped, Role};

use crate::json::push_u64;
use crate::kv::LeaseState;
use crate::scenario::ast::{CmpOp, Command, Cond, LeaseCond, LoadOp, Located, NodeRef, RoleName, Script, Setup};
use crate::small_map::SmallSet;
use crate::trace::{role_name, EventKind, TraceEvent};
use crate::view::{self, View};
use crate::world::{describe_entry, World};

/// Search budget of the linearizability check behind [`Runner::view`].
pub const VIEW_LINEARIZABILITY_STEPS: u64 = 200_000;

/// A failed `expect`/`await` or a command that could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Failure {
    pub line: u32,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Runner {
    pub world: World,
    pub failures: Vec<Failure>,
    /// Invariants the scenario demonstrates on purpose (`# expect-violation:`
    /// lines, see [`crate::expected_violations`]); empty for v1 behaviour.
    pub expected_violations: SmallSet<String>,
}

impl Runner {
    /// A world set up as `setup` says, at time 0.
    pub fn new(setup: &Setup) -> Runner {
        Runner { world: World::new(setup), failures: Vec::new(), expected_violations: SmallSet::new() }
    }

    /// A runner around an existing world (e.g. a checkpoint).
    pub fn from_world(world: World) -> Runner {
        Runner { world, failures: Vec::new(), expected_violations: SmallSet::new() }
    }

    /// Run a whole script and the end-of-run checks.
    pub fn run_script(script: &Script) -> Runner {
        let mut runner = Runner::new(&script.setup);
        for cmd in &script.commands {
            let _ = runner.exec_command(cmd);
        }
        runner.finish();
        runner
    }

    /// Keep trace events for [`Runner::take_events`] (the page, `--trace`).
    pub fn keep_events(&mut self, keep: bool) {
        self.world.trace.keep = keep;
    }

    /// Trace events since the last call (only when `keep_events(true)`).
    pub fn take_events(&mut self) -> Vec<TraceEvent> {
        self.world.trace.take()
    }

    /// The messages sent since the last call, with their contents under
    /// Figure 2's names (only when `keep_events(true)`).
    pub fn take_sent_messages(&mut self) -> Vec<crate::view::SentMessageView> {
        self.world
            .trace
            .take_sent()
            .iter()
            .map(|(id, msg)| crate::view::SentMessageView { id: *id, fields: crate::view::message_fields(msg) })
            .collect()
    }

    /// The stable 64-bit hash of the whole trace so far.
    pub fn trace_hash(&self) -> u64 {
        self.world.trace.hash
    }

    /// Advance simulated time by `ms`.
    pub fn advance(&mut self, ms: u64) {
        self.world.advance(ms);
    }

    /// End-of-run checks (the client history's linearizability).
    pub fn finish(&mut self) {
        self.world.check_linearizability();
    }

    /// Every expect/await held and no invariant fired (or, for a scenario
    /// that expects violations, exactly the expected ones fired).
    pub fn ok(&self) -> bool {
        self.failures.is_empty() && self.fired() == self.expected_violations
    }

    /// Names of the invariants that fired so far.
    pub fn fired(&self) -> SmallSet<String> {
        self.world.checker.violations.iter().map(|v| v.invariant.clone()).collect()
    }

    /// The view model (docs/view-model.md). Checks linearizability first,
    /// with a bounded search so a viewer polling every frame stays responsive
    /// ([`Runner::finish`] decides any undecided case).
    pub fn view(&mut self) -> View {
        self.world.check_linearizability_bounded(Some(VIEW_LINEARIZABILITY_STEPS));
        view::build(self)
    }

    /// The page's view model: like [`Runner::view`], with only the newest
    /// entries of each log and the newest client operations
    /// ([`view::Limits::PAGE`]), so it costs the same however long the run.
    pub fn page_view(&mut self) -> View {
        self.view_limited(view::Limits::PAGE)
    }

    /// The view model with at most `limits` of history (after the same
    /// bounded linearizability check as [`Runner::view`]).
    pub fn view_limited(&mut self, limits: view::Limits) -> View {
        self.world.check_linearizability_bounded(Some(VIEW_LINEARIZABILITY_STEPS));
        view::build_limited(self, limits)
    }

    /// Execute one command. On failure the failure is recorded (with its line)
    /// and also returned.
    pub fn exec_command(&mut self, cmd: &Located<Command>) -> Result<(), String> {
        self.world.emit(EventKind::Command { text: cmd.text.clone(), line: cmd.line });
        let result = self.exec(&cmd.value);
        self.world.drain_all();
        match result {
            Ok(()) => Ok(()),
            Err(reason) => {
                let message = if cmd.text.is_empty() { reason } else { format!("{}: {}", cmd.text, reason) };
                self.world.emit(EventKind::Failure { line: cmd.line, message: message.clone() });
                self.failures.push(Failure { line: cmd.line, message: message.clone() });
                Err(message)
            }
        }
    }

    /// Time travel into the middle of a command: like [`Runner::exec_command`],
    /// but a command that moves time (`run`, `await`, `load`) stops when the
    /// clock reaches `until`. Returns the command that actually ran, as a line
    /// of the language, so a command log that records it replays to exactly
    /// this state: the whole command, or its first part — `run 2300ms` for a
    /// `run` or an `await` cut short (an await that has not held yet has only
    /// watched time pass), `load put 100/s for 2300ms keys 10` for a load (its
    /// puts up to then are the same as the longer load's) — and whether that
    /// was the whole command. `None` when `until` had already passed, so
    /// nothing ran.
    pub fn exec_command_until(&mut self, cmd: &Located<Command>, until: u64) -> Option<(String, bool)> {
        let left = until.saturating_sub(self.world.now);
        let cut = |value: Command, text: String| Located { line: cmd.line, col: cmd.col, text, value };
        let part = match &cmd.value {
            Command::Run(ms) if *ms > left => Some(cut(Command::Run(left), format!("run {left}ms"))),
            Command::Await { cond, within } if *within > left => {
                // Whether it holds by `until` decides what ran: find out on a
                // copy (an await is short; this is one travel, not a frame).
                let mut probe = self.world.clone();
                let start = probe.now;
                let holds = loop {
                    if eval(&probe, cond).is_ok() {
                        break true;
                    }
                    if probe.now - start >= left {
                        break false;
                    }
                    probe.step();
                };
                (!holds).then(|| cut(Command::Run(left), format!("run {left}ms")))
            }
            Command::Load { op, rate, duration, keys } if *duration > left => Some(cut(
                Command::Load { op: *op, rate: *rate, duration: left, keys: *keys },
                format!("load {} {rate}/s for {left}ms keys {keys}", op.name()),
            )),
            _ => None,
        };
        if left == 0 && part.is_some() {
            return None;
        }
        let whole = part.is_none();
        let run = part.as_ref().unwrap_or(cmd);
        let _ = self.exec_command(run);
        Some((run.text.clone(), whole))
    }

    fn exec(&mut self, cmd: &Command) -> Result<(), String> {
        let w = &mut self.world;
        match cmd {
            Command::SetLatency(a, b) => w.network.latency = (*a.min(b), *a.max(b)),
            Command::SetLoss(p) => w.network.loss = *p,
            // Where replicas sit (issue 12).
            Command::Zone { name, nodes } => {
                for id in nodes {
                    exists(w, *id)?;
                }
                w.network.set_zone(name, nodes);
            }
            Command::SetZoneLatency { a, b, lo, hi } => {
                for z in [a, b] {
                    if !w.network.has_zone(z) {
                        return Err(format!("no zone named `{z}`"));
                    }
                }
                w.network.set_zone_latency(a, b, (*lo.min(hi), *lo.max(hi)));
            }
            Command::SetLinkLatency { a, b, lo, hi } => {
                exists(w, *a)?;
                exists(w, *b)?;
                w.network.set_link_latency(*a, *b, (*lo.min(hi), *lo.max(hi)));
            }
            Command::SetDuplicate(p) => w.network.duplicate = *p,
            Command::SetDiskLatency(a, b) => w.disk.latency = (*a.min(b), *a.max(b)),
            Command::SetGroupCommit(on) => w.disk.group_commit = *on,
            Command::Partition(groups) => {
                w.network.partition = Some(groups.clone());
                w.emit(EventKind::Partition { groups: groups.clone() });
            }
            Command::Cut { from, to, both_ways } => {
                w.network.cuts.insert((*from, *to));
                w.emit(EventKind::Cut { from: *from, to: *to });
                if *both_ways {
                    w.network.cuts.insert((*to, *from));
                    w.emit(EventKind::Cut { from: *to, to: *from });
                }
            }
            Command::Uncut { from, to, both_ways } => {
                w.network.cuts.remove(&(*from, *to));
                w.emit(EventKind::Uncut { from: *from, to: *to });
                if *both_ways {
                    w.network.cuts.remove(&(*to, *from));
                    w.emit(EventKind::Uncut { from: *to, to: *from });
                }
            }
            Command::Heal => {
                w.network.heal();
                w.emit(EventKind::Heal);
            }
            // `leader` in a network command: resolve it now, then act as the plain command.
            Command::PartitionRef(groups) => {
                let mut ids: Vec<Vec<NodeId>> = Vec::new();
                for group in groups {
                    let mut g = Vec::new();
                    for r in group {
                        let id = resolve(w, *r)?;
                        if ids.iter().flatten().chain(g.iter()).any(|&x| x == id) {
                            return Err(format!("the leader is n{}, which is named twice", id));
                        }
                        g.push(id);
                    }
                    ids.push(g);
                }
                return self.exec(&Command::Partition(ids));
            }
            Command::CutRef { from, to, both_ways } => {
                let (from, to) = (resolve(w, *from)?, resolve(w, *to)?);
                return self.exec(&Command::Cut { from, to, both_ways: *both_ways });
            }
            Command::UncutRef { from, to, both_ways } => {
                let (from, to) = (resolve(w, *from)?, resolve(w, *to)?);
                return self.exec(&Command::Uncut { from, to, both_ways: *both_ways });
            }
            Command::Run(ms) => w.advance(*ms),
            Command::Await { cond, within } => {
                let start = w.now;
                loop {
                    match eval(&self.world, cond) {
                        Ok(()) => break,
                        Err(why) => {
                            if self.world.now - start >= *within {
                                return Err(format!("not within {} ms ({})", within, why));
                            }
                        }
                    }
                    self.world.step();
                }
            }
            Command::Crash(r) => {
                let id = resolve(w, *r)?;
                w.crash(id);
            }
            Command::Restart(r) => {
                let id = resolve(w, *r)?;
                w.restart(id);
            }
            Command::Timeout(r) => {
                let id = resolve(w, *r)?;
                let raw =
                    w.nodes.get_mut(&id).and_then(|n| n.raw.as_mut()).ok_or_else(|| format!("n{} is down", id))?;
                raw.campaign();
            }
            Command::Put { key, value } => {
                w.client_put(key, value);
            }
            Command::Load { op, rate, duration, keys } => run_load(w, *op, *rate, *duration, *keys),
            Command::Get { key, from: None } => {
                w.client_get(key);
            }
            Command::Get { key, from: Some(r) } => {
                let id = resolve(w, *r)?;
                w.stale_get(key, id)?;
            }
            Command::Propose { node, key, value } => {
                let id = resolve(w, *node)?;
                w.propose_direct(id, key, value)?;
            }
            Command::Expect(cond) => eval(w, cond)?,
            // Nodes named by `add`/`reconfigure` are created even if the change
            // itself is refused: the file (and the parser) treat them as existing.
            Command::Add(id) => {
                w.add_node(*id)?;
                let leader = leader_id(w)?;
                change(w, leader, ConfigChange::AddLearner(*id))?;
            }
            Command::Remove(id) => {
                let leader = leader_id(w)?;
                exists(w, *id)?;
                change(w, leader, ConfigChange::Remove(*id))?;
            }
            Command::Reconfigure(voters) => {
                for id in voters {
                    w.add_node(*id)?;
                }
                let leader = leader_id(w)?;
                change(w, leader, ConfigChange::EnterJoint(voters.clone()))?;
            }
            Command::Transfer(target) => {
                let leader = leader_id(w)?;
                exists(w, *target)?;
                if let Some(raw) = w.nodes.get_mut(&leader).and_then(|n| n.raw.as_mut()) {
                    raw.transfer_leader(*target);
                }
            }
            Command::Drop(id) => {
                // Not a failure if it already arrived: the page may be a frame late.
                if let Some(m) = w.network.drop_message(*id) {
                    w.trace_drop(&m, "user");
                }
            }
            // etcd (issue 11): crate::etcd.
            Command::PutLease { key, value, lease } => {
                w.client_put_lease(key, value, lease);
            }
            Command::Delete { key } => {
                w.client_delete(key);
            }
            Command::Range { prefix, from: None } => {
                w.client_range(prefix);
            }
            Command::Range { prefix, from: Some(r) } => {
                let id = resolve(w, *r)?;
                w.stale_range(prefix, id)?;
            }
            Command::Txn { compare, then, otherwise } => {
                let cmd = crate::kv::KvCommand::Txn {
                    compare: compare.clone(),
                    then: then.clone(),
                    otherwise: otherwise.clone(),
                    client: 0,
                    seq: 0,
                };
                w.client_txn(cmd);
            }
            Command::LeaseGrant { name, ttl } => {
                w.lease_grant(name, *ttl);
            }
            Command::LeaseKeepAlive { name, every } => w.lease_keepalive(name, *every),
            Command::LeaseStop(name) => w.lease_stop(name)?,
            Command::LeaseRevoke(name) => {
                w.lease_revoke(name);
            }
            Command::Watch { name, prefix, from } => w.watch_start(name, prefix, *from)?,
            Command::WatchStop(name) => w.watch_stop(name)?,
        }
        Ok(())
    }
}

fn exists(w: &World, id: NodeId) -> Result<(), String> {
    if w.nodes.contains_key(&id) {
        Ok(())
    } else {
        Err(format!("n{} does not exist", id))
    }
}

fn leader_id(w: &World) -> Result<NodeId, String> {
    w.leader().map(|(id, _)| id).ok_or_else(|| "no leader".to_string())
}

/// `nK` or `leader` → a node id that exists.
fn resolve(w: &World, r: NodeRef) -> Result<NodeId, String> {
    match r {
        NodeRef::Leader => leader_id(w),
        NodeRef::Node(id) => {
            exists(w, id)?;
            Ok(id)
        }
    }
}

fn change(w: &mut World, leader: NodeId, change: ConfigChange) -> Result<(), String> {
    let raw = w.nodes.get_mut(&leader).and_then(|n| n.raw.as_mut()).ok_or_else(|| "no leader".to_string())?;
    raw.propose_change(change).map(|_| ()).map_err(|e| format!("leader n{} refused: {}", leader, dropped_text(&e)))
}

/// `load put RATE/s for D keys N`: put number i (0, 1, ...) is invoked at
/// `floor(i * 1000 / rate)` ms after the start, on key `k(i mod N)`, with the
/// value `START.i` (unique in the run: loads do not overlap in time), whether
/// or not earlier puts returned (open loop); `duration` ms pass meanwhile.
fn run_load(w: &mut World, op: LoadOp, rate: u64, duration: u64, keys: u32) {
    let start = w.now;
    let mut issued: u64 = 0;
    // Key `k<n>` and value `<start>.<issued>`, written by hand into reused
    // buffers: at 1,000 ops/s `format!` was a visible share of a load run.
    let (mut key, mut value) = (String::new(), String::new());
    for t in 0..duration {
        while issued * 1000 / rate <= t {
            key.clear();
            key.push('k');
            push_u64(&mut key, issued % u64::from(keys.max(1)));
            match op {
                LoadOp::Put => {
                    value.clear();
                    push_u64(&mut value, start);
                    value.push('.');
                    push_u64(&mut value, issued);
                    w.client_put(&key, &value)
                }
                LoadOp::Get => w.client_get(&key),
            };
            issued += 1;
        }
        w.advance(1);
    }
}

/// A proposal's refusal in words.
pub fn dropped_text(e: &ProposalDropped) -> String {
    match e {
        ProposalDropped::NotLeader { leader_hint: Some(l) } => format!("not leader (leader is n{})", l),
        ProposalDropped::NotLeader { leader_hint: None } => "not leader".to_string(),
        ProposalDropped::TransferInProgress => "a leadership transfer is under way".to_string(),
        ProposalDropped::ChangeInProgress => "another membership change is not yet committed".to_string(),
        ProposalDropped::LeaderNotReady => "the leader has not yet committed an entry of its term".to_string(),
        ProposalDropped::InvalidChange => "the change is invalid for the current configuration".to_string(),
    }
}

fn cmp(op: CmpOp, a: u64, b: u64) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// Does `cond` hold now? `Err` says what is the case instead.
pub fn eval(w: &World, cond: &Cond) -> Result<(), String> {
    match cond {
        Cond::LeaderAny => w.leader().map(|_| ()).ok_or_else(|| "no up node is leader".to_string()),
        Cond::LeaderNone => match w.leader() {
            None => Ok(()),
            Some((id, term)) => Err(format!("n{} is leader in term {}", id, term)),
        },
        Cond::LeaderIs(NodeRef::Leader) => leader_id(w).map(|_| ()),
        Cond::LeaderIs(NodeRef::Node(id)) => {
            exists(w, *id)?;
            let Some(s) = w.status(*id) else { return Err(format!("n{} is down", id)) };
            match (s.role == Role::Leader, w.leader()) {
                (true, Some((l, t))) if t > s.current_term => Err(format!("n{} is leader in a higher term {}", l, t)),
                (true, _) => Ok(()),
                (false, Some((l, t))) => Err(format!("n{} is leader in term {}", l, t)),
                (false, None) => Err(format!("no leader; n{} is {} in term {}", id, role_name(s.role), s.current_term)),
            }
        }
        Cond::Role(r, want) => {
            let id = resolve(w, *r)?;
            let have = match w.status(id) {
                None => RoleName::Down,
                Some(s) => match s.role {
                    Role::Follower => RoleName::Follower,
                    Role::PreCandidate => RoleName::PreCandidate,
                    Role::Candidate => RoleName::Candidate,
                    Role::Leader => RoleName::Leader,
                },
            };
            if have == *want {
                Ok(())
            } else {
                Err(format!("n{} is {}", id, role_text(have)))
            }
        }
        Cond::Term(r, op, n) => {
            let id = resolve(w, *r)?;
            let term = match w.status(id) {
                Some(s) => s.current_term,
                None => w.nodes[&id].storage.hard_state.current_term,
            };
            if cmp(*op, term, *n) {
                Ok(())
            } else {
                Err(format!("n{} is in term {}", id, term))
            }
        }
        Cond::Commit(r, op, n) => {
            let id = resolve(w, *r)?;
            let Some(s) = w.status(id) else { return Err(format!("n{} is down", id)) };
            if cmp(*op, s.commit_index, *n) {
                Ok(())
            } else {
                Err(format!("n{}'s commit index is {}", id, s.commit_index))
            }
        }
        Cond::KvEq(r, key, value) => {
            let id = resolve(w, *r)?;
            let node = &w.nodes[&id];
            if !node.is_up() {
                return Err(format!("n{} is down", id));
            }
            match node.kv.get(key) {
                Some(v) if v == value => Ok(()),
                Some(v) => Err(format!("n{} has {} = {}", id, key, v)),
                None => Err(format!("n{} has no {}", id, key)),
            }
        }
        Cond::KvAbsent(r, key) => {
            let id = resolve(w, *r)?;
            let node = &w.nodes[&id];
            if !node.is_up() {
                return Err(format!("n{} is down", id));
            }
            match node.kv.get(key) {
                Some(v) => Err(format!("n{} has {} = {}", id, key, v)),
                None => Ok(()),
            }
        }
        Cond::Sent(ty, op, n) | Cond::Delivered(ty, op, n) => {
            let (counts, what) = match cond {
                Cond::Sent(..) => (&w.network.sent, "sent"),
                _ => (&w.network.delivered, "delivered"),
            };
            let have = counts.get(ty.as_str()).copied().unwrap_or(0);
            if cmp(*op, have, *n) {
                Ok(())
            } else {
                Err(format!("{} {} {}", have, ty, what))
            }
        }
        Cond::SameLog(a, b) => {
            let a = resolve(w, *a)?;
            let b = resolve(w, *b)?;
            same_log(w, a, b)
        }
        Cond::Revision(r, op, n) => {
            let id = resolve(w, *r)?;
            let node = &w.nodes[&id];
            if !node.is_up() {
                return Err(format!("n{} is down", id));
            }
            if cmp(*op, node.kv.revision, *n) {
                Ok(())
            } else {
                Err(format!("n{}'s revision is {}", id, node.kv.revision))
            }
        }
        Cond::Lease(name, want) => {
            let Some(server) = crate::view::build_etcd_server(w) else { return Err("no server is up".to_string()) };
            let state = w.nodes[&server].kv.leases.get(name).map(|l| l.state);
            let want_state = match want {
                LeaseCond::Alive => LeaseState::Alive,
                LeaseCond::Expired => LeaseState::Expired,
                LeaseCond::Revoked => LeaseState::Revoked,
            };
            match state {
                Some(s) if s == want_state => Ok(()),
                Some(s) => Err(format!("lease {} is {} (n{}'s store)", name, s.name(), server)),
                None => Err(format!("n{} has no lease {}", server, name)),
            }
        }
        Cond::WatchSaw { name, key, value } => {
            let watcher = w.etcd.watcher(name).ok_or_else(|| format!("no watch named {}", name))?;
            let kind = if value.is_some() { "put" } else { "delete" };
            if watcher.seen.iter().any(|(k, key2, v)| *k == kind && key2 == key && v == value) {
                Ok(())
            } else {
                Err(format!("watch {} has seen {} events, not that one", name, watcher.events_total))
            }
        }
        Cond::WatchEvents(name, op, n) => {
            let watcher = w.etcd.watcher(name).ok_or_else(|| format!("no watch named {}", name))?;
            if cmp(*op, watcher.events_total, *n) {
                Ok(())
            } else {
                let why = watcher.error.as_ref().map(|e| format!(" (ended: {e})")).unwrap_or_default();
                Err(format!("watch {} has {} events{}", name, watcher.events_total, why))
            }
        }
    }
}

fn role_text(r: RoleName) -> &'static str {
    match r {
        RoleName::Follower => "follower",
        RoleName::PreCandidate => "pre-candidate",
        RoleName::Candidate => "candidate",
        RoleName::Leader => "leader",
        RoleName::Down => "down",
    }
}

/// Identical logs (index, term, command), snapshots included: the same last
/// index, the same entries wherever both hold them, and where one has
/// compacted further, the other's entry at that snapshot point has the
/// snapshot's term (so by log matching the prefixes are the same).
fn same_log(w: &World, a: NodeId, b: NodeId) -> Result<(), String> {
    let (snap_a, ents_a) = w.nodes[&a].log();
    let (snap_b, ents_b) = w.nodes[&b].log();
    let si_a = snap_a.map_or(0, |s| s.last_included_index);
    let si_b = snap_b.map_or(0, |s| s.last_included_index);
    let last_a = si_a + ents_a.len() as u64;
    let last_b = si_b + ents_b.len() as u64;
    if last_a != last_b {
        return Err(format!("n{} has {} entries, n{} has {}", a, last_a, b, last_b));
    }
    let show = |e: Option<&Entry>| match e {
        Some(e) => format!("term {} `{}`", e.term, describe_entry(&e.kind)),
        None => "nothing".to_string(),
    };
    let from = si_a.max(si_b) + 1;
    for index in from..=last_a {
        let ea = crate::world::entry_in(ents_a, index);
        let eb = crate::world::entry_in(ents_b, index);
        if ea != eb {
            return Err(format!("n{} and n{} differ at index {}: {} vs {}", a, b, index, show(ea), show(eb)));
        }
    }
    if si_a != si_b {
        let (hi, hi_id, lo_id) = if si_a > si_b { (snap_a, a, b) } else { (snap_b, b, a) };
        let hi = hi.expect("larger snapshot index means a snapshot");
        let lo_term = w.nodes[&lo_id].term_at(hi.last_included_index);
        if lo_term != Some(hi.last_included_term) {
            return Err(format!(
                "n{}'s snapshot ends at index {} term {}, n{} has term {:?} there",
                hi_id, hi.last_included_index, hi.last_included_term, lo_id, lo_term
            ));
        }
    }
    Ok(())
}
