//! Pre-Vote (thesis §9.6): a server that cannot win does not raise its term
//! and so does not disrupt the cluster when it rejoins.
mod common;
use common::*;
use raft_core::*;

/// Thesis §9.6: a partitioned server running Pre-Vote cannot win a pre-vote,
/// so it never increments its term and does not disrupt the cluster on return.
#[test]
fn pre_vote_keeps_a_partitioned_node_from_inflating_its_term() {
    for pre_vote in [false, true] {
        let mut net = Network::new(3, |c| c.pre_vote = pre_vote);
        net.run(400);
        let leader = net.leaders()[0];
        let term = net.status(leader).current_term;
        let loner = (1..=3).find(|&i| i != leader).unwrap();
        net.isolate(loner);
        net.run(2000);
        let loner_term = net.status(loner).current_term;
        if pre_vote {
            assert_eq!(loner_term, term, "pre-vote: no term bump while partitioned");
            assert!(matches!(net.status(loner).role, Role::PreCandidate | Role::Follower));
        } else {
            assert!(loner_term > term + 3, "without pre-vote the term keeps growing ({loner_term})");
        }
        net.heal();
        net.run(500);
        let new_leader = net.leaders();
        assert_eq!(new_leader.len(), 1);
        if pre_vote {
            assert_eq!(new_leader[0], leader, "the leader was not disrupted");
            assert_eq!(net.status(leader).current_term, term);
        } else {
            assert!(net.status(new_leader[0]).current_term > term, "rejoining forced a new election");
        }
    }
}

/// Pre-Vote requests do not change the voter's term or vote.
#[test]
fn pre_vote_request_changes_nothing_on_the_voter() {
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[1, 2], |c| c.pre_vote = true);
    n.step(msg(
        2,
        1,
        3,
        MessageBody::RequestVote { last_log_index: 2, last_log_term: 2, pre_vote: true, transfer: false },
    ));
    let rd = take_ready(&mut n);
    assert_eq!(rd.hard_state, None);
    assert_eq!(n.status().current_term, 2);
    assert_eq!(n.status().voted_for, None);
    assert_eq!(rd.messages.len(), 1);
    assert_eq!(rd.messages[0].term, 3, "a granted pre-vote answers in the proposed term");
    assert!(matches!(rd.messages[0].body, MessageBody::RequestVoteResponse { pre_vote: true, vote_granted: true, .. }));
    // A follower that hears from a leader refuses pre-votes.
    n.step(msg(3, 1, 2, append(2, 2, vec![], 0)));
    take_ready(&mut n);
    n.step(msg(
        2,
        1,
        3,
        MessageBody::RequestVote { last_log_index: 9, last_log_term: 2, pre_vote: true, transfer: false },
    ));
    let rd = take_ready(&mut n);
    assert!(matches!(
        &rd.messages[0].body,
        MessageBody::RequestVoteResponse {
            pre_vote: true,
            vote_granted: false,
            reason: Some(VoteDenied::LeaderAlive { leader: 3 })
        }
    ));
}

#[test]
fn pre_candidate_wins_then_runs_a_real_election() {
    let mut net = Network::new(3, |c| c.pre_vote = true);
    net.node_mut(2).campaign();
    net.drain(2);
    assert_eq!(net.status(2).role, Role::PreCandidate);
    assert_eq!(net.status(2).current_term, 0, "pre-vote does not bump the term");
    net.deliver_all();
    assert_eq!(net.status(2).role, Role::Leader);
    assert_eq!(net.status(2).current_term, 1);
    assert!(net.events[&2].iter().any(|e| matches!(
        e,
        CoreEvent::RoleChanged { to: Role::Candidate, reason: RoleChangeReason::PreVoteWon, .. }
    )));
}
