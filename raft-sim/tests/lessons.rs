//! The course: every `lessons/NN-slug.raft` parses as a lesson, passes headless
//! with its tasks solved by their solutions, and plays the same step by step
//! (the way the page plays it) as in one go. Plus the checks on narration a
//! machine can make: both languages in every step, a claim about the cluster
//! backed by an `expect`/`await` in the same step, tasks that are not already
//! done before the reader acts. And the parser's located errors for lessons.

use std::path::PathBuf;

use raft_sim::run_text;
use raft_sim::scenario::ast::{Command, Located};
use raft_sim::scenario::lesson::{is_lesson, parse_lesson, Lesson};
use raft_sim::scenario::parse::{parse_line, parse_script, ParseContext};
use raft_sim::scenario::run::{eval, Runner};

fn lesson_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let rd =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e} (the course folder is missing)", dir.display()));
    let mut files: Vec<PathBuf> =
        rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "raft")).collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no lessons", dir.display());
    files
}

fn load(path: &PathBuf) -> (String, String, Lesson) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let lesson = parse_lesson(&text).unwrap_or_else(|e| panic!("{name}:{}:{}: {}", e.line, e.col, e.message));
    (name, text, lesson)
}

#[test]
fn every_lesson_passes_headless_and_is_deterministic() {
    let mut problems = Vec::new();
    let mut numbers = Vec::new();
    for path in lesson_files() {
        let (name, text, _) = load(&path);
        // NN-slug.raft: two digits, a dash, a lower-case slug.
        let stem = name.trim_end_matches(".raft");
        let (nn, slug) = stem.split_once('-').unwrap_or(("", ""));
        assert!(nn.len() == 2 && nn.chars().all(|c| c.is_ascii_digit()), "{name}: not NN-slug.raft");
        assert!(
            !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{name}: bad slug"
        );
        assert!(!numbers.contains(&nn.to_string()), "{name}: lesson number {nn} used twice");
        numbers.push(nn.to_string());

        assert!(is_lesson(&text), "{name}: has no step");
        let first = run_text(&text).unwrap();
        for f in &first.failures {
            problems.push(format!("{name}:{}: {}", f.line, f.message));
        }
        // A lesson may demonstrate a violation on purpose (`# expect-violation:`,
        // e.g. the stale read the checker catches): exactly those must fire.
        for v in &first.world.checker.violations {
            if !first.expected_violations.contains(&v.invariant) {
                problems.push(format!("{name}: violation at {} ms: {}: {}", v.time_ms, v.invariant, v.message));
            }
        }
        if first.fired() != first.expected_violations {
            problems.push(format!(
                "{name}: expected violations {:?}, fired {:?}",
                first.expected_violations,
                first.fired()
            ));
        }
        let again = run_text(&text).unwrap();
        if first.trace_hash() != again.trace_hash() {
            problems.push(format!("{name}: not deterministic"));
        }
    }
    assert!(problems.is_empty(), "lessons failed:\n{}", problems.join("\n"));
}

/// Parse one command text as the page does (a live world's `exec`).
fn live(runner: &Runner, text: &str) -> Located<Command> {
    let members: Vec<u64> = runner.world.nodes.keys().copied().collect();
    let mut ctx = ParseContext::live(members);
    parse_line(text, 1, &mut ctx)
        .unwrap_or_else(|e| panic!("`{text}`: {}", e.message))
        .unwrap_or_else(|| panic!("`{text}` is empty"))
}

