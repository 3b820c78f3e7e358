//! Leadership transfer (thesis §3.10): TimeoutNow to an up-to-date follower,
//! catching a lagging one up first, and giving up after an election timeout.
mod common;
use common::*;
use raft_core::*;

#[test]
fn transfer_to_an_up_to_date_follower() {
    let mut net = Network::new(3, |c| c.check_quorum = true);
    net.elect(1);
    net.propose(1, b"a").unwrap();
    net.deliver_all();
    net.node_mut(1).transfer_leader(2);
    net.drain(1);
    assert_eq!(net.status(1).transfer_target, Some(2));
    assert_eq!(net.propose(1, b"b"), Err(ProposalDropped::TransferInProgress));
    net.deliver_all();
    assert_eq!(net.status(2).role, Role::Leader, "TimeoutNow made it campaign and win despite check-quorum");
    assert_eq!(net.status(2).current_term, 2);
    assert_eq!(net.status(1).role, Role::Follower);
    assert!(net.events[&2]
        .iter()
        .any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::TimeoutNow, .. })));
}

#[test]
fn transfer_to_a_lagging_follower_waits_until_it_caught_up() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.deliver_all();
    net.crash(3);
    for i in 0..5u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    net.restart(3);
    net.node_mut(1).transfer_leader(3);
    net.drain(1);
    let sent_timeout_now_early = net.queue.iter().any(|m| m.body == MessageBody::TimeoutNow);
    assert!(!sent_timeout_now_early);
    net.run(100);
    assert_eq!(net.status(3).role, Role::Leader);
    assert_eq!(net.node(3).entries().len(), 7, "the 6 entries it caught up on plus its own no-op");
}

#[test]
fn transfer_aborts_after_an_election_timeout() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.deliver_all();
    net.crash(3);
    net.node_mut(1).transfer_leader(3);
    net.run(300);
    assert_eq!(net.status(1).role, Role::Leader);
    assert_eq!(net.status(1).transfer_target, None);
    assert!(net.events[&1].contains(&CoreEvent::TransferAborted { to: 3 }));
    assert!(net.propose(1, b"ok").is_ok(), "proposals resume");
    // Not a voter: ignored.
    net.node_mut(1).transfer_leader(9);
    assert_eq!(net.status(1).transfer_target, None);
}
