//! Log replication and commitment, following the Raft paper §5.3, §5.4.2 and
//! §8, plus the fast backup of thesis §5.3.
mod common;
use common::*;
use raft_core::*;

fn append_responses(msgs: &[Message]) -> Vec<MessageBody> {
    msgs.iter()
        .filter(|m| matches!(m.body, MessageBody::AppendEntriesResponse { .. }))
        .map(|m| m.body.clone())
        .collect()
}

/// §8: "each leader commit a blank no-op entry into the log at the start of
/// its term".
#[test]
fn new_leader_appends_a_noop_of_its_term() {
    let mut net = Network::with_logs(3, &[&[1, 2], &[1, 2], &[1]], |_| {});
    net.elect(1);
    let e = net.node(1).entries().last().unwrap().clone();
    assert_eq!((e.index, e.term, e.kind), (3, 4, EntryKind::Noop));
    net.deliver_all();
    // Committing the no-op commits the earlier entries of older terms too.
    assert_eq!(net.status(1).commit_index, 3);
}

/// Figure 2, AppendEntries rule 2: reply false if the log doesn't contain an
/// entry at prevLogIndex whose term matches prevLogTerm — with a hint.
#[test]
fn consistency_check_rejects_with_a_conflict_hint() {
    // Too short.
    let mut n = node_with_log(1, vec![1, 2, 3], 3, &[1, 1], |_| {});
    n.step(msg(2, 1, 3, append(5, 3, vec![entry(6, 3)], 0)));
    assert_eq!(
        append_responses(&take_msgs(&mut n)),
        vec![MessageBody::AppendEntriesResponse {
            success: false,
            match_index: 5,
            conflict: Some(ConflictHint { conflict_term: None, first_index: 3 }),
            reason: Some(AppendRejected::MissingEntry { prev_log_index: 5, last_index: 2 }),
            read_ctx: 0,
        }]
    );
    // Wrong term at prevLogIndex: the hint names that term and its first index.
    let mut n = node_with_log(1, vec![1, 2, 3], 3, &[1, 2, 2, 2, 2], |_| {});
    n.step(msg(2, 1, 3, append(4, 3, vec![], 0)));
    assert_eq!(
        append_responses(&take_msgs(&mut n)),
        vec![MessageBody::AppendEntriesResponse {
            success: false,
            match_index: 4,
            conflict: Some(ConflictHint { conflict_term: Some(2), first_index: 2 }),
            reason: Some(AppendRejected::TermMismatch { prev_log_index: 4, prev_log_term: 3, found_term: 2 }),
            read_ctx: 0,
        }]
    );
    assert_eq!(n.status().last_index, 5, "a rejected request changes nothing");
}

/// Figure 2, rule 3: "If an existing entry conflicts with a new one (same index
/// but different terms), delete the existing entry and all that follow it" —
/// only that suffix.
#[test]
fn conflicting_suffix_is_truncated_and_nothing_else() {
    let mut n = node_with_log(1, vec![1, 2, 3], 3, &[1, 1, 2, 2, 2], |_| {});
    n.step(msg(2, 1, 3, append(2, 1, vec![entry(3, 2), entry(4, 3)], 0)));
    let terms: Vec<Term> = n.entries().iter().map(|e| e.term).collect();
    assert_eq!(terms, vec![1, 1, 2, 3], "entry 3 matched and stays; 4..5 conflicted and went");
    let rd = take_ready(&mut n);
    assert!(rd.events.contains(&CoreEvent::EntriesTruncated { from_index: 4, to_index: 5 }));
    // The host is told to persist from the first changed index.
    assert_eq!(rd.entries.iter().map(|e| (e.index, e.term)).collect::<Vec<_>>(), vec![(4, 3)]);
    assert!(matches!(
        append_responses(&rd.messages)[0],
        MessageBody::AppendEntriesResponse { success: true, match_index: 4, .. }
    ));
}

