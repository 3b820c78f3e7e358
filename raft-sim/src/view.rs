//! The view model of docs/view-model.md: what `raft-sim run --json` prints and
//! what raft-wasm's `Simulation.state()` returns. The v1 field names are a
//! contract; the rest are extensions the page needs.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

#[cfg(test)]
use serde::Serialize;

use raft_core::{Entry, Message, MessageBody, NodeId, ProgressState};

use crate::invariants::Violation;
use crate::network::Counts;
use crate::reason::{reason_value, Reason};
use crate::scenario::ast::ReadMode;
use crate::scenario::run::{Failure, Runner};
use crate::trace::role_name;
use crate::world::{describe_entry, Node, World};

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct View {
    pub ok: bool,
    pub time_ms: u64,
    pub seed: u64,
    pub failures: Vec<Failure>,
    pub violations: Vec<Violation>,
    pub messages: Messages,
    pub nodes: Vec<NodeView>,
    pub history: Vec<HistoryView>,
    // extensions
    /// Client operations in the whole run; `history` holds the newest of them
    /// (all of them in the CLI's view, a bounded tail in the page's).
    pub history_total: u64,
    pub in_flight: Vec<InFlightView>,
    pub network: NetworkView,
    /// Extension (issue 12): where the servers sit, in the order the zones
    /// were first named; a server is in at most one. Empty by default.
    pub zones: Vec<ZoneView>,
    pub setup: SetupView,
    pub members: Vec<NodeId>,
    /// The up node that is leader in the highest term (`World::leader`, the
    /// scenario language's `leader`), so the page never decides it again.
    pub leader: Option<NodeId>,
    /// What the run costs so far (docs/view-model.md, "Metrics").
    pub metrics: crate::metrics::MetricsSummary,
    pub trace_hash: String,
    pub trace_events: u64,
    /// Invariants the scenario expects to fire (`# expect-violation:`).
    pub expected_violations: Vec<String>,
    /// `set disk-latency`, `set group-commit` (crate::disk).
    pub disk: DiskSettingsView,
    /// etcd (issue 11): one server's keys, the leases, the watchers.
    pub etcd: EtcdView,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct DiskSettingsView {
    /// `[0, 0]`: persisting is instant.
    pub latency_ms: [u64; 2],
    pub group_commit: bool,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Messages {
    pub sent: Counts,
    pub delivered: Counts,
    pub dropped: Counts,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct LogEntryView {
    pub index: u64,
    pub term: u64,
    pub command: String,
}

/// One active configuration and what a decision needs from it, as raft-core
/// reports it (`Status::quorum`): `role` is `all`, or `new` / `old` during
/// joint consensus; `have` counts (leader) voters storing its newest entry or
/// (candidate) votes granted, and is null otherwise.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct QuorumView {
    pub role: &'static str,
    pub ids: Vec<NodeId>,
    pub need: u32,
    pub have: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct MembershipView {
    pub voters: Vec<NodeId>,
    pub voters_outgoing: Vec<NodeId>,
    pub learners: Vec<NodeId>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct ProgressView {
    pub id: NodeId,
    pub next_index: u64,
    pub match_index: u64,
    pub state: &'static str,
    /// AppendEntries carrying entries sent to this peer and not yet
    /// acknowledged (capped by `set max-inflight` / `set pipeline off`).
    pub inflight: usize,
    pub is_learner: bool,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct NodeView {
    pub id: NodeId,
    pub up: bool,
    pub role: &'static str,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    pub commit: u64,
    pub applied: u64,
    pub last_index: u64,
    pub snapshot_index: u64,
    pub log: Vec<LogEntryView>,
    pub kv: BTreeMap<String, String>,
    // extensions
    /// Index of `log[0]`: the log holds `log_from ..= last_index` (the whole
    /// log after the snapshot in the CLI's view; the newest entries in the
    /// page's, which fetches any other range with `log_window`).
    pub log_from: u64,
    pub snapshot_term: u64,
    pub leader_id: Option<NodeId>,
    pub timer_elapsed_ms: u64,
    pub timer_timeout_ms: u64,
    pub membership: MembershipView,
    pub progress: Vec<ProgressView>,
    pub transfer_target: Option<NodeId>,
    pub votes_granted: Vec<NodeId>,
    /// Empty while the node is down.
    pub quorum: Vec<QuorumView>,
    /// Its disk (`set disk-latency`): idle and all zero with an instant disk.
    pub disk: DiskView,
    /// etcd: the revision of its applied store (0 before any write, and while down).
    pub revision: u64,
}

/// A server's disk writes in progress (crate::disk).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct DiskView {
    /// Readies waiting for a write (their messages, applies and reads are held).
    pub pending: u64,
    /// Writes queued, the one in progress included.
    pub writes: u64,
    /// The write in progress: started at, durable at.
    pub write_started_ms: Option<u64>,
    pub write_done_ms: Option<u64>,
    /// When the last queued write completes.
    pub busy_until_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct HistoryView {
    pub client: u64,
    pub op: &'static str,
    pub key: String,
    pub value: Option<String>,
    pub invoked_ms: u64,
    pub returned_ms: Option<u64>,
    pub result: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct InFlightView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    #[cfg_attr(test, serde(rename = "type"))]
    pub ty: &'static str,
    pub send_ms: u64,
    pub deliver_ms: u64,
    pub term: u64,
    pub entries: Option<u64>,
    pub success: Option<bool>,
    pub detail: String,
    /// Extension: this copy will be lost (decided when it was sent).
    pub lost: bool,
    /// Extension: the message's contents under Figure 2's names (the
    /// inspector shows them); see [`MessageFields`]. Absent from the page's
    /// per-frame view ([`Limits::message_fields`] false), which gets them
    /// once per message from `sent_messages()` instead.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub fields: Option<MessageFields>,
}

/// A message's contents as Figure 2 of the Raft paper names them. Only the
/// fields of the message's own RPC are present (the others are omitted from
/// the JSON), so `fields` of an AppendEntries reads like the paper's table:
/// `term, leader_id, prev_log_index, prev_log_term, entries[], leader_commit`.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct MessageFields {
    pub term: u64,
    /// AppendEntries / InstallSnapshot / TimeoutNow: the sender, a leader.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub leader_id: Option<NodeId>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub prev_log_index: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub prev_log_term: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub entries: Option<Vec<LogEntryView>>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub leader_commit: Option<u64>,
    /// RequestVote (and Pre-Vote): the sender, a candidate.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub candidate_id: Option<NodeId>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub last_log_index: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub last_log_term: Option<u64>,
    /// Pre-Vote phase (thesis §9.6) for RequestVote and its reply.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub pre_vote: Option<bool>,
    /// RequestVote sent because of TimeoutNow (leadership transfer, §3.10).
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub transfer: Option<bool>,
    /// RequestVote from a candidate outside its own latest configuration
    /// (§4.2.3); present only when true.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub removed: Option<bool>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub vote_granted: Option<bool>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub success: Option<bool>,
    /// AppendEntries reply: on success the last index known to match; on
    /// failure the rejected prev_log_index.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub match_index: Option<u64>,
    /// The fast-backup hint of a failed AppendEntries (thesis §5.3).
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub conflict_term: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub conflict_index: Option<u64>,
    /// Why a vote was denied or an append rejected (`{ code, … }`).
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub reason: Option<Reason>,
    /// ReadIndex round this heartbeat (or its reply) confirms (thesis §6.4).
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub read_ctx: Option<u64>,
    /// InstallSnapshot: the snapshot's last included index and term.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub last_included_index: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub last_included_term: Option<u64>,
    /// InstallSnapshot reply: the follower's commit index afterwards.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub last_index: Option<u64>,
}

/// What message `id` carries, under Figure 2's names.
pub fn message_fields(msg: &Message) -> MessageFields {
    let mut f = MessageFields { term: msg.term, ..MessageFields::default() };
    let nonzero = |v: u64| if v == 0 { None } else { Some(v) };
    match &msg.body {
        MessageBody::RequestVote { last_log_index, last_log_term, pre_vote, transfer, removed } => {
            f.removed = removed.then_some(true);
            f.candidate_id = Some(msg.from);
            f.last_log_index = Some(*last_log_index);
            f.last_log_term = Some(*last_log_term);
            f.pre_vote = Some(*pre_vote);
            f.transfer = Some(*transfer);
        }
        MessageBody::RequestVoteResponse { pre_vote, vote_granted, reason } => {
            f.vote_granted = Some(*vote_granted);
            f.pre_vote = Some(*pre_vote);
            f.reason = reason.as_ref().map(reason_value);
        }
        MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, read_ctx } => {
            f.leader_id = Some(msg.from);
            f.prev_log_index = Some(*prev_log_index);
            f.prev_log_term = Some(*prev_log_term);
            f.entries = Some(
                entries
                    .iter()
                    .map(|e| LogEntryView { index: e.index, term: e.term, command: describe_entry(&e.kind) })
                    .collect(),
            );
            f.leader_commit = Some(*leader_commit);
            f.read_ctx = nonzero(*read_ctx);
        }
        MessageBody::AppendEntriesResponse { success, match_index, conflict, reason, read_ctx } => {
            f.success = Some(*success);
            f.match_index = Some(*match_index);
            if let Some(c) = conflict {
                f.conflict_term = c.conflict_term;
                f.conflict_index = Some(c.first_index);
            }
            f.reason = reason.as_ref().map(reason_value);
            f.read_ctx = nonzero(*read_ctx);
        }
        MessageBody::InstallSnapshot { snapshot } => {
            f.leader_id = Some(msg.from);
            f.last_included_index = Some(snapshot.last_included_index);
            f.last_included_term = Some(snapshot.last_included_term);
        }
        MessageBody::InstallSnapshotResponse { last_index } => f.last_index = Some(*last_index),
        MessageBody::TimeoutNow => f.leader_id = Some(msg.from),
    }
    f
}

/// A sent message as `Simulation.sent_messages()` reports it: its id and
/// contents (the trace's `message-sent` event has the rest).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct SentMessageView {
    pub id: u64,
    pub fields: MessageFields,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct NetworkView {
    pub latency_ms: [u64; 2],
    pub loss: f64,
    pub duplicate: f64,
    pub partition: Option<Vec<Vec<NodeId>>>,
    pub cuts: Vec<[NodeId; 2]>,
    /// Extension (issue 12, where replicas sit): latency rules more specific
    /// than `latency_ms`, in the order they were first set. Empty by default.
    pub zone_latency: Vec<ZoneLatencyView>,
    pub link_latency: Vec<LinkLatencyView>,
}

/// A named group of servers (`zone NAME nA nB …`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct ZoneView {
    pub name: String,
    pub nodes: Vec<NodeId>,
}

/// `set latency zone A <-> zone B LO..HI` (A = B: within the zone).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct ZoneLatencyView {
    pub a: String,
    pub b: String,
    pub latency_ms: [u64; 2],
}

/// `set latency nA <-> nB LO..HI`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct LinkLatencyView {
    pub a: NodeId,
    pub b: NodeId,
    pub latency_ms: [u64; 2],
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct SetupView {
    pub cluster: u32,
    pub seed: u64,
    pub election_timeout_ms: [u64; 2],
    pub heartbeat_ms: u64,
    pub prevote: bool,
    pub check_quorum: bool,
    pub snapshot_threshold: u64,
    pub read_mode: &'static str,
    pub max_entries: u64,
    /// Extension: batching and pipelining (`set batch-delay`, `set pipeline`,
    /// `set max-inflight`; null max_inflight = unlimited).
    pub batch_delay_ms: u64,
    pub pipeline: bool,
    pub max_inflight: Option<u64>,
    /// Extension: the break-Raft switches that are on (`set bug NAME on`),
    /// so the page can say loudly that this run is deliberately broken.
    pub bugs: Vec<&'static str>,
}

/// How much history a view carries. The CLI's `--json` view (v1) carries
/// everything; the page's carries what it draws, so that building it costs
/// the same after an hour as after a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The newest entries of each log (None: the whole log).
    pub log_tail: Option<usize>,
    /// The newest client operations (None: all of them).
    pub history_tail: Option<usize>,
    /// Each in-flight message's `fields` (its Figure 2 contents). A page that
    /// collects them from `sent_messages()` as messages are sent need not
    /// have them serialized again every frame for every message in flight.
    pub message_fields: bool,
    /// The newest metrics windows (usize::MAX: all of them).
    pub metrics_windows: usize,
}

