//! The explorer: random scenarios, swarm-style, and a shrinker for the ones
//! that break an invariant.
//!
//! Every case is *scenario-language text*, so whatever the explorer finds is
//! an ordinary `.raft` file that `raft-sim run FILE` (or the page's
//! `?scenario=`) replays exactly. Generation is a pure function of
//! (seed, [`Options`]).
//!
//! **Swarm testing** (Groce et al., ISSTA 2012): instead of mixing every
//! fault into every case, each seed first switches a random subset of fault
//! kinds on ([`Swarm`]). A case without crashes explores long partitions more
//! deeply; a case with only crashes and small batches reaches Figure 8. The
//! union of many narrow cases covers more than many wide ones.
//!
//! Some faults are *placed* rather than scattered, because the interesting
//! moment is short: right after a `reconfigure` the generator may split C_new
//! from C_old with a partition or crash C_old's members (joint consensus is
//! only in flight for a few round trips), and it may crash the leader just
//! after a write so that entries of an old term are left on a minority
//! (Figure 8).
//!
//! [`minimize`] shrinks a failing case while the same invariant still fires:
//! delta debugging over the command lines (Zeller's ddmin, simplified to
//! complements), then back-to-back `run`s merged and `run` durations halved.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use crate::rng::Rng;
use crate::scenario::parse::parse_script;
use crate::{Runner, World};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Cluster sizes are drawn uniformly from `nodes.0..=nodes.1` (1..=15).
    pub nodes: (u64, u64),
    /// A deliberate bug of raft-core to switch on (`set bug NAME on`).
    pub bug: Option<&'static str>,
    /// Give the servers slow disks (`set disk-latency`, `set group-commit`,
    /// drawn from a stream of their own so that the rest of each seed's case
    /// stays what it is without).
    pub disk: bool,
    /// Mix etcd operations in (issue 11): deletes, ranges, txns, leases with
    /// keep-alives that stop, watches — drawn from a stream of their own, so
    /// the rest of each seed's case stays what it is without.
    pub etcd: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { nodes: (1, 7), bug: None, disk: false, etcd: false }
    }
}

/// The fault kinds one seed enables: each is on with probability ½.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swarm {
    pub crashes: bool,
    pub restarts: bool,
    pub partitions: bool,
    pub cuts: bool,
    pub loss: bool,
    pub duplication: bool,
    /// `add` / `remove` (single-server changes).
    pub membership: bool,
    /// `reconfigure` (joint consensus).
    pub reconfigure: bool,
    pub transfers: bool,
    pub timeouts: bool,
    /// `set snapshot-threshold`.
    pub snapshots: bool,
    /// `get` in any read mode, including `lease` (which trusts clocks).
    pub reads: bool,
    /// `put`.
    pub load: bool,
}

/// One generated case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub seed: u64,
    pub text: String,
    /// The 1-based line where the final section starts (heal everything,
    /// restart everyone; a leader must be elected and a write commit).
    pub final_line: u32,
    pub swarm: Swarm,
}

/// The comment that opens the final section of a generated case.
pub const FINAL_MARK: &str = "# final: heal everything; a leader must be elected and a write commit";

/// The name under which a failure of the final section is reported.
pub const LIVENESS: &str = "liveness";

struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.range(0, xs.len() as u64 - 1) as usize]
    }
    fn chance(&mut self, percent: f64) -> bool {
        self.rng.chance(percent)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.range(lo, hi)
    }
    fn shuffle(&mut self, ids: &mut [u64]) {
        for k in (1..ids.len()).rev() {
            let j = self.range(0, k as u64) as usize;
            ids.swap(k, j);
        }
    }
}

fn names(v: &[u64]) -> String {
    v.iter().map(|x| format!("n{}", x)).collect::<Vec<_>>().join(" ")
}

