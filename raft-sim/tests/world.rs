//! The world as a plain value: checkpoints, determinism, and the behaviours of
//! the simulated environment that scenarios rely on.

use raft_sim::scenario::ast::{Command, Located, NodeRef, Setup};
use raft_sim::scenario::parse::parse_script;
use raft_sim::{run_text, Runner, World};

fn cmd(value: Command) -> Located<Command> {
    Located { line: 0, col: 0, text: String::new(), value }
}

#[test]
fn checkpoint_and_restore_replay_identically() {
    let mut runner =
        run_text("cluster 5\nseed 11\nset loss 5%\nawait leader any within 3s\nput a 1\nput b 2\nrun 300ms\n").unwrap();
    let checkpoint = runner.clone();
    runner.exec_command(&cmd(Command::Crash(NodeRef::Leader))).unwrap();
    runner.advance(2000);
    let after = runner.clone();
    // Time travel: restore the checkpoint and do the same again.
    let mut again = checkpoint.clone();
    assert_ne!(again, after);
    again.exec_command(&cmd(Command::Crash(NodeRef::Leader))).unwrap();
    again.advance(2000);
    assert_eq!(again, after, "a restored checkpoint replays bit for bit");
    assert_eq!(again.trace_hash(), after.trace_hash());
}

#[test]
fn different_seeds_give_different_runs() {
    let a = run_text("cluster 5\nseed 1\nrun 2s\n").unwrap();
    let b = run_text("cluster 5\nseed 2\nrun 2s\n").unwrap();
    assert_ne!(a.trace_hash(), b.trace_hash());
}

#[test]
fn crash_keeps_only_persisted_state() {
    let mut runner =
        run_text("cluster 3\nseed 5\nawait leader any within 2s\nput x 1\nawait kv n3 x = 1 within 2s\n").unwrap();
    assert!(runner.ok(), "{:?}", runner.failures);
    let persisted = runner.world.nodes[&3].storage.clone();
    let term = runner.world.status(3).unwrap().current_term;
    runner.exec_command(&cmd(Command::Crash(NodeRef::Node(3)))).unwrap();
    let node = &runner.world.nodes[&3];
    assert!(!node.is_up());
    assert!(node.kv.map.is_empty(), "the state machine is volatile");
    assert_eq!(node.storage, persisted, "storage survives");
    runner.exec_command(&cmd(Command::Restart(NodeRef::Node(3)))).unwrap();
    assert_eq!(runner.world.status(3).unwrap().current_term, term, "the term is persisted");
    runner.advance(1000);
    assert_eq!(runner.world.nodes[&3].kv.get("x").map(String::as_str), Some("1"), "re-applied from the log");
    assert!(runner.ok());
}

#[test]
fn minority_partition_cannot_commit_and_majority_can() {
    let text = "cluster 5\nseed 3\nawait leader any within 2s\n";
    let mut runner = run_text(text).unwrap();
    let (leader, _) = runner.world.leader().unwrap();
    let others: Vec<u64> = (1..=5).filter(|n| *n != leader).collect();
    // The old leader with one follower on one side, three nodes on the other.
    let minority = vec![leader, others[0]];
    let majority = vec![others[1], others[2], others[3]];
    runner.exec_command(&cmd(Command::Partition(vec![minority.clone(), majority.clone()]))).unwrap();
    let before = runner.world.status(leader).unwrap().commit_index;
    runner
        .exec_command(&cmd(Command::Propose { node: NodeRef::Node(leader), key: "lost".into(), value: "1".into() }))
        .unwrap();
    runner.advance(2000);
    assert_eq!(runner.world.status(leader).unwrap().commit_index, before, "a minority leader commits nothing");
    let (new_leader, _) = runner.world.leader().unwrap();
    assert!(majority.contains(&new_leader));
    runner.exec_command(&cmd(Command::Heal)).unwrap();
    runner.advance(2000);
    runner.finish();
    for id in 1..=5 {
        assert_eq!(runner.world.nodes[&id].kv.get("lost"), None, "n{id}: the minority's entry was overwritten");
    }
    assert!(runner.ok(), "{:?} {:?}", runner.failures, runner.world.checker.violations);
}

#[test]
fn clients_get_exactly_once_effects_under_loss_and_duplication() {
    let mut text = String::from("cluster 5\nseed 9\nset loss 10%\nset duplicate 10%\nawait leader any within 3s\n");
    for i in 0..20 {
        text.push_str(&format!("put k{} {}\nget k{}\nrun 50ms\n", i % 3, i, i % 3));
    }
    text.push_str("set loss 0%\nrun 5s\n");
    let runner = run_text(&text).unwrap();
    assert!(runner.ok(), "{:?} {:?}", runner.failures, runner.world.checker.violations);
    let ops = &runner.world.clients.ops;
    assert_eq!(ops.len(), 40);
    assert!(ops.iter().all(|o| o.returned_ms.is_some()), "every operation returns once the network is good");
    let clients = &runner.world.clients;
    assert_eq!(clients.history_size(), raft_sim::invariants::history_size(&clients.history_for_checker()));
    // Exactly once: the dedup table has one session per put client, seq 1.
    let (_, node) = runner.world.nodes.iter().next().unwrap();
    for o in ops.iter().filter(|o| o.op == raft_sim::client::Op::Put) {
        assert_eq!(node.kv.sessions.get(&o.client).map(|s| s.0), Some(1));
    }
}

