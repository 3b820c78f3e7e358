//! Randomized simulation: many seeds × random crashes, restarts, partitions,
//! cuts, loss, duplication, forced timeouts, leadership transfers, membership
//! changes, snapshots and client load. No invariant may ever fire; after the
//! network heals and every node restarts, the cluster must elect a leader and
//! commit a new write within a bound.
//!
//! Each case is generated as scenario-language text, so a failing seed prints
//! a `.raft` file that `raft-sim run FILE --max-entries N` replays exactly (N
//! is in the file's comment).
//! `RAFT_SIM_RANDOM_SEEDS=N` changes the number of seeds (default 120) and
//! `RAFT_SIM_FIRST_SEED=S` the first one (default 1), for long runs in chunks.

use std::collections::BTreeSet;
use std::fmt::Write;

use raft_sim::rng::Rng;
use raft_sim::scenario::parse::parse_script;
use raft_sim::{Runner, World};

struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.range(0, xs.len() as u64 - 1) as usize]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.chance(p)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.range(lo, hi)
    }
}

/// A random scenario; returns its text and the line where the final
/// (must-succeed) section starts.
fn generate(seed: u64) -> (String, u32) {
    let mut g = Gen { rng: Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xABCD) };
    let mut s = String::new();
    let n = g.pick(&[1u64, 2, 3, 3, 5, 5, 5, 7, 9, 15]);
    writeln!(s, "cluster {}", n).unwrap();
    writeln!(s, "seed {}", seed).unwrap();
    if g.chance(50.0) {
        writeln!(s, "set prevote on").unwrap();
    }
    if g.chance(30.0) {
        writeln!(s, "set check-quorum on").unwrap();
    }
    if g.chance(40.0) {
        writeln!(s, "set snapshot-threshold {}", g.range(3, 20)).unwrap();
    }
    let mode = g.pick(&["log", "read-index", "lease"]);
    writeln!(s, "set read-mode {}", mode).unwrap();
    writeln!(s, "set latency {}ms..{}ms", g.range(1, 10), g.range(10, 40)).unwrap();
    // Small AppendEntries batches make more interleavings reachable (e.g.
    // an old-term entry on a majority before the new leader's no-op).
    writeln!(s, "# raft-sim run FILE --max-entries {}", g.pick(&[1u64, 2, 64, 64])).unwrap();

    // What the parser knows statically: nodes that exist, the voter set.
    let mut exists: BTreeSet<u64> = (1..=n).collect();
    let mut members: BTreeSet<u64> = (1..=n).collect();
    let mut down: BTreeSet<u64> = BTreeSet::new();
    let membership = g.chance(40.0);
    let steps = g.range(15, 40);
    for i in 0..steps {
        let roll = g.range(0, 99);
        let all: Vec<u64> = exists.iter().copied().collect();
        let up: Vec<u64> = all.iter().copied().filter(|x| !down.contains(x)).collect();
        match roll {
            0..=24 => writeln!(s, "put k{} v{}", g.range(0, 4), i).unwrap(),
            25..=36 => writeln!(s, "get k{}", g.range(0, 4)).unwrap(),
            37..=46 if !up.is_empty() => {
                let x = g.pick(&up);
                down.insert(x);
                writeln!(s, "crash n{}", x).unwrap();
            }
            47..=56 if !down.is_empty() => {
                let ds: Vec<u64> = down.iter().copied().collect();
                let x = g.pick(&ds);
                down.remove(&x);
                writeln!(s, "restart n{}", x).unwrap();
            }
            57..=63 => {
                let mut ids = all.clone();
                // Fisher-Yates with the generator.
                for k in (1..ids.len()).rev() {
                    let j = g.range(0, k as u64) as usize;
                    ids.swap(k, j);
                }
                let cut = g.range(1, ids.len() as u64 - 1).max(1) as usize;
                let (a, b) = ids.split_at(cut.min(ids.len() - 1).max(1));
                let names = |v: &[u64]| v.iter().map(|x| format!("n{}", x)).collect::<Vec<_>>().join(" ");
                if b.is_empty() {
                    writeln!(s, "partition {}", names(a)).unwrap();
                } else {
                    writeln!(s, "partition {} | {}", names(a), names(b)).unwrap();
                }
            }
            64..=70 => writeln!(s, "heal").unwrap(),
            71..=73 => {
                let a = g.pick(&all);
                let b = g.pick(&all);
                if a != b {
                    writeln!(s, "cut n{} {} n{}", a, g.pick(&["->", "<->"]), b).unwrap();
                }
            }
            74..=77 => writeln!(s, "set loss {}%", g.pick(&[0, 0, 5, 10, 20, 30])).unwrap(),
            78..=80 => writeln!(s, "set duplicate {}%", g.pick(&[0, 5, 10, 20])).unwrap(),
            81..=84 if !up.is_empty() => writeln!(s, "timeout n{}", g.pick(&up)).unwrap(),
            85..=87 => writeln!(s, "transfer n{}", g.pick(&all)).unwrap(),
            88..=91 if membership => {
                // Single-server change or joint consensus, within n1..n7.
                let kind = g.range(0, 2);
                if kind == 0 {
                    let candidates: Vec<u64> = (1..=7).filter(|x| !members.contains(x)).collect();
                    if !candidates.is_empty() {
                        let x = g.pick(&candidates);
                        members.insert(x);
                        exists.insert(x);
                        writeln!(s, "add n{}", x).unwrap();
                    }
                } else if kind == 1 && members.len() > 2 {
                    let ms: Vec<u64> = members.iter().copied().collect();
                    let x = g.pick(&ms);
                    members.remove(&x);
                    writeln!(s, "remove n{}", x).unwrap();
                } else {
                    let mut set: Vec<u64> = (1..=7).filter(|_| g.chance(50.0)).collect();
                    if set.len() < 3 {
                        set = vec![1, 2, 3];
                    }
                    for x in &set {
                        exists.insert(*x);
                    }
                    members = set.iter().copied().collect();
                    let names: Vec<String> = set.iter().map(|x| format!("n{}", x)).collect();
                    writeln!(s, "reconfigure {}", names.join(" ")).unwrap();
                }
            }
            _ => {}
        }
        writeln!(s, "run {}ms", g.pick(&[5, 20, 50, 100, 200, 400])).unwrap();
    }

    // The final section: a good network, everyone up; progress must resume.
    let final_line = s.lines().count() as u32 + 1;
    writeln!(s, "heal").unwrap();
    writeln!(s, "set loss 0%").unwrap();
    writeln!(s, "set duplicate 0%").unwrap();
    for x in &down {
        writeln!(s, "restart n{}", x).unwrap();
    }
    writeln!(s, "await leader any within 10s").unwrap();
    writeln!(s, "run 500ms").unwrap();
    writeln!(s, "put final {}", seed).unwrap();
    writeln!(s, "await kv leader final = {} within 10s", seed).unwrap();
    (s, final_line)
}

