//! A tiny in-test network for raft-core, in the manner of etcd's
//! `raft_paper_test.go` harness: a set of RawNodes, a FIFO message queue
//! delivered in order, link cuts, crashes and restarts from what was persisted.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raft_core::*;

pub struct Network {
    pub nodes: BTreeMap<NodeId, RawNode>,
    pub configs: BTreeMap<NodeId, Config>,
    /// What each node made durable (Ready contract step 1).
    pub persisted: BTreeMap<NodeId, PersistentState>,
    /// Committed entries each node was handed, in order.
    pub applied: BTreeMap<NodeId, Vec<Entry>>,
    pub events: BTreeMap<NodeId, Vec<CoreEvent>>,
    pub read_states: BTreeMap<NodeId, Vec<ReadState>>,
    pub queue: VecDeque<Message>,
    /// Every message delivered, in order.
    pub delivered: Vec<Message>,
    /// Directed links that drop everything (from, to).
    pub cut: BTreeSet<(NodeId, NodeId)>,
    pub down: BTreeSet<NodeId>,
}

pub fn ids(n: u64) -> Vec<NodeId> {
    (1..=n).collect()
}

impl Network {
    /// `n` voters 1..=n with the paper's defaults; `tweak` adjusts each config.
    pub fn new(n: u64, tweak: impl Fn(&mut Config)) -> Network {
        let mut net = Network::empty();
        for id in 1..=n {
            let mut cfg = Config::new(id, ids(n), 1000 + id);
            tweak(&mut cfg);
            net.add_node(cfg);
        }
        net
    }

    pub fn empty() -> Network {
        Network {
            nodes: BTreeMap::new(),
            configs: BTreeMap::new(),
            persisted: BTreeMap::new(),
            applied: BTreeMap::new(),
            events: BTreeMap::new(),
            read_states: BTreeMap::new(),
            queue: VecDeque::new(),
            delivered: Vec::new(),
            cut: BTreeSet::new(),
            down: BTreeSet::new(),
        }
    }

    pub fn add_node(&mut self, cfg: Config) {
        let id = cfg.id;
        self.nodes.insert(id, RawNode::new(cfg.clone()));
        self.configs.insert(id, cfg);
        self.persisted.insert(id, PersistentState::default());
        self.applied.insert(id, Vec::new());
        self.events.insert(id, Vec::new());
        self.read_states.insert(id, Vec::new());
    }

    /// Add a node that starts from hand-made persisted state.
    pub fn add_restarted(&mut self, cfg: Config, p: PersistentState) {
        let id = cfg.id;
        self.add_node(cfg.clone());
        self.nodes.insert(id, RawNode::restart(cfg, p.clone()));
        self.persisted.insert(id, p);
        self.drain(id);
    }

    /// A cluster of `logs.len()` voters, node i+1 restarted at `term` with the
    /// entry terms `logs[i]` (as in the paper's Figure 7 / Figure 8 drawings).
    pub fn with_logs(term: Term, logs: &[&[Term]], tweak: impl Fn(&mut Config)) -> Network {
        let n = logs.len() as u64;
        let mut net = Network::empty();
        for (i, terms) in logs.iter().enumerate() {
            let id = i as u64 + 1;
            let mut cfg = Config::new(id, ids(n), 500 + id);
            tweak(&mut cfg);
            let entries = terms.iter().enumerate().map(|(k, t)| entry(k as Index + 1, *t)).collect();
            let p = PersistentState {
                hard_state: HardState { current_term: term, voted_for: None },
                snapshot: None,
                entries,
            };
            net.add_restarted(cfg, p);
        }
        net
    }

