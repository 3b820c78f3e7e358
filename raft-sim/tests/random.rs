//! Randomized simulation: many seeds × random crashes, restarts, partitions,
//! cuts, loss, duplication, forced timeouts, leadership transfers, membership
//! changes, snapshots and client load. No invariant may ever fire; after the
//! network heals and every node restarts, the cluster must elect a leader and
//! commit a new write within a bound.
//!
//! Each case is generated as scenario-language text by `raft_sim::explore`
//! (the same generator as `raft-sim explore`), so a failing seed prints a
//! `.raft` file that `raft-sim run FILE` replays exactly.
//! `RAFT_SIM_RANDOM_SEEDS=N` changes the number of seeds (default 300, plus 30 with 8..15 servers) and
//! `RAFT_SIM_FIRST_SEED=S` the first one (default 1), for long runs in chunks.

use raft_sim::explore::{generate, minimize, run_case, Options, LIVENESS};

fn gen_bug(seed: u64, bug: Option<&'static str>) -> raft_sim::explore::Case {
    generate(seed, &Options { bug, ..Options::default() })
}

#[test]
fn random_faults_never_break_an_invariant() {
    let seeds: u64 = std::env::var("RAFT_SIM_RANDOM_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let first: u64 = std::env::var("RAFT_SIM_FIRST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let mut bad = Vec::new();
    let mut simulated_ms = 0;
    // The default sizes (1..7 servers), then a tenth as many large clusters.
    let big = Options { nodes: (8, 15), bug: None, disk: false, etcd: false };
    let cases = (first..first + seeds)
        .map(|seed| generate(seed, &Options::default()))
        .chain((first..first + seeds.div_ceil(10)).map(|seed| generate(seed, &big)));
    for case in cases {
        let (seed, text) = (case.seed, case.text);
        let outcome = run_case(&text, None)
            .unwrap_or_else(|| panic!("generator wrote an invalid scenario (seed {seed}):\n{text}"));
        simulated_ms += outcome.simulated_ms;
        if !outcome.violations.is_empty() {
            // Keep the case for `raft-sim run` to replay.
            let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("random-seed-{}.raft", seed));
            let _ = std::fs::write(&path, &text);
            bad.push(format!(
                "seed {} (saved as {}): violations {:?}\n--- scenario ---\n{}",
                seed,
                path.display(),
                outcome.violations,
                text
            ));
        }
    }
    assert!(bad.is_empty(), "{} of {} seeds failed; first:\n{}", bad.len(), seeds, bad[0]);
    eprintln!("{} seeds, {} simulated seconds", seeds, simulated_ms / 1000);
}

/// The same random scenarios with each of raft-core's deliberate bugs
/// switched on: the checker must catch every one within a bounded number of
/// seeds. (A bug it cannot catch means the faults or the checks are too weak.)
/// Every switch is found by random search — none is left to a planted
/// scenario alone (those in scenarios/ remain, as teaching material).
/// `RAFT_SIM_BUG_SEEDS=N` bounds the search per bug (default 2000; the
/// slowest today, commit-old-term, needs 741 — see docs/exploring.md).
#[test]
fn every_bug_switch_is_caught() {
    let limit: u64 = std::env::var("RAFT_SIM_BUG_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    // One thread per switch: the searches are independent.
    let results: Vec<(&str, Option<(u64, String)>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = raft_core::Bugs::NAMES
            .iter()
            .map(|&bug| {
                scope.spawn(move || {
                    let found = (1..=limit).find_map(|seed| {
                        let case = gen_bug(seed, Some(bug));
                        let outcome = run_case(&case.text, None)?;
                        outcome.violations.into_iter().find(|(i, _)| i != LIVENESS).map(|(i, _)| (seed, i))
                    });
                    (bug, found)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut missed = Vec::new();
    for (bug, found) in results {
        match found {
            Some((seed, invariant)) => eprintln!("bug {bug:<26} found at seed {seed:>4}: {invariant}"),
            None => {
                eprintln!("bug {bug:<26} NOT found in {limit} seeds");
                missed.push(bug);
            }
        }
    }
    assert!(missed.is_empty(), "the checker missed {missed:?} in {limit} seeds each");
}

#[test]
fn generator_is_deterministic() {
    assert_eq!(gen_bug(5, None), gen_bug(5, None));
    assert_ne!(gen_bug(5, None).text, gen_bug(6, None).text);
}

/// A failing case shrinks to a much smaller ordinary scenario that still
/// fires the same invariant when replayed the way `raft-sim run` does.
#[test]
fn a_violation_shrinks_to_a_replayable_scenario() {
    let bug = "no-truncate";
    let (seed, case, invariant) = (1..500)
        .find_map(|seed| {
            let case = gen_bug(seed, Some(bug));
            let o = run_case(&case.text, None)?;
            let inv = o.violations.iter().find(|(i, _)| i != LIVENESS)?.0.clone();
            Some((seed, case, inv))
        })
        .expect("no-truncate is found within 500 seeds");
    let (small, runs) = minimize(&case.text, &invariant, 2000);
    assert!(runs > 0);
    assert!(
        small.lines().count() * 2 < case.text.lines().count(),
        "seed {seed}: {} lines did not shrink below half ({} lines):\n{small}",
        case.text.lines().count(),
        small.lines().count()
    );
    assert!(small.contains(&format!("set bug {bug} on")), "the bug switch is kept:\n{small}");
    assert!(!small.contains("expect-violation"));
    let replay = raft_sim::run_text(&small).expect("the shrunk scenario parses");
    assert!(replay.fired().contains(&invariant), "replay fired {:?}, not {invariant}:\n{small}", replay.fired());
    assert!(!replay.ok(), "a replayed violation makes `raft-sim run` fail");
}

/// The CLI end to end: a clean run exits 0; `--bug` stops at the first
/// seed that catches the bug, exits 0, and writes a file that `raft-sim run`
/// replays (exit 1, the invariant printed).
#[test]
fn explore_cli_finds_a_bug_and_writes_a_replayable_file() {
    let bin = env!("CARGO_BIN_EXE_raft-sim");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("explore-cli");
    let _ = std::fs::remove_dir_all(&out);
    let clean = std::process::Command::new(bin)
        .args(["explore", "--seeds", "20", "--jobs", "2", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(summary["seeds"], 20);
    assert_eq!(summary["ok"], true);
    assert!(summary["seeds_per_s"].as_f64().unwrap() > 0.0);

    let found = std::process::Command::new(bin)
        .args(["explore", "--seeds", "200", "--jobs", "2", "--bug", "vote-twice", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(found.status.code(), Some(0), "{}", String::from_utf8_lossy(&found.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(summary["found"], true);
    let v = &summary["violations"][0];
    let invariant = v["invariant"].as_str().unwrap();
    let file = v["file"].as_str().expect("a file was written");
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("set bug vote-twice on"));
    let replay = std::process::Command::new(bin).args(["run", file]).output().unwrap();
    assert_eq!(replay.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&replay.stdout).contains("violation at"));
    assert!(String::from_utf8_lossy(&replay.stdout).contains(invariant));

    let bad = std::process::Command::new(bin).args(["explore", "--nodes", "5..2"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--nodes"));
}
