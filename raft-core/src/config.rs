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
    /// Batching (thesis §10.2.2): after a client proposal the leader waits up
    /// to this many ticks before sending it, so proposals arriving meanwhile
    /// travel in the same AppendEntries. 0 (default) sends at once. Only
    /// client proposals wait: heartbeats, probes, the no-op of a new term and
    /// membership changes leave as before.
    pub batch_delay: u64,
    /// Pipelining (thesis §10.2.2): while streaming to a follower (Replicate),
    /// send further AppendEntries before the earlier ones are acknowledged, up
    /// to `max_inflight` at a time. Off = stop-and-wait: one AppendEntries
    /// carrying entries in flight per follower. Default on.
    pub pipeline: bool,
    /// Most AppendEntries carrying entries in flight to one follower while
    /// pipelining (etcd's `MaxInflightMsgs`). Default `usize::MAX`: unbounded,
    /// the optimistic streaming this crate always did (every proposal goes
    /// out at once to every streaming follower, whatever is outstanding).
    pub max_inflight: usize,
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
            batch_delay: 0,
            pipeline: true,
            max_inflight: usize::MAX,
            bugs: Bugs::default(),
        }
    }

    /// The window of AppendEntries in flight per streaming follower that
    /// `pipeline` and `max_inflight` together allow: 1 without pipelining.
    pub fn effective_max_inflight(&self) -> usize {
        if self.pipeline {
            self.max_inflight
        } else {
            1
        }
    }

    /// Check that this configuration makes sense, with the reason when it does
    /// not. `RawNode::new` refuses an invalid one (as etcd's `newRaft` does)
    /// rather than quietly adjusting it: a host that sets a heartbeat longer
    /// than the election timeout has a bug worth hearing about, not a cluster
    /// that silently runs with other timings than it asked for.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.initial_voters.iter().enumerate().any(|(i, v)| self.initial_voters[..i].contains(v)) {
            return Err("the initial voters list a server twice");
        }
        if self.election_timeout_min == 0 {
            return Err("the election timeout must be at least 1 tick");
        }
        if self.election_timeout_min > self.election_timeout_max {
            return Err("the election timeout range is empty: its minimum is above its maximum");
        }
        if self.heartbeat_interval == 0 {
            return Err("the heartbeat interval must be at least 1 tick");
        }
        // §5.6: followers must hear heartbeats well within their election
        // timeout, or they start elections against a healthy leader.
        if self.heartbeat_interval >= self.election_timeout_min {
            return Err("the heartbeat interval must be shorter than the smallest election timeout (§5.6)");
        }
        if self.max_entries_per_message == 0 {
            return Err("an AppendEntries must be allowed to carry at least 1 entry");
        }
        // A window of 0 would never let an entry leave: nothing could commit.
        if self.max_inflight == 0 {
            return Err("max-inflight must allow at least 1 AppendEntries in flight per follower");
        }
        // A batch delay as long as the election timeout would hold entries
        // back past the point where followers give up on the leader's log
        // being current; almost certainly a unit mistake.
        if self.batch_delay >= self.election_timeout_min {
            return Err("the batch delay must be shorter than the smallest election timeout");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn the_default_configuration_is_valid() {
        assert_eq!(Config::new(1, vec![1, 2, 3], 7).validate(), Ok(()));
        // A server that joins later has no initial voters: valid.
        assert_eq!(Config::new(4, vec![], 7).validate(), Ok(()));
    }

    #[test]
    fn pipelining_off_means_a_window_of_one() {
        let mut c = Config::new(1, vec![1, 2, 3], 7);
        assert_eq!(c.effective_max_inflight(), usize::MAX, "default: unbounded, as before");
        c.max_inflight = 4;
        assert_eq!(c.effective_max_inflight(), 4);
        c.pipeline = false;
        assert_eq!(c.effective_max_inflight(), 1, "stop-and-wait whatever max-inflight says");
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        let base = Config::new(1, vec![1, 2, 3], 7);
        type Case = (&'static str, fn(&mut Config));
        let cases: [Case; 8] = [
            ("range is empty", |c| c.election_timeout_min = 400),
            ("at least 1 tick", |c| c.election_timeout_min = 0),
            ("heartbeat interval must be at least", |c| c.heartbeat_interval = 0),
            ("shorter than the smallest election timeout", |c| c.heartbeat_interval = 150),
            ("at least 1 entry", |c| c.max_entries_per_message = 0),
            ("twice", |c| c.initial_voters = vec![1, 2, 2]),
            ("at least 1 AppendEntries in flight", |c| c.max_inflight = 0),
            ("batch delay must be shorter", |c| c.batch_delay = 150),
        ];
        for (want, break_it) in cases {
            let mut c = base.clone();
            break_it(&mut c);
            let got = c.validate().expect_err(want);
            assert!(got.contains(want), "{got:?} should say {want:?}");
        }
    }
}
