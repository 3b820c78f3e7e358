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
    /// Deliberate bugs, all off by default: never switch one on in a real system.
    pub bugs: Bugs,
}

/// "Break Raft" switches: each removes one rule of the paper or the thesis at
/// run time, so that a test (or a reader) can watch the invariant checker
/// catch the damage. A checker that is never seen to fire proves nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Bugs {
    /// Count learners' acknowledgements toward a commit, against a majority
    /// of the voters alone. Learners never count (thesis §4.2.1).
    pub commit_counts_learners: bool,
    /// During joint consensus, commit on a majority of C_new alone. Thesis
    /// §4.3: commitment needs separate majorities of C_old *and* C_new.
    pub commit_one_half_of_joint: bool,
}

impl Bugs {
    /// The switches by name, as the scenario language writes them (`set bug NAME on`).
    pub const NAMES: &'static [&'static str] = &["commit-counts-learners", "commit-one-half-of-joint"];

    /// Turn the switch `name` on or off; false for an unknown name.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let flag = match name {
            "commit-counts-learners" => &mut self.commit_counts_learners,
            "commit-one-half-of-joint" => &mut self.commit_one_half_of_joint,
            _ => return false,
        };
        *flag = on;
        true
    }

    /// The names of the switches that are on.
    pub fn enabled(&self) -> Vec<&'static str> {
        let on = [self.commit_counts_learners, self.commit_one_half_of_joint];
        Self::NAMES.iter().zip(on).filter(|(_, on)| *on).map(|(n, _)| *n).collect()
    }
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
            bugs: Bugs::default(),
        }
    }
}
