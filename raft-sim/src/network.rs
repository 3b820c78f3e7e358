//! The simulated network: every message gets an id, a send time and a delivery
//! time drawn from the latency range (so overlapping delays reorder messages),
//! may be lost or duplicated, and is blocked by partitions and one-way cuts.
//!
//! Loss and duplication are decided when a message is sent (so a viewer can see
//! a doomed message fly and vanish); partitions, cuts and crashed receivers are
//! checked when it arrives, so a partition also stops messages already in flight.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{Message, NodeId};

use crate::rng::Rng;

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    pub id: u64,
    pub send_ms: u64,
    pub deliver_ms: u64,
    /// Decided at send time: this copy will be dropped on arrival (`loss`).
    pub lost: bool,
    pub msg: Message,
}

/// Counts of messages by type name (`AppendEntries`, ...).
pub type Counts = BTreeMap<String, u64>;

/// What happened to a message at its delivery time.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrival {
    Deliver(InFlight),
    Drop(InFlight, &'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// One-way delay range in ms, inclusive. A delay of 0 is delivered 1 ms
    /// later (a message never arrives in the millisecond it was sent).
    pub latency: (u64, u64),
    pub loss: f64,
    pub duplicate: f64,
    /// Groups of a partition; `None` = no partition. A node in no group is alone.
    pub partition: Option<Vec<Vec<NodeId>>>,
    /// One-way cuts (from, to).
    pub cuts: Cuts,
    /// In flight, in delivery order: (deliver_ms, id).
    in_flight: BTreeMap<(u64, u64), InFlight>,
    next_id: u64,
    pub sent: Counts,
    pub delivered: Counts,
    pub dropped: Counts,
}

/// The set of one-way cuts `(from, to)`, kept as a sorted Vec with the
/// methods of the `BTreeSet` it replaces. There are at most 15 × 14 links, and
/// a B-tree of pairs would be one more B-tree compiled into the browser's wasm
/// (docs/wasm-size.md).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cuts(Vec<(NodeId, NodeId)>);

impl Cuts {
    /// Add a cut; false if it was there already.
    pub fn insert(&mut self, link: (NodeId, NodeId)) -> bool {
        match self.0.binary_search(&link) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, link);
                true
            }
        }
    }

    /// Remove a cut; false if there was none.
    pub fn remove(&mut self, link: &(NodeId, NodeId)) -> bool {
        match self.0.binary_search(link) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    pub fn contains(&self, link: &(NodeId, NodeId)) -> bool {
        self.0.binary_search(link).is_ok()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The cuts in order (by `from`, then `to`).
    pub fn iter(&self) -> core::slice::Iter<'_, (NodeId, NodeId)> {
        self.0.iter()
    }
}

impl Default for Network {
    fn default() -> Network {
        Network::new()
    }
}

fn bump(counts: &mut Counts, ty: &str) {
    *counts.entry(ty.to_string()).or_insert(0) += 1;
}

impl Network {
    pub fn new() -> Network {
        Network {
            latency: (10, 30),
            loss: 0.0,
            duplicate: 0.0,
            partition: None,
            cuts: Cuts::default(),
            in_flight: BTreeMap::new(),
            next_id: 1,
            sent: Counts::new(),
            delivered: Counts::new(),
            dropped: Counts::new(),
        }
    }

    /// Put a message on the wire at `now`. Returns the copies created (one, or
    /// two when duplicated), so the caller can trace them.
    pub fn send(&mut self, now: u64, msg: Message, rng: &mut Rng) -> Vec<InFlight> {
        bump(&mut self.sent, msg.body.kind_name());
        let copies = if rng.chance(self.duplicate) { 2 } else { 1 };
        let mut out = Vec::with_capacity(copies);
        for _ in 0..copies {
            let delay = rng.range(self.latency.0, self.latency.1).max(1);
            let lost = rng.chance(self.loss);
            let m = InFlight { id: self.next_id, send_ms: now, deliver_ms: now + delay, lost, msg: msg.clone() };
            self.next_id += 1;
            self.in_flight.insert((m.deliver_ms, m.id), m.clone());
            out.push(m);
        }
        out
    }

