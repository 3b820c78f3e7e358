//! Static configuration of one server.

use alloc::vec::Vec;

use crate::types::{NodeId, ReadMode};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    pub id: NodeId,
    /// The initial voter set, used only when there is no persisted state
    /// (a fresh cluster). Empty for a server that joins later: it waits to be
    /// contacted by a leader and never campaigns on its own.
    pub initial_voters: Vec<NodeId>,
    /// Election timeouts are drawn uniformly from this inclusive range of ticks
    /// (1 tick = 1 ms in the simulator). Paper default 150..=300.
    pub election_timeout_min: u64,
    pub election_timeout_max: u64,
    /// Leader heartbeat interval in ticks. Default 50.
    pub heartbeat_interval: u64,
    /// Pre-Vote phase (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum: a leader steps down when it has not heard from a quorum
    /// within an election timeout. Also enables ignoring RequestVote while a
    /// leader is heard from (thesis §4.2.3).
    pub check_quorum: bool,
    pub read_mode: ReadMode,
    /// Seed of this server's election-timeout generator.
    pub seed: u64,
    /// Most entries carried by one AppendEntries.
    pub max_entries_per_message: usize,
}

impl Config {
    /// The paper's defaults for server `id` in a cluster of `initial_voters`.
    pub fn new(id: NodeId, initial_voters: Vec<NodeId>, seed: u64) -> Config {
        Config {
            id,
            initial_voters,
            election_timeout_min: 150,
            election_timeout_max: 300,
            heartbeat_interval: 50,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::ReadIndex,
            seed,
            max_entries_per_message: 64,
        }
    }
}
