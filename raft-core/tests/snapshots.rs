//! Log compaction and InstallSnapshot (paper §7).
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
    assert!(net.events[&3]
        .iter()
        .any(|e| matches!(e, CoreEvent::SnapshotInstalled { index, from: 1, .. } if *index == snap_idx)));
    let st = net.status(3);
    assert_eq!(st.snapshot_index, snap_idx);
    assert_eq!(st.last_index, net.status(1).last_index);
    assert_eq!(st.commit_index, net.status(1).commit_index);
    assert_eq!(
        net.commands_applied(3),
        vec![b"after".to_vec()],
        "only the entry after the snapshot is applied one by one"
    );
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
    Snapshot {
        last_included_index: index,
        last_included_term: term,
        membership: Membership { voters: vec![1, 2, 3], ..Default::default() },
        data: b"S".to_vec(),
    }
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
    assert_eq!(
        rd.entries.iter().map(|e| e.index).collect::<Vec<_>>(),
        vec![4],
        "the kept suffix is re-sent for persistence"
    );
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
