//! Membership changes (thesis ch. 4): learners that catch up and are promoted,
//! single-server removal, joint consensus, and the safety rules around them.
mod common;
use common::*;
use raft_core::*;

/// Three voters plus `extra` nodes that know the bootstrap voters but are not
/// among them (so they wait to be contacted).
fn cluster_with_spares(extra: &[NodeId], tweak: impl Fn(&mut Config)) -> Network {
    let mut net = Network::new(3, &tweak);
    for &id in extra {
        let mut cfg = Config::new(id, vec![1, 2, 3], 100 + id);
        tweak(&mut cfg);
        net.add_node(cfg);
    }
    net
}

fn voters(net: &Network, id: NodeId) -> Vec<NodeId> {
    net.status(id).membership.voters
}

#[test]
fn add_learner_catches_up_and_is_promoted_automatically() {
    let mut net = cluster_with_spares(&[4], |_| {});
    net.node_mut(1).campaign();
    net.deliver_filtered(|m| !matches!(m.body, MessageBody::AppendEntries { .. }));
    // Ongaro's 2015 fix: no change before an entry of the leader's term commits.
    assert_eq!(net.node_mut(1).propose_change(ConfigChange::AddLearner(4)), Err(ProposalDropped::LeaderNotReady));
    net.run(60);
    for i in 0..30u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    let idx = net.node_mut(1).propose_change(ConfigChange::AddLearner(4)).unwrap();
    assert_eq!(net.node_mut(1).propose_change(ConfigChange::AddLearner(5)), Err(ProposalDropped::ChangeInProgress));
    net.drain(1);
    // The change is in force on the leader as soon as it is in its log.
    assert_eq!(net.status(1).membership.learners, vec![4]);
    assert!(net.status(1).progress.iter().any(|p| p.id == 4 && p.is_learner));
    net.run(200);
    for id in 1..=4 {
        assert_eq!(voters(&net, id), vec![1, 2, 3, 4], "node {id}");
        assert!(net.status(id).membership.learners.is_empty());
    }
    assert_eq!(net.commands_applied(4).len(), 30, "the new server holds the whole log");
    let promote = net
        .node(1)
        .entries()
        .iter()
        .find(|e| e.kind == EntryKind::Config(ConfigChange::PromoteVoter(4)))
        .unwrap()
        .index;
    assert!(promote > idx);
    // It is now a full voter: a 4-voter cluster needs 3; crash the leader and
    // the other three (including 4) elect one.
    net.crash(1);
    net.run(800);
    assert_eq!(net.leaders().len(), 1);
}

#[test]
fn learners_never_campaign_or_count_toward_quorum() {
    let mut net = cluster_with_spares(&[4], |_| {});
    net.elect(1);
    net.run(60);
    // Keep 4 from catching up (cut it off right away) so it stays a learner.
    net.isolate(4);
    net.node_mut(1).propose_change(ConfigChange::AddLearner(4)).unwrap();
    net.run(100);
    assert_eq!(net.status(1).membership.learners, vec![4]);
    // The AddLearner entry committed without node 4.
    assert_eq!(net.status(1).commit_index, net.status(1).last_index);
    net.heal();
    net.crash(2);
    net.crash(3);
    net.crash(1);
    let term = net.status(4).current_term;
    net.run(2000);
    assert_eq!(net.status(4).role, Role::Follower, "a learner (or a server not in the config) never campaigns");
    assert_eq!(net.status(4).current_term, term);
}

#[test]
fn remove_a_follower_and_then_the_leader_itself() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.run(60);
    net.node_mut(1).propose_change(ConfigChange::Remove(3)).unwrap();
    net.run(100);
    assert_eq!(voters(&net, 1), vec![1, 2]);
    assert_eq!(voters(&net, 2), vec![1, 2]);
    // A removed server does not start elections.
    net.run(1000);
    assert_eq!(net.status(3).role, Role::Follower);
    assert_eq!(net.leaders(), vec![1]);
    // Now remove the leader: it keeps leading until C_new commits, then steps down.
    net.node_mut(1).propose_change(ConfigChange::Remove(1)).unwrap();
    net.deliver_all();
    assert_eq!(net.status(1).role, Role::Follower);
    assert!(net.events[&1]
        .iter()
        .any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::RemovedFromConfig, .. })));
    net.run(1000);
    assert_eq!(net.leaders(), vec![2], "the remaining voter leads alone");
    net.propose(2, b"solo").unwrap();
    assert_eq!(net.status(2).commit_index, net.status(2).last_index);
}