#[test]
fn stale_read_is_flagged_by_the_linearizability_checker() {
    // n5 is cut off, the others commit x = 2; reading n5's own state returns 1.
    let text = "cluster 5\nseed 2\ntimeout n1\nawait leader n1 within 2s\nput x 1\nawait kv n5 x = 1 within 2s\npartition n1 n2 n3 n4 | n5\nput x 2\nawait kv n1 x = 2 within 3s\nrun 10ms\nget x from n5\n";
    let runner = run_text(text).unwrap();
    assert!(runner.failures.is_empty(), "{:?}", runner.failures);
    let names: Vec<&str> = runner.world.checker.violations.iter().map(|v| v.invariant.as_str()).collect();
    assert_eq!(names, vec!["linearizability"]);
}

#[test]
fn leader_names_fail_when_there_is_none() {
    let script = parse_script("cluster 3\ncrash leader\nexpect leader n1\nrun 10ms\n").unwrap();
    let runner = Runner::run_script(&script);
    assert_eq!(runner.failures.len(), 2);
    assert_eq!(runner.failures[0].line, 2);
    assert!(runner.failures[0].message.contains("no leader"), "{}", runner.failures[0].message);
    assert_eq!(runner.world.now, 10, "the run goes on after a failure");
}

#[test]
fn fifteen_nodes_elect_and_replicate() {
    let world = World::new(&Setup { cluster: 15, ..Setup::default() });
    let mut runner = Runner::from_world(world);
    runner.advance(1500);
    assert!(runner.world.leader().is_some());
    runner.world.client_put("k", "v");
    runner.advance(1000);
    for (id, node) in &runner.world.nodes {
        assert_eq!(node.kv.get("k").map(String::as_str), Some("v"), "n{id}");
    }
    runner.finish();
    assert!(runner.ok());
}

#[test]
fn view_has_the_v1_fields() {
    let mut runner = run_text("cluster 3\nawait leader any within 2s\nput x 1\nawait kv leader x = 1 within 1s\nrun 100ms\nget x\nrun 500ms\n").unwrap();
    let v: serde_json::Value = serde_json::from_str(&raft_sim::json::to_json(&runner.view())).unwrap();
    for field in ["ok", "time_ms", "seed", "failures", "violations", "messages", "nodes", "history"] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    for field in
        ["id", "up", "role", "term", "voted_for", "commit", "applied", "last_index", "snapshot_index", "log", "kv"]
    {
        assert!(v["nodes"][0].get(field).is_some(), "missing nodes[].{field}");
    }
    for field in ["client", "op", "key", "value", "invoked_ms", "returned_ms", "result"] {
        assert!(v["history"][0].get(field).is_some(), "missing history[].{field}");
    }
    assert_eq!(v["history"][1]["result"], "1");
    assert!(v["messages"]["sent"]["AppendEntries"].as_u64().unwrap() > 0);
    assert_eq!(v["nodes"][0]["log"][0]["command"], "noop");
}

/// The page logs time that passed while playing as coalesced `run` lines, so a
/// session and its replay split time differently; the trace hash follows what
/// the cluster did, not how the script was written.
#[test]
fn trace_hash_ignores_how_time_was_split_into_commands() {
    let split =
        raft_sim::run_text("cluster 3\nrun 100ms\nrun 150ms\n# a comment\nrun 50ms\nput x 1\nrun 200ms\n").unwrap();
    let whole = raft_sim::run_text("cluster 3\nrun 300ms\nput x 1\nrun 200ms\n").unwrap();
    assert_eq!(split.trace_hash(), whole.trace_hash());
    let other = raft_sim::run_text("cluster 3\nrun 301ms\nput x 1\nrun 199ms\n").unwrap();
    assert_ne!(other.trace_hash(), whole.trace_hash(), "a put at another time is another run");
}

/// The view carries raft-core's quorum picture, so the page computes no
/// majorities itself.
#[test]
fn view_reports_what_each_decision_needs() {
    let mut runner = raft_sim::run_text("cluster 3\ntimeout n1\nawait leader n1 within 1s\nrun 200ms\n").unwrap();
    let view = runner.view();
    let leader = view.nodes.iter().find(|n| n.id == 1).unwrap();
    let q = &leader.quorum;
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].role, q[0].ids.clone(), q[0].need, q[0].have), ("all", vec![1, 2, 3], 2, Some(3)));
    let follower = view.nodes.iter().find(|n| n.id == 2).unwrap();
    assert_eq!(follower.quorum[0].have, None);
}

