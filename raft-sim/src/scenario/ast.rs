//! The parsed form of the scenario language (docs/scenario-language.md, v1,
//! plus the extensions documented in docs/scenario-extensions.md).
//!
//! The parser (`scenario/parse.rs`) produces these types; the runner
//! (`scenario/run.rs`), the world and raft-wasm consume them. Scenario files
//! written against the v1 language must keep their meaning, so variants are
//! added, never renamed or reinterpreted.

use alloc::string::String;
use alloc::vec::Vec;

/// Simulated milliseconds.
pub type Millis = u64;
pub type NodeId = u64;

/// A whole file: the setup it asked for, then its commands in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub setup: Setup,
    pub commands: Vec<Located<Command>>,
}

/// A value with the 1-based line (and column) it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub line: u32,
    pub col: u32,
    /// The source text of the line, trimmed, without its comment.
    pub text: String,
    pub value: T,
}

/// Everything fixed before the first action. Defaults are the v1 defaults.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Setup {
    pub cluster: u32,                       // cluster N (1..=15), default 5
    pub seed: u64,                          // default 1
    pub election_timeout: (Millis, Millis), // default 150..300
    pub heartbeat: Millis,                  // default 50
    pub prevote: bool,                      // default off
    pub check_quorum: bool,                 // default off
    pub snapshot_threshold: u64,            // default 0 = never
    /// Extension: `set read-mode log|read-index|lease`, default read-index.
    pub read_mode: ReadMode,
    /// Extension: `set max-entries N`, the most entries one AppendEntries
    /// carries (default 64). `1` makes replication visibly entry by entry and
    /// lets Figure 8's unsafe commit show up (see scenarios/figure-8-commit-rule.raft).
    pub max_entries: u64,
    /// Extension: `set batch-delay D`, how long the leader holds a client
    /// proposal back so later ones share its AppendEntries (default 0: no wait).
    pub batch_delay: Millis,
    /// Extension: `set pipeline on|off`, default on; off = stop-and-wait,
    /// one AppendEntries with entries in flight per follower.
    pub pipeline: bool,
    /// Extension: `set max-inflight N`, the window of AppendEntries in flight
    /// per follower while pipelining. None (default) = unbounded, as before.
    pub max_inflight: Option<u64>,
    /// Extension: `set bug NAME on|off`, deliberate bugs in raft-core (all
    /// off by default) that the invariant checker must catch.
    pub bugs: raft_core::Bugs,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup {
            cluster: 5,
            seed: 1,
            election_timeout: (150, 300),
            heartbeat: 50,
            prevote: false,
            check_quorum: false,
            snapshot_threshold: 0,
            read_mode: ReadMode::ReadIndex,
            max_entries: 64,
            batch_delay: 0,
            pipeline: true,
            max_inflight: None,
            bugs: raft_core::Bugs::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadMode {
    /// Reads are appended to the log and answered when applied.
    Log,
    ReadIndex,
    Lease,
}

/// `nK` or `leader` (the up node that is leader in the highest term).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeRef {
    Node(NodeId),
    Leader,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    // Network (any time)
    SetLatency(Millis, Millis),
    SetLoss(f64),      // 0.0..=100.0 percent
    SetDuplicate(f64), // 0.0..=100.0 percent
    /// Extension: `set disk-latency A..B` (any time; crate::disk).
    SetDiskLatency(Millis, Millis),
    /// Extension: `set group-commit on|off` (any time; crate::disk).
    SetGroupCommit(bool),
    Partition(Vec<Vec<NodeId>>),
    Cut {
        from: NodeId,
        to: NodeId,
        both_ways: bool,
    },
    /// Extension: `uncut nA -> nB` / `uncut nA <-> nB` removes a cut.
    Uncut {
        from: NodeId,
        to: NodeId,
        both_ways: bool,
    },
    Heal,
    // Time
    Run(Millis),
    Await {
        cond: Cond,
        within: Millis,
    },
    // Nodes and clients
    Crash(NodeRef),
    Restart(NodeRef),
    Timeout(NodeRef),
    Put {
        key: String,
        value: String,
    },
    /// `get KEY`, or the extension `get KEY from nK` (a stale local read).
    Get {
        key: String,
        from: Option<NodeRef>,
    },
    Propose {
        node: NodeRef,
        key: String,
        value: String,
    },
    Expect(Cond),
    // Extensions (issue 4): membership, transfer; UI: drop a message in flight.
    /// `add nK`: single-server change; nK joins as a learner, is promoted when caught up.
    Add(NodeId),
    /// `remove nK`: single-server change.
    Remove(NodeId),
    /// `reconfigure n1 n2 n4`: joint consensus to this voter set.
    Reconfigure(Vec<NodeId>),
    /// `transfer nK`: leadership transfer to nK.
    Transfer(NodeId),
    /// `drop mID`: drop the message with this id if it is still in flight.
    Drop(u64),
    /// `partition`, `cut` and `uncut` naming `leader` for a node (v1: "wherever
    /// a command takes a node, `leader` may stand for the current leader").
    /// The parser uses these only when `leader` appears; the runner resolves
    /// it when the command runs and then acts as `Partition` / `Cut` / `Uncut`.
    PartitionRef(Vec<Vec<NodeRef>>),
    CutRef {
        from: NodeRef,
        to: NodeRef,
        both_ways: bool,
    },
    UncutRef {
        from: NodeRef,
        to: NodeRef,
        both_ways: bool,
    },
    /// Extension (issue 9): `load put RATE/s for D [keys N]`, an open-loop
    /// client load: `rate` puts per second, evenly spaced, over keys
    /// `k0..k(N-1)` in turn (default N: rate/10, at least 5), while `duration`
    /// ms of time pass (like `run`). `load get …` (issue 12) reads the same
    /// keys instead, each get a new client's, as `get KEY` is.
    Load {
        op: LoadOp,
        rate: u64,
        duration: Millis,
        keys: u32,
    },
    /// Extension (issue 12, where replicas sit): `zone NAME nA nB …` puts
    /// these servers in the named zone (moving them out of any other).
    Zone {
        name: String,
        nodes: Vec<NodeId>,
    },
    /// `set latency zone X <-> zone Y A..B`: the delay between servers of
    /// zones X and Y, both ways (X = Y: within the zone). `lo <= hi`.
    SetZoneLatency {
        a: String,
        b: String,
        lo: Millis,
        hi: Millis,
    },
    /// `set latency nA <-> nB A..B`: the delay of one link, both ways. `lo <= hi`.
    SetLinkLatency {
        a: NodeId,
        b: NodeId,
        lo: Millis,
        hi: Millis,
    },
    // Extensions (issue 11, etcd on Raft): docs/scenario-extensions.md.
    /// `put KEY VALUE lease NAME`: a put attached to a lease.
    PutLease {
        key: String,
        value: String,
        lease: String,
    },
    /// `delete KEY`.
    Delete {
        key: String,
    },
    /// `range PREFIX`, or `range PREFIX from nK` (a stale local read).
    Range {
        prefix: String,
        from: Option<NodeRef>,
    },
    /// `txn if COMPARE then OP [else OP]`.
    Txn {
        compare: crate::kv::Compare,
        then: crate::kv::TxnOp,
        otherwise: Option<crate::kv::TxnOp>,
    },
    /// `lease grant NAME TTL`.
    LeaseGrant {
        name: String,
        ttl: Millis,
    },
    /// `lease keepalive NAME every D`.
    LeaseKeepAlive {
        name: String,
        every: Millis,
    },
    /// `lease stop NAME`: the keep-alive client stops.
    LeaseStop(String),
    /// `lease revoke NAME`.
    LeaseRevoke(String),
    /// `watch NAME PREFIX [from REV]`.
    Watch {
        name: String,
        prefix: String,
        from: Option<u64>,
    },
    /// `watch NAME stop`.
    WatchStop(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleName {
    Follower,
    Candidate,
    Leader,
    Down,
    /// Extension: `role nK pre-candidate` (Pre-Vote phase).
    PreCandidate,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    LeaderIs(NodeRef),
    LeaderAny,
    LeaderNone,
    Role(NodeRef, RoleName),
    Term(NodeRef, CmpOp, u64),
    Commit(NodeRef, CmpOp, u64),
    KvEq(NodeRef, String, String),
    KvAbsent(NodeRef, String),
    SameLog(NodeRef, NodeRef),
    /// Extension: `sent TYPE OP N` — messages of that type sent since time 0
    /// (what a lesson says about traffic: "n3 got an InstallSnapshot").
    Sent(String, CmpOp, u64),
    /// Extension: `delivered TYPE OP N` — the same, counting only messages
    /// that arrived (not lost, cut off, or sent to a crashed server).
    Delivered(String, CmpOp, u64),
    // Extensions (issue 11, etcd on Raft).
    /// `revision nK OP N`: the revision of nK's applied store.
    Revision(NodeRef, CmpOp, u64),
    /// `lease NAME alive|expired|revoked`, as the leader's store (else the
    /// up server with the highest revision) has it.
    Lease(String, LeaseCond),
    /// `watch NAME saw put KEY VALUE` / `watch NAME saw delete KEY`.
    WatchSaw {
        name: String,
        key: String,
        /// `None`: a delete.
        value: Option<String>,
    },
    /// `watch NAME events OP N`: events received so far.
    WatchEvents(String, CmpOp, u64),
}

/// What `lease NAME …` asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaseCond {
    Alive,
    Expired,
    Revoked,
}

/// Message types, as raft-core's `MessageBody::kind_name` names them: what
/// `sent TYPE …` and a lesson's `highlight message TYPE` accept.
pub const MESSAGE_TYPES: &[&str] = &[
    "RequestVote",
    "RequestVoteResponse",
    "PreVote",
    "PreVoteResponse",
    "AppendEntries",
    "AppendEntriesResponse",
    "InstallSnapshot",
    "InstallSnapshotResponse",
    "TimeoutNow",
];

/// A parse error: `FILE:LINE:COL: message` when printed with a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What a `load` line's clients do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadOp {
    Put,
    Get,
}

impl LoadOp {
    pub fn name(self) -> &'static str {
        match self {
            LoadOp::Put => "put",
            LoadOp::Get => "get",
        }
    }
}