impl Limits {
    pub const ALL: Limits =
        Limits { log_tail: None, history_tail: None, message_fields: true, metrics_windows: usize::MAX };
    /// The page's view: enough entries for the widest log panel at its
    /// smallest cell; older ones come from [`log_window`] on demand.
    pub const PAGE: Limits = Limits {
        log_tail: Some(PAGE_LOG_TAIL),
        history_tail: Some(PAGE_HISTORY_TAIL),
        message_fields: true,
        metrics_windows: crate::metrics::PAGE_WINDOWS,
    };
    /// What the page's animation frame reads: each log's newest `log_tail`
    /// entries (what the log panel shows, at most [`MAX_LOG_WINDOW`]), no
    /// client operations (`history_total` still counts them), no in-flight
    /// `fields` and no metrics windows, so a frame's view costs what the frame
    /// draws.
    pub fn frame(log_tail: usize) -> Limits {
        Limits {
            log_tail: Some(log_tail.min(MAX_LOG_WINDOW as usize)),
            history_tail: Some(0),
            message_fields: false,
            metrics_windows: 0,
        }
    }
}

/// Entries of each log in the page's view model.
pub const PAGE_LOG_TAIL: usize = 96;
/// Client operations in the page's view model.
pub const PAGE_HISTORY_TAIL: usize = 200;
/// Most entries one [`log_window`] call returns.
pub const MAX_LOG_WINDOW: u64 = 1024;

