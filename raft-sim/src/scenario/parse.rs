//! Parser for the scenario language: docs/scenario-language.md (v1) plus the
//! extensions in docs/scenario-extensions.md.
//!
//! One code path for everything: [`parse_item`] parses a single line into a
//! setup command or a command, checking it against a [`ParseContext`] (which
//! nodes exist, whether setup is over). [`parse_script`] runs it over a whole
//! file; the live page calls [`parse_line`] for each command typed in.
//!
//! The parser never panics: every malformed input becomes a [`ParseError`] with
//! a 1-based line and column pointing at the offending word.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::ast::{
    CmpOp, Command, Cond, LeaseCond, LoadOp, Located, Millis, NodeId, NodeRef, ParseError, ReadMode, RoleName, Script,
    Setup,
};

pub use crate::MAX_NODES;

/// What the parser knows about the world when it reads a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseContext {
    /// Ids of every node that exists in the world (up or down), as in the view
    /// model's `members`. A line may only name these.
    pub members: Vec<u64>,
    /// True once the first command that advances time or acts has been read;
    /// setup commands are refused after that.
    pub setup_done: bool,
}

impl ParseContext {
    /// The context at the top of a file: the default cluster `n1..n5`.
    pub fn new() -> ParseContext {
        ParseContext::for_cluster(Setup::default().cluster)
    }

    /// A cluster `n1..nN` whose setup is still open.
    pub fn for_cluster(n: u32) -> ParseContext {
        ParseContext { members: (1..=u64::from(n)).collect(), setup_done: false }
    }

    /// A running world with these nodes (setup over): what the live page uses.
    pub fn live(members: Vec<u64>) -> ParseContext {
        ParseContext { members, setup_done: true }
    }
}

impl Default for ParseContext {
    fn default() -> ParseContext {
        ParseContext::new()
    }
}

/// A setup command (docs/scenario-language.md, "Setup"), allowed only before
/// the first command that advances time or acts.
#[derive(Clone, Debug, PartialEq)]
pub enum SetupCommand {
    Cluster(u32),
    Seed(u64),
    ElectionTimeout(Millis, Millis),
    Heartbeat(Millis),
    Prevote(bool),
    CheckQuorum(bool),
    SnapshotThreshold(u64),
    /// Extension: `set read-mode log|read-index|lease`.
    ReadMode(ReadMode),
    /// Extension: `set max-entries N` (1..=10000).
    MaxEntries(u64),
    /// Extension: `set bug NAME on|off` (a name of `raft_core::Bugs::NAMES`).
    Bug(&'static str, bool),
    /// Extensions (batching and pipelining): `set batch-delay D`,
    /// `set pipeline on|off`, `set max-inflight N|unlimited`.
    BatchDelay(Millis),
    Pipeline(bool),
    MaxInflight(Option<u64>),
}

impl SetupCommand {
    /// Records this setup command in `setup` (a later one overrides an earlier one).
    pub fn apply(&self, setup: &mut Setup) {
        match *self {
            SetupCommand::Cluster(n) => setup.cluster = n,
            SetupCommand::Seed(s) => setup.seed = s,
            SetupCommand::ElectionTimeout(a, b) => setup.election_timeout = (a, b),
            SetupCommand::Heartbeat(d) => setup.heartbeat = d,
            SetupCommand::Prevote(on) => setup.prevote = on,
            SetupCommand::CheckQuorum(on) => setup.check_quorum = on,
            SetupCommand::SnapshotThreshold(n) => setup.snapshot_threshold = n,
            SetupCommand::ReadMode(m) => setup.read_mode = m,
            SetupCommand::MaxEntries(n) => setup.max_entries = n,
            SetupCommand::Bug(name, on) => {
                setup.bugs.set(name, on);
            }
            SetupCommand::BatchDelay(d) => setup.batch_delay = d,
            SetupCommand::Pipeline(on) => setup.pipeline = on,
            SetupCommand::MaxInflight(n) => setup.max_inflight = n,
        }
    }
}

/// One non-empty line: either setup or a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Setup(SetupCommand),
    Command(Command),
}

/// Parses a whole file. The first error stops parsing.
pub fn parse_script(text: &str) -> Result<Script, ParseError> {
    // A lesson (docs/scenario-language.md, "Lessons") runs as its commands
    // with every task solved by its `solution`; narration is checked, then set aside.
    if super::lesson::is_lesson(text) {
        return super::lesson::parse_lesson(text).map(|lesson| lesson.script);
    }
    let mut setup = Setup::default();
    let mut ctx = ParseContext::new();
    let mut state = ScriptState::new(&ctx);
    let mut commands = Vec::new();
    // Where the timings were last set, to point at if raft-core refuses them.
    let mut timing_at: Option<(u32, u32)> = None;
    for (i, line_text) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Some(item) = parse_item_in(line_text, line_no, &mut ctx, Some(&mut state))? else {
            continue;
        };
        match item.value {
            Item::Setup(s) => {
                if matches!(
                    s,
                    SetupCommand::ElectionTimeout(..)
                        | SetupCommand::Heartbeat(_)
                        | SetupCommand::MaxEntries(_)
                        | SetupCommand::BatchDelay(_)
                ) {
                    timing_at = Some((item.line, item.col));
                }
                s.apply(&mut setup)
            }
            Item::Command(c) => commands.push(Located { line: item.line, col: item.col, text: item.text, value: c }),
        }
    }
    if let Err(reason) = crate::world::validate_setup(&setup) {
        let (line, col) = timing_at.unwrap_or((1, 1));
        let (lo, hi) = setup.election_timeout;
        return Err(ParseError {
            line,
            col,
            message: format!("{reason} (heartbeat {}ms, election timeout {lo}ms..{hi}ms)", setup.heartbeat),
        });
    }
    Ok(Script { setup, commands })
}

/// Parses one command for a running world (the page's command box, buttons).
/// `Ok(None)` for a blank or comment-only line. A setup command is an error
/// once `ctx.setup_done`; before that it is also refused here, because only
/// [`parse_item`] can return it.
pub fn parse_line(
    line_text: &str,
    line_no: u32,
    ctx: &mut ParseContext,
) -> Result<Option<Located<Command>>, ParseError> {
    let Some(item) = parse_item(line_text, line_no, ctx)? else {
        return Ok(None);
    };
    match item.value {
        Item::Command(c) => Ok(Some(Located { line: item.line, col: item.col, text: item.text, value: c })),
        Item::Setup(_) => Err(ParseError {
            line: item.line,
            col: item.col,
            message: format!(
                "setup command `{}` cannot be run here; it belongs at the top of a scenario",
                setup_name(&item.text)
            ),
        }),
    }
}

/// Parses one line into a setup command or a command, and updates `ctx`
/// (a command that acts ends setup; `add`/`reconfigure` create nodes).
pub fn parse_item(line_text: &str, line_no: u32, ctx: &mut ParseContext) -> Result<Option<Located<Item>>, ParseError> {
    parse_item_in(line_text, line_no, ctx, None)
}

// ---------------------------------------------------------------------------
// Whole-file state the per-line context cannot carry.

/// What only a whole file can know: the current voter set (tracked statically:
/// the initial cluster, plus added, minus removed, or a `reconfigure` target),
/// the line of the first action and of the first network command.
struct ScriptState {
    /// Sorted, without repeats. A cluster has at most 15 nodes, so a plain
    /// sorted Vec serves as the set (a `BTreeSet<u64>` would be one more
    /// B-tree compiled into the browser's wasm: docs/wasm-size.md).
    voters: Vec<u64>,
    first_action_line: Option<u32>,
    first_network_line: Option<u32>,
    /// The zones as the file has drawn them so far (`zone NAME …`), so a
    /// latency rule naming a zone that does not exist fails at its line.
    zones: Vec<crate::network::Zone>,
}

/// The voter set of a member list: sorted, without repeats.
fn voter_set(ids: &[u64]) -> Vec<u64> {
    let mut voters = ids.to_vec();
    voters.sort_unstable();
    voters.dedup();
    voters
}

impl ScriptState {
    fn new(ctx: &ParseContext) -> ScriptState {
        ScriptState {
            voters: voter_set(&ctx.members),
            first_action_line: None,
            first_network_line: None,
            zones: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// Lexing: words with their 1-based columns.

#[derive(Clone, Copy, Debug)]
struct Word<'a> {
    text: &'a str,
    col: u32,
}

/// Splits a line into words (separated by spaces or tabs), dropping the comment.
/// Returns the words and the trimmed text before the comment.
fn lex(line: &str) -> (Vec<Word<'_>>, &str) {
    let code = match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    };
    let mut words = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut col: u32 = 0;
    for (i, ch) in code.char_indices() {
        col = col.saturating_add(1);
        // `lines()` leaves no '\n'; a stray '\r' (CRLF file) is whitespace too.
        let is_space = ch == ' ' || ch == '\t' || ch == '\r';
        match (is_space, start) {
            (true, Some((s, c))) => {
                words.push(Word { text: &code[s..i], col: c });
                start = None;
            }
            (false, None) => start = Some((i, col)),
            _ => {}
        }
    }
    if let Some((s, c)) = start {
        words.push(Word { text: &code[s..], col: c });
    }
    (words, code.trim_matches(|c| c == ' ' || c == '\t' || c == '\r'))
}

// ---------------------------------------------------------------------------
// The per-line parser.

/// Command words, for "did you mean" suggestions.
const COMMANDS: &[&str] = &[
    "cluster",
    "seed",
    "set",
    "partition",
    "cut",
    "uncut",
    "heal",
    "run",
    "await",
    "crash",
    "restart",
    "timeout",
    "put",
    "get",
    "propose",
    "expect",
    "add",
    "remove",
    "reconfigure",
    "transfer",
    "drop",
    "zone",
    "delete",
    "range",
    "txn",
    "lease",
    "watch",
];
const SET_SETUP: &[&str] = &[
    "election-timeout",
    "heartbeat",
    "prevote",
    "check-quorum",
    "snapshot-threshold",
    "read-mode",
    "max-entries",
    "bug",
    "batch-delay",
    "pipeline",
    "max-inflight",
];
const SET_NETWORK: &[&str] = &["latency", "loss", "duplicate", "disk-latency", "group-commit"];
const CONDITIONS: &[&str] =
    &["leader", "role", "term", "commit", "kv", "same-log", "sent", "delivered", "revision", "lease", "watch"];
const ROLES: &[&str] = &["follower", "candidate", "leader", "down", "pre-candidate"];

/// The name of a setup command, for messages: `seed`, `set heartbeat`.
fn setup_name(text: &str) -> String {
    let (words, _) = lex(text);
    match words.as_slice() {
        [w, second, ..] if w.text == "set" => format!("set {}", second.text),
        [w, ..] => w.text.to_string(),
        [] => String::new(),
    }
}

/// The line's parser: the words, the line number, and where the line ends (for
/// "missing argument" errors).
struct Line<'a> {
    words: Vec<Word<'a>>,
    line: u32,
    end_col: u32,
}

impl<'a> Line<'a> {
    fn err(&self, col: u32, message: String) -> ParseError {
        ParseError { line: self.line, col, message }
    }

    fn err_at(&self, w: Word<'_>, message: String) -> ParseError {
        self.err(w.col, message)
    }

    /// Word `i`, or an error "`usage`: missing WHAT".
    fn word(&self, i: usize, what: &str, usage: &str) -> Result<Word<'a>, ParseError> {
        self.words.get(i).copied().ok_or_else(|| self.err(self.end_col, format!("missing {what}; usage: `{usage}`")))
    }

    /// Errors if there are words beyond the first `n`.
    fn no_more(&self, n: usize, usage: &str) -> Result<(), ParseError> {
        match self.words.get(n) {
            Some(w) => Err(self.err_at(*w, format!("unexpected `{}`; usage: `{usage}`", w.text))),
            None => Ok(()),
        }
    }
}