/// The scenario for `seed`: a pure function of (seed, options).
pub fn generate(seed: u64, opts: &Options) -> Case {
    let mut g = Gen { rng: Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xABCD) };
    let mut sw = Swarm {
        crashes: g.chance(50.0),
        restarts: g.chance(50.0),
        partitions: g.chance(50.0),
        cuts: g.chance(50.0),
        loss: g.chance(50.0),
        duplication: g.chance(50.0),
        membership: g.chance(50.0),
        reconfigure: g.chance(50.0),
        transfers: g.chance(50.0),
        timeouts: g.chance(50.0),
        snapshots: g.chance(50.0),
        reads: g.chance(50.0),
        load: g.chance(50.0),
    };
    if !sw.reads && !sw.load {
        sw.load = true;
    }
    let (lo, hi) = (opts.nodes.0.clamp(1, crate::MAX_NODES), opts.nodes.1.clamp(1, crate::MAX_NODES));
    let n = g.range(lo.min(hi), hi.max(lo));
    // Membership changes draw ids from 1..=top.
    let top = (n + 2).clamp(7, crate::MAX_NODES);

    let mut s = String::new();
    let _ = writeln!(s, "# raft-sim explore: seed {}", seed);
    let _ = writeln!(s, "cluster {}", n);
    let _ = writeln!(s, "seed {}", seed);
    if let Some(bug) = opts.bug {
        let _ = writeln!(s, "set bug {} on", bug);
    }
    if g.chance(50.0) {
        let _ = writeln!(s, "set prevote on");
    }
    if g.chance(30.0) {
        let _ = writeln!(s, "set check-quorum on");
    }
    if sw.snapshots {
        let _ = writeln!(s, "set snapshot-threshold {}", g.range(3, 20));
    }
    let mode = if sw.reads { g.pick(&["log", "read-index", "lease"]) } else { "read-index" };
    let _ = writeln!(s, "set read-mode {}", mode);
    // Small AppendEntries batches make more interleavings reachable (e.g.
    // an old-term entry on a majority before the new leader's no-op).
    let _ = writeln!(s, "set max-entries {}", g.pick(&[1u64, 1, 2, 64]));
    let _ = writeln!(s, "set latency {}ms..{}ms", g.range(1, 10), g.range(10, 40));
    if opts.disk {
        let mut d = Gen { rng: Rng::new(seed.wrapping_mul(0xD15C_F00D) ^ 0x5EED) };
        let lo = d.range(0, 10);
        let _ = writeln!(s, "set disk-latency {}ms..{}ms", lo, lo + d.range(0, 20));
        let _ = writeln!(s, "set group-commit {}", if d.chance(50.0) { "on" } else { "off" });
    }

    let mut etcd = opts.etcd.then(|| EtcdGen::new(seed));

    // What the parser knows statically: nodes that exist, the voter set.
    let mut exists: BTreeSet<u64> = (1..=n).collect();
    let mut members: BTreeSet<u64> = (1..=n).collect();
    let mut down: BTreeSet<u64> = BTreeSet::new();
    let steps = g.range(15, 40);
    for i in 0..steps {
        let all: Vec<u64> = exists.iter().copied().collect();
        let up: Vec<u64> = all.iter().copied().filter(|x| !down.contains(x)).collect();
        // Weighted choice among the enabled kinds.
        let menu: [(bool, u64); 17] = [
            (sw.load, 25),
            (sw.reads, 12),
            (sw.crashes && !up.is_empty(), 10),
            (sw.restarts && !down.is_empty(), 10),
            (sw.partitions, 7),
            (sw.partitions, 7),
            (sw.cuts, 3),
            (sw.loss, 4),
            (sw.duplication, 3),
            (sw.timeouts && !up.is_empty(), 4),
            (sw.transfers, 3),
            (sw.membership, 4),
            (sw.reconfigure, 3),
            // Figure 8's shape: a write, a short run, the leader crashes.
            (sw.crashes && sw.load, 4),
            (sw.cuts, 1),
            // A leader cut off from everyone, still believing it leads.
            ((sw.cuts || sw.partitions) && all.len() > 2, 2),
            // Figure 8: an old-term entry left on a minority, then leaders churn.
            (sw.crashes && sw.restarts && up.len() >= 5, 4),
        ];
        let total: u64 = menu.iter().filter(|(on, _)| *on).map(|(_, w)| *w).sum();
        let mut roll = g.range(0, total.max(1) - 1);
        let mut choice = usize::MAX;
        for (k, (on, w)) in menu.iter().enumerate() {
            if !*on {
                continue;
            }
            if roll < *w {
                choice = k;
                break;
            }
            roll -= *w;
        }
        match choice {
            0 => {
                let _ = writeln!(s, "put k{} v{}", g.range(0, 4), i);
            }
            1 => {
                let _ = writeln!(s, "get k{}", g.range(0, 4));
            }
            2 => {
                let x = g.pick(&up);
                down.insert(x);
                let _ = writeln!(s, "crash n{}", x);
            }
            3 => {
                let ds: Vec<u64> = down.iter().copied().collect();
                let x = g.pick(&ds);
                down.remove(&x);
                let _ = writeln!(s, "restart n{}", x);
            }
            4 if all.len() > 1 => {
                let mut ids = all.clone();
                g.shuffle(&mut ids);
                let cut = g.range(1, ids.len() as u64 - 1) as usize;
                let (a, b) = ids.split_at(cut);
                let _ = writeln!(s, "partition {} | {}", names(a), names(b));
            }
            5 => {
                let _ = writeln!(s, "heal");
            }
            6 | 14 if all.len() > 1 => {
                let a = g.pick(&all);
                let b = g.pick(&all);
                if a != b {
                    let verb = if choice == 14 { "uncut" } else { "cut" };
                    let _ = writeln!(s, "{} n{} {} n{}", verb, a, g.pick(&["->", "<->"]), b);
                }
            }
            7 => {
                let _ = writeln!(s, "set loss {}%", g.pick(&[0, 0, 5, 10, 20, 30]));
            }
            8 => {
                let _ = writeln!(s, "set duplicate {}%", g.pick(&[0, 5, 10, 20]));
            }
            9 => {
                let _ = writeln!(s, "timeout n{}", g.pick(&up));
            }
            10 => {
                let _ = writeln!(s, "transfer n{}", g.pick(&all));
            }
            11 => {
                if g.chance(50.0) {
                    let candidates: Vec<u64> = (1..=top).filter(|x| !members.contains(x)).collect();
                    if !candidates.is_empty() {
                        let x = g.pick(&candidates);
                        members.insert(x);
                        exists.insert(x);
                        let _ = writeln!(s, "add n{}", x);
                    }
                } else if members.len() > 1 {
                    let ms: Vec<u64> = members.iter().copied().collect();
                    let x = g.pick(&ms);
                    members.remove(&x);
                    let _ = writeln!(s, "remove n{}", x);
                }
            }
            12 => {
                let old: Vec<u64> = members.iter().copied().collect();
                let mut set: Vec<u64> = (1..=top).filter(|_| g.chance(50.0)).collect();
                if set.is_empty() {
                    set.push(g.pick(&old));
                }
                for x in &set {
                    exists.insert(*x);
                }
                members = set.iter().copied().collect();
                let _ = writeln!(s, "reconfigure {}", names(&set));
                // Joint consensus is in flight for a few round trips: place a
                // fault there. Either split C_new from the rest (the servers
                // that learn C_new first against those still on C_old), or
                // crash C_old's members that are not in C_new.
                let gone: Vec<u64> = old.iter().copied().filter(|x| !members.contains(x)).collect();
                let placed = g.range(0, 2);
                if placed == 0 && sw.partitions {
                    let _ = writeln!(s, "run {}ms", g.pick(&[20, 50, 100, 150, 250]));
                    let rest: Vec<u64> = exists.iter().copied().filter(|x| !members.contains(x)).collect();
                    if !rest.is_empty() {
                        let _ = writeln!(s, "partition {} | {}", names(&set), names(&rest));
                    }
                } else if placed == 1 && sw.crashes && !gone.is_empty() {
                    let _ = writeln!(s, "run {}ms", g.pick(&[20, 50, 100, 150, 250]));
                    for x in gone {
                        if down.insert(x) {
                            let _ = writeln!(s, "crash n{}", x);
                        }
                    }
                }
            }
            13 => {
                let _ = writeln!(s, "put k{} v{}", g.range(0, 4), i);
                let _ = writeln!(s, "run {}ms", g.pick(&[1, 3, 5, 10, 20]));
                let _ = writeln!(s, "crash leader");
                // `crash leader` resolves at run time; the static record of
                // who is down cannot know whom, so the final section
                // restarts every node.
            }
            15 => {
                // Cut off from the servers but not from clients: the rest
                // elect a new leader and take a write, then a client that
                // still knows the old leader reads.
                for x in &all {
                    let _ = writeln!(s, "cut leader <-> n{}", x);
                }
                let k = g.range(0, 4);
                let _ = writeln!(s, "run {}ms", g.pick(&[300, 500, 800]));
                let _ = writeln!(s, "put k{} v{}", k, i);
                let _ = writeln!(s, "run {}ms", g.pick(&[50, 100, 200]));
                let _ = writeln!(s, "get k{}", k);
            }
            16 => {
                // The paper's Figure 8 as a shape, not a script: A leads and
                // writes with only B reachable; both crash; C wins an
                // election and crashes before its no-op spreads; A and B
                // return, one of them leads and re-replicates the old entry
                // (one entry per message makes it reach a majority before the
                // new term's no-op); they crash again; C returns.
                let mut ids = up.clone();
                g.shuffle(&mut ids);
                let (a, b, c) = (ids[0], ids[1], ids[2]);
                let rest: Vec<u64> = all.iter().copied().filter(|x| *x != a && *x != b).collect();
                let _ = writeln!(s, "timeout n{}", a);
                let _ = writeln!(s, "await leader n{} within 1s", a);
                let _ = writeln!(s, "partition n{} n{} | {}", a, b, names(&rest));
                let _ = writeln!(s, "propose n{} k{} v{}", a, g.range(0, 4), i);
                let _ = writeln!(s, "run {}ms", g.pick(&[20, 50, 100]));
                let _ = writeln!(s, "crash n{}\ncrash n{}\nheal", a, b);
                let _ = writeln!(s, "timeout n{}", c);
                let _ = writeln!(s, "await leader n{} within 1s", c);
                let _ = writeln!(s, "crash n{}\nrestart n{}\nrestart n{}", c, a, b);
                let _ = writeln!(s, "await leader any within 2s");
                let _ = writeln!(s, "run {}ms", g.pick(&[2, 5, 10, 20, 40, 80]));
                let _ = writeln!(s, "crash n{}\ncrash n{}\nrestart n{}", a, b, c);
                down.insert(a);
                down.insert(b);
            }
            _ => {}
        }
        if let Some(e) = etcd.as_mut() {
            e.step(&mut s, i);
        }
        let _ = writeln!(s, "run {}ms", g.pick(&[5, 20, 50, 100, 200, 400]));
    }

    // The final section: a good network, everyone up; progress must resume.
    let _ = writeln!(s, "{}", FINAL_MARK);
    let final_line = s.lines().count() as u32;
    let _ = writeln!(s, "heal");
    let _ = writeln!(s, "set loss 0%");
    let _ = writeln!(s, "set duplicate 0%");
    for x in &exists {
        let _ = writeln!(s, "restart n{}", x);
    }
    let _ = writeln!(s, "await leader any within 10s");
    let _ = writeln!(s, "run 500ms");
    let _ = writeln!(s, "put final {}", seed);
    let _ = writeln!(s, "await kv leader final = {} within 10s", seed);
    Case { seed, text: s, final_line, swarm: sw }
}

