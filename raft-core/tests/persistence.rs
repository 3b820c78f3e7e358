//! Persistence (Figure 2, "persistent state on all servers"): what survives a
//! restart (term, vote, log) and what does not (commit index, role).
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
    assert!(rd.messages.iter().any(|m| matches!(
        &m.body,
        MessageBody::RequestVoteResponse {
            vote_granted: false,
            reason: Some(VoteDenied::AlreadyVoted { voted_for: 1 }),
            ..
        }
    )));
}