fn parse_item_in(
    line_text: &str,
    line_no: u32,
    ctx: &mut ParseContext,
    mut script: Option<&mut ScriptState>,
) -> Result<Option<Located<Item>>, ParseError> {
    let (words, text) = lex(line_text);
    let Some(first) = words.first().copied() else {
        return Ok(None);
    };
    let end_col = u32::try_from(
        line_text.find('#').map_or(line_text.chars().count(), |i| line_text[..i].trim_end().chars().count()),
    )
    .unwrap_or(u32::MAX)
    .saturating_add(1);
    let l = Line { words, line: line_no, end_col };

    let item = parse_words(&l, ctx, script.as_deref_mut())?;

    // Phase rules: setup only before the first action; `cluster` also before
    // any network command, so every node named is checked against the right size.
    match &item {
        Item::Setup(s) => {
            if ctx.setup_done {
                let at = match script.as_deref() {
                    Some(ScriptState { first_action_line: Some(n), .. }) => format!(" (line {n})"),
                    _ => String::new(),
                };
                return Err(l.err_at(first, format!("setup command `{}` after the first action{at}", setup_name(text))));
            }
            if let SetupCommand::Cluster(n) = s {
                if let Some(ScriptState { first_network_line: Some(net), .. }) = script.as_deref() {
                    return Err(l.err_at(first, format!("`cluster` must come before network commands (line {net})")));
                }
                *ctx = ParseContext::for_cluster(*n);
                if let Some(st) = script.as_deref_mut() {
                    st.voters = voter_set(&ctx.members);
                }
            }
        }
        Item::Command(c) => {
            if is_network(c) {
                if let Some(st) = script.as_deref_mut() {
                    st.first_network_line.get_or_insert(line_no);
                }
            } else {
                if !ctx.setup_done {
                    if let Some(st) = script.as_deref_mut() {
                        st.first_action_line = Some(line_no);
                    }
                }
                ctx.setup_done = true;
            }
            apply_membership(c, ctx, script);
        }
    }
    Ok(Some(Located { line: line_no, col: first.col, text: text.to_string(), value: item }))
}

/// Network commands may come at any time and do not end setup.
fn is_network(c: &Command) -> bool {
    matches!(
        c,
        Command::SetLatency(..)
            | Command::SetLoss(_)
            | Command::SetDuplicate(_)
            | Command::SetDiskLatency(..)
            | Command::SetGroupCommit(_)
            | Command::Partition(_)
            | Command::Cut { .. }
            | Command::Uncut { .. }
            | Command::Heal
            | Command::PartitionRef(_)
            | Command::CutRef { .. }
            | Command::UncutRef { .. }
            | Command::Zone { .. }
            | Command::SetZoneLatency { .. }
            | Command::SetLinkLatency { .. }
    )
}

/// Membership commands create nodes (and, in a file, change the voter set).
fn apply_membership(c: &Command, ctx: &mut ParseContext, script: Option<&mut ScriptState>) {
    let add_member = |id: u64, ctx: &mut ParseContext| {
        if !ctx.members.contains(&id) {
            ctx.members.push(id);
            ctx.members.sort_unstable();
        }
    };
    match c {
        Command::Add(id) => {
            add_member(*id, ctx);
            if let Some(st) = script {
                if let Err(at) = st.voters.binary_search(id) {
                    st.voters.insert(at, *id);
                }
            }
        }
        Command::Remove(id) => {
            if let Some(st) = script {
                st.voters.retain(|v| v != id);
            }
        }
        Command::Reconfigure(ids) => {
            for id in ids {
                add_member(*id, ctx);
            }
            if let Some(st) = script {
                st.voters = voter_set(ids);
            }
        }
        _ => {}
    }
}

fn parse_words(l: &Line<'_>, ctx: &ParseContext, script: Option<&mut ScriptState>) -> Result<Item, ParseError> {
    let cmd = l.words[0];
    let cmd_item = |c: Command| Ok(Item::Command(c));
    match cmd.text {
        "cluster" => {
            let usage = "cluster N";
            let w = l.word(1, "the number of nodes", usage)?;
            let n = parse_u64(l, w, "a number of nodes")?;
            if !(1..=MAX_NODES).contains(&n) {
                return Err(l.err_at(w, format!("cluster size must be 1..={MAX_NODES}, not {n}")));
            }
            l.no_more(2, usage)?;
            Ok(Item::Setup(SetupCommand::Cluster(n as u32)))
        }
        "seed" => {
            let usage = "seed S";
            let w = l.word(1, "the seed", usage)?;
            let s = parse_u64(l, w, "a seed (a whole number)")?;
            l.no_more(2, usage)?;
            Ok(Item::Setup(SetupCommand::Seed(s)))
        }
        // Where replicas sit (issue 12): zones and per-zone / per-link latency.
        "zone" => cmd_item(parse_zone(l, ctx, script)?),
        "set" if is_latency_rule(l) => cmd_item(parse_latency_rule(l, ctx, script.as_deref())?),
        "set" => parse_set(l),
        "partition" => cmd_item(parse_partition(l, ctx)?),
        "cut" | "uncut" => {
            let usage = if cmd.text == "cut" {
                "cut nA -> nB` or `cut nA <-> nB"
            } else {
                "uncut nA -> nB` or `uncut nA <-> nB"
            };
            let a = l.word(1, "the sending node", usage)?;
            let from = parse_node_ref(l, a, ctx)?;
            let arrow = l.word(2, "`->` or `<->`", usage)?;
            let both_ways = match arrow.text {
                "->" => false,
                "<->" => true,
                other => return Err(l.err_at(arrow, format!("expected `->` or `<->`, found `{other}`"))),
            };
            let b = l.word(3, "the receiving node", usage)?;
            let to = parse_node_ref(l, b, ctx)?;
            if from == to {
                return Err(l.err_at(b, format!("a node cannot be cut from itself ({})", b.text)));
            }
            l.no_more(4, usage)?;
            let cut = cmd.text == "cut";
            cmd_item(match (from, to) {
                (NodeRef::Node(from), NodeRef::Node(to)) if cut => Command::Cut { from, to, both_ways },
                (NodeRef::Node(from), NodeRef::Node(to)) => Command::Uncut { from, to, both_ways },
                _ if cut => Command::CutRef { from, to, both_ways },
                _ => Command::UncutRef { from, to, both_ways },
            })
        }
        "heal" => {
            l.no_more(1, "heal")?;
            cmd_item(Command::Heal)
        }
        "run" => {
            let usage = "run D";
            let w = l.word(1, "a duration", usage)?;
            let d = parse_duration(l, w)?;
            l.no_more(2, usage)?;
            cmd_item(Command::Run(d))
        }
        "await" => {
            let usage = "await COND within D";
            // The last two words are `within D`, so a key named `within` still works.
            let n = l.words.len();
            if n < 2 {
                return Err(l.err(l.end_col, format!("missing a condition; usage: `{usage}`")));
            }
            let within_at = n.checked_sub(2).filter(|&i| i >= 1 && l.words[i].text == "within");
            let Some(wi) = within_at else {
                return Err(l.err(l.end_col, format!("missing `within D` at the end; usage: `{usage}`")));
            };
            let within = parse_duration(l, l.words[n - 1])?;
            let cond = parse_cond(l, 1, wi, ctx, usage)?;
            cmd_item(Command::Await { cond, within })
        }
        "expect" => {
            let cond = parse_cond(l, 1, l.words.len(), ctx, "expect COND")?;
            cmd_item(Command::Expect(cond))
        }
        "crash" | "restart" | "timeout" => {
            let usage = match cmd.text {
                "crash" => "crash nK",
                "restart" => "restart nK",
                _ => "timeout nK",
            };
            let w = l.word(1, "a node", usage)?;
            let node = parse_node_ref(l, w, ctx)?;
            l.no_more(2, usage)?;
            cmd_item(match cmd.text {
                "crash" => Command::Crash(node),
                "restart" => Command::Restart(node),
                _ => Command::Timeout(node),
            })
        }
        "load" => cmd_item(parse_load(l)?),
        "put" => {
            let usage = "put KEY VALUE";
            let key = l.word(1, "a key", usage)?.text.to_string();
            let value = l.word(2, "a value", usage)?.text.to_string();
            match l.words.get(3) {
                None => cmd_item(Command::Put { key, value }),
                Some(w) if w.text == "lease" => {
                    let usage = "put KEY VALUE lease NAME";
                    let lease = parse_name(l, l.word(4, "a lease name", usage)?, "lease")?;
                    l.no_more(5, usage)?;
                    cmd_item(Command::PutLease { key, value, lease })
                }
                Some(w) => Err(l.err_at(*w, format!("unexpected `{}`; usage: `{usage}`", w.text))),
            }
        }
        // etcd (issue 11).
        "delete" => {
            let usage = "delete KEY";
            let key = l.word(1, "a key", usage)?.text.to_string();
            l.no_more(2, usage)?;
            cmd_item(Command::Delete { key })
        }
        "range" => {
            let usage = "range PREFIX` or `range PREFIX from nK";
            let prefix = l.word(1, "a key prefix", usage)?.text.to_string();
            let from = parse_read_from(l, 2, ctx, usage)?;
            l.no_more(if from.is_some() { 4 } else { 2 }, usage)?;
            cmd_item(Command::Range { prefix, from })
        }
        "txn" => cmd_item(parse_txn(l)?),
        "lease" => cmd_item(parse_lease(l)?),
        "watch" => {
            let usage = "watch NAME PREFIX` or `watch NAME PREFIX from REV` or `watch NAME stop";
            let name = parse_name(l, l.word(1, "a watch name", usage)?, "watch")?;
            let prefix = l.word(2, "a key prefix (or `stop`)", usage)?;
            if prefix.text == "stop" && l.words.len() == 3 {
                return cmd_item(Command::WatchStop(name));
            }
            let from = match l.words.get(3) {
                None => None,
                Some(w) if w.text == "from" => {
                    let r = l.word(4, "a revision", usage)?;
                    Some(parse_u64(l, r, "a revision (a whole number)")?)
                }
                Some(w) => return Err(l.err_at(*w, format!("expected `from REV`, found `{}`", w.text))),
            };
            l.no_more(if from.is_some() { 5 } else { 3 }, usage)?;
            cmd_item(Command::Watch { name, prefix: prefix.text.to_string(), from })
        }
        "get" => {
            let usage = "get KEY` or `get KEY from nK";
            let key = l.word(1, "a key", usage)?.text.to_string();
            let from = parse_read_from(l, 2, ctx, usage)?;
            l.no_more(if from.is_some() { 4 } else { 2 }, usage)?;
            cmd_item(Command::Get { key, from })
        }
        "propose" => {
            let usage = "propose nK KEY VALUE";
            let n = l.word(1, "a node", usage)?;
            let node = parse_node_ref(l, n, ctx)?;
            let key = l.word(2, "a key", usage)?.text.to_string();
            let value = l.word(3, "a value", usage)?.text.to_string();
            l.no_more(4, usage)?;
            cmd_item(Command::Propose { node, key, value })
        }
        "add" => {
            let usage = "add nK";
            let w = l.word(1, "the node to add", usage)?;
            let id = parse_new_node_id(l, w)?;
            let is_voter = match script.as_deref() {
                Some(st) => st.voters.contains(&id),
                // Live: the world decides; here only a node that exists could be one.
                None => false,
            };
            if is_voter {
                return Err(l.err_at(w, format!("n{id} is already a member of the configuration")));
            }
            l.no_more(2, usage)?;
            cmd_item(Command::Add(id))
        }
        "remove" => {
            let usage = "remove nK";
            let w = l.word(1, "the node to remove", usage)?;
            let id = parse_node_id(l, w, ctx)?;
            if let Some(st) = script.as_deref() {
                if !st.voters.contains(&id) {
                    return Err(l.err_at(
                        w,
                        format!(
                            "n{id} is not a member of the configuration ({})",
                            list_nodes(st.voters.iter().copied())
                        ),
                    ));
                }
                if st.voters.len() == 1 {
                    return Err(l.err_at(w, format!("cannot remove n{id}, the only member of the configuration")));
                }
            }
            l.no_more(2, usage)?;
            cmd_item(Command::Remove(id))
        }
        "reconfigure" => {
            let usage = "reconfigure nA nB …";
            if l.words.len() < 2 {
                return Err(l.err(l.end_col, format!("missing the new voter set; usage: `{usage}`")));
            }
            let mut ids: Vec<NodeId> = Vec::new();
            for w in &l.words[1..] {
                let id = parse_new_node_id(l, *w)?;
                if ids.contains(&id) {
                    return Err(l.err_at(*w, format!("n{id} is named twice")));
                }
                ids.push(id);
            }
            cmd_item(Command::Reconfigure(ids))
        }
        "transfer" => {
            let usage = "transfer nK";
            let w = l.word(1, "the node to transfer leadership to", usage)?;
            let id = parse_node_id(l, w, ctx)?;
            l.no_more(2, usage)?;
            cmd_item(Command::Transfer(id))
        }
        "drop" => {
            let usage = "drop mID";
            let w = l.word(1, "a message id", usage)?;
            let id = w
                .text
                .strip_prefix('m')
                .filter(|d| is_digits(d))
                .and_then(|d| d.parse::<u64>().ok())
                .ok_or_else(|| l.err_at(w, format!("expected a message id like `m17`, found `{}`", w.text)))?;
            l.no_more(2, usage)?;
            cmd_item(Command::Drop(id))
        }
        other => Err(l.err_at(cmd, unknown("command", other, COMMANDS))),
    }
}

