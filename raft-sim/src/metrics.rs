//! What a run costs, in the numbers an operator asks for (issue 12, "the
//! operator's view"): how long a client waits for a write to commit (invoke →
//! return, p50/p90/p99/max), how many operations complete per second, how
//! many messages of each kind the cluster sends per second (and each server:
//! the leader's load shows), how many elections there were and how long the
//! cluster had no leader.
//!
//! The metrics only *observe*: the world hands them every event it emits and
//! one sample per simulated millisecond (is there a leader?). They never
//! change what happens and are not part of the trace hash.
//!
//! Over the whole run, and per window of `window_ms` (`raft-sim run
//! --metrics-window D`; the page uses one second for its plots). Window `k`
//! holds what happened at simulated times `k·w ..< (k+1)·w`. Latencies are
//! kept as exact counts per millisecond value, so percentiles are exact and
//! memory follows the number of *distinct* latencies, not of operations.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::ops::Index;

#[cfg(test)]
use serde::Serialize;

use raft_core::{CoreEvent, Role};

use crate::network::Counts;
use crate::trace::{CoreRecord, EventKind};

/// Closed windows the page's view keeps (the CLI's keeps them all).
pub const PAGE_WINDOWS: usize = 120;

/// The upper bounds (inclusive, ms) of the latency histogram's buckets
/// (`Latency::buckets`); one more bucket counts everything above the last.
/// Roughly logarithmic, so a 3 ms LAN commit and a 2 s stall under a
/// partition both land in a bucket of their own.
pub const LATENCY_BUCKETS_MS: [u64; 14] = [2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    window_ms: Option<u64>,
    /// Closed windows kept (the newest); bounds memory in a long run.
    keep_windows: usize,
    whole: Tally,
    /// The window in progress (only with `window_ms`).
    current: Tally,
    /// Behind `Arc`s: a closed window never changes, so every clone (a
    /// time-travel checkpoint) shares it instead of copying its maps (about
    /// 80 KiB for the page's 120 windows with 5 servers).
    windows: Vec<Arc<MetricsView>>,
    /// Client operations in flight: client id → invoked at, puts and gets
    /// apart. (Two maps of the type the latency counts already use rather
    /// than one of `(u64, bool)`: each B-tree type is kilobytes of wasm.)
    invoked_puts: BTreeMap<u64, u64>,
    invoked_gets: BTreeMap<u64, u64>,
}

/// Counts over one stretch of time.
#[derive(Clone, Debug, Default, PartialEq)]
struct Tally {
    from_ms: u64,
    /// Latency in ms → how many operations took exactly that long.
    put_latency: BTreeMap<u64, u64>,
    get_latency: BTreeMap<u64, u64>,
    /// Messages sent by type name (the network's `Counts`: a `SmallMap`).
    sent: Counts,
    sent_by_node: BTreeMap<u64, u64>,
    elections: u64,
    leaderless_ms: u64,
}

/// Percentiles of a latency distribution (nearest rank), in ms.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Latency {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    /// A histogram: `buckets[i]` counts latencies in `(LATENCY_BUCKETS_MS[i-1],
    /// LATENCY_BUCKETS_MS[i]]`, the last one those above the largest bound
    /// (`latency_buckets_ms` in the summary says the bounds).
    pub buckets: Vec<u64>,
}

/// The metrics of one stretch of simulated time (`raft-sim run --json`:
/// `metrics`, and each of its `windows`). Rates are per simulated second.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct MetricsView {
    pub from_ms: u64,
    pub to_ms: u64,
    /// Writes (`put`): invoked → returned. Null when none returned.
    pub commit_latency_ms: Option<Latency>,
    /// Reads (`get`): invoked → returned. Null when none returned.
    pub read_latency_ms: Option<Latency>,
    /// Client operations that returned, per second.
    pub ops_per_s: f64,
    /// Messages sent per second, by type.
    pub messages_per_s: Rates<String>,
    /// Messages each server sent per second (the leader's load shows here).
    pub sent_per_s_by_node: Rates<u64>,
    /// Servers that became leader.
    pub elections: u64,
    /// Milliseconds in which no up server was leader.
    pub leaderless_ms: u64,
}

