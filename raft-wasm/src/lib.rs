//! # raft-wasm
//!
//! The browser binding of raft-sim: one `Simulation` class, nothing else of
//! substance. No Raft logic lives here (or in JavaScript); every decision is
//! made by raft-core inside raft-sim's deterministic world, so the same
//! scenario and seed give the same trace natively and in WebAssembly.
//!
//! JavaScript API (docs/view-model.md describes what `state()` returns):
//!
//! ```js
//! import init, { Simulation } from './pkg/raft_wasm.js';
//! await init();
//! const sim = new Simulation('cluster 5\nseed 3\n'); // throws Error("line:col: message")
//! sim.exec('crash n1\nrun 500ms');                    // throws on a parse error; nothing runs then
//! sim.advance(16);                                    // simulated ms
//! sim.state(); sim.events(); sim.time_ms(); sim.trace_hash();
//! sim.frame_state(40);                                 // state() for one frame: 40 entries per log, no history, no in-flight fields
//! sim.log_window(2, 1, 50);                            // n2's entries 1..=50 (state() holds the newest)
//! sim.metrics(3);                                     // state().metrics with its newest 3 one-second windows
//! sim.sent_messages();                                // [{ id, fields }] sent since the last call (Figure 2 names)
//! sim.command_log();                                  // .raft text that replays this session
//! const checkpoint = sim.clone();                     // an independent identical copy
//! sim.inspect('run 2s\ncrash n1');  // { cluster, commands: [{ line, col, kind, ms }] }, nothing runs
//! inspect_script(text);              // the same for a whole scenario file (setup lines excluded)
//! capture_panics(); take_panic();    // keep panic messages for the page instead of the console
//! ```
//!
//! The command log is kept here, beside the simulation, so that it always
//! matches what actually ran: the starting scenario, then every command that
//! `exec` accepted, with the time advanced by `advance` in between written as
//! coalesced `run Nms` lines.

use std::fmt::Write as _;
use std::sync::Arc;

use wasm_bindgen::prelude::*;

use raft_sim::json::{self, JsonWriter, ToJson};
use raft_sim::scenario::ast::{Command, Located};
use raft_sim::scenario::parse::{parse_line, parse_script, ParseContext};
use raft_sim::scenario::run::Runner;

/// The heap allocator: talc, not the standard library's dlmalloc. The wasm is
/// single-threaded (no `atomics`); talc's code is a few KB smaller, which is
/// what a reader downloads (docs/wasm-size.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Installs the panic hook once, so a Rust panic prints its message to the
/// console (the page shows it in its error overlay) before the wasm traps.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// A fresh random seed for the page's "random seed" button. Only the *choice*
/// of seed is random; the run it starts is a pure function of that seed.
/// Kept below 2^53 so JavaScript numbers hold it exactly. `Math.random()`
/// rather than the getrandom crate: a seed needs no cryptographic quality,
/// and getrandom's JavaScript glue cost the wasm about 2 KB.
#[wasm_bindgen]
pub fn random_seed() -> f64 {
    const TWO_53: f64 = 9_007_199_254_740_992.0;
    (js_sys::Math::random() * TWO_53).floor()
}

/// The largest cluster (and node id) the simulator accepts: `raft_sim::MAX_NODES`,
/// the one place it is written. web/attrs.js mirrors it for code that runs
/// before the wasm has loaded; web/tests/attrs.test.mjs checks the two agree.
#[wasm_bindgen]
pub fn max_nodes() -> u32 {
    raft_sim::MAX_NODES as u32
}

/// The page's metrics window: one simulated second per point of its plots.
const PAGE_METRICS_WINDOW_MS: u64 = 1000;

/// A running simulation plus the command log that replays it.
#[wasm_bindgen]
pub struct Simulation {
    runner: Runner,
    /// The .raft text of everything run so far, except `pending_run_ms`.
    log: CommandLog,
    /// Time advanced by `advance` since the last logged line; written out as
    /// one `run Nms` line before the next command (and shown by `command_log`).
    pending_run_ms: u64,
}

