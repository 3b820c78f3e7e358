//! wasm-bindgen tests, run in headless Chrome:
//! `wasm-pack test --headless --chrome raft-wasm`.
//!
//! The central one: every `scenarios/*.raft` run through the WebAssembly build
//! gives the same trace hash as the native run that build.rs did at build time.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_test::*;

use raft_wasm::Simulation;

wasm_bindgen_test_configure!(run_in_browser);

// (file name, scenario text, "hash:<hex>" | "error:<line:col: message>") from the native run.
include!(concat!(env!("OUT_DIR"), "/native_hashes.rs"));

fn message(e: JsError) -> String {
    let v: JsValue = e.into();
    js_sys::Error::from(v).message().into()
}

fn json(v: JsValue) -> String {
    js_sys::JSON::stringify(&v).expect("stringify").into()
}

fn new_sim(text: &str) -> Simulation {
    match Simulation::new(text) {
        Ok(s) => s,
        Err(e) => panic!("scenario does not parse: {}", message(e)),
    }
}

#[wasm_bindgen_test]
fn every_scenario_hashes_as_natively() {
    assert!(!NATIVE_RUNS.is_empty(), "no scenarios/*.raft were found at build time");
    let mut mismatches = Vec::new();
    for (name, text, native) in NATIVE_RUNS {
        let wasm = match Simulation::new(text) {
            Ok(mut sim) => {
                // state() runs the end-of-run checks, as the native run_script does.
                let _ = sim.state().expect("state");
                format!("hash:{}", sim.trace_hash())
            }
            Err(e) => format!("error:{}", message(e)),
        };
        if wasm != *native {
            mismatches.push(format!("{name}: native {native}, wasm {wasm}"));
        }
    }
    assert!(mismatches.is_empty(), "wasm differs from native:\n{}", mismatches.join("\n"));
}

#[wasm_bindgen_test]
fn hash_depends_on_the_seed() {
    // Guards the test above against a hash that ignores the run.
    let mut a = new_sim("cluster 3\nseed 1\nrun 1s\n");
    let mut b = new_sim("cluster 3\nseed 2\nrun 1s\n");
    let _ = (a.state(), b.state());
    assert_ne!(a.trace_hash(), b.trace_hash());
}

#[wasm_bindgen_test]
fn constructor_error_carries_line_and_column() {
    let err = match Simulation::new("cluster 3\nfly n1\n") {
        Ok(_) => panic!("an unknown command was accepted"),
        Err(e) => message(e),
    };
    assert!(err.starts_with("2:1: "), "error was: {err}");
}

#[wasm_bindgen_test]
fn exec_error_carries_line_and_column_and_runs_nothing() {
    let mut sim = new_sim("cluster 3\nseed 4\n");
    sim.exec("run 200ms").expect("valid command");
    let before_log = sim.command_log();
    let before_state = json(sim.state().expect("state"));

    let err = match sim.exec("run 100ms\ncrash  n9") {
        Ok(()) => panic!("n9 is not in a 3-node cluster"),
        Err(e) => message(e),
    };
    assert!(err.starts_with("2:8: "), "error was: {err}");
    assert_eq!(sim.time_ms(), 200.0, "the valid first line must not run either");
    assert_eq!(sim.command_log(), before_log, "a rejected batch must not be logged");
    assert_eq!(json(sim.state().expect("state")), before_state);

    let err = match sim.exec("put x") {
        Ok(()) => panic!("put without a value was accepted"),
        Err(e) => message(e),
    };
    assert!(err.starts_with("1:"), "error was: {err}");
}

#[wasm_bindgen_test]
fn random_seeds_are_integers_javascript_holds_exactly() {
    let seeds: Vec<f64> = (0..8).map(|_| raft_wasm::random_seed()).collect();
    for s in &seeds {
        assert!(*s >= 0.0 && *s < 9_007_199_254_740_992.0 && s.fract() == 0.0, "{s}");
    }
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "eight draws, all equal: {seeds:?}");
}

#[wasm_bindgen_test]
fn clone_is_identical_and_independent() {
    let mut sim = new_sim("cluster 3\nseed 7\n");
    sim.advance(500);
    sim.exec("put x 1").expect("put");
    sim.advance(100);
    let mut copy = sim.checkpoint();
    assert_eq!(copy.trace_hash(), sim.trace_hash());
    assert_eq!(copy.command_log(), sim.command_log());
    assert_eq!(json(copy.state().expect("state")), json(sim.state().expect("state")));

    // Changing the original leaves the copy where it was…
    sim.exec("crash n1\ncrash n2\nrun 300ms").expect("commands");
    assert_eq!(copy.time_ms(), 600.0);
    assert_ne!(copy.trace_hash(), sim.trace_hash());

    // …and the copy goes on exactly as an uncloned run would.
    let mut fresh = new_sim("cluster 3\nseed 7\n");
    fresh.advance(500);
    fresh.exec("put x 1").expect("put");
    fresh.advance(100);
    fresh.advance(400);
    copy.advance(400);
    assert_eq!(copy.trace_hash(), fresh.trace_hash());
    assert_eq!(json(copy.state().expect("state")), json(fresh.state().expect("state")));
}

