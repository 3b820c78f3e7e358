//! Not a test: how fast the simulator runs. `cargo bench -p raft-sim`.
//! Prints simulated-seconds per wall-second for a 5-node and a 15-node
//! cluster under steady client load (a put every 100 ms, a get every 300 ms),
//! and the peak heap of long runs with and without log compaction.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Counts live and peak heap bytes, so the bench can report memory figures.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
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

/// Peak heap (MiB) while running `text`, measured from the current live size.
fn peak_mib(text: &str) -> f64 {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let runner = run_text(text).expect("valid scenario");
    assert!(runner.ok(), "the load scenario must pass");
    drop(runner);
    (PEAK.load(Relaxed) - base) as f64 / (1024.0 * 1024.0)
}

use raft_sim::run_text;

fn load_scenario(nodes: u32, seconds: u64) -> String {
    let mut s = format!("cluster {}\nseed 7\nawait leader any within 3s\n", nodes);
    for i in 0..seconds * 10 {
        s.push_str(&format!("put k{} v{}\n", i % 10, i));
        if i % 3 == 0 {
            s.push_str(&format!("get k{}\n", i % 10));
        }
        s.push_str("run 100ms\n");
    }
    s
}

fn main() {
    for (nodes, seconds) in [(5u32, 60u64), (15, 60)] {
        let text = load_scenario(nodes, seconds);
        let mut times = Vec::new();
        let mut events = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let runner = run_text(&text).expect("valid scenario");
            times.push(start.elapsed().as_secs_f64());
            assert!(runner.ok(), "the load scenario must pass");
            events = runner.world.trace.count;
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let median = times[times.len() / 2];
        println!(
            "{:2} nodes, {} s simulated with client load: median {:.3} s wall ({:.0}x real time), {} trace events",
            nodes,
            seconds,
            median,
            seconds as f64 / median,
            events
        );
    }

    // Memory: the servers' logs are bounded by compaction; what still grows
    // with the run is the client history (kept for the linearizability check)
    // and the checker's record of committed entries.
    for seconds in [60u64, 300] {
        let plain = load_scenario(5, seconds);
        let compacting = plain.replacen("seed 7\n", "seed 7\nset snapshot-threshold 50\n", 1);
        println!(
            " 5 nodes, {:3} s simulated: peak heap {:.1} MiB without compaction, {:.1} MiB with snapshot-threshold 50",
            seconds,
            peak_mib(&plain),
            peak_mib(&compacting)
        );
    }
}