/// Per-second rates by message type or server, in key order (the order of
/// the tally's map they are read from), written as a JSON object like a
/// `BTreeMap` (`{"AppendEntries": 12.5}`, `{"1": 30.0}`). A sorted `Vec`
/// rather than a `BTreeMap` because it is only built and read: a B-tree of
/// `f64` values, and the sort `collect()` into it brings, cost the wasm about
/// 20 KB (docs/wasm-size.md) for maps of at most a dozen entries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rates<K>(pub Vec<(K, f64)>);

impl<K> Rates<K> {
    /// The rate for `key`, if it has one.
    pub fn get<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<&f64>
    where
        K: Borrow<Q>,
    {
        self.0.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    /// The rates, in key order.
    pub fn values(&self) -> impl Iterator<Item = &f64> {
        self.0.iter().map(|(_, v)| v)
    }

    /// `(key, rate)` pairs, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &f64)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// `rates[&key]`, like a map: panics when `key` has no rate.
impl<K: Borrow<Q>, Q: PartialEq + ?Sized> Index<&Q> for Rates<K> {
    type Output = f64;
    fn index(&self, key: &Q) -> &f64 {
        self.get(key).expect("no rate for this key")
    }
}

#[cfg(test)]
impl<K: Serialize> Serialize for Rates<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// The whole run's metrics plus its closed windows.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct MetricsSummary {
    #[cfg_attr(test, serde(flatten))]
    pub whole: MetricsView,
    pub window_ms: Option<u64>,
    /// The histogram buckets' upper bounds in ms ([`LATENCY_BUCKETS_MS`]).
    pub latency_buckets_ms: &'static [u64],
    pub windows: Vec<MetricsView>,
}

impl Metrics {
    /// Measure per window of `ms` from now on (0 or None: the whole run
    /// only), keeping the newest `keep` closed windows. Windows already
    /// closed are kept; the one in progress restarts now.
    pub fn set_window(&mut self, ms: Option<u64>, now: u64, keep: usize) {
        self.window_ms = ms.filter(|w| *w > 0);
        self.keep_windows = keep;
        self.current = Tally { from_ms: now, ..Tally::default() };
    }