fn parse_set(l: &Line<'_>) -> Result<Item, ParseError> {
    let usage = "set SETTING VALUE";
    let what = l.word(1, "a setting", usage)?;
    let setup = |s: SetupCommand| Ok(Item::Setup(s));
    let net = |c: Command| Ok(Item::Command(c));
    match what.text {
        "election-timeout" => {
            let usage = "set election-timeout A..B";
            let w = l.word(2, "a range like `150ms..300ms`", usage)?;
            let (a, b) = parse_range(l, w)?;
            if a == 0 {
                return Err(l.err_at(w, "the election timeout must be at least 1ms".to_string()));
            }
            l.no_more(3, usage)?;
            setup(SetupCommand::ElectionTimeout(a, b))
        }
        "heartbeat" => {
            let usage = "set heartbeat D";
            let w = l.word(2, "a duration", usage)?;
            let d = parse_duration(l, w)?;
            if d == 0 {
                return Err(l.err_at(w, "the heartbeat interval must be at least 1ms".to_string()));
            }
            l.no_more(3, usage)?;
            setup(SetupCommand::Heartbeat(d))
        }
        "prevote" | "check-quorum" => {
            let usage = if what.text == "prevote" { "set prevote on|off" } else { "set check-quorum on|off" };
            let on = parse_on_off(l, 2, usage)?;
            l.no_more(3, usage)?;
            setup(if what.text == "prevote" { SetupCommand::Prevote(on) } else { SetupCommand::CheckQuorum(on) })
        }
        "snapshot-threshold" => {
            let usage = "set snapshot-threshold N";
            let w = l.word(2, "a number of entries", usage)?;
            let n = parse_u64(l, w, "a number of entries")?;
            l.no_more(3, usage)?;
            setup(SetupCommand::SnapshotThreshold(n))
        }
        "max-entries" => {
            let usage = "set max-entries N";
            let w = l.word(2, "a number of entries per AppendEntries", usage)?;
            let n = parse_u64(l, w, "a number of entries per AppendEntries")?;
            if !(1..=10_000).contains(&n) {
                return Err(l.err_at(w, format!("max-entries must be in 1..=10000, found {n}")));
            }
            l.no_more(3, usage)?;
            setup(SetupCommand::MaxEntries(n))
        }
        // Batching and pipelining (docs/scenario-extensions.md).
        "batch-delay" => {
            let usage = "set batch-delay D";
            let w = l.word(2, "a duration like `5ms` (0 = send at once)", usage)?;
            let d = parse_duration(l, w)?;
            l.no_more(3, usage)?;
            setup(SetupCommand::BatchDelay(d))
        }
        "pipeline" => {
            let usage = "set pipeline on|off";
            let on = parse_on_off(l, 2, usage)?;
            l.no_more(3, usage)?;
            setup(SetupCommand::Pipeline(on))
        }
        "max-inflight" => {
            let usage = "set max-inflight N|unlimited";
            let w = l.word(2, "a number of AppendEntries in flight per follower", usage)?;
            let n = if w.text == "unlimited" {
                None
            } else {
                let n = parse_u64(l, w, "a number of AppendEntries in flight per follower")?;
                if !(1..=10_000).contains(&n) {
                    return Err(l.err_at(w, format!("max-inflight must be in 1..=10000 (or `unlimited`), found {n}")));
                }
                Some(n)
            };
            l.no_more(3, usage)?;
            setup(SetupCommand::MaxInflight(n))
        }
        "bug" => {
            let usage = "set bug NAME on|off";
            let w = l.word(2, "the name of a deliberate bug", usage)?;
            let Some(&name) = raft_core::Bugs::NAMES.iter().find(|n| **n == w.text) else {
                return Err(l.err_at(w, unknown("bug", w.text, raft_core::Bugs::NAMES)));
            };
            let on = parse_on_off(l, 3, usage)?;
            l.no_more(4, usage)?;
            setup(SetupCommand::Bug(name, on))
        }
        "read-mode" => {
            let usage = "set read-mode log|read-index|lease";
            let w = l.word(2, "a read mode", usage)?;
            let m = match w.text {
                "log" => ReadMode::Log,
                "read-index" => ReadMode::ReadIndex,
                "lease" => ReadMode::Lease,
                other => return Err(l.err_at(w, unknown("read mode", other, &["log", "read-index", "lease"]))),
            };
            l.no_more(3, usage)?;
            setup(SetupCommand::ReadMode(m))
        }
        "latency" => {
            let usage = "set latency A..B";
            let w = l.word(2, "a range like `10ms..30ms`", usage)?;
            let (a, b) = parse_range(l, w)?;
            l.no_more(3, usage)?;
            net(Command::SetLatency(a, b))
        }
        "loss" | "duplicate" => {
            let usage = if what.text == "loss" { "set loss P%" } else { "set duplicate P%" };
            let w = l.word(2, "a percentage", usage)?;
            let p = parse_percent(l, w)?;
            l.no_more(3, usage)?;
            net(if what.text == "loss" { Command::SetLoss(p) } else { Command::SetDuplicate(p) })
        }
        // The disk (crate::disk): like the network's settings, any time.
        "disk-latency" => {
            let usage = "set disk-latency A..B";
            let w = l.word(2, "a range like `2ms..5ms`", usage)?;
            let (a, b) = parse_range(l, w)?;
            l.no_more(3, usage)?;
            net(Command::SetDiskLatency(a, b))
        }
        "group-commit" => {
            let usage = "set group-commit on|off";
            let on = parse_on_off(l, 2, usage)?;
            l.no_more(3, usage)?;
            net(Command::SetGroupCommit(on))
        }
        other => {
            let all: Vec<&str> = SET_SETUP.iter().chain(SET_NETWORK.iter()).copied().collect();
            Err(l.err_at(what, unknown("setting", other, &all)))
        }
    }
}

fn parse_partition(l: &Line<'_>, ctx: &ParseContext) -> Result<Command, ParseError> {
    let usage = "partition G1 | G2 [| G3 …]";
    if l.words.len() < 2 {
        return Err(l.err(l.end_col, format!("missing the groups; usage: `{usage}`")));
    }
    let mut groups: Vec<Vec<NodeRef>> = Vec::new();
    let mut current: Vec<NodeRef> = Vec::new();
    let mut seen: Vec<NodeRef> = Vec::new();
    let mut last_bar: Option<Word<'_>> = None;
    for w in &l.words[1..] {
        if w.text == "|" {
            if current.is_empty() {
                return Err(l.err_at(*w, "empty group: put at least one node on each side of `|`".to_string()));
            }
            groups.push(core::mem::take(&mut current));
            last_bar = Some(*w);
            continue;
        }
        if w.text.contains('|') {
            return Err(l.err_at(*w, format!("`{}`: separate `|` from the node names with spaces", w.text)));
        }
        let node = parse_node_ref(l, *w, ctx)?;
        if seen.contains(&node) {
            return Err(l.err_at(*w, format!("{} is in two groups", w.text)));
        }
        seen.push(node);
        current.push(node);
    }
    if current.is_empty() {
        let col = last_bar.map_or(l.end_col, |w| w.col);
        return Err(l.err(col, "empty group after the last `|`".to_string()));
    }
    groups.push(current);
    // Fixed ids unless `leader` appears, which the runner resolves.
    let ids: Option<Vec<Vec<NodeId>>> = groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|r| match r {
                    NodeRef::Node(id) => Some(*id),
                    NodeRef::Leader => None,
                })
                .collect()
        })
        .collect();
    Ok(match ids {
        Some(ids) => Command::Partition(ids),
        None => Command::PartitionRef(groups),
    })
}

