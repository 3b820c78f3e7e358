//! raft-core beside tikv/raft-rs 0.7 on the same simulated network and load
//! (issue 9). Not a test; `cargo run --release [-- SECONDS]` here.
//!
//! Both run 5 servers with 1 ms ticks, elections after 150–300 ms (raft-rs:
//! election_tick 150, randomized in [150, 300)), heartbeats every 50 ms, a
//! network that delivers each message after 10–30 ms (same seed, same
//! generator), and one put proposed to the leader every millisecond (1,000
//! puts/s). Each host persists into its library's in-memory storage
//! (`MemStorage` / `PersistentState`) before sending, as the libraries
//! prescribe. Prints simulated seconds per wall second ("x real time") and
//! wall nanoseconds per delivered message, for each.

use std::collections::BinaryHeap;
use std::cmp::Reverse;
use std::time::Instant;

const NODES: u64 = 5;

/// xorshift64*: the same delays for both libraries.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn latency(&mut self) -> u64 {
        10 + self.next() % 21
    }
}

/// Messages in flight, delivered in (time, send order).
struct Net<M> {
    heap: BinaryHeap<Reverse<(u64, u64, usize)>>,
    slots: Vec<Option<M>>,
    free: Vec<usize>,
    seq: u64,
    rng: Rng,
    delivered: u64,
}

impl<M> Net<M> {
    fn new() -> Self {
        Net { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), seq: 0, rng: Rng(0x9E37_79B9_7F4A_7C15), delivered: 0 }
    }
    fn send(&mut self, now: u64, m: M) {
        let at = now + self.rng.latency();
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(m);
                i
            }
            None => {
                self.slots.push(Some(m));
                self.slots.len() - 1
            }
        };
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, slot)));
    }
    fn due(&mut self, now: u64, out: &mut Vec<M>) {
        while let Some(Reverse((at, _, slot))) = self.heap.peek().copied() {
            if at > now {
                break;
            }
            self.heap.pop();
            self.free.push(slot);
            if let Some(m) = self.slots[slot].take() {
                out.push(m);
                self.delivered += 1;
            }
        }
    }
}

struct Result {
    wall_s: f64,
    delivered: u64,
    committed: u64,
}

/// What the common loop needs from each library's host.
trait Cluster {
    type Msg;
    fn step(&mut self, m: Self::Msg);
    fn tick_all(&mut self);
    /// Propose `data` to the leader, if there is one.
    fn propose(&mut self, data: Vec<u8>);
    /// Drain every node's Ready (persist, send, apply, advance); returns the
    /// entries applied on the node that applied fewest so far.
    fn drain(&mut self, now: u64, net: &mut Net<Self::Msg>) -> u64;
}

/// One loop for both: each ms deliver, tick, propose one put, drain.
fn drive<C: Cluster>(mut c: C, ms: u64) -> Result {
    let mut net: Net<C::Msg> = Net::new();
    let mut inbox = Vec::new();
    let mut committed = 0;
    let t0 = Instant::now();
    for now in 1..=ms {
        net.due(now, &mut inbox);
        for m in inbox.drain(..) {
            c.step(m);
        }
        c.tick_all();
        c.propose(format!("put k{} v{}", now % 10, now).into_bytes());
        committed = c.drain(now, &mut net);
    }
    Result { wall_s: t0.elapsed().as_secs_f64(), delivered: net.delivered, committed }
}

struct RaftRs {
    nodes: Vec<raft::RawNode<raft::storage::MemStorage>>,
    applied: Vec<u64>,
}

