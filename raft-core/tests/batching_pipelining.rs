//! The leader's batching and pipelining knobs (thesis §10.2.2): stop-and-wait
//! keeps one AppendEntries with entries in flight per follower, `max_inflight`
//! caps the window and an acknowledgement frees it, and `batch_delay` makes
//! proposals within the delay share one AppendEntries.
mod common;
use common::*;
use raft_core::*;

fn carries_entries(m: &Message) -> bool {
    matches!(&m.body, MessageBody::AppendEntries { entries, .. } if !entries.is_empty())
}

/// AppendEntries with entries from the leader to `to` that are still queued.
fn queued_appends(net: &Network, to: NodeId) -> Vec<Message> {
    net.queue.iter().filter(|m| m.to == to && carries_entries(m)).cloned().collect()
}

/// Entry-carrying AppendEntries to `f` that are not yet acknowledged: still
/// queued themselves, or answered with a reply the leader has not read yet.
/// Without ticks there are no heartbeats, so every AppendEntriesResponse from
/// `f` answers one of them.
fn outstanding(net: &Network, f: NodeId) -> usize {
    queued_appends(net, f).len()
        + net
            .queue
            .iter()
            .filter(|m| m.from == f && matches!(m.body, MessageBody::AppendEntriesResponse { .. }))
            .count()
}

fn inflight(net: &Network, leader: NodeId, f: NodeId) -> usize {
    net.status(leader).progress.iter().find(|p| p.id == f).expect("a tracked follower").inflight
}

/// A 3-server cluster with node 1 elected, quiet, and both followers streaming.
fn streaming(tweak: impl Fn(&mut Config)) -> Network {
    let mut net = Network::new(3, tweak);
    net.elect(1);
    net.deliver_all();
    for p in net.status(1).progress {
        assert_eq!((p.state, p.inflight), (ProgressState::Replicate, 0), "{p:?}");
    }
    net
}

#[test]
fn stop_and_wait_keeps_one_append_in_flight_per_follower() {
    let mut net = streaming(|c| c.pipeline = false);
    let mut most = 0;
    let first = net.status(1).last_index + 1;
    // Proposals arrive between delivery rounds, faster than acknowledgements come back.
    for round in 0..12 {
        for k in 0..3 {
            net.propose(1, format!("r{round}k{k}").as_bytes()).unwrap();
        }
        for f in [2, 3] {
            let out = outstanding(&net, f);
            assert!(out <= 1, "round {round}: {out} AppendEntries with entries outstanding to {f}");
            assert_eq!(inflight(&net, 1, f), out.min(1), "the leader's count agrees");
            most = most.max(out);
        }
        net.deliver_round();
    }
    assert_eq!(most, 1, "something was in flight at all");
    net.deliver_all();
    let last = net.status(1).last_index;
    assert_eq!(last, first + 35);
    assert_eq!(net.status(1).commit_index, last, "stop-and-wait is slower, never stuck");
    assert_eq!(net.status(2).last_index, last);
}

#[test]
fn stop_and_wait_sends_the_next_batch_when_the_previous_is_acknowledged() {
    let mut net = streaming(|c| c.pipeline = false);
    let a = net.propose(1, b"a").unwrap();
    for d in [b"b", b"c", b"d"] {
        net.propose(1, d).unwrap();
    }
    let sent = queued_appends(&net, 2);
    assert_eq!(sent.len(), 1, "only the first proposal left");
    let MessageBody::AppendEntries { entries, .. } = &sent[0].body else { unreachable!() };
    assert_eq!(entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![a]);
    net.deliver_round(); // the appends reach the followers
    net.deliver_round(); // their acknowledgements reach the leader
    let next = queued_appends(&net, 2);
    assert_eq!(next.len(), 1);
    let MessageBody::AppendEntries { entries, .. } = &next[0].body else { unreachable!() };
    assert_eq!(entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![a + 1, a + 2, a + 3], "the rest, together");
}

#[test]
fn stop_and_wait_retries_on_a_heartbeat_when_the_append_is_lost() {
    let mut net = streaming(|c| c.pipeline = false);
    let a = net.propose(1, b"lost").unwrap();
    net.queue.clear(); // lost on the way
    net.propose(1, b"held").unwrap();
    assert!(queued_appends(&net, 2).is_empty(), "the window is full: wait");
    // A whole heartbeat interval without an acknowledgement: resend from the match.
    for _ in 0..50 {
        net.tick(1);
    }
    let retry = queued_appends(&net, 2);
    assert_eq!(retry.len(), 1, "{retry:?}");
    let MessageBody::AppendEntries { entries, .. } = &retry[0].body else { unreachable!() };
    assert_eq!(entries.first().map(|e| e.index), Some(a));
    assert_eq!(entries.len(), 2, "the lost entry and the held one");
}