/// The command log's text, in pieces that checkpoints share. Every `clone()`
/// (a time-travel checkpoint) would otherwise copy the whole text, which
/// grows with the session: a page putting every 100 ms writes about 1 MB an
/// hour. A full piece (at least `LOG_PIECE` bytes) never changes again, so it
/// is an `Arc<str>` shared by every copy; a clone copies one pointer per piece
/// and the unfinished last piece.
#[derive(Clone, Default)]
struct CommandLog {
    sealed: Vec<Arc<str>>,
    tail: String,
}

const LOG_PIECE: usize = 4096;

impl CommandLog {
    fn from(text: &str) -> CommandLog {
        let mut log = CommandLog::default();
        let _ = log.write_str(text);
        log
    }

    /// The whole text.
    fn text(&self) -> String {
        let mut text = String::with_capacity(self.sealed.iter().map(|p| p.len()).sum::<usize>() + self.tail.len());
        for piece in &self.sealed {
            text.push_str(piece);
        }
        text.push_str(&self.tail);
        text
    }
}

impl std::fmt::Write for CommandLog {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.tail.push_str(s);
        if self.tail.len() >= LOG_PIECE {
            self.sealed.push(Arc::from(std::mem::take(&mut self.tail)));
        }
        Ok(())
    }
}

/// `line:col: message`, the form every error from this crate takes.
fn parse_error(line: u32, col: u32, message: &str) -> JsError {
    JsError::new(&format!("{line}:{col}: {message}"))
}

fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    // Through JSON rather than serde-wasm-bindgen: the view model holds u64
    // seeds that may exceed 2^53 and maps (kv) that must become plain objects,
    // and JSON.parse gives exactly what `raft-sim --json` prints. The text is
    // raft-sim's own writer's (raft_sim::json: byte for byte what serde_json
    // wrote, with none of serde's code in the wasm).
    js_sys::JSON::parse(&json::to_json(value))
        .map_err(|_| JsError::new("internal error: the view model is not valid JSON"))
}

impl Simulation {
    /// Parse `text` as commands for the running world; all or nothing.
    fn parse_commands(&self, text: &str) -> Result<Vec<Located<Command>>, JsError> {
        let members: Vec<u64> = self.runner.world.nodes.keys().copied().collect();
        let mut ctx = ParseContext::live(members);
        let mut commands = Vec::new();
        for (i, line_text) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            match parse_line(line_text, line_no, &mut ctx) {
                Ok(Some(cmd)) => commands.push(cmd),
                Ok(None) => {}
                Err(e) => return Err(parse_error(e.line, e.col, &e.message)),
            }
        }
        Ok(commands)
    }

    fn flush_pending_run(&mut self) {
        if self.pending_run_ms > 0 {
            let _ = writeln!(self.log, "run {}ms", self.pending_run_ms);
            self.pending_run_ms = 0;
        }
    }
}

