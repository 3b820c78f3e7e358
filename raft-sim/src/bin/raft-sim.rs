//! `raft-sim run FILE [--json] [--seed S] [--trace]`: run a scenario file
//! headless (docs/scenario-language.md, "Results").
//!
//! Exit status: 0 when every expect/await held and no invariant fired, 1
//! otherwise, 2 for a file that cannot be read or parsed (or bad arguments).

use std::io::Write;
use std::process::ExitCode;

/// Print a line to stdout; a closed pipe (`raft-sim ... | head`) is not an error.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

use raft_sim::scenario::parse::parse_script;
use raft_sim::{Runner, View, World};

const USAGE: &str = "usage: raft-sim run FILE [--json] [--seed S] [--trace] [--max-entries N]

  Runs a scenario file (.raft) in the deterministic simulator.
  --json     print the final state as one JSON object (the view model)
  --seed S   override the file's `seed` (an unsigned 64-bit integer)
  --trace    print every trace event as a JSON line while running
  --max-entries N  at most N entries per AppendEntries (overrides `set max-entries`; default 64)

  FILE may be a lesson (lessons/*.raft): its narration is checked and
  set aside, and each task is performed by its `solution`.

Exit status: 0 ok, 1 a check failed or an invariant was violated,
2 the file could not be read or parsed.

The language: docs/scenario-language.md";

struct Args {
    file: String,
    json: bool,
    trace: bool,
    seed: Option<u64>,
    max_entries: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("run") => {}
        Some("-h") | Some("--help") | Some("help") => return Err(String::new()),
        Some(other) => return Err(format!("unknown command `{}`", other)),
        None => return Err(String::new()),
    }
    let mut file = None;
    let (mut json, mut trace, mut seed, mut max_entries) = (false, false, None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--trace" => trace = true,
            "--seed" => {
                let s = args.next().ok_or("--seed needs a value")?;
                seed = Some(s.parse::<u64>().map_err(|_| format!("--seed: `{}` is not an unsigned integer", s))?);
            }
            s if s.starts_with("--seed=") => {
                let v = &s["--seed=".len()..];
                seed = Some(v.parse::<u64>().map_err(|_| format!("--seed: `{}` is not an unsigned integer", v))?);
            }
            "--max-entries" => {
                let v = args.next().ok_or("--max-entries needs a value")?;
                max_entries = Some(v.parse::<usize>().ok().filter(|n| *n > 0).ok_or(format!("--max-entries: `{}` is not a positive integer", v))?);
            }
            s if s.starts_with('-') => return Err(format!("unknown option `{}`", s)),
            s => {
                if file.replace(s.to_string()).is_some() {
                    return Err("only one FILE".to_string());
                }
            }
        }
    }
    let file = file.ok_or("missing FILE")?;
    Ok(Args { file, json, trace, seed, max_entries })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("raft-sim: {}", msg);
            }
            eprintln!("{}", USAGE);
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {}", args.file, e);
            return ExitCode::from(2);
        }
    };
    let mut script = match parse_script(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}:{}:{}: {}", args.file, e.line, e.col, e.message);
            return ExitCode::from(2);
        }
    };
    if let Some(seed) = args.seed {
        script.setup.seed = seed;
    }

    if let Some(n) = args.max_entries {
        script.setup.max_entries = n as u64;
    }
    let mut runner = Runner::from_world(World::new(&script.setup));
    runner.expected_violations = raft_sim::expected_violations(&text);
    runner.keep_events(args.trace);
    // Every event is printed, however long a `run` is.
    runner.world.trace.limit = usize::MAX;
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
        if args.trace {
            for ev in runner.take_events() {
                let line = serde_json::to_string(&ev).unwrap_or_default();
                if args.json { eprintln!("{}", line) } else { out!("{}", line) }
            }
        }
    }
    // The end-of-run checks, with no search bound, before taking the view.
    runner.finish();
    let view = runner.view();
    if args.trace {
        for ev in runner.take_events() {
            let line = serde_json::to_string(&ev).unwrap_or_default();
            if args.json { eprintln!("{}", line) } else { out!("{}", line) }
        }
    }

    if args.json {
        out!("{}", serde_json::to_string_pretty(&view).unwrap_or_default());
        for f in &view.failures {
            eprintln!("{}:{}: {}", args.file, f.line, f.message);
        }
    } else {
        print_summary(&args.file, &view);
    }
    if view.ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn counts_text(counts: &std::collections::BTreeMap<String, u64>) -> String {
    let total: u64 = counts.values().sum();
    if counts.is_empty() {
        return "0".to_string();
    }
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{} {}", k, v)).collect();
    format!("{} ({})", total, parts.join(", "))
}

fn print_summary(file: &str, v: &View) {
    out!("{}: {} ms simulated, seed {}", file, v.time_ms, v.seed);
    out!("  node  role           term  voted  commit  applied  last  snapshot");
    for n in &v.nodes {
        let voted = n.voted_for.map_or("-".to_string(), |x| format!("n{}", x));
        out!(
            "  n{:<3} {:<14} {:>4}  {:>5}  {:>6}  {:>7}  {:>4}  {:>8}",
            n.id, n.role, n.term, voted, n.commit, n.applied, n.last_index, n.snapshot_index
        );
    }
    out!("  messages sent:      {}", counts_text(&v.messages.sent));
    out!("  messages delivered: {}", counts_text(&v.messages.delivered));
    out!("  messages dropped:   {}", counts_text(&v.messages.dropped));
    let returned = v.history.iter().filter(|h| h.returned_ms.is_some()).count();
    out!("  client operations:  {} ({} returned)", v.history.len(), returned);
    for f in &v.failures {
        out!("{}:{}: {}", file, f.line, f.message);
    }
    for x in &v.violations {
        let expected = if v.expected_violations.contains(&x.invariant) { " (expected)" } else { "" };
        out!("violation at {} ms: {}: {}{}", x.time_ms, x.invariant, x.message, expected);
    }
    for e in &v.expected_violations {
        if !v.violations.iter().any(|x| &x.invariant == e) {
            out!("{}: expected violation `{}` did not fire", file, e);
        }
    }
    out!("  trace hash: {} ({} events)", v.trace_hash, v.trace_events);
    out!("{}", if v.ok { "ok" } else { "FAILED" });
}
