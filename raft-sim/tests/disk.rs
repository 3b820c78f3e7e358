//! Slow disks (`set disk-latency`, `set group-commit`; raft-sim/src/disk.rs):
//! the persistence contract made visible. Nothing a Ready sends leaves before
//! its write is durable, writes complete in order, group commit batches, a
//! crash loses the incomplete writes, and the defaults change nothing.

use std::collections::BTreeMap;

use raft_sim::scenario::ast::{Command, Located, NodeRef};
use raft_sim::scenario::parse::parse_script;
use raft_sim::trace::{EventKind, TraceEvent};
use raft_sim::{run_text, Runner};

const LATENCY: u64 = 5;

fn cmd(value: Command) -> Located<Command> {
    Located { line: 0, col: 0, text: String::new(), value }
}

/// When each node first held a thing in memory and when durably.
#[derive(Default)]
struct Seen {
    /// (node, index) → first time the log reached `index`.
    mem_index: BTreeMap<(u64, u64), u64>,
    disk_index: BTreeMap<(u64, u64), u64>,
    /// (node, term, candidate) → first time the vote was held.
    mem_vote: BTreeMap<(u64, u64, u64), u64>,
    disk_vote: BTreeMap<(u64, u64, u64), u64>,
}

impl Seen {
    fn sample(&mut self, r: &Runner) {
        let now = r.world.now;
        for (&id, node) in &r.world.nodes {
            let Some(raw) = &node.raw else { continue };
            let s = raw.status();
            for i in 1..=s.last_index {
                self.mem_index.entry((id, i)).or_insert(now);
            }
            let snap = node.storage.snapshot.as_ref().map_or(0, |s| s.last_included_index);
            let durable_last = node.storage.entries.last().map_or(snap, |e| e.index).max(snap);
            for i in 1..=durable_last {
                self.disk_index.entry((id, i)).or_insert(now);
            }
            if let Some(c) = s.voted_for {
                self.mem_vote.entry((id, s.current_term, c)).or_insert(now);
            }
            let hs = &node.storage.hard_state;
            if let Some(c) = hs.voted_for {
                self.disk_vote.entry((id, hs.current_term, c)).or_insert(now);
            }
        }
    }
}

/// Run `text` millisecond by millisecond, sampling after each step and each
/// command. Returns the runner, the samples, the trace and the sent messages' fields.
fn observe(text: &str) -> (Runner, Seen, Vec<TraceEvent>, BTreeMap<u64, raft_sim::view::MessageFields>) {
    let script = parse_script(text).expect("parses");
    let mut r = Runner::new(&script.setup);
    r.keep_events(true);
    let mut seen = Seen::default();
    let mut events = Vec::new();
    let mut fields = BTreeMap::new();
    let mut collect = |r: &mut Runner, seen: &mut Seen| {
        seen.sample(r);
        events.extend(r.take_events());
        fields.extend(r.take_sent_messages().into_iter().map(|m| (m.id, m.fields)));
    };
    for c in &script.commands {
        if let Command::Run(ms) = c.value {
            for _ in 0..ms {
                r.world.step();
                collect(&mut r, &mut seen);
            }
        } else {
            r.exec_command(c).expect("the command holds");
            collect(&mut r, &mut seen);
        }
    }
    r.finish();
    (r, seen, events, fields)
}

const LOADED: &str = "cluster 3
seed 7
set latency 2ms..4ms
set disk-latency 5ms..5ms
set group-commit off
run 1500ms
put a 1
put b 2
run 100ms
put c 3
run 400ms
";

#[test]
fn a_message_never_leaves_before_the_write_it_depends_on_is_durable() {
    let (r, seen, events, fields) = observe(LOADED);
    assert!(r.ok(), "{:?} {:?}", r.failures, r.world.checker.violations);
    let (mut acks, mut votes) = (0, 0);
    for e in &events {
        let EventKind::MessageSent { id, from, to, ty, send_ms, .. } = &e.kind else { continue };
        let f = &fields[id];
        match *ty {
            "AppendEntriesResponse" if f.success == Some(true) && f.match_index.unwrap_or(0) > 0 => {
                let m = f.match_index.unwrap();
                let mem = seen.mem_index[&(*from, m)];
                let durable = seen.disk_index[&(*from, m)];
                assert!(durable <= *send_ms, "n{from} acknowledged {m} at {send_ms}, durable only at {durable}");
                // The write took its latency: the ack waited for the disk.
                if mem > 1500 {
                    assert!(durable >= mem + LATENCY, "entry {m} on n{from}: in memory {mem}, durable {durable}");
                    acks += 1;
                }
            }
            "RequestVoteResponse" if f.vote_granted == Some(true) => {
                let key = (*from, f.term, *to);
                let (mem, durable) = (seen.mem_vote[&key], seen.disk_vote[&key]);
                assert!(durable <= *send_ms, "n{from} granted its vote at {send_ms}, durable only at {durable}");
                assert!(durable >= mem + LATENCY, "vote of n{from}: held {mem}, durable {durable}");
                votes += 1;
            }
            _ => {}
        }
    }
    assert!(acks >= 3 && votes >= 1, "the run checked {acks} acknowledgements and {votes} votes");
}

#[test]
fn writes_complete_in_order_each_when_due() {
    let (_, _, events, _) = observe(LOADED);
    let mut queued: BTreeMap<u64, std::collections::VecDeque<u64>> = BTreeMap::new();
    let mut completed = 0;
    for e in &events {
        match &e.kind {
            EventKind::DiskWrite { node, done_ms, .. } => {
                let q = queued.entry(*node).or_default();
                assert!(q.back().is_none_or(|b| b <= done_ms), "n{node}: a write would complete before an earlier one");
                assert!(*done_ms >= e.time_ms + LATENCY);
                q.push_back(*done_ms);
            }
            EventKind::DiskWriteDone { node, .. } => {
                let due = queued.get_mut(node).and_then(|q| q.pop_front());
                assert_eq!(due, Some(e.time_ms), "n{node}: the oldest write completes, when due");
                completed += 1;
            }
            _ => {}
        }
    }
    assert!(completed > 10);
}

