//! JSON out: the view model, trace events, metrics and lessons as the text
//! `serde_json::to_string` made of them, byte for byte, without serde.
//!
//! Why a writer of our own: every JSON text the browser reads (`state()`,
//! `events()`, `metrics()`, …) and the CLI prints (`--json`, `--trace`) is
//! written here. serde's derived serializers and serde_json were about a
//! tenth of the wasm (docs/wasm-size.md, third round), and going through a
//! view struct first cost `state()` an allocation per string field. Each type
//! has one [`ToJson::write_json`] that writes its fields in declaration order
//! under their JSON names, like the derive did; a test compares the text
//! with serde_json's for every scenario and lesson (`json::tests`).
//!
//! What serde_json does and this does too: no whitespace; strings escaped as
//! it escapes them (`\"`, `\\`, `\b \f \n \r \t`, other control characters
//! as `\u00XX` in lower-case hex, everything else as is); integers in
//! decimal; a finite `f64` in zmij's shortest form (`5.0`, `0.25`, `1e21`:
//! the crate serde_json itself calls), a non-finite one as `null`; `None` as
//! `null`. [`pretty`] re-indents compact text the way
//! `serde_json::to_string_pretty` writes it (two spaces, `": "`).

use alloc::string::String;
use alloc::vec::Vec;

/// A JSON text being written into one `String`. Commas are placed by looking
/// at the last byte written: after `{`, `[` or `:` a value or key needs none,
/// after anything else (the end of a value) it needs one.
#[derive(Debug, Default)]
pub struct JsonWriter {
    pub out: String,
}

/// A type that writes itself as one JSON value.
pub trait ToJson {
    fn write_json(&self, w: &mut JsonWriter);
}

/// `value` as compact JSON text.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut w = JsonWriter::default();
    value.write_json(&mut w);
    w.out
}

impl JsonWriter {
    /// Writing into `out`'s buffer (cleared), so a caller can reuse one allocation.
    pub fn with_buffer(mut out: String) -> JsonWriter {
        out.clear();
        JsonWriter { out }
    }

    fn sep(&mut self) {
        match self.out.as_bytes().last() {
            None | Some(b'{' | b'[' | b':') => {}
            Some(_) => self.out.push(','),
        }
    }

    pub fn begin_object(&mut self) -> &mut Self {
        self.sep();
        self.out.push('{');
        self
    }

    pub fn end_object(&mut self) -> &mut Self {
        self.out.push('}');
        self
    }

    pub fn begin_array(&mut self) -> &mut Self {
        self.sep();
        self.out.push('[');
        self
    }

    pub fn end_array(&mut self) -> &mut Self {
        self.out.push(']');
        self
    }

    /// An object's key; the value written next is its value.
    pub fn key(&mut self, name: &str) -> &mut Self {
        self.sep();
        self.escaped(name);
        self.out.push(':');
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.sep();
        self.escaped(s);
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.sep();
        push_u64(&mut self.out, v);
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.sep();
        self.out.push_str(if v { "true" } else { "false" });
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.out.push_str("null");
        self
    }

    /// serde_json's float: zmij's shortest round-trip form, `null` if not finite.
    pub fn f64(&mut self, v: f64) -> &mut Self {
        self.sep();
        if v.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.out.push_str("null");
        }
        self
    }

    pub fn opt_u64(&mut self, v: Option<u64>) -> &mut Self {
        match v {
            Some(v) => self.u64(v),
            None => self.null(),
        }
    }

    pub fn opt_str(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(v),
            None => self.null(),
        }
    }

    /// Any [`ToJson`] value.
    pub fn value<T: ToJson + ?Sized>(&mut self, v: &T) -> &mut Self {
        v.write_json(self);
        self
    }

    /// An array of the items.
    pub fn array<'a, T: ToJson + 'a>(&mut self, items: impl IntoIterator<Item = &'a T>) -> &mut Self {
        self.begin_array();
        for item in items {
            item.write_json(self);
        }
        self.end_array()
    }

    /// An array of numbers.
    pub fn u64s<'a>(&mut self, items: impl IntoIterator<Item = &'a u64>) -> &mut Self {
        self.begin_array();
        for v in items {
            self.u64(*v);
        }
        self.end_array()
    }

    /// An array of strings.
    pub fn strs<S: AsRef<str>>(&mut self, items: impl IntoIterator<Item = S>) -> &mut Self {
        self.begin_array();
        for s in items {
            self.str(s.as_ref());
        }
        self.end_array()
    }

    /// An object of number-valued entries, keys as given (a map's order).
    pub fn map_u64<K: AsRef<str>>(&mut self, entries: impl IntoIterator<Item = (K, u64)>) -> &mut Self {
        self.begin_object();
        for (k, v) in entries {
            self.key(k.as_ref()).u64(v);
        }
        self.end_object()
    }

    /// A string as serde_json quotes it.
    fn escaped(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let out = &mut self.out;
        out.push('"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let esc: &str = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            // `i` is at an ASCII byte, so both cuts fall on char boundaries
            // (`get`, not `[..]`: no slicing panic path in the wasm).
            out.push_str(s.get(start..i).unwrap_or_default());
            if esc.is_empty() {
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            } else {
                out.push_str(esc);
            }
            start = i + 1;
        }
        out.push_str(s.get(start..).unwrap_or_default());
        out.push('"');
    }
}