/// The etcd operations of a case (`Options::etcd`), with what the parser and
/// runner need to know statically: which keep-alives and watches run.
struct EtcdGen {
    g: Gen,
    keepalive: [bool; 3],
    watching: [bool; 2],
}

impl EtcdGen {
    fn new(seed: u64) -> EtcdGen {
        EtcdGen {
            g: Gen { rng: Rng::new(seed.wrapping_mul(0xE7CD_0011) ^ 0x1EA5E) },
            keepalive: [false; 3],
            watching: [false; 2],
        }
    }

    /// Maybe one etcd line after step `i`.
    fn step(&mut self, s: &mut String, i: u64) {
        let g = &mut self.g;
        if !g.chance(60.0) {
            return;
        }
        let k = g.range(0, 4);
        let l = g.range(0, 2) as usize;
        match g.range(0, 9) {
            0 => {
                let _ = writeln!(s, "delete k{k}");
            }
            1 => {
                let _ = writeln!(s, "range k");
            }
            2 => {
                let cmp = match g.range(0, 2) {
                    0 => format!("k{k} absent"),
                    1 => format!("k{k} = v{}", g.range(0, i.max(1))),
                    _ => format!("k{k} mod = {}", g.range(0, 20)),
                };
                let then = if g.chance(70.0) { format!("put k{k} t{i}") } else { format!("delete k{k}") };
                let other = format!("put k{} e{i}", g.range(0, 4));
                if g.chance(50.0) {
                    let _ = writeln!(s, "txn if {cmp} then {then} else {other}");
                } else {
                    let _ = writeln!(s, "txn if {cmp} then {then}");
                }
            }
            3 => {
                let _ = writeln!(s, "lease grant l{l} {}ms", g.pick(&[300, 800, 1500]));
            }
            4 => {
                let _ = writeln!(s, "put k{k} v{i} lease l{l}");
            }
            5 if !self.keepalive[l] => {
                self.keepalive[l] = true;
                let _ = writeln!(s, "lease keepalive l{l} every {}ms", g.pick(&[100, 200, 400]));
            }
            5 | 6 if self.keepalive[l] => {
                self.keepalive[l] = false;
                let _ = writeln!(s, "lease stop l{l}");
            }
            7 => {
                let _ = writeln!(s, "lease revoke l{l}");
            }
            _ => {
                let w = (k % 2) as usize;
                if self.watching[w] {
                    let _ = writeln!(s, "watch w{w} stop");
                } else {
                    let _ = writeln!(s, "watch w{w} k");
                }
                self.watching[w] = !self.watching[w];
            }
        }
    }
}

