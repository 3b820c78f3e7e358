//! Linearizable reads without the log (thesis §6.4): ReadIndex, and lease
//! reads with the leases a leadership transfer must give up.
mod common;
use common::*;
use raft_core::*;

#[test]
fn read_index_confirms_leadership_with_a_heartbeat_round() {
    let mut net = Network::new(3, |_| {});
    net.node_mut(1).campaign();
    net.deliver_filtered(|m| !matches!(m.body, MessageBody::AppendEntries { .. }));
    assert_eq!(net.status(1).role, Role::Leader);
    // The no-op is not committed yet: a read cannot be served.
    net.node_mut(1).read_index(7);
    net.drain(1);
    assert!(net.events[&1].contains(&CoreEvent::ReadRejected { ctx: 7, reason: ReadRejected::NoopNotCommitted }));
    net.run(60);
    assert_eq!(net.status(1).commit_index, 1);
    net.propose(1, b"a").unwrap();
    net.deliver_all();
    net.node_mut(1).read_index(8);
    net.drain(1);
    assert!(net.read_states[&1].is_empty(), "not before a quorum answered");
    net.deliver_all();
    assert_eq!(net.read_states[&1], vec![ReadState { ctx: 8, index: 2 }]);
    // A follower cannot serve it.
    net.node_mut(2).read_index(9);
    net.drain(2);
    assert!(net.events[&2]
        .contains(&CoreEvent::ReadRejected { ctx: 9, reason: ReadRejected::NotLeader { leader_hint: Some(1) } }));
}

#[test]
fn read_index_is_not_confirmed_by_a_minority_and_fails_when_leadership_is_lost() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.deliver_all();
    net.isolate(1);
    net.node_mut(1).read_index(5);
    net.run(100);
    assert!(net.read_states[&1].is_empty(), "an isolated leader cannot confirm a read");
    // It learns of a newer term: the read is rejected.
    net.node_mut(1).step(msg(2, 1, 9, append(0, 0, vec![], 0)));
    net.drain(1);
    assert!(net.events[&1].contains(&CoreEvent::ReadRejected { ctx: 5, reason: ReadRejected::LeadershipLost }));
}

#[test]
fn single_voter_serves_reads_at_once() {
    let mut net = Network::new(1, |_| {});
    net.elect(1);
    net.propose(1, b"a").unwrap();
    net.node_mut(1).read_index(3);
    net.drain(1);
    assert_eq!(net.read_states[&1], vec![ReadState { ctx: 3, index: 2 }]);
}

#[test]
fn lease_reads_are_immediate_while_the_lease_holds_and_fall_back_otherwise() {
    let mut net = Network::new(3, |c| {
        c.read_mode = ReadMode::Lease;
        c.check_quorum = true;
    });
    net.elect(1);
    net.run(60); // one heartbeat round acknowledged
    net.node_mut(1).read_index(1);
    net.drain(1);
    assert_eq!(net.read_states[&1].len(), 1, "served without a round trip");
    assert!(net.queue.is_empty(), "and without sending anything");
    // Isolated for longer than the minimum election timeout: the lease expires.
    net.isolate(1);
    net.run(160);
    net.node_mut(1).read_index(2);
    net.drain(1);
    assert_eq!(net.read_states[&1].len(), 1, "no lease, no quorum: not served");
}

// ---------------------------------------------------------------- transfer

/// A transfer lets voters ignore the lease (their vote request has `transfer`
/// set), so after starting one the leader stops serving lease reads for the
/// rest of its term and confirms each read with a heartbeat round instead.
#[test]
fn lease_reads_stop_after_a_transfer_was_attempted() {
    let mut net = Network::new(3, |c| {
        c.read_mode = ReadMode::Lease;
        c.check_quorum = true;
    });
    net.elect(1);
    net.run(60);
    net.crash(3);
    net.node_mut(1).transfer_leader(3);
    net.run(310); // the transfer to the crashed node aborts
    assert_eq!(net.status(1).transfer_target, None);
    assert_eq!(net.status(1).role, Role::Leader);
    net.node_mut(1).read_index(11);
    net.drain(1);
    assert!(net.read_states[&1].is_empty(), "not served from the lease");
    net.deliver_all();
    assert_eq!(net.read_states[&1].len(), 1, "served after a heartbeat round");
}
