//! Not a test: how costs grow with the length of the run (issue 9).
//! `cargo bench -p raft-sim --bench history [-- --minutes 60 --quick]`
//!
//! Prints, natively (the same code the wasm runs, without the JS boundary):
//! - the cost of one `state()` (the view model built and written as the JSON
//!   the page parses) and of one `clone()` (a time-travel checkpoint) after
//!   0 / 1,000 / 5,000 puts, with 5 and 15 servers;
//! - the live heap after N simulated minutes idle and at 10 client ops/s, with
//!   the trace kept for a viewer that takes events every frame (the page) and
//!   for one that never does;
//! - the real-time factor of the whole simulator (every invariant on, the
//!   linearizability check at the end) at 1,000 puts/s.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use raft_sim::scenario::ast::Setup;
use raft_sim::Runner;

/// Counts live heap bytes, so the bench can report memory figures.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}
#[global_allocator]
static ALLOC: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A cluster of `nodes` with a leader (the default settings otherwise).
fn cluster(nodes: u32, keep_events: bool) -> Runner {
    let setup = Setup { cluster: nodes, seed: 7, ..Setup::default() };
    let mut r = Runner::new(&setup);
    r.keep_events(keep_events);
    r.advance(2_000);
    r
}

/// `puts` client writes over 10 keys, one every `every_ms`, then 2 s to settle.
/// `take_every`: take the trace events every that many ms (a page), or never.
fn drive(r: &mut Runner, ops: u64, every_ms: u64, take_every: Option<u64>) {
    let mut since_take = 0;
    for i in 0..ops {
        r.world.client_put(&format!("k{}", i % 10), &format!("v{i}"));
        for _ in 0..every_ms {
            r.advance(1);
            since_take += 1;
            if take_every.is_some_and(|t| since_take >= t) {
                r.take_events();
                since_take = 0;
            }
        }
    }
    r.advance(2_000);
    r.take_events();
}

/// Median wall time (ms) of `f` over `n` calls.
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[n / 2]
}

fn state_and_clone(quick: bool) {
    println!("state() = the page's view model + JSON text; frame = a put, 16 ms simulated, state();");
    println!("clone() = checkpoint (medians of several calls)");
    println!(
        "{:>7} {:>6} {:>12} {:>10} {:>10} {:>12}",
        "servers", "puts", "state() ms", "JSON KB", "frame ms", "clone() ms"
    );
    for nodes in [5u32, 15] {
        let mut r = cluster(nodes, true);
        let mut done = 0;
        let steps: &[u64] = if quick { &[0, 1_000] } else { &[0, 1_000, 5_000] };
        for &puts in steps {
            drive(&mut r, puts - done, 10, Some(16));
            done = puts;
            let mut bytes = 0;
            let state = median_ms(9, || {
                let view = r.page_view();
                bytes = raft_sim::json::to_json(&view).len();
            });
            let clone = median_ms(9, || {
                std::hint::black_box(r.clone());
            });
            let mut frame_runner = r.clone();
            let frame = median_ms(9, || {
                frame_runner.world.client_put("k0", "frame");
                frame_runner.advance(16);
                frame_runner.take_events();
                let view = frame_runner.page_view();
                std::hint::black_box(raft_sim::json::to_json(&view));
            });
            println!("{nodes:>7} {puts:>6} {state:>12.3} {:>10.1} {frame:>10.3} {clone:>12.3}", bytes as f64 / 1024.0);
        }
    }
}

/// What one checkpoint copies, part by part (5 servers after 5,000 puts).
fn clone_breakdown(nodes: u32, puts: u64) {
    let mut r = cluster(nodes, true);
    drive(&mut r, puts, 10, Some(16));
    let w = &r.world;
    let part = |name: &str, ms: f64| println!("  {name:<26} {ms:>8.3} ms");
    println!("clone() by part, {nodes} servers after {puts} puts (medians):");
    part(
        "whole world",
        median_ms(15, || {
            std::hint::black_box(w.clone());
        }),
    );
    part(
        "raft-core nodes (raw)",
        median_ms(15, || {
            for n in w.nodes.values() {
                std::hint::black_box(n.raw.clone());
            }
        }),
    );
    part(
        "persisted storage",
        median_ms(15, || {
            for n in w.nodes.values() {
                std::hint::black_box(n.storage.clone());
            }
        }),
    );
    part(
        "kv state machines",
        median_ms(15, || {
            for n in w.nodes.values() {
                std::hint::black_box(n.kv.clone());
            }
        }),
    );
    part(
        "nodes map",
        median_ms(15, || {
            std::hint::black_box(w.nodes.clone());
        }),
    );
    part(
        "setup",
        median_ms(15, || {
            std::hint::black_box(w.setup.clone());
        }),
    );
    part("whole world, drop untimed", {
        let mut keep = Vec::new();
        let ms = median_ms(15, || keep.push(std::hint::black_box(w.clone())));
        drop(keep);
        ms
    });
    part(
        "network",
        median_ms(15, || {
            std::hint::black_box(w.network.clone());
        }),
    );
    part(
        "clients",
        median_ms(15, || {
            std::hint::black_box(w.clients.clone());
        }),
    );
    part(
        "trace",
        median_ms(15, || {
            std::hint::black_box(w.trace.clone());
        }),
    );
    part(
        "checker",
        median_ms(15, || {
            std::hint::black_box(w.checker.clone());
        }),
    );
    let bytes = |f: &dyn Fn() -> Box<dyn std::any::Any>| {
        let before = LIVE.load(Relaxed);
        let kept = f();
        let grown = LIVE.load(Relaxed).saturating_sub(before);
        drop(kept);
        grown as f64 / 1024.0
    };
    println!("  heap one checkpoint holds: world {:.0} KiB (trace {:.0}, clients {:.0}, checker {:.0}, nodes {:.0}, network {:.0})",
        bytes(&|| Box::new(w.clone())), bytes(&|| Box::new(w.trace.clone())), bytes(&|| Box::new(w.clients.clone())),
        bytes(&|| Box::new(w.checker.clone())), bytes(&|| Box::new(w.nodes.clone())), bytes(&|| Box::new(w.network.clone())));
    let n1 = &w.nodes[&1];
    println!(
        "  (n1: {} log entries in memory, {} persisted, {} kv sessions)",
        n1.raw.as_ref().map_or(0, |r| r.entries().len()),
        n1.storage.entries.len(),
        n1.kv.sessions.len()
    );
}