fn entry_views<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<LogEntryView> {
    entries.map(|e| LogEntryView { index: e.index, term: e.term, command: describe_entry(&e.kind) }).collect()
}

/// Entries `from .. from + count` of node `id`'s log, as far as it holds them
/// (at most [`MAX_LOG_WINDOW`]): what the page's log panel fetches when it
/// scrolls back past the tail carried by the view model. Empty for an
/// unknown node or a range outside the log.
pub fn log_window(world: &World, id: NodeId, from: u64, count: u64) -> Vec<LogEntryView> {
    let Some(node) = world.nodes.get(&id) else { return Vec::new() };
    let (_, entries) = node.log();
    let Some(first) = entries.first().map(|e| e.index) else { return Vec::new() };
    let lo = from.max(first);
    let hi = from.saturating_add(count.min(MAX_LOG_WINDOW)).min(first + entries.len() as u64);
    if lo >= hi {
        return Vec::new();
    }
    entry_views(entries.range((lo - first) as usize..(hi - first) as usize))
}

fn disk_view(node: &Node) -> DiskView {
    let d = &node.disk;
    let head = d.writes.front();
    DiskView {
        pending: d.pending() as u64,
        writes: d.writes.len() as u64,
        write_started_ms: head.map(|w| w.start_ms),
        write_done_ms: head.map(|w| w.done_ms),
        busy_until_ms: d.busy_until_ms(),
    }
}