/// `v` in decimal (no `core::fmt`).
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

impl ToJson for u64 {
    fn write_json(&self, w: &mut JsonWriter) {
        w.u64(*self);
    }
}

impl ToJson for str {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Some(v) => v.write_json(w),
            None => {
                w.null();
            }
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self);
    }
}

/// Compact JSON text (as [`JsonWriter`] writes it) re-indented as
/// `serde_json::to_string_pretty` prints the same value: each member and
/// element on its own line, two spaces per level, `": "` after a key, and
/// `{}` / `[]` for empty ones.
pub fn pretty(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                // Copy the string through its closing quote (escapes included).
                let start = i;
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                out.extend_from_slice(&bytes[start..=i]);
            }
            b'{' | b'[' => {
                if matches!(bytes.get(i + 1), Some(b'}' | b']')) {
                    out.extend_from_slice(&bytes[i..i + 2]);
                    i += 1;
                } else {
                    out.push(b);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
    // Only ASCII structure was added to valid UTF-8 text.
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The JSON of types outside the view model (view.rs writes its own), each in
// declaration order under the names serde's derive gave them.

use crate::invariants::Violation;
use crate::metrics::{Latency, MetricsSummary, MetricsView};
use crate::reason::{Reason, ReasonValue};
use crate::scenario::lesson::{Group, Highlight, Lesson, Step, Task, Text};
use crate::scenario::run::Failure;
use crate::trace::{CoreRecord, EventKind, Fields, TraceEvent};

impl ToJson for Failure {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("line").u64(self.line.into());
        w.key("message").str(&self.message);
        w.end_object();
    }
}

impl ToJson for Violation {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("time_ms").u64(self.time_ms);
        w.key("invariant").str(&self.invariant);
        w.key("message").str(&self.message);
        w.end_object();
    }
}

impl ToJson for Reason {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        for (key, value) in self.entries() {
            w.key(key);
            match value {
                ReasonValue::Str(s) => w.str(s),
                ReasonValue::U64(n) => w.u64(*n),
                ReasonValue::Null => w.null(),
            };
        }
        w.end_object();
    }
}

/// A core event's fields, written as members of the event's object.
impl Fields for JsonWriter {
    fn u64(&mut self, name: &'static str, v: u64) {
        self.key(name).u64(v);
    }
    fn bool(&mut self, name: &'static str, v: bool) {
        self.key(name).bool(v);
    }
    fn str(&mut self, name: &'static str, v: &str) {
        self.key(name).str(v);
    }
    fn reason(&mut self, name: &'static str, v: Option<&Reason>) {
        self.key(name);
        match v {
            Some(r) => r.write_json(self),
            None => {
                self.null();
            }
        }
    }
}

impl ToJson for CoreRecord {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.write_members(w);
        w.end_object();
    }
}

impl CoreRecord {
    /// `kind` and the fields, without the braces (a trace event adds `time_ms` first).
    fn write_members(&self, w: &mut JsonWriter) {
        w.key("kind").str(self.kind());
        self.fields(w);
    }
}