    pub fn node(&self, id: NodeId) -> &RawNode {
        &self.nodes[&id]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut RawNode {
        self.nodes.get_mut(&id).unwrap()
    }

    pub fn status(&self, id: NodeId) -> Status {
        self.nodes[&id].status()
    }

    /// Drain one node's Ready following the contract in ready.rs.
    pub fn drain(&mut self, id: NodeId) {
        let node = self.nodes.get_mut(&id).unwrap();
        while node.has_ready() {
            let rd = node.ready();
            let p = self.persisted.get_mut(&id).unwrap();
            p.persist(&rd);
            for m in &rd.messages {
                self.queue.push_back(m.clone());
            }
            self.applied.get_mut(&id).unwrap().extend(rd.committed_entries.iter().cloned());
            self.read_states.get_mut(&id).unwrap().extend(rd.read_states.iter().cloned());
            self.events.get_mut(&id).unwrap().extend(rd.events.iter().cloned());
            node.advance(&rd);
        }
    }

    pub fn drain_all(&mut self) {
        let all: Vec<NodeId> = self.nodes.keys().copied().collect();
        for id in all {
            if !self.down.contains(&id) {
                self.drain(id);
            }
        }
    }

    /// Deliver queued messages in order until the network is quiet. Returns how
    /// many were delivered.
    pub fn deliver_all(&mut self) -> usize {
        self.deliver_filtered(|_| true)
    }

    /// Like `deliver_all`, but messages for which `keep` is false are dropped.
    pub fn deliver_filtered(&mut self, keep: impl Fn(&Message) -> bool) -> usize {
        self.drain_all();
        let mut n = 0;
        while let Some(m) = self.queue.pop_front() {
            n += 1;
            assert!(n < 1_000_000, "network never went quiet");
            if self.cut.contains(&(m.from, m.to))
                || self.down.contains(&m.to)
                || !self.nodes.contains_key(&m.to)
                || !keep(&m)
            {
                continue;
            }
            self.delivered.push(m.clone());
            let to = m.to;
            self.node_mut(to).step(m);
            self.drain(to);
        }
        n
    }

    /// Deliver only the messages already queued (one "round"), leaving newly
    /// produced ones queued.
    pub fn deliver_round(&mut self) {
        self.drain_all();
        let batch: Vec<Message> = self.queue.drain(..).collect();
        for m in batch {
            if self.cut.contains(&(m.from, m.to)) || self.down.contains(&m.to) || !self.nodes.contains_key(&m.to) {
                continue;
            }
            self.delivered.push(m.clone());
            let to = m.to;
            self.node_mut(to).step(m);
            self.drain(to);
        }
    }

    pub fn tick(&mut self, id: NodeId) {
        if !self.down.contains(&id) {
            self.node_mut(id).tick();
            self.drain(id);
        }
    }

    /// Tick every live node `n` times, delivering messages after each tick.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            let all: Vec<NodeId> = self.nodes.keys().copied().collect();
            for id in all {
                self.tick(id);
            }
            self.deliver_all();
        }
    }

    /// Force `id` to campaign and let the election play out.
    pub fn elect(&mut self, id: NodeId) {
        self.node_mut(id).campaign();
        self.deliver_all();
        assert_eq!(self.status(id).role, Role::Leader, "node {id} should have won");
    }

    pub fn propose(&mut self, id: NodeId, data: &[u8]) -> Result<Index, ProposalDropped> {
        let r = self.node_mut(id).propose(data.to_vec());
        self.drain(id);
        r
    }

    pub fn isolate(&mut self, id: NodeId) {
        let all: Vec<NodeId> = self.nodes.keys().copied().collect();
        for other in all {
            if other != id {
                self.cut.insert((id, other));
                self.cut.insert((other, id));
            }
        }
    }

    /// Cut every link between the two groups.
    pub fn partition(&mut self, a: &[NodeId], b: &[NodeId]) {
        for &x in a {
            for &y in b {
                self.cut.insert((x, y));
                self.cut.insert((y, x));
            }
        }
    }

    pub fn heal(&mut self) {
        self.cut.clear();
    }

    pub fn crash(&mut self, id: NodeId) {
        self.down.insert(id);
        self.queue.retain(|m| m.to != id && m.from != id);
    }

    pub fn restart(&mut self, id: NodeId) {
        self.down.remove(&id);
        let cfg = self.configs[&id].clone();
        let p = self.persisted[&id].clone();
        // The state machine restarts from the snapshot: forget what was applied.
        self.applied.insert(id, Vec::new());
        self.nodes.insert(id, RawNode::restart(cfg, p));
        self.drain(id);
    }

    pub fn leaders(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(id, n)| !self.down.contains(id) && n.status().role == Role::Leader)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Terms of the entries each node holds after its snapshot.
    pub fn log_terms(&self, id: NodeId) -> Vec<Term> {
        self.nodes[&id].entries().iter().map(|e| e.term).collect()
    }

    pub fn commands_applied(&self, id: NodeId) -> Vec<Vec<u8>> {
        self.applied[&id]
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Command(d) => Some(d.to_vec()),
                _ => None,
            })
            .collect()
    }

    pub fn take_events(&mut self, id: NodeId) -> Vec<CoreEvent> {
        std::mem::take(self.events.get_mut(&id).unwrap())
    }
}

/// Build a message by hand (to exercise one rule in isolation).
pub fn msg(from: NodeId, to: NodeId, term: Term, body: MessageBody) -> Message {
    Message { from, to, term, body }
}

pub fn entry(index: Index, term: Term) -> Entry {
    Entry { index, term, kind: EntryKind::Command(vec![index as u8, term as u8].into()) }
}

pub fn append(prev_log_index: Index, prev_log_term: Term, entries: Vec<Entry>, leader_commit: Index) -> MessageBody {
    MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, read_ctx: 0 }
}

pub fn vote_req(last_log_index: Index, last_log_term: Term) -> MessageBody {
    MessageBody::RequestVote { last_log_index, last_log_term, pre_vote: false, transfer: false }
}

/// A single node restarted from a hand-made log (term per entry), at `term`.
pub fn node_with_log(
    id: NodeId,
    voters: Vec<NodeId>,
    term: Term,
    terms: &[Term],
    tweak: impl Fn(&mut Config),
) -> RawNode {
    let mut cfg = Config::new(id, voters, 7 + id);
    tweak(&mut cfg);
    let entries = terms.iter().enumerate().map(|(i, t)| entry(i as Index + 1, *t)).collect();
    let p = PersistentState { hard_state: HardState { current_term: term, voted_for: None }, snapshot: None, entries };
    let mut n = RawNode::restart(cfg, p);
    let rd = n.ready();
    n.advance(&rd);
    n
}

/// Take the node's Ready and return its messages (and advance).
pub fn take_msgs(n: &mut RawNode) -> Vec<Message> {
    let rd = n.ready();
    n.advance(&rd);
    rd.messages
}

pub fn take_ready(n: &mut RawNode) -> Ready {
    let rd = n.ready();
    n.advance(&rd);
    rd
}
