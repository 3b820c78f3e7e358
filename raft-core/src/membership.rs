//! Membership arithmetic (thesis ch. 4): how a `ConfigChange` entry turns one
//! configuration into the next. A server always uses the *latest*
//! configuration in its log, committed or not (thesis §4.1), so the core
//! recomputes it by folding the log's config entries over a base.

use alloc::vec::Vec;

use crate::entries::LogEntries;
use crate::types::{ConfigChange, EntryKind, Index, Membership, NodeId, Snapshot};

/// The configuration in force on a server whose log is `snapshot` + `entries`
/// and ends at `index`: the snapshot's configuration (or, without one,
/// `initial_voters`) with every config entry up to `index` applied in order.
/// Thesis §4.1: a server uses the latest configuration in its log, committed
/// or not — so this is also what a leader counts votes and commits against
/// while its log ends at `index`. (The invariant checker uses it too.)
pub fn membership_at(
    snapshot: Option<&Snapshot>,
    initial_voters: &[NodeId],
    entries: &LogEntries,
    index: Index,
) -> Membership {
    let mut m = match snapshot {
        Some(s) => s.membership.clone(),
        None => {
            let mut voters = initial_voters.to_vec();
            voters.sort_unstable();
            voters.dedup();
            Membership { voters, ..Default::default() }
        }
    };
    for e in entries.iter().take_while(|e| e.index <= index) {
        if let EntryKind::Config(c) = &e.kind {
            apply_change(&mut m, c);
        }
    }
    m
}

/// Apply one logged change to `m`.
pub(crate) fn apply_change(m: &mut Membership, change: &ConfigChange) {
    match change {
        ConfigChange::AddLearner(n) => {
            if !is_member(m, *n) {
                m.learners.push(*n);
            }
        }
        ConfigChange::PromoteVoter(n) => {
            m.learners.retain(|x| x != n);
            if !m.voters.contains(n) {
                m.voters.push(*n);
            }
        }
        ConfigChange::Remove(n) => {
            m.voters.retain(|x| x != n);
            m.learners.retain(|x| x != n);
        }
        ConfigChange::EnterJoint(new_voters) => {
            // C_old,new: decisions need a majority of the old voters and of the new.
            m.voters_outgoing = core::mem::take(&mut m.voters);
            let mut v: Vec<NodeId> = Vec::new();
            for n in new_voters {
                if !v.contains(n) {
                    v.push(*n);
                }
            }
            m.learners.retain(|x| !v.contains(x));
            m.voters = v;
        }
        ConfigChange::LeaveJoint => {
            m.voters_outgoing.clear();
        }
    }
    m.voters.sort_unstable();
    m.voters_outgoing.sort_unstable();
    m.learners.sort_unstable();
}

/// A voter of the current configuration (of either half during joint consensus).
pub(crate) fn is_voter(m: &Membership, id: NodeId) -> bool {
    m.voters.contains(&id) || m.voters_outgoing.contains(&id)
}

pub(crate) fn is_member(m: &Membership, id: NodeId) -> bool {
    is_voter(m, id) || m.learners.contains(&id)
}

pub(crate) fn is_joint(m: &Membership) -> bool {
    !m.voters_outgoing.is_empty()
}

/// Every server the leader replicates to (voters of both halves and learners),
/// sorted and without duplicates.
pub(crate) fn all_members(m: &Membership) -> Vec<NodeId> {
    let mut all: Vec<NodeId> = m.voters.iter().chain(&m.voters_outgoing).chain(&m.learners).copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Is `change` a sensible next step from `m`? (Single-server changes outside
/// joint consensus only; the leader enforces one change at a time elsewhere.)
pub(crate) fn is_valid_change(m: &Membership, change: &ConfigChange) -> bool {
    match change {
        ConfigChange::AddLearner(n) => !is_joint(m) && !is_member(m, *n),
        ConfigChange::PromoteVoter(n) => !is_joint(m) && m.learners.contains(n),
        ConfigChange::Remove(n) => !is_joint(m) && is_member(m, *n) && !(m.voters.len() == 1 && m.voters.contains(n)),
        ConfigChange::EnterJoint(new_voters) => {
            if is_joint(m) || new_voters.is_empty() {
                return false;
            }
            let mut a: Vec<NodeId> = new_voters.clone();
            a.sort_unstable();
            a.dedup();
            a != m.voters
        }
        ConfigChange::LeaveJoint => is_joint(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn single_server_and_joint_changes() {
        let mut m = Membership { voters: vec![1, 2, 3], ..Default::default() };
        apply_change(&mut m, &ConfigChange::AddLearner(4));
        assert_eq!(m.learners, [4]);
        assert!(!is_voter(&m, 4) && is_member(&m, 4));
        apply_change(&mut m, &ConfigChange::PromoteVoter(4));
        assert_eq!((m.voters.clone(), m.learners.len()), (vec![1, 2, 3, 4], 0));
        apply_change(&mut m, &ConfigChange::Remove(1));
        assert_eq!(m.voters, [2, 3, 4]);
        apply_change(&mut m, &ConfigChange::EnterJoint(vec![4, 5, 6]));
        assert_eq!((m.voters.clone(), m.voters_outgoing.clone()), (vec![4, 5, 6], vec![2, 3, 4]));
        assert!(is_voter(&m, 2) && is_voter(&m, 6));
        assert!(!is_valid_change(&m, &ConfigChange::AddLearner(9)), "one change at a time");
        apply_change(&mut m, &ConfigChange::LeaveJoint);
        assert!(!is_voter(&m, 2) && !is_joint(&m));
        assert!(!is_valid_change(&m, &ConfigChange::PromoteVoter(2)));
        assert!(!is_valid_change(&m, &ConfigChange::EnterJoint(vec![6, 5, 4])), "same set");
    }
}
