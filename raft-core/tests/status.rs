//! `Status`: the read-only picture views and checks rely on.
mod common;
use common::*;
use raft_core::*;

#[test]
fn status_describes_follower_candidate_and_leader() {
    let mut net = Network::new(3, |_| {});
    let st = net.status(2);
    assert_eq!((st.id, st.role, st.current_term, st.leader_id), (2, Role::Follower, 0, None));
    assert!((150..=300).contains(&st.timer_timeout));
    assert_eq!(st.timer_elapsed, 0);
    let q = |voters: Vec<NodeId>, outgoing, need, have| QuorumStatus { voters, outgoing, need, have };
    assert_eq!(st.quorum, vec![q(vec![1, 2, 3], false, 2, None)], "a follower only knows what is needed");
    net.tick(2);
    net.tick(2);
    assert_eq!(net.status(2).timer_elapsed, 2);
    assert!(st.progress.is_empty());

    net.node_mut(1).campaign();
    net.drain(1);
    let c = net.status(1);
    assert_eq!((c.role, c.current_term, c.voted_for), (Role::Candidate, 1, Some(1)));
    assert_eq!(c.votes_granted, vec![1]);
    assert_eq!(c.quorum, vec![q(vec![1, 2, 3], false, 2, Some(1))], "its own vote so far");
    net.deliver_all();

    let l = net.status(1);
    assert_eq!((l.role, l.leader_id), (Role::Leader, Some(1)));
    assert_eq!((l.timer_elapsed, l.timer_timeout), (0, 50), "a leader's timer is the heartbeat");
    assert!(l.votes_granted.is_empty());
    assert_eq!(l.membership.voters, vec![1, 2, 3]);
    assert_eq!(l.quorum, vec![q(vec![1, 2, 3], false, 2, Some(3))], "all three store the no-op");
    let ids: Vec<NodeId> = l.progress.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![2, 3], "one entry per other member");
    for p in &l.progress {
        assert_eq!((p.match_index, p.next_index, p.state), (1, 2, ProgressState::Replicate));
        assert!(p.recent_active && !p.is_learner);
    }
    assert_eq!((l.commit_index, l.last_applied, l.last_index, l.last_term), (1, 1, 1, 1));
    assert_eq!(net.status(2).leader_id, Some(1));
    // The cheap accessors agree with status().
    let n = net.node(1);
    assert_eq!(
        (n.role(), n.current_term(), n.leader_id(), n.commit_index(), n.last_applied(), n.last_index()),
        (Role::Leader, 1, Some(1), 1, 1, 1)
    );
}

/// During joint consensus a decision needs both majorities; the leader's
/// status counts, per configuration, who stores its newest entry.
#[test]
fn status_quorum_lists_both_configurations_during_joint_consensus() {
    let mut n = RawNode::new(Config::new(1, vec![1], 3));
    n.campaign();
    let rd = n.ready();
    n.advance(&rd);
    assert_eq!(n.status().role, Role::Leader, "a single voter elects itself");
    // {1} -> {1, 2, 3}: 2 and 3 are new, so they first join as learners (a
    // lone voter commits both additions at once) and C_old,new waits for them.
    n.propose_change(ConfigChange::EnterJoint(vec![1, 2, 3])).unwrap();
    let st = n.status();
    assert_eq!(st.membership.learners, vec![2, 3]);
    let shape: Vec<(Vec<NodeId>, bool, u32, Option<u32>)> =
        st.quorum.iter().map(|q| (q.voters.clone(), q.outgoing, q.need, q.have)).collect();
    assert_eq!(shape, vec![(vec![1], false, 1, Some(1))], "not joint yet; learners do not count");

    // A leader of a forced joint configuration (from its log) reports two.
    let entries = vec![
        Entry { term: 1, index: 1, kind: EntryKind::Noop },
        Entry { term: 1, index: 2, kind: EntryKind::Config(ConfigChange::EnterJoint(vec![1, 4, 5])) },
    ];
    let persisted = PersistentState {
        hard_state: HardState { current_term: 1, voted_for: Some(1) },
        snapshot: None,
        entries: entries.into(),
    };
    let m = RawNode::restart(Config::new(1, vec![1, 2, 3], 3), persisted);
    let st = m.status();
    assert_eq!((st.membership.voters.clone(), st.membership.voters_outgoing.clone()), (vec![1, 4, 5], vec![1, 2, 3]));
    let shape: Vec<(Vec<NodeId>, bool, u32, Option<u32>)> =
        st.quorum.iter().map(|q| (q.voters.clone(), q.outgoing, q.need, q.have)).collect();
    assert_eq!(shape, vec![(vec![1, 4, 5], false, 2, None), (vec![1, 2, 3], true, 2, None)]);
}
