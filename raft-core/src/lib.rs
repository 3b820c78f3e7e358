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
//! ## Membership (thesis ch. 4)
//! A server uses the latest configuration in its log, committed or not.
//! [`RawNode::propose_change`] is accepted only by a leader that has committed
//! an entry of its own term, is not transferring, and has no other change
//! uncommitted. `AddLearner(n)` adds a non-voter; once that entry is committed
//! and `n` has caught up to the commit index, the leader itself appends
//! `PromoteVoter(n)`. `EnterJoint(voters)` appends C_old,new (decisions need a
//! majority of both); once it is committed the leader appends `LeaveJoint`.
//! A leader not in the new configuration steps down when it commits. A server
//! added later should be created with the cluster's *bootstrap* voters as
//! `initial_voters` (it is not among them, so it waits to be contacted);
//! created with none, it still replicates and votes but never campaigns or
//! compacts until a leader's snapshot tells it the configuration.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod config;
pub mod message;
pub mod node;
pub mod ready;
pub mod reason;
pub mod types;

pub use config::Config;
pub use message::{ConflictHint, Message, MessageBody};
pub use node::{PeerProgress, ProgressState, RawNode, Status};
pub use ready::{ReadState, Ready};
pub use reason::*;
pub use types::*;

// Implementation modules:
mod log; // RaftLog: the snapshot plus the entries after it
mod membership; // how config entries turn one configuration into the next
mod progress; // per-peer replication tracking (leader)
pub mod quorum; // pure functions: majority/joint commit index, vote result
mod raft; // the protocol: step per role, timers, Ready
mod rng; // seeded generator for election jitter
