//! Pure quorum arithmetic: which index a majority has replicated, and whether
//! an election is won, lost or still open — for a single configuration and for
//! joint consensus (thesis §4.3), where a decision needs a majority of *both*
//! C_old and C_new.
//!
//! Convention (as in etcd): an *empty* configuration imposes no constraint, so
//! its commit index is `Index::MAX` and its vote is `Won`. That makes the joint
//! functions work unchanged outside joint consensus (empty outgoing set). The
//! caller must itself refuse to decide anything when it has no voters at all.

use alloc::vec::Vec;

use crate::types::{Index, Membership, NodeId};

/// Outcome of counting votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// A majority granted.
    Won,
    /// A majority can no longer be reached.
    Lost,
    /// Still waiting for answers.
    Pending,
}

/// How many of `voters` servers make a majority.
pub fn majority(voters: usize) -> usize {
    voters / 2 + 1
}

/// The highest index stored on a majority, given one `match_index` per voter
/// (the leader includes its own last index). Sorting descending, the entry at
/// position `n / 2` is held by that server and every server before it:
/// `n / 2 + 1` servers, a majority.
pub fn majority_commit_index(match_indexes: &[Index]) -> Index {
    if match_indexes.is_empty() {
        return Index::MAX;
    }
    let mut sorted: Vec<Index> = match_indexes.to_vec();
    sort_descending(&mut sorted);
    sorted[sorted.len() / 2]
}

/// Highest index first. Sorted ascending and then reversed (the same result
/// for plain numbers), so the compiled program keeps one sorting routine for
/// all its `sort_unstable` calls on ids and indexes instead of one more for a
/// descending comparison.
pub fn sort_descending(indexes: &mut [Index]) {
    indexes.sort_unstable();
    indexes.reverse();
}

/// Joint consensus: an index is committed only when a majority of C_new
/// (`incoming`) *and* a majority of C_old (`outgoing`) store it.
pub fn joint_commit_index(incoming: &[Index], outgoing: &[Index]) -> Index {
    majority_commit_index(incoming).min(majority_commit_index(outgoing))
}

/// The value a quorum of `m`'s voters has reached — of both C_new and C_old
/// while `m` is joint — given what each voter has acknowledged (`acked`, etcd's
/// `AckedIndexer`). One function serves every "has a quorum got this far?"
/// question the leader asks: the commit index (acked = match index), ReadIndex
/// (acked = heartbeat round) and the lease (acked = when the acknowledged round
/// was sent). `Index::MAX` when `m` has no voters.
pub fn joint_acked<F: Fn(NodeId) -> Index>(m: &Membership, acked: F) -> Index {
    let incoming: Vec<Index> = m.voters.iter().map(|id| acked(*id)).collect();
    let outgoing: Vec<Index> = m.voters_outgoing.iter().map(|id| acked(*id)).collect();
    joint_commit_index(&incoming, &outgoing)
}

