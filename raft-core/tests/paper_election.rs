//! Leader election, following the Raft paper §5.1, §5.2 and §5.4.1 rule by
//! rule (in the manner of etcd's raft_paper_test.go).
mod common;
use common::*;
use raft_core::*;

fn responses(msgs: &[Message]) -> Vec<(NodeId, Term, bool, Option<VoteDenied>)> {
    msgs.iter()
        .filter_map(|m| match &m.body {
            MessageBody::RequestVoteResponse { vote_granted, reason, .. } => {
                Some((m.to, m.term, *vote_granted, reason.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Put node 1 of a fresh 3-node cluster in `role` at term 2.
fn node_in_role(role: Role) -> RawNode {
    let mut n = node_with_log(1, vec![1, 2, 3], 1, &[], |_| {});
    match role {
        Role::Follower => {
            n.step(msg(2, 1, 2, append(0, 0, vec![], 0)));
        }
        Role::Candidate => {
            n.campaign();
        }
        Role::PreCandidate => {
            let mut cfg = Config::new(1, vec![1, 2, 3], 1);
            cfg.pre_vote = true;
            n = RawNode::restart(
                cfg,
                PersistentState { hard_state: HardState { current_term: 2, voted_for: None }, ..Default::default() },
            );
            n.campaign();
        }
        Role::Leader => {
            n.campaign();
            n.step(msg(
                2,
                1,
                2,
                MessageBody::RequestVoteResponse { pre_vote: false, vote_granted: true, reason: None },
            ));
        }
    }
    take_ready(&mut n);
    assert_eq!(n.status().role, role);
    assert_eq!(n.status().current_term, 2);
    n
}

/// §5.1: "If one server's current term is smaller than the other's, then it
/// updates its current term to the larger value. If a candidate or leader
/// discovers that its term is out of date, it immediately reverts to follower."
#[test]
fn every_role_adopts_a_higher_term_and_becomes_follower() {
    for role in [Role::Follower, Role::PreCandidate, Role::Candidate, Role::Leader] {
        let mut n = node_in_role(role);
        n.step(msg(3, 1, 7, append(0, 0, vec![], 0)));
        let st = n.status();
        assert_eq!(st.current_term, 7, "{role:?}");
        assert_eq!(st.role, Role::Follower, "{role:?}");
        assert_eq!(st.leader_id, Some(3), "{role:?}: AppendEntries names the leader");
        assert_eq!(st.voted_for, None, "{role:?}: a new term has no vote yet");
        let rd = take_ready(&mut n);
        assert_eq!(rd.hard_state.map(|h| h.current_term), Some(7), "{role:?}: the new term is persisted");
    }
}

/// A higher term in a *response* also makes a leader step down.
#[test]
fn leader_steps_down_on_a_response_with_a_higher_term() {
    let mut n = node_in_role(Role::Leader);
    n.step(msg(
        3,
        1,
        9,
        MessageBody::AppendEntriesResponse {
            success: false,
            match_index: 0,
            conflict: None,
            reason: None,
            read_ctx: 0,
        },
    ));
    assert_eq!(n.status().role, Role::Follower);
    assert_eq!(n.status().current_term, 9);
    let ev = take_ready(&mut n).events;
    assert!(ev.iter().any(|e| matches!(
        e,
        CoreEvent::RoleChanged {
            from: Role::Leader,
            to: Role::Follower,
            reason: RoleChangeReason::HigherTerm { term: 9, from: 3 },
            ..
        }
    )));
}

/// §5.1: "If a server receives a request with a stale term number, it rejects
/// the request" — and the reply carries its term so the sender learns it.
#[test]
fn stale_term_requests_are_rejected_with_our_term() {
    let mut n = node_in_role(Role::Follower);
    n.step(msg(3, 1, 1, append(0, 0, vec![entry(1, 1)], 1)));
    let msgs = take_msgs(&mut n);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].term, 2);
    assert!(matches!(
        msgs[0].body,
        MessageBody::AppendEntriesResponse {
            success: false,
            reason: Some(AppendRejected::StaleTerm { leader_term: 1, current_term: 2 }),
            ..
        }
    ));
    assert_eq!(n.status().last_index, 0, "nothing appended from a stale leader");

    n.step(msg(3, 1, 1, vote_req(10, 1)));
    let r = responses(&take_msgs(&mut n));
    assert_eq!(r, vec![(3, 2, false, Some(VoteDenied::StaleTerm { candidate_term: 1, current_term: 2 }))]);
    assert_eq!(n.status().current_term, 2);
}

/// §5.2: "Each server will vote for at most one candidate in a given term, on a
/// first-come-first-served basis."
#[test]
fn one_vote_per_term() {
    let mut n = node_with_log(1, vec![1, 2, 3], 1, &[], |_| {});
    n.step(msg(2, 1, 2, vote_req(0, 0)));
    n.step(msg(3, 1, 2, vote_req(0, 0)));
    n.step(msg(2, 1, 2, vote_req(0, 0))); // a retransmission gets the same answer
    let r = responses(&take_msgs(&mut n));
    assert_eq!(
        r,
        vec![(2, 2, true, None), (3, 2, false, Some(VoteDenied::AlreadyVoted { voted_for: 2 })), (2, 2, true, None)]
    );
    // In a new term the vote is free again.
    n.step(msg(3, 1, 3, vote_req(0, 0)));
    assert_eq!(responses(&take_msgs(&mut n)), vec![(3, 3, true, None)]);
    assert_eq!(n.status().voted_for, Some(3));
}

/// The vote must be durable before the reply leaves: it is in the same Ready.
#[test]
fn vote_is_persisted_in_the_ready_that_carries_the_grant() {
    let mut n = node_with_log(1, vec![1, 2, 3], 1, &[], |_| {});
    n.step(msg(2, 1, 2, vote_req(0, 0)));
    let rd = take_ready(&mut n);
    assert_eq!(rd.hard_state, Some(HardState { current_term: 2, voted_for: Some(2) }));
    assert!(rd.messages.iter().any(|m| matches!(m.body, MessageBody::RequestVoteResponse { vote_granted: true, .. })));
    // Nothing changed since: no hard state in the next Ready.
    n.step(msg(2, 1, 2, vote_req(0, 0)));
    assert_eq!(take_ready(&mut n).hard_state, None);
}

/// §5.4.1: "If the logs have last entries with different terms, then the log
/// with the later term is more up-to-date. If the logs end with the same term,
/// then whichever log is longer is more up-to-date."
#[test]
fn vote_requires_an_up_to_date_log_term_then_length() {
    // Our log: terms [1, 1, 2]: last index 3, last term 2.
    let cases = [
        (10, 1, false), // longer but older last term
        (2, 2, false),  // same last term, shorter
        (3, 2, true),   // same last term, same length
        (4, 2, true),   // same last term, longer
        (1, 3, true),   // newer last term, shorter
    ];
    for (last_index, last_term, granted) in cases {
        let mut n = node_with_log(1, vec![1, 2, 3], 2, &[1, 1, 2], |_| {});
        n.step(msg(2, 1, 3, vote_req(last_index, last_term)));
        let r = responses(&take_msgs(&mut n));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].2, granted, "candidate ({last_index}, {last_term})");
        if !granted {
            assert_eq!(
                r[0].3,
                Some(VoteDenied::LogBehind {
                    candidate_last_term: last_term,
                    candidate_last_index: last_index,
                    last_term: 2,
                    last_index: 3
                })
            );
        }
    }
}

/// §5.2: a follower whose timer fires increments its term, votes for itself
/// and asks every other server for a vote; the election timeout is drawn at
/// random from [min, max] and re-drawn each time.
#[test]
fn follower_times_out_and_starts_an_election() {
    let mut n = node_with_log(1, vec![1, 2, 3], 4, &[1, 4], |_| {});
    let timeout = n.status().timer_timeout;
    assert!((150..=300).contains(&timeout));
    for _ in 0..timeout - 1 {
        n.tick();
    }
    assert_eq!(n.status().role, Role::Follower, "not before the timeout");
    assert_eq!(n.status().timer_elapsed, timeout - 1);
    n.tick();
    let st = n.status();
    assert_eq!((st.role, st.current_term, st.voted_for), (Role::Candidate, 5, Some(1)));
    let rd = take_ready(&mut n);
    assert_eq!(rd.hard_state, Some(HardState { current_term: 5, voted_for: Some(1) }));
    let mut to: Vec<NodeId> = rd.messages.iter().map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, vec![2, 3]);
    for m in &rd.messages {
        assert_eq!(m.term, 5);
        assert_eq!(
            m.body,
            MessageBody::RequestVote { last_log_index: 2, last_log_term: 4, pre_vote: false, transfer: false }
        );
    }
    // Timeouts are re-drawn: over many elections we see several distinct values.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        seen.insert(n.status().timer_timeout);
        n.campaign();
        take_ready(&mut n);
    }
    assert!(seen.len() > 5, "randomized timeouts: {seen:?}");
    assert!(seen.iter().all(|t| (150..=300).contains(t)));
}