fn node_view(node: &Node, limits: Limits) -> NodeView {
    let (snap, entries) = node.log();
    let shown_from = match limits.log_tail {
        Some(tail) => entries.len().saturating_sub(tail),
        None => 0,
    };
    let log = entry_views(entries.range(shown_from..entries.len()));
    let log_from = entries
        .get(shown_from)
        .map_or_else(|| snap.map_or(0, |s| s.last_included_index) + entries.len() as u64 + 1, |e| e.index);
    let snapshot_index = snap.map_or(0, |s| s.last_included_index);
    let snapshot_term = snap.map_or(0, |s| s.last_included_term);
    match &node.raw {
        Some(raw) => {
            let s = raw.status();
            NodeView {
                id: node.id,
                up: true,
                role: role_name(s.role),
                term: s.current_term,
                voted_for: s.voted_for,
                commit: s.commit_index,
                applied: node.applied,
                last_index: s.last_index,
                snapshot_index: s.snapshot_index,
                log,
                kv: node.kv.map.clone(),
                log_from,
                snapshot_term: s.snapshot_term,
                leader_id: s.leader_id,
                timer_elapsed_ms: s.timer_elapsed,
                timer_timeout_ms: s.timer_timeout,
                membership: MembershipView {
                    voters: s.membership.voters.clone(),
                    voters_outgoing: s.membership.voters_outgoing.clone(),
                    learners: s.membership.learners.clone(),
                },
                progress: s
                    .progress
                    .iter()
                    .map(|p| ProgressView {
                        id: p.id,
                        next_index: p.next_index,
                        match_index: p.match_index,
                        state: match p.state {
                            ProgressState::Probe => "probe",
                            ProgressState::Replicate => "replicate",
                            ProgressState::Snapshot => "snapshot",
                        },
                        inflight: p.inflight,
                        is_learner: p.is_learner,
                    })
                    .collect(),
                transfer_target: s.transfer_target,
                votes_granted: s.votes_granted.clone(),
                quorum: s
                    .quorum
                    .iter()
                    .map(|q| QuorumView {
                        role: match (q.outgoing, s.quorum.len()) {
                            (true, _) => "old",
                            (false, 1) => "all",
                            (false, _) => "new",
                        },
                        ids: q.voters.clone(),
                        need: q.need,
                        have: q.have,
                    })
                    .collect(),
                disk: disk_view(node),
                revision: node.kv.revision,
            }
        }
        None => {
            let hs = &node.storage.hard_state;
            let membership = snap.map(|s| s.membership.clone()).unwrap_or_default();
            NodeView {
                id: node.id,
                up: false,
                role: "down",
                term: hs.current_term,
                voted_for: hs.voted_for,
                commit: 0,
                applied: 0,
                last_index: snapshot_index + entries.len() as u64,
                snapshot_index,
                log,
                kv: BTreeMap::new(),
                log_from,
                snapshot_term,
                leader_id: None,
                timer_elapsed_ms: 0,
                timer_timeout_ms: 0,
                membership: MembershipView {
                    voters: membership.voters,
                    voters_outgoing: membership.voters_outgoing,
                    learners: membership.learners,
                },
                progress: Vec::new(),
                transfer_target: None,
                votes_granted: Vec::new(),
                quorum: Vec::new(),
                disk: DiskView::default(),
                revision: 0,
            }
        }
    }
}

/// A one-line summary of a message's contents for the page.
fn message_detail(body: &MessageBody) -> (Option<u64>, Option<bool>, String) {
    use alloc::format;
    match body {
        MessageBody::RequestVote { last_log_index, last_log_term, pre_vote, transfer, removed } => (
            None,
            None,
            format!(
                "last={}/{}{}{}{}",
                last_log_index,
                last_log_term,
                if *pre_vote { " pre-vote" } else { "" },
                if *transfer { " transfer" } else { "" },
                if *removed { " removed" } else { "" }
            ),
        ),
        MessageBody::RequestVoteResponse { vote_granted, .. } => {
            (None, Some(*vote_granted), (if *vote_granted { "granted" } else { "denied" }).to_string())
        }
        MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, .. } => (
            Some(entries.len() as u64),
            None,
            format!("prev={}/{} commit={}", prev_log_index, prev_log_term, leader_commit),
        ),
        MessageBody::AppendEntriesResponse { success, match_index, .. } => {
            (None, Some(*success), format!("match={}", match_index))
        }
        MessageBody::InstallSnapshot { snapshot } => {
            (None, None, format!("snapshot={}/{}", snapshot.last_included_index, snapshot.last_included_term))
        }
        MessageBody::InstallSnapshotResponse { last_index } => (None, None, format!("last={}", last_index)),
        MessageBody::TimeoutNow => (None, None, String::new()),
    }
}