/// `{"time_ms": …, "kind": "message-sent", …fields}`: the kind's tag and
/// fields flattened beside the time, as `#[serde(flatten)]` wrote them.
impl ToJson for TraceEvent {
    fn write_json(&self, w: &mut JsonWriter) {
        use EventKind::*;
        w.begin_object();
        w.key("time_ms").u64(self.time_ms);
        let kind = |w: &mut JsonWriter, name: &str| {
            w.key("kind").str(name);
        };
        match &self.kind {
            MessageSent { id, from, to, ty, send_ms, deliver_ms } => {
                kind(w, "message-sent");
                w.key("id").u64(*id).key("from").u64(*from).key("to").u64(*to).key("type").str(ty);
                w.key("send_ms").u64(*send_ms).key("deliver_ms").u64(*deliver_ms);
            }
            MessageDelivered { id, from, to, ty } => {
                kind(w, "message-delivered");
                w.key("id").u64(*id).key("from").u64(*from).key("to").u64(*to).key("type").str(ty);
            }
            MessageDropped { id, from, to, ty, why } => {
                kind(w, "message-dropped");
                w.key("id").u64(*id).key("from").u64(*from).key("to").u64(*to).key("type").str(ty);
                w.key("why").str(why);
            }
            EntryApplied { node, index, term, command } => {
                kind(w, "entry-applied");
                w.key("node").u64(*node).key("index").u64(*index).key("term").u64(*term);
                w.key("command").str(command);
            }
            Crash { node } => {
                kind(w, "crash");
                w.key("node").u64(*node);
            }
            Restart { node } => {
                kind(w, "restart");
                w.key("node").u64(*node);
            }
            DiskWrite { node, done_ms, readies } => {
                kind(w, "disk-write");
                w.key("node").u64(*node).key("done_ms").u64(*done_ms).key("readies").u64(*readies);
            }
            DiskWriteDone { node, readies } => {
                kind(w, "disk-write-done");
                w.key("node").u64(*node).key("readies").u64(*readies);
            }
            DiskWritesLost { node, writes, readies } => {
                kind(w, "disk-writes-lost");
                w.key("node").u64(*node).key("writes").u64(*writes).key("readies").u64(*readies);
            }
            NodeAdded { node } => {
                kind(w, "node-added");
                w.key("node").u64(*node);
            }
            Partition { groups } => {
                kind(w, "partition");
                w.key("groups").begin_array();
                for g in groups {
                    w.u64s(g);
                }
                w.end_array();
            }
            Heal => kind(w, "heal"),
            Cut { from, to } => {
                kind(w, "cut");
                w.key("from").u64(*from).key("to").u64(*to);
            }
            Uncut { from, to } => {
                kind(w, "uncut");
                w.key("from").u64(*from).key("to").u64(*to);
            }
            ClientInvoke { client, op, key, value, node } => {
                kind(w, "client-invoke");
                w.key("client").u64(*client).key("op").str(op).key("key").str(key);
                w.key("value").opt_str(value.as_deref()).key("node").opt_u64(*node);
            }
            ClientReturn { client, op, key, result } => {
                kind(w, "client-return");
                w.key("client").u64(*client).key("op").str(op).key("key").str(key);
                w.key("result").opt_str(result.as_deref());
            }
            Violation { invariant, message } => {
                kind(w, "violation");
                w.key("invariant").str(invariant).key("message").str(message);
            }
            Failure { line, message } => {
                kind(w, "failure");
                w.key("line").u64((*line).into()).key("message").str(message);
            }
            Command { text, line } => {
                kind(w, "command");
                w.key("text").str(text).key("line").u64((*line).into());
            }
            LeaseExpired { node, lease } => {
                kind(w, "lease-expired");
                w.key("node").u64(*node).key("lease").str(lease);
            }
            LeaseRefreshed { node, term, leases } => {
                kind(w, "lease-refreshed");
                w.key("node").u64(*node).key("term").u64(*term).key("leases").u64(*leases);
            }
            WatchEvent { watch, node, revision, ty, key, value } => {
                kind(w, "watch-event");
                w.key("watch").str(watch).key("node").u64(*node).key("revision").u64(*revision);
                w.key("type").str(ty).key("key").str(key).key("value").opt_str(value.as_deref());
            }
            Core(record) => record.write_members(w),
        }
        w.end_object();
    }
}

impl ToJson for Latency {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("count").u64(self.count).key("p50").u64(self.p50).key("p90").u64(self.p90);
        w.key("p99").u64(self.p99).key("max").u64(self.max);
        w.key("buckets").u64s(&self.buckets);
        w.end_object();
    }
}