#[wasm_bindgen]
impl Simulation {
    /// Start from a scenario text (setup lines, optionally commands, which run
    /// now). Throws an Error `line:col: message` if the text does not parse.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: &str) -> Result<Simulation, JsError> {
        let script = parse_script(scenario).map_err(|e| parse_error(e.line, e.col, &e.message))?;
        let mut runner = Runner::new(&script.setup);
        runner.keep_events(true);
        // The page plots the run per simulated second (its metrics panel).
        // Metrics only observe: the trace, and its hash, are the same.
        runner.world.metrics.set_window(Some(PAGE_METRICS_WINDOW_MS), 0, raft_sim::metrics::PAGE_WINDOWS);
        for cmd in &script.commands {
            // A failed command is recorded in the view model's `failures`; the run goes on.
            let _ = runner.exec_command(cmd);
        }
        let mut log = String::from(scenario);
        if !log.is_empty() && !log.ends_with('\n') {
            log.push('\n');
        }
        Ok(Simulation { runner, log: CommandLog::from(&log), pending_run_ms: 0 })
    }

    /// Run scenario commands (one per line). The whole text is parsed first:
    /// on an error nothing runs, nothing is logged, and an Error
    /// `line:col: message` (lines counted within `text`) is thrown.
    pub fn exec(&mut self, text: &str) -> Result<(), JsError> {
        let commands = self.parse_commands(text)?;
        if commands.is_empty() {
            return Ok(());
        }
        self.flush_pending_run();
        for cmd in &commands {
            let _ = writeln!(self.log, "{}", cmd.text);
            let _ = self.runner.exec_command(cmd);
        }
        Ok(())
    }

    /// Time travel into the middle of a command: run `text`'s commands like
    /// `exec`, but stop when simulated time reaches `until_ms`; a `run`,
    /// `await` or `load` that would go past it runs only its first part.
    /// Returns the lines that ran, as the language writes them (the last one
    /// possibly shortened, e.g. `load put 100/s for 2300ms keys 10`), and
    /// logs exactly those, so the command log replays to this state.
    pub fn exec_until(&mut self, text: &str, until_ms: f64) -> Result<String, JsError> {
        let commands = self.parse_commands(text)?;
        let until = until_ms.max(0.0) as u64;
        self.flush_pending_run();
        let mut ran = String::new();
        for cmd in &commands {
            let Some((line, whole)) = self.runner.exec_command_until(cmd, until) else { break };
            let _ = writeln!(self.log, "{}", line);
            let _ = writeln!(ran, "{}", line);
            if !whole {
                break;
            }
        }
        Ok(ran)
    }

    /// Advance simulated time by `ms` milliseconds (recorded as `run` in the log).
    pub fn advance(&mut self, ms: u32) {
        if ms == 0 {
            return;
        }
        self.runner.advance(u64::from(ms));
        self.pending_run_ms += u64::from(ms);
    }

    /// Simulated time in ms.
    pub fn time_ms(&self) -> f64 {
        self.runner.world.now as f64
    }

    /// The view model (docs/view-model.md) as a plain JS object. Each log
    /// holds its newest entries (`log_from ..= last_index`) and `history` the
    /// newest client operations, so this costs the same however long the run
    /// has been going; `log_window` fetches older entries.
    pub fn state(&mut self) -> Result<JsValue, JsError> {
        let view = self.runner.page_view();
        to_js(&view)
    }

    /// The view model as the page's animation frame reads it: each log's
    /// newest `log_tail` entries (at most 1024; what the log panel shows),
    /// `history` empty (`history_total` still counts every operation) and
    /// `in_flight` without `fields` (`sent_messages` gives each message's
    /// fields once). Everything else as in `state()`, so a frame's view
    /// costs what the frame draws (docs/view-model.md, "The frame view").
    pub fn frame_state(&mut self, log_tail: u32) -> Result<JsValue, JsError> {
        let view = self.runner.view_limited(raft_sim::view::Limits::frame(log_tail as usize));
        to_js(&view)
    }

    /// The run's metrics (`state().metrics`, docs/view-model.md) with only
    /// the newest `windows` closed windows (at most 120): the page's metrics
    /// panel asks for this when a window closes, and only for the windows it
    /// has not seen, instead of reading the whole view model again.
    pub fn metrics(&self, windows: u32) -> Result<JsValue, JsError> {
        let keep = (windows as usize).min(raft_sim::metrics::PAGE_WINDOWS);
        to_js(&self.runner.world.metrics.summary(self.runner.world.now, keep))
    }

    /// Entries `from .. from + count` (at most 1024) of node `node`'s log, as
    /// `[{ index, term, command }]`: as far as the node holds them (not
    /// compacted, not beyond its last index); empty for an unknown node.
    pub fn log_window(&self, node: u32, from: f64, count: f64) -> Result<JsValue, JsError> {
        // Negative, NaN or huge numbers clamp to 0 / u64::MAX: an empty window.
        let entries = raft_sim::view::log_window(&self.runner.world, u64::from(node), from as u64, count as u64);
        to_js(&entries)
    }

    /// The trace events since the last call, oldest first.
    pub fn events(&mut self) -> Result<JsValue, JsError> {
        let events = self.runner.take_events();
        to_js(&events)
    }

    /// The trace events since the last call from simulated time `from_ms`
    /// on, oldest first; the older ones are taken and dropped unconverted.
    /// Why: after a time-travel replay the page shows only the last moments,
    /// and converting every replayed event (about 3,600 per simulated second
    /// at 100 puts/s) cost over half as much as the replay itself.
    pub fn events_from(&mut self, from_ms: f64) -> Result<JsValue, JsError> {
        let mut events = self.runner.take_events();
        // NaN and negatives clamp to 0 (every event).
        let from = from_ms as u64;
        let first = events.partition_point(|e| e.time_ms < from);
        events.drain(..first);
        to_js(&events)
    }

    /// The messages sent since the last call, oldest first:
    /// `[{ id, fields }]`, `fields` as in `state().in_flight` (Figure 2's
    /// names). The page's inspector keeps them, so a message already
    /// delivered (or dropped) can still be opened.
    pub fn sent_messages(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.runner.take_sent_messages())
    }

    /// The trace hash so far, 16 lower-case hex digits.
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.runner.trace_hash())
    }

    /// The .raft text that replays this session bit for bit.
    pub fn command_log(&self) -> String {
        let mut text = self.log.text();
        if self.pending_run_ms > 0 {
            let _ = writeln!(text, "run {}ms", self.pending_run_ms);
        }
        text
    }

    /// An independent simulation in exactly this state (a time-travel checkpoint).
    #[wasm_bindgen(js_name = clone)]
    pub fn checkpoint(&self) -> Simulation {
        Simulation { runner: self.runner.clone(), log: self.log.clone(), pending_run_ms: self.pending_run_ms }
    }
}