#[wasm_bindgen_test]
fn command_log_coalesces_runs_and_replays() {
    let mut sim = new_sim("cluster 3\nseed 5\n");
    for _ in 0..10 {
        sim.advance(30);
    }
    sim.exec("put k v").expect("put");
    sim.advance(17);
    sim.advance(3);
    let log = sim.command_log();
    assert!(log.ends_with("run 300ms\nput k v\nrun 20ms\n"), "log was:\n{log}");

    let mut replay = new_sim(&log);
    let a: JsValue = sim.state().expect("state");
    let b: JsValue = replay.state().expect("state");
    let nodes = |v: &JsValue| json(js_sys::Reflect::get(v, &"nodes".into()).expect("nodes"));
    assert_eq!(replay.time_ms(), 320.0);
    assert_eq!(nodes(&a), nodes(&b));
    assert_eq!(replay.command_log(), log);
}

#[wasm_bindgen_test]
fn events_are_taken_once_and_carry_time_and_kind() {
    let mut sim = new_sim("cluster 3\nseed 1\n");
    sim.advance(400);
    let events = js_sys::Array::from(&sim.events().expect("events"));
    assert!(events.length() > 0, "400 ms of a 3-node cluster produced no events");
    let first = events.get(0);
    assert!(js_sys::Reflect::get(&first, &"time_ms".into()).expect("time_ms").as_f64().is_some());
    assert!(js_sys::Reflect::get(&first, &"kind".into()).expect("kind").as_string().is_some());
    let again = js_sys::Array::from(&sim.events().expect("events"));
    assert_eq!(again.length(), 0, "events() must return only what is new");
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).expect(key)
}

/// state() carries the newest entries of each log (`log_from ..= last_index`);
/// log_window serves any other range, in the same shape.
#[wasm_bindgen_test]
fn state_carries_the_log_tail_and_log_window_serves_older_entries() {
    let mut script = String::from("cluster 3\nseed 2\nawait leader any within 2s\n");
    for i in 0..150 {
        script.push_str(&format!("put k{} v{}\nrun 5ms\n", i % 5, i));
    }
    script.push_str("run 1s\n");
    let mut sim = new_sim(&script);
    let state = sim.state().expect("state");
    let node = js_sys::Array::from(&get(&state, "nodes")).get(0);
    let id = get(&node, "id").as_f64().expect("id") as u32;
    let last = get(&node, "last_index").as_f64().expect("last_index");
    let from = get(&node, "log_from").as_f64().expect("log_from");
    let log = js_sys::Array::from(&get(&node, "log"));
    assert!(last > 150.0, "every put is in the log");
    assert!(from > 1.0, "a long log is windowed");
    assert_eq!(f64::from(log.length()), last - from + 1.0);
    // The window's first entries, fetched again, are the same objects' JSON.
    let again = sim.log_window(id, from, 3.0).expect("log_window");
    let head = log.slice(0, 3);
    assert_eq!(json(again), json(head.into()));
    // The oldest entries, which state() no longer carries.
    let oldest = js_sys::Array::from(&sim.log_window(id, 1.0, 5.0).expect("log_window"));
    assert_eq!(oldest.length(), 5);
    assert_eq!(get(&oldest.get(0), "index").as_f64(), Some(1.0));
    assert_eq!(get(&oldest.get(0), "command").as_string().as_deref(), Some("noop"));
    let none = js_sys::Array::from(&sim.log_window(99, 1.0, 5.0).expect("log_window"));
    assert_eq!(none.length(), 0, "unknown node: empty");
}

/// frame_state(n) is state() for one animation frame: each log's newest n
/// entries, no client operations (still counted), no in-flight `fields`.
#[wasm_bindgen_test]
fn frame_state_carries_what_a_frame_draws() {
    let mut script = String::from("cluster 3\nseed 2\nset latency 40ms..60ms\nawait leader any within 2s\n");
    for i in 0..60 {
        script.push_str(&format!("put k{} v{}\nrun 5ms\n", i % 5, i));
    }
    let mut sim = new_sim(&script);
    let state = sim.state().expect("state");
    let frame = sim.frame_state(8).expect("frame_state");
    let node = js_sys::Array::from(&get(&frame, "nodes")).get(0);
    let log = js_sys::Array::from(&get(&node, "log"));
    assert_eq!(log.length(), 8);
    let last = get(&node, "last_index").as_f64().expect("last_index");
    assert_eq!(get(&node, "log_from").as_f64(), Some(last - 7.0));
    assert_eq!(js_sys::Array::from(&get(&frame, "history")).length(), 0);
    assert_eq!(get(&frame, "history_total").as_f64(), get(&state, "history_total").as_f64());
    let full = js_sys::Array::from(&get(&state, "in_flight"));
    let lean = js_sys::Array::from(&get(&frame, "in_flight"));
    assert!(full.length() > 0, "messages are in flight mid-load");
    assert_eq!(lean.length(), full.length());
    assert!(!get(&full.get(0), "fields").is_undefined());
    assert!(get(&lean.get(0), "fields").is_undefined());
    assert_eq!(get(&lean.get(0), "id").as_f64(), get(&full.get(0), "id").as_f64());
}
