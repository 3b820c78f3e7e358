//! The event trace: typed events a renderer can replay (docs/view-model.md,
//! "Trace events"), and a stable 64-bit hash of the whole trace.
//!
//! The hash is FNV-1a over each event's canonical JSON (serde_json writes
//! struct fields in declaration order and maps in key order, u64 as decimal
//! text), so it does not depend on the platform's word size or endianness: the
//! same run hashes the same natively and in WebAssembly.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::Value;

use raft_core::{Message, Role};

/// One thing that happened, at a simulated millisecond.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    pub time_ms: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Event kinds; serialized as `"kind": "message-sent"` etc. beside their fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EventKind {
    MessageSent { id: u64, from: u64, to: u64, #[serde(rename = "type")] ty: String, send_ms: u64, deliver_ms: u64 },
    MessageDelivered { id: u64, from: u64, to: u64, #[serde(rename = "type")] ty: String },
    /// `why`: `loss` | `partition` | `cut` | `crashed` | `user`.
    MessageDropped { id: u64, from: u64, to: u64, #[serde(rename = "type")] ty: String, why: String },
    RoleChanged { node: u64, from: String, to: String, term: u64, reason: Value },
    TermChanged { node: u64, from: u64, to: u64 },
    VoteGranted { node: u64, candidate: u64, term: u64, pre_vote: bool, reason: Value },
    VoteDenied { node: u64, candidate: u64, term: u64, pre_vote: bool, reason: Value },
    AppendRejected { node: u64, leader: u64, reason: Value },
    EntriesAppended { node: u64, first_index: u64, last_index: u64 },
    EntriesTruncated { node: u64, from_index: u64, to_index: u64 },
    CommitAdvanced { node: u64, from: u64, to: u64 },
    EntryApplied { node: u64, index: u64, term: u64, command: String },
    SnapshotTaken { node: u64, index: u64, term: u64 },
    SnapshotInstalled { node: u64, index: u64, term: u64, from: u64 },
    SnapshotSent { node: u64, to: u64, index: u64 },
    ProposalDropped { node: u64, reason: Value },
    ReadRejected { node: u64, ctx: u64, reason: Value },
    TransferStarted { node: u64, to: u64 },
    TransferAborted { node: u64, to: u64 },
    MembershipChanged { node: u64, index: u64 },
    Crash { node: u64 },
    Restart { node: u64 },
    /// A node created by `add` / `reconfigure`.
    NodeAdded { node: u64 },
    Partition { groups: Vec<Vec<u64>> },
    Heal,
    Cut { from: u64, to: u64 },
    Uncut { from: u64, to: u64 },
    ClientInvoke { client: u64, op: String, key: String, value: Option<String>, node: Option<u64> },
    ClientReturn { client: u64, op: String, key: String, result: Option<String> },
    Violation { invariant: String, message: String },
    Failure { line: u32, message: String },
    Command { text: String, line: u32 },
}

/// The lower-case role names of the view model.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::PreCandidate => "pre-candidate",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

/// A core reason (`VoteDenied::LogBehind { .. }`, `RoleChangeReason::Forced`)
/// as `{ "code": "log-behind", ...fields }`, the shape the page's message
/// table renders.
pub fn reason_value<T: Serialize>(reason: &T) -> Value {
    let raw = serde_json::to_value(reason).unwrap_or(Value::Null);
    // Collect into a sorted map first, so the JSON (and the trace hash) has
    // the same key order whether or not serde_json's `preserve_order` feature
    // is switched on somewhere in the build.
    let mut fields: BTreeMap<String, Value> = BTreeMap::new();
    match raw {
        Value::String(name) => {
            fields.insert("code".into(), Value::String(kebab(&name)));
        }
        Value::Object(map) if map.len() == 1 => {
            let (name, inner) = map.into_iter().next().expect("one entry");
            fields.insert("code".into(), Value::String(kebab(&name)));
            match inner {
                Value::Object(inner) => {
                    for (k, v) in inner {
                        fields.insert(k, v);
                    }
                }
                Value::Null => {}
                other => {
                    fields.insert("value".into(), other);
                }
            }
        }
        Value::Null => return Value::Null,
        other => {
            fields.insert("code".into(), Value::String("other".into()));
            fields.insert("value".into(), other);
        }
    }
    Value::Object(fields.into_iter().collect())
}

/// `LogBehind` → `log-behind`.
pub fn kebab(name: &str) -> String {
    let mut s = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                s.push('-');
            }
            s.push(ch.to_ascii_lowercase());
        } else {
            s.push(ch);
        }
    }
    s
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
pub fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= *b as u64;
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The trace of a run: a running hash and count of every event, and (when
/// `keep` is on) the events not yet taken by a viewer.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub hash: u64,
    pub count: u64,
    /// Keep events for `take` (the page, `--trace`); otherwise only hash them.
    pub keep: bool,
    pending: Vec<TraceEvent>,
    /// When `keep` is on: the messages sent since the last `take_sent`, with
    /// their contents (the `message-sent` event names only the type), for the
    /// page's inspector. Not hashed; bounded by `MAX_SENT_KEPT`.
    sent: Vec<(u64, Message)>,
}

