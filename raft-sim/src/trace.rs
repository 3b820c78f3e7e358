//! The event trace: typed events a renderer can replay (docs/view-model.md,
//! "Trace events"), and a stable 64-bit hash of the whole trace.
//!
//! The hash is a running 64-bit hash over each event's fields, fed in a
//! fixed order as 64-bit words ([`FieldHasher`], [`mix_word`]: integers as
//! themselves, length-prefixed strings 8 bytes to a word, little-endian), so
//! it does not depend on the platform's word size or endianness: the same run
//! hashes the same natively and in WebAssembly. (Until issue 9 it was FNV-1a
//! over the same fields byte by byte; every trace hash changed once then.) It
//! costs about a nanosecond per field, with no text formatting and no
//! allocation, and it never looks back: the trace keeps only a bounded window
//! of recent events for a viewer ([`PENDING_LIMIT`]), not the whole history.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
#[cfg(test)]
use serde::{ser::SerializeMap, Serialize};

use raft_core::{CoreEvent, Message, Role};

use crate::reason::{reason_value, Reason};

/// One thing that happened, at a simulated millisecond.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct TraceEvent {
    pub time_ms: u64,
    #[cfg_attr(test, serde(flatten))]
    pub kind: EventKind,
}

/// Event kinds; serialized as `"kind": "message-sent"` etc. beside their fields.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
#[cfg_attr(test, serde(tag = "kind", rename_all = "kebab-case"))]
pub enum EventKind {
    /// `ty`: the message type's name (`AppendEntries`, ...), a constant, so
    /// the events of every message sent and delivered allocate nothing.
    MessageSent {
        id: u64,
        from: u64,
        to: u64,
        #[cfg_attr(test, serde(rename = "type"))]
        ty: &'static str,
        send_ms: u64,
        deliver_ms: u64,
    },
    MessageDelivered {
        id: u64,
        from: u64,
        to: u64,
        #[cfg_attr(test, serde(rename = "type"))]
        ty: &'static str,
    },
    /// `why`: `loss` | `partition` | `cut` | `crashed` | `user`.
    MessageDropped {
        id: u64,
        from: u64,
        to: u64,
        #[cfg_attr(test, serde(rename = "type"))]
        ty: &'static str,
        why: String,
    },
    EntryApplied {
        node: u64,
        index: u64,
        term: u64,
        command: String,
    },
    Crash {
        node: u64,
    },
    Restart {
        node: u64,
    },
    /// A disk write started or queued (`set disk-latency`): durable at
    /// `done_ms`, covering `readies` Readies so far (group commit adds more).
    DiskWrite {
        node: u64,
        done_ms: u64,
        readies: u64,
    },
    /// A disk write completed: the `readies` Readies it covered take effect.
    DiskWriteDone {
        node: u64,
        readies: u64,
    },
    /// A crash lost the disk writes not yet complete.
    DiskWritesLost {
        node: u64,
        writes: u64,
        readies: u64,
    },
    /// A node created by `add` / `reconfigure`.
    NodeAdded {
        node: u64,
    },
    Partition {
        groups: Vec<Vec<u64>>,
    },
    Heal,
    Cut {
        from: u64,
        to: u64,
    },
    Uncut {
        from: u64,
        to: u64,
    },
    /// `op`: `put` or `get` (a constant, like a message's `ty`).
    ClientInvoke {
        client: u64,
        op: &'static str,
        key: String,
        value: Option<String>,
        node: Option<u64>,
    },
    ClientReturn {
        client: u64,
        op: &'static str,
        key: String,
        result: Option<String>,
    },
    Violation {
        invariant: String,
        message: String,
    },
    Failure {
        line: u32,
        message: String,
    },
    Command {
        text: String,
        line: u32,
    },
    /// etcd (issue 11): leader `node` found lease `lease`'s TTL passed and
    /// proposed its expiry (`lease-expire NAME id=N` in the log).
    LeaseExpired {
        node: u64,
        lease: String,
    },
    /// etcd: `node` became leader in `term` and gave each of its `leases`
    /// alive leases its full TTL again, before expiring any.
    LeaseRefreshed {
        node: u64,
        term: u64,
        leases: u64,
    },
    /// etcd: watcher `watch` received a change from server `node`.
    WatchEvent {
        watch: String,
        node: u64,
        revision: u64,
        #[cfg_attr(test, serde(rename = "type"))]
        ty: String,
        key: String,
        value: Option<String>,
    },
    /// What raft-core reported on server `node`, carried as it is (see
    /// [`CoreRecord`]): serialized flat like the events above,
    /// `{"kind": "role-changed", "node": 1, "from": "follower", ...}`.
    #[cfg_attr(test, serde(untagged))]
    Core(CoreRecord),
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

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit (the checker's fingerprints of configuration entries).
pub fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= *b as u64;
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The trace hash's starting value (FNV-1a's offset basis, as ever).
pub const TRACE_HASH_SEED: u64 = FNV_OFFSET;

/// The trace hash's multiplier: 2^64 / the golden ratio, odd.
const WORD_K: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step of the trace hash: mix a 64-bit word into `h`.
///
/// Why words: FNV-1a took one multiply per byte, a serial chain of about 80
/// multiplies per event (17 % of a loaded run). This takes one per 8 bytes.
/// For a fixed word, each step is a bijection of the state (xor, an odd
/// multiply, an xorshift), so two traces that differ in one word never hash
/// alike; the xorshift carries the multiply's high bits back down.
#[inline(always)]
pub fn mix_word(h: u64, w: u64) -> u64 {
    let h = (h ^ w).wrapping_mul(WORD_K);
    h ^ (h >> 29)
}

/// A raft-core event on server `node`, kept as the core reported it.
///
/// [`CoreRecord::fields`] is the one place that writes a core event's fields
/// down, in order: the JSON a viewer reads (`Serialize`) and the trace hash
/// ([`TraceEvent::hash_into`]) both walk it. So a new [`CoreEvent`] needs its
/// name in [`CoreRecord::kind`] and its fields here, and nothing else.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreRecord {
    pub node: u64,
    pub event: CoreEvent,
}

