//! Randomized safety test: many seeds × lossy, duplicating, reordering network,
//! crashes and restarts from persisted state, partitions, log compaction and
//! client load. After every step the Raft safety properties (paper Figure 3)
//! are checked; at the end the healed cluster must make progress.
use std::collections::{BTreeMap, BTreeSet};

use raft_core::*;

/// The fault generator: raft-core's own SplitMix64, drawn with a plain modulo
/// (the seeds recorded as regressions depend on exactly these draws).
struct Rng(raft_core::rng::SplitMix64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct World {
    seed: u64,
    n: u64,
    rng: Rng,
    cfgs: BTreeMap<NodeId, Config>,
    nodes: BTreeMap<NodeId, RawNode>,
    persisted: BTreeMap<NodeId, PersistentState>,
    /// Index of the last entry each node's state machine applied.
    applied_index: BTreeMap<NodeId, Index>,
    down: BTreeSet<NodeId>,
    cut: BTreeSet<(NodeId, NodeId)>,
    /// (deliver_at, message)
    inflight: Vec<(u64, Message)>,
    now: u64,
    loss: u64,
    dup: u64,
    /// Every entry any node applied, by index: state machine safety.
    committed: BTreeMap<Index, Entry>,
    /// The term in which each committed index was first seen applied (the
    /// applying server's current term: the committing leader's, or later).
    commit_term: BTreeMap<Index, Term>,
    /// Leaders seen per term: election safety.
    leader_of_term: BTreeMap<Term, NodeId>,
    compaction: bool,
    membership_changes: bool,
    proposals: u64,
    /// Reads asked for: ctx → highest index applied anywhere at that moment.
    /// A confirmed read must not be older (linearizable reads, thesis §6.4).
    reads: BTreeMap<u64, Index>,
    next_ctx: u64,
    reads_served: u64,
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(raft_core::rng::SplitMix64::new(seed));
        let n = 3 + rng.below(3);
        let pre_vote = rng.chance(50);
        let check_quorum = rng.chance(50);
        let lease = rng.chance(25);
        let mut w = World {
            seed,
            n,
            cfgs: BTreeMap::new(),
            nodes: BTreeMap::new(),
            persisted: BTreeMap::new(),
            applied_index: BTreeMap::new(),
            down: BTreeSet::new(),
            cut: BTreeSet::new(),
            inflight: Vec::new(),
            now: 0,
            loss: rng.below(15),
            dup: rng.below(10),
            committed: BTreeMap::new(),
            commit_term: BTreeMap::new(),
            leader_of_term: BTreeMap::new(),
            compaction: rng.chance(50),
            membership_changes: rng.chance(50),
            reads: BTreeMap::new(),
            next_ctx: 1,
            reads_served: 0,
            proposals: 0,
            rng,
        };
        // Two spare servers know the bootstrap voters but are not among them:
        // membership changes may add them.
        for id in 1..=n + 2 {
            let mut cfg = Config::new(id, (1..=n).collect(), seed.wrapping_mul(31).wrapping_add(id));
            cfg.pre_vote = pre_vote;
            cfg.check_quorum = check_quorum;
            cfg.max_entries_per_message = 1 + w.rng.below(8) as usize;
            if lease {
                cfg.read_mode = ReadMode::Lease;
            }
            w.nodes.insert(id, RawNode::new(cfg.clone()));
            w.cfgs.insert(id, cfg);
            w.persisted.insert(id, PersistentState::default());
            w.applied_index.insert(id, 0);
        }
        w
    }

    fn drain(&mut self, id: NodeId) {
        loop {
            let node = self.nodes.get_mut(&id).unwrap();
            if !node.has_ready() {
                break;
            }
            let rd = node.ready();
            let term_now = node.status().current_term;
            let p = self.persisted.get_mut(&id).unwrap();
            if let Some(s) = rd.snapshot.as_ref().filter(|_| rd.snapshot_install) {
                // State machine safety for snapshots: its last entry is the committed one.
                if let Some(c) = self.committed.get(&s.last_included_index) {
                    assert_eq!(c.term, s.last_included_term, "installed snapshot disagrees with committed entry");
                }
                let a = self.applied_index.get_mut(&id).unwrap();
                assert!(s.last_included_index > *a, "snapshot installed behind applied");
                *a = s.last_included_index;
            }
            p.persist(&rd);
            for e in &rd.committed_entries {
                let a = self.applied_index.get_mut(&id).unwrap();
                assert_eq!(e.index, *a + 1, "node {id} applies in order without gaps");
                *a = e.index;
                match self.committed.get(&e.index) {
                    Some(c) => assert_eq!(c, e, "state machine safety at index {}", e.index),
                    None => {
                        self.committed.insert(e.index, e.clone());
                        self.commit_term.insert(e.index, term_now);
                    }
                }
            }
            for r in &rd.read_states {
                let floor = self.reads[&r.ctx];
                assert!(
                    r.index >= floor,
                    "seed {}: stale read: ctx {} index {} < committed {}",
                    self.seed,
                    r.ctx,
                    r.index,
                    floor
                );
                self.reads_served += 1;
            }
            for m in &rd.messages {
                if self.cut.contains(&(m.from, m.to)) || self.rng.chance(self.loss) {
                    continue;
                }
                let copies = if self.rng.chance(self.dup) { 2 } else { 1 };
                for _ in 0..copies {
                    let at = self.now + 1 + self.rng.below(30);
                    self.inflight.push((at, m.clone()));
                }
            }
            self.nodes.get_mut(&id).unwrap().advance(&rd);
        }
    }

    fn check(&mut self) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for &id in &ids {
            if self.down.contains(&id) {
                continue;
            }
            let st = self.nodes[&id].status();
            assert!(st.commit_index <= st.last_index);
            if st.role == Role::Leader {
                if let Some(&prev) = self.leader_of_term.get(&st.current_term) {
                    assert_eq!(
                        prev, id,
                        "seed {}: election safety: two leaders in term {}",
                        self.seed, st.current_term
                    );
                    continue;
                }
                self.leader_of_term.insert(st.current_term, id);
                // Leader completeness: when it is elected, a leader holds every
                // entry committed (here: applied anywhere) in an earlier term.
                // Not those committed in its own term or later: votes cast
                // before a later leader committed something can arrive late
                // and elect a leader of an older term that lacks it (seed
                // 156448); nor may a deposed leader that has not heard of its
                // successor be expected to hold them.
                let node = &self.nodes[&id];
                let first = st.snapshot_index + 1;
                for (idx, c) in self.committed.range(first..) {
                    if self.commit_term.get(idx).is_some_and(|&t| t >= st.current_term) {
                        continue;
                    }
                    let e = node.entries().get((idx - first) as usize);
                    if e != Some(c) {
                        self.dump();
                    }
                    assert_eq!(
                        e,
                        Some(c),
                        "seed {}: leader completeness: leader {id} term {} index {idx}",
                        self.seed,
                        st.current_term
                    );
                }
            }
        }
        if self.now & 15 != 0 {
            return;
        }
        // Log matching: same index and term ⇒ identical prefixes (where both
        // still hold entries).
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let la = self.nodes[&a].entries();
                let lb = self.nodes[&b].entries();
                let (Some(fa), Some(fb)) = (la.first().map(|e| e.index), lb.first().map(|e| e.index)) else { continue };
                let lo = fa.max(fb);
                let hi = (fa + la.len() as u64).min(fb + lb.len() as u64);
                if lo >= hi {
                    continue;
                }
                let sa: Vec<_> = la.range((lo - fa) as usize..(hi - fa) as usize).collect();
                let sb: Vec<_> = lb.range((lo - fb) as usize..(hi - fb) as usize).collect();
                if let Some(h) = (0..sa.len()).rev().find(|&k| sa[k].term == sb[k].term) {
                    assert_eq!(&sa[..=h], &sb[..=h], "log matching between {a} and {b}");
                }
            }
        }
    }

    fn dump(&self) {
        eprintln!(
            "now={} committed={:?}",
            self.now,
            self.committed.iter().map(|(i, e)| (*i, e.term)).collect::<Vec<_>>()
        );
        for (id, n) in &self.nodes {
            let mut st = n.status();
            st.progress.clear();
            eprintln!("down={} {st:?}", self.down.contains(id));
            eprintln!("   log={:?}", n.entries().iter().map(|e| (e.index, e.term)).collect::<Vec<_>>());
            eprintln!(
                "   persisted={:?} applied={}",
                self.persisted[id].entries.iter().map(|e| (e.index, e.term)).collect::<Vec<_>>(),
                self.applied_index[id]
            );
        }
    }

    fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter(|(id, _)| !self.down.contains(id))
            .map(|(id, n)| (*id, n.status()))
            .filter(|(_, s)| s.role == Role::Leader)
            .max_by_key(|(_, s)| s.current_term)
            .map(|(id, _)| id)
    }

    fn step_time(&mut self) {
        self.now += 1;
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for &id in &ids {
            if !self.down.contains(&id) {
                self.nodes.get_mut(&id).unwrap().tick();
                self.drain(id);
            }
        }
        let now = self.now;
        let (due, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.inflight).into_iter().partition(|(at, _)| *at <= now);
        self.inflight = later;
        for (_, m) in due {
            if self.down.contains(&m.to) || self.cut.contains(&(m.from, m.to)) {
                continue;
            }
            let to = m.to;
            self.nodes.get_mut(&to).unwrap().step(m);
            self.drain(to);
        }
        self.check();
    }

    fn random_action(&mut self) {
        let r = self.rng.below(1000);
        let total = self.n + 2;
        let id = 1 + self.rng.below(total);
        if r < 60 {
            if let Some(l) = self.leader() {
                self.proposals += 1;
                let data = self.proposals.to_le_bytes().to_vec();
                let _ = self.nodes.get_mut(&l).unwrap().propose(data);
                self.drain(l);
            }
        } else if r < 63 {
            // Crash, keeping at most a minority of all servers down.
            if !self.down.contains(&id) && (self.down.len() as u64 + 1) * 2 < total {
                self.down.insert(id);
                self.inflight.retain(|(_, m)| m.to != id);
            }
        } else if r < 68 {
            if self.down.remove(&id) {
                let node = RawNode::restart(self.cfgs[&id].clone(), self.persisted[&id].clone());
                self.nodes.insert(id, node);
                let snap = self.persisted[&id].snapshot.as_ref().map_or(0, |s| s.last_included_index);
                self.applied_index.insert(id, snap);
                self.drain(id);
            }
        } else if r < 70 {
            // Partition a random node off, or cut a random link.
            let other = 1 + self.rng.below(total);
            if other != id {
                self.cut.insert((id, other));
                if self.rng.chance(50) {
                    self.cut.insert((other, id));
                }
            }
        } else if r < 74 {
            self.cut.clear();
        } else if r < 78 && self.compaction && !self.down.contains(&id) {
            let a = self.applied_index[&id];
            if a > 0 {
                self.nodes.get_mut(&id).unwrap().compact(a, a.to_le_bytes().to_vec());
                self.drain(id);
            }
        } else if r < 80 && !self.down.contains(&id) {
            self.nodes.get_mut(&id).unwrap().campaign();
            self.drain(id);
        } else if r < 82 {
            if let Some(l) = self.leader() {
                self.nodes.get_mut(&l).unwrap().transfer_leader(id);
                self.drain(l);
            }
        } else if r < 85 || (120..160).contains(&r) {
            // Ask any server that believes it leads (possibly a deposed one).
            let leaders: Vec<NodeId> = self
                .nodes
                .iter()
                .filter(|(i, n)| !self.down.contains(i) && n.role() == Role::Leader)
                .map(|(i, _)| *i)
                .collect();
            if !leaders.is_empty() {
                let l = leaders[self.rng.below(leaders.len() as u64) as usize];
                let ctx = self.next_ctx;
                self.next_ctx += 1;
                let floor = self.committed.keys().next_back().copied().unwrap_or(0);
                self.reads.insert(ctx, floor);
                self.nodes.get_mut(&l).unwrap().read_index(ctx);
                self.drain(l);
            }
        } else if r < 87 && self.membership_changes {
            if let Some(l) = self.leader() {
                let m = self.nodes[&l].status().membership;
                let change = match self.rng.below(3) {
                    0 if !m.voters.contains(&id) && !m.learners.contains(&id) => ConfigChange::AddLearner(id),
                    1 if m.voters.len() > 2 => ConfigChange::Remove(id),
                    _ => {
                        let mut set: Vec<NodeId> = (1..=total).filter(|_| self.rng.chance(60)).collect();
                        if set.len() < 2 {
                            set = vec![id, 1 + id % total];
                        }
                        ConfigChange::EnterJoint(set)
                    }
                };
                let _ = self.nodes.get_mut(&l).unwrap().propose_change(change);
                self.drain(l);
            }
        }
        self.step_time();
    }
}