impl Cluster for RaftRs {
    type Msg = raft::prelude::Message;
    fn step(&mut self, m: Self::Msg) {
        let _ = self.nodes[(m.to - 1) as usize].step(m);
    }
    fn tick_all(&mut self) {
        self.nodes.iter_mut().for_each(|n| {
            n.tick();
        });
    }
    fn propose(&mut self, data: Vec<u8>) {
        if let Some(leader) = self.nodes.iter_mut().find(|n| n.raft.state == raft::StateRole::Leader) {
            let _ = leader.propose(vec![], data);
        }
    }
    fn drain(&mut self, now: u64, net: &mut Net<Self::Msg>) -> u64 {
        for (i, n) in self.nodes.iter_mut().enumerate() {
            if !n.has_ready() {
                continue;
            }
            let mut rd = n.ready();
            for m in rd.take_messages() {
                net.send(now, m);
            }
            if !rd.snapshot().is_empty() {
                let _ = n.raft.raft_log.store.wl().apply_snapshot(rd.snapshot().clone());
            }
            self.applied[i] += rd.take_committed_entries().len() as u64;
            if !rd.entries().is_empty() {
                let _ = n.raft.raft_log.store.wl().append(rd.entries());
            }
            if let Some(hs) = rd.hs() {
                n.raft.raft_log.store.wl().set_hardstate(hs.clone());
            }
            for m in rd.take_persisted_messages() {
                net.send(now, m);
            }
            let mut light = n.advance(rd);
            if let Some(commit) = light.commit_index() {
                n.raft.raft_log.store.wl().mut_hard_state().set_commit(commit);
            }
            for m in light.take_messages() {
                net.send(now, m);
            }
            self.applied[i] += light.take_committed_entries().len() as u64;
            n.advance_apply();
        }
        *self.applied.iter().min().unwrap_or(&0)
    }
}

fn run_raft_rs(ms: u64) -> Result {
    use raft::prelude::*;
    use raft::storage::MemStorage;

    let logger = slog::Logger::root(slog::Discard, slog::o!());
    let voters: Vec<u64> = (1..=NODES).collect();
    let nodes = voters
        .iter()
        .map(|&id| {
            let cfg = Config {
                id,
                election_tick: 150,
                heartbeat_tick: 50,
                max_size_per_msg: 1024 * 1024,
                max_inflight_msgs: 256,
                ..Default::default()
            };
            let storage = MemStorage::new_with_conf_state((voters.clone(), vec![]));
            RawNode::new(&cfg, storage, &logger).expect("valid config")
        })
        .collect();
    drive(RaftRs { nodes, applied: vec![0; NODES as usize] }, ms)
}

struct RaftCore {
    nodes: Vec<(raft_core::RawNode, raft_core::PersistentState)>,
    applied: Vec<u64>,
}

impl Cluster for RaftCore {
    type Msg = raft_core::Message;
    fn step(&mut self, m: Self::Msg) {
        self.nodes[(m.to - 1) as usize].0.step(m);
    }
    fn tick_all(&mut self) {
        self.nodes.iter_mut().for_each(|(n, _)| n.tick());
    }
    fn propose(&mut self, data: Vec<u8>) {
        if let Some((leader, _)) = self.nodes.iter_mut().find(|(n, _)| n.role() == raft_core::Role::Leader) {
            let _ = leader.propose(data);
        }
    }
    fn drain(&mut self, now: u64, net: &mut Net<Self::Msg>) -> u64 {
        for (i, (n, storage)) in self.nodes.iter_mut().enumerate() {
            while n.has_ready() {
                let rd = n.ready();
                storage.persist(&rd);
                for m in rd.messages.iter().cloned() {
                    net.send(now, m);
                }
                self.applied[i] += rd.committed_entries.len() as u64;
                n.advance(&rd);
            }
        }
        *self.applied.iter().min().unwrap_or(&0)
    }
}

fn run_raft_core(ms: u64) -> Result {
    use raft_core::{Config, PersistentState, RawNode};

    let voters: Vec<u64> = (1..=NODES).collect();
    let nodes = voters
        .iter()
        .map(|&id| {
            let mut c = Config::new(id, voters.clone(), 0x5EED ^ id);
            c.election_timeout_min = 150;
            c.election_timeout_max = 300;
            c.heartbeat_interval = 50;
            (RawNode::new(c), PersistentState::default())
        })
        .collect();
    drive(RaftCore { nodes, applied: vec![0; NODES as usize] }, ms)
}

fn report(name: &str, seconds: u64, r: &Result) {
    println!(
        "{name:>10}: {seconds} s simulated in {:.3} s wall = {:>6.1}x real time; {} messages delivered, {:.0} ns per message; {} entries committed on every server",
        r.wall_s,
        seconds as f64 / r.wall_s,
        r.delivered,
        r.wall_s * 1e9 / r.delivered.max(1) as f64,
        r.committed
    );
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    println!("5 servers, 1 ms ticks, 10-30 ms latency, 1,000 puts/s, {seconds} s simulated");
    let rs = run_raft_rs(seconds * 1000);
    report("raft-rs", seconds, &rs);
    let core = run_raft_core(seconds * 1000);
    report("raft-core", seconds, &core);
    println!("raft-core / raft-rs wall time: {:.2}", core.wall_s / rs.wall_s);
}