/// Where [`CoreRecord::fields`] writes: a JSON map or the trace hash.
pub trait Fields {
    fn u64(&mut self, name: &'static str, v: u64);
    fn bool(&mut self, name: &'static str, v: bool);
    fn str(&mut self, name: &'static str, v: &str);
    /// A core reason (crate::reason); `None` is written as null.
    fn reason(&mut self, name: &'static str, v: Option<&Reason>);
}

impl CoreRecord {
    /// The event's `kind`, as the page's message table names it.
    pub fn kind(&self) -> &'static str {
        match self.event {
            CoreEvent::RoleChanged { .. } => "role-changed",
            CoreEvent::TermChanged { .. } => "term-changed",
            CoreEvent::VoteGranted { .. } => "vote-granted",
            CoreEvent::VoteDenied { .. } => "vote-denied",
            CoreEvent::AppendRejected { .. } => "append-rejected",
            CoreEvent::EntriesAppended { .. } => "entries-appended",
            CoreEvent::EntriesTruncated { .. } => "entries-truncated",
            CoreEvent::CommitAdvanced { .. } => "commit-advanced",
            CoreEvent::SnapshotTaken { .. } => "snapshot-taken",
            CoreEvent::SnapshotInstalled { .. } => "snapshot-installed",
            CoreEvent::SnapshotSent { .. } => "snapshot-sent",
            CoreEvent::ProposalDropped { .. } => "proposal-dropped",
            CoreEvent::ReadRejected { .. } => "read-rejected",
            CoreEvent::TransferStarted { .. } => "transfer-started",
            CoreEvent::TransferAborted { .. } => "transfer-aborted",
            CoreEvent::MembershipChanged { .. } => "membership-changed",
        }
    }

    /// `node`, then the event's fields in declaration order; roles as their
    /// view-model names, reasons as `{ "code": ... }` values.
    pub fn fields(&self, out: &mut impl Fields) {
        out.u64("node", self.node);
        match &self.event {
            CoreEvent::RoleChanged { from, to, term, reason } => {
                out.str("from", role_name(*from));
                out.str("to", role_name(*to));
                out.u64("term", *term);
                out.reason("reason", Some(&reason_value(reason)));
            }
            CoreEvent::TermChanged { from, to } | CoreEvent::CommitAdvanced { from, to } => {
                out.u64("from", *from);
                out.u64("to", *to);
            }
            CoreEvent::VoteGranted { candidate, term, pre_vote } => {
                out.u64("candidate", *candidate);
                out.u64("term", *term);
                out.bool("pre_vote", *pre_vote);
                out.reason("reason", None);
            }
            CoreEvent::VoteDenied { candidate, term, pre_vote, reason } => {
                out.u64("candidate", *candidate);
                out.u64("term", *term);
                out.bool("pre_vote", *pre_vote);
                out.reason("reason", Some(&reason_value(reason)));
            }
            CoreEvent::AppendRejected { leader, reason } => {
                out.u64("leader", *leader);
                out.reason("reason", Some(&reason_value(reason)));
            }
            CoreEvent::EntriesAppended { first_index, last_index } => {
                out.u64("first_index", *first_index);
                out.u64("last_index", *last_index);
            }
            CoreEvent::EntriesTruncated { from_index, to_index } => {
                out.u64("from_index", *from_index);
                out.u64("to_index", *to_index);
            }
            CoreEvent::SnapshotTaken { index, term } => {
                out.u64("index", *index);
                out.u64("term", *term);
            }
            CoreEvent::SnapshotInstalled { index, term, from } => {
                out.u64("index", *index);
                out.u64("term", *term);
                out.u64("from", *from);
            }
            CoreEvent::SnapshotSent { to, index } => {
                out.u64("to", *to);
                out.u64("index", *index);
            }
            CoreEvent::ProposalDropped { reason } => out.reason("reason", Some(&reason_value(reason))),
            CoreEvent::ReadRejected { ctx, reason } => {
                out.u64("ctx", *ctx);
                out.reason("reason", Some(&reason_value(reason)));
            }
            CoreEvent::TransferStarted { to } | CoreEvent::TransferAborted { to } => out.u64("to", *to),
            CoreEvent::MembershipChanged { index } => out.u64("index", *index),
        }
    }
}

/// The hash ignores names: fields go in by position, as every event's do.
impl Fields for FieldHasher {
    fn u64(&mut self, _: &'static str, v: u64) {
        FieldHasher::u64(self, v);
    }
    fn bool(&mut self, _: &'static str, v: bool) {
        FieldHasher::bool(self, v);
    }
    fn str(&mut self, _: &'static str, v: &str) {
        FieldHasher::str(self, v);
    }
    fn reason(&mut self, _: &'static str, v: Option<&Reason>) {
        match v {
            Some(reason) => reason.hash_into(self),
            // What a JSON null hashed as when reasons were `serde_json::Value`s.
            None => self.tag(b'n'),
        }
    }
}

/// Writes fields into a serde map, keeping the first error (for the tests
/// that compare crate::json's output with serde_json's).
#[cfg(test)]
struct MapFields<'a, M: SerializeMap> {
    map: &'a mut M,
    error: Option<M::Error>,
}

#[cfg(test)]
impl<M: SerializeMap> MapFields<'_, M> {
    fn entry<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(name, v).err();
        }
    }
}