/// A lesson (`lessons/NN-slug.raft`, docs/scenario-language.md "Lessons") as a
/// plain object for the page's lesson player: `title`, `summary` (`{en, zh}`),
/// `group`, `section`, `prelude` (the setup text to start from) and `steps`
/// (each with `text`, `highlights`, `commands` and, for a task, `task` with
/// `hint`, `solution`, `until`, `condition`). Throws `line:col: message` when
/// the lesson does not parse. The player runs the commands through an ordinary
/// `Simulation`, so a lesson plays to the same trace as `raft-sim run`.
#[wasm_bindgen]
pub fn lesson_steps(text: &str) -> Result<JsValue, JsError> {
    let lesson = raft_sim::scenario::lesson::parse_lesson(text).map_err(|e| parse_error(e.line, e.col, &e.message))?;
    to_js(&lesson)
}

// ---- for embedding pages (issue 7): panics reported to the element, and what
// the page needs to know about a scenario text, read by the one real parser --

std::thread_local! {
    /// The message of the last Rust panic, until the page takes it.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keep Rust panic messages for `take_panic()` instead of printing them to the
/// console: each `<raft-lab>` element that sees a call trap asks for the
/// message and shows it in its own overlay (several elements share one module,
/// so nothing global on the page may be patched to catch it).
#[wasm_bindgen]
pub fn capture_panics() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
    }));
}

/// The message of the last panic since the previous call, if any.
#[wasm_bindgen]
pub fn take_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// One command of a scenario text, as the page needs to see it.
#[cfg_attr(test, derive(serde::Serialize))]
struct CommandInfo {
    /// 1-based line and column of the command in the text.
    line: u32,
    col: u32,
    /// The command word (`run`, `await`, `crash`, `partition`, …).
    kind: &'static str,
    /// Upper bound of the simulated time the command moves: the duration of
    /// `run D`, the `within D` of `await`; 0 for commands that act at once.
    ms: u64,
}

/// What `inspect_script` / `Simulation.inspect` return.
#[cfg_attr(test, derive(serde::Serialize))]
struct ScriptInfo {
    /// `cluster N` of the setup (5 when the text does not say).
    cluster: u32,
    commands: Vec<CommandInfo>,
}

impl ToJson for CommandInfo {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("line").u64(self.line.into()).key("col").u64(self.col.into());
        w.key("kind").str(self.kind).key("ms").u64(self.ms);
        w.end_object();
    }
}

impl ToJson for ScriptInfo {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("cluster").u64(self.cluster.into()).key("commands").array(&self.commands);
        w.end_object();
    }
}

