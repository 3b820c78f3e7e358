//! `raft-sim run FILE [--json] [--seed S] [--trace]`: run a scenario file
//! headless (docs/scenario-language.md, "Results").
//!
//! Exit status: 0 when every expect/await held and no invariant fired, 1
//! otherwise, 2 for a file that cannot be read or parsed (or bad arguments).
//!
//! `raft-sim explore …`: random scenarios until something breaks (see
//! `explore_cli` below and docs/exploring.md).
//!
//! `raft-sim --help` (and `raft-sim run --help`, `raft-sim explore --help`)
//! prints the options on stdout; arguments are parsed by clap.

use std::io::Write;
use std::process::ExitCode;

/// Print a line to stdout; a closed pipe (`raft-sim ... | head`) is not an error.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

use clap::{Args, Parser, Subcommand};
use raft_sim::network::Counts;
use raft_sim::scenario::parse::parse_script;
use raft_sim::{Runner, View, World};

/// Exit status 2 (bad arguments, or a file that cannot be read or parsed) is
/// also clap's status for a usage error, so the documented codes hold.
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "raft-sim",
    version,
    about = "Raft Lab's deterministic simulator, headless: run scenario files, or explore random ones.",
    after_help = "The scenario language: docs/scenario-language.md. Exploring: docs/exploring.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file (.raft) in the deterministic simulator.
    ///
    /// FILE may be a lesson (lessons/*.raft): its narration is checked and set
    /// aside, and each task is performed by its `solution`.
    ///
    /// Exit status: 0 ok, 1 a check failed or an invariant was violated,
    /// 2 the file could not be read or parsed.
    Run(RunArgs),
    /// Run random scenarios (swarm-style faults) and check every invariant and
    /// linearizability; shrink each violation to a small .raft file.
    ///
    /// Exit status: 0 no violation (with --bug: the bug was found), 1 otherwise,
    /// 2 bad arguments.
    Explore(explore_cli::ExploreArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The scenario or lesson file.
    file: String,
    /// Print the final state as one JSON object (the view model).
    #[arg(long)]
    json: bool,
    /// Override the file's `seed`.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Print every trace event as a JSON line while running.
    #[arg(long)]
    trace: bool,
    /// At most N entries per AppendEntries (overrides `set max-entries`; default 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_entries: Option<u64>,
    /// Also measure per window of D (e.g. `1s`): `metrics.windows` in --json.
    #[arg(long, value_name = "D", value_parser = metrics_window)]
    metrics_window: Option<u64>,
}

