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

/// The switch table: one entry per bug gives its name, its field and the
/// rule it breaks, so adding a bug touches the `bugs!` call below and the one
/// place in the protocol that breaks the rule.
macro_rules! bugs {
    ($($(#[doc = $doc:literal])* $name:literal => $field:ident,)*) => {
        /// "Break Raft" switches: each removes one rule of the paper or the
        /// thesis at run time, so that a test (or a reader) can watch the
        /// invariant checker catch the damage. A checker that is never seen
        /// to fire proves nothing. All off by default.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct Bugs {
            $($(#[doc = $doc])* pub $field: bool,)*
        }

        impl Bugs {
            /// The switches by name, as the scenario language writes them (`set bug NAME on`).
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// Turn the switch `name` on or off; false for an unknown name.
            pub fn set(&mut self, name: &str, on: bool) -> bool {
                match name {
                    $($name => self.$field = on,)*
                    _ => return false,
                }
                true
            }

            fn flags(&self) -> Vec<bool> {
                alloc::vec![$(self.$field),*]
            }
        }
    };
}

bugs! {
    /// Figure 8: count replicas for entries of earlier terms too (paper §5.4.2
    /// says a leader commits only entries of its own term by counting).
    "commit-old-term" => commit_old_term,
    /// Grant votes without the up-to-date check (§5.4.1, the election restriction).
    "no-election-restriction" => no_election_restriction,
    /// Forget `voted_for` within a term: grant a second vote in the same term (§5.2).
    "vote-twice" => vote_twice,
    /// Do not persist `voted_for` (Figure 2 makes it persistent state): after a
    /// restart a server may vote again in the same term.
    "volatile-vote" => volatile_vote,
    /// On a conflicting entry, overwrite it but keep the rest of our old
    /// suffix (Figure 2, AppendEntries rule 3: delete the entry and all that follow).
    "no-truncate" => no_truncate,
    /// A leader serves a read at once, without confirming it is still leader
    /// (thesis §6.4: ReadIndex needs a round of heartbeats).
    "stale-leader-read" => stale_leader_read,
    /// The host's state machine applies a retried client request again
    /// (§8: client id + sequence number make writes take effect once).
    "no-dedup" => no_dedup,
    /// Change several voters in one step, C_old → C_new, skipping joint
    /// consensus (thesis §4.3: two majorities could then decide apart).
    "joint-skip" => joint_skip,
    /// Count learners' acknowledgements toward a commit, against a majority
    /// of the voters alone. Learners never count (thesis §4.2.1).
    "commit-counts-learners" => commit_counts_learners,
    /// During joint consensus, commit on a majority of C_new alone. Thesis
    /// §4.3: commitment needs separate majorities of C_old *and* C_new.
    "commit-one-half-of-joint" => commit_one_half_of_joint,
    /// On a rejected AppendEntries, the leader deletes its own uncommitted
    /// entries from where the follower diverges — repairing the wrong log.
    /// Leader Append-Only (§5.3, Figure 3): a leader never deletes or
    /// overwrites entries in its log.
    "leader-truncates" => leader_truncates,
    /// On restart, rebuild `current_term` from the last log entry instead of
    /// reading it from stable storage. Figure 2: currentTerm is persistent
    /// state (terms only grow, so a server never returns to an old term).
    "forget-term-on-restart" => forget_term_on_restart,
    /// AppendEntries rule 5 without its guard "if leaderCommit > commitIndex":
    /// a stale or short AppendEntries lowers the commit index.
    "commit-goes-back" => commit_goes_back,
    /// Install a snapshot that covers less than the server has already
    /// committed, restoring an older state machine (§7: such a snapshot is
    /// ignored; applied entries are never un-applied).
    "install-stale-snapshot" => install_stale_snapshot,
}

impl Bugs {
    /// The names of the switches that are on.
    pub fn enabled(&self) -> Vec<&'static str> {
        Self::NAMES.iter().zip(self.flags()).filter(|(_, on)| *on).map(|(n, _)| *n).collect()
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
