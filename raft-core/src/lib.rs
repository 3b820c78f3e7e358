//! # raft-core
//!
//! The Raft consensus algorithm as a `#![no_std]` library: no I/O, no clock, no
//! global randomness. A host drives a [`RawNode`] with [`RawNode::tick`],
//! [`RawNode::step`] and [`RawNode::propose`], and drains a [`Ready`] batch.
//! Names follow Figure 2 of the Raft paper (`current_term`, `voted_for`,
//! `commit_index`, `next_index`, `match_index`).
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
