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
    net.tick(2);
    net.tick(2);
    assert_eq!(net.status(2).timer_elapsed, 2);
    assert!(st.progress.is_empty());

    net.node_mut(1).campaign();
    net.drain(1);
    let c = net.status(1);
    assert_eq!((c.role, c.current_term, c.voted_for), (Role::Candidate, 1, Some(1)));
    assert_eq!(c.votes_granted, vec![1]);
    net.deliver_all();

    let l = net.status(1);
    assert_eq!((l.role, l.leader_id), (Role::Leader, Some(1)));
    assert_eq!((l.timer_elapsed, l.timer_timeout), (0, 50), "a leader's timer is the heartbeat");
    assert!(l.votes_granted.is_empty());
    assert_eq!(l.membership.voters, vec![1, 2, 3]);
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
    assert_eq!((n.role(), n.current_term(), n.leader_id(), n.commit_index(), n.last_applied(), n.last_index()), (Role::Leader, 1, Some(1), 1, 1, 1));
}