/// What one run of a case showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Invariants that fired, in order, with their messages; then
    /// [`LIVENESS`] if the final section failed.
    pub violations: Vec<(String, String)>,
    pub simulated_ms: u64,
}

impl Outcome {
    /// The first invariant that fired (liveness last).
    pub fn first(&self) -> Option<&str> {
        self.violations.first().map(|(i, _)| i.as_str())
    }
    pub fn fired(&self, invariant: &str) -> bool {
        self.violations.iter().any(|(i, _)| i == invariant)
    }
}

/// Run scenario text exactly as `raft-sim run` does. `stop_at`: stop as
/// soon as this invariant has fired (the shrinker's shortcut; the run up to
/// that point is the same). `None` if the text does not parse.
pub fn run_case(text: &str, stop_at: Option<&str>) -> Option<Outcome> {
    let script = parse_script(text).ok()?;
    let final_line = text.lines().position(|l| l.trim() == FINAL_MARK).map(|p| p as u32 + 1);
    let mut runner = Runner::from_world(World::new(&script.setup));
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
        if let Some(inv) = stop_at {
            if runner.world.checker.violations.iter().any(|v| v.invariant == inv) {
                break;
            }
        }
    }
    runner.finish();
    let mut violations: Vec<(String, String)> =
        runner.world.checker.violations.iter().map(|v| (v.invariant.clone(), v.message.clone())).collect();
    if let Some(fl) = final_line {
        if let Some(f) = runner.failures.iter().find(|f| f.line > fl) {
            violations.push((LIVENESS.to_string(), format!("line {}: {}", f.line, f.message)));
        }
    }
    Some(Outcome { violations, simulated_ms: runner.world.now })
}

