//! # raft-sim
//!
//! The deterministic world around raft-core: a simulated clock (1 tick = 1 ms),
//! a network with latency, loss, duplication, reordering, partitions and cuts,
//! crashes that keep only persisted state, clients over a key-value state
//! machine, an event trace, invariant and linearizability checks, and the
//! scenario language. A run is a pure function of (scenario, seed).
//!
//! Modules, one concern each:
//! - [`rng`]: the seeded generator every random choice comes from;
//! - [`network`]: messages in flight, latency, loss, duplication, partitions, cuts;
//! - [`kv`]: the key-value state machine (a small etcd: revisions, leases,
//!   txn, change history) with per-client dedup;
//! - [`etcd`]: etcd's clients: lease keep-alives and expiry, watches;
//! - [`shared_map`], [`small_map`]: maps that keep checkpoints and the wasm small;
//! - [`client`]: clients that find the leader, retry, and record the history;
//! - [`world`]: nodes, storage, the clock and the `Ready` loop;
//! - [`invariants`]: the safety checks run after every millisecond;
//! - [`metrics`]: what a run costs (commit latency, throughput, messages, elections);
//! - [`trace`]: typed events and the trace hash;
//! - [`reason`]: raft-core's reasons as the page and the trace hash read them;
//! - [`scenario`]: the scenario language (syntax tree, parser, runner);
//! - [`view`]: the JSON view model shared by the CLI and the page;
//! - [`explore`]: random swarm-style scenarios and a shrinker (`raft-sim explore`).
//!
//! ## Driving it (the CLI, the tests and raft-wasm use the same calls)
//!
//! ```
//! use raft_sim::scenario::parse::parse_script;
//! use raft_sim::Runner;
//!
//! let script = parse_script("cluster 3\nawait leader any within 2s\nput x 1\nrun 500ms\n").unwrap();
//! let mut runner = Runner::new(&script.setup);
//! runner.keep_events(true);                 // collect trace events for take_events()
//! for cmd in &script.commands {
//!     let _ = runner.exec_command(cmd);     // Err(message) = a failure at cmd.line
//! }
//! runner.advance(100);                      // simulated milliseconds
//! let events = runner.take_events();        // trace since the last call
//! runner.finish();                          // end-of-run linearizability check
//! let view = runner.view();                 // the JSON view model
//! assert!(view.ok && !events.is_empty());
//! let checkpoint = runner.clone();          // time travel: clone / compare / assign
//! assert!(checkpoint == runner);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod client;
pub mod disk;
pub mod etcd;
pub mod explore;
pub mod invariants;
pub mod json;
pub mod kv;
pub mod linearizability;
pub mod metrics;
pub mod network;
pub mod reason;
pub mod rng;
pub mod scenario;
pub mod shared_map;
pub mod shared_vec;
pub mod small_map;
pub mod trace;
pub mod view;
pub mod world;

/// The largest cluster, and the largest node id (`n1..n15`): the one place this
/// limit is written. The scenario parser, the world, the explorer and the CLI
/// read it here; raft-wasm exports it to the page (`max_nodes()`). Fifteen
/// servers still fit a readable ring on a phone; Raft itself has no such limit.
pub const MAX_NODES: u64 = 15;

pub use scenario::run::{Failure, Runner};
pub use view::View;
pub use world::World;

/// Parse and run a whole scenario text, honouring its `# expect-violation:`
/// lines; `Err` is a parse error (nothing ran).
pub fn run_text(text: &str) -> Result<Runner, scenario::ast::ParseError> {
    let script = scenario::parse::parse_script(text)?;
    let mut runner = Runner::new(&script.setup);
    runner.expected_violations = expected_violations(text);
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
    }
    runner.finish();
    Ok(runner)
}

/// The invariants a scenario file says it demonstrates on purpose, from
/// comment lines `# expect-violation: linearizability` (names separated by
/// commas or spaces). Such a file passes when exactly these invariants fire
/// (and every expect/await holds) — e.g. a stale read shown to be caught.
/// A file without such a line passes only if no invariant fires (v1).
pub fn expected_violations(text: &str) -> small_map::SmallSet<alloc::string::String> {
    let mut out = small_map::SmallSet::new();
    for line in text.lines() {
        let Some(comment) = line.trim().strip_prefix('#') else { continue };
        let Some(names) = comment.trim().strip_prefix("expect-violation:") else { continue };
        for name in names.split([',', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()) {
            out.insert(alloc::string::String::from(name));
        }
    }
    out
}