#[test]
fn invalid_changes_are_refused() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.run(60);
    let mut bad = |c| net.node_mut(1).propose_change(c);
    assert_eq!(bad(ConfigChange::AddLearner(2)), Err(ProposalDropped::InvalidChange), "already a member");
    assert_eq!(bad(ConfigChange::Remove(9)), Err(ProposalDropped::InvalidChange), "not a member");
    assert_eq!(bad(ConfigChange::PromoteVoter(3)), Err(ProposalDropped::InvalidChange), "not a learner");
    assert_eq!(bad(ConfigChange::EnterJoint(vec![])), Err(ProposalDropped::InvalidChange));
    assert_eq!(bad(ConfigChange::LeaveJoint), Err(ProposalDropped::InvalidChange));
    assert_eq!(
        net.node_mut(2).propose_change(ConfigChange::Remove(3)),
        Err(ProposalDropped::NotLeader { leader_hint: Some(1) })
    );
}

/// Thesis §4.2.1 then §4.3: servers new to the cluster first join as learners
/// and catch up (they hold up no commit meanwhile); only then does the leader
/// append C_old,new, which needs majorities of both configurations; once it is
/// committed the leader moves on to C_new by itself.
#[test]
fn joint_consensus_adds_new_servers_as_learners_first_then_leaves_automatically() {
    let mut net = cluster_with_spares(&[4, 5], |_| {});
    net.elect(1);
    net.run(60);
    // The new servers 4 and 5 are down: they join as learners and cannot catch up.
    net.crash(4);
    net.crash(5);
    net.node_mut(1).propose_change(ConfigChange::EnterJoint(vec![1, 2, 4, 5])).unwrap();
    net.run(200);
    let m = net.status(1).membership;
    assert_eq!((m.voters.clone(), m.voters_outgoing.clone(), m.learners.clone()), (vec![1, 2, 3], vec![], vec![4, 5]));
    assert_eq!(net.node_mut(1).propose_change(ConfigChange::AddLearner(6)), Err(ProposalDropped::ChangeInProgress));
    net.propose(1, b"meanwhile").unwrap();
    net.run(60);
    assert_eq!(net.status(1).commit_index, net.status(1).last_index, "learners hold up no commit");

    // They come back and catch up; only now does the leader append C_old,new
    // (decisions then need majorities of both halves: quorum.rs's joint rules,
    // tested there), and once that commits, C_new.
    net.restart(4);
    net.restart(5);
    net.run(300);
    for id in [1, 2, 4] {
        let m = net.status(id).membership;
        assert_eq!((m.voters.clone(), m.voters_outgoing.clone()), (vec![1, 2, 4, 5], vec![]), "node {id}");
    }
    let kinds: Vec<EntryKind> =
        net.node(1).entries().iter().map(|e| e.kind.clone()).filter(|k| matches!(k, EntryKind::Config(_))).collect();
    assert_eq!(
        kinds,
        vec![
            EntryKind::Config(ConfigChange::AddLearner(4)),
            EntryKind::Config(ConfigChange::AddLearner(5)),
            EntryKind::Config(ConfigChange::EnterJoint(vec![1, 2, 4, 5])),
            EntryKind::Config(ConfigChange::LeaveJoint),
        ]
    );
    // 3 is out: it never campaigns; 1, 2, 4 form a majority of C_new.
    net.crash(3);
    net.propose(1, b"after").unwrap();
    net.run(60);
    assert_eq!(net.status(1).commit_index, net.status(1).last_index);
}

/// A leader that is not in C_new steps down once C_new is committed.
#[test]
fn joint_consensus_can_replace_the_leader() {
    let mut net = cluster_with_spares(&[4, 5, 6], |_| {});
    net.elect(1);
    net.run(60);
    net.node_mut(1).propose_change(ConfigChange::EnterJoint(vec![4, 5, 6])).unwrap();
    net.run(100);
    assert_ne!(net.status(1).role, Role::Leader);
    assert!(net.events[&1]
        .iter()
        .any(|e| matches!(e, CoreEvent::RoleChanged { reason: RoleChangeReason::RemovedFromConfig, .. })));
    net.run(1000);
    let l = net.leaders();
    assert_eq!(l.len(), 1);
    assert!([4, 5, 6].contains(&l[0]));
    for id in 4..=6 {
        assert_eq!(voters(&net, id), vec![4, 5, 6]);
    }
}

/// Thesis §4.1: the configuration is the latest in the log, committed or not,
/// so truncating an uncommitted config entry reverts to the previous one.
#[test]
fn truncated_config_entry_reverts_the_configuration() {
    let mut n = node_with_log(2, vec![1, 2, 3], 2, &[1], |_| {});
    let add = Entry { index: 2, term: 2, kind: EntryKind::Config(ConfigChange::AddLearner(4)) };
    n.step(msg(1, 2, 2, append(1, 1, vec![add], 1)));
    assert_eq!(n.status().membership.learners, vec![4]);
    n.step(msg(3, 2, 3, append(1, 1, vec![entry(2, 3)], 1)));
    assert!(n.status().membership.learners.is_empty());
    assert_eq!(n.status().membership.voters, vec![1, 2, 3]);
}