/// The newest sent messages `Trace::sent` keeps between two `take_sent`s. A
/// long loaded scenario sends far more before the page first asks, and every
/// time-travel checkpoint (a clone) carries its own buffer, so it is small.
pub const MAX_SENT_KEPT: usize = 4096;

impl Default for Trace {
    fn default() -> Trace {
        Trace::new(false)
    }
}

impl Trace {
    pub fn new(keep: bool) -> Trace {
        Trace { hash: FNV_OFFSET, count: 0, keep, pending: Vec::new(), sent: Vec::new() }
    }

    /// Record an event. `command` and `failure` events are kept for viewers
    /// but not hashed: they describe the script (its text and line numbers),
    /// not the run, so a session typed into the page and the `.raft` file it
    /// is written out as — with its `run` lines in other places — hash alike
    /// when the cluster did the same things.
    pub fn record(&mut self, time_ms: u64, kind: EventKind) {
        let hashed = !matches!(kind, EventKind::Command { .. } | EventKind::Failure { .. });
        self.record_inner(time_ms, kind, hashed);
    }

    /// Record an event that is not part of the hash: the report of a check
    /// run on demand (linearizability), whose time depends on when a viewer
    /// asked, not on the simulation.
    pub fn record_unhashed(&mut self, time_ms: u64, kind: EventKind) {
        self.record_inner(time_ms, kind, false);
    }

    fn record_inner(&mut self, time_ms: u64, kind: EventKind, hashed: bool) {
        let event = TraceEvent { time_ms, kind };
        if !hashed {
            if self.keep {
                self.pending.push(event);
            }
            return;
        }
        // Serializing plain data cannot fail.
        let bytes = serde_json::to_vec(&event).unwrap_or_default();
        self.hash = fnv1a(fnv1a(self.hash, &bytes), b"\n");
        self.count += 1;
        if self.keep {
            self.pending.push(event);
        }
    }

    /// The events recorded since the last call (empty unless `keep`).
    pub fn take(&mut self) -> Vec<TraceEvent> {
        core::mem::take(&mut self.pending)
    }

    /// Keep message `id`'s contents for `take_sent` (only when `keep`).
    pub fn record_sent(&mut self, id: u64, msg: &Message) {
        if !self.keep {
            return;
        }
        if self.sent.len() >= MAX_SENT_KEPT {
            // Forget the older half at once, so the cost stays amortized O(1).
            self.sent.drain(..MAX_SENT_KEPT / 2);
        }
        self.sent.push((id, msg.clone()));
    }

    /// The messages sent since the last call (empty unless `keep`), oldest first.
    pub fn take_sent(&mut self) -> Vec<(u64, Message)> {
        core::mem::take(&mut self.sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::VoteDenied;

    #[test]
    fn fnv_known_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn same_events_same_hash_and_order_matters() {
        let mut a = Trace::new(false);
        let mut b = Trace::new(true);
        let mut c = Trace::new(false);
        a.record(1, EventKind::Crash { node: 1 });
        a.record(2, EventKind::Restart { node: 1 });
        b.record(1, EventKind::Crash { node: 1 });
        b.record(2, EventKind::Restart { node: 1 });
        c.record(2, EventKind::Restart { node: 1 });
        c.record(1, EventKind::Crash { node: 1 });
        assert_eq!(a.hash, b.hash);
        assert_ne!(a.hash, c.hash);
        assert_eq!(b.take().len(), 2);
        assert!(a.take().is_empty(), "events are only kept on request");
    }

    #[test]
    fn event_json_shape() {
        let e = TraceEvent { time_ms: 5, kind: EventKind::MessageDropped { id: 3, from: 1, to: 2, ty: "AppendEntries".into(), why: "loss".into() } };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "message-dropped");
        assert_eq!(v["type"], "AppendEntries");
        assert_eq!(v["time_ms"], 5);
    }

    #[test]
    fn reasons_become_codes() {
        let r = reason_value(&VoteDenied::LogBehind { candidate_last_term: 1, candidate_last_index: 2, last_term: 3, last_index: 4 });
        assert_eq!(r["code"], "log-behind");
        assert_eq!(r["last_term"], 3);
        assert_eq!(reason_value(&VoteDenied::NotVoter)["code"], "not-voter");
    }
}