    /// The world emitted `kind` at `now`.
    pub fn observe(&mut self, now: u64, kind: &EventKind) {
        self.roll(now);
        match kind {
            EventKind::MessageSent { from, ty, .. } => {
                for t in self.tallies() {
                    // By `&str` first: `entry` would allocate the name for every message.
                    match t.sent.get_mut(*ty) {
                        Some(n) => *n += 1,
                        None => {
                            t.sent.insert(ty.to_string(), 1);
                        }
                    }
                    *t.sent_by_node.entry(*from).or_default() += 1;
                }
            }
            EventKind::Core(CoreRecord { event: CoreEvent::RoleChanged { to: Role::Leader, .. }, .. }) => {
                for t in self.tallies() {
                    t.elections += 1;
                }
            }
            EventKind::ClientInvoke { client, op, .. } => {
                // One operation per client in flight: a new one replaces it.
                let (this, other) = if *op == "put" {
                    (&mut self.invoked_puts, &mut self.invoked_gets)
                } else {
                    (&mut self.invoked_gets, &mut self.invoked_puts)
                };
                other.remove(client);
                this.insert(*client, now);
            }
            EventKind::ClientReturn { client, .. } => {
                let put = self.invoked_puts.remove(client).map(|at| (at, true));
                if let Some((at, put)) = put.or_else(|| self.invoked_gets.remove(client).map(|at| (at, false))) {
                    let latency = now - at;
                    for t in self.tallies() {
                        let map = if put { &mut t.put_latency } else { &mut t.get_latency };
                        *map.entry(latency).or_default() += 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// The end of simulated millisecond `now`: was there a leader?
    pub fn sample(&mut self, now: u64, has_leader: bool) {
        self.roll(now);
        if !has_leader {
            for t in self.tallies() {
                t.leaderless_ms += 1;
            }
        }
    }

    /// The whole run up to `now`, and the closed windows (the newest
    /// `max_windows` of them).
    pub fn summary(&self, now: u64, max_windows: usize) -> MetricsSummary {
        let skip = self.windows.len().saturating_sub(max_windows);
        MetricsSummary {
            whole: self.whole.view(now),
            window_ms: self.window_ms,
            latency_buckets_ms: &LATENCY_BUCKETS_MS,
            windows: self.windows[skip..].iter().map(|w| MetricsView::clone(w)).collect(),
        }
    }

    /// The tallies an event at the current time counts in.
    fn tallies(&mut self) -> impl Iterator<Item = &mut Tally> {
        let current = self.window_ms.is_some().then_some(&mut self.current);
        core::iter::once(&mut self.whole).chain(current)
    }

    /// Close every window that ended at or before `now`.
    fn roll(&mut self, now: u64) {
        let Some(w) = self.window_ms else { return };
        while now >= self.current.from_ms + w {
            let to = self.current.from_ms + w;
            self.windows.push(Arc::new(self.current.view(to)));
            if self.windows.len() > self.keep_windows {
                self.windows.remove(0);
            }
            self.current = Tally { from_ms: to, ..Tally::default() };
        }
    }
}

impl Tally {
    fn view(&self, to_ms: u64) -> MetricsView {
        let seconds = (to_ms.saturating_sub(self.from_ms)) as f64 / 1000.0;
        let per_s = |n: u64| if seconds > 0.0 { round2(n as f64 / seconds) } else { 0.0 };
        let returned: u64 = self.put_latency.values().chain(self.get_latency.values()).sum();
        MetricsView {
            from_ms: self.from_ms,
            to_ms,
            commit_latency_ms: latency(&self.put_latency),
            read_latency_ms: latency(&self.get_latency),
            ops_per_s: per_s(returned),
            messages_per_s: Rates(self.sent.iter().map(|(k, v)| (k.clone(), per_s(*v))).collect()),
            sent_per_s_by_node: Rates(self.sent_by_node.iter().map(|(k, v)| (*k, per_s(*v))).collect()),
            elections: self.elections,
            leaderless_ms: self.leaderless_ms,
        }
    }
}

/// Rounded to two decimals, so the JSON reads `12.5`, not `12.499999999`.
fn round2(x: f64) -> f64 {
    // No `f64::round` in core: add a half and truncate (x is never negative).
    ((x * 100.0 + 0.5) as u64) as f64 / 100.0
}

/// Nearest-rank percentiles of a distribution given as value → count.
fn latency(counts: &BTreeMap<u64, u64>) -> Option<Latency> {
    let count: u64 = counts.values().sum();
    if count == 0 {
        return None;
    }
    // The smallest value with at least ceil(p% of count) values at or below it.
    let rank = |p: u64| {
        let need = (count * p).div_ceil(100).max(1);
        let mut seen = 0;
        for (value, n) in counts {
            seen += n;
            if seen >= need {
                return *value;
            }
        }
        0
    };
    let max = counts.keys().next_back().copied().unwrap_or(0);
    // The exact counts fold into the histogram here, when a view is asked
    // for: nothing more is kept per operation.
    let mut buckets = alloc::vec![0; LATENCY_BUCKETS_MS.len() + 1];
    for (value, n) in counts {
        buckets[LATENCY_BUCKETS_MS.partition_point(|bound| bound < value)] += n;
    }
    Some(Latency { count, p50: rank(50), p90: rank(90), p99: rank(99), max, buckets })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn invoke(m: &mut Metrics, now: u64, client: u64, op: &'static str) {
        let kind = EventKind::ClientInvoke { client, op, key: "k".to_string(), value: None, node: None };
        m.observe(now, &kind);
    }

    fn ret(m: &mut Metrics, now: u64, client: u64) {
        let kind = EventKind::ClientReturn { client, op: "put", key: "k".to_string(), result: None };
        m.observe(now, &kind);
    }

    #[test]
    fn nearest_rank_percentiles_of_a_known_set() {
        // Latencies 1..=100 ms: p50 = 50, p90 = 90, p99 = 99, max = 100.
        let mut m = Metrics::default();
        for c in 1..=100 {
            invoke(&mut m, 0, c, "put");
        }
        for c in 1..=100 {
            ret(&mut m, c, c);
        }
        let v = m.summary(1000, 0).whole;
        let lat = v.commit_latency_ms.expect("puts returned");
        assert_eq!((lat.count, lat.p50, lat.p90, lat.p99, lat.max), (100, 50, 90, 99, 100));
        // Bounds 2, 5, 10, 20, 30, 50, 75, 100: 1-2, 3-5, 6-10, 11-20, 21-30, 31-50, 51-75, 76-100.
        assert_eq!(lat.buckets, [2, 3, 5, 10, 10, 20, 25, 25, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(v.read_latency_ms, None);
        assert_eq!(v.ops_per_s, 100.0, "100 returned in one second");
    }

    #[test]
    fn windows_split_time_and_the_whole_run_adds_them_up() {
        let mut m = Metrics::default();
        m.set_window(Some(100), 0, usize::MAX);
        for t in 1..=250 {
            match t {
                10 => invoke(&mut m, t, 1, "put"),
                30 => ret(&mut m, t, 1), // 20 ms, window 0
                90 => invoke(&mut m, t, 2, "get"),
                150 => ret(&mut m, t, 2), // 60 ms, returned in window 1
                _ => {}
            }
            m.sample(t, t > 120); // no leader until 120 ms
        }
        let s = m.summary(250, usize::MAX);
        assert_eq!(s.windows.len(), 2, "windows 0..100 and 100..200 closed; 200..250 in progress");
        assert_eq!((s.windows[0].from_ms, s.windows[0].to_ms), (0, 100));
        assert_eq!(s.windows[0].commit_latency_ms.as_ref().map(|l| l.max), Some(20));
        assert_eq!(s.windows[0].leaderless_ms, 99, "ms 1..=99");
        assert_eq!(s.windows[1].read_latency_ms.as_ref().map(|l| l.p50), Some(60));
        assert_eq!(s.windows[1].leaderless_ms, 21, "ms 100..=120");
        assert_eq!(s.whole.leaderless_ms, 120);
        assert_eq!(s.whole.ops_per_s, 8.0, "2 operations in 250 ms");
        assert_eq!(m.summary(250, 1).windows.len(), 1, "a view may keep only the newest windows");
    }

    #[test]
    fn rates_read_and_serialize_like_the_map_they_replace() {
        let mut m = Metrics::default();
        for (ty, from) in [("AppendEntries", 1), ("RequestVote", 3), ("AppendEntries", 2), ("AppendEntries", 1)] {
            let kind = EventKind::MessageSent { id: 0, from, to: 9, ty, send_ms: 0, deliver_ms: 0 };
            m.observe(0, &kind);
        }
        let v = m.summary(2000, 0).whole;
        let by_type: BTreeMap<String, f64> =
            [("AppendEntries".to_string(), 1.5), ("RequestVote".to_string(), 0.5)].into();
        let by_node: BTreeMap<u64, f64> = [(1, 1.0), (2, 0.5), (3, 0.5)].into();
        assert_eq!(serde_json::to_string(&v.messages_per_s).unwrap(), serde_json::to_string(&by_type).unwrap());
        assert_eq!(serde_json::to_string(&v.sent_per_s_by_node).unwrap(), serde_json::to_string(&by_node).unwrap());
        assert_eq!(v.messages_per_s.get("RequestVote"), Some(&0.5));
        assert_eq!(v.messages_per_s.get("InstallSnapshot"), None);
        assert_eq!(v.sent_per_s_by_node[&2], 0.5);
        assert_eq!(v.sent_per_s_by_node.values().sum::<f64>(), 2.0);
    }

    #[test]
    fn latencies_past_the_largest_bound_go_to_the_last_bucket() {
        let mut m = Metrics::default();
        invoke(&mut m, 0, 1, "get");
        ret(&mut m, 2000, 1); // exactly on the largest bound
        invoke(&mut m, 0, 2, "get");
        ret(&mut m, 2001, 2); // above it
        let b = m.summary(3000, 0).whole.read_latency_ms.expect("gets returned").buckets;
        assert_eq!(b.len(), LATENCY_BUCKETS_MS.len() + 1);
        assert_eq!((b[b.len() - 2], b[b.len() - 1]), (1, 1));
        assert_eq!(b.iter().sum::<u64>(), 2);
    }
}