/// Parses words `[from, to)` as a condition.
fn parse_cond(l: &Line<'_>, from: usize, to: usize, ctx: &ParseContext, outer_usage: &str) -> Result<Cond, ParseError> {
    let words = &l.words[from..to.min(l.words.len())];
    let Some(kind) = words.first().copied() else {
        return Err(l.err(
            l.words.get(to).map_or(l.end_col, |w| w.col),
            format!("missing a condition; usage: `{outer_usage}`"),
        ));
    };
    // Errors for a missing word point where the condition ends.
    let end_col = l.words.get(to).map_or(l.end_col, |w| w.col);
    let get = |i: usize, what: &str, usage: &str| -> Result<Word<'_>, ParseError> {
        words.get(i).copied().ok_or_else(|| l.err(end_col, format!("missing {what}; usage: `{usage}`")))
    };
    let done = |n: usize, usage: &str| -> Result<(), ParseError> {
        match words.get(n) {
            Some(w) => Err(l.err_at(*w, format!("unexpected `{}`; usage: `{usage}`", w.text))),
            None => Ok(()),
        }
    };
    let cond = match kind.text {
        "leader" => {
            let usage = "leader nK` or `leader any` or `leader none";
            let w = get(1, "a node, `any` or `none`", usage)?;
            let c = match w.text {
                "any" => Cond::LeaderAny,
                "none" => Cond::LeaderNone,
                _ => Cond::LeaderIs(parse_node_ref(l, w, ctx)?),
            };
            done(2, usage)?;
            c
        }
        "role" => {
            let usage = "role nK follower|candidate|leader|down|pre-candidate";
            let n = get(1, "a node", usage)?;
            let node = parse_node_ref(l, n, ctx)?;
            let r = get(2, "a role", usage)?;
            let role = match r.text {
                "follower" => RoleName::Follower,
                "candidate" => RoleName::Candidate,
                "leader" => RoleName::Leader,
                "down" => RoleName::Down,
                "pre-candidate" => RoleName::PreCandidate,
                other => return Err(l.err_at(r, unknown("role", other, ROLES))),
            };
            done(3, usage)?;
            Cond::Role(node, role)
        }
        "term" | "commit" => {
            let usage = if kind.text == "term" { "term nK OP N" } else { "commit nK OP N" };
            let n = get(1, "a node", usage)?;
            let node = parse_node_ref(l, n, ctx)?;
            let o = get(2, "a comparison (`==` `!=` `<` `<=` `>` `>=`)", usage)?;
            let op = parse_op(l, o)?;
            let v = get(3, "a number", usage)?;
            let value = parse_u64(l, v, "a number")?;
            done(4, usage)?;
            if kind.text == "term" {
                Cond::Term(node, op, value)
            } else {
                Cond::Commit(node, op, value)
            }
        }
        "kv" => {
            let usage = "kv nK KEY = VALUE` or `kv nK KEY absent";
            let n = get(1, "a node", usage)?;
            let node = parse_node_ref(l, n, ctx)?;
            let key = get(2, "a key", usage)?.text.to_string();
            let w = get(3, "`= VALUE` or `absent`", usage)?;
            match w.text {
                "=" => {
                    let value = get(4, "a value", usage)?.text.to_string();
                    done(5, usage)?;
                    Cond::KvEq(node, key, value)
                }
                "absent" => {
                    done(4, usage)?;
                    Cond::KvAbsent(node, key)
                }
                "==" => return Err(l.err_at(w, "write `=` (one equals sign) between key and value".to_string())),
                other => return Err(l.err_at(w, format!("expected `=` or `absent`, found `{other}`"))),
            }
        }
        "same-log" => {
            let usage = "same-log nA nB";
            let a = get(1, "a node", usage)?;
            let na = parse_node_ref(l, a, ctx)?;
            let b = get(2, "a second node", usage)?;
            let nb = parse_node_ref(l, b, ctx)?;
            done(3, usage)?;
            Cond::SameLog(na, nb)
        }
        "sent" | "delivered" => {
            let usage = if kind.text == "sent" { "sent TYPE OP N" } else { "delivered TYPE OP N" };
            let ty = get(1, "a message type", usage)?;
            if !super::ast::MESSAGE_TYPES.contains(&ty.text) {
                return Err(l.err_at(ty, unknown("message type", ty.text, super::ast::MESSAGE_TYPES)));
            }
            let o = get(2, "a comparison (`==` `!=` `<` `<=` `>` `>=`)", usage)?;
            let op = parse_op(l, o)?;
            let v = get(3, "a number", usage)?;
            let value = parse_u64(l, v, "a number")?;
            done(4, usage)?;
            if kind.text == "sent" {
                Cond::Sent(ty.text.to_string(), op, value)
            } else {
                Cond::Delivered(ty.text.to_string(), op, value)
            }
        }
        // etcd (issue 11).
        "revision" => {
            let usage = "revision nK OP N";
            let n = get(1, "a node", usage)?;
            let node = parse_node_ref(l, n, ctx)?;
            let o = get(2, "a comparison (`==` `!=` `<` `<=` `>` `>=`)", usage)?;
            let op = parse_op(l, o)?;
            let v = get(3, "a number", usage)?;
            let value = parse_u64(l, v, "a number")?;
            done(4, usage)?;
            Cond::Revision(node, op, value)
        }
        "lease" => {
            let usage = "lease NAME alive|expired|revoked";
            let name = parse_name(l, get(1, "a lease name", usage)?, "lease")?;
            let s = get(2, "`alive`, `expired` or `revoked`", usage)?;
            let state = match s.text {
                "alive" => LeaseCond::Alive,
                "expired" => LeaseCond::Expired,
                "revoked" => LeaseCond::Revoked,
                other => return Err(l.err_at(s, unknown("lease state", other, &["alive", "expired", "revoked"]))),
            };
            done(3, usage)?;
            Cond::Lease(name, state)
        }
        "watch" => {
            let usage = "watch NAME saw put KEY VALUE` or `watch NAME saw delete KEY` or `watch NAME events OP N";
            let name = parse_name(l, get(1, "a watch name", usage)?, "watch")?;
            let what = get(2, "`saw` or `events`", usage)?;
            match what.text {
                "saw" => {
                    let t = get(3, "`put` or `delete`", usage)?;
                    let key = get(4, "a key", usage)?.text.to_string();
                    match t.text {
                        "put" => {
                            let value = get(5, "a value", usage)?.text.to_string();
                            done(6, usage)?;
                            Cond::WatchSaw { name, key, value: Some(value) }
                        }
                        "delete" => {
                            done(5, usage)?;
                            Cond::WatchSaw { name, key, value: None }
                        }
                        other => return Err(l.err_at(t, format!("expected `put` or `delete`, found `{other}`"))),
                    }
                }
                "events" => {
                    let o = get(3, "a comparison (`==` `!=` `<` `<=` `>` `>=`)", usage)?;
                    let op = parse_op(l, o)?;
                    let v = get(4, "a number", usage)?;
                    let value = parse_u64(l, v, "a number")?;
                    done(5, usage)?;
                    Cond::WatchEvents(name, op, value)
                }
                other => return Err(l.err_at(what, format!("expected `saw` or `events`, found `{other}`"))),
            }
        }
        other => return Err(l.err_at(kind, unknown("condition", other, CONDITIONS))),
    };
    Ok(cond)
}

/// A lease or watch name: a letter or digit first, then letters, digits,
/// `-`, `_`, `.` or `/`; not a word of the language where the name could be
/// read two ways (`stop`, `then`, `else`, …).
fn parse_name(l: &Line<'_>, w: Word<'_>, what: &str) -> Result<String, ParseError> {
    let ok_first = w.text.chars().next().is_some_and(|c| c.is_alphanumeric());
    let ok_rest = w.text.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if !ok_first || !ok_rest {
        return Err(l.err_at(w, format!("expected a {what} name (letters, digits, `-`, `_`), found `{}`", w.text)));
    }
    if ["stop", "then", "else", "lease", "grant", "keepalive", "revoke", "every", "from"].contains(&w.text) {
        return Err(l.err_at(w, format!("`{}` cannot be a {what} name", w.text)));
    }
    if w.text.chars().count() > MAX_ZONE_NAME {
        return Err(l.err_at(w, format!("a {what} name has at most {MAX_ZONE_NAME} characters")));
    }
    Ok(w.text.to_string())
}

/// `lease grant NAME TTL`, `lease keepalive NAME every D`, `lease stop NAME`,
/// `lease revoke NAME`.
fn parse_lease(l: &Line<'_>) -> Result<Command, ParseError> {
    let usage = "lease grant NAME TTL` or `lease keepalive NAME every D` or `lease stop NAME` or `lease revoke NAME";
    let verb = l.word(1, "`grant`, `keepalive`, `stop` or `revoke`", usage)?;
    let name = |i| -> Result<String, ParseError> { parse_name(l, l.word(i, "a lease name", usage)?, "lease") };
    match verb.text {
        "grant" => {
            let name = name(2)?;
            let t = l.word(3, "a TTL like `3s`", usage)?;
            let ttl = parse_duration(l, t)?;
            if ttl == 0 {
                return Err(l.err_at(t, "a lease's TTL must be more than 0 ms".to_string()));
            }
            l.no_more(4, usage)?;
            Ok(Command::LeaseGrant { name, ttl })
        }
        "keepalive" => {
            let name = name(2)?;
            let e = l.word(3, "`every D`", usage)?;
            if e.text != "every" {
                return Err(l.err_at(e, format!("expected `every D`, found `{}`", e.text)));
            }
            let d = l.word(4, "a period like `1s`", usage)?;
            let every = parse_duration(l, d)?;
            if every == 0 {
                return Err(l.err_at(d, "a keep-alive period must be more than 0 ms".to_string()));
            }
            l.no_more(5, usage)?;
            Ok(Command::LeaseKeepAlive { name, every })
        }
        "stop" | "revoke" => {
            let n = name(2)?;
            l.no_more(3, usage)?;
            Ok(if verb.text == "stop" { Command::LeaseStop(n) } else { Command::LeaseRevoke(n) })
        }
        other => Err(l.err_at(verb, unknown("lease command", other, &["grant", "keepalive", "stop", "revoke"]))),
    }
}

/// `txn if KEY = VALUE|KEY absent|KEY mod = REV then OP [else OP]`,
/// OP = `put KEY VALUE [lease NAME]` | `delete KEY`.
fn parse_txn(l: &Line<'_>) -> Result<Command, ParseError> {
    use crate::kv::{Compare, TxnOp};
    let usage = "txn if KEY = VALUE then OP [else OP]` (or `KEY absent`, `KEY mod = REV`), OP = `put KEY VALUE [lease NAME]` or `delete KEY";
    let w = l.word(1, "`if`", usage)?;
    if w.text != "if" {
        return Err(l.err_at(w, format!("expected `if`, found `{}`", w.text)));
    }
    let key = l.word(2, "the key to compare", usage)?.text.to_string();
    let how = l.word(3, "`= VALUE`, `absent` or `mod = REV`", usage)?;
    let (compare, mut i) = match how.text {
        "=" => (Compare::ValueEq { key, value: l.word(4, "a value", usage)?.text.to_string() }, 5),
        "absent" => (Compare::Absent { key }, 4),
        "mod" => {
            let eq = l.word(4, "`=`", usage)?;
            if eq.text != "=" {
                return Err(l.err_at(eq, format!("expected `=`, found `{}`", eq.text)));
            }
            let r = l.word(5, "a revision", usage)?;
            (Compare::ModEq { key, revision: parse_u64(l, r, "a revision (a whole number)")? }, 6)
        }
        "==" => return Err(l.err_at(how, "write `=` (one equals sign) between key and value".to_string())),
        other => return Err(l.err_at(how, format!("expected `=`, `absent` or `mod`, found `{other}`"))),
    };
    let t = l.word(i, "`then`", usage)?;
    if t.text != "then" {
        return Err(l.err_at(t, format!("expected `then`, found `{}`", t.text)));
    }
    i += 1;
    let op = |i: &mut usize| -> Result<TxnOp, ParseError> {
        let w = l.word(*i, "an operation (`put KEY VALUE` or `delete KEY`)", usage)?;
        match w.text {
            "put" => {
                let key = l.word(*i + 1, "a key", usage)?.text.to_string();
                let value = l.word(*i + 2, "a value", usage)?.text.to_string();
                *i += 3;
                let lease = match l.words.get(*i) {
                    Some(w) if w.text == "lease" => {
                        let name = parse_name(l, l.word(*i + 1, "a lease name", usage)?, "lease")?;
                        *i += 2;
                        Some(name)
                    }
                    _ => None,
                };
                Ok(TxnOp::Put { key, value, lease })
            }
            "delete" => {
                let key = l.word(*i + 1, "a key", usage)?.text.to_string();
                *i += 2;
                Ok(TxnOp::Delete { key })
            }
            other => Err(l.err_at(w, format!("expected `put` or `delete`, found `{other}`"))),
        }
    };
    let then = op(&mut i)?;
    let otherwise = match l.words.get(i) {
        None => None,
        Some(w) if w.text == "else" => {
            i += 1;
            Some(op(&mut i)?)
        }
        Some(w) => return Err(l.err_at(*w, format!("expected `else OP` or the end of the line, found `{}`", w.text))),
    };
    l.no_more(i, usage)?;
    Ok(Command::Txn { compare, then, otherwise })
}

// ---------------------------------------------------------------------------
// Values.

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Most puts per second `load` issues (ten per simulated millisecond).
pub const MAX_LOAD_RATE: u64 = 10_000;
/// Most keys `load` spreads its puts over.
pub const MAX_LOAD_KEYS: u64 = 1_000;

/// `load put|get RATE/s for D [keys N]` (issues 9, 12): an open-loop write
/// or read load.
fn parse_load(l: &Line<'_>) -> Result<Command, ParseError> {
    let usage = "load put|get RATE/s for D` or `load put|get RATE/s for D keys N";
    let w = l.word(1, "`put` or `get`", usage)?;
    let op = match w.text {
        "put" => LoadOp::Put,
        "get" => LoadOp::Get,
        other => return Err(l.err_at(w, format!("expected `put` or `get`, found `{other}`"))),
    };
    let r = l.word(2, "a rate like `100/s`", usage)?;
    let rate = r
        .text
        .strip_suffix("/s")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| (1..=MAX_LOAD_RATE).contains(n))
        .ok_or_else(|| {
            l.err_at(r, format!("expected a rate like `100/s` (1/s to {MAX_LOAD_RATE}/s), found `{}`", r.text))
        })?;
    let f = l.word(3, "`for`", usage)?;
    if f.text != "for" {
        return Err(l.err_at(f, format!("expected `for D`, found `{}`", f.text)));
    }
    let d = l.word(4, "a duration", usage)?;
    let duration = parse_duration(l, d)?;
    let keys = match l.words.get(5) {
        // By default each key gets a put every 100 ms or less often: longer
        // than a put takes, so each key's history has quiet moments where
        // the linearizability check settles it (invariants.rs, KeyHistory).
        None => rate.div_ceil(10).clamp(5, MAX_LOAD_KEYS) as u32,
        Some(w) if w.text == "keys" => {
            let n = l.word(6, "a number of keys", usage)?;
            let keys = parse_u64(l, n, "a number of keys")?;
            if !(1..=MAX_LOAD_KEYS).contains(&keys) {
                return Err(l.err_at(n, format!("keys must be 1 to {MAX_LOAD_KEYS}, found {keys}")));
            }
            l.no_more(7, usage)?;
            keys as u32
        }
        Some(w) => return Err(l.err_at(*w, format!("expected `keys N`, found `{}`", w.text))),
    };
    Ok(Command::Load { op, rate, duration, keys })
}

