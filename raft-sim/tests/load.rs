//! `load put RATE/s for D [keys N]` (issue 9): parsing, errors with a
//! location, and what the runner does with it.

use raft_sim::run_text;
use raft_sim::scenario::ast::Command;
use raft_sim::scenario::parse::parse_script;

fn one(text: &str) -> Command {
    let s = parse_script(&format!("cluster 3\n{text}\n")).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(s.commands.len(), 1);
    s.commands[0].value.clone()
}

fn error(text: &str) -> (u32, u32, String) {
    let e = parse_script(&format!("cluster 3\n{text}\n")).expect_err(text);
    (e.line, e.col, e.message)
}

#[test]
fn parses_rate_duration_and_keys() {
    assert_eq!(one("load put 20/s for 2s"), Command::Load { rate: 20, duration: 2000, keys: 5 });
    assert_eq!(
        one("load put 1000/s for 2s"),
        Command::Load { rate: 1000, duration: 2000, keys: 100 },
        "a put per key per 100 ms"
    );
    assert_eq!(one("load put 1000/s for 500ms keys 3"), Command::Load { rate: 1000, duration: 500, keys: 3 });
}

#[test]
fn bad_load_lines_name_the_word() {
    let (line, col, msg) = error("load get 10/s for 1s");
    assert_eq!((line, col), (2, 6));
    assert!(msg.contains("expected `put`"), "{msg}");
    let (_, col, msg) = error("load put 10 for 1s");
    assert_eq!(col, 10);
    assert!(msg.contains("`100/s`"), "{msg}");
    let (_, _, msg) = error("load put 0/s for 1s");
    assert!(msg.contains("1/s to"), "{msg}");
    let (_, col, msg) = error("load put 10/s during 1s");
    assert_eq!(col, 15);
    assert!(msg.contains("`for D`"), "{msg}");
    let (_, _, msg) = error("load put 10/s for 1s keys 0");
    assert!(msg.contains("keys must be"), "{msg}");
    let (_, _, msg) = error("load put 10/s for 1s keys 3 more");
    assert!(msg.contains("more"), "{msg}");
    let (_, _, msg) = error("load put 10/s");
    assert!(msg.contains("usage"), "{msg}");
}

#[test]
fn issues_evenly_spaced_puts_over_the_keys_while_time_passes() {
    let text = "cluster 3\nseed 4\nawait leader any within 2s\nload put 200/s for 1s keys 4\nrun 1s\n";
    let runner = run_text(text).unwrap();
    assert!(runner.ok(), "{:?} {:?}", runner.failures, runner.world.checker.violations);
    let ops = &runner.world.clients.ops;
    assert_eq!(ops.len(), 200, "200/s for 1s");
    let start = ops[0].invoked_ms;
    assert_eq!(ops[199].invoked_ms, start + 995, "one every 5 ms");
    let keys: std::collections::BTreeSet<&str> = ops.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["k0", "k1", "k2", "k3"]);
    assert!(ops.iter().all(|o| o.returned_ms.is_some()), "every put returns");
    let again = run_text(text).unwrap();
    assert_eq!(again.trace_hash(), runner.trace_hash(), "deterministic");
    // The same time passes as with `run`.
    let run = run_text("cluster 3\nseed 4\nawait leader any within 2s\nrun 1s\nrun 1s\n").unwrap();
    assert_eq!(run.world.now, runner.world.now);
}

/// Time travel into the middle of a command (`Runner::exec_command_until`):
/// the part that ran is a line of the language that replays to the same state.
#[test]
fn a_command_cut_short_is_the_line_that_replays_it() {
    use raft_sim::Runner;
    let script = parse_script("cluster 3\nseed 2\nawait leader any within 2s\nload put 50/s for 3s\nawait commit n1 >= 100000 within 2s\nrun 1s\n").unwrap();
    let mut runner = Runner::new(&script.setup);
    runner.exec_command(&script.commands[0]).unwrap();
    let t0 = runner.world.now;

    // The load, cut at +1,234 ms: the same puts as a 1,234 ms load.
    let (line, whole) = runner.exec_command_until(&script.commands[1], t0 + 1234).expect("it ran");
    assert_eq!((line.as_str(), whole), ("load put 50/s for 1234ms keys 5", false));
    assert_eq!(runner.world.now, t0 + 1234);
    let replay = parse_script(&format!("cluster 3\nseed 2\nawait leader any within 2s\n{line}\n")).unwrap();
    let mut straight = Runner::new(&replay.setup);
    for cmd in &replay.commands {
        straight.exec_command(cmd).unwrap();
    }
    assert_eq!(runner.trace_hash(), straight.trace_hash());
    assert_eq!(runner.world.clients.total(), straight.world.clients.total());

    // An await that has not held by then has only watched time pass: `run`.
    let (line, whole) = runner.exec_command_until(&script.commands[2], t0 + 1500).expect("it ran");
    assert_eq!((line.as_str(), whole), ("run 266ms", false));
    assert!(runner.failures.is_empty(), "an await cut short is not a failure: {:?}", runner.failures);
    // A run wholly before the target runs whole; one after it does not run.
    assert_eq!(runner.exec_command_until(&script.commands[3], t0 + 5000), Some(("run 1s".to_string(), true)));
    assert_eq!(runner.exec_command_until(&script.commands[3], t0 + 2000), None);
}