fn metrics_window(v: &str) -> Result<u64, String> {
    match raft_sim::scenario::parse::parse_duration_str(v)? {
        0 => Err("the window must be at least 1ms".into()),
        ms => Ok(ms),
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run(args) => run(args),
        Command::Explore(args) => explore_cli::main(args),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {}", args.file, e);
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let mut script = match parse_script(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}:{}:{}: {}", args.file, e.line, e.col, e.message);
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if let Some(seed) = args.seed {
        script.setup.seed = seed;
    }

    if let Some(n) = args.max_entries {
        script.setup.max_entries = n;
    }
    let mut runner = Runner::from_world(World::new(&script.setup));
    runner.expected_violations = raft_sim::expected_violations(&text);
    runner.keep_events(args.trace);
    if let Some(w) = args.metrics_window {
        runner.world.metrics.set_window(Some(w), 0, usize::MAX);
    }
    // Every event is printed, however long a `run` is.
    runner.world.trace.limit = usize::MAX;
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
        if args.trace {
            for ev in runner.take_events() {
                let line = raft_sim::json::to_json(&ev);
                if args.json {
                    eprintln!("{}", line)
                } else {
                    out!("{}", line)
                }
            }
        }
    }
    // The end-of-run checks, with no search bound, before taking the view.
    runner.finish();
    // `--json` prints every log entry; the summary only counts, so its view
    // leaves the logs out (describing 30,000 entries per server would cost
    // more than a second of a loaded run).
    let view = if args.json {
        runner.view()
    } else {
        runner.view_limited(raft_sim::view::Limits { log_tail: Some(0), ..raft_sim::view::Limits::ALL })
    };
    if args.trace {
        for ev in runner.take_events() {
            let line = raft_sim::json::to_json(&ev);
            if args.json {
                eprintln!("{}", line)
            } else {
                out!("{}", line)
            }
        }
    }

    if args.json {
        out!("{}", raft_sim::json::pretty(&raft_sim::json::to_json(&view)));
        for f in &view.failures {
            eprintln!("{}:{}: {}", args.file, f.line, f.message);
        }
    } else {
        print_summary(&args.file, &view);
    }
    // The process ends here: let the OS reclaim the world at once instead of
    // freeing every log entry and table one by one (a few ms after a loaded
    // run, as much as simulating a second of it).
    std::mem::forget(runner);
    if view.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn counts_text(counts: &Counts) -> String {
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
            n.id,
            n.role,
            n.term,
            voted,
            n.commit,
            n.applied,
            n.last_index,
            n.snapshot_index
        );
    }
    out!("  messages sent:      {}", counts_text(&v.messages.sent));
    out!("  messages delivered: {}", counts_text(&v.messages.delivered));
    out!("  messages dropped:   {}", counts_text(&v.messages.dropped));
    let returned = v.history.iter().filter(|h| h.returned_ms.is_some()).count();
    out!("  client operations:  {} ({} returned)", v.history.len(), returned);
    let m = &v.metrics.whole;
    let lat = |l: &Option<raft_sim::metrics::Latency>| {
        l.as_ref()
            .map_or("-".to_string(), |l| format!("p50 {} / p90 {} / p99 {} / max {} ms", l.p50, l.p90, l.p99, l.max))
    };
    out!("  commit latency:     {}", lat(&m.commit_latency_ms));
    out!("  read latency:       {}", lat(&m.read_latency_ms));
    out!(
        "  throughput:         {} ops/s; {} election(s); {} ms without a leader",
        m.ops_per_s,
        m.elections,
        m.leaderless_ms
    );
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

/// `raft-sim explore`: threads, files and the summary around
/// `raft_sim::explore` (which generates, runs and shrinks).
mod explore_cli {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::process::ExitCode;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use raft_sim::explore::{generate, minimize, run_case, Options, LIVENESS};

    /// Runs the shrinker may spend on one violation.
    const SHRINK_RUNS: u32 = 2000;
    /// Violations shrunk and written per invariant (the rest are counted).
    const FILES_PER_INVARIANT: usize = 3;

    #[derive(clap::Args)]
    pub struct ExploreArgs {
        /// How many seeds.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        seeds: u64,
        /// The first seed.
        #[arg(long, value_name = "S", default_value_t = 1)]
        first: u64,
        /// Worker threads (default: the number of CPUs).
        #[arg(long, value_name = "J", value_parser = clap::value_parser!(u64).range(1..))]
        jobs: Option<u64>,
        /// Switch one of raft-core's deliberate bugs on and stop at the first
        /// seed that catches it.
        #[arg(long, value_name = "NAME", value_parser = known_bug)]
        bug: Option<&'static str>,
        /// Cluster sizes, drawn uniformly (A..B or N).
        #[arg(long, value_name = "A..B", value_parser = node_range, default_value = "1..7")]
        nodes: (u64, u64),
        /// Give the servers slow disks (a random `set disk-latency` and
        /// `set group-commit` per seed; the rest of each case is unchanged).
        #[arg(long)]
        disk: bool,
        /// Mix etcd operations in (deletes, ranges, txns, leases, watches).
        #[arg(long)]
        etcd: bool,
        /// Where minimized scenarios go.
        #[arg(long, value_name = "DIR", default_value = "explore-out")]
        out: String,
        /// Print the summary as one JSON object on stdout.
        #[arg(long)]
        json: bool,
    }