/// A delayed duplicate AppendEntries whose entries already match must not
/// truncate the entries that arrived after it (reordered messages are harmless).
#[test]
fn stale_duplicate_append_does_not_truncate() {
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[], |_| {});
    let first = msg(2, 1, 2, append(0, 0, vec![entry(1, 2), entry(2, 2)], 0));
    let second = msg(2, 1, 2, append(2, 2, vec![entry(3, 2), entry(4, 2)], 0));
    n.step(first.clone());
    n.step(second);
    take_ready(&mut n);
    n.step(first); // arrives again, late
    assert_eq!(n.status().last_index, 4);
    let rd = take_ready(&mut n);
    assert!(rd.entries.is_empty(), "nothing new to persist");
    assert!(!rd.events.iter().any(|e| matches!(e, CoreEvent::EntriesTruncated { .. })));
    // It acknowledges only what that message covered.
    assert!(matches!(
        append_responses(&rd.messages)[0],
        MessageBody::AppendEntriesResponse { success: true, match_index: 2, .. }
    ));
}

/// Figure 2, rule 5: "If leaderCommit > commitIndex, set commitIndex =
/// min(leaderCommit, index of last new entry)".
#[test]
fn follower_commit_is_min_of_leader_commit_and_last_new_entry() {
    let mut n = node_with_log(1, vec![1, 2, 3], 2, &[2, 2, 2, 2, 2], |_| {});
    // A heartbeat pointing at index 2 with leader commit 5: only 2 is known to match.
    n.step(msg(2, 1, 2, append(2, 2, vec![], 5)));
    assert_eq!(n.status().commit_index, 2);
    n.step(msg(2, 1, 2, append(2, 2, vec![entry(3, 2)], 5)));
    assert_eq!(n.status().commit_index, 3);
    n.step(msg(2, 1, 2, append(5, 2, vec![], 4)));
    assert_eq!(n.status().commit_index, 4);
    let rd = take_ready(&mut n);
    assert_eq!(rd.committed_entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    // Each committed entry is handed out once.
    n.step(msg(2, 1, 2, append(5, 2, vec![], 4)));
    assert!(take_ready(&mut n).committed_entries.is_empty());
    assert_eq!(n.status().last_applied, 4);
}

/// Figure 8 / §5.4.2: "Raft never commits log entries from previous terms by
/// counting replicas." An entry of an older term stored on a majority stays
/// uncommitted until an entry of the leader's current term is.
#[test]
fn old_term_entry_on_a_majority_is_not_committed_by_counting() {
    // S1 has [1, 2] and becomes leader in term 4; S2 also has [1, 2].
    let mut net = Network::with_logs(3, &[&[1, 2], &[1, 2], &[1]], |_| {});
    net.node_mut(1).campaign();
    net.deliver_filtered(|m| !matches!(m.body, MessageBody::AppendEntries { .. }));
    assert_eq!(net.status(1).role, Role::Leader);
    let leader = net.node_mut(1);
    let ok = |m| {
        msg(
            2,
            1,
            4,
            MessageBody::AppendEntriesResponse {
                success: true,
                match_index: m,
                conflict: None,
                reason: None,
                read_ctx: 0,
            },
        )
    };
    // S2 confirms index 2 (term 2): stored on S1 and S2, a majority of 3.
    leader.step(ok(2));
    assert_eq!(leader.status().commit_index, 0, "term-2 entry on a majority is NOT committed in term 4");
    // Once the no-op of term 4 (index 3) is on a majority, everything up to it commits.
    leader.step(ok(3));
    assert_eq!(leader.status().commit_index, 3);
}

/// The `commit-old-term` bug switch really does commit the old-term entry (so
/// the simulator's checker can be shown to catch it).
#[test]
fn bug_switch_commits_old_term_entries_by_counting() {
    let mut net = Network::with_logs(3, &[&[1, 2], &[1, 2], &[1]], |c| c.bugs.commit_old_term = true);
    net.node_mut(1).campaign();
    net.deliver_filtered(|m| !matches!(m.body, MessageBody::AppendEntries { .. }));
    let leader = net.node_mut(1);
    leader.step(msg(
        2,
        1,
        4,
        MessageBody::AppendEntriesResponse { success: true, match_index: 2, conflict: None, reason: None, read_ctx: 0 },
    ));
    assert_eq!(leader.status().commit_index, 2);
}

/// Basic agreement, then a minority cannot commit.
#[test]
fn entries_commit_on_a_majority_only() {
    let mut net = Network::new(5, |_| {});
    net.elect(1);
    net.propose(1, b"a").unwrap();
    net.deliver_all();
    assert_eq!(net.status(1).commit_index, 2);
    // Leader with only one follower: no commit.
    net.partition(&[1, 2], &[3, 4, 5]);
    net.propose(1, b"b").unwrap();
    net.run(300);
    assert_eq!(net.status(1).commit_index, 2, "2 of 5 is not a majority");
    assert_eq!(net.status(1).last_index, 3);
}

/// Figure 7 / §5.3: a leader forces followers' logs to duplicate its own;
/// the 2:3 partition case: the old leader's uncommitted entries are overwritten.
#[test]
fn partitioned_old_leader_entries_are_overwritten_on_rejoin() {
    let mut net = Network::new(5, |_| {});
    net.elect(1);
    net.propose(1, b"committed").unwrap();
    net.deliver_all();
    net.partition(&[1, 2], &[3, 4, 5]);
    for i in 0..3u8 {
        net.propose(1, &[b'x', i]).unwrap();
    }
    net.deliver_all();
    net.node_mut(3).campaign();
    net.deliver_all();
    assert_eq!(net.status(3).role, Role::Leader);
    for i in 0..2u8 {
        net.propose(3, &[b'y', i]).unwrap();
    }
    net.deliver_all();
    net.heal();
    net.run(200);
    let leader_log = net.node(3).entries().to_vec();
    for id in 1..=5 {
        assert_eq!(net.node(id).entries(), &leader_log[..], "node {id}");
    }
    // Old leader saw its suffix truncated and applied only the new leader's entries.
    assert!(net.events[&1].iter().any(|e| matches!(e, CoreEvent::EntriesTruncated { .. })));
    let applied = net.commands_applied(1);
    assert!(applied.contains(&b"committed".to_vec()));
    assert!(!applied.iter().any(|c| c[0] == b'x'));
    assert!(applied.contains(&vec![b'y', 1]));
}

fn rejections_to(net: &Network, leader: NodeId, from: NodeId) -> usize {
    net.delivered
        .iter()
        .filter(|m| {
            m.from == from
                && m.to == leader
                && matches!(m.body, MessageBody::AppendEntriesResponse { success: false, .. })
        })
        .count()
}

/// Thesis §5.3 fast backup: a follower 50 entries behind is repaired in a
/// handful of round trips, not 50.
#[test]
fn fast_backup_repairs_a_follower_fifty_entries_behind() {
    let mut net = Network::new(3, |_| {});
    net.elect(1);
    net.deliver_all();
    net.crash(3);
    for i in 0..50u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    net.restart(3);
    net.run(60);
    assert_eq!(net.node(3).entries(), net.node(1).entries());
    let r = rejections_to(&net, 1, 3);
    eprintln!("fast backup, 50 behind: {r} rejections");
    assert!(r <= 2, "{r} rejections");
}

/// The harder case: the follower holds 50 *conflicting* entries of an old
/// term, and the leader starts from the optimistic nextIndex = its last index
/// + 1. One-entry-at-a-time backup would need ~50 rejections.
#[test]
fn fast_backup_skips_a_whole_conflicting_term() {
    let mut net = Network::new(3, |_| {});
    net.elect(3);
    net.deliver_all();
    // S3 leads term 1 alone and appends 50 entries nobody else sees.
    net.isolate(3);
    for i in 0..50u8 {
        net.propose(3, &[b'o', i]).unwrap();
    }
    net.deliver_all();
    // S1 leads term 2 and commits 50 entries of its own with S2.
    net.node_mut(1).campaign();
    net.deliver_all();
    for i in 0..50u8 {
        net.propose(1, &[b'n', i]).unwrap();
    }
    net.deliver_all();
    // S2 takes over in term 3: its nextIndex for S3 is 53, far past the conflict.
    net.node_mut(2).campaign();
    net.deliver_all();
    assert_eq!(net.status(2).role, Role::Leader);
    assert_eq!(net.status(3).last_index, 51);
    net.heal();
    let before = rejections_to(&net, 2, 3);
    net.run(120);
    assert_eq!(net.node(3).entries(), net.node(2).entries());
    let r = rejections_to(&net, 2, 3) - before;
    eprintln!("fast backup, 50 conflicting: {r} rejections");
    assert!((1..=3).contains(&r), "{r} rejections to skip a 50-entry conflicting term");
    assert!(net.commands_applied(3).iter().all(|c| c[0] != b'o'));
    assert!(net.events[&3].iter().any(|e| matches!(e, CoreEvent::EntriesTruncated { from_index: 2, to_index: 51 })));
}

/// Entries per message are capped.
#[test]
fn append_entries_carry_at_most_max_entries_per_message() {
    let mut net = Network::new(3, |c| c.max_entries_per_message = 4);
    net.elect(1);
    net.deliver_all();
    net.crash(2);
    for i in 0..20u8 {
        net.propose(1, &[i]).unwrap();
    }
    net.deliver_all();
    net.restart(2);
    net.run(100);
    assert_eq!(net.node(2).entries(), net.node(1).entries());
    let max = net
        .delivered
        .iter()
        .filter_map(|m| match &m.body {
            MessageBody::AppendEntries { entries, .. } => Some(entries.len()),
            _ => None,
        })
        .max()
        .unwrap();
    assert_eq!(max, 4);
}

/// The full Figure 8 story on five servers. (c) S1, leader of term 4, gets its
/// term-2 entry onto a majority (S1, S2, S3) but not yet its own no-op; then
/// (d) S1 crashes and S5 (last term 3) is elected and overwrites index 2.
/// With the correct rule nothing was committed, so nothing is lost. With the
/// `commit-old-term` bug switch on, S1 commits and applies index 2
/// (term 2) and S5's cluster later applies a different entry at index 2: the
/// state machine safety violation the paper warns about.
fn figure_8(bug_commit_old_term: bool) -> Network {
    let mut net = Network::with_logs(3, &[&[1, 2], &[1, 2], &[1], &[1], &[1, 3]], |c| {
        c.max_entries_per_message = 1;
        c.bugs.commit_old_term = bug_commit_old_term;
    });
    // (c) S1 is elected in term 4 by S2, S3, S4 (S5's log is more up to date).
    net.node_mut(1).campaign();
    // Replication: S4 and S5 hear nothing; S3 gets index 2 but not the no-op
    // (its first probe, prev_log_index 2, is rejected and lets the leader back
    // up; later messages carrying index 3 are lost).
    let probes_to_s3 = std::cell::Cell::new(0);
    net.deliver_filtered(|m| match &m.body {
        MessageBody::AppendEntries { entries, .. } if m.to == 3 => {
            probes_to_s3.set(probes_to_s3.get() + 1);
            probes_to_s3.get() == 1 || entries.iter().all(|e| e.index < 3)
        }
        MessageBody::AppendEntries { .. } => m.to != 4 && m.to != 5,
        _ => true,
    });
    assert_eq!(net.status(1).role, Role::Leader);
    assert_eq!(net.status(1).current_term, 4);
    assert_eq!(net.log_terms(3), vec![1, 2]);
    net
}

#[test]
fn figure_8_story_loses_nothing_committed() {
    let mut net = figure_8(false);
    assert_eq!(net.status(1).commit_index, 0, "index 2 is on a majority but of term 2: not committed");
    // (d) S1 crashes; S5 wins with S3's and S4's votes and overwrites index 2.
    net.crash(1);
    net.node_mut(5).campaign();
    net.deliver_all();
    assert_eq!(net.status(5).role, Role::Leader);
    net.run(100);
    assert_eq!(net.log_terms(3)[1], 3, "S3's index 2 replaced by S5's term-3 entry");
    // Which is fine: S1 never applied index 2.
    assert!(net.applied[&1].iter().all(|e| e.index < 2));
    let at2: Vec<Term> =
        (2..=5).filter_map(|id| net.applied[&id].iter().find(|e| e.index == 2).map(|e| e.term)).collect();
    assert!(at2.iter().all(|&t| t == 3));
}

#[test]
fn figure_8_story_with_the_bug_switch_breaks_state_machine_safety() {
    let mut net = figure_8(true);
    assert_eq!(net.status(1).commit_index, 2, "the buggy rule commits the term-2 entry");
    let s1_at_2 = net.applied[&1].iter().find(|e| e.index == 2).cloned().expect("S1 applied index 2");
    net.crash(1);
    net.node_mut(5).campaign();
    net.deliver_all();
    net.run(100);
    let s5_at_2 = net.applied[&5].iter().find(|e| e.index == 2).cloned().expect("S5 applied index 2");
    assert_ne!(s1_at_2, s5_at_2, "two servers applied different commands at index 2");
}
