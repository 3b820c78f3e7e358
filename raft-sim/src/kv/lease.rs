//! Leases, as etcd has them: a lease is granted with a TTL, kept alive by its
//! owner, and revoked or expired; the keys attached to it are deleted when it
//! ends.
//!
//! Two halves, as in etcd's `lessor`:
//! - [`Lease`] is replicated state (in [`super::Kv`]): which leases exist,
//!   their TTL and keys. It changes only through the log (`lease-grant`,
//!   `lease-revoke`, `lease-expire`), so every server ends a lease at the
//!   same revision.
//! - [`Lessor`] is each server's volatile clock-side view: when each lease
//!   expires. Only the leader acts on it: when a lease's deadline passes it
//!   proposes `lease-expire NAME`. A keep-alive goes to the leader and moves
//!   the deadline there, without the log (etcd does the same: renewals are
//!   not replicated). So a new leader does not know the last renewals, and it
//!   refreshes every lease to its full TTL when it takes office before
//!   expiring any: a leader change never ends a lease early, at the cost of
//!   ending a dead owner's lease up to one TTL late.

use alloc::string::String;
use alloc::vec::Vec;

use super::Kv;
use crate::small_map::{SmallMap, SmallSet};

/// Ended leases each state machine still remembers (for `lease NAME expired`
/// and the view); older ones are forgotten, lowest id first.
pub const KEEP_ENDED: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LeaseState {
    Alive,
    Expired,
    Revoked,
}

impl LeaseState {
    pub fn name(self) -> &'static str {
        match self {
            LeaseState::Alive => "alive",
            LeaseState::Expired => "expired",
            LeaseState::Revoked => "revoked",
        }
    }
}

/// A lease in the replicated state.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lease {
    pub id: u64,
    pub ttl_ms: u64,
    /// The keys attached to it (empty once it ended).
    pub keys: SmallSet<String>,
    pub state: LeaseState,
}

impl Kv {
    /// Forget the oldest ended leases beyond [`KEEP_ENDED`].
    pub(super) fn forget_ended_leases(&mut self) {
        loop {
            let ended: Vec<(u64, &String)> =
                self.leases.iter().filter(|(_, l)| l.state != LeaseState::Alive).map(|(n, l)| (l.id, n)).collect();
            if ended.len() <= KEEP_ENDED {
                return;
            }
            let oldest = ended.iter().min().map(|(_, n)| (*n).clone()).expect("more than KEEP_ENDED");
            self.leases.remove(&oldest);
        }
    }
}

/// One server's volatile lease clock (etcd's lessor): the time each alive
/// lease expires, and the expiries it proposed as leader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lessor {
    /// Lease name → the simulated time it expires (this server's view).
    pub deadlines: SmallMap<String, u64>,
    /// The term this server is leader in, once it has refreshed its leases
    /// for that term (`None` while not leader).
    pub primary_term: Option<u64>,
    /// Lease name → when this leader proposed its expiry (not yet applied).
    pub expiring: SmallMap<String, u64>,
}

impl Lessor {
    /// A lease was granted (applied here), or renewed on this server.
    pub fn renew(&mut self, name: &str, ttl_ms: u64, now: u64) {
        self.deadlines.insert(String::from(name), now + ttl_ms);
        self.expiring.remove(name);
    }

    /// A lease ended (its revoke or expiry was applied here).
    pub fn forget(&mut self, name: &str) {
        self.deadlines.remove(name);
        self.expiring.remove(name);
    }

    /// This server became leader in `term`: every alive lease gets its full
    /// TTL from now. Returns how many leases were refreshed.
    pub fn promote(&mut self, term: u64, kv: &Kv, now: u64) -> usize {
        self.primary_term = Some(term);
        self.expiring.clear();
        let mut n = 0;
        for (name, lease) in kv.leases.iter().filter(|(_, l)| l.state == LeaseState::Alive) {
            self.deadlines.insert(name.clone(), now + lease.ttl_ms);
            n += 1;
        }
        n
    }

    pub fn demote(&mut self) {
        self.primary_term = None;
        self.expiring.clear();
    }

    /// The alive leases whose deadline has passed and whose expiry this
    /// leader has not proposed within the last `retry_ms` (a proposal can be
    /// lost with a leader's uncommitted log tail, so it is proposed again).
    pub fn due(&self, kv: &Kv, now: u64, retry_ms: u64) -> Vec<String> {
        self.deadlines
            .iter()
            .filter(|(name, deadline)| **deadline <= now && kv.lease_alive(name))
            .filter(|(name, _)| self.expiring.get(*name).is_none_or(|at| at + retry_ms <= now))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Milliseconds left on a lease in this server's view.
    pub fn remaining(&self, name: &str, now: u64) -> Option<u64> {
        self.deadlines.get(name).map(|d| d.saturating_sub(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::KvCommand;

    #[test]
    fn a_new_leader_refreshes_every_lease_and_expires_only_when_due() {
        let mut kv = Kv::new();
        for (i, name) in ["a", "b"].iter().enumerate() {
            let cmd = KvCommand::LeaseGrant { name: (*name).into(), ttl_ms: 1000, client: i as u64 + 1, seq: 1 };
            kv.apply(&cmd);
        }
        let mut lessor = Lessor::default();
        lessor.renew("a", 1000, 0);
        lessor.renew("b", 1000, 0);
        assert_eq!(lessor.due(&kv, 999, 300), Vec::<String>::new());
        assert_eq!(lessor.due(&kv, 1000, 300), ["a", "b"]);
        // A new leader at 800 ms: full TTLs from now, whatever it knew before.
        assert_eq!(lessor.promote(2, &kv, 800), 2);
        assert!(lessor.due(&kv, 1799, 300).is_empty());
        lessor.renew("a", 1000, 1500);
        assert_eq!(lessor.due(&kv, 1800, 300), ["b"]);
        // Proposed: not again until the retry time has passed.
        lessor.expiring.insert("b".into(), 1800);
        assert!(lessor.due(&kv, 2099, 300).is_empty());
        assert_eq!(lessor.due(&kv, 2100, 300), ["b"]);
        assert_eq!(lessor.remaining("a", 2000), Some(500));
        lessor.demote();
        assert!(lessor.expiring.is_empty() && lessor.primary_term.is_none());
    }
}
