//! Each server's disk (issue 12, "the operator's view"): persisting a `Ready`
//! takes time.
//!
//! With `set disk-latency A..B` (default 0, persisting is instant as before),
//! the world hands each `Ready` that has something to persist (hard state,
//! snapshot, entries) to the server's disk, which completes writes *in order*,
//! each after a delay drawn from `A..B`. Until the write covering a `Ready`
//! completes, nothing of that `Ready` takes effect outside the core: its
//! messages are held (raft-core's persistence contract, made visible), and so
//! are its committed entries, its reads and the `advance`. Applying only what
//! the server has itself made durable is what etcd's asynchronous storage
//! writes do too; it keeps a single-server cluster from answering a client
//! for a write it could still lose in a crash.
//!
//! A `Ready` with nothing to persist still waits behind the writes in
//! progress (its messages may repeat state they hold, e.g. a term), but costs
//! no write of its own; on an idle disk it takes effect at once.
//!
//! `set group-commit on|off` (default on, as real hosts batch: etcd writes
//! whatever accumulated while its previous fsync ran): with it, every `Ready`
//! that arrives while a write is in progress joins the *next* write, which
//! starts when the current one completes and costs one latency for the whole
//! batch. Without it, each `Ready` is its own write, queued behind the
//! previous one.
//!
//! A crash loses the writes not yet complete: the server restarts from the
//! last completed state, which Raft tolerates because nothing that depended on
//! the lost writes left the server.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use raft_core::Ready;

use crate::invariants::CommitDecision;
use crate::rng::Rng;

/// `set disk-latency A..B` and `set group-commit on|off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskSettings {
    /// Inclusive range of one write's duration in ms; `(0, 0)` = instant (default).
    pub latency: (u64, u64),
    pub group_commit: bool,
}

impl Default for DiskSettings {
    fn default() -> DiskSettings {
        DiskSettings { latency: (0, 0), group_commit: true }
    }
}

impl DiskSettings {
    pub fn is_instant(&self) -> bool {
        self.latency.1 == 0
    }
}

/// A `Ready` handed out by the core, waiting for the write that covers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub ready: Ready,
    /// The leader's commit decisions in it, as the invariant checker saw them
    /// when they were made; checked against durable storage once written.
    pub commits: Vec<CommitDecision>,
}

/// One write: started at `start_ms` (the previous write's completion or the
/// moment it was asked for), durable at `done_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub start_ms: u64,
    pub done_ms: u64,
    /// In the order the core handed them out.
    pub held: Vec<Held>,
}

/// Where [`Disk::submit`] put a `Ready`.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// The disk is idle and there is nothing to wait for: handle it now.
    /// (Boxed: a Ready is large; the other answers are one number.)
    Now(alloc::boxed::Box<Held>),
    /// A new write, durable at `done_ms`.
    NewWrite { done_ms: u64 },
    /// Joined the write durable at `done_ms` (group commit, or nothing of its own to persist).
    Joined { done_ms: u64 },
}

/// One server's disk: the writes not yet complete, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    pub writes: VecDeque<Write>,
}

impl Disk {
    pub fn is_idle(&self) -> bool {
        self.writes.is_empty()
    }

    /// Readies waiting for a write to complete.
    pub fn pending(&self) -> usize {
        self.writes.iter().map(|w| w.held.len()).sum()
    }

    /// When the last queued write completes.
    pub fn busy_until_ms(&self) -> Option<u64> {
        self.writes.back().map(|w| w.done_ms)
    }

    /// Queue `held` at time `now`. The latency is drawn from `rng` only when a
    /// new write needs one, so an instant disk never draws.
    pub fn submit(&mut self, now: u64, held: Held, settings: &DiskSettings, rng: &mut Rng) -> Placement {
        let rd = &held.ready;
        let persists = rd.hard_state.is_some() || rd.snapshot.is_some() || !rd.entries.is_empty();
        if let Some(back) = self.writes.back_mut() {
            // Nothing of its own to persist: it only waits for what is ahead.
            // With group commit, a write that has not started yet takes it too.
            if !persists || (settings.group_commit && back.start_ms > now) {
                back.held.push(held);
                return Placement::Joined { done_ms: back.done_ms };
            }
        } else if !persists {
            return Placement::Now(alloc::boxed::Box::new(held));
        }
        let start_ms = self.busy_until_ms().map_or(now, |b| b.max(now));
        let (lo, hi) = settings.latency;
        let took = if hi == 0 { 0 } else { rng.range(lo, hi) };
        let done_ms = start_ms + took;
        self.writes.push_back(Write { start_ms, done_ms, held: alloc::vec![held] });
        Placement::NewWrite { done_ms }
    }