/// Build the whole view model of a runner's world (call `Runner::view`, which
/// runs the linearizability check first).
pub fn build(runner: &Runner) -> View {
    build_limited(runner, Limits::ALL)
}

/// Build the view model with at most `limits` of history.
pub fn build_limited(runner: &Runner, limits: Limits) -> View {
    let w = &runner.world;
    let ops = &w.clients.ops;
    let ops = ops.iter_from(match limits.history_tail {
        Some(tail) => ops.len().saturating_sub(tail),
        None => 0,
    });
    let setup = &w.setup;
    View {
        ok: runner.ok(),
        time_ms: w.now,
        seed: setup.seed,
        failures: runner.failures.clone(),
        violations: w.checker.violations.clone(),
        messages: Messages {
            sent: w.network.sent.clone(),
            delivered: w.network.delivered.clone(),
            dropped: w.network.dropped.clone(),
        },
        nodes: w.nodes.values().map(|n| node_view(n, limits)).collect(),
        history_total: w.clients.total(),
        history: ops
            .map(|op| HistoryView {
                client: op.client,
                op: op.op.name(),
                key: op.key.clone(),
                value: op.value.clone(),
                invoked_ms: op.invoked_ms,
                returned_ms: op.returned_ms,
                result: op.shown_result(),
            })
            .collect(),
        in_flight: w
            .network
            .in_flight()
            .map(|m| {
                let (entries, success, detail) = message_detail(&m.msg.body);
                InFlightView {
                    id: m.id,
                    from: m.msg.from,
                    to: m.msg.to,
                    ty: m.msg.body.kind_name(),
                    send_ms: m.send_ms,
                    deliver_ms: m.deliver_ms,
                    term: m.msg.term,
                    entries,
                    success,
                    detail,
                    lost: m.lost,
                    fields: limits.message_fields.then(|| message_fields(&m.msg)),
                }
            })
            .collect(),
        network: NetworkView {
            latency_ms: [w.network.latency.0, w.network.latency.1],
            loss: w.network.loss,
            duplicate: w.network.duplicate,
            partition: w.network.partition.clone(),
            cuts: w.network.cuts.iter().map(|(a, b)| [*a, *b]).collect(),
            zone_latency: w
                .network
                .zone_latency
                .iter()
                .map(|z| ZoneLatencyView { a: z.a.clone(), b: z.b.clone(), latency_ms: [z.latency.0, z.latency.1] })
                .collect(),
            link_latency: w
                .network
                .link_latency
                .iter()
                .map(|l| LinkLatencyView { a: l.a, b: l.b, latency_ms: [l.latency.0, l.latency.1] })
                .collect(),
        },
        zones: w.network.zones.iter().map(|z| ZoneView { name: z.name.clone(), nodes: z.nodes.clone() }).collect(),
        setup: SetupView {
            cluster: setup.cluster,
            seed: setup.seed,
            election_timeout_ms: [setup.election_timeout.0, setup.election_timeout.1],
            heartbeat_ms: setup.heartbeat,
            prevote: setup.prevote,
            check_quorum: setup.check_quorum,
            snapshot_threshold: setup.snapshot_threshold,
            read_mode: match setup.read_mode {
                ReadMode::Log => "log",
                ReadMode::ReadIndex => "read-index",
                ReadMode::Lease => "lease",
            },
            max_entries: setup.max_entries,
            batch_delay_ms: setup.batch_delay,
            pipeline: setup.pipeline,
            max_inflight: setup.max_inflight,
            bugs: setup.bugs.enabled(),
        },
        members: w.nodes.keys().copied().collect(),
        leader: w.leader().map(|(id, _)| id),
        metrics: w.metrics.summary(w.now, limits.metrics_windows),
        trace_hash: alloc::format!("{:016x}", w.trace.hash),
        trace_events: w.trace.count,
        expected_violations: runner.expected_violations.iter().cloned().collect(),
        disk: DiskSettingsView { latency_ms: [w.disk.latency.0, w.disk.latency.1], group_commit: w.disk.group_commit },
        etcd: etcd_view(w),
    }
}

// ---------------------------------------------------------------------------
// etcd (issue 11; docs/view-model.md, "etcd").

/// Keys, leases and watchers as the page's key-value panel draws them.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct EtcdView {
    /// The server whose store `keys` shows: the leader if any, else the up
    /// server with the highest revision; null if none is up.
    pub server: Option<NodeId>,
    pub revision: u64,
    /// That server's keys in key order, at most [`ETCD_KEYS_SHOWN`].
    pub keys: Vec<EtcdKeyView>,
    pub keys_total: u64,
    /// Leases in grant order (the newest [`crate::etcd::MAX_LEASE_RECORDS`]).
    pub leases: Vec<EtcdLeaseView>,
    /// Watches in start order (the newest [`crate::etcd::MAX_WATCHERS`]).
    pub watchers: Vec<EtcdWatcherView>,
}