impl MetricsView {
    fn write_members(&self, w: &mut JsonWriter) {
        w.key("from_ms").u64(self.from_ms).key("to_ms").u64(self.to_ms);
        w.key("commit_latency_ms").value(&self.commit_latency_ms);
        w.key("read_latency_ms").value(&self.read_latency_ms);
        w.key("ops_per_s").f64(self.ops_per_s);
        w.key("messages_per_s").begin_object();
        for (k, v) in self.messages_per_s.iter() {
            w.key(k).f64(*v);
        }
        w.end_object();
        // Numeric map keys are strings in JSON, as serde_json writes them.
        w.key("sent_per_s_by_node").begin_object();
        let mut id = String::new();
        for (k, v) in self.sent_per_s_by_node.iter() {
            id.clear();
            push_u64(&mut id, *k);
            w.key(&id).f64(*v);
        }
        w.end_object();
        w.key("elections").u64(self.elections).key("leaderless_ms").u64(self.leaderless_ms);
    }
}

impl ToJson for MetricsView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.write_members(w);
        w.end_object();
    }
}

/// The whole run's members, flattened, then the windows.
impl ToJson for MetricsSummary {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.whole.write_members(w);
        w.key("window_ms").opt_u64(self.window_ms);
        w.key("latency_buckets_ms").u64s(self.latency_buckets_ms);
        w.key("windows").array(&self.windows);
        w.end_object();
    }
}

impl ToJson for Text {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("en").str(&self.en).key("zh").str(&self.zh).end_object();
    }
}

impl ToJson for Highlight {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        match self {
            Highlight::Node { node } => {
                w.key("kind").str("node").key("node").opt_u64(*node);
            }
            Highlight::Message { message } => {
                w.key("kind").str("message").key("message").str(message);
            }
            Highlight::Entry { node, index } => {
                w.key("kind").str("entry").key("node").opt_u64(*node).key("index").u64(*index);
            }
            Highlight::Quorum => {
                w.key("kind").str("quorum");
            }
        }
        w.end_object();
    }
}

impl ToJson for Task {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("hint").value(&self.hint);
        w.key("solution").strs(&self.solution);
        w.key("until").str(&self.until).key("condition").str(&self.condition);
        w.key("until_line").u64(self.until_line.into());
        w.end_object();
    }
}

impl ToJson for Step {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("line").u64(self.line.into());
        w.key("text").value(&self.text);
        w.key("highlights").array(&self.highlights);
        w.key("commands").strs(&self.commands);
        w.key("command_lines").begin_array();
        for l in &self.command_lines {
            w.u64((*l).into());
        }
        w.end_array();
        w.key("checked").bool(self.checked);
        w.key("task").value(&self.task);
        w.end_object();
    }
}

/// Everything but `script` (the headless form, not for the page).
impl ToJson for Lesson {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("title").value(&self.title);
        w.key("summary").value(&self.summary);
        w.key("group").str(match self.group {
            Group::Basics => "basics",
            Group::Safety => "safety",
            Group::Operating => "operating",
            Group::Beyond => "beyond",
        });
        w.key("section").str(&self.section);
        w.key("prelude").str(&self.prelude);
        w.key("steps").array(&self.steps);
        w.end_object();
    }
}

#[cfg(test)]
mod tests {
    //! The writer against serde_json (a dev-dependency) and serde's derive
    //! (kept on these types for tests only): the same text for every value
    //! every scenario and lesson produces.

    use super::*;
    use crate::scenario::parse::parse_script;
    use crate::scenario::run::Runner;
    use crate::view::Limits;
    use alloc::format;
    use alloc::string::ToString;
    use std::path::PathBuf;

    fn same<T: ToJson + serde::Serialize + ?Sized>(what: &str, v: &T) {
        let ours = to_json(v);
        let theirs = serde_json::to_string(v).unwrap();
        assert!(ours == theirs, "{what}: the writer differs from serde_json\n ours:   {ours}\n serde:  {theirs}");
    }