/// Heap a time-travel history holds: a checkpoint every simulated second
/// through a loaded run (100 puts/s, 5 servers), as the page could keep.
fn checkpoint_series(seconds: u64) {
    let base = LIVE.load(Relaxed);
    let mut r = cluster(5, true);
    let mut kept = Vec::new();
    let mut i = 0;
    for _ in 0..seconds {
        kept.push(r.clone());
        for _ in 0..100 {
            r.world.client_put(&format!("k{}", i % 10), &format!("v{i}"));
            i += 1;
            for _ in 0..10 {
                r.advance(1);
            }
            if i % 2 == 0 {
                r.take_events();
            }
        }
    }
    let live = mib(LIVE.load(Relaxed).saturating_sub(base));
    drop(kept);
    let without = mib(LIVE.load(Relaxed).saturating_sub(base));
    println!(
        "{seconds} checkpoints, one per simulated second at 100 puts/s: {live:.1} MiB with them, {without:.1} MiB without: {:.0} KiB per checkpoint",
        (live - without) * 1024.0 / seconds as f64
    );
}

fn memory(minutes: &[u64]) {
    println!("live heap of one 5-server simulation (MiB) after N simulated minutes");
    println!("{:>28} {}", "", minutes.iter().map(|m| format!("{m:>8} min")).collect::<String>());
    for (label, every_ms, take) in [
        ("idle, page takes events", 0u64, Some(16u64)),
        ("idle, events never taken", 0, None),
        ("10 ops/s, page takes events", 100, Some(16)),
    ] {
        let base = LIVE.load(Relaxed);
        let mut r = cluster(5, true);
        let mut line = format!("{label:>28}");
        let mut now_min = 0;
        let t0 = Instant::now();
        for &m in minutes {
            let ms = (m - now_min) * 60_000;
            // every_ms == 0: no load, just time passing.
            if let Some(rounds) = ms.checked_div(every_ms) {
                drive(&mut r, rounds, every_ms, take);
            } else {
                let mut left = ms;
                while left > 0 {
                    let step = left.min(take.unwrap_or(left));
                    r.advance(step);
                    left -= step;
                    if take.is_some() {
                        r.take_events();
                    }
                }
            }
            r.view();
            now_min = m;
            line.push_str(&format!("{:>12.1}", mib(LIVE.load(Relaxed).saturating_sub(base))));
        }
        let clone = median_ms(5, || {
            std::hint::black_box(r.clone());
        });
        println!("{line}   (clone() then {clone:.2} ms; {:.0} s wall)", t0.elapsed().as_secs_f64());
    }
}

fn real_time_factor(seconds: &[u64]) {
    println!("whole simulator, 5 servers, 1,000 puts/s (one per ms, 10 keys), every check on:");
    for &s in seconds {
        let mut r = cluster(5, false);
        let t0 = Instant::now();
        for i in 0..s * 1000 {
            r.world.client_put(&format!("k{}", i % 10), &format!("v{i}"));
            r.advance(1);
        }
        r.finish();
        let wall = t0.elapsed().as_secs_f64();
        println!("  {s:>3} s simulated in {wall:.2} s wall: {:.1}x real time; ok = {}", s as f64 / wall, r.ok());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let minutes: Vec<u64> = arg("--minutes")
        .unwrap_or_else(|| if quick { "1,5".into() } else { "10,60".into() })
        .split(',')
        .filter_map(|m| m.parse().ok())
        .collect();
    let only = arg("--only").unwrap_or_else(|| "state,breakdown,series,memory,rtf".into());
    if only.contains("state") {
        state_and_clone(quick);
    }
    if only.contains("breakdown") {
        clone_breakdown(5, if quick { 1_000 } else { 5_000 });
        clone_breakdown(15, if quick { 1_000 } else { 5_000 });
    }
    if only.contains("series") {
        checkpoint_series(if quick { 60 } else { 600 });
    }
    if only.contains("memory") {
        memory(&minutes);
    }
    if only.contains("rtf") {
        real_time_factor(if quick { &[5] } else { &[10, 30] });
    }
}