/// The page's way through a lesson: the prelude, then each step's commands,
/// and for a task its solution ("show me") and goal. It must give exactly the
/// headless run: narration never changes the run.
#[test]
fn playing_step_by_step_gives_the_headless_trace() {
    for path in lesson_files() {
        let (name, text, lesson) = load(&path);
        let prelude = parse_script(&lesson.prelude).unwrap();
        let mut r = Runner::new(&prelude.setup);
        for c in &prelude.commands {
            let _ = r.exec_command(c);
        }
        for (k, step) in lesson.steps.iter().enumerate() {
            for c in &step.commands {
                let cmd = live(&r, c);
                let _ = r.exec_command(&cmd);
            }
            if let Some(task) = &step.task {
                // Not already done before the reader acts: the task asks for something.
                // (A goal naming a node the solution creates, like `add n4`, cannot
                // even be stated yet: not done either.)
                let members: Vec<u64> = r.world.nodes.keys().copied().collect();
                let stated = parse_line(&format!("expect {}", task.condition), 1, &mut ParseContext::live(members));
                if let Ok(Some(Located { value: Command::Expect(goal), .. })) = stated {
                    assert!(
                        eval(&r.world, &goal).is_err(),
                        "{name}: the task of step {} is done before the reader acts",
                        k + 1
                    );
                }
                for c in task.solution.iter().chain(std::iter::once(&task.until)) {
                    let cmd = live(&r, c);
                    let _ = r.exec_command(&cmd);
                }
            }
        }
        r.finish();
        assert!(r.failures.is_empty(), "{name}: step by step: {:?}", r.failures);
        let headless = run_text(&text).unwrap();
        assert_eq!(r.trace_hash(), headless.trace_hash(), "{name}: step by step differs from headless");
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Words that make a sentence a claim about the cluster's state.
const CLAIMS_EN: &[&str] = &[
    "leader",
    "term",
    "commit",
    "applied",
    "apply",
    "vote",
    "majority",
    "candidate",
    "follower",
    "log",
    "x =",
    "down",
];

#[test]
fn every_step_speaks_both_languages_and_backs_its_claims() {
    for path in lesson_files() {
        let (name, _, lesson) = load(&path);
        assert!(has_cjk(&lesson.title.zh) && has_cjk(&lesson.summary.zh), "{name}: header not in Chinese");
        assert!(!has_cjk(&lesson.title.en) && !has_cjk(&lesson.summary.en), "{name}: header not in English");
        assert!(lesson.steps.len() >= 3, "{name}: a lesson has at least three steps");
        assert!(lesson.steps.iter().any(|s| s.task.is_some()), "{name}: a lesson asks the reader to act at least once");
        for (k, s) in lesson.steps.iter().enumerate() {
            let at = format!("{name}:{}", s.line);
            assert!(has_cjk(&s.text.zh), "{at}: step {} has no Chinese text", k + 1);
            assert!(!has_cjk(&s.text.en), "{at}: step {}'s English text is Chinese", k + 1);
            // A node name, a number or a state word in the text is a claim; it needs a check.
            let en = s.text.en.to_lowercase();
            let claims = CLAIMS_EN.iter().any(|w| en.contains(w))
                || en
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w.len() >= 2 && w.starts_with('n') && w[1..].chars().all(|c| c.is_ascii_digit()));
            if claims && s.task.is_none() {
                assert!(
                    s.checked,
                    "{at}: step {} talks about the cluster but checks nothing (add an expect/await)",
                    k + 1
                );
            }
            if let Some(t) = &s.task {
                assert!(has_cjk(&t.hint.zh) && !t.hint.en.is_empty(), "{at}: task hint in both languages");
            }
        }
    }
}

fn err_of(text: &str) -> (u32, u32, String) {
    let e = parse_lesson(text).expect_err("should not parse");
    // The headless parser reports the same error.
    assert_eq!(parse_script(text).unwrap_err(), e);
    (e.line, e.col, e.message)
}

const HEAD: &str = "title en: T\ntitle zh: 题\nsummary en: S\nsummary zh: 概\ngroup basics\nsection §5.2\ncluster 3\n";

#[test]
fn lesson_errors_are_located() {
    let (l, c, m) = err_of(&format!("{HEAD}step\nen: Hello\nrun 1s\n"));
    assert_eq!((l, c), (8, 1));
    assert!(m.contains("Chinese"), "{m}");

    let (l, _, m) = err_of(&format!(
        "{HEAD}step\nen: Hi\nzh: 你好\ntask\nen: Crash n1\nzh: 让 n1 崩溃\nhint en: h\nhint zh: 提示\n"
    ));
    assert_eq!(l, 11);
    assert!(m.contains("solution"), "{m}");

    let (l, c, m) = err_of(&format!("{HEAD}step\nen: Hi\nzh: 你好\nhighlight banana\n"));
    assert_eq!((l, c), (11, 11));
    assert!(m.contains("unknown highlight target `banana`"), "{m}");

    let (l, c, m) = err_of(&format!("{HEAD}step\nen: Hi\nzh: 你好\nhighlight message Vote\n"));
    assert_eq!((l, c), (11, 19));
    assert!(m.contains("unknown message type"), "{m}");

    let (l, c, m) = err_of(&format!("{HEAD}step\nen: Hi\nzh: 你好\nhighlight n7\n"));
    assert_eq!((l, c), (11, 11));
    assert!(m.contains("n7 is not in the cluster"), "{m}");

    // A command inside a solution is checked like any other, at its own column.
    let (l, c, m) = err_of(&format!(
        "{HEAD}task\nen: a\nzh: 甲\nhint en: h\nhint zh: 提\nsolution crsh n1\nuntil leader none within 1s\n"
    ));
    assert_eq!((l, c), (13, 10));
    assert!(m.contains("unknown command `crsh`"), "{m}");

    let (l, c, _) = err_of(&format!("{HEAD}en: floating\nstep\nen: a\nzh: 甲\n"));
    assert_eq!((l, c), (8, 1));

    let (_, _, m) = err_of("step\nen: a\nzh: 甲\n");
    assert!(m.contains("title"), "{m}");
}

#[test]
fn narration_is_set_aside_and_solutions_run() {
    let text = format!("{HEAD}step\nen: Go # not a comment\nzh: 走\nhighlight quorum\ntimeout n1\nawait leader n1 within 1s\ntask\nen: crash it\nzh: 崩\nhint en: h\nhint zh: 提\nsolution crash n1\nuntil role n1 down within 1s\n");
    let lesson = parse_lesson(&text).unwrap();
    assert_eq!(lesson.steps[0].text.en, "Go # not a comment");
    assert_eq!(lesson.steps[0].commands, ["timeout n1", "await leader n1 within 1s"]);
    let task = lesson.steps[1].task.as_ref().unwrap();
    assert_eq!(task.solution, ["crash n1"]);
    assert_eq!(task.until, "await role n1 down within 1s");
    assert_eq!(task.condition, "role n1 down");
    let r = run_text(&text).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert!(r.world.status(1).is_none(), "the solution ran headless: n1 is down");
}

#[test]
fn the_sent_condition_counts_messages_and_names_its_type() {
    let r = run_text("cluster 3\nseed 2\ntimeout n1\nawait leader n1 within 1s\nexpect sent RequestVote == 2\nexpect sent TimeoutNow == 0\ntransfer n2\nawait leader n2 within 1s\nexpect sent TimeoutNow == 1\nexpect sent AppendEntries > 0\n").unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    // A message to a crashed server is sent but never delivered.
    let r = run_text("cluster 3\nseed 2\ntimeout n1\nawait leader n1 within 1s\ncrash n3\nrun 200ms\nexpect sent AppendEntries > 4\n").unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    let sent = r.world.network.sent["AppendEntries"];
    let delivered = r.world.network.delivered["AppendEntries"];
    assert!(delivered < sent);
    let check = format!("cluster 3\nseed 2\ntimeout n1\nawait leader n1 within 1s\ncrash n3\nrun 200ms\nexpect delivered AppendEntries == {delivered}\nexpect sent AppendEntries == {sent}\n");
    assert!(run_text(&check).unwrap().ok());
    let bad = run_text("cluster 3\nexpect sent TimeoutNow >= 1\n").unwrap();
    assert_eq!(bad.failures.len(), 1);
    assert!(bad.failures[0].message.contains("0 TimeoutNow sent"), "{}", bad.failures[0].message);
    let e = parse_script("cluster 3\nexpect sent Heartbeat > 1\n").unwrap_err();
    assert_eq!((e.line, e.col), (2, 13));
    assert!(e.message.contains("unknown message type `Heartbeat`"), "{}", e.message);
}