#[test]
fn pipelining_by_default_streams_without_waiting() {
    let mut net = streaming(|_| {});
    for i in 0..20u8 {
        net.propose(1, &[i]).unwrap();
    }
    assert_eq!(queued_appends(&net, 2).len(), 20, "today's behaviour: every proposal goes out at once");
    assert_eq!(inflight(&net, 1, 2), 20);
    net.deliver_all();
    assert_eq!(inflight(&net, 1, 2), 0, "all acknowledged");
}

#[test]
fn max_inflight_caps_the_window_and_an_ack_frees_it() {
    let mut net = streaming(|c| c.max_inflight = 3);
    let first = net.propose(1, b"0").unwrap();
    for i in 1..10u8 {
        net.propose(1, &[i]).unwrap();
    }
    assert_eq!(queued_appends(&net, 2).len(), 3, "capped at max-inflight");
    assert_eq!(queued_appends(&net, 3).len(), 3);
    assert_eq!(inflight(&net, 1, 2), 3);

    // Deliver only the first AppendEntries to node 2, and its answer.
    let pos = net.queue.iter().position(|m| m.to == 2 && carries_entries(m)).unwrap();
    let m = net.queue.remove(pos).unwrap();
    net.node_mut(2).step(m);
    net.drain(2);
    let ack = net.queue.pop_back().unwrap();
    assert!(
        matches!(ack.body, MessageBody::AppendEntriesResponse { success: true, match_index, .. } if match_index == first)
    );
    net.node_mut(1).step(ack);
    net.drain(1);
    // One slot freed, so one more went out, carrying everything not yet sent.
    let to2 = queued_appends(&net, 2);
    assert_eq!(to2.len(), 3, "two still in flight plus the new one");
    let MessageBody::AppendEntries { entries, .. } = &to2[2].body else { unreachable!() };
    assert_eq!(entries.iter().map(|e| e.index).collect::<Vec<_>>(), (first + 3..=first + 9).collect::<Vec<_>>());
    assert_eq!(inflight(&net, 1, 2), 3);
    assert_eq!(queued_appends(&net, 3).len(), 3, "node 3 did not answer: still capped");

    // An acknowledgement through the end frees every slot.
    net.deliver_all();
    assert_eq!((inflight(&net, 1, 2), inflight(&net, 1, 3)), (0, 0));
    assert_eq!(net.status(1).commit_index, first + 9);
}

#[test]
fn batch_delay_puts_proposals_within_the_delay_in_one_append() {
    const D: u64 = 5;
    let mut net = streaming(|c| c.batch_delay = D);
    let first = net.propose(1, b"a").unwrap();
    let mut proposed = vec![first];
    let mut waited = 0;
    while queued_appends(&net, 2).is_empty() {
        assert!(waited < D, "the batch must leave no later than {D} ticks after its first proposal");
        if waited % 2 == 0 {
            proposed.push(net.propose(1, &[waited as u8]).unwrap());
        }
        net.tick(1);
        waited += 1;
    }
    assert_eq!(waited, D, "and not before: it waits the whole delay for company");
    for f in [2, 3] {
        let sent = queued_appends(&net, f);
        assert_eq!(sent.len(), 1, "one AppendEntries for the whole batch");
        let MessageBody::AppendEntries { entries, .. } = &sent[0].body else { unreachable!() };
        assert_eq!(entries.iter().map(|e| e.index).collect::<Vec<_>>(), proposed);
    }
    assert!(proposed.len() >= 3);
    // Acknowledgements do not send anything new while no batch waits...
    net.deliver_all();
    assert_eq!(net.status(1).commit_index, *proposed.last().unwrap());
    // ...and the next proposal opens a new batch.
    net.propose(1, b"later").unwrap();
    assert!(queued_appends(&net, 2).is_empty());
    for _ in 0..D {
        net.tick(1);
    }
    assert_eq!(queued_appends(&net, 2).len(), 1);
}

#[test]
fn batch_delay_zero_sends_at_once() {
    let mut net = streaming(|c| c.batch_delay = 0);
    net.propose(1, b"a").unwrap();
    assert_eq!(queued_appends(&net, 2).len(), 1);
}

#[test]
fn nonsense_settings_are_refused() {
    let mut c = Config::new(1, vec![1, 2, 3], 1);
    c.max_inflight = 0;
    assert!(c.validate().unwrap_err().contains("max-inflight"));
}
