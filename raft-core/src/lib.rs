//! # raft-core
//!
//! The Raft consensus algorithm as a `#![no_std]` library: no I/O, no clock, no
//! global randomness. A host drives a [`RawNode`] with [`RawNode::tick`],
//! [`RawNode::step`] and [`RawNode::propose`], and drains a [`Ready`] batch.
//! Names follow Figure 2 of the Raft paper (`current_term`, `voted_for`,
//! `commit_index`, `next_index`, `match_index`).
//!
//! ## What the host does
//! - **Drive time**: call [`RawNode::tick`] once per tick (1 ms in the
//!   simulator). Election timeouts are drawn from
//!   `[election_timeout_min, election_timeout_max]` and re-drawn at every
//!   reset; the leader sends heartbeats every `heartbeat_interval` ticks.
//! - **Drain [`Ready`]** after every call, in the order documented in
//!   `ready.rs`: persist (hard state, snapshot, entries), send, install the
//!   snapshot / apply committed entries / serve read states, then
//!   [`RawNode::advance`]. A vote or a term is in `hard_state` of the same
//!   Ready as the reply that depends on it.
//! - **Compact** with [`RawNode::compact`]`(index, bytes)` after applying, with
//!   `index <= last_applied` (e.g. when N applied entries sit in the log). The
//!   core keeps the entries after `index`, hands the snapshot back in the next
//!   Ready (`snapshot_install == false`: drop persisted entries `<= index`),
//!   and sends it to followers that need compacted entries.
//! - **Restart** a crashed server with [`RawNode::restart`] from exactly what
//!   it persisted; commit index, role and leader state start over.
//!
//! ## A whole cluster in a few lines
//! Three servers, a perfect in-order "network", and everything persisted at
//! once: tick until someone wins an election, then replicate a command.
//!
//! ```
//! use raft_core::{Config, EntryKind, Message, RawNode, Role};
//!
//! let ids = [1u64, 2, 3];
//! let mut nodes: Vec<RawNode> =
//!     ids.iter().map(|&id| RawNode::new(Config::new(id, ids.to_vec(), 7))).collect();
//! let mut applied: Vec<Vec<Vec<u8>>> = vec![Vec::new(); 3];
//! let mut inbox: Vec<Message> = Vec::new();
//!
//! // One host step: deliver, then drain every node's Ready in the documented order.
//! let mut pump = |nodes: &mut Vec<RawNode>, inbox: &mut Vec<Message>, applied: &mut Vec<Vec<Vec<u8>>>| {
//!     for m in core::mem::take(inbox) {
//!         nodes[(m.to - 1) as usize].step(m);
//!     }
//!     for (i, node) in nodes.iter_mut().enumerate() {
//!         let ready = node.ready();
//!         // (a real host persists ready.hard_state / snapshot / entries here)
//!         inbox.extend(ready.messages.iter().cloned());
//!         for e in &ready.committed_entries {
//!             if let EntryKind::Command(data) = &e.kind {
//!                 applied[i].push(data.to_vec());
//!             }
//!         }
//!         node.advance(&ready);
//!     }
//! };
//!
//! for _ in 0..1000 {
//!     nodes.iter_mut().for_each(|n| n.tick());
//!     pump(&mut nodes, &mut inbox, &mut applied);
//!     if nodes.iter().any(|n| n.status().role == Role::Leader) {
//!         break;
//!     }
//! }
//! let leader = nodes.iter().position(|n| n.status().role == Role::Leader).expect("a leader");
//!
//! // A command proposed to the leader is applied everywhere once a majority stores it.
//! nodes[leader].propose(b"put x 1".to_vec()).expect("the leader accepts");
//! for _ in 0..200 {
//!     nodes.iter_mut().for_each(|n| n.tick());
//!     pump(&mut nodes, &mut inbox, &mut applied);
//! }
//! assert!(applied.iter().all(|a| a == &vec![b"put x 1".to_vec()]));
//! ```
//!
//! ## Membership (thesis ch. 4)
//! A server uses the latest configuration in its log, committed or not.
//! [`RawNode::propose_change`] is accepted only by a leader that has committed
//! an entry of its own term, is not transferring, and has no other change
//! uncommitted. `AddLearner(n)` adds a non-voter; once that entry is committed
//! and `n` has caught up to the commit index, the leader itself appends
//! `PromoteVoter(n)`. `EnterJoint(voters)` first adds each server new to the
//! cluster as a learner (one change at a time) and, once all have caught up,
//! appends C_old,new (decisions need a majority of both); once that is
//! committed the leader appends `LeaveJoint`.
//! A leader not in the new configuration steps down when it commits. A server
//! added later should be created with the cluster's *bootstrap* voters as
//! `initial_voters` (it is not among them, so it waits to be contacted);
//! created with none, it still replicates and votes but never campaigns or
//! compacts until a leader's snapshot tells it the configuration.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod config;
pub mod entries; // LogEntries: a log's entries in shared segments (cheap to clone)
pub mod message;
pub mod node;
pub mod ready;
pub mod reason;
pub mod types;

pub use config::{Bugs, Config};
pub use entries::LogEntries;
pub use message::{ConflictHint, Message, MessageBody};
pub use node::{PeerProgress, ProgressState, QuorumStatus, RawNode, Status};
pub use ready::{ReadState, Ready};
pub use reason::*;
pub use types::*;

// Implementation modules:
mod log; // RaftLog: the snapshot plus the entries after it
pub mod membership; // how config entries turn one configuration into the next
mod progress; // per-peer replication tracking (leader)
pub mod quorum; // pure functions: majority/joint commit index, vote result
mod raft; // the protocol: step per role, timers, Ready
pub mod rng; // SplitMix64: the one seeded generator (election jitter here; raft-sim and the tests build on it)