/// Disk writes and the most Readies one write covered.
fn writes(events: &[TraceEvent]) -> (usize, u64) {
    let done = events.iter().filter_map(|e| match e.kind {
        EventKind::DiskWriteDone { readies, .. } => Some(readies),
        _ => None,
    });
    done.fold((0, 0), |(n, most), r| (n + 1, most.max(r)))
}

#[test]
fn group_commit_covers_several_readies_with_one_write() {
    // Many clients at once: Readies arrive while a write is in progress.
    let mut text = String::from("cluster 3\nseed 3\nset latency 1ms..2ms\nset disk-latency 8ms..8ms\nrun 1500ms\n");
    for k in 0..20 {
        text.push_str(&format!("put k{k} {k}\nrun 1ms\n"));
    }
    text.push_str("run 500ms\n");
    let on = text.replace("run 1500ms", "set group-commit on\nrun 1500ms");
    let off = text.replace("run 1500ms", "set group-commit off\nrun 1500ms");
    let (r_on, _, ev_on, _) = observe(&on);
    let (r_off, _, ev_off, _) = observe(&off);
    assert!(r_on.ok() && r_off.ok());
    let ((n_on, most_on), (n_off, _)) = (writes(&ev_on), writes(&ev_off));
    assert!(most_on >= 3, "one write covered at most {most_on} Readies");
    assert!(n_on * 2 < n_off, "group commit: {n_on} writes, without: {n_off}");
    // Every put committed both ways.
    for r in [&r_on, &r_off] {
        assert_eq!(r.world.nodes[&1].kv.map.len(), 20);
    }
}

#[test]
fn a_crash_loses_the_incomplete_write_and_the_node_restarts_from_before_it() {
    let mut r = run_text(
        "cluster 3\nseed 5\nset latency 2ms..2ms\nset disk-latency 30ms..30ms\nawait leader any within 3s\nrun 200ms\n",
    )
    .unwrap();
    assert!(r.ok());
    let (leader, _) = r.world.leader().unwrap();
    let before = r.world.nodes[&leader].storage.clone();
    let last_before = r.world.nodes[&leader].raw.as_ref().unwrap().last_index();
    r.keep_events(true);
    r.exec_command(&cmd(Command::Put { key: "x".into(), value: "1".into() })).unwrap();
    r.advance(10);
    let node = &r.world.nodes[&leader];
    assert_eq!(node.raw.as_ref().unwrap().last_index(), last_before + 1, "appended in memory");
    assert_eq!(node.storage, before, "not durable yet");
    assert!(node.disk.pending() > 0);
    // Nothing depending on the write has left: no follower holds the entry.
    for (id, n) in &r.world.nodes {
        if *id != leader {
            assert_eq!(n.raw.as_ref().unwrap().last_index(), last_before, "n{id} got the entry early");
        }
    }
    r.exec_command(&cmd(Command::Crash(NodeRef::Node(leader)))).unwrap();
    let lost =
        r.take_events().iter().any(|e| matches!(e.kind, EventKind::DiskWritesLost { node, .. } if node == leader));
    assert!(lost, "the trace says the write was lost");
    assert_eq!(r.world.nodes[&leader].storage, before, "the crash kept the last completed state");
    assert!(r.world.nodes[&leader].disk.is_idle());
    r.exec_command(&cmd(Command::Restart(NodeRef::Node(leader)))).unwrap();
    assert_eq!(r.world.nodes[&leader].raw.as_ref().unwrap().last_index(), last_before, "restarted from before it");
    r.advance(3000);
    r.finish();
    assert!(r.ok(), "{:?}", r.world.checker.violations);
}

#[test]
fn a_single_server_answers_only_after_its_write() {
    // One voter commits as soon as it appends; the client must still wait for the disk.
    let (r, _, events, _) = observe("cluster 1\nseed 2\nset disk-latency 20ms..20ms\nrun 1000ms\nput a 1\nrun 200ms\n");
    assert!(r.ok());
    let invoked = events.iter().find(|e| matches!(e.kind, EventKind::ClientInvoke { .. })).unwrap().time_ms;
    let returned = events.iter().find(|e| matches!(e.kind, EventKind::ClientReturn { .. })).unwrap().time_ms;
    assert!(returned >= invoked + 20, "invoked {invoked}, returned {returned}");
}

#[test]
fn instant_disks_change_nothing() {
    let base = "cluster 5\nseed 9\nset loss 5%\nawait leader any within 3s\nput a 1\ncrash leader\nrun 300ms\nput b 2\nrun 1s\n";
    let mut plain = run_text(base).unwrap();
    for knobs in ["set disk-latency 0ms..0ms\n", "set group-commit off\n", "set group-commit on\n"] {
        let with = run_text(&base.replacen("set loss", &format!("{knobs}set loss"), 1)).unwrap();
        assert_eq!(with.trace_hash(), plain.trace_hash(), "{knobs}");
    }
    let (_, _, events, _) = observe(base);
    assert!(!events.iter().any(|e| matches!(
        e.kind,
        EventKind::DiskWrite { .. } | EventKind::DiskWriteDone { .. } | EventKind::DiskWritesLost { .. }
    )));
    assert!(plain.view().nodes.iter().all(|n| n.disk.pending == 0 && n.disk.busy_until_ms.is_none()));
}