/// Count the votes of `voters`: `granted` and `rejected` list who answered
/// (ids outside `voters` are ignored).
pub fn vote_result(voters: &[NodeId], granted: &[NodeId], rejected: &[NodeId]) -> VoteResult {
    if voters.is_empty() {
        return VoteResult::Won;
    }
    let yes = voters.iter().filter(|v| granted.contains(v)).count();
    let no = voters.iter().filter(|v| rejected.contains(v) && !granted.contains(v)).count();
    let need = majority(voters.len());
    if yes >= need {
        VoteResult::Won
    } else if voters.len() - no < need {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

/// Joint consensus: won only when won in both configurations, lost as soon as
/// it is lost in either.
pub fn joint_vote_result(
    incoming: &[NodeId],
    outgoing: &[NodeId],
    granted: &[NodeId],
    rejected: &[NodeId],
) -> VoteResult {
    let a = vote_result(incoming, granted, rejected);
    let b = vote_result(outgoing, granted, rejected);
    match (a, b) {
        (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
        (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
        _ => VoteResult::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_acked_needs_a_quorum_of_each_configuration() {
        use alloc::vec;
        // Acknowledged value = the voter's id times ten.
        let acked = |id: NodeId| id * 10;
        let simple = Membership { voters: vec![1, 2, 3], ..Default::default() };
        assert_eq!(joint_acked(&simple, acked), 20, "2 of 3 voters reached 20");
        let joint = Membership { voters: vec![1, 2, 3], voters_outgoing: vec![1, 4, 5], ..Default::default() };
        assert_eq!(joint_acked(&joint, acked), 20, "C_new reached 20, C_old 40: both must");
        let learners_do_not_count = Membership { voters: vec![1], learners: vec![9], ..Default::default() };
        assert_eq!(joint_acked(&learners_do_not_count, acked), 10);
        assert_eq!(joint_acked(&Membership::default(), acked), Index::MAX, "no voters: no constraint");
    }

    #[test]
    fn majority_of_n_voters() {
        assert_eq!([1, 2, 3, 4, 5, 15].map(majority), [1, 2, 2, 3, 3, 8]);
    }

    #[test]
    fn majority_commit_index_picks_the_median_from_the_top() {
        assert_eq!(majority_commit_index(&[5]), 5);
        assert_eq!(majority_commit_index(&[5, 1]), 1, "two voters need both");
        assert_eq!(majority_commit_index(&[5, 3, 1]), 3);
        assert_eq!(majority_commit_index(&[1, 5, 3, 2]), 2, "four voters need three");
        assert_eq!(majority_commit_index(&[7, 7, 1, 1, 7]), 7);
        assert_eq!(majority_commit_index(&[0, 0, 9, 9, 0]), 0);
        assert_eq!(majority_commit_index(&[]), Index::MAX);
    }

    #[test]
    fn joint_commit_index_is_the_minimum_of_both_majorities() {
        // C_new has 8 on a majority, C_old only 4.
        assert_eq!(joint_commit_index(&[8, 8, 1], &[8, 4, 4, 1, 0]), 4);
        assert_eq!(joint_commit_index(&[2, 2, 1], &[9, 9, 9]), 2);
        // Outside joint consensus the outgoing set is empty and changes nothing.
        assert_eq!(joint_commit_index(&[3, 6, 9], &[]), 6);
    }

    #[test]
    fn vote_result_majority() {
        let v = [1, 2, 3];
        assert_eq!(vote_result(&v, &[1], &[]), VoteResult::Pending);
        assert_eq!(vote_result(&v, &[1, 2], &[]), VoteResult::Won);
        assert_eq!(vote_result(&v, &[1], &[2]), VoteResult::Pending);
        assert_eq!(vote_result(&v, &[1], &[2, 3]), VoteResult::Lost);
        // Votes from non-voters do not count.
        assert_eq!(vote_result(&v, &[1, 4, 5], &[]), VoteResult::Pending);
        let four = [1, 2, 3, 4];
        assert_eq!(vote_result(&four, &[1, 2], &[3]), VoteResult::Pending);
        assert_eq!(vote_result(&four, &[1, 2], &[3, 4]), VoteResult::Lost);
        assert_eq!(vote_result(&[1], &[1], &[]), VoteResult::Won);
    }

    #[test]
    fn vote_result_joint_needs_both() {
        let old = [1, 2, 3];
        let new = [3, 4, 5];
        // Majority of old only.
        assert_eq!(joint_vote_result(&new, &old, &[1, 2, 3], &[]), VoteResult::Pending);
        // Majority of both.
        assert_eq!(joint_vote_result(&new, &old, &[1, 3, 4], &[]), VoteResult::Won);
        // Lost in the new configuration loses the whole election.
        assert_eq!(joint_vote_result(&new, &old, &[1, 2, 3], &[4, 5]), VoteResult::Lost);
        // Not joint: outgoing empty.
        assert_eq!(joint_vote_result(&old, &[], &[1, 2], &[]), VoteResult::Won);
    }
}
