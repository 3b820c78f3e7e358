//! Persistence (Figure 2 "persistent state"), Pre-Vote (thesis §9.6) and
//! CheckQuorum / §4.2.3.
mod common;
use common::*;
use raft_core::*;

#[test]
fn restart_keeps_term_vote_and_log_but_forgets_commit() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    for i in 0..5u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    net.run(60);
    let before = net.status(2);
    assert_eq!(before.commit_index, 6);
    let log_before = net.node(2).entries().to_vec();
    net.crash(2);
    net.restart(2);
    let after = net.status(2);
    assert_eq!(after.current_term, before.current_term);
    assert_eq!(after.voted_for, before.voted_for);
    assert_eq!(net.node(2).entries(), &log_before[..]);
    assert_eq!(after.commit_index, 0, "commit index is volatile");
    assert_eq!(after.last_applied, 0);
    assert_eq!(after.role, Role::Follower);
    assert_eq!(after.leader_id, None);
    // The host re-applies from the start once the leader tells it the commit index.
    net.applied.get_mut(&2).unwrap().clear();
    net.run(60);
    assert_eq!(net.status(2).commit_index, 6);
    assert_eq!(net.commands_applied(2), (0..5u8).map(|i| vec![i]).collect::<Vec<_>>());
}

#[test]
fn a_restarted_leader_comes_back_as_follower_and_the_cluster_recovers() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.propose(1, b"x").unwrap();
    net.deliver_all();
    for id in 1..=3 {
        net.crash(id);
    }
    for id in 1..=3 {
        net.restart(id);
        assert_eq!(net.status(id).role, Role::Follower);
    }
    net.run(800);
    let l = net.leaders();
    assert_eq!(l.len(), 1);
    net.propose(l[0], b"y").unwrap();
    net.deliver_all();
    net.run(60);
    for id in 1..=3 {
        assert_eq!(net.commands_applied(id), vec![b"x".to_vec(), b"y".to_vec()], "node {id}");
    }
}

/// Restarted node that voted in a term must not vote for someone else in it.
#[test]
fn vote_survives_a_restart() {
    let mut net = Network::new(3, |_| {});
    net.node_mut(2).step(msg(1, 2, 5, vote_req(0, 0)));
    net.drain(2);
    net.queue.clear();
    net.crash(2);
    net.restart(2);
    net.node_mut(2).step(msg(3, 2, 5, vote_req(9, 9)));
    let rd = take_ready(net.node_mut(2));
    assert!(rd.messages.iter().any(|m| matches!(&m.body, MessageBody::RequestVoteResponse { vote_granted: false, reason: Some(VoteDenied::AlreadyVoted { voted_for: 1 }), .. })));
}

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
    n.step(msg(2, 1, 3, MessageBody::RequestVote { last_log_index: 2, last_log_term: 2, pre_vote: true, transfer: false }));
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
    n.step(msg(2, 1, 3, MessageBody::RequestVote { last_log_index: 9, last_log_term: 2, pre_vote: true, transfer: false }));
    let rd = take_ready(&mut n);
    assert!(matches!(&rd.messages[0].body, MessageBody::RequestVoteResponse { pre_vote: true, vote_granted: false, reason: Some(VoteDenied::LeaderAlive { leader: 3 }) }));
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
    assert!(net.events[&2].iter().any(|e| matches!(e, CoreEvent::RoleChanged { to: Role::Candidate, reason: RoleChangeReason::PreVoteWon, .. })));
}

/// CheckQuorum: a leader that has not heard from a quorum within an election
/// timeout steps down.
#[test]
fn check_quorum_makes_an_isolated_leader_step_down() {
    let mut net = Network::new(3, |c| c.check_quorum = true);
    net.elect(1);
    net.run(500);
    assert_eq!(net.status(1).role, Role::Leader, "a connected leader stays");
    net.isolate(1);
    net.run(2 * 150 + 1);
    assert_eq!(net.status(1).role, Role::Follower);
    assert!(net.events[&1].iter().any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::LostQuorum, .. })));
    // Without CheckQuorum it would stay leader forever.
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.isolate(1);
    net.run(2000);
    assert_eq!(net.status(1).role, Role::Leader);
}

/// Thesis §4.2.3: under CheckQuorum a server that heard from its leader within
/// the minimum election timeout ignores RequestVote (and keeps its term),
/// unless the request is part of a leadership transfer.
#[test]
fn vote_requests_are_ignored_while_a_leader_is_alive() {
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[], |c| c.check_quorum = true);
    n.step(msg(2, 1, 2, append(0, 0, vec![], 0)));
    take_ready(&mut n);
    n.step(msg(3, 1, 3, vote_req(5, 2)));
    let rd = take_ready(&mut n);
    assert_eq!(n.status().current_term, 2, "term not adopted");
    assert!(rd.events.contains(&CoreEvent::VoteDenied { candidate: 3, term: 3, pre_vote: false, reason: VoteDenied::LeaderAlive { leader: 2 } }));
    // A transfer election is not ignored.
    n.step(msg(3, 1, 3, MessageBody::RequestVote { last_log_index: 5, last_log_term: 2, pre_vote: false, transfer: true }));
    assert_eq!(n.status().current_term, 3);
    assert_eq!(n.status().voted_for, Some(3));
    // After the minimum election timeout without the leader, votes are granted.
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[], |c| c.check_quorum = true);
    n.step(msg(2, 1, 2, append(0, 0, vec![], 0)));
    for _ in 0..150 {
        n.tick();
    }
    take_ready(&mut n);
    n.step(msg(3, 1, 3, vote_req(5, 2)));
    assert_eq!(n.status().voted_for, Some(3));
}
