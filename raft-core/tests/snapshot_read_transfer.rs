//! Log compaction / InstallSnapshot (paper §7), linearizable reads (thesis
//! §6.4) and leadership transfer (thesis §3.10).
mod common;
use common::*;
use raft_core::*;

fn compact_at_applied(net: &mut Network, id: NodeId) -> Index {
    let applied = net.status(id).last_applied;
    net.node_mut(id).compact(applied, format!("state@{applied}").into_bytes());
    net.drain(id);
    applied
}

#[test]
fn compaction_keeps_entries_after_the_snapshot_and_is_persisted() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    for i in 0..10u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    let idx = compact_at_applied(&mut net, 1);
    assert_eq!(idx, 11);
    let st = net.status(1);
    assert_eq!((st.snapshot_index, st.snapshot_term, st.last_index), (11, 1, 11));
    assert!(net.node(1).entries().is_empty());
    let p = &net.persisted[&1];
    assert_eq!(p.snapshot.as_ref().unwrap().last_included_index, 11);
    assert_eq!(p.snapshot.as_ref().unwrap().membership.voters, vec![1, 2, 3]);
    assert!(p.entries.is_empty());
    assert!(net.events[&1].contains(&CoreEvent::SnapshotTaken { index: 11, term: 1 }));
    // Compacting beyond what was applied is refused.
    net.propose(1, b"late").unwrap();
    net.node_mut(1).compact(12, vec![]);
    net.drain(1);
    assert_eq!(net.status(1).snapshot_index, 11);
}

/// §7: "the leader must occasionally send snapshots to followers that lag
/// behind" — and a restarted node recovers from snapshot + log.
#[test]
fn lagging_follower_is_brought_up_by_install_snapshot() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.deliver_all();
    net.crash(3);
    for i in 0..20u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    let snap_idx = compact_at_applied(&mut net, 1);
    net.propose(1, b"after").unwrap();
    net.deliver_all();
    net.restart(3);
    net.run(120);
    assert!(net.events[&1].iter().any(|e| matches!(e, CoreEvent::SnapshotSent { to: 3, index } if *index == snap_idx)));
    assert!(net.events[&3].iter().any(|e| matches!(e, CoreEvent::SnapshotInstalled { index, from: 1, .. } if *index == snap_idx)));
    let st = net.status(3);
    assert_eq!(st.snapshot_index, snap_idx);
    assert_eq!(st.last_index, net.status(1).last_index);
    assert_eq!(st.commit_index, net.status(1).commit_index);
    assert_eq!(net.commands_applied(3), vec![b"after".to_vec()], "only the entry after the snapshot is applied one by one");
    assert_eq!(net.persisted[&3].snapshot.as_ref().unwrap().data, format!("state@{snap_idx}").into_bytes());
    // Restart from snapshot + log.
    net.crash(3);
    net.restart(3);
    let st = net.status(3);
    assert_eq!((st.snapshot_index, st.commit_index, st.last_applied), (snap_idx, snap_idx, snap_idx));
    assert_eq!(st.last_index, snap_idx + 1);
    net.run(60);
    assert_eq!(net.commands_applied(3), vec![b"after".to_vec()]);
}

fn snapshot_at(index: Index, term: Term) -> Snapshot {
    Snapshot { last_included_index: index, last_included_term: term, membership: Membership { voters: vec![1, 2, 3], ..Default::default() }, data: b"S".to_vec() }
}

#[test]
fn install_snapshot_keeps_a_matching_suffix_and_discards_a_conflicting_log() {
    // Matching entry at the snapshot index: the suffix stays.
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[1, 1, 2, 2], |_| {});
    n.step(msg(2, 1, 2, MessageBody::InstallSnapshot { snapshot: snapshot_at(3, 2) }));
    assert_eq!(n.status().snapshot_index, 3);
    assert_eq!(n.status().last_index, 4);
    assert_eq!(n.status().commit_index, 3);
    let rd = take_ready(&mut n);
    assert!(rd.snapshot_install);
    assert_eq!(rd.entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![4], "the kept suffix is re-sent for persistence");
    assert!(rd.committed_entries.is_empty(), "the snapshot covers them");
    assert_eq!(n.status().last_applied, 3);
    assert!(rd.messages.iter().any(|m| m.body == MessageBody::InstallSnapshotResponse { last_index: 3 }));

    // Conflicting entry: the whole log goes.
    let mut n = node_with_log(1, vec![1, 2, 3], 3, &[1, 1, 2, 2], |_| {});
    n.step(msg(2, 1, 3, MessageBody::InstallSnapshot { snapshot: snapshot_at(3, 3) }));
    assert_eq!((n.status().last_index, n.status().last_term), (3, 3));
    assert!(n.entries().is_empty());

    // Older than our commit index: ignored.
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[1, 1, 2, 2], |_| {});
    n.step(msg(2, 1, 2, append(4, 2, vec![], 4)));
    take_ready(&mut n);
    n.step(msg(2, 1, 2, MessageBody::InstallSnapshot { snapshot: snapshot_at(3, 2) }));
    assert_eq!(n.status().snapshot_index, 0);
    let rd = take_ready(&mut n);
    assert!(rd.snapshot.is_none());
    assert!(rd.messages.iter().any(|m| m.body == MessageBody::InstallSnapshotResponse { last_index: 4 }));
}

// ---------------------------------------------------------------- reads

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
    assert!(net.events[&2].contains(&CoreEvent::ReadRejected { ctx: 9, reason: ReadRejected::NotLeader { leader_hint: Some(1) } }));
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
    assert!(net.events[&2].iter().any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::TimeoutNow, .. })));
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