/// §5.2: a candidate that receives votes from a majority becomes leader; one
/// that sees a majority refuse returns to follower.
#[test]
fn candidate_wins_with_a_majority_and_loses_without_one() {
    let mut n = node_with_log(1, vec![1, 2, 3, 4, 5], 1, &[], |_| {});
    n.campaign();
    take_ready(&mut n);
    let grant =
        |from| msg(from, 1, 2, MessageBody::RequestVoteResponse { pre_vote: false, vote_granted: true, reason: None });
    let deny =
        |from| msg(from, 1, 2, MessageBody::RequestVoteResponse { pre_vote: false, vote_granted: false, reason: None });
    n.step(grant(2));
    assert_eq!(n.status().role, Role::Candidate, "2 of 5 is not a majority");
    n.step(grant(2)); // duplicates count once
    assert_eq!(n.status().role, Role::Candidate);
    n.step(grant(3));
    assert_eq!(n.status().role, Role::Leader, "3 of 5");

    let mut n = node_with_log(1, vec![1, 2, 3, 4, 5], 1, &[], |_| {});
    n.campaign();
    take_ready(&mut n);
    n.step(deny(2));
    n.step(deny(3));
    assert_eq!(n.status().role, Role::Candidate);
    n.step(deny(4));
    assert_eq!(n.status().role, Role::Follower, "3 of 5 refused: the election is lost");
    assert_eq!(n.status().current_term, 2);
}

