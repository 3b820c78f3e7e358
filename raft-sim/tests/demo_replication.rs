//! The numbers behind scenarios/batching.raft and scenarios/pipelining.raft
//! (issue 12, the operator's view): each file is run as written and with one
//! knob turned, and the run's metrics (raft-sim/src/metrics.rs) are compared
//! with margins. Simulated time makes every figure deterministic; the margins
//! keep the claims about the *shape* (who wins, by roughly how much), so a
//! harmless change of timing elsewhere does not break them.
//!
//! `cargo test -p raft-sim --test demo_replication -- --nocapture` prints the table.

use raft_sim::metrics::MetricsView;
use raft_sim::scenario::ast::Command;
use raft_sim::scenario::parse::parse_script;
use raft_sim::Runner;

fn scenario(name: &str) -> String {
    let path = format!("{}/../scenarios/{name}.raft", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `text` with each `(from, to)` line replaced; every `from` must be a line of
/// the file, so an edit of the demo cannot make a comparison silently vacuous.
fn variant(text: &str, changes: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = changes.iter().find(|(from, _)| line == *from).map_or(line, |(_, to)| to);
        out.push_str(line);
        out.push('\n');
    }
    for (from, _) in changes {
        assert!(text.lines().any(|l| l == *from), "the demo no longer has the line `{from}`");
    }
    out
}

/// What one run showed.
#[derive(Debug)]
struct Measured {
    label: String,
    /// The leader's commit index when the load's last write was issued.
    committed_during_load: u64,
    /// The whole run (the load plus the time given to drain the backlog).
    whole: MetricsView,
    /// The metrics window that is exactly the load's duration.
    load: MetricsView,
    puts: u64,
}

impl Measured {
    fn p50(&self) -> u64 {
        self.whole.commit_latency_ms.as_ref().expect("writes returned").p50
    }
    fn p99(&self) -> u64 {
        self.whole.commit_latency_ms.as_ref().expect("writes returned").p99
    }
    fn writes_returned(&self) -> u64 {
        self.whole.commit_latency_ms.as_ref().map_or(0, |l| l.count)
    }
    /// AppendEntries per second while the load ran (heartbeats included).
    fn append_entries_per_s(&self) -> f64 {
        self.load.messages_per_s.get("AppendEntries").copied().unwrap_or(0.0)
    }
    /// Writes that returned per second while the load ran.
    fn ops_per_s(&self) -> f64 {
        self.load.ops_per_s
    }
    /// AppendEntries sent per write issued, during the load.
    fn appends_per_write(&self) -> f64 {
        self.append_entries_per_s() * (self.load.to_ms - self.load.from_ms) as f64 / 1000.0 / self.puts as f64
    }
    fn row(&self) -> String {
        format!(
            "| {:<44} | {:>5} | {:>5} | {:>5} | {:>8.1} | {:>7.1} | {:>6.2} |",
            self.label,
            self.committed_during_load,
            self.p50(),
            self.p99(),
            self.ops_per_s(),
            self.append_entries_per_s(),
            self.appends_per_write(),
        )
    }
}

/// Run `text` command by command, noting the leader's commit index right
/// after the `load`; `checks`: whether its expect/await lines must hold (the
/// file as written) or are allowed to fail (a variant: they describe the
/// file's setting, not this one). Safety must hold either way.
fn measure(label: &str, text: &str, checks: bool) -> Measured {
    let script = parse_script(text).unwrap_or_else(|e| panic!("{label}: {e:?}"));
    let mut runner = Runner::new(&script.setup);
    let mut committed_during_load = None;
    let mut puts = 0;
    for cmd in &script.commands {
        if let Command::Load { duration, .. } = cmd.value {
            // One metrics window = the load, from its first write to its last.
            let now = runner.world.now;
            runner.world.metrics.set_window(Some(duration), now, usize::MAX);
        }
        let result = runner.exec_command(cmd);
        if checks {
            result.unwrap_or_else(|e| panic!("{label}: line {}: {e}", cmd.line));
        }
        if let Command::Load { rate, duration, .. } = cmd.value {
            puts = rate * duration / 1000;
            let (leader, _) = runner.world.leader().expect("a leader during the load");
            let raw = runner.world.nodes[&leader].raw.as_ref().expect("the leader is up");
            committed_during_load = Some(raw.status().commit_index);
        }
    }
    // Give every variant the time to drain its backlog.
    runner.advance(10_000);
    runner.finish();
    assert!(runner.world.checker.violations.is_empty(), "{label}: {:?}", runner.world.checker.violations);
    let view = runner.view();
    let m = Measured {
        label: label.to_string(),
        committed_during_load: committed_during_load.expect("the demo has a load"),
        load: view.metrics.windows.first().expect("the load's window closed").clone(),
        whole: view.metrics.whole,
        puts,
    };
    assert_eq!(m.writes_returned(), puts, "{label}: every write returns in the end");
    eprintln!("{}", m.row());
    m
}

fn header() {
    eprintln!(
        "| {:<44} | {:>5} | {:>5} | {:>5} | {:>8} | {:>7} | {:>6} |",
        "run", "c@end", "p50", "p99", "ops/s*", "AE/s*", "AE/put"
    );
}

#[test]
fn batching_trades_latency_at_low_load_for_far_fewer_messages_at_high_load() {
    let file = scenario("batching");
    let high = "load put 2000/s for 1s";
    let low = "load put 20/s for 1s";
    let no_batch = [("set batch-delay 10ms", "set batch-delay 0ms")];
    header();
    let batched_high = measure("batching.raft: 10ms, 2000/s", &file, true);
    let plain_high = measure("batch-delay 0ms, 2000/s", &variant(&file, &no_batch), false);
    let batched_low = measure("batch-delay 10ms, 20/s", &variant(&file, &[(high, low)]), false);
    let plain_low = measure("batch-delay 0ms, 20/s", &variant(&file, &[(high, low), no_batch[0]]), false);

    // High load: without batching about one AppendEntries per write per
    // follower; with it, one per follower per 10 ms — a message budget that
    // carries many times the writes.
    assert!(plain_high.appends_per_write() >= 1.5, "{plain_high:?}");
    assert!(
        batched_high.append_entries_per_s() * 8.0 <= plain_high.append_entries_per_s(),
        "batching: {} AppendEntries/s, none: {}",
        batched_high.append_entries_per_s(),
        plain_high.append_entries_per_s()
    );
    // Both keep up with the load (the simulator charges nothing per message).
    assert!(batched_high.committed_during_load >= plain_high.committed_during_load * 9 / 10);
    assert!(batched_high.ops_per_s() >= plain_high.ops_per_s() * 0.9);
    // Low load: every write waits the delay for company that never comes,
    // and hardly a message is saved.
    assert!(batched_low.p50() >= plain_low.p50() + 7, "{} vs {}", batched_low.p50(), plain_low.p50());
    assert!(batched_low.p50() <= plain_low.p50() + 15, "about the delay, not more");
    assert!(
        batched_low.append_entries_per_s() >= plain_low.append_entries_per_s() * 0.9,
        "{} vs {}",
        batched_low.append_entries_per_s(),
        plain_low.append_entries_per_s()
    );
    // Even at high load the delay is paid, but once: latency stays ~ delay + round trip.
    assert!(batched_high.p99() <= plain_high.p99() + 12);
}

#[test]
fn pipelining_matters_on_a_long_link_and_hardly_on_a_short_one() {
    let file = scenario("pipelining");
    let on = ("set pipeline off", "set pipeline on");
    let short = ("set latency 100ms..110ms", "set latency 1ms..2ms");
    let window4 = ("set pipeline off", "set max-inflight 4");
    header();
    let saw_long = measure("pipelining.raft: stop-and-wait, 100ms link", &file, true);
    let pipe_long = measure("pipeline on, 100ms link", &variant(&file, &[on]), false);
    let win_long = measure("pipeline on, max-inflight 4, 100ms link", &variant(&file, &[window4]), false);
    let saw_short = measure("stop-and-wait, 1ms link", &variant(&file, &[short]), false);
    let pipe_short = measure("pipeline on, 1ms link", &variant(&file, &[on, short]), false);

    // Long link: stop-and-wait moves at most one batch per round trip and
    // falls behind the load; pipelining keeps up.
    assert!(
        pipe_long.committed_during_load >= saw_long.committed_during_load * 3 / 2,
        "{} vs {}",
        pipe_long.committed_during_load,
        saw_long.committed_during_load
    );
    assert!(saw_long.p50() >= 3 * pipe_long.p50(), "{} vs {}", saw_long.p50(), pipe_long.p50());
    // A window of 4 messages is already enough for this load.
    // A window of 4 messages recovers most of it (4 × 64 entries per round trip).
    assert!(win_long.committed_during_load >= 2 * saw_long.committed_during_load);
    assert!(win_long.p50() * 3 <= saw_long.p50());
    assert!(pipe_long.ops_per_s() >= 2.0 * saw_long.ops_per_s());
    // Short link: the round trip is so short that one message at a time keeps up.
    assert!(saw_short.committed_during_load * 100 >= pipe_short.committed_during_load * 98);
    assert!(saw_short.p50() <= pipe_short.p50() + 3, "{} vs {}", saw_short.p50(), pipe_short.p50());
    // Stop-and-wait sends fewer, fuller AppendEntries.
    assert!(saw_short.append_entries_per_s() < pipe_short.append_entries_per_s());
    assert!(saw_short.ops_per_s() >= pipe_short.ops_per_s() * 0.98);
}