    /// The writes complete by `now`, oldest first.
    pub fn complete(&mut self, now: u64) -> Vec<Write> {
        let mut done = Vec::new();
        while self.writes.front().is_some_and(|w| w.done_ms <= now) {
            done.extend(self.writes.pop_front());
        }
        done
    }

    /// A crash: every write not yet complete is lost. Returns (writes, readies) lost.
    pub fn lose(&mut self) -> (usize, usize) {
        let lost = (self.writes.len(), self.pending());
        self.writes.clear();
        lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::{Entry, EntryKind, HardState};

    fn with_entry(index: u64) -> Held {
        let ready = Ready { entries: alloc::vec![Entry { index, term: 1, kind: EntryKind::Noop }], ..Ready::default() };
        Held { ready, commits: Vec::new() }
    }

    fn msgs_only() -> Held {
        Held { ready: Ready::default(), commits: Vec::new() }
    }

    fn settings(group_commit: bool) -> DiskSettings {
        DiskSettings { latency: (5, 5), group_commit }
    }

    #[test]
    fn without_group_commit_each_ready_is_its_own_write_queued_behind_the_previous() {
        let (mut d, mut rng) = (Disk::default(), Rng::new(1));
        assert_eq!(d.submit(10, with_entry(1), &settings(false), &mut rng), Placement::NewWrite { done_ms: 15 });
        assert_eq!(d.submit(11, with_entry(2), &settings(false), &mut rng), Placement::NewWrite { done_ms: 20 });
        assert_eq!(d.submit(12, with_entry(3), &settings(false), &mut rng), Placement::NewWrite { done_ms: 25 });
        assert_eq!(d.pending(), 3);
        // In order, one at a time.
        assert!(d.complete(14).is_empty());
        let w: Vec<u64> = d.complete(20).iter().map(|w| w.held[0].ready.entries[0].index).collect();
        assert_eq!(w, [1, 2]);
        assert_eq!(d.busy_until_ms(), Some(25));
    }

    #[test]
    fn group_commit_covers_every_ready_that_arrives_during_a_write_with_one_write() {
        let (mut d, mut rng) = (Disk::default(), Rng::new(1));
        let s = settings(true);
        assert_eq!(d.submit(10, with_entry(1), &s, &mut rng), Placement::NewWrite { done_ms: 15 });
        // The first arrival during the write opens the next write (starting at 15) ...
        assert_eq!(d.submit(11, with_entry(2), &s, &mut rng), Placement::NewWrite { done_ms: 20 });
        // ... and every later one joins it: one latency for the batch.
        assert_eq!(d.submit(12, with_entry(3), &s, &mut rng), Placement::Joined { done_ms: 20 });
        assert_eq!(d.submit(14, with_entry(4), &s, &mut rng), Placement::Joined { done_ms: 20 });
        assert_eq!(d.writes.len(), 2);
        let done = d.complete(20);
        assert_eq!(done.len(), 2);
        assert_eq!(done[1].held.len(), 3);
        // Once the batch has started, a new arrival waits for the next one.
        let mut d = Disk::default();
        d.submit(10, with_entry(1), &s, &mut rng);
        d.submit(11, with_entry(2), &s, &mut rng);
        assert_eq!(d.submit(16, with_entry(3), &s, &mut rng), Placement::NewWrite { done_ms: 25 });
    }

    #[test]
    fn a_ready_with_nothing_to_persist_waits_only_for_what_is_ahead() {
        let (mut d, mut rng) = (Disk::default(), Rng::new(1));
        assert!(matches!(d.submit(10, msgs_only(), &settings(false), &mut rng), Placement::Now(_)));
        d.submit(10, with_entry(1), &settings(false), &mut rng);
        assert_eq!(d.submit(11, msgs_only(), &settings(false), &mut rng), Placement::Joined { done_ms: 15 });
        let hs =
            Held { ready: Ready { hard_state: Some(HardState::default()), ..Ready::default() }, commits: Vec::new() };
        assert_eq!(d.submit(12, hs, &settings(false), &mut rng), Placement::NewWrite { done_ms: 20 });
    }

    #[test]
    fn an_instant_disk_never_draws() {
        let (mut d, mut rng) = (Disk::default(), Rng::new(7));
        let before = rng.clone();
        let s = DiskSettings::default();
        assert_eq!(d.submit(3, with_entry(1), &s, &mut rng), Placement::NewWrite { done_ms: 3 });
        assert_eq!(rng, before);
        assert_eq!(d.complete(3).len(), 1);
    }

    #[test]
    fn a_crash_loses_the_incomplete_writes() {
        let (mut d, mut rng) = (Disk::default(), Rng::new(1));
        d.submit(10, with_entry(1), &settings(false), &mut rng);
        d.submit(11, with_entry(2), &settings(false), &mut rng);
        assert_eq!(d.lose(), (2, 2));
        assert!(d.is_idle());
    }
}
