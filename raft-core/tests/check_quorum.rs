//! CheckQuorum (thesis §6.2) and the rule of §4.2.3: a leader that cannot hear
//! a quorum steps down, and servers that hear a leader ignore vote requests.
mod common;
use common::*;
use raft_core::*;

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
    assert!(net.events[&1]
        .iter()
        .any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::LostQuorum, .. })));
    // Without CheckQuorum it would stay leader forever.
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.isolate(1);
    net.run(2000);
    assert_eq!(net.status(1).role, Role::Leader);
}

/// Did the node deny `candidate`'s (real) RequestVote for `term` because it
/// heard `leader` recently (§4.2.3)?
fn ignored_because_leader_alive(rd: &Ready, candidate: u64, term: u64, leader: u64) -> bool {
    rd.events.contains(&CoreEvent::VoteDenied {
        candidate,
        term,
        pre_vote: false,
        reason: VoteDenied::LeaderAlive { leader },
    })
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
    assert!(ignored_because_leader_alive(&rd, 3, 3, 2));
    // A transfer election is not ignored.
    n.step(msg(
        3,
        1,
        3,
        MessageBody::RequestVote {
            last_log_index: 5,
            last_log_term: 2,
            pre_vote: false,
            transfer: true,
            removed: false,
        },
    ));
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

/// Thesis §4.2.3 without CheckQuorum: a candidate that says it is outside its
/// own latest configuration (`removed`) is ignored while a leader is alive,
/// even by a server that has not yet received that change and still counts it
/// as a voter (seed 186465 of the randomized test: such a server adopted a
/// removed server's terms and deposed the leader repairing its log). A voter
/// of ours that does not say so is still heard, as without the rule.
#[test]
fn a_removed_candidate_is_ignored_while_a_leader_is_alive() {
    let request = |removed| MessageBody::RequestVote {
        last_log_index: 5,
        last_log_term: 2,
        pre_vote: false,
        transfer: false,
        removed,
    };
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[], |_| {});
    n.step(msg(2, 1, 2, append(0, 0, vec![], 0)));
    take_ready(&mut n);
    n.step(msg(3, 1, 3, request(true)));
    let rd = take_ready(&mut n);
    assert_eq!(n.status().current_term, 2, "term not adopted");
    assert!(ignored_because_leader_alive(&rd, 3, 3, 2));
    // The same request without the flag: n3 is a voter of ours, and without
    // CheckQuorum a live leader does not stop us from hearing it.
    n.step(msg(3, 1, 3, request(false)));
    assert_eq!(n.status().current_term, 3);
    assert_eq!(n.status().voted_for, Some(3));
    // With no leader heard, even a removed candidate gets our vote (it may be
    // needed: the deadlock `promotable` exists for).
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[], |_| {});
    n.step(msg(3, 1, 3, request(true)));
    assert_eq!(n.status().voted_for, Some(3));
}