/// The page's view carries the newest entries of each log and the newest
/// client operations, whatever the length of the run; `log_window` serves the
/// rest, and agrees with the CLI's whole view.
#[test]
fn page_view_carries_a_window_and_log_window_serves_the_rest() {
    use raft_sim::view::{log_window, PAGE_HISTORY_TAIL, PAGE_LOG_TAIL};
    let mut text = String::from("cluster 3\nawait leader any within 2s\n");
    for i in 0..300 {
        text.push_str(&format!("put k{} v{}\nrun 5ms\n", i % 7, i));
    }
    text.push_str("run 2s\n");
    let mut runner = run_text(&text).unwrap();
    let full = runner.view();
    let page = runner.page_view();
    assert_eq!(page.history_total, 300);
    assert_eq!(page.history.len(), PAGE_HISTORY_TAIL);
    assert_eq!(page.history.last(), full.history.last());
    for (f, p) in full.nodes.iter().zip(&page.nodes) {
        assert!(f.log.len() > PAGE_LOG_TAIL, "the run is long enough to need a window");
        assert_eq!(f.log_from, 1);
        assert_eq!(p.log.len(), PAGE_LOG_TAIL);
        assert_eq!(p.log_from, p.last_index + 1 - PAGE_LOG_TAIL as u64);
        assert_eq!(p.log[..], f.log[f.log.len() - PAGE_LOG_TAIL..]);
        // Any other range, as the log panel scrolls back.
        let w = log_window(&runner.world, f.id, 10, 20);
        assert_eq!(w[..], f.log[9..29]);
        assert!(log_window(&runner.world, f.id, f.last_index + 1, 5).is_empty());
        assert_eq!(log_window(&runner.world, f.id, 0, 3).first().map(|e| e.index), Some(1));
    }
    assert!(log_window(&runner.world, 99, 1, 5).is_empty(), "no such node");
}

/// The page's frame view (`Limits::frame`) carries each log's newest N
/// entries, no client operations and no in-flight `fields`, and agrees with
/// the whole view on everything else; the CLI's view keeps every message's
/// `fields`.
#[test]
fn frame_view_carries_what_a_frame_draws() {
    use raft_sim::view::{Limits, MAX_LOG_WINDOW};
    let mut text = String::from("cluster 3\nset latency 40ms..60ms\nawait leader any within 2s\n");
    for i in 0..120 {
        text.push_str(&format!("put k{} v{}\nrun 5ms\n", i % 7, i));
    }
    let mut runner = run_text(&text).unwrap();
    let full = runner.view();
    let frame = runner.view_limited(Limits::frame(10));
    assert!(!full.in_flight.is_empty(), "messages are in flight mid-load");
    assert!(full.in_flight.iter().all(|m| m.fields.is_some()), "the CLI's view has every message's fields");
    assert!(frame.in_flight.iter().all(|m| m.fields.is_none()));
    let ids =
        |v: &raft_sim::view::View| v.in_flight.iter().map(|m| (m.id, m.ty, m.entries, m.lost)).collect::<Vec<_>>();
    assert_eq!(ids(&frame), ids(&full));
    assert!(frame.history.is_empty());
    assert_eq!(frame.history_total, full.history_total);
    assert_eq!(frame.trace_hash, full.trace_hash);
    for (f, p) in full.nodes.iter().zip(&frame.nodes) {
        assert_eq!(p.log.len(), 10);
        assert_eq!(p.log[..], f.log[f.log.len() - 10..]);
        assert_eq!(p.log_from, p.last_index - 9);
        assert_eq!((p.commit, p.term, &p.kv, &p.progress), (f.commit, f.term, &f.kv, &f.progress));
    }
    // A tail longer than the window limit is cut to it.
    assert_eq!(Limits::frame(1_000_000).log_tail, Some(MAX_LOG_WINDOW as usize));
    // Without fields the JSON has no "fields" key; with them it has.
    let text = raft_sim::json::to_json(&frame);
    assert!(!text.contains("\"fields\""));
    assert!(raft_sim::json::to_json(&full).contains("\"fields\""));
}

/// A long loaded run keeps flat records: the client list keeps the newest
/// operations (ids go on counting), and the linearizability check holds only
/// what is not settled.
#[test]
fn client_history_and_checker_records_stay_bounded() {
    use raft_sim::client::KEEP_DONE;
    let mut runner = run_text("cluster 3\nawait leader any within 2s\n").unwrap();
    let n = 2 * KEEP_DONE as u64 + 500;
    for i in 0..n {
        // 50 puts/s over 5 keys: each key's puts rarely overlap.
        runner.world.client_put(&format!("k{}", i % 5), &format!("v{i}"));
        runner.advance(20);
        if i % 100 == 0 {
            runner.page_view(); // the page checks as it goes
        }
    }
    runner.advance(2_000);
    runner.finish();
    assert!(runner.ok(), "{:?}", runner.world.checker.violations);
    let clients = &runner.world.clients;
    assert_eq!(clients.total(), n);
    assert!(clients.ops.len() <= 2 * KEEP_DONE, "{} ops kept", clients.ops.len());
    assert_eq!(clients.ops.last().map(|o| o.client), Some(n), "ids count the whole run");
    assert!(runner.world.checker.history_held() < 50, "{} held", runner.world.checker.history_held());
    assert_eq!(runner.page_view().history_total, n);
}