/// Returns how many entries were committed during the run.
fn run_seed(seed: u64, steps: u64) -> usize {
    let mut w = World::new(seed);
    for _ in 0..steps {
        w.random_action();
    }
    // Heal: everything up, no cuts, no loss.
    w.cut.clear();
    w.loss = 0;
    w.dup = 0;
    let down: Vec<NodeId> = w.down.iter().copied().collect();
    for id in down {
        w.down.remove(&id);
        let node = RawNode::restart(w.cfgs[&id].clone(), w.persisted[&id].clone());
        w.nodes.insert(id, node);
        let snap = w.persisted[&id].snapshot.as_ref().map_or(0, |s| s.last_included_index);
        w.applied_index.insert(id, snap);
        w.drain(id);
    }
    // Liveness once healed: a "final" command gets committed. (A leader may
    // still be deposed now and then, e.g. by a member whose term ran ahead
    // while it was cut off, so keep proposing to whichever leader exists
    // until one commits it. Removed servers cannot do that for long: §4.2.3,
    // see `ignores_vote_request` in raft-core.)
    for _ in 0..2000 {
        w.step_time();
    }
    let mut done = false;
    for t in 0..6000u64 {
        if t % 100 == 0 {
            if let Some(l) = w.leader() {
                let _ = w.nodes.get_mut(&l).unwrap().propose(b"final".to_vec());
                w.drain(l);
            }
        }
        w.step_time();
        if w.committed.values().any(|e| e.kind == EntryKind::Command(b"final".as_slice().into())) {
            done = true;
            break;
        }
    }
    if !done {
        for n in w.nodes.values() {
            let mut st = n.status();
            st.progress.clear();
            eprintln!("{st:?}");
        }
        panic!("seed {seed}: healed cluster committed nothing");
    }
    eprintln!("seed {seed}: {} committed, {} reads served", w.committed.len(), w.reads_served);
    w.committed.len()
}