    fn known_bug(v: &str) -> Result<&'static str, String> {
        let known = raft_core::Bugs::NAMES;
        known.iter().copied().find(|b| *b == v).ok_or(format!("unknown bug `{}` (known: {})", v, known.join(", ")))
    }

    fn node_range(v: &str) -> Result<(u64, u64), String> {
        let max = raft_sim::MAX_NODES;
        let bad = || format!("`{}` is not A..B with 1 <= A <= B <= {}", v, max);
        let (lo, hi) = match v.split_once("..") {
            Some((l, h)) => {
                (l.parse::<u64>().map_err(|_| bad())?, h.trim_start_matches('=').parse::<u64>().map_err(|_| bad())?)
            }
            None => {
                let n = v.parse::<u64>().map_err(|_| bad())?;
                (n, n)
            }
        };
        if lo < 1 || lo > hi || hi > max {
            return Err(bad());
        }
        Ok((lo, hi))
    }

    /// One seed that broke something.
    struct Found {
        seed: u64,
        invariant: String,
        message: String,
        file: Option<String>,
        lines: (usize, usize),
    }

    pub fn main(args: ExploreArgs) -> ExitCode {
        let jobs = match args.jobs {
            Some(j) => usize::try_from(j).unwrap_or(usize::MAX),
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        };
        let opts = Options { nodes: args.nodes, bug: args.bug, disk: args.disk, etcd: args.etcd };
        let end = args.first.saturating_add(args.seeds);
        let next_seed = AtomicU64::new(args.first);
        let done = AtomicU64::new(0);
        let simulated_ms = AtomicU64::new(0);
        // With --bug: the smallest seed that caught it so far; seeds above it
        // are not started (so the answer does not depend on thread timing).
        let stop_above = AtomicU64::new(u64::MAX);
        let finished = AtomicBool::new(false);
        // (seed, its violations as (invariant, message), the scenario text)
        type Caught = (u64, Vec<(String, String)>, String);
        let found: Mutex<Vec<Caught>> = Mutex::new(Vec::new());
        let start = Instant::now();
        eprintln!(
            "explore: seeds {}..{}, nodes {}..{}, {} job(s){}",
            args.first,
            end - 1,
            args.nodes.0,
            args.nodes.1,
            jobs,
            args.bug.map(|b| format!(", bug {}", b)).unwrap_or_default()
        );
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| loop {
                    let seed = next_seed.fetch_add(1, Ordering::Relaxed);
                    if seed >= end || seed > stop_above.load(Ordering::Relaxed) {
                        break;
                    }
                    let case = generate(seed, &opts);
                    let outcome = run_case(&case.text, None).expect("the generator writes valid scenarios");
                    simulated_ms.fetch_add(outcome.simulated_ms, Ordering::Relaxed);
                    let caught = match args.bug {
                        Some(_) => outcome.violations.iter().any(|(i, _)| i != LIVENESS),
                        None => !outcome.violations.is_empty(),
                    };
                    if caught {
                        if args.bug.is_some() {
                            stop_above.fetch_min(seed, Ordering::Relaxed);
                        }
                        let (inv, msg) = &outcome.violations[0];
                        eprintln!("explore: seed {}: {}: {}", seed, inv, msg);
                        found.lock().unwrap().push((seed, outcome.violations, case.text));
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                });
            }
            // Progress on stderr every few seconds.
            scope.spawn(|| {
                let mut last = Instant::now();
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if last.elapsed() >= Duration::from_secs(5) {
                        last = Instant::now();
                        let d = done.load(Ordering::Relaxed);
                        let rate = d as f64 / start.elapsed().as_secs_f64();
                        eprintln!(
                            "explore: {}/{} seeds, {:.0} seeds/s, {} violation(s)",
                            d,
                            args.seeds,
                            rate,
                            found.lock().unwrap().len()
                        );
                    }
                }
            });
            // Wait for the workers by polling the counter, then stop the reporter.
            while next_seed.load(Ordering::Relaxed) < end
                && next_seed.load(Ordering::Relaxed) <= stop_above.load(Ordering::Relaxed)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            finished.store(true, Ordering::Relaxed);
        });
        let elapsed = start.elapsed().as_secs_f64();
        let seeds_run = done.load(Ordering::Relaxed);

        let mut found = found.into_inner().unwrap();
        found.sort_by_key(|(seed, _, _)| *seed);
        if args.bug.is_some() {
            found.truncate(1);
        }
        let mut by_invariant: BTreeMap<String, u64> = BTreeMap::new();
        for (_, v, _) in &found {
            let first = match args.bug {
                Some(_) => v.iter().find(|(i, _)| i != LIVENESS).unwrap_or(&v[0]),
                None => &v[0],
            };
            *by_invariant.entry(first.0.clone()).or_default() += 1;
        }

        // Shrink the first few per invariant and write them out.
        let mut written: BTreeMap<String, usize> = BTreeMap::new();
        let mut results: Vec<Found> = Vec::new();
        for (seed, v, text) in &found {
            let (inv, msg) = match args.bug {
                Some(_) => v.iter().find(|(i, _)| i != LIVENESS).unwrap_or(&v[0]).clone(),
                None => v[0].clone(),
            };
            let count = written.entry(inv.clone()).or_default();
            let mut r = Found {
                seed: *seed,
                invariant: inv.clone(),
                message: msg,
                file: None,
                lines: (text.lines().count(), 0),
            };
            if *count < FILES_PER_INVARIANT {
                *count += 1;
                eprintln!("explore: shrinking seed {} ({})…", seed, inv);
                let (small, runs) = minimize(text, &inv, SHRINK_RUNS);
                r.lines.1 = small.lines().count();
                let mut file = format!(
                    "# Found by `raft-sim explore --first {} --seeds 1 --nodes {}..{}{}`: `{}` fired.\n# Shrunk from {} to {} lines ({} runs). Replay: raft-sim run THIS_FILE\n",
                    seed,
                    args.nodes.0,
                    args.nodes.1,
                    args.bug.map(|b| format!(" --bug {}", b)).unwrap_or_default()
                        + if args.disk { " --disk" } else { "" }
                        + if args.etcd { " --etcd" } else { "" },
                    inv,
                    r.lines.0,
                    r.lines.1 + 2,
                    runs
                );
                file.push_str(&small);
                let _ = std::fs::create_dir_all(&args.out);
                let path = std::path::Path::new(&args.out).join(format!("seed-{}-{}.raft", seed, inv));
                match std::fs::write(&path, &file) {
                    Ok(()) => r.file = Some(path.display().to_string()),
                    Err(e) => eprintln!("explore: cannot write {}: {}", path.display(), e),
                }
            }
            results.push(r);
        }

        let ok = match args.bug {
            Some(_) => !results.is_empty(),
            None => results.is_empty(),
        };
        let rate = seeds_run as f64 / elapsed.max(1e-9);
        let sim_s = simulated_ms.load(Ordering::Relaxed) / 1000;
        if args.json {
            let violations: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "seed": r.seed, "invariant": r.invariant, "message": r.message,
                        "file": r.file, "lines": r.lines.0, "minimized_lines": r.file.as_ref().map(|_| r.lines.1),
                    })
                })
                .collect();
            let summary = serde_json::json!({
                "seeds": seeds_run, "first": args.first, "jobs": jobs,
                "nodes": [args.nodes.0, args.nodes.1], "bug": args.bug,
                "elapsed_s": elapsed, "seeds_per_s": rate, "simulated_s": sim_s,
                "violations_by_invariant": by_invariant, "violations": violations,
                "found": args.bug.map(|_| !results.is_empty()), "ok": ok,
            });
            let _ =
                writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&summary).unwrap_or_default());
        }
        let out = &mut std::io::stderr().lock();
        let _ = writeln!(
            out,
            "explore: {} seeds in {:.1} s ({:.1} seeds/s, {} simulated s)",
            seeds_run, elapsed, rate, sim_s
        );
        if let Some(bug) = args.bug {
            match results.first() {
                Some(r) => {
                    let _ = writeln!(
                        out,
                        "explore: bug {} found at seed {} ({} seeds): {}",
                        bug,
                        r.seed,
                        r.seed - args.first + 1,
                        r.invariant
                    );
                }
                None => {
                    let _ = writeln!(out, "explore: bug {} NOT found in {} seeds", bug, seeds_run);
                }
            }
        } else {
            let _ = writeln!(out, "explore: {} violation(s)", results.len());
        }
        for (inv, n) in &by_invariant {
            let _ = writeln!(out, "  {:<24} {}", inv, n);
        }
        for r in &results {
            if let Some(f) = &r.file {
                let _ =
                    writeln!(out, "  seed {}: {} -> {} ({} -> {} lines)", r.seed, r.invariant, f, r.lines.0, r.lines.1);
            }
        }
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}