/// Keys in the view (the rest are counted in `keys_total`).
pub const ETCD_KEYS_SHOWN: usize = 200;

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct EtcdKeyView {
    pub key: String,
    pub value: String,
    pub create_revision: u64,
    pub mod_revision: u64,
    pub version: u64,
    pub lease: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct EtcdLeaseView {
    pub name: String,
    pub id: u64,
    pub ttl_ms: u64,
    /// The current leader's view; null without a leader or once ended.
    pub remaining_ms: Option<u64>,
    /// `alive`, `expired` or `revoked`.
    pub state: &'static str,
    /// A client is keeping it alive now.
    pub keepalive: bool,
    pub keys: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct EtcdWatcherView {
    pub name: String,
    pub prefix: String,
    /// The first revision it streams (null until it first connects).
    pub from: Option<u64>,
    /// The server it streams from, or null.
    pub via: Option<NodeId>,
    pub next_revision: u64,
    pub stopped: bool,
    /// Why the server ended it (a compacted revision), or null.
    pub error: Option<String>,
    /// The newest events received, oldest first.
    pub events: Vec<EtcdEventView>,
    pub events_total: u64,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct EtcdEventView {
    pub revision: u64,
    #[cfg_attr(test, serde(rename = "type"))]
    pub ty: &'static str,
    pub key: String,
    pub value: Option<String>,
}

/// The server whose store the etcd panel (and `lease NAME …`) reads: the
/// leader if any, else the up server with the highest revision (lowest id).
pub fn build_etcd_server(w: &World) -> Option<NodeId> {
    w.leader().map(|(id, _)| id).or_else(|| {
        let mut best: Option<(NodeId, u64)> = None;
        for (id, n) in w.nodes.iter().filter(|(_, n)| n.is_up()) {
            if best.is_none_or(|(_, r)| n.kv.revision > r) {
                best = Some((*id, n.kv.revision));
            }
        }
        best.map(|(id, _)| id)
    })
}

fn etcd_view(w: &World) -> EtcdView {
    let leader = w.leader().map(|(id, _)| id);
    let server = build_etcd_server(w);
    let kv = server.map(|id| &w.nodes[&id].kv);
    let keys = kv.map_or_else(Vec::new, |kv| {
        kv.map
            .iter()
            .take(ETCD_KEYS_SHOWN)
            .map(|(k, v)| {
                let m = kv.meta.get(k).cloned().unwrap_or_default();
                EtcdKeyView {
                    key: k.clone(),
                    value: v.clone(),
                    create_revision: m.create_revision,
                    mod_revision: m.mod_revision,
                    version: m.version,
                    lease: m.lease,
                }
            })
            .collect()
    });
    let lessor = leader.map(|id| &w.nodes[&id].lessor);
    let unsorted: Vec<EtcdLeaseView> = kv.map_or_else(Vec::new, |kv| {
        kv.leases
            .iter()
            .map(|(name, l)| EtcdLeaseView {
                name: name.clone(),
                id: l.id,
                ttl_ms: l.ttl_ms,
                remaining_ms: lessor
                    .filter(|_| l.state == crate::kv::LeaseState::Alive)
                    .and_then(|ls| ls.remaining(name, w.now)),
                state: l.state.name(),
                keepalive: w.etcd.lease(name).is_some_and(|r| r.keepalive_every.is_some()),
                keys: l.keys.iter().cloned().collect(),
            })
            .collect()
    });
    // Grant order is id order. (Insertion, not a sort: the few leases do not
    // need a copy of a sort algorithm in the wasm.)
    let mut leases: Vec<EtcdLeaseView> = Vec::with_capacity(unsorted.len());
    for l in unsorted {
        let at = leases.iter().position(|x| x.id > l.id).unwrap_or(leases.len());
        leases.insert(at, l);
    }
    let extra = leases.len().saturating_sub(crate::etcd::MAX_LEASE_RECORDS);
    leases.drain(..extra);
    EtcdView {
        server,
        revision: kv.map_or(0, |kv| kv.revision),
        keys,
        keys_total: kv.map_or(0, |kv| kv.map.len() as u64),
        leases,
        watchers: w
            .etcd
            .watchers
            .iter()
            .map(|x| EtcdWatcherView {
                name: x.name.clone(),
                prefix: x.prefix.clone(),
                from: x.from,
                via: x.via,
                next_revision: x.next_revision,
                stopped: x.stopped,
                error: x.error.clone(),
                events: x
                    .events
                    .iter()
                    .map(|e| EtcdEventView {
                        revision: e.revision,
                        ty: e.kind,
                        key: e.key.clone(),
                        value: e.value.clone(),
                    })
                    .collect(),
                events_total: x.events_total,
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// JSON (crate::json): each type's fields in declaration order, as serde's
// derive wrote them.

use crate::json::{JsonWriter, ToJson};

/// `[lo, hi]`.
fn pair(w: &mut JsonWriter, v: &[u64; 2]) {
    w.u64s(v);
}

/// A message count map (`{"AppendEntries": 12}`), in its key order.
fn counts(w: &mut JsonWriter, c: &Counts) {
    w.map_u64(c.iter().map(|(k, v)| (k, *v)));
}

impl ToJson for View {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("ok").bool(self.ok);
        w.key("time_ms").u64(self.time_ms);
        w.key("seed").u64(self.seed);
        w.key("failures").array(&self.failures);
        w.key("violations").array(&self.violations);
        w.key("messages").value(&self.messages);
        w.key("nodes").array(&self.nodes);
        w.key("history").array(&self.history);
        w.key("history_total").u64(self.history_total);
        w.key("in_flight").array(&self.in_flight);
        w.key("network").value(&self.network);
        w.key("zones").array(&self.zones);
        w.key("setup").value(&self.setup);
        w.key("members").u64s(&self.members);
        w.key("leader").opt_u64(self.leader);
        w.key("metrics").value(&self.metrics);
        w.key("trace_hash").str(&self.trace_hash);
        w.key("trace_events").u64(self.trace_events);
        w.key("expected_violations").strs(&self.expected_violations);
        w.key("disk").value(&self.disk);
        w.key("etcd").value(&self.etcd);
        w.end_object();
    }
}

impl ToJson for DiskSettingsView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("latency_ms");
        pair(w, &self.latency_ms);
        w.key("group_commit").bool(self.group_commit).end_object();
    }
}

impl ToJson for Messages {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("sent");
        counts(w, &self.sent);
        w.key("delivered");
        counts(w, &self.delivered);
        w.key("dropped");
        counts(w, &self.dropped);
        w.end_object();
    }
}

impl ToJson for LogEntryView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("index").u64(self.index).key("term").u64(self.term).key("command").str(&self.command);
        w.end_object();
    }
}

impl ToJson for QuorumView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("role").str(self.role).key("ids").u64s(&self.ids).key("need").u64(self.need.into());
        w.key("have").opt_u64(self.have.map(u64::from));
        w.end_object();
    }
}