/// Word `i` of the line as a switch: `on` or `off`.
fn parse_on_off(l: &Line<'_>, i: usize, usage: &str) -> Result<bool, ParseError> {
    let w = l.word(i, "`on` or `off`", usage)?;
    match w.text {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(l.err_at(w, format!("expected `on` or `off`, found `{other}`"))),
    }
}

fn parse_u64(l: &Line<'_>, w: Word<'_>, what: &str) -> Result<u64, ParseError> {
    if !is_digits(w.text) {
        return Err(l.err_at(w, format!("expected {what}, found `{}`", w.text)));
    }
    w.text.parse::<u64>().map_err(|_| l.err_at(w, format!("`{}` is too large", w.text)))
}

/// `250ms` or `2s` (a non-negative integer and a unit).
pub fn parse_duration_str(s: &str) -> Result<Millis, String> {
    let (digits, scale) = if let Some(d) = s.strip_suffix("ms") {
        (d, 1u64)
    } else if let Some(d) = s.strip_suffix('s') {
        (d, 1000u64)
    } else if is_digits(s) {
        return Err(format!("`{s}` needs a unit: `{s}ms` or `{s}s`"));
    } else {
        return Err(format!("expected a duration like `250ms` or `2s`, found `{s}`"));
    };
    if !is_digits(digits) {
        return Err(format!("expected a duration like `250ms` or `2s`, found `{s}`"));
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|ms| *ms <= MAX_DURATION_MS)
        .ok_or_else(|| format!("duration `{s}` is too large (at most 86400s, one simulated day)"))
}

/// The longest duration a file may name. Simulated time is cheap but not free
/// (a 15-node cluster simulates about a minute in half a second), so a typo
/// like `run 99999999999s` is refused up front instead of running for days.
pub const MAX_DURATION_MS: Millis = 86_400_000;

fn parse_duration(l: &Line<'_>, w: Word<'_>) -> Result<Millis, ParseError> {
    parse_duration_str(w.text).map_err(|m| l.err_at(w, m))
}

// ---------------------------------------------------------------------------
// Where replicas sit (issue 12): `zone NAME nA nB …`,
// `set latency zone X <-> zone Y A..B`, `set latency nA <-> nB A..B`.

/// Longest zone name (a label on the ring must stay short).
pub const MAX_ZONE_NAME: usize = 24;

/// A zone name: a letter, then letters, digits, `-` or `_`; not `zone`,
/// `leader` or a node name (`n3`), so a line never reads two ways.
fn parse_zone_name(l: &Line<'_>, w: Word<'_>) -> Result<String, ParseError> {
    let t = w.text;
    let starts_with_letter = t.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !starts_with_letter || !rest_ok || t.len() > MAX_ZONE_NAME {
        return Err(l.err_at(
            w,
            format!(
                "bad zone name `{t}`: use a letter, then letters, digits, `-` or `_` (at most {MAX_ZONE_NAME} characters)"
            ),
        ));
    }
    if t == "zone" || t == "leader" || t.strip_prefix('n').is_some_and(is_digits) {
        return Err(l.err_at(w, format!("`{t}` cannot name a zone (it reads as a keyword or a node)")));
    }
    Ok(t.to_string())
}

/// `zone NAME nA nB …`
fn parse_zone(l: &Line<'_>, ctx: &ParseContext, script: Option<&mut ScriptState>) -> Result<Command, ParseError> {
    let usage = "zone NAME nA nB …";
    let name = parse_zone_name(l, l.word(1, "the zone's name", usage)?)?;
    if l.words.len() < 3 {
        return Err(l.err(l.end_col, format!("missing the zone's servers; usage: `{usage}`")));
    }
    let mut nodes: Vec<NodeId> = Vec::new();
    for w in &l.words[2..] {
        let id = parse_node_id(l, *w, ctx)?;
        if nodes.contains(&id) {
            return Err(l.err_at(*w, format!("n{id} is named twice")));
        }
        nodes.push(id);
    }
    if let Some(st) = script {
        crate::network::assign_zone(&mut st.zones, &name, &nodes);
    }
    Ok(Command::Zone { name, nodes })
}

/// `set latency zone …` or `set latency nA <-> …` (not the base `set latency A..B`).
fn is_latency_rule(l: &Line<'_>) -> bool {
    l.words.get(1).is_some_and(|w| w.text == "latency")
        && l.words.get(2).is_some_and(|w| w.text == "zone" || (w.text.starts_with('n') && l.words.len() > 3))
}

/// The both-ways arrow of a latency rule.
fn expect_both_ways(l: &Line<'_>, i: usize, usage: &str) -> Result<(), ParseError> {
    let w = l.word(i, "`<->`", usage)?;
    match w.text {
        "<->" => Ok(()),
        "->" => Err(l.err_at(w, "a latency rule holds both ways: write `<->`".to_string())),
        other => Err(l.err_at(w, format!("expected `<->`, found `{other}`"))),
    }
}

fn parse_latency_rule(l: &Line<'_>, ctx: &ParseContext, script: Option<&ScriptState>) -> Result<Command, ParseError> {
    if l.words[2].text == "zone" {
        let usage = "set latency zone X <-> zone Y A..B";
        let zone_at = |i: usize| -> Result<String, ParseError> {
            let kw = l.word(i, "`zone`", usage)?;
            if kw.text != "zone" {
                return Err(l.err_at(kw, format!("expected `zone`, found `{}`", kw.text)));
            }
            let w = l.word(i + 1, "a zone's name", usage)?;
            let name = parse_zone_name(l, w)?;
            // A file knows its zones; the live page leaves the check to the world.
            if let Some(st) = script {
                if !st.zones.iter().any(|z| z.name == name) {
                    let known: Vec<&str> = st.zones.iter().map(|z| z.name.as_str()).collect();
                    let msg = if known.is_empty() {
                        format!("no zone named `{name}` (none yet: define it first with `zone {name} nA nB …`)")
                    } else {
                        format!("no zone named `{name}` (zones: {})", known.join(", "))
                    };
                    return Err(l.err_at(w, msg));
                }
            }
            Ok(name)
        };
        let a = zone_at(2)?;
        expect_both_ways(l, 4, usage)?;
        let b = zone_at(5)?;
        let w = l.word(7, "a range like `40ms..45ms`", usage)?;
        let (lo, hi) = parse_range(l, w)?;
        l.no_more(8, usage)?;
        return Ok(Command::SetZoneLatency { a, b, lo, hi });
    }
    let usage = "set latency nA <-> nB A..B";
    let wa = l.words[2];
    let a = parse_node_id(l, wa, ctx)?;
    expect_both_ways(l, 3, usage)?;
    let wb = l.word(4, "the other end of the link", usage)?;
    let b = parse_node_id(l, wb, ctx)?;
    if a == b {
        return Err(l.err_at(wb, format!("a link joins two different servers (n{a} twice)")));
    }
    let w = l.word(5, "a range like `40ms..45ms`", usage)?;
    let (lo, hi) = parse_range(l, w)?;
    l.no_more(6, usage)?;
    Ok(Command::SetLinkLatency { a, b, lo, hi })
}

// ---------------------------------------------------------------------------

/// `A..B`, inclusive, with A <= B.
fn parse_range(l: &Line<'_>, w: Word<'_>) -> Result<(Millis, Millis), ParseError> {
    // Not `split_once("..")`: see `find_str`.
    let Some(dots) = crate::scenario::lesson::find_str(w.text, "..") else {
        return Err(l.err_at(w, format!("expected a range like `150ms..300ms`, found `{}`", w.text)));
    };
    let (a, b) = (&w.text[..dots], &w.text[dots + 2..]);
    let a = parse_duration_str(a).map_err(|m| l.err_at(w, m))?;
    let b_col = w.col.saturating_add(u32::try_from(dots + 2).unwrap_or(0));
    let b = parse_duration_str(b).map_err(|m| l.err(b_col, m))?;
    if a > b {
        return Err(l.err_at(w, format!("range `{}` is empty: {a}ms is more than {b}ms", w.text)));
    }
    Ok((a, b))
}

/// `0%` … `100%`, decimals allowed.
fn parse_percent(l: &Line<'_>, w: Word<'_>) -> Result<f64, ParseError> {
    let bad = || l.err_at(w, format!("expected a percentage like `5%` or `2.5%`, found `{}`", w.text));
    let num = w.text.strip_suffix('%').ok_or_else(bad)?;
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) if is_digits(i) && is_digits(f) => (i, f),
        None if is_digits(num) => (num, ""),
        _ => return Err(bad()),
    };
    let out_of_range = || l.err_at(w, format!("percentage must be 0%..100%, not {}", w.text));
    if int.trim_start_matches('0').len() > 3 {
        return Err(out_of_range());
    }
    let p = decimal_value(int, frac).ok_or_else(|| {
        l.err_at(w, format!("`{}` has more digits than a percentage can hold (at most 15 significant digits)", w.text))
    })?;
    if !(0.0..=100.0).contains(&p) {
        return Err(l.err_at(w, format!("percentage must be 0%..100%, not {}", w.text)));
    }
    Ok(p)
}

/// The decimal `int.frac` (ASCII digits) as the nearest `f64`, the value
/// `str::parse::<f64>` gives, when its digits fit a double exactly: with the
/// trailing zeros dropped, an integer `m` of at most 2^53 over `10^k` with
/// `k` ≤ 22. Both are then exact doubles and one division rounds correctly.
/// None for more digits than that. (Not `str::parse`: the general float
/// parser's code and tables cost the wasm several KB, docs/wasm-size.md.)
fn decimal_value(int: &str, frac: &str) -> Option<f64> {
    let frac = frac.trim_end_matches('0');
    let mut m: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        m = m.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if m > 1 << 53 || frac.len() > 22 {
        return None;
    }
    let mut scale = 1.0;
    for _ in 0..frac.len() {
        scale *= 10.0; // exact: 10^k is a double for k <= 22
    }
    Some(m as f64 / scale)
}

fn parse_op(l: &Line<'_>, w: Word<'_>) -> Result<CmpOp, ParseError> {
    Ok(match w.text {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "=" => return Err(l.err_at(w, "write `==` to compare".to_string())),
        other => {
            return Err(l.err_at(w, format!("expected a comparison (`==` `!=` `<` `<=` `>` `>=`), found `{other}`")))
        }
    })
}

/// `nK` with K a valid node id (1..=15), whether or not it exists.
fn parse_new_node_id(l: &Line<'_>, w: Word<'_>) -> Result<NodeId, ParseError> {
    if w.text == "leader" {
        return Err(l.err_at(w, "`leader` cannot be used here; name a node like `n3`".to_string()));
    }
    let id = w
        .text
        .strip_prefix('n')
        .filter(|d| is_digits(d))
        .ok_or_else(|| l.err_at(w, format!("expected a node like `n3`, found `{}`", w.text)))?;
    match id.parse::<u64>() {
        Ok(k) if (1..=MAX_NODES).contains(&k) => Ok(k),
        _ => Err(l.err_at(w, format!("node ids are n1..n15, not `{}`", w.text))),
    }
}

/// A node that exists (in `ctx.members`); `leader` is refused.
fn parse_node_id(l: &Line<'_>, w: Word<'_>, ctx: &ParseContext) -> Result<NodeId, ParseError> {
    let id = parse_new_node_id(l, w).map_err(|e| {
        if w.text.starts_with('n') || w.text == "leader" {
            e
        } else {
            l.err_at(w, format!("expected a node like `n3`, found `{}`", w.text))
        }
    })?;
    if !ctx.members.contains(&id) {
        return Err(l.err_at(w, format!("n{id} is not in the cluster ({})", list_nodes(ctx.members.iter().copied()))));
    }
    Ok(id)
}

/// A read's optional `from nK` at word `at` (`get` and `range`): the node
/// that answers it from its own state, possibly stale.
fn parse_read_from(l: &Line<'_>, at: usize, ctx: &ParseContext, usage: &str) -> Result<Option<NodeRef>, ParseError> {
    match l.words.get(at) {
        None => Ok(None),
        Some(w) if w.text == "from" => {
            let n = l.word(at + 1, "the node to read from", usage)?;
            Ok(Some(parse_node_ref(l, n, ctx)?))
        }
        Some(w) => Err(l.err_at(*w, format!("expected `from nK`, found `{}`", w.text))),
    }
}