/// Shrink `text` while `invariant` still fires. Lines before the first
/// command (`cluster`, `seed`, `set bug`, comments) are kept; so is the final
/// section when the invariant is [`LIVENESS`] (it *is* the check). Returns
/// the smallest text found and the number of runs it took.
pub fn minimize(text: &str, invariant: &str, max_runs: u32) -> (String, u32) {
    let lines: Vec<&str> = text.lines().collect();
    let is_fixed = |l: &str| {
        let t = l.trim();
        t.is_empty()
            || t.starts_with('#')
            || t.starts_with("cluster ")
            || t.starts_with("seed ")
            || t.starts_with("set bug ")
    };
    let final_at = lines.iter().position(|l| l.trim() == FINAL_MARK).unwrap_or(lines.len());
    let keep_final = invariant == LIVENESS;
    let mut head: Vec<String> = Vec::new();
    let mut body: Vec<String> = Vec::new();
    let mut tail: Vec<String> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if keep_final && k >= final_at {
            tail.push(l.to_string());
        } else if is_fixed(l) && body.is_empty() {
            head.push(l.to_string());
        } else if !l.trim().starts_with('#') {
            body.push(l.to_string());
        }
    }
    let join = |body: &[String]| {
        let mut t = String::new();
        for l in head.iter().chain(body.iter()).chain(tail.iter()) {
            t.push_str(l);
            t.push('\n');
        }
        t
    };
    let mut runs = 0u32;
    let fails = |body: &[String], runs: &mut u32| -> bool {
        *runs += 1;
        run_case(&join(body), if keep_final { None } else { Some(invariant) }).is_some_and(|o| o.fired(invariant))
    };

    // ddmin over complements: try removing chunks of size len/n, refining.
    let mut chunks = 2usize;
    while body.len() >= 2 && runs < max_runs {
        let size = body.len().div_ceil(chunks);
        let mut removed = false;
        let mut start = 0;
        while start < body.len() && runs < max_runs {
            let end = (start + size).min(body.len());
            let candidate: Vec<String> = body[..start].iter().chain(body[end..].iter()).cloned().collect();
            if !candidate.is_empty() && fails(&candidate, &mut runs) {
                body = candidate;
                removed = true;
            } else {
                start = end;
            }
        }
        if removed {
            chunks = (chunks - 1).max(2);
        } else if size == 1 {
            break;
        } else {
            chunks = (chunks * 2).min(body.len());
        }
    }
    // Merge back-to-back `run`s (`run 5ms` + `run 20ms` is `run 25ms`).
    let run_ms =
        |l: &str| l.strip_prefix("run ").and_then(|d| d.strip_suffix("ms")).and_then(|d| d.parse::<u64>().ok());
    let mut k = 0;
    while k + 1 < body.len() && runs < max_runs {
        if let (Some(a), Some(b)) = (run_ms(&body[k]), run_ms(&body[k + 1])) {
            let mut candidate = body.clone();
            candidate[k] = format!("run {}ms", a + b);
            candidate.remove(k + 1);
            if fails(&candidate, &mut runs) {
                body = candidate;
                continue;
            }
        }
        k += 1;
    }
    // Then shorter waits: halve each `run Nms` while it still fails.
    for k in 0..body.len() {
        while runs < max_runs {
            let Some(ms) = run_ms(&body[k]) else {
                break;
            };
            if ms <= 1 {
                break;
            }
            let mut candidate = body.clone();
            candidate[k] = format!("run {}ms", ms / 2);
            if fails(&candidate, &mut runs) {
                body = candidate;
            } else {
                break;
            }
        }
    }
    (join(&body), runs)
}
