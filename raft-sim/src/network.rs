//! The simulated network: every message gets an id, a send time and a delivery
//! time drawn from the latency range (so overlapping delays reorder messages),
//! may be lost or duplicated, and is blocked by partitions and one-way cuts.
//!
//! Loss and duplication are decided when a message is sent (so a viewer can see
//! a doomed message fly and vanish); partitions, cuts and crashed receivers are
//! checked when it arrives, so a partition also stops messages already in flight.
//!
//! Where servers sit (issue 12): servers may be grouped into named zones, and
//! a latency range may be set per zone pair or per link. The delay of a
//! message comes from the most specific rule that covers its two ends:
//! link > zone pair > the base `latency`. Each message still draws exactly one
//! delay from the RNG, so a world with no zone or link rules draws and orders
//! exactly as it did before zones existed.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use raft_core::{Message, NodeId};

use crate::rng::Rng;
use crate::small_map::SmallMap;

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

/// Counts of messages by type name (`AppendEntries`, ...), in name order.
/// A [`SmallMap`] (a sorted `Vec`), not a `BTreeMap`: there are only a
/// handful of type names, a `BTreeMap<String, u64>` was a B-tree type of its
/// own in the browser's wasm, and the `SmallMap<String, u64>` code is there
/// anyway for the leases (docs/wasm-size.md).
pub type Counts = SmallMap<String, u64>;

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
    /// Named groups of servers (`zone NAME nA nB …`), in the order first named;
    /// a server is in at most one. A zone left with no servers is removed.
    pub zones: Vec<Zone>,
    /// `set latency zone X <-> zone Y A..B`, in the order first set and as
    /// first written (a label reads the way the scenario said it); a rule
    /// names zones, not servers, so it follows their membership.
    pub zone_latency: Vec<ZoneLatency>,
    /// `set latency nA <-> nB A..B`, kept with `a < b`.
    pub link_latency: Vec<LinkLatency>,
    /// In flight, by delivery time, each time's messages in id (= send)
    /// order; no time without messages is kept. One B-tree entry per
    /// millisecond, not per message: under load a few messages share each
    /// delivery time, so most sends append to an existing bucket and a step
    /// takes its due messages as one bucket.
    in_flight: BTreeMap<u64, Vec<InFlight>>,
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

/// A named group of servers (a data centre, a region).
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    pub name: String,
    /// Sorted, without repeats.
    pub nodes: Vec<NodeId>,
}

/// The delay range between servers of zone `a` and zone `b`, both ways.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneLatency {
    pub a: String,
    pub b: String,
    pub latency: (u64, u64),
}

impl ZoneLatency {
    /// Is this the rule between zones `x` and `y` (either way round)?
    pub fn joins(&self, x: &str, y: &str) -> bool {
        (self.a == x && self.b == y) || (self.a == y && self.b == x)
    }
}

/// The delay range of the link between servers `a` and `b`, both ways.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkLatency {
    pub a: NodeId,
    pub b: NodeId,
    pub latency: (u64, u64),
}

/// `zone NAME nA nB …` on a list of zones: the zone holds exactly these
/// servers from now on; a server in another zone moves here; a zone left
/// empty disappears; a new zone goes last (zones keep the order they were
/// first named in). The parser keeps its own list with this too.
pub fn assign_zone(zones: &mut Vec<Zone>, name: &str, nodes: &[NodeId]) {
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for z in zones.iter_mut().filter(|z| z.name != name) {
        z.nodes.retain(|n| !sorted.contains(n));
    }
    match zones.iter_mut().find(|z| z.name == name) {
        Some(z) => z.nodes = sorted,
        None => zones.push(Zone { name: name.to_string(), nodes: sorted }),
    }
    zones.retain(|z| !z.nodes.is_empty());
}

impl Default for Network {
    fn default() -> Network {
        Network::new()
    }
}

fn bump(counts: &mut Counts, ty: &str) {
    // Look up by `&str` first: `entry` needs an owned key, which would be an
    // allocation for every message sent, delivered or dropped.
    match counts.get_mut(ty) {
        Some(n) => *n += 1,
        None => {
            counts.insert(ty.to_string(), 1);
        }
    }
}

/// One copy [`Network::send`] put on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SentCopy {
    pub id: u64,
    pub send_ms: u64,
    pub deliver_ms: u64,
}

/// The copies [`Network::send`] put on the wire: one, or two when
/// duplicated; a slice of [`SentCopy`] without allocating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sent {
    copies: [SentCopy; 2],
    len: usize,
}

impl core::ops::Deref for Sent {
    type Target = [SentCopy];
    fn deref(&self) -> &[SentCopy] {
        &self.copies[..self.len]
    }
}

impl Network {
    pub fn new() -> Network {
        Network {
            latency: (10, 30),
            loss: 0.0,
            duplicate: 0.0,
            partition: None,
            cuts: Cuts::default(),
            zones: Vec::new(),
            zone_latency: Vec::new(),
            link_latency: Vec::new(),
            in_flight: BTreeMap::new(),
            next_id: 1,
            sent: Counts::default(),
            delivered: Counts::default(),
            dropped: Counts::default(),
        }
    }

