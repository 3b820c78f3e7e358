//! Not a test: how fast the simulator runs. `cargo bench -p raft-sim`.
//! Prints simulated-seconds per wall-second for a 5-node and a 15-node
//! cluster under steady client load (a put every 100 ms, a get every 300 ms).

use std::time::Instant;

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
}