    /// Can a message go from `from` to `to` right now?
    /// `Err(why)` names what blocks it: `partition` or `cut`.
    pub fn link(&self, from: NodeId, to: NodeId) -> Result<(), &'static str> {
        if let Some(groups) = &self.partition {
            let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
            match (group_of(from), group_of(to)) {
                (Some(a), Some(b)) if a == b => {}
                _ if from == to => {}
                _ => return Err("partition"),
            }
        }
        if self.cuts.contains(&(from, to)) {
            return Err("cut");
        }
        Ok(())
    }

    /// Take every message due at or before `now`, in (delivery time, id)
    /// order, each either to deliver or to drop with a reason. `is_up` says
    /// whether a node is running.
    pub fn due(&mut self, now: u64, is_up: impl Fn(NodeId) -> bool) -> Vec<Arrival> {
        let mut out = Vec::new();
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let m = entry.remove();
            let verdict = if m.lost {
                Err("loss")
            } else if let Err(why) = self.link(m.msg.from, m.msg.to) {
                Err(why)
            } else if !is_up(m.msg.to) {
                Err("crashed")
            } else {
                Ok(())
            };
            match verdict {
                Ok(()) => {
                    bump(&mut self.delivered, m.msg.body.kind_name());
                    out.push(Arrival::Deliver(m));
                }
                Err(why) => {
                    bump(&mut self.dropped, m.msg.body.kind_name());
                    out.push(Arrival::Drop(m, why));
                }
            }
        }
        out
    }

    /// Remove one in-flight message by id (`drop mID`).
    pub fn drop_message(&mut self, id: u64) -> Option<InFlight> {
        let key = self.in_flight.iter().find(|(_, m)| m.id == id).map(|(k, _)| *k)?;
        let m = self.in_flight.remove(&key)?;
        bump(&mut self.dropped, m.msg.body.kind_name());
        Some(m)
    }

    /// Remove every in-flight message from or to `node` (it crashed).
    pub fn drop_node(&mut self, node: NodeId) -> Vec<InFlight> {
        let keys: Vec<(u64, u64)> =
            self.in_flight.iter().filter(|(_, m)| m.msg.from == node || m.msg.to == node).map(|(k, _)| *k).collect();
        let mut out = Vec::new();
        for k in keys {
            if let Some(m) = self.in_flight.remove(&k) {
                bump(&mut self.dropped, m.msg.body.kind_name());
                out.push(m);
            }
        }
        out
    }

    pub fn heal(&mut self) {
        self.partition = None;
        self.cuts.clear();
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }

    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::MessageBody;

    fn msg(from: NodeId, to: NodeId) -> Message {
        Message { from, to, term: 1, body: MessageBody::TimeoutNow }
    }

    fn delivered(arrivals: &[Arrival]) -> usize {
        arrivals.iter().filter(|a| matches!(a, Arrival::Deliver(_))).count()
    }

    #[test]
    fn partition_blocks_across_groups_and_isolates_unnamed_nodes() {
        let mut net = Network::new();
        net.partition = Some(alloc::vec![alloc::vec![1, 2], alloc::vec![3, 4]]);
        assert_eq!(net.link(1, 2), Ok(()));
        assert_eq!(net.link(3, 4), Ok(()));
        assert_eq!(net.link(1, 3), Err("partition"));
        assert_eq!(net.link(4, 2), Err("partition"));
        // n5 is in no group: alone.
        assert_eq!(net.link(5, 1), Err("partition"));
        assert_eq!(net.link(1, 5), Err("partition"));
        net.heal();
        assert_eq!(net.link(1, 5), Ok(()));
    }

    #[test]
    fn cut_is_one_way() {
        let mut net = Network::new();
        net.cuts.insert((1, 2));
        assert_eq!(net.link(1, 2), Err("cut"));
        assert_eq!(net.link(2, 1), Ok(()));
    }

    #[test]
    fn partition_stops_messages_already_in_flight() {
        let mut net = Network::new();
        let mut rng = Rng::new(1);
        net.send(0, msg(1, 2), &mut rng);
        net.partition = Some(alloc::vec![alloc::vec![1], alloc::vec![2]]);
        let arrivals = net.due(100, |_| true);
        assert!(matches!(arrivals.as_slice(), [Arrival::Drop(_, "partition")]));
        assert_eq!(net.dropped.get("TimeoutNow"), Some(&1));
    }

    #[test]
    fn delivery_respects_latency_and_order() {
        let mut net = Network::new();
        net.latency = (10, 30);
        let mut rng = Rng::new(3);
        for i in 0..50 {
            net.send(i, msg(1, 2), &mut rng);
        }
        let mut last = (0, 0);
        let mut reordered = false;
        for now in 0..200 {
            for a in net.due(now, |_| true) {
                let Arrival::Deliver(m) = a else { panic!("nothing should drop") };
                assert_eq!(m.deliver_ms, now);
                assert!((10..=30).contains(&(m.deliver_ms - m.send_ms)));
                assert!((m.deliver_ms, m.id) > last);
                if m.id < last.1 {
                    reordered = true;
                }
                last = (m.deliver_ms, m.id);
            }
        }
        assert!(reordered, "overlapping delays must reorder some messages");
        assert_eq!(net.delivered.get("TimeoutNow"), Some(&50));
    }

    #[test]
    fn loss_rate_matches_setting() {
        let mut net = Network::new();
        net.loss = 30.0;
        let mut rng = Rng::new(42);
        for _ in 0..10_000 {
            net.send(0, msg(1, 2), &mut rng);
        }
        let arrivals = net.due(1000, |_| true);
        let got = delivered(&arrivals);
        // 7000 expected; 4 standard deviations is about 180.
        assert!((6800..=7200).contains(&got), "delivered {got} of 10000 at 30% loss");
    }

    #[test]
    fn duplication_delivers_twice() {
        let mut net = Network::new();
        net.duplicate = 100.0;
        let mut rng = Rng::new(1);
        let copies = net.send(0, msg(1, 2), &mut rng);
        assert_eq!(copies.len(), 2);
        assert_ne!(copies[0].id, copies[1].id);
        assert_eq!(delivered(&net.due(100, |_| true)), 2);
        net.duplicate = 0.0;
        assert_eq!(net.send(0, msg(1, 2), &mut rng).len(), 1);
    }

    #[test]
    fn crashed_receiver_and_user_drop() {
        let mut net = Network::new();
        let mut rng = Rng::new(1);
        let a = net.send(0, msg(1, 2), &mut rng)[0].id;
        net.send(0, msg(1, 3), &mut rng);
        assert!(net.drop_message(a).is_some());
        assert!(net.drop_message(a).is_none(), "already gone");
        let arrivals = net.due(100, |n| n != 3);
        assert!(matches!(arrivals.as_slice(), [Arrival::Drop(_, "crashed")]));
    }
}
