//! Runs every scenario in ../scenarios/*.raft: each must pass (every
//! expect/await holds, no invariant fires) and be deterministic (the same
//! trace hash on a second run).
//!
//! A file that demonstrates a violation on purpose (e.g. a stale read the
//! linearizability checker flags) declares it in a comment line
//! `# expect-violation: linearizability`; it then passes when exactly those
//! invariants fire and every expect/await holds.

use std::path::PathBuf;

use raft_sim::small_map::SmallSet;
use raft_sim::{expected_violations, run_text};

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    // A folder that cannot be read, or holds no scenario, must fail the test:
    // passing while checking nothing would hide a broken checkout or a move.
    let rd = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = rd
        .map(|e| e.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .filter(|p| p.extension().is_some_and(|x| x == "raft"))
        .collect();
    assert!(files.len() >= 10, "only {} scenarios found in {}", files.len(), dir.display());
    files.sort();
    files
}

#[test]
fn every_scenario_passes_and_is_deterministic() {
    let files = scenario_files();
    let mut problems = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).expect("readable scenario");
        let first = match run_text(&text) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{}:{}:{}: {}", name, e.line, e.col, e.message));
                continue;
            }
        };
        let expected = expected_violations(&text);
        let fired: SmallSet<String> = first.world.checker.violations.iter().map(|v| v.invariant.clone()).collect();
        for f in &first.failures {
            problems.push(format!("{}:{}: {}", name, f.line, f.message));
        }
        if fired != expected {
            for v in &first.world.checker.violations {
                if !expected.contains(&v.invariant) {
                    problems.push(format!("{}: violation at {} ms: {}: {}", name, v.time_ms, v.invariant, v.message));
                }
            }
            for e in expected.iter().filter(|e| !fired.contains(*e)) {
                problems.push(format!("{}: expected violation `{}` did not fire", name, e));
            }
        }
        let second = run_text(&text).expect("parsed once already");
        if second.trace_hash() != first.trace_hash() || second.world != first.world {
            problems.push(format!(
                "{}: not deterministic (trace hash {:016x} then {:016x})",
                name,
                first.trace_hash(),
                second.trace_hash()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} scenarios have problems:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

#[test]
fn expect_violation_header_is_read() {
    let got = expected_violations(
        "cluster 3\n# expect-violation: linearizability\n#expect-violation: a, b\nrun 1s # expect-violation: no\n",
    );
    let want: SmallSet<String> = ["linearizability", "a", "b"].iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
}