/// A node that exists, or `leader`.
fn parse_node_ref(l: &Line<'_>, w: Word<'_>, ctx: &ParseContext) -> Result<NodeRef, ParseError> {
    if w.text == "leader" {
        return Ok(NodeRef::Leader);
    }
    if !w.text.starts_with('n') {
        return Err(l.err_at(w, format!("expected a node like `n3` or `leader`, found `{}`", w.text)));
    }
    parse_node_id(l, w, ctx).map(NodeRef::Node)
}

/// `n1..n5`, or `n1..n5, n9` for a non-contiguous set.
fn list_nodes(ids: impl Iterator<Item = u64>) -> String {
    let mut ids: Vec<u64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return "no nodes".to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => format!("n{}", ids[i]),
            1 => format!("n{}, n{}", ids[i], ids[j]),
            _ => format!("n{}..n{}", ids[i], ids[j]),
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// "unknown command `crsh`; did you mean `crash`?"
fn unknown(what: &str, found: &str, known: &[&str]) -> String {
    let lower = found.to_ascii_lowercase();
    let best = known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, k)| *d <= 2.max(k.len() / 3));
    match best {
        Some((_, k)) => format!("unknown {what} `{found}`; did you mean `{k}`?"),
        None => format!("unknown {what} `{found}`; expected one of: {}", known.join(", ")),
    }
}

