//! The point of some scenario stories cannot be written as an `expect` line
//! (the language has no condition for "a snapshot was installed" or "this
//! read was refused"). These tests run those scenario files with the event
//! trace on and check that the mechanism each story is about really happened,
//! so a story cannot pass by accident (e.g. a follower repaired by plain
//! AppendEntries in a snapshot story).

use std::path::PathBuf;

use raft_core::{CoreEvent, ProposalDropped, Role};
use raft_sim::client::Op;
use raft_sim::scenario::parse::parse_script;
use raft_sim::trace::{CoreRecord, EventKind, TraceEvent};
use raft_sim::Runner;

/// Runs `scenarios/NAME.raft` with the trace kept; returns the runner and every event.
fn run(name: &str) -> (Runner, Vec<TraceEvent>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(format!("{name}.raft"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let script = parse_script(&text).unwrap_or_else(|e| panic!("{name}:{}:{}: {}", e.line, e.col, e.message));
    let mut runner = Runner::new(&script.setup);
    runner.keep_events(true);
    runner.world.trace.limit = usize::MAX; // the stories read every event
    let mut events = Vec::new();
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
        events.extend(runner.take_events());
    }
    runner.finish();
    events.extend(runner.take_events());
    assert!(runner.failures.is_empty(), "{name}: {:?}", runner.failures);
    (runner, events)
}

fn kinds(events: &[TraceEvent]) -> impl Iterator<Item = (u64, &EventKind)> {
    events.iter().map(|e| (e.time_ms, &e.kind))
}

/// Time of the `command` event for the first line whose text starts with `prefix`.
fn command_time(events: &[TraceEvent], prefix: &str) -> u64 {
    kinds(events)
        .find_map(|(t, k)| match k {
            EventKind::Command { text, .. } if text.starts_with(prefix) => Some(t),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no command `{prefix}`"))
}

#[test]
fn snapshot_lagging_follower_is_repaired_by_install_snapshot() {
    let (_, ev) = run("snapshot-lagging-follower");
    let restart = command_time(&ev, "restart n3");
    assert!(kinds(&ev).any(|(t, k)| t < restart
        && matches!(k, EventKind::Core(CoreRecord { node: 1, event: CoreEvent::SnapshotTaken { .. } }))));
    let installed = kinds(&ev).any(|(t, k)| {
        t > restart
            && matches!(k, EventKind::Core(CoreRecord { node: 3, event: CoreEvent::SnapshotInstalled { from: 1, .. } }))
    });
    assert!(installed, "n3 was not repaired by InstallSnapshot");
}

#[test]
fn snapshot_crash_mid_transfer_drops_the_snapshot_then_resends_it() {
    let (_, ev) = run("snapshot-crash-mid-transfer");
    // The second `crash n3` (line after `run 40ms`) is the one mid-transfer:
    // at that very moment an InstallSnapshot to n3 is dropped because n3 crashed.
    let crashes: Vec<u64> =
        kinds(&ev).filter(|(_, k)| matches!(k, EventKind::Crash { node: 3 })).map(|(t, _)| t).collect();
    assert_eq!(crashes.len(), 2, "{crashes:?}");
    let mid = crashes[1];
    let dropped_in_flight = kinds(&ev).any(|(t, k)| {
        t == mid
            && matches!(k, EventKind::MessageDropped { to: 3, ty, why, .. } if *ty == "InstallSnapshot" && why == "crashed")
    });
    assert!(dropped_in_flight, "no InstallSnapshot was in flight when n3 crashed at {mid} ms");
    let installed_after = kinds(&ev).any(|(t, k)| {
        t > mid && matches!(k, EventKind::Core(CoreRecord { node: 3, event: CoreEvent::SnapshotInstalled { .. } }))
    });
    assert!(installed_after, "the snapshot was not sent again");
}

#[test]
fn restart_from_snapshot_loads_the_snapshot() {
    let (_, ev) = run("restart-from-snapshot");
    let crash = command_time(&ev, "crash n2");
    assert!(kinds(&ev).any(|(t, k)| t < crash
        && matches!(k, EventKind::Core(CoreRecord { node: 2, event: CoreEvent::SnapshotTaken { .. } }))));
}

#[test]
fn read_index_refuses_reads_on_the_deposed_leader() {
    let (runner, ev) = run("read-index-deposed-leader");
    // n1 refused at least one read rather than answer from its stale state.
    assert!(kinds(&ev)
        .any(|(_, k)| matches!(k, EventKind::Core(CoreRecord { node: 1, event: CoreEvent::ReadRejected { .. } }))));
    // Every read returned, and returned the new value.
    let gets: Vec<_> = runner.world.clients.ops.iter().filter(|o| o.op == Op::Get).collect();
    assert_eq!(gets.len(), 4);
    for g in gets {
        assert!(g.returned_ms.is_some(), "get by client {} never returned", g.client);
        assert_eq!(g.result.as_deref(), Some("new"), "client {}", g.client);
    }
    assert!(runner.world.checker.violations.is_empty());
}

#[test]
fn stale_read_is_flagged_as_not_linearizable() {
    let (runner, _) = run("expect-violation-stale-read");
    let stale = runner.world.clients.ops.iter().find(|o| o.op == Op::Get).expect("a get");
    assert_eq!(stale.result.as_deref(), Some("1"));
    let invariants: Vec<&str> = runner.world.checker.violations.iter().map(|v| v.invariant.as_str()).collect();
    assert_eq!(invariants, ["linearizability"]);
}

#[test]
fn prevote_keeps_the_isolated_server_from_real_elections() {
    let (_, ev) = run("disruptive-server-with-prevote");
    let sent = |ty: &str| {
        kinds(&ev).filter(|(_, k)| matches!(k, EventKind::MessageSent { from: 5, ty: t, .. } if *t == ty)).count()
    };
    assert!(sent("PreVote") > 0, "n5 never asked for pre-votes");
    assert_eq!(sent("RequestVote"), 0, "n5 started a real election");
}

#[test]
fn without_prevote_the_isolated_server_deposes_the_leader() {
    let (_, ev) = run("disruptive-server-without-prevote");
    let heal = command_time(&ev, "heal");
    let deposed = kinds(&ev).any(|(t, k)| {
        t >= heal
            && matches!(
                k,
                EventKind::Core(CoreRecord {
                    node: 1,
                    event: CoreEvent::RoleChanged { from: Role::Leader, to: Role::Follower, .. }
                })
            )
    });
    assert!(deposed);
}

#[test]
fn transfers_use_timeout_now_after_catching_the_target_up() {
    for (name, target) in [("transfer", 3u64), ("transfer-to-lagging-node", 4)] {
        let (_, ev) = run(name);
        let timeout_now = kinds(&ev)
            .find_map(|(t, k)| match k {
                EventKind::MessageSent { from: 1, to, ty, .. } if *ty == "TimeoutNow" && *to == target => Some(t),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}: no TimeoutNow to n{target}"));
        assert!(kinds(&ev).any(|(_, k)| matches!(k, EventKind::Core(CoreRecord { node: 1, event: CoreEvent::TransferStarted { to } }) if *to == target)));
        if name == "transfer" {
            // The proposal made during the transfer was refused for that reason.
            let refused = kinds(&ev).any(|(_, k)| {
                matches!(
                    k,
                    EventKind::Core(CoreRecord {
                        node: 1,
                        event: CoreEvent::ProposalDropped { reason: ProposalDropped::TransferInProgress }
                    })
                )
            });
            assert!(refused, "n1 accepted a proposal during the transfer");
        }
        if name == "transfer-to-lagging-node" {
            // The lagging target received the missing entries before TimeoutNow.
            let caught_up = kinds(&ev).any(|(t, k)| {
                t <= timeout_now
                    && matches!(k, EventKind::Core(CoreRecord { node: 4, event: CoreEvent::EntriesAppended { last_index, .. } }) if *last_index >= 11)
            });
            assert!(caught_up, "TimeoutNow sent before n4 had the entries");
        }
    }
}

#[test]
fn figure_8_old_term_entry_on_a_majority_is_overwritten() {
    let (_, ev) = run("figure-8");
    // (c): n3 receives index 2 (x=a, term 1) from n1 in term 3, so x=a is on n1, n2, n3.
    let c = command_time(&ev, "cut n1 -> n2");
    assert!(kinds(&ev).any(|(t, k)| t > c
        && matches!(
            k,
            EventKind::Core(CoreRecord { node: 3, event: CoreEvent::EntriesAppended { first_index: 2, .. } })
        )));
    // Never committed or applied anywhere...
    assert!(!kinds(&ev).any(|(_, k)| matches!(k, EventKind::EntryApplied { command, .. } if command == "put x a")));
    // ...and (d): overwritten on n2 by n5's entries.
    assert!(kinds(&ev).any(|(_, k)| matches!(
        k,
        EventKind::Core(CoreRecord { node: 2, event: CoreEvent::EntriesTruncated { from_index: 2, .. } })
    )));
}

#[test]
fn fast_backup_needs_few_rejections() {
    let (_, ev) = run("fast-backup");
    let heal = command_time(&ev, "heal");
    // Rejections by n5 of the new leader n3's AppendEntries (not of the old
    // leader's stale-term ones).
    let rejections = kinds(&ev)
        .filter(|(t, k)| {
            *t >= heal
                && matches!(
                    k,
                    EventKind::Core(CoreRecord { node: 5, event: CoreEvent::AppendRejected { leader: 3, .. } })
                )
        })
        .count();
    // At least one: n3's optimistic next_index really was past the conflict.
    // 40 conflicting entries; one rejection per entry would be about 40.
    assert!((1..=6).contains(&rejections), "n5 rejected {rejections} AppendEntries from n3");
}

#[test]
fn split_vote_really_splits() {
    let (_, ev) = run("split-vote");
    let won_term_1 = kinds(&ev).any(|(_, k)| {
        matches!(k, EventKind::Core(CoreRecord { event: CoreEvent::RoleChanged { to: Role::Leader, term: 1, .. }, .. }))
    });
    assert!(!won_term_1, "someone won term 1");
}

#[test]
fn new_leader_answers_reads_only_after_its_noop_commits() {
    let (runner, ev) = run("new-leader-read-waits-for-noop");
    let noop_committed = kinds(&ev)
        .find_map(|(t, k)| matches!(k, EventKind::Core(CoreRecord { node: 2, event: CoreEvent::CommitAdvanced { to, .. } }) if *to >= 3).then_some(t))
        .expect("n2 commits its no-op");
    let get = runner.world.clients.ops.iter().find(|o| o.op == Op::Get).expect("a get");
    let returned = get.returned_ms.expect("the read returned");
    assert!(returned >= noop_committed, "read answered at {returned} ms, no-op committed at {noop_committed} ms");
    assert_eq!(get.result.as_deref(), Some("1"));
}

#[test]
fn lease_reads_never_return_the_old_value_after_the_new_one_committed() {
    let (runner, ev) = run("lease-read");
    let partition = command_time(&ev, "partition");
    let gets: Vec<_> = runner.world.clients.ops.iter().filter(|o| o.op == Op::Get).collect();
    assert_eq!(gets.len(), 4);
    for g in gets {
        assert!(g.returned_ms.is_some(), "get by client {} never returned", g.client);
        let want = if g.invoked_ms < partition { "1" } else { "2" };
        assert_eq!(g.result.as_deref(), Some(want), "client {}", g.client);
    }
    assert!(runner.world.checker.violations.is_empty());
}

/// The commands `node` applied, in order.
fn applied_on(ev: &[TraceEvent], node: u64) -> Vec<String> {
    kinds(ev)
        .filter_map(|(_, k)| match k {
            EventKind::EntryApplied { node: n, command, .. } if *n == node => Some(command.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn membership_changes_go_through_the_expected_configurations() {
    let (_, ev) = run("add-server");
    let configs: Vec<String> = applied_on(&ev, 1).into_iter().filter(|c| c.starts_with("config")).collect();
    assert_eq!(configs, ["config +learner n4", "config +voter n4", "config +learner n5", "config +voter n5"]);

    let (_, ev) = run("joint-consensus");
    let configs: Vec<String> = applied_on(&ev, 1).into_iter().filter(|c| c.starts_with("config")).collect();
    // New servers join as learners and catch up before C_old,new (thesis §4.2.1).
    assert_eq!(configs, ["config +learner n4", "config +learner n5", "config joint n1 n4 n5", "config leave-joint"]);

    // The failed change: the learners were added (committed, applied), but
    // C_old,new (index 5) never committed, was never applied anywhere, and
    // was cut from n1's log when it rejoined.
    let (_, ev) = run("joint-change-leader-crash");
    let configs: Vec<String> = applied_on(&ev, 2).into_iter().filter(|c| c.starts_with("config")).collect();
    assert_eq!(configs, ["config +learner n4", "config +learner n5"]);
    assert!(!kinds(&ev)
        .any(|(_, k)| matches!(k, EventKind::EntryApplied { command, .. } if command.starts_with("config joint"))));
    let crash = command_time(&ev, "crash n1");
    assert!(kinds(&ev).any(|(t, k)| t <= crash
        && matches!(
            k,
            EventKind::Core(CoreRecord { node: 1, event: CoreEvent::EntriesAppended { first_index: 5, .. } })
        )));
    assert!(kinds(&ev).any(|(t, k)| t > crash
        && matches!(
            k,
            EventKind::Core(CoreRecord { node: 1, event: CoreEvent::EntriesTruncated { from_index: 5, .. } })
        )));
}

/// v1: `leader` may stand for a node in network commands too; it is resolved
/// when the command runs.
#[test]
fn leader_in_partition_and_cut_is_resolved_when_run() {
    let text = "cluster 3\ntimeout n1\nawait leader n1 within 1s\npartition leader | n2 n3\n\
                cut leader -> n2\nawait term leader >= 2 within 2s\nexpect role n1 leader\n";
    let runner = raft_sim::run_text(text).expect("parses");
    assert!(runner.failures.is_empty(), "{:?}", runner.failures);
    assert_eq!(runner.world.network.partition, Some(vec![vec![1], vec![2, 3]]));
    assert!(runner.world.network.cuts.contains(&(1, 2)));
    // Naming the leader's id again is a failure at that line, and nothing changes.
    let text = "cluster 3\ntimeout n1\nawait leader n1 within 1s\npartition leader | n1 n2\n";
    let runner = raft_sim::run_text(text).expect("parses");
    assert_eq!(runner.failures.len(), 1);
    assert_eq!(runner.failures[0].line, 4);
    assert_eq!(runner.world.network.partition, None);
}
