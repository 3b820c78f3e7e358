//! scenarios/disk-latency-group-commit.raft, measured: a slow disk adds its
//! latency to every commit (twice: the leader's write, then a follower's),
//! and under load group commit wins back what one write per Ready loses.
//! The figures come from the run's metrics (raft-sim/src/metrics.rs), one
//! 4-second window per phase of the scenario; the margins allow for small
//! changes of timing, not for a different story.

use raft_sim::metrics::MetricsView;
use raft_sim::scenario::parse::parse_script;
use raft_sim::Runner;

const DISK_MS: u64 = 10;

/// The metrics of the demo per window of `window_ms`.
fn windows(window_ms: u64) -> Vec<MetricsView> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/disk-latency-group-commit.raft");
    let text = std::fs::read_to_string(path).expect("the demo exists");
    let script = parse_script(&text).expect("parses");
    let mut r = Runner::new(&script.setup);
    r.world.metrics.set_window(Some(window_ms), 0, usize::MAX);
    for c in &script.commands {
        r.exec_command(c).expect("every expect/await of the demo holds");
    }
    r.finish();
    assert!(r.ok(), "{:?} {:?}", r.failures, r.world.checker.violations);
    r.world.metrics.summary(r.world.now, usize::MAX).windows
}

/// One window per phase: window 0 is the election; then instant/light,
/// disk/light, disk/heavy, disk/heavy + group commit, instant/heavy.
fn phases() -> Vec<MetricsView> {
    windows(4000)[1..6].to_vec()
}

fn p(w: &MetricsView) -> (u64, u64) {
    let l = w.commit_latency_ms.as_ref().expect("puts returned in this phase");
    (l.p50, l.p99)
}

#[test]
fn disk_latency_adds_to_commit_latency_and_group_commit_wins_it_back_under_load() {
    let w = phases();
    let counts: Vec<u64> = w.iter().map(|w| w.commit_latency_ms.as_ref().map_or(0, |l| l.count)).collect();
    assert_eq!(counts, [20, 20, 150, 150, 150], "every put of a phase returns within it");
    let [instant_light, disk_light, disk_heavy, group_heavy, instant_heavy] = [0, 1, 2, 3, 4].map(|i| p(&w[i]));
    for (name, f) in [("instant_light", instant_light), ("disk_light", disk_light), ("disk_heavy", disk_heavy)] {
        eprintln!("{name}: p50 {} p99 {}", f.0, f.1);
    }
    eprintln!(
        "group_heavy: p50 {} p99 {}; instant_heavy: p50 {} p99 {}",
        group_heavy.0, group_heavy.1, instant_heavy.0, instant_heavy.1
    );

    // A light load never waits in a disk queue: the disk adds its latency
    // twice, the leader's write and then the follower's, before the ack.
    let added = disk_light.0 - instant_light.0;
    assert!((2 * DISK_MS - 2..=2 * DISK_MS + 4).contains(&added), "the disk added {added} ms");
    // 150 puts/s with one write per Ready overload a disk that does 100
    // writes/s: the queue grows for the whole second of load.
    assert!(disk_heavy.0 > 20 * DISK_MS, "p50 {} ms without group commit", disk_heavy.0);
    assert!(disk_heavy.1 > 100 * DISK_MS, "p99 {} ms without group commit", disk_heavy.1);
    // Group commit: one write per batch, back to a few disk latencies.
    assert!(group_heavy.0 <= disk_light.0 + 3 * DISK_MS, "p50 {} ms with group commit", group_heavy.0);
    assert!(group_heavy.1 <= disk_light.1 + 5 * DISK_MS, "p99 {} ms with group commit", group_heavy.1);
    assert!(group_heavy.1 * 10 < disk_heavy.1);
    // The instant disk under the same load: the network's round trip only.
    assert!(instant_heavy.1 <= instant_light.1 + 5 && instant_heavy.0 < group_heavy.0);
}

#[test]
fn without_group_commit_the_disk_caps_throughput() {
    // The first second of each heavy phase (150 puts issued): how many returned.
    let w = windows(1000);
    let ops = |from_ms: u64| w.iter().find(|w| w.from_ms == from_ms).map_or(0.0, |w| w.ops_per_s);
    let (no_group, group, instant) = (ops(12_000), ops(16_000), ops(20_000));
    eprintln!("ops/s in the load second: no group commit {no_group}, group commit {group}, instant {instant}");
    // One write per Ready: the leader's disk completes at most 100 of the
    // 150 writes asked for in that second, and each put then waits for a
    // follower's write too, so fewer puts return than arrive; the queue grows.
    assert!(no_group < 100.0, "{no_group} ops/s without group commit");
    assert!(group > 130.0 && instant >= 149.0, "{group} ops/s with group commit, {instant} instant");
}