#[cfg(test)]
impl<M: SerializeMap> Fields for MapFields<'_, M> {
    fn u64(&mut self, name: &'static str, v: u64) {
        self.entry(name, &v);
    }
    fn bool(&mut self, name: &'static str, v: bool) {
        self.entry(name, &v);
    }
    fn str(&mut self, name: &'static str, v: &str) {
        self.entry(name, v);
    }
    fn reason(&mut self, name: &'static str, v: Option<&Reason>) {
        self.entry(name, &v);
    }
}

#[cfg(test)]
impl Serialize for CoreRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind())?;
        let mut fields = MapFields { map: &mut map, error: None };
        self.fields(&mut fields);
        if let Some(e) = fields.error {
            return Err(e);
        }
        map.end()
    }
}

/// Feeds values into the running trace hash in a platform-independent form,
/// one 64-bit word per [`mix_word`]: integers as themselves, a bool as 0 or
/// 1, a tag byte as its value, strings as their length then their bytes in
/// little-endian words of 8 (the last one padded with zeros; the length
/// tells `("ab", "c")` from `("a", "bc")`), options with a bool first.
pub struct FieldHasher(pub u64);

impl FieldHasher {
    #[inline]
    pub fn u64(&mut self, v: u64) {
        self.0 = mix_word(self.0, v);
    }
    #[inline]
    pub fn bool(&mut self, v: bool) {
        self.u64(v as u64);
    }
    /// A one-byte tag (a JSON value's kind in a reason: `n`, `s`, `#`, `{`).
    #[inline]
    pub fn tag(&mut self, t: u8) {
        self.u64(u64::from(t));
    }
    pub fn str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut h = mix_word(self.0, bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            h = mix_word(h, u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            h = mix_word(h, u64::from_le_bytes(last));
        }
        self.0 = h;
    }
    pub fn opt_u64(&mut self, v: Option<u64>) {
        self.bool(v.is_some());
        self.u64(v.unwrap_or(0));
    }
    pub fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        self.str(v.unwrap_or(""));
    }
}

