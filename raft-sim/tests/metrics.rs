//! The run's metrics (raft-sim/src/metrics.rs) against the same numbers
//! computed independently here, from the client history and the trace of a
//! small run: a leader election, a few writes and reads, a leader crash.

use raft_core::{CoreEvent, Role};
use raft_sim::scenario::parse::parse_script;
use raft_sim::trace::{CoreRecord, EventKind};
use raft_sim::Runner;

const SCENARIO: &str = "cluster 3
seed 11
await leader any within 2s
put a 1
put b 2
run 300ms
get a
put c 3
run 300ms
crash leader
await leader any within 3s
put d 4
get b
run 1s
";

/// Nearest rank: the smallest value with at least ceil(p% of n) values at or below it.
fn percentile(sorted: &[u64], p: u64) -> u64 {
    let need = (sorted.len() as u64 * p).div_ceil(100).max(1) as usize;
    sorted[need - 1]
}

#[test]
fn metrics_match_the_history_and_the_trace() {
    let script = parse_script(SCENARIO).expect("parses");
    let mut runner = Runner::new(&script.setup);
    runner.keep_events(true);
    runner.world.metrics.set_window(Some(500), 0, usize::MAX);
    let mut events = Vec::new();
    let mut leaderless_by_hand = 0;
    for cmd in &script.commands {
        // Step `run`s by hand to sample the leader ourselves.
        if let raft_sim::scenario::ast::Command::Run(ms) = cmd.value {
            for _ in 0..ms {
                runner.world.step();
                leaderless_by_hand += u64::from(runner.world.leader().is_none());
            }
        } else {
            let before = runner.world.now;
            runner.exec_command(cmd).expect("the command holds");
            // An await steps the world too: count its milliseconds from the trace below.
            assert!(runner.world.now >= before);
        }
        events.extend(runner.take_events());
    }
    let view = runner.view();
    let m = &view.metrics.whole;
    let seconds = view.time_ms as f64 / 1000.0;

    // Commit latency: every put that returned, invoke → return.
    let mut puts: Vec<u64> =
        view.history.iter().filter(|h| h.op == "put").filter_map(|h| h.returned_ms.map(|r| r - h.invoked_ms)).collect();
    puts.sort_unstable();
    assert_eq!(puts.len(), 4, "{:?}", view.history);
    let lat = m.commit_latency_ms.as_ref().expect("puts returned");
    assert_eq!(
        (lat.count, lat.p50, lat.p90, lat.p99, lat.max),
        (4, percentile(&puts, 50), percentile(&puts, 90), percentile(&puts, 99), puts[3])
    );
    // The histogram: each put in the bucket of the first bound at or above its latency.
    let bounds = view.metrics.latency_buckets_ms;
    let mut by_hand = vec![0; bounds.len() + 1];
    for l in &puts {
        by_hand[bounds.iter().position(|b| l <= b).unwrap_or(bounds.len())] += 1;
    }
    assert_eq!(lat.buckets, by_hand);
    assert!(bounds.windows(2).all(|w| w[0] < w[1]), "bounds ascend: {bounds:?}");
    let gets = view.history.iter().filter(|h| h.op == "get" && h.returned_ms.is_some()).count() as u64;
    assert_eq!(m.read_latency_ms.as_ref().map(|l| l.count), Some(gets));
    assert_eq!(m.ops_per_s, ((4 + gets) as f64 / seconds * 100.0).round() / 100.0);

    // Messages: the network's own counts, per second.
    for (ty, n) in &view.messages.sent {
        assert_eq!(m.messages_per_s[ty], (*n as f64 / seconds * 100.0).round() / 100.0, "{ty}");
    }

    // Elections: servers that became leader, from the trace.
    let elected = events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::Core(CoreRecord { event: CoreEvent::RoleChanged { to: Role::Leader, .. }, .. })
            )
        })
        .count() as u64;
    assert_eq!(m.elections, elected);
    assert!(elected >= 2, "the first election and the one after the crash");

    // Leaderless time: the `run`s counted by hand, plus the awaits, during
    // which (they ended the moment a leader existed) there was no leader
    // until their last millisecond.
    assert!(m.leaderless_ms >= leaderless_by_hand, "{} < {}", m.leaderless_ms, leaderless_by_hand);
    assert!(m.leaderless_ms > 0 && m.leaderless_ms < view.time_ms);

    // Windows: 500 ms each, back to back, adding up to the whole run.
    let w = &view.metrics.windows;
    assert_eq!(view.metrics.window_ms, Some(500));
    assert_eq!(w.len() as u64, view.time_ms / 500);
    for (k, win) in w.iter().enumerate() {
        assert_eq!((win.from_ms, win.to_ms), (500 * k as u64, 500 * (k as u64 + 1)));
    }
    for win in w {
        for l in [&win.commit_latency_ms, &win.read_latency_ms].into_iter().flatten() {
            assert_eq!(l.buckets.iter().sum::<u64>(), l.count, "every operation of a window is in one bucket");
        }
    }
    let in_windows: u64 = w.iter().map(|x| x.elections).sum();
    assert!(in_windows <= m.elections);
    let leaderless_in_windows: u64 = w.iter().map(|x| x.leaderless_ms).sum();
    assert!(leaderless_in_windows <= m.leaderless_ms && m.leaderless_ms - leaderless_in_windows < 500);
}

#[test]
fn metrics_do_not_change_the_run() {
    let script = parse_script(SCENARIO).expect("parses");
    let plain = Runner::run_script(&script);
    let mut measured = Runner::new(&script.setup);
    measured.world.metrics.set_window(Some(100), 0, usize::MAX);
    for cmd in &script.commands {
        let _ = measured.exec_command(cmd);
    }
    assert_eq!(plain.trace_hash(), measured.trace_hash());
}