/// Seeds that once failed, kept as regressions (each runs whatever the
/// RAFT_SEEDS setting).
/// - 112347: voters {n1, n6}, n2 and n4 removed, then crashed and restarted.
///   Their commit index is volatile, so their removal looks uncommitted to
///   them and they campaign; no leader tracks them to say otherwise. Without
///   CheckQuorum nothing made n1/n6 ignore their RequestVotes, so each new
///   leader was deposed before it committed its no-op: terms climbed from 21
///   to 48 and the healed cluster committed nothing for 8 s. Fixed by
///   applying thesis §4.2.3 to candidates outside the configuration always.
#[test]
fn seeds_that_once_failed() {
    // 156448: a term-2 leader elected by votes cast before a term-3 leader
    // committed index 1 (the test's own leader-completeness check was too
    // strict: it applies to leaders of later terms only).
    // 186465: voters {n2, n3}; n3 lags and still counts the removed n1 as a
    // voter, so it adopted n1's ever higher terms and deposed n2 while n2 was
    // repairing n3's log (one entry per AppendEntries): terms 26 -> 53,
    // nothing committed for 6 s. Fixed by RequestVote saying when its
    // candidate is outside its own latest configuration (`removed`): servers
    // that hear a leader ignore it (§4.2.3, `ignores_vote_request`).
    for seed in [112347, 156448, 186465] {
        run_seed(seed, 5000);
    }
}

#[test]
fn random_faults_never_break_safety_and_healed_clusters_make_progress() {
    let seeds: u64 = std::env::var("RAFT_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(24);
    let first: u64 = std::env::var("RAFT_FIRST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut total = 0;
    for seed in first..first + seeds {
        total += run_seed(seed, 5000);
    }
    // The faults are not so heavy that nothing happens: on average the
    // clusters commit plenty of entries.
    assert!(total as u64 > 20 * seeds, "only {total} entries committed over {seeds} seeds");
}