    /// Put a message on the wire at `now`. Returns the id and delivery time
    /// of each copy created (one, or two when duplicated), so the caller can
    /// trace them. The message moves onto the wire: only a duplicate is a copy
    /// (an AppendEntries carries its entries, so a copy is not free).
    pub fn send(&mut self, now: u64, msg: Message, rng: &mut Rng) -> Sent {
        bump(&mut self.sent, msg.body.kind_name());
        let copies = if rng.chance(self.duplicate) { 2 } else { 1 };
        let mut out = Sent { copies: [SentCopy::default(); 2], len: 0 };
        let (lo, hi) = self.latency_between(msg.from, msg.to);
        let mut msg = Some(msg);
        for k in 0..copies {
            let delay = rng.range(lo, hi).max(1);
            let lost = rng.chance(self.loss);
            let this = if k + 1 < copies { msg.clone() } else { msg.take() }.expect("taken by the last copy only");
            let m = InFlight { id: self.next_id, send_ms: now, deliver_ms: now + delay, lost, msg: this };
            self.next_id += 1;
            out.copies[k] = SentCopy { id: m.id, send_ms: now, deliver_ms: m.deliver_ms };
            out.len = k + 1;
            // Ids grow, so pushing keeps each bucket in id order.
            // A new bucket has room for a typical millisecond's messages at
            // once, rather than growing (and moving them) one push at a time.
            self.in_flight.entry(m.deliver_ms).or_insert_with(|| Vec::with_capacity(8)).push(m);
        }
        out
    }

    /// The delay range of a message from `from` to `to`: the link's own rule,
    /// else the rule of their zone pair, else the base `latency`.
    pub fn latency_between(&self, from: NodeId, to: NodeId) -> (u64, u64) {
        // The common case (no rules) costs nothing per message.
        if self.link_latency.is_empty() && self.zone_latency.is_empty() {
            return self.latency;
        }
        let (a, b) = (from.min(to), from.max(to));
        if let Some(l) = self.link_latency.iter().find(|l| l.a == a && l.b == b) {
            return l.latency;
        }
        if let (Some(za), Some(zb)) = (self.zone_of(from), self.zone_of(to)) {
            if let Some(z) = self.zone_latency.iter().find(|z| z.joins(za, zb)) {
                return z.latency;
            }
        }
        self.latency
    }

    /// The name of the zone `node` is in, if any.
    pub fn zone_of(&self, node: NodeId) -> Option<&str> {
        self.zones.iter().find(|z| z.nodes.contains(&node)).map(|z| z.name.as_str())
    }

    /// `zone NAME nA nB …`: the zone holds exactly these servers from now on.
    /// A server in another zone moves here; a zone left empty disappears.
    /// A new zone goes last (zones keep the order they were first named in).
    pub fn set_zone(&mut self, name: &str, nodes: &[NodeId]) {
        assign_zone(&mut self.zones, name, nodes);
    }

    /// Is there a zone with this name?
    pub fn has_zone(&self, name: &str) -> bool {
        self.zones.iter().any(|z| z.name == name)
    }

    /// `set latency zone X <-> zone Y A..B` (X may equal Y: within the zone).
    pub fn set_zone_latency(&mut self, x: &str, y: &str, latency: (u64, u64)) {
        match self.zone_latency.iter_mut().find(|z| z.joins(x, y)) {
            Some(z) => z.latency = latency,
            None => self.zone_latency.push(ZoneLatency { a: x.to_string(), b: y.to_string(), latency }),
        }
    }