impl ToJson for MembershipView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("voters").u64s(&self.voters);
        w.key("voters_outgoing").u64s(&self.voters_outgoing);
        w.key("learners").u64s(&self.learners);
        w.end_object();
    }
}

impl ToJson for ProgressView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("id").u64(self.id).key("next_index").u64(self.next_index).key("match_index").u64(self.match_index);
        w.key("state").str(self.state).key("inflight").u64(self.inflight as u64);
        w.key("is_learner").bool(self.is_learner);
        w.end_object();
    }
}

impl ToJson for NodeView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("id").u64(self.id).key("up").bool(self.up).key("role").str(self.role).key("term").u64(self.term);
        w.key("voted_for").opt_u64(self.voted_for);
        w.key("commit").u64(self.commit).key("applied").u64(self.applied);
        w.key("last_index").u64(self.last_index).key("snapshot_index").u64(self.snapshot_index);
        w.key("log").array(&self.log);
        w.key("kv").begin_object();
        for (k, v) in &self.kv {
            w.key(k).str(v);
        }
        w.end_object();
        w.key("log_from").u64(self.log_from).key("snapshot_term").u64(self.snapshot_term);
        w.key("leader_id").opt_u64(self.leader_id);
        w.key("timer_elapsed_ms").u64(self.timer_elapsed_ms).key("timer_timeout_ms").u64(self.timer_timeout_ms);
        w.key("membership").value(&self.membership);
        w.key("progress").array(&self.progress);
        w.key("transfer_target").opt_u64(self.transfer_target);
        w.key("votes_granted").u64s(&self.votes_granted);
        w.key("quorum").array(&self.quorum);
        w.key("disk").value(&self.disk);
        w.key("revision").u64(self.revision);
        w.end_object();
    }
}

impl ToJson for DiskView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("pending").u64(self.pending).key("writes").u64(self.writes);
        w.key("write_started_ms").opt_u64(self.write_started_ms);
        w.key("write_done_ms").opt_u64(self.write_done_ms);
        w.key("busy_until_ms").opt_u64(self.busy_until_ms);
        w.end_object();
    }
}

impl ToJson for HistoryView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("client").u64(self.client).key("op").str(self.op).key("key").str(&self.key);
        w.key("value").opt_str(self.value.as_deref());
        w.key("invoked_ms").u64(self.invoked_ms).key("returned_ms").opt_u64(self.returned_ms);
        w.key("result").opt_str(self.result.as_deref());
        w.end_object();
    }
}

impl ToJson for InFlightView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("id").u64(self.id).key("from").u64(self.from).key("to").u64(self.to).key("type").str(self.ty);
        w.key("send_ms").u64(self.send_ms).key("deliver_ms").u64(self.deliver_ms).key("term").u64(self.term);
        w.key("entries").opt_u64(self.entries);
        w.key("success");
        match self.success {
            Some(b) => w.bool(b),
            None => w.null(),
        };
        w.key("detail").str(&self.detail).key("lost").bool(self.lost);
        if let Some(f) = &self.fields {
            w.key("fields").value(f);
        }
        w.end_object();
    }
}

