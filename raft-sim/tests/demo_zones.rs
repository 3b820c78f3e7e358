//! Pins the claims of scenarios/zones-commit-latency.raft (issue 12, where
//! replicas sit): commit latency follows the leader's round trip to the
//! nearest majority. Each `load` phase is measured in its own metrics window
//! (opened when the load starts, as long as the load), so a simulator change
//! that moves these numbers fails here.
//!
//! The scenario sets 5 ms within a zone and 40-45 ms between `us` and `eu`,
//! so a `us` quorum's round trip is 10 ms and one across the ocean 80-90 ms;
//! the bounds below are those round trips plus a few ms of slack (the entry
//! is applied, and the client answered, in the millisecond after it commits).

use raft_sim::metrics::Latency;
use raft_sim::scenario::ast::Command;
use raft_sim::scenario::parse::parse_script;
use raft_sim::scenario::run::Runner;

const SCENARIO: &str = include_str!("../../scenarios/zones-commit-latency.raft");

/// Runs the scenario; returns each `load` phase's commit latency and the
/// leader when its load ended.
fn phases(text: &str) -> Vec<(Latency, Option<u64>)> {
    let script = parse_script(text).expect("the demo parses");
    let mut runner = Runner::new(&script.setup);
    let mut starts = Vec::new();
    let mut leaders = Vec::new();
    for cmd in &script.commands {
        if let Command::Load { duration, .. } = cmd.value {
            let now = runner.world.now;
            runner.world.metrics.set_window(Some(duration), now, usize::MAX);
            starts.push(now);
        }
        let r = runner.exec_command(cmd);
        assert!(r.is_ok(), "line {}: {:?}", cmd.line, r);
        if matches!(cmd.value, Command::Load { .. }) {
            leaders.push(runner.world.leader().map(|(id, _)| id));
        }
    }
    runner.finish();
    assert!(runner.ok(), "{:?} {:?}", runner.failures, runner.world.checker.violations);
    let summary = runner.world.metrics.summary(runner.world.now, usize::MAX);
    starts
        .iter()
        .zip(leaders)
        .map(|(start, leader)| {
            let w = summary.windows.iter().find(|w| w.from_ms == *start).expect("the load's window closed");
            (w.commit_latency_ms.clone().expect("puts returned in the window"), leader)
        })
        .collect()
}

fn within(l: &Latency, rtt: (u64, u64), what: &str) {
    let (lo, hi) = (rtt.0, rtt.1 + 5);
    assert!((lo..=hi).contains(&l.p50), "{what}: p50 {} ms not in {lo}..={hi}: {l:?}", l.p50);
    assert!((lo..=hi).contains(&l.p99), "{what}: p99 {} ms not in {lo}..={hi}: {l:?}", l.p99);
    assert!(l.count >= 80, "{what}: only {} puts returned in the phase (50/s for 2 s)", l.count);
}

const US_RTT: (u64, u64) = (10, 10);
const OCEAN_RTT: (u64, u64) = (80, 90);

#[test]
fn commit_latency_follows_the_quorum_round_trip() {
    let p = phases(SCENARIO);
    assert_eq!(p.len(), 4, "four load phases");
    for (l, _) in &p {
        eprintln!("commit p50 {} / p90 {} / p99 {} / max {} ms ({} puts)", l.p50, l.p90, l.p99, l.max, l.count);
    }
    assert_eq!(p[0].1, Some(1));
    within(&p[0].0, US_RTT, "leader n1 in us, all up");
    assert_eq!(p[1].1, Some(1));
    within(&p[1].0, OCEAN_RTT, "leader n1 in us, n3 down");
    assert_eq!(p[2].1, Some(4));
    within(&p[2].0, OCEAN_RTT, "leader n4 in eu");
    assert_eq!(p[3].1, Some(2));
    within(&p[3].0, US_RTT, "leader n2 in us after transfer");
}

#[test]
fn without_the_ocean_every_phase_is_a_local_round_trip() {
    // The same story with the zone-pair rule taken out: every link is 5 ms,
    // so the crash and the leader's move cost nothing. The jumps above come
    // from where the replicas sit, not from the crash or the transfers.
    let flat = SCENARIO.replace("set latency zone us <-> zone eu 40ms..45ms", "");
    assert_ne!(flat, SCENARIO, "the demo still has its zone-pair rule");
    for (l, _) in phases(&flat) {
        within(&l, US_RTT, "one flat 5 ms network");
    }
}