    /// `set latency nA <-> nB A..B`.
    pub fn set_link_latency(&mut self, x: NodeId, y: NodeId, latency: (u64, u64)) {
        let (a, b) = (x.min(y), x.max(y));
        match self.link_latency.iter_mut().find(|l| l.a == a && l.b == b) {
            Some(l) => l.latency = latency,
            None => self.link_latency.push(LinkLatency { a, b, latency }),
        }
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
            if *entry.key() > now {
                break;
            }
            let bucket = entry.remove();
            out.reserve(bucket.len());
            for m in bucket {
                self.arrive(m, &is_up, &mut out);
            }
        }
        out
    }

    /// The verdict on message `m` arriving now, pushed onto `out`.
    fn arrive(&mut self, m: InFlight, is_up: &impl Fn(NodeId) -> bool, out: &mut Vec<Arrival>) {
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

    /// Remove one in-flight message by id (`drop mID`).
    pub fn drop_message(&mut self, id: u64) -> Option<InFlight> {
        let (&at, bucket) = self.in_flight.iter_mut().find(|(_, b)| b.iter().any(|m| m.id == id))?;
        let m = bucket.remove(bucket.iter().position(|m| m.id == id)?);
        if bucket.is_empty() {
            self.in_flight.remove(&at);
        }
        bump(&mut self.dropped, m.msg.body.kind_name());
        Some(m)
    }

    /// Remove every in-flight message from or to `node` (it crashed).
    pub fn drop_node(&mut self, node: NodeId) -> Vec<InFlight> {
        let mut out = Vec::new();
        for bucket in self.in_flight.values_mut() {
            let (gone, kept) =
                core::mem::take(bucket).into_iter().partition(|m| m.msg.from == node || m.msg.to == node);
            *bucket = kept;
            out.extend::<Vec<InFlight>>(gone);
        }
        self.in_flight.retain(|_, bucket| !bucket.is_empty());
        for m in &out {
            bump(&mut self.dropped, m.msg.body.kind_name());
        }
        out
    }

    pub fn heal(&mut self) {
        self.partition = None;
        self.cuts.clear();
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values().flatten()
    }

    pub fn in_flight_count(&self) -> usize {
        self.in_flight.values().map(Vec::len).sum()
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

    /// The delays of `n` messages from `from` to `to`, sent at time 0.
    fn delays(net: &mut Network, from: NodeId, to: NodeId, n: usize, rng: &mut Rng) -> Vec<u64> {
        (0..n).map(|_| net.send(0, msg(from, to), rng)[0]).map(|m| m.deliver_ms - m.send_ms).collect()
    }

    #[test]
    fn zone_pair_latency_applies_both_ways_and_the_base_within_a_zone() {
        let mut net = Network::new();
        net.latency = (2, 3);
        net.set_zone("us", &[1, 2, 3]);
        net.set_zone("eu", &[4, 5]);
        net.set_zone_latency("us", "eu", (40, 45));
        let mut rng = Rng::new(7);
        for (from, to) in [(1, 4), (5, 2), (3, 5)] {
            assert!(delays(&mut net, from, to, 50, &mut rng).iter().all(|d| (40..=45).contains(d)), "n{from}->n{to}");
        }
        for (from, to) in [(1, 2), (3, 1), (4, 5)] {
            assert!(delays(&mut net, from, to, 50, &mut rng).iter().all(|d| (2..=3).contains(d)), "n{from}->n{to}");
        }
        // A server in no zone keeps the base range, to anyone.
        assert_eq!(net.latency_between(6, 4), (2, 3));
        // Within a zone, a rule of the zone with itself beats the base.
        net.set_zone_latency("eu", "eu", (8, 9));
        assert_eq!(net.latency_between(5, 4), (8, 9));
        assert_eq!(net.latency_between(1, 2), (2, 3));
        // Setting the pair again (either way round) replaces the rule.
        net.set_zone_latency("eu", "us", (60, 60));
        assert_eq!(net.zone_latency.len(), 2);
        assert_eq!(net.latency_between(2, 5), (60, 60));
        assert_eq!((net.zone_latency[0].a.as_str(), net.zone_latency[0].b.as_str()), ("us", "eu"), "as first written");
    }

    #[test]
    fn link_beats_zone_beats_base() {
        let mut net = Network::new();
        net.latency = (10, 10);
        net.set_zone("a", &[1, 2]);
        net.set_zone("b", &[3]);
        net.set_zone_latency("a", "b", (50, 50));
        net.set_link_latency(3, 1, (90, 90));
        assert_eq!(net.latency_between(1, 3), (90, 90), "link");
        assert_eq!(net.latency_between(3, 1), (90, 90), "link, other way");
        assert_eq!(net.latency_between(2, 3), (50, 50), "zone pair");
        assert_eq!(net.latency_between(1, 2), (10, 10), "base within a zone");
        assert_eq!(net.latency_between(4, 5), (10, 10), "base, no zone");
        // `set latency A..B` later changes the base only.
        net.latency = (20, 20);
        assert_eq!(net.latency_between(1, 2), (20, 20));
        assert_eq!(net.latency_between(2, 3), (50, 50));
        let mut rng = Rng::new(1);
        assert_eq!(delays(&mut net, 1, 3, 3, &mut rng), [90, 90, 90]);
    }

    #[test]
    fn rezoning_moves_a_server_and_an_emptied_zone_disappears() {
        let mut net = Network::new();
        net.set_zone("us", &[1, 2]);
        net.set_zone("eu", &[3]);
        net.set_zone("eu", &[3, 2]);
        assert_eq!(net.zone_of(2), Some("eu"));
        assert_eq!(net.zones[0].nodes, [1]);
        assert_eq!(net.zones[1].nodes, [2, 3], "sorted");
        net.set_zone("asia", &[1]);
        assert!(!net.has_zone("us"), "us lost its last server");
        assert_eq!(net.zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["eu", "asia"]);
    }

    #[test]
    fn without_rules_the_draws_are_the_base_draws() {
        // The same RNG stream and the same delays as a network that never
        // heard of zones: zones alone (no latency rule) change nothing.
        let mut plain = Network::new();
        let mut zoned = Network::new();
        zoned.set_zone("us", &[1, 2]);
        let (mut r1, mut r2) = (Rng::new(9), Rng::new(9));
        assert_eq!(delays(&mut plain, 1, 3, 100, &mut r1), delays(&mut zoned, 1, 3, 100, &mut r2));
        assert_eq!(r1.next_u64(), r2.next_u64());
    }
}