/// Only the fields that are set (`skip_serializing_if = "Option::is_none"`).
impl ToJson for MessageFields {
    fn write_json(&self, w: &mut JsonWriter) {
        fn num(w: &mut JsonWriter, name: &str, v: Option<u64>) {
            if let Some(v) = v {
                w.key(name).u64(v);
            }
        }
        fn flag(w: &mut JsonWriter, name: &str, v: Option<bool>) {
            if let Some(v) = v {
                w.key(name).bool(v);
            }
        }
        w.begin_object();
        w.key("term").u64(self.term);
        num(w, "leader_id", self.leader_id);
        num(w, "prev_log_index", self.prev_log_index);
        num(w, "prev_log_term", self.prev_log_term);
        if let Some(entries) = &self.entries {
            w.key("entries").array(entries);
        }
        num(w, "leader_commit", self.leader_commit);
        num(w, "candidate_id", self.candidate_id);
        num(w, "last_log_index", self.last_log_index);
        num(w, "last_log_term", self.last_log_term);
        flag(w, "pre_vote", self.pre_vote);
        flag(w, "transfer", self.transfer);
        flag(w, "removed", self.removed);
        flag(w, "vote_granted", self.vote_granted);
        flag(w, "success", self.success);
        num(w, "match_index", self.match_index);
        num(w, "conflict_term", self.conflict_term);
        num(w, "conflict_index", self.conflict_index);
        if let Some(r) = &self.reason {
            w.key("reason").value(r);
        }
        num(w, "read_ctx", self.read_ctx);
        num(w, "last_included_index", self.last_included_index);
        num(w, "last_included_term", self.last_included_term);
        num(w, "last_index", self.last_index);
        w.end_object();
    }
}

impl ToJson for SentMessageView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("id").u64(self.id).key("fields").value(&self.fields).end_object();
    }
}

impl ToJson for NetworkView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("latency_ms");
        pair(w, &self.latency_ms);
        w.key("loss").f64(self.loss).key("duplicate").f64(self.duplicate);
        w.key("partition");
        match &self.partition {
            Some(groups) => {
                w.begin_array();
                for g in groups {
                    w.u64s(g);
                }
                w.end_array();
            }
            None => {
                w.null();
            }
        }
        w.key("cuts").begin_array();
        for c in &self.cuts {
            pair(w, c);
        }
        w.end_array();
        w.key("zone_latency").array(&self.zone_latency);
        w.key("link_latency").array(&self.link_latency);
        w.end_object();
    }
}

impl ToJson for ZoneView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("name").str(&self.name).key("nodes").u64s(&self.nodes).end_object();
    }
}

impl ToJson for ZoneLatencyView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("a").str(&self.a).key("b").str(&self.b).key("latency_ms");
        pair(w, &self.latency_ms);
        w.end_object();
    }
}

impl ToJson for LinkLatencyView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object().key("a").u64(self.a).key("b").u64(self.b).key("latency_ms");
        pair(w, &self.latency_ms);
        w.end_object();
    }
}

impl ToJson for SetupView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("cluster").u64(self.cluster.into()).key("seed").u64(self.seed).key("election_timeout_ms");
        pair(w, &self.election_timeout_ms);
        w.key("heartbeat_ms").u64(self.heartbeat_ms).key("prevote").bool(self.prevote);
        w.key("check_quorum").bool(self.check_quorum).key("snapshot_threshold").u64(self.snapshot_threshold);
        w.key("read_mode").str(self.read_mode).key("max_entries").u64(self.max_entries);
        w.key("batch_delay_ms").u64(self.batch_delay_ms).key("pipeline").bool(self.pipeline);
        w.key("max_inflight").opt_u64(self.max_inflight);
        w.key("bugs").strs(&self.bugs);
        w.end_object();
    }
}

impl ToJson for EtcdView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("server").opt_u64(self.server).key("revision").u64(self.revision);
        w.key("keys").array(&self.keys).key("keys_total").u64(self.keys_total);
        w.key("leases").array(&self.leases).key("watchers").array(&self.watchers);
        w.end_object();
    }
}

impl ToJson for EtcdKeyView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("key").str(&self.key).key("value").str(&self.value);
        w.key("create_revision").u64(self.create_revision).key("mod_revision").u64(self.mod_revision);
        w.key("version").u64(self.version).key("lease").opt_str(self.lease.as_deref());
        w.end_object();
    }
}

impl ToJson for EtcdLeaseView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("name").str(&self.name).key("id").u64(self.id).key("ttl_ms").u64(self.ttl_ms);
        w.key("remaining_ms").opt_u64(self.remaining_ms).key("state").str(self.state);
        w.key("keepalive").bool(self.keepalive).key("keys").strs(&self.keys);
        w.end_object();
    }
}

impl ToJson for EtcdWatcherView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("name").str(&self.name).key("prefix").str(&self.prefix);
        w.key("from").opt_u64(self.from).key("via").opt_u64(self.via);
        w.key("next_revision").u64(self.next_revision).key("stopped").bool(self.stopped);
        w.key("error").opt_str(self.error.as_deref());
        w.key("events").array(&self.events).key("events_total").u64(self.events_total);
        w.end_object();
    }
}

impl ToJson for EtcdEventView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.key("revision").u64(self.revision).key("type").str(self.ty).key("key").str(&self.key);
        w.key("value").opt_str(self.value.as_deref());
        w.end_object();
    }
}