/// Levenshtein distance, for suggestions (short words only, so O(n·m) is fine).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = alloc::vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        core::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// Parses `text` as a file and returns its only command.
    fn one(text: &str) -> Command {
        let s = parse_script(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(s.commands.len(), 1, "{text}");
        s.commands[0].value.clone()
    }

    fn cond(text: &str) -> Cond {
        match one(&format!("expect {text}")) {
            Command::Expect(c) => c,
            other => panic!("{other:?}"),
        }
    }

    /// Parses `text` and returns its error as (line, col, message).
    fn err(text: &str) -> (u32, u32, String) {
        match parse_script(text) {
            Ok(s) => panic!("{text:?} parsed: {s:?}"),
            Err(e) => (e.line, e.col, e.message),
        }
    }

    /// `set loss P%` reads P without the general float parser: the same
    /// double as `str::parse::<f64>`, bit for bit, for every percentage a
    /// scenario writes (and many it would not), and a clear error past 15
    /// significant digits.
    #[test]
    fn percentages_read_exactly_as_the_float_parser_reads_them() {
        let loss = |text: &str| match one(&format!("set loss {text}%")) {
            Command::SetLoss(p) => p,
            other => panic!("{other:?}"),
        };
        let mut texts: Vec<String> = Vec::new();
        for i in 0..=100 {
            texts.push(format!("{i}"));
            texts.push(format!("0{i}.0"));
            for f in 0..1000 {
                if i < 100 || f == 0 {
                    texts.push(format!("{i}.{f}"));
                    texts.push(format!("{i}.{f:03}"));
                }
            }
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            // Up to 15 significant digits at every scale a percentage has.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 999_999_999_999_999).to_string();
            let point = (x >> 50) as usize % (digits.len() + 1);
            let (int, frac) = digits.split_at(digits.len() - point);
            let text = format!("{}.{frac}", if int.is_empty() { "0" } else { int });
            if text.parse::<f64>().unwrap() <= 100.0 {
                texts.push(text);
            }
        }
        texts.extend(
            ["100.000000000000000000000000", "0.0000000000000000000001", "0.000", "99.9999999999999"].map(String::from),
        );
        for t in &texts {
            assert_eq!(loss(t).to_bits(), t.parse::<f64>().unwrap().to_bits(), "{t}");
        }
        assert!(texts.len() > 100_000, "{} percentages compared", texts.len());

        assert_eq!(err("set loss 1000%"), (1, 10, "percentage must be 0%..100%, not 1000%".into()));
        assert_eq!(err("set loss 100.5%"), (1, 10, "percentage must be 0%..100%, not 100.5%".into()));
        let long = "1.2345678901234567%";
        assert_eq!(
            err(&format!("set loss {long}")),
            (1, 10, format!("`{long}` has more digits than a percentage can hold (at most 15 significant digits)"))
        );
        assert!(err("set loss 0.00000000000000000000001%").2.contains("more digits"), "23 decimals");
    }

    #[test]
    fn empty_file_is_default_setup() {
        let s = parse_script("").unwrap();
        assert_eq!(s.setup, Setup::default());
        assert!(s.commands.is_empty());
        let s = parse_script("# only a comment\n\n   \t\n").unwrap();
        assert!(s.commands.is_empty());
    }

    #[test]
    fn setup_commands() {
        let s = parse_script(
            "cluster 3\nseed 42\nset election-timeout 100ms..1s\nset heartbeat 20ms\n\
             set prevote on\nset check-quorum on\nset snapshot-threshold 10\nset read-mode lease\n",
        )
        .unwrap();
        assert_eq!(
            s.setup,
            Setup {
                cluster: 3,
                seed: 42,
                election_timeout: (100, 1000),
                heartbeat: 20,
                prevote: true,
                check_quorum: true,
                snapshot_threshold: 10,
                read_mode: ReadMode::Lease,
                max_entries: 64,
                batch_delay: 0,
                pipeline: true,
                max_inflight: None,
                bugs: raft_core::Bugs::default(),
            }
        );
        assert_eq!(parse_script("set max-entries 1").unwrap().setup.max_entries, 1);
        let bugs = parse_script("set bug commit-one-half-of-joint on").unwrap().setup.bugs;
        assert_eq!(bugs.enabled(), ["commit-one-half-of-joint"]);
        assert_eq!(
            err("set bug commit-counts-learner on"),
            (1, 9, "unknown bug `commit-counts-learner`; did you mean `commit-counts-learners`?".into())
        );
        assert_eq!(err("set bug commit-counts-learners maybe").1, 32);
        let e = parse_script("run 86401s").unwrap_err();
        assert_eq!((e.line, e.col), (1, 5), "{}", e.message);
        assert!(e.message.contains("too large"), "{}", e.message);
        assert!(parse_script("run 86400s").is_ok());
        let e = parse_script("set max-entries 0").unwrap_err();
        assert_eq!((e.line, e.col), (1, 17), "{}", e.message);
        assert_eq!(parse_script("set read-mode log").unwrap().setup.read_mode, ReadMode::Log);
        assert_eq!(parse_script("set read-mode read-index").unwrap().setup.read_mode, ReadMode::ReadIndex);
        assert!(!parse_script("set prevote off").unwrap().setup.prevote);
        assert_eq!(parse_script("seed 18446744073709551615").unwrap().setup.seed, u64::MAX);
    }

    #[test]
    fn network_commands() {
        assert_eq!(one("set latency 5ms..50ms"), Command::SetLatency(5, 50));
        assert_eq!(one("set latency 0ms..0ms"), Command::SetLatency(0, 0));
        assert_eq!(one("set loss 2.5%"), Command::SetLoss(2.5));
        assert_eq!(one("set duplicate 100%"), Command::SetDuplicate(100.0));
        assert_eq!(one("set disk-latency 2ms..5ms"), Command::SetDiskLatency(2, 5));
        assert_eq!(one("set disk-latency 0ms..0ms"), Command::SetDiskLatency(0, 0));
        assert_eq!(one("set group-commit off"), Command::SetGroupCommit(false));
        assert_eq!(one("set loss 0%"), Command::SetLoss(0.0));
        assert_eq!(one("partition n1 n2 | n3 n4 | n5"), Command::Partition(vec![vec![1, 2], vec![3, 4], vec![5]]));
        assert_eq!(one("partition n3"), Command::Partition(vec![vec![3]]));
        assert_eq!(one("cut n1 -> n2"), Command::Cut { from: 1, to: 2, both_ways: false });
        assert_eq!(one("cut n1 <-> n2"), Command::Cut { from: 1, to: 2, both_ways: true });
        assert_eq!(one("uncut n2 -> n1"), Command::Uncut { from: 2, to: 1, both_ways: false });
        assert_eq!(one("uncut n2 <-> n1"), Command::Uncut { from: 2, to: 1, both_ways: true });
        assert_eq!(one("heal"), Command::Heal);
        // v1: `leader` may stand for any node, here too; resolved when run.
        assert_eq!(
            one("partition leader | n3 n4"),
            Command::PartitionRef(vec![vec![NodeRef::Leader], vec![NodeRef::Node(3), NodeRef::Node(4)]])
        );
        assert_eq!(
            one("cut leader <-> n2"),
            Command::CutRef { from: NodeRef::Leader, to: NodeRef::Node(2), both_ways: true }
        );
        assert_eq!(
            one("uncut n2 -> leader"),
            Command::UncutRef { from: NodeRef::Node(2), to: NodeRef::Leader, both_ways: false }
        );
    }

    #[test]
    fn time_node_and_client_commands() {
        assert_eq!(one("run 250ms"), Command::Run(250));
        assert_eq!(one("run 2s"), Command::Run(2000));
        assert_eq!(one("run 0ms"), Command::Run(0));
        assert_eq!(one("await leader any within 2s"), Command::Await { cond: Cond::LeaderAny, within: 2000 });
        // A key named `within` is fine: only the last two words are `within D`.
        assert_eq!(
            one("await kv n1 within = within within 1s"),
            Command::Await { cond: Cond::KvEq(NodeRef::Node(1), "within".into(), "within".into()), within: 1000 }
        );
        assert_eq!(one("crash n3"), Command::Crash(NodeRef::Node(3)));
        assert_eq!(one("crash leader"), Command::Crash(NodeRef::Leader));
        assert_eq!(one("restart n5"), Command::Restart(NodeRef::Node(5)));
        assert_eq!(one("timeout leader"), Command::Timeout(NodeRef::Leader));
        assert_eq!(one("put x 1"), Command::Put { key: "x".into(), value: "1".into() });
        assert_eq!(one("get x"), Command::Get { key: "x".into(), from: None });
        assert_eq!(one("get x from n2"), Command::Get { key: "x".into(), from: Some(NodeRef::Node(2)) });
        assert_eq!(one("get from"), Command::Get { key: "from".into(), from: None });
        assert_eq!(
            one("propose leader k v"),
            Command::Propose { node: NodeRef::Leader, key: "k".into(), value: "v".into() }
        );
        assert_eq!(
            one("propose n2 k v"),
            Command::Propose { node: NodeRef::Node(2), key: "k".into(), value: "v".into() }
        );
    }

    #[test]
    fn membership_transfer_and_drop() {
        assert_eq!(one("add n6"), Command::Add(6));
        assert_eq!(one("add n15"), Command::Add(15));
        assert_eq!(one("remove n5"), Command::Remove(5));
        assert_eq!(one("reconfigure n1 n2 n6 n7"), Command::Reconfigure(vec![1, 2, 6, 7]));
        assert_eq!(one("transfer n2"), Command::Transfer(2));
        assert_eq!(one("drop m17"), Command::Drop(17));
        // Added nodes may be named afterwards; removed nodes still exist.
        let s = parse_script("add n6\ncrash n6\nremove n1\nexpect role n1 follower\nadd n1").unwrap();
        assert_eq!(s.commands.len(), 5);
        let s = parse_script("reconfigure n1 n2 n9\ncrash n9\nremove n9").unwrap();
        assert_eq!(s.commands[1].value, Command::Crash(NodeRef::Node(9)));
    }

    #[test]
    fn conditions() {
        assert_eq!(cond("leader n1"), Cond::LeaderIs(NodeRef::Node(1)));
        assert_eq!(cond("leader any"), Cond::LeaderAny);
        assert_eq!(cond("leader none"), Cond::LeaderNone);
        assert_eq!(cond("role n2 follower"), Cond::Role(NodeRef::Node(2), RoleName::Follower));
        assert_eq!(cond("role n2 candidate"), Cond::Role(NodeRef::Node(2), RoleName::Candidate));
        assert_eq!(cond("role leader leader"), Cond::Role(NodeRef::Leader, RoleName::Leader));
        assert_eq!(cond("role n2 down"), Cond::Role(NodeRef::Node(2), RoleName::Down));
        assert_eq!(cond("role n2 pre-candidate"), Cond::Role(NodeRef::Node(2), RoleName::PreCandidate));
        let ops = [
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<", CmpOp::Lt),
            ("<=", CmpOp::Le),
            (">", CmpOp::Gt),
            (">=", CmpOp::Ge),
        ];
        for (text, op) in ops {
            assert_eq!(cond(&format!("term n1 {text} 3")), Cond::Term(NodeRef::Node(1), op, 3));
            assert_eq!(cond(&format!("commit leader {text} 7")), Cond::Commit(NodeRef::Leader, op, 7));
        }
        assert_eq!(cond("kv n3 x = 1"), Cond::KvEq(NodeRef::Node(3), "x".into(), "1".into()));
        assert_eq!(cond("kv leader x absent"), Cond::KvAbsent(NodeRef::Leader, "x".into()));
        assert_eq!(cond("same-log n1 leader"), Cond::SameLog(NodeRef::Node(1), NodeRef::Leader));
    }

    #[test]
    fn located_carries_line_col_and_text() {
        let s = parse_script("cluster 3\n\n  crash n1   # boom\n\trun 1s").unwrap();
        assert_eq!(s.commands[0].line, 3);
        assert_eq!(s.commands[0].col, 3);
        assert_eq!(s.commands[0].text, "crash n1");
        assert_eq!(s.commands[1].line, 4);
        assert_eq!(s.commands[1].col, 2);
        assert_eq!(s.commands[1].text, "run 1s");
        // CRLF line endings are accepted.
        let s = parse_script("cluster 3\r\nrun 1s\r\n").unwrap();
        assert_eq!(s.commands[0].value, Command::Run(1000));
        assert_eq!(s.commands[0].text, "run 1s");
    }

    #[test]
    fn comments_anywhere() {
        assert_eq!(one("put x 1#comment"), Command::Put { key: "x".into(), value: "1".into() });
        assert_eq!(parse_script("#crash n9").unwrap().commands.len(), 0);
    }

    #[test]
    fn network_commands_do_not_end_setup() {
        let s = parse_script("set latency 1ms..2ms\npartition n1 | n2\nseed 7\nrun 1s").unwrap();
        assert_eq!(s.setup.seed, 7);
        assert_eq!(s.commands.len(), 3);
    }

    #[test]
    fn unknown_command_suggests() {
        assert_eq!(err("crsh n1"), (1, 1, "unknown command `crsh`; did you mean `crash`?".into()));
        assert_eq!(err("run 1s\n  Crash n1"), (2, 3, "unknown command `Crash`; did you mean `crash`?".into()));
        let (l, c, m) = err("frobnicate");
        assert_eq!((l, c), (1, 1));
        assert!(m.starts_with("unknown command `frobnicate`; expected one of:"), "{m}");
        assert_eq!(err("set heartbeet 5ms"), (1, 5, "unknown setting `heartbeet`; did you mean `heartbeat`?".into()));
        assert_eq!(err("expect leadr n1"), (1, 8, "unknown condition `leadr`; did you mean `leader`?".into()));
        assert_eq!(err("expect role n1 folower"), (1, 16, "unknown role `folower`; did you mean `follower`?".into()));
        assert_eq!(err("set read-mode leas"), (1, 15, "unknown read mode `leas`; did you mean `lease`?".into()));
    }

    #[test]
    fn node_errors() {
        assert_eq!(err("crash n7"), (1, 7, "n7 is not in the cluster (n1..n5)".into()));
        assert_eq!(err("cluster 3\nrun 1s\nexpect leader n4"), (3, 15, "n4 is not in the cluster (n1..n3)".into()));
        assert_eq!(err("add n9\ncrash n7"), (2, 7, "n7 is not in the cluster (n1..n5, n9)".into()));
        assert_eq!(err("crash n0"), (1, 7, "node ids are n1..n15, not `n0`".into()));
        assert_eq!(err("add n16"), (1, 5, "node ids are n1..n15, not `n16`".into()));
        assert_eq!(err("crash x1"), (1, 7, "expected a node like `n3` or `leader`, found `x1`".into()));
        assert_eq!(err("add leader"), (1, 5, "`leader` cannot be used here; name a node like `n3`".into()));
        assert_eq!(err("cut leader -> leader"), (1, 15, "a node cannot be cut from itself (leader)".into()));
        assert_eq!(err("partition leader | n2 leader"), (1, 23, "leader is in two groups".into()));
        assert_eq!(err("transfer leader"), (1, 10, "`leader` cannot be used here; name a node like `n3`".into()));
        assert_eq!(err("cut n1 -> n1"), (1, 11, "a node cannot be cut from itself (n1)".into()));
        assert_eq!(err("cut n1 => n2"), (1, 8, "expected `->` or `<->`, found `=>`".into()));
    }

    #[test]
    fn membership_errors() {
        assert_eq!(err("add n3"), (1, 5, "n3 is already a member of the configuration".into()));
        assert_eq!(err("add n6\nadd n6"), (2, 5, "n6 is already a member of the configuration".into()));
        assert_eq!(err("remove n2\nremove n2"), (2, 8, "n2 is not a member of the configuration (n1, n3..n5)".into()));
        assert_eq!(
            err("cluster 1\nremove n1"),
            (2, 8, "cannot remove n1, the only member of the configuration".into())
        );
        assert_eq!(err("reconfigure n1 n2 n1"), (1, 19, "n1 is named twice".into()));
        assert_eq!(err("reconfigure"), (1, 12, "missing the new voter set; usage: `reconfigure nA nB …`".into()));
        assert_eq!(err("reconfigure n1 n20"), (1, 16, "node ids are n1..n15, not `n20`".into()));
        // After a reconfigure, the voter set is the target.
        assert_eq!(
            err("reconfigure n1 n2 n3\nremove n4"),
            (2, 8, "n4 is not a member of the configuration (n1..n3)".into())
        );
        assert!(parse_script("remove n5\nadd n5").is_ok());
        assert_eq!(err("drop 17"), (1, 6, "expected a message id like `m17`, found `17`".into()));
    }

    #[test]
    fn setup_after_action() {
        assert_eq!(
            err("cluster 3\nrun 1s\n\ncrash n1\nseed 4"),
            (5, 1, "setup command `seed` after the first action (line 2)".into())
        );
        assert_eq!(
            err("put x 1\n  set prevote on"),
            (2, 3, "setup command `set prevote` after the first action (line 1)".into())
        );
        assert_eq!(
            err("expect leader none\ncluster 3"),
            (2, 1, "setup command `cluster` after the first action (line 1)".into())
        );
        assert_eq!(
            err("set loss 1%\ncluster 3"),
            (2, 1, "`cluster` must come before network commands (line 1)".into())
        );
    }

    #[test]
    fn value_errors() {
        assert_eq!(err("cluster 0"), (1, 9, "cluster size must be 1..=15, not 0".into()));
        assert_eq!(err("cluster 16"), (1, 9, "cluster size must be 1..=15, not 16".into()));
        assert_eq!(err("cluster x"), (1, 9, "expected a number of nodes, found `x`".into()));
        assert_eq!(err("cluster -1"), (1, 9, "expected a number of nodes, found `-1`".into()));
        assert_eq!(err("seed 18446744073709551616"), (1, 6, "`18446744073709551616` is too large".into()));
        assert_eq!(err("run 5"), (1, 5, "`5` needs a unit: `5ms` or `5s`".into()));
        assert_eq!(err("run 1.5s"), (1, 5, "expected a duration like `250ms` or `2s`, found `1.5s`".into()));
        assert_eq!(
            err("run 99999999999999999999s"),
            (1, 5, "duration `99999999999999999999s` is too large (at most 86400s, one simulated day)".into())
        );
        assert_eq!(err("run"), (1, 4, "missing a duration; usage: `run D`".into()));
        assert_eq!(err("run 1s 2s"), (1, 8, "unexpected `2s`; usage: `run D`".into()));
        assert_eq!(
            err("set election-timeout 300ms..150ms"),
            (1, 22, "range `300ms..150ms` is empty: 300ms is more than 150ms".into())
        );
        assert_eq!(err("set election-timeout 0ms..150ms"), (1, 22, "the election timeout must be at least 1ms".into()));
        // raft-core's Config::validate, reported at the line that set the timing (§5.6).
        assert_eq!(
            err("cluster 3\nset heartbeat 200ms\nrun 1s"),
            (2, 1, "the heartbeat interval must be shorter than the smallest election timeout (§5.6) (heartbeat 200ms, election timeout 150ms..300ms)".into())
        );
        assert!(parse_script("cluster 3\nset heartbeat 200ms\nset election-timeout 300ms..600ms\nrun 1s").is_ok());
        assert_eq!(err("set latency 10ms"), (1, 13, "expected a range like `150ms..300ms`, found `10ms`".into()));
        assert_eq!(err("set latency 10ms..3x"), (1, 19, "expected a duration like `250ms` or `2s`, found `3x`".into()));
        assert_eq!(err("set heartbeat 0ms"), (1, 15, "the heartbeat interval must be at least 1ms".into()));
        assert_eq!(err("set loss 101%"), (1, 10, "percentage must be 0%..100%, not 101%".into()));
        assert_eq!(err("set loss 5"), (1, 10, "expected a percentage like `5%` or `2.5%`, found `5`".into()));
        assert_eq!(err("set loss .5%"), (1, 10, "expected a percentage like `5%` or `2.5%`, found `.5%`".into()));
        assert_eq!(err("set prevote yes"), (1, 13, "expected `on` or `off`, found `yes`".into()));
        assert_eq!(err("put x"), (1, 6, "missing a value; usage: `put KEY VALUE`".into()));
        assert_eq!(err("put x 1 2"), (1, 9, "unexpected `2`; usage: `put KEY VALUE`".into()));
        assert_eq!(err("get x at n1"), (1, 7, "expected `from nK`, found `at`".into()));
        assert_eq!(err("heal now"), (1, 6, "unexpected `now`; usage: `heal`".into()));
    }

    #[test]
    fn partition_errors() {
        assert_eq!(err("partition"), (1, 10, "missing the groups; usage: `partition G1 | G2 [| G3 …]`".into()));
        assert_eq!(
            err("partition n1 | | n2"),
            (1, 16, "empty group: put at least one node on each side of `|`".into())
        );
        assert_eq!(err("partition | n2"), (1, 11, "empty group: put at least one node on each side of `|`".into()));
        assert_eq!(err("partition n1 |"), (1, 14, "empty group after the last `|`".into()));
        assert_eq!(err("partition n1 n2 | n2"), (1, 19, "n2 is in two groups".into()));
        assert_eq!(err("partition n1|n2"), (1, 11, "`n1|n2`: separate `|` from the node names with spaces".into()));
    }

    #[test]
    fn condition_errors() {
        assert_eq!(err("expect"), (1, 7, "missing a condition; usage: `expect COND`".into()));
        assert_eq!(
            err("await leader any"),
            (1, 17, "missing `within D` at the end; usage: `await COND within D`".into())
        );
        assert_eq!(err("await within 1s"), (1, 7, "missing a condition; usage: `await COND within D`".into()));
        assert_eq!(err("await leader any within 1"), (1, 25, "`1` needs a unit: `1ms` or `1s`".into()));
        assert_eq!(err("expect term n1 = 3"), (1, 16, "write `==` to compare".into()));
        assert_eq!(
            err("expect term n1 =< 3"),
            (1, 16, "expected a comparison (`==` `!=` `<` `<=` `>` `>=`), found `=<`".into())
        );
        assert_eq!(err("expect commit n1 >= x"), (1, 21, "expected a number, found `x`".into()));
        assert_eq!(err("expect kv n1 x == 1"), (1, 16, "write `=` (one equals sign) between key and value".into()));
        assert_eq!(
            err("expect kv n1 x"),
            (1, 15, "missing `= VALUE` or `absent`; usage: `kv nK KEY = VALUE` or `kv nK KEY absent`".into())
        );
        assert_eq!(
            err("await kv n1 x within 1s"),
            (1, 15, "missing `= VALUE` or `absent`; usage: `kv nK KEY = VALUE` or `kv nK KEY absent`".into())
        );
        assert_eq!(err("expect same-log n1"), (1, 19, "missing a second node; usage: `same-log nA nB`".into()));
        assert_eq!(
            err("expect leader n1 n2"),
            (1, 18, "unexpected `n2`; usage: `leader nK` or `leader any` or `leader none`".into())
        );
    }

    #[test]
    fn live_parse_line() {
        let mut ctx = ParseContext::live(vec![1, 2, 3]);
        assert_eq!(parse_line("  # nothing", 1, &mut ctx), Ok(None));
        let c = parse_line("crash n2", 1, &mut ctx).unwrap().unwrap();
        assert_eq!(c.value, Command::Crash(NodeRef::Node(2)));
        let e = parse_line("seed 3", 4, &mut ctx).unwrap_err();
        assert_eq!((e.line, e.col), (4, 1));
        assert_eq!(e.message, "setup command `seed` after the first action");
        let e = parse_line("crash n4", 1, &mut ctx).unwrap_err();
        assert_eq!(e.message, "n4 is not in the cluster (n1..n3)");
        parse_line("add n4", 2, &mut ctx).unwrap();
        assert_eq!(ctx.members, vec![1, 2, 3, 4]);
        assert!(parse_line("crash n4", 3, &mut ctx).unwrap().is_some());
        // A fresh context: setup through parse_item, then the first action ends it.
        let mut ctx = ParseContext::new();
        let i = parse_item("cluster 2", 1, &mut ctx).unwrap().unwrap();
        assert_eq!(i.value, Item::Setup(SetupCommand::Cluster(2)));
        assert_eq!(ctx.members, vec![1, 2]);
        assert!(!ctx.setup_done);
        assert!(parse_line("set heartbeat 10ms", 2, &mut ctx).is_err());
        parse_item("run 1s", 3, &mut ctx).unwrap();
        assert!(ctx.setup_done);
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("crsh", "crash"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn batching_and_pipelining_settings() {
        let s = parse_script("set batch-delay 5ms\nset pipeline off\nset max-inflight 4").unwrap().setup;
        assert_eq!((s.batch_delay, s.pipeline, s.max_inflight), (5, false, Some(4)));
        assert_eq!(parse_script("set max-inflight 4\nset max-inflight unlimited").unwrap().setup.max_inflight, None);
        let d = Setup::default();
        assert_eq!((d.batch_delay, d.pipeline, d.max_inflight), (0, true, None), "defaults: today's behaviour");
        // Bad values are reported at the word that is wrong.
        let e = err("cluster 3\nset max-inflight 0");
        assert_eq!((e.0, e.1), (2, 18), "{}", e.2);
        assert!(e.2.contains("max-inflight must be in 1..=10000"), "{}", e.2);
        assert_eq!(err("set max-inflight lots").1, 18);
        assert_eq!(err("set pipeline maybe"), (1, 14, "expected `on` or `off`, found `maybe`".into()));
        assert_eq!(err("set batch-delay soon").1, 17);
        assert_eq!(err("set batch-delay 5ms 6ms").1, 21);
        // raft-core's Config::validate has the last word, pointed at the line.
        let e = err("set election-timeout 100ms..200ms\nset batch-delay 100ms");
        assert_eq!(e.0, 2);
        assert!(e.2.contains("batch delay must be shorter"), "{}", e.2);
        assert!(err("set pipelin on").2.contains("did you mean `pipeline`"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const SOUP: &[&str] = &[
            // etcd (issue 11)
            "delete",
            "range",
            "txn",
            "if",
            "then",
            "else",
            "absent",
            "mod",
            "=",
            "lease",
            "grant",
            "keepalive",
            "every",
            "stop",
            "revoke",
            "watch",
            "saw",
            "events",
            "revision",
            "alive",
            "expired",
            "/k/",
            "cluster",
            "seed",
            "set",
            "election-timeout",
            "heartbeat",
            "prevote",
            "check-quorum",
            "snapshot-threshold",
            "read-mode",
            "max-entries",
            "bug",
            "commit-counts-learners",
            "latency",
            "loss",
            "duplicate",
            "partition",
            "|",
            "cut",
            "uncut",
            "->",
            "<->",
            "heal",
            "run",
            "await",
            "within",
            "crash",
            "restart",
            "timeout",
            "put",
            "get",
            "from",
            "propose",
            "expect",
            "add",
            "remove",
            "reconfigure",
            "transfer",
            "drop",
            "leader",
            "any",
            "none",
            "role",
            "term",
            "commit",
            "kv",
            "same-log",
            "=",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "absent",
            "follower",
            "candidate",
            "down",
            "pre-candidate",
            "on",
            "off",
            "log",
            "read-index",
            "lease",
            "n0",
            "n1",
            "n2",
            "n5",
            "n6",
            "n15",
            "n16",
            "n99999999999999999999",
            "0",
            "1",
            "15",
            "16",
            "250ms",
            "2s",
            "0ms",
            "150ms..300ms",
            "300ms..1ms",
            "..",
            "1ms..",
            "2.5%",
            "100%",
            "101%",
            "%",
            "m1",
            "m",
            "x",
            "#",
            "\t",
            "é",
            "99999999999999999999999s",
        ];

        fn soup_line() -> impl Strategy<Value = String> {
            proptest::collection::vec(proptest::sample::select(SOUP), 0..8).prop_map(|w| w.join(" "))
        }

        /// Well-formed command lines for a 5-node cluster (any spacing).
        fn valid_line() -> impl Strategy<Value = String> {
            let node = (1u64..=5).prop_map(|k| format!("n{k}"));
            let node_ref = prop_oneof![node.clone(), Just("leader".to_string())];
            let word = "[a-z][a-z0-9_.-]{0,6}";
            let dur = (0u64..5000, any::<bool>())
                .prop_map(|(n, s)| if s { format!("{}s", n / 1000) } else { format!("{n}ms") });
            let op = proptest::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
            let role = proptest::sample::select(vec!["follower", "candidate", "leader", "down", "pre-candidate"]);
            let cond = prop_oneof![
                node_ref.clone().prop_map(|n| format!("leader {n}")),
                Just("leader any".to_string()),
                Just("leader none".to_string()),
                (node_ref.clone(), role).prop_map(|(n, r)| format!("role {n} {r}")),
                (node_ref.clone(), op.clone(), any::<u64>()).prop_map(|(n, o, v)| format!("term {n} {o} {v}")),
                (node_ref.clone(), op, any::<u64>()).prop_map(|(n, o, v)| format!("commit {n} {o} {v}")),
                (node_ref.clone(), word, word).prop_map(|(n, k, v)| format!("kv {n} {k} = {v}")),
                (node_ref.clone(), word).prop_map(|(n, k)| format!("kv {n} {k} absent")),
                (node_ref.clone(), node_ref.clone()).prop_map(|(a, b)| format!("same-log {a} {b}")),
            ];
            let cmd = prop_oneof![
                (0u64..500, 0u64..500).prop_map(|(a, b)| format!("set latency {}ms..{}ms", a.min(b), a.max(b))),
                (0u32..=100, 0u32..10).prop_map(|(p, d)| if p == 100 {
                    "set loss 100%".to_string()
                } else {
                    format!("set loss {p}.{d}%")
                }),
                (0u32..=100).prop_map(|p| format!("set duplicate {p}%")),
                Just("partition n1 n2 | n3 n4 | n5".to_string()),
                Just("partition leader n2 | n3".to_string()),
                (node_ref.clone(), node_ref.clone(), any::<bool>())
                    .prop_filter("distinct", |(a, b, _)| a != b)
                    .prop_map(|(a, b, both)| format!("cut {a} {} {b}", if both { "<->" } else { "->" })),
                (node_ref.clone(), node_ref.clone())
                    .prop_filter("distinct", |(a, b)| a != b)
                    .prop_map(|(a, b)| format!("uncut {a} -> {b}")),
                Just("heal".to_string()),
                dur.clone().prop_map(|d| format!("run {d}")),
                (cond.clone(), dur).prop_map(|(c, d)| format!("await {c} within {d}")),
                cond.prop_map(|c| format!("expect {c}")),
                node_ref.clone().prop_map(|n| format!("crash {n}")),
                node_ref.clone().prop_map(|n| format!("restart {n}")),
                node_ref.clone().prop_map(|n| format!("timeout {n}")),
                (word, word).prop_map(|(k, v)| format!("put {k} {v}")),
                word.prop_map(|k| format!("get {k}")),
                (word, node_ref.clone()).prop_map(|(k, n)| format!("get {k} from {n}")),
                (node_ref, word, word).prop_map(|(n, k, v)| format!("propose {n} {k} {v}")),
                node.clone().prop_map(|n| format!("transfer {n}")),
                any::<u64>().prop_map(|m| format!("drop m{m}")),
            ];
            (cmd, "[ \t]{0,2}", "[ \t]{0,2}", proptest::option::of("#[ -~]{0,10}")).prop_map(
                |(c, pre, post, comment)| {
                    // Any run of spaces/tabs between words.
                    let c = c.replace(' ', if pre.contains('\t') { "\t " } else { " " });
                    format!("{pre}{c}{post}{}", comment.unwrap_or_default())
                },
            )
        }

        proptest! {
            /// Every well-formed line parses, and its `text` parses again to
            /// the same command (the page's command log, permalinks).
            #[test]
            fn valid_lines_parse_and_round_trip(lines in proptest::collection::vec(valid_line(), 1..20)) {
                let text = lines.join("\n");
                let s = parse_script(&text);
                prop_assert!(s.is_ok(), "{:?}\n{}", s, text);
                let s = s.unwrap();
                prop_assert_eq!(s.commands.len(), lines.len());
                let mut ctx = ParseContext::live((1..=5).collect());
                for (i, c) in s.commands.iter().enumerate() {
                    prop_assert_eq!(c.line as usize, i + 1);
                    let again = parse_line(&c.text, c.line, &mut ctx);
                    prop_assert_eq!(again.map(|o| o.map(|l| l.value)), Ok(Some(c.value.clone())));
                }
            }

            #[test]
            fn arbitrary_text_never_panics(text in "\\PC*") {
                let _ = parse_script(&text);
                let mut ctx = ParseContext::live(vec![1, 2, 3]);
                let _ = parse_line(&text, 1, &mut ctx);
            }

            #[test]
            fn any_unicode_never_panics(text in any::<String>(), line_no in any::<u32>()) {
                let _ = parse_script(&text);
                let mut ctx = ParseContext::new();
                if let Err(e) = parse_item(&text, line_no, &mut ctx) {
                    prop_assert_eq!(e.line, line_no);
                    prop_assert!(e.col >= 1);
                }
            }

            /// The command log of the page is the commands' `text`: parsing
            /// it again must give the same command (permalinks, replay).
            #[test]
            fn command_text_round_trips(lines in proptest::collection::vec(soup_line(), 0..12)) {
                if let Ok(s) = parse_script(&lines.join("\n")) {
                    let mut ctx = ParseContext::live((1..=15).collect());
                    for c in &s.commands {
                        let again = parse_line(&c.text, c.line, &mut ctx);
                        prop_assert_eq!(again.map(|o| o.map(|l| l.value)), Ok(Some(c.value.clone())));
                    }
                }
            }

            #[test]
            fn token_soup_never_panics(lines in proptest::collection::vec(soup_line(), 0..12)) {
                let text = lines.join("\n");
                match parse_script(&text) {
                    Ok(s) => {
                        // Every command has a real position on a non-empty line.
                        for c in &s.commands {
                            prop_assert!(c.line >= 1 && (c.line as usize) <= lines.len());
                            prop_assert!(c.col >= 1);
                            prop_assert!(!c.text.is_empty());
                        }
                    }
                    Err(e) => {
                        prop_assert!(e.line >= 1 && (e.line as usize) <= lines.len().max(1));
                        prop_assert!(e.col >= 1);
                        prop_assert!(!e.message.is_empty());
                    }
                }
                let mut ctx = ParseContext::new();
                for (i, l) in lines.iter().enumerate() {
                    let _ = parse_item(l, i as u32 + 1, &mut ctx);
                }
            }
        }
    }
}
