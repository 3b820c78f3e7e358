//! # raft-sim
//!
//! The deterministic world around raft-core: a simulated clock (1 tick = 1 ms),
//! a network with latency, loss, duplication, reordering, partitions and cuts,
//! crashes that keep only persisted state, clients over a key-value state
//! machine, an event trace, invariant and linearizability checks, and the
//! scenario language. A run is a pure function of (scenario, seed).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod linearizability;
pub mod scenario;