fn run_generated(seed: u64, text: &str) -> Runner {
    run_generated_with_bug(seed, text, None)
}

/// Run a generated scenario, optionally with one of raft-core's deliberate
/// bugs switched on (`set bug NAME on`).
fn run_generated_with_bug(seed: u64, text: &str, bug: Option<&str>) -> Runner {
    let mut script = match parse_script(text) {
        Ok(s) => s,
        Err(e) => panic!("generator wrote an invalid scenario (seed {}): {}:{}: {}\n{}", seed, e.line, e.col, e.message, text),
    };
    let max_entries: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("# raft-sim run FILE --max-entries "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(64);
    if let Some(name) = bug {
        assert!(script.setup.bugs.set(name, true), "unknown bug {name}");
    }
    let mut runner = Runner::from_world(World::with_max_entries(&script.setup, max_entries));
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
    }
    runner.finish();
    runner
}

#[test]
fn random_faults_never_break_an_invariant() {
    let seeds: u64 = std::env::var("RAFT_SIM_RANDOM_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    let first: u64 = std::env::var("RAFT_SIM_FIRST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let mut bad = Vec::new();
    let mut simulated_ms = 0;
    for seed in first..first + seeds {
        let (text, final_line) = generate(seed);
        let runner = run_generated(seed, &text);
        simulated_ms += runner.world.now;
        let late_failures: Vec<_> = runner.failures.iter().filter(|f| f.line >= final_line).collect();
        if !runner.world.checker.violations.is_empty() || !late_failures.is_empty() {
            // Keep the case for `raft-sim run` to replay.
            let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("random-seed-{}.raft", seed));
            let _ = std::fs::write(&path, &text);
            bad.push(format!(
                "seed {} (saved as {}): violations {:?}; failures after healing {:?}\n--- scenario ---\n{}",
                seed,
                path.display(), runner.world.checker.violations, late_failures, text
            ));
        }
    }
    assert!(bad.is_empty(), "{} of {} seeds failed; first:\n{}", bad.len(), seeds, bad[0]);
    eprintln!("{} seeds, {} simulated seconds", seeds, simulated_ms / 1000);
}

/// Bugs this generator does not reach yet: each needs a particular timing
/// (Figure 8's) or a partition placed just as a configuration changes. Each
/// is caught by a planted scenario instead, which `tests/scenarios.rs` runs;
/// a swarm-style explorer should find them too (issue 10).
const PLANTED_ONLY: &[(&str, &str)] = &[
    ("commit-old-term", "figure-8-commit-rule.raft (tests/checker_catches_bug.rs)"),
    ("joint-skip", "expect-violation-joint-skip.raft"),
    ("commit-one-half-of-joint", "expect-violation-commit-one-half-of-joint.raft"),
];

/// The same random scenarios with each of raft-core's deliberate bugs
/// switched on: the checker must catch every one within a bounded number of
/// seeds. (A bug it cannot catch means the faults or the checks are too weak.)
/// `RAFT_SIM_BUG_SEEDS=N` bounds the search per bug (default 400).
#[test]
fn every_bug_switch_is_caught() {
    let limit: u64 = std::env::var("RAFT_SIM_BUG_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let mut missed = Vec::new();
    for &bug in raft_core::Bugs::NAMES {
        if let Some((_, scenario)) = PLANTED_ONLY.iter().find(|(b, _)| *b == bug) {
            let file = scenario.split(' ').next().unwrap();
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(file);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let switched_on = text.contains(&format!("set bug {bug} on")) || bug == "commit-old-term";
            assert!(switched_on, "{file} must plant `{bug}`");
            eprintln!("bug {bug:<26} planted: {scenario}");
            continue;
        }
        let found = (1..=limit).find_map(|seed| {
            let (text, _) = generate(seed);
            let runner = run_generated_with_bug(seed, &text, Some(bug));
            runner.world.checker.violations.first().map(|v| (seed, v.invariant.clone()))
        });
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
    assert_eq!(generate(5), generate(5));
    assert_ne!(generate(5).0, generate(6).0);
}