fn command_info(c: &Located<Command>) -> CommandInfo {
    let (kind, ms) = match &c.value {
        Command::SetLatency(..)
        | Command::SetLoss(_)
        | Command::SetDuplicate(_)
        | Command::SetZoneLatency { .. }
        | Command::SetLinkLatency { .. }
        | Command::SetDiskLatency(..)
        | Command::SetGroupCommit(_) => ("set", 0),
        Command::Zone { .. } => ("zone", 0),
        Command::Partition(_) | Command::PartitionRef(_) => ("partition", 0),
        Command::Cut { .. } | Command::CutRef { .. } => ("cut", 0),
        Command::Uncut { .. } | Command::UncutRef { .. } => ("uncut", 0),
        Command::Heal => ("heal", 0),
        Command::Run(ms) => ("run", *ms),
        Command::Await { within, .. } => ("await", *within),
        Command::Crash(_) => ("crash", 0),
        Command::Restart(_) => ("restart", 0),
        Command::Timeout(_) => ("timeout", 0),
        Command::Put { .. } => ("put", 0),
        Command::Get { .. } => ("get", 0),
        Command::Propose { .. } => ("propose", 0),
        Command::Expect(_) => ("expect", 0),
        Command::Add(_) => ("add", 0),
        Command::Remove(_) => ("remove", 0),
        Command::Reconfigure(_) => ("reconfigure", 0),
        Command::Transfer(_) => ("transfer", 0),
        Command::Drop(_) => ("drop", 0),
        // The load generator advances time itself, like `run D`.
        Command::Load { duration, .. } => ("load", *duration),
        // etcd (issue 11): all act at once.
        Command::PutLease { .. } => ("put", 0),
        Command::Delete { .. } => ("delete", 0),
        Command::Range { .. } => ("range", 0),
        Command::Txn { .. } => ("txn", 0),
        Command::LeaseGrant { .. }
        | Command::LeaseKeepAlive { .. }
        | Command::LeaseStop(_)
        | Command::LeaseRevoke(_) => ("lease", 0),
        Command::Watch { .. } | Command::WatchStop(_) => ("watch", 0),
    };
    CommandInfo { line: c.line, col: c.col, kind, ms }
}

/// Read a whole scenario text with the real parser, without running it:
/// `{ cluster, commands: [{ line, col, kind, ms }] }` (setup lines are not
/// commands). Throws `line:col: message` like `new Simulation(text)`. The page
/// uses it for its guards (how much simulated time a text asks for) and to
/// find each command's line, so it never reads the language itself.
#[wasm_bindgen]
pub fn inspect_script(text: &str) -> Result<JsValue, JsError> {
    let script = parse_script(text).map_err(|e| parse_error(e.line, e.col, &e.message))?;
    to_js(&ScriptInfo { cluster: script.setup.cluster, commands: script.commands.iter().map(command_info).collect() })
}

#[wasm_bindgen]
impl Simulation {
    /// Read `text` as commands for this running world (as `exec` would),
    /// without running them: `{ cluster, commands: [{ line, col, kind, ms }] }`.
    /// Throws `line:col: message` where `exec` would.
    pub fn inspect(&self, text: &str) -> Result<JsValue, JsError> {
        let commands = self.parse_commands(text)?;
        to_js(&ScriptInfo {
            cluster: u32::try_from(self.runner.world.nodes.len()).unwrap_or(u32::MAX),
            commands: commands.iter().map(command_info).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer prints what serde's derive printed before it (kept for this test).
    #[test]
    fn script_info_writes_what_serde_json_wrote() {
        let text = "cluster 3\nrun 2s\nawait leader any within 3s\ncrash n1\nload put 10/s for 1s\nput x 1\n";
        let script = parse_script(text).unwrap();
        let info =
            ScriptInfo { cluster: script.setup.cluster, commands: script.commands.iter().map(command_info).collect() };
        assert_eq!(info.commands.len(), 5);
        assert_eq!(json::to_json(&info), serde_json::to_string(&info).unwrap());
    }

    #[test]
    fn command_log_pieces_read_back_whole_and_copies_share_them() {
        let mut log = CommandLog::from("cluster 3\nseed 1\n");
        let mut want = String::from("cluster 3\nseed 1\n");
        for i in 0..2000 {
            let _ = writeln!(log, "put k{} v{i}", i % 7);
            let _ = writeln!(want, "put k{} v{i}", i % 7);
        }
        assert_eq!(log.text(), want);
        assert!(log.sealed.len() >= 5, "the text was cut into pieces: {}", log.sealed.len());
        assert!(log.tail.len() < LOG_PIECE);
        // A copy shares the sealed pieces; writing to either changes only its own tail.
        let mut copy = log.clone();
        assert!(Arc::ptr_eq(&copy.sealed[0], &log.sealed[0]));
        let _ = writeln!(copy, "crash n1");
        assert_eq!(copy.text(), format!("{want}crash n1\n"));
        assert_eq!(log.text(), want);
    }
}
