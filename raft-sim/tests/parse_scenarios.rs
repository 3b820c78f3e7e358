//! Every scenario file in `scenarios/` parses, and follows the conventions a
//! reader and the test runner rely on (docs/scenario-extensions.md).

use std::fs;
use std::path::PathBuf;

use raft_sim::scenario::ast::Command;
use raft_sim::scenario::parse::parse_script;

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "raft"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_scenario_parses() {
    let files = scenario_files();
    assert!(files.len() >= 14, "expected the scenario files, found {}", files.len());
    let mut errors = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("readable");
        if let Err(e) = parse_script(&text) {
            errors.push(format!("{}:{}:{}: {}", f.display(), e.line, e.col, e.message));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_scenario_tells_and_checks_a_story() {
    for f in scenario_files() {
        let text = fs::read_to_string(&f).expect("readable");
        let script = parse_script(&text).expect("parses (see every_scenario_parses)");
        // A story for a student: it opens with a comment.
        assert!(text.starts_with('#'), "{}: should open with a comment telling its story", f.display());
        // And it asserts the point of the story.
        let checks =
            script.commands.iter().filter(|c| matches!(c.value, Command::Expect(_) | Command::Await { .. })).count();
        assert!(checks >= 2, "{}: has {checks} expect/await lines", f.display());
    }
}

/// `expect-violation-*.raft` files must say which invariant they demonstrate,
/// and only they may.
#[test]
fn expected_violations_are_declared() {
    for f in scenario_files() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&f).expect("readable");
        let declared: Vec<&str> =
            text.lines().filter_map(|l| l.trim().strip_prefix("# expect-violation:")).map(str::trim).collect();
        if name.starts_with("expect-violation-") {
            assert_eq!(declared.len(), 1, "{name}: needs exactly one `# expect-violation: INVARIANT` line");
            assert!(!declared[0].is_empty(), "{name}: empty invariant name");
        } else {
            assert!(declared.is_empty(), "{name}: declares a violation but is not named expect-violation-*");
        }
    }
}