/// A membership change survives a restart: it is read back from the log.
#[test]
fn restart_recovers_membership_from_snapshot_and_log() {
    let mut net = cluster_with_spares(&[4], |_| {});
    net.elect(1);
    net.run(60);
    net.node_mut(1).propose_change(ConfigChange::AddLearner(4)).unwrap();
    net.run(200);
    assert_eq!(voters(&net, 2), vec![1, 2, 3, 4]);
    let applied = net.status(2).last_applied;
    net.node_mut(2).compact(applied - 1, b"s".to_vec());
    net.drain(2);
    net.crash(2);
    net.restart(2);
    assert_eq!(voters(&net, 2), vec![1, 2, 3, 4]);
    assert_eq!(net.status(2).snapshot_index, applied - 1);
}

/// A server created with *no* initial voters learns only the changes from the
/// log, not the configuration they apply to. It must never act on that partial
/// view: it does not campaign, and it does not freeze it into a snapshot.
#[test]
fn joiner_with_empty_initial_voters_never_campaigns_on_a_partial_view() {
    let mut net = Network::new(3, |_| {});
    net.add_node(Config::new(4, vec![], 104));
    net.elect(1);
    net.run(60);
    net.node_mut(1).propose_change(ConfigChange::AddLearner(4)).unwrap();
    net.run(200);
    assert_eq!(voters(&net, 1), vec![1, 2, 3, 4], "promoted on the leader");
    // Node 4 applied everything; compaction is refused while its base is unknown.
    let applied = net.status(4).last_applied;
    assert!(applied > 0);
    net.node_mut(4).compact(applied, b"s".to_vec());
    net.drain(4);
    assert_eq!(net.status(4).snapshot_index, 0);
    net.isolate(4);
    net.run(2000);
    assert_eq!(net.status(4).role, Role::Follower, "never elects itself on the partial view {{4}}");
    // Once a leader's snapshot tells it the configuration, it knows it.
    net.heal();
    net.crash(4);
    net.propose(1, b"x").unwrap();
    net.deliver_all();
    let a1 = net.status(1).last_applied;
    net.node_mut(1).compact(a1, b"s".to_vec());
    net.drain(1);
    net.restart(4);
    net.run(200);
    assert_eq!(net.status(4).snapshot_index, a1, "caught up by InstallSnapshot");
    assert_eq!(voters(&net, 4), vec![1, 2, 3, 4]);
}

/// Thesis §4.2.2: a server that is not in its latest configuration still
/// campaigns while that configuration is uncommitted, because it may still be
/// needed. Here C_old = {1, 2}, C_new = {2, 3}: node 1 led the change, wrote
/// LeaveJoint only to its own log and restarted. Nodes 2 and 3 still need a
/// majority of C_old (so node 1's vote), which node 1 refuses because its log
/// is longer. Only node 1 can break the tie: it wins with 2 and 3, commits
/// C_new, and steps down. (Found by the randomized test as a deadlock.)
#[test]
fn a_server_outside_an_uncommitted_configuration_still_campaigns() {
    let mut net = Network::new(2, |_| {});
    net.add_node(Config::new(3, vec![1, 2], 103));
    net.elect(1);
    net.run(60);
    net.node_mut(1).propose_change(ConfigChange::EnterJoint(vec![2, 3])).unwrap();
    let is_leave = |m: &Message| match &m.body {
        MessageBody::AppendEntries { entries, .. } => {
            entries.iter().any(|e| e.kind == EntryKind::Config(ConfigChange::LeaveJoint))
        }
        _ => false,
    };
    net.deliver_filtered(|m| !is_leave(m));
    assert!(net.node(1).entries().iter().any(|e| e.kind == EntryKind::Config(ConfigChange::LeaveJoint)));
    assert!(!net.node(2).entries().iter().any(|e| e.kind == EntryKind::Config(ConfigChange::LeaveJoint)));
    net.crash(1);
    net.restart(1);
    assert_eq!(net.status(1).membership.voters, vec![2, 3]);
    net.run(3000);
    for id in [2, 3] {
        let m = net.status(id).membership;
        assert_eq!((m.voters, m.voters_outgoing), (vec![2, 3], vec![]), "node {id}");
    }
    let l = net.leaders();
    assert_eq!(l.len(), 1);
    assert!(l[0] == 2 || l[0] == 3);
    // Node 1 learned that C_new is committed and keeps quiet from then on.
    let term = net.status(l[0]).current_term;
    net.run(2000);
    assert_eq!(net.status(l[0]).current_term, term, "no disruption by the removed server");
}