/// §5.2: "If the AppendEntries RPC is received from another server claiming to
/// be leader whose term is at least as large as the candidate's current term,
/// then the candidate recognizes the leader as legitimate and returns to
/// follower state."
#[test]
fn candidate_steps_down_on_append_entries_of_its_term() {
    let mut n = node_in_role(Role::Candidate);
    n.step(msg(3, 1, 2, append(0, 0, vec![entry(1, 2)], 0)));
    let st = n.status();
    assert_eq!((st.role, st.current_term, st.leader_id), (Role::Follower, 2, Some(3)));
    assert_eq!(st.last_index, 1, "and then it processes the request");
    let ev = take_ready(&mut n).events;
    assert!(ev
        .iter()
        .any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::LeaderDiscovered { leader: 3 }, .. })));
}

/// Figure 2: the leader sends heartbeats during idle periods.
#[test]
fn leader_sends_heartbeats_every_interval() {
    let mut n = node_in_role(Role::Leader);
    for _ in 0..49 {
        n.tick();
    }
    assert!(take_msgs(&mut n).is_empty(), "nothing before the interval");
    n.tick();
    let msgs = take_msgs(&mut n);
    let mut to: Vec<NodeId> =
        msgs.iter().filter(|m| matches!(m.body, MessageBody::AppendEntries { .. })).map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, vec![2, 3]);
}

/// Whole-cluster behaviour: exactly one leader per term, and a new one after
/// the leader crashes; a minority elects nobody.
#[test]
fn reelection_after_leader_crash_and_no_leader_without_quorum() {
    let mut net = Network::new(5, |_| {});
    net.run(400);
    let l1 = net.leaders();
    assert_eq!(l1.len(), 1);
    let old = l1[0];
    let old_term = net.status(old).current_term;
    net.crash(old);
    net.run(700);
    let l2 = net.leaders();
    assert_eq!(l2.len(), 1);
    assert_ne!(l2[0], old);
    assert!(net.status(l2[0]).current_term > old_term);

    // Crash two more: 2 of 5 left, no leader can be elected.
    let rest: Vec<NodeId> = (1..=5).filter(|&i| i != old).collect();
    net.crash(rest[0]);
    net.crash(rest[1]);
    net.run(2000);
    assert!(net.leaders().is_empty(), "no leader without a majority");
}

/// A split vote is resolved by randomized timeouts.
#[test]
fn split_vote_is_resolved() {
    let mut net = Network::new(4, |_| {});
    // Two candidates in the same term split the 4 votes 2–2.
    net.node_mut(1).campaign();
    net.node_mut(2).campaign();
    net.drain_all();
    net.queue.retain(|m| !(m.from == 1 && m.to == 4 || m.from == 2 && m.to == 3));
    net.deliver_all();
    // 3 voted for 1 ... unless it heard from 2 first: check nobody won.
    assert!(net.leaders().is_empty(), "split vote");
    net.run(1500);
    assert_eq!(net.leaders().len(), 1);
}

/// Bad input never panics: malformed AppendEntries are ignored and extreme
/// terms do not overflow.
#[test]
fn malformed_messages_are_ignored_without_panicking() {
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[1, 2], |_| {});
    // Entries that do not follow prev_log_index.
    n.step(msg(2, 1, 2, append(1, 1, vec![entry(5, 2), entry(3, 2)], 9)));
    assert_eq!(n.status().last_index, 2);
    assert_eq!(n.status().commit_index, 0);
    // A huge term, then an election at it.
    n.step(msg(2, 1, Term::MAX, append(0, 0, vec![], 0)));
    n.campaign();
    assert_eq!(n.status().current_term, Term::MAX);
    take_ready(&mut n);
    // Messages for someone else, or from ourselves, are ignored.
    n.step(msg(2, 9, Term::MAX, append(0, 0, vec![], 0)));
    n.step(msg(1, 1, Term::MAX, vote_req(0, 0)));
    assert!(take_ready(&mut n).messages.is_empty());
}