impl TraceEvent {
    /// Feed this event into `h`: its time, its kind (by name), then its
    /// fields in declaration order.
    pub fn hash_into(&self, h: &mut FieldHasher) {
        use EventKind::*;
        h.u64(self.time_ms);
        match &self.kind {
            MessageSent { id, from, to, ty, send_ms, deliver_ms } => {
                h.str("message-sent");
                [*id, *from, *to].iter().for_each(|v| h.u64(*v));
                h.str(ty);
                h.u64(*send_ms);
                h.u64(*deliver_ms);
            }
            MessageDelivered { id, from, to, ty } => {
                h.str("message-delivered");
                [*id, *from, *to].iter().for_each(|v| h.u64(*v));
                h.str(ty);
            }
            MessageDropped { id, from, to, ty, why } => {
                h.str("message-dropped");
                [*id, *from, *to].iter().for_each(|v| h.u64(*v));
                h.str(ty);
                h.str(why);
            }
            EntryApplied { node, index, term, command } => {
                h.str("entry-applied");
                [*node, *index, *term].iter().for_each(|v| h.u64(*v));
                h.str(command);
            }
            Core(record) => {
                h.str(record.kind());
                record.fields(h);
            }
            Crash { node } => {
                h.str("crash");
                h.u64(*node);
            }
            Restart { node } => {
                h.str("restart");
                h.u64(*node);
            }
            DiskWrite { node, done_ms, readies } => {
                h.str("disk-write");
                [*node, *done_ms, *readies].iter().for_each(|v| h.u64(*v));
            }
            DiskWriteDone { node, readies } => {
                h.str("disk-write-done");
                [*node, *readies].iter().for_each(|v| h.u64(*v));
            }
            DiskWritesLost { node, writes, readies } => {
                h.str("disk-writes-lost");
                [*node, *writes, *readies].iter().for_each(|v| h.u64(*v));
            }
            NodeAdded { node } => {
                h.str("node-added");
                h.u64(*node);
            }
            Partition { groups } => {
                h.str("partition");
                h.u64(groups.len() as u64);
                for g in groups {
                    h.u64(g.len() as u64);
                    g.iter().for_each(|v| h.u64(*v));
                }
            }
            Heal => h.str("heal"),
            Cut { from, to } => {
                h.str("cut");
                h.u64(*from);
                h.u64(*to);
            }
            Uncut { from, to } => {
                h.str("uncut");
                h.u64(*from);
                h.u64(*to);
            }
            ClientInvoke { client, op, key, value, node } => {
                h.str("client-invoke");
                h.u64(*client);
                h.str(op);
                h.str(key);
                h.opt_str(value.as_deref());
                h.opt_u64(*node);
            }
            ClientReturn { client, op, key, result } => {
                h.str("client-return");
                h.u64(*client);
                h.str(op);
                h.str(key);
                h.opt_str(result.as_deref());
            }
            Violation { invariant, message } => {
                h.str("violation");
                h.str(invariant);
                h.str(message);
            }
            Failure { line, message } => {
                h.str("failure");
                h.u64(u64::from(*line));
                h.str(message);
            }
            Command { text, line } => {
                h.str("command");
                h.str(text);
                h.u64(u64::from(*line));
            }
            LeaseExpired { node, lease } => {
                h.str("lease-expired");
                h.u64(*node);
                h.str(lease);
            }
            LeaseRefreshed { node, term, leases } => {
                h.str("lease-refreshed");
                [*node, *term, *leases].iter().for_each(|v| h.u64(*v));
            }
            WatchEvent { watch, node, revision, ty, key, value } => {
                h.str("watch-event");
                h.str(watch);
                h.u64(*node);
                h.u64(*revision);
                h.str(ty);
                h.str(key);
                h.opt_str(value.as_deref());
            }
        }
    }
}