    fn files() -> Vec<PathBuf> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["scenarios", "lessons"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "raft") {
                    files.push(p);
                }
            }
        }
        files.sort();
        assert!(files.len() > 40, "scenarios and lessons found: {}", files.len());
        files
    }

    /// Every trace event, sent message, log window, metrics summary and view
    /// (the CLI's whole one, compact and pretty; the page's; a frame's) of
    /// every scenario and lesson, as the page and the CLI produce them.
    #[test]
    fn every_scenario_and_lesson_writes_what_serde_json_wrote() {
        let mut events = 0;
        for path in files() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            if crate::scenario::lesson::is_lesson(&text) {
                let lesson = crate::scenario::lesson::parse_lesson(&text).unwrap();
                same(&format!("{name}: lesson_steps"), &lesson);
            }
            let script = parse_script(&text).unwrap();
            let mut runner = Runner::new(&script.setup);
            runner.expected_violations = crate::expected_violations(&text);
            runner.keep_events(true);
            runner.world.trace.limit = usize::MAX;
            // The page's metrics windows, so windows are compared too.
            runner.world.metrics.set_window(Some(1000), 0, crate::metrics::PAGE_WINDOWS);
            for (i, cmd) in script.commands.iter().enumerate() {
                let _ = runner.exec_command(cmd);
                for ev in runner.take_events() {
                    same(&format!("{name}: event"), &ev);
                    events += 1;
                }
                same(&format!("{name}: sent_messages"), &runner.take_sent_messages());
                if i % 7 == 3 {
                    same(&format!("{name}: frame_state"), &runner.view_limited(Limits::frame(40)));
                    same(&format!("{name}: state"), &runner.page_view());
                }
            }
            runner.finish();
            for ev in runner.take_events() {
                same(&format!("{name}: event"), &ev);
            }
            same(&format!("{name}: metrics(3)"), &runner.world.metrics.summary(runner.world.now, 3));
            for id in runner.world.nodes.keys() {
                let window = crate::view::log_window(&runner.world, *id, 1, 50);
                same(&format!("{name}: log_window"), &window);
            }
            same(&format!("{name}: frame_state"), &runner.view_limited(Limits::frame(40)));
            same(&format!("{name}: state"), &runner.page_view());
            let view = runner.view();
            same(&format!("{name}: --json"), &view);
            assert_eq!(pretty(&to_json(&view)), serde_json::to_string_pretty(&view).unwrap(), "{name}: --json pretty");
        }
        assert!(events > 10_000, "events compared: {events}");
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u32..0x300).chain([0x2028, 0x2029, 0xfeff, 0x1f600]) {
            all.push(char::from_u32(c).unwrap());
        }
        for s in ["", "plain", "a\"b\\c", "\u{0}\u{1f}\u{7f}", "tab\there\nnew\r\u{8}\u{c}", "中文", all.as_str()] {
            same(s, s);
            let mut w = JsonWriter::default();
            w.begin_object().key(s).u64(1).end_object();
            let mut map = alloc::collections::BTreeMap::new();
            map.insert(s, 1u64);
            assert_eq!(w.out, serde_json::to_string(&map).unwrap());
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for v in [0, 1, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            same("u64", &v);
        }
        let specials = [0.0, -0.0, 5.0, 0.1, 0.25, 12.5, 1e21, 1e-7, 123456789.125, f64::MIN_POSITIVE, f64::MAX];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let randoms = (0..20_000).map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            f64::from_bits(x)
        });
        for v in specials.into_iter().chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]).chain(randoms) {
            let mut w = JsonWriter::default();
            w.f64(v);
            assert_eq!(w.out, serde_json::to_string(&v).unwrap(), "{v:?}");
        }
        // Hundredths, what the metrics' rates are.
        for n in 0..100_000u64 {
            let v = n as f64 / 100.0;
            let mut w = JsonWriter::default();
            w.f64(v);
            assert_eq!(w.out, serde_json::to_string(&v).unwrap(), "{v:?}");
        }
    }

    #[test]
    fn pretty_matches_serde_json_on_nesting_and_empty_containers() {
        let text = r#"{"a":[],"b":{},"c":[1,[2,{}],{"d":"x,y:{z}[\"]"}],"e":null}"#;
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        // serde_json's Value sorts keys: these are already sorted.
        assert_eq!(pretty(text), serde_json::to_string_pretty(&v).unwrap());
        assert_eq!(pretty("[]"), "[]");
        assert_eq!(pretty("\"s\""), "\"s\"");
    }
}
