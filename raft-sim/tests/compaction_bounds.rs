//! Log compaction keeps memory bounded (paper §7): in a long run under steady
//! client load with `set snapshot-threshold`, no server's log — in memory or in
//! its durable storage — grows past the threshold plus what is still in flight,
//! even across a crash, a restart and the InstallSnapshot that repairs it.
//! The same run without compaction shows the logs do grow (so the bound below
//! is a real constraint, not one any run would meet).

use raft_sim::scenario::ast::{Command, Located, NodeRef};
use raft_sim::scenario::parse::parse_script;
use raft_sim::Runner;

const THRESHOLD: usize = 20;

fn cmd(value: Command) -> Located<Command> {
    Located { line: 0, col: 1, text: String::new(), value }
}

/// Runs `seconds` of load (a put every 50 ms), crashing n3 for a while in the
/// middle; returns the longest log (in memory or persisted) seen on any server.
fn longest_log(setup_text: &str, seconds: u64) -> usize {
    let script = parse_script(setup_text).expect("setup parses");
    let mut runner = Runner::run_script(&script);
    assert!(runner.ok(), "a leader first: {:?}", runner.failures);
    let mut longest = 0;
    for ms in (0..seconds * 1000).step_by(50) {
        if ms == 10_000 {
            runner.exec_command(&cmd(Command::Crash(NodeRef::Node(3)))).unwrap();
        }
        if ms == 25_000 {
            runner.exec_command(&cmd(Command::Restart(NodeRef::Node(3)))).unwrap();
        }
        let put = Command::Put { key: format!("k{}", ms % 7), value: format!("v{ms}") };
        runner.exec_command(&cmd(put)).unwrap();
        runner.advance(50);
        for node in runner.world.nodes.values() {
            let (_, in_memory) = node.log();
            longest = longest.max(in_memory.len()).max(node.storage.entries.len());
        }
    }
    runner.finish();
    assert!(runner.ok(), "the run itself must be healthy: {:?} {:?}", runner.failures, runner.world.checker.violations);
    longest
}

#[test]
fn compaction_bounds_every_log() {
    let with = longest_log(
        &format!("cluster 5\nseed 3\nset snapshot-threshold {THRESHOLD}\nawait leader any within 3s\n"),
        60,
    );
    // Entries applied since the last snapshot (< threshold) plus those not yet
    // applied: a few heartbeat intervals of puts at 20 per second.
    let bound = THRESHOLD + 40;
    assert!(with <= bound, "with compaction a log reached {with} entries (bound {bound})");

    let without = longest_log("cluster 5\nseed 3\nawait leader any within 3s\n", 60);
    assert!(without > 1000, "without compaction the logs should hold every put (longest {without})");
    eprintln!("longest log with compaction: {with}, without: {without}");
}