/// At most this many events wait for a viewer (`take`). A page takes them
/// every frame, far below this; a viewer that stops taking (a paused tab, an
/// embedded element scrolled away, a headless run with `keep` on) loses the
/// oldest, which are counted in [`Trace::dropped`], instead of holding the
/// whole history in memory.
pub const PENDING_LIMIT: usize = 20_000;

/// The trace of a run: a running hash and count of every event, and (when
/// `keep` is on) a bounded window of the events not yet taken by a viewer.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub hash: u64,
    pub count: u64,
    /// Keep events for `take` (the page, `--trace`); otherwise only hash them.
    pub keep: bool,
    /// Most events kept for a viewer ([`PENDING_LIMIT`] unless changed; the
    /// CLI's `--trace`, which prints every event, lifts it).
    pub limit: usize,
    /// Kept events that were dropped, oldest first, because no viewer took
    /// them before `limit` more arrived.
    pub dropped: u64,
    pending: Vec<TraceEvent>,
    /// When `keep` is on: the messages sent since the last `take_sent`, with
    /// their contents (the `message-sent` event names only the type), for the
    /// page's inspector. Not hashed; bounded by `MAX_SENT_KEPT`. In chunks
    /// of [`SENT_CHUNK`] behind `Arc`s: a page that never asks keeps
    /// thousands, and every time-travel checkpoint shares the full chunks
    /// instead of copying them.
    sent: Vec<Arc<Vec<(u64, Message)>>>,
}

/// Messages per shared chunk of `Trace::sent`.
const SENT_CHUNK: usize = 256;

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
        Trace {
            hash: TRACE_HASH_SEED,
            count: 0,
            keep,
            limit: PENDING_LIMIT,
            dropped: 0,
            pending: Vec::new(),
            sent: Vec::new(),
        }
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
        if hashed {
            let mut h = FieldHasher(self.hash);
            event.hash_into(&mut h);
            self.hash = h.0;
            self.count += 1;
        }
        if self.keep {
            self.keep_event(event);
        }
    }

    /// Keep `event` for a viewer, dropping the oldest kept events once twice
    /// the limit wait (amortized O(1) per event).
    fn keep_event(&mut self, event: TraceEvent) {
        if self.pending.len() >= self.limit.saturating_mul(2) {
            let excess = self.pending.len() - self.limit;
            self.pending.drain(..excess);
            self.dropped += excess as u64;
        }
        self.pending.push(event);
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
        if self.sent.last().is_none_or(|chunk| chunk.len() >= SENT_CHUNK) {
            if self.sent.len() * SENT_CHUNK >= MAX_SENT_KEPT {
                // Forget the oldest chunk at once, so the cost stays amortized O(1).
                self.sent.remove(0);
            }
            self.sent.push(Arc::new(Vec::with_capacity(SENT_CHUNK)));
        }
        // Copies the newest chunk only if a checkpoint still shares it.
        let newest = self.sent.last_mut().expect("a chunk was just ensured");
        Arc::make_mut(newest).push((id, msg.clone()));
    }

    /// The messages sent since the last call (empty unless `keep`), oldest first.
    pub fn take_sent(&mut self) -> Vec<(u64, Message)> {
        core::mem::take(&mut self.sent).into_iter().flat_map(Arc::unwrap_or_clone).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::VoteDenied;

    #[test]
    fn core_events_serialize_flat_beside_their_kind() {
        let e = TraceEvent {
            time_ms: 5,
            kind: EventKind::Core(CoreRecord {
                node: 1,
                event: CoreEvent::RoleChanged {
                    from: Role::Follower,
                    to: Role::Candidate,
                    term: 2,
                    reason: raft_core::RoleChangeReason::Forced,
                },
            }),
        };
        let expected = serde_json::json!({
            "time_ms": 5, "kind": "role-changed", "node": 1, "from": "follower", "to": "candidate", "term": 2,
            "reason": { "code": "forced" }
        });
        assert_eq!(serde_json::to_value(&e).unwrap(), expected);
        let granted = CoreRecord { node: 3, event: CoreEvent::VoteGranted { candidate: 1, term: 2, pre_vote: true } };
        let expected = serde_json::json!({
            "kind": "vote-granted", "node": 3, "candidate": 1, "term": 2, "pre_vote": true, "reason": null
        });
        assert_eq!(serde_json::to_value(EventKind::Core(granted)).unwrap(), expected);
    }

    #[test]
    fn fnv_known_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
    }

    /// The field encoding: a string is its length, then its bytes 8 to a
    /// little-endian word, the last padded with zeros; so the split between
    /// two strings shows, and a string equals the words it is made of.
    #[test]
    fn strings_hash_as_length_then_padded_words() {
        let fed = |f: &dyn Fn(&mut FieldHasher)| {
            let mut h = FieldHasher(TRACE_HASH_SEED);
            f(&mut h);
            h.0
        };
        let words = fed(&|h| {
            h.u64(9);
            h.u64(u64::from_le_bytes(*b"abcdefgh"));
            h.u64(u64::from(b'i'));
        });
        assert_eq!(fed(&|h| h.str("abcdefghi")), words);
        assert_ne!(fed(&|h| h.str("abcdefgh")), fed(&|h| h.str("abcdefgh\0")));
        assert_ne!(
            fed(&|h| {
                h.str("ab");
                h.str("c")
            }),
            fed(&|h| {
                h.str("a");
                h.str("bc")
            })
        );
        assert_ne!(fed(&|h| h.bool(true)), fed(&|h| h.bool(false)));
        // Each step is a bijection for a fixed word: one changed field always shows.
        assert_ne!(mix_word(1, 5), mix_word(2, 5));
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
    fn every_field_counts_in_the_hash() {
        let hash = |kind: EventKind| {
            let mut t = Trace::new(false);
            t.record(1, kind);
            t.hash
        };
        let put = |key: &str, value: Option<&str>| EventKind::ClientInvoke {
            client: 1,
            op: "put",
            key: key.into(),
            value: value.map(Into::into),
            node: None,
        };
        assert_ne!(hash(put("ab", Some("c"))), hash(put("a", Some("bc"))), "strings are length-prefixed");
        assert_ne!(hash(put("a", Some(""))), hash(put("a", None)), "Some(\"\") is not None");
        let denied = |last_index: u64| {
            EventKind::Core(CoreRecord {
                node: 1,
                event: CoreEvent::VoteDenied {
                    candidate: 2,
                    term: 3,
                    pre_vote: false,
                    reason: VoteDenied::LogBehind {
                        candidate_last_term: 1,
                        candidate_last_index: 2,
                        last_term: 3,
                        last_index,
                    },
                },
            })
        };
        assert_ne!(hash(denied(4)), hash(denied(5)), "reason fields are hashed");
        assert_ne!(hash(EventKind::Crash { node: 1 }), hash(EventKind::Restart { node: 1 }), "the kind is hashed");
    }

    #[test]
    fn kept_events_are_a_bounded_window_of_the_newest() {
        let mut t = Trace::new(true);
        let n = 3 * PENDING_LIMIT as u64;
        for i in 0..n {
            t.record(i, EventKind::Crash { node: 1 });
        }
        let kept = t.take();
        assert!(kept.len() >= PENDING_LIMIT && kept.len() <= 2 * PENDING_LIMIT);
        assert_eq!(kept.last().map(|e| e.time_ms), Some(n - 1), "the newest is kept");
        assert_eq!(t.dropped + kept.len() as u64, n, "every event is either kept or counted as dropped");
        assert_eq!(t.count, n, "the hash covers every event");
    }

    #[test]
    fn event_json_shape() {
        let e = TraceEvent {
            time_ms: 5,
            kind: EventKind::MessageDropped { id: 3, from: 1, to: 2, ty: "AppendEntries", why: "loss".into() },
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "message-dropped");
        assert_eq!(v["type"], "AppendEntries");
        assert_eq!(v["time_ms"], 5);
    }

    #[test]
    fn reasons_become_codes() {
        let r = reason_value(&VoteDenied::LogBehind {
            candidate_last_term: 1,
            candidate_last_index: 2,
            last_term: 3,
            last_index: 4,
        });
        assert_eq!(r.code(), "log-behind");
        assert_eq!(r.get("last_term"), Some(crate::reason::ReasonValue::U64(3)));
        assert_eq!(reason_value(&VoteDenied::NotVoter).code(), "not-voter");
    }

    /// Kept sent messages: the newest (at least MAX_SENT_KEPT - SENT_CHUNK,
    /// at most MAX_SENT_KEPT), in order; a clone (checkpoint) keeps its own.
    #[test]
    fn sent_messages_keep_the_newest_and_clones_keep_theirs() {
        let msg = |term| Message {
            from: 1,
            to: 2,
            term,
            body: raft_core::MessageBody::RequestVote {
                last_log_index: 0,
                last_log_term: 0,
                pre_vote: false,
                transfer: false,
                removed: false,
            },
        };
        let mut trace = Trace::new(true);
        let mut checkpoint = None;
        for id in 0..10_000u64 {
            trace.record_sent(id, &msg(id));
            if id == 999 {
                checkpoint = Some(trace.clone());
            }
        }
        let sent = trace.take_sent();
        assert!((MAX_SENT_KEPT - SENT_CHUNK..=MAX_SENT_KEPT).contains(&sent.len()), "{} kept", sent.len());
        assert_eq!(sent.last().map(|(id, _)| *id), Some(9_999));
        assert!(sent.windows(2).all(|w| w[1].0 == w[0].0 + 1 && w[1].1.term == w[1].0), "in order, contents intact");
        assert!(trace.take_sent().is_empty(), "taken");
        let early = checkpoint.expect("taken at 999").take_sent();
        assert_eq!(early.iter().map(|(id, _)| *id).collect::<Vec<_>>(), (0..1000).collect::<Vec<_>>());
        let mut quiet = Trace::new(false);
        quiet.record_sent(1, &msg(1));
        assert!(quiet.take_sent().is_empty(), "nothing kept without keep");
    }
}
