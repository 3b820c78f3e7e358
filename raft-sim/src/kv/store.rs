//! The store: revisions and the writes and reads that use them (etcd's
//! `mvcc` reduced to the newest version of each key plus a change history).
//!
//! A command's writes are one etcd write transaction: if it changes any key,
//! the store revision goes up by exactly one, and every key it changes gets
//! that revision as its mod_revision. A delete of a key that does not exist
//! changes nothing and, as in etcd, does not advance the revision.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::command::{Compare, KvCommand, TxnOp};
use super::history::Change;
use super::lease::{Lease, LeaseState};
use super::Kv;
use crate::small_map::SmallSet;

/// What etcd's `KeyValue` says about a key besides its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyMeta {
    /// The revision of the write that created the key (since it last did not exist).
    pub create_revision: u64,
    /// The revision of the last write to the key.
    pub mod_revision: u64,
    /// Writes since creation (1 after the first put; a delete resets it).
    pub version: u64,
    /// The lease the key is attached to, by name.
    pub lease: Option<String>,
}

/// One key change of a write transaction, before it gets its revision.
/// Borrowed from the command: the store copies a key or value only where it
/// keeps it (a new key, the change history).
enum Write<'a> {
    Put { key: &'a str, value: &'a str, lease: Option<&'a str> },
    Delete { key: &'a str },
}

impl Kv {
    /// Run a command on the store; its result as the client sees it.
    pub(super) fn execute(&mut self, cmd: &KvCommand) -> Option<String> {
        match cmd {
            KvCommand::Put { key, value, .. } => {
                self.write([Write::Put { key, value, lease: None }]);
                None
            }
            KvCommand::Get { key, .. } => self.map.get(key).cloned(),
            KvCommand::PutLease { key, value, lease, .. } => {
                if !self.lease_alive(lease) {
                    return Some(format!("error: lease {lease} not found"));
                }
                self.write([Write::Put { key, value, lease: Some(lease) }]);
                None
            }
            KvCommand::Delete { key, .. } => {
                let deleted = self.write([Write::Delete { key }]);
                Some(deleted.to_string())
            }
            KvCommand::Range { prefix, .. } => Some(self.range_result(prefix)),
            KvCommand::Txn { compare, then, otherwise, .. } => {
                let (branch, op) =
                    if self.compare(compare) { ("then", Some(then)) } else { ("else", otherwise.as_ref()) };
                if let Some(op) = op {
                    let write = match op {
                        TxnOp::Put { key, value, lease } => {
                            if let Some(l) = lease.as_ref().filter(|l| !self.lease_alive(l)) {
                                return Some(format!("error: lease {l} not found"));
                            }
                            Write::Put { key, value, lease: lease.as_deref() }
                        }
                        TxnOp::Delete { key } => Write::Delete { key },
                    };
                    self.write([write]);
                }
                Some(branch.to_string())
            }
            KvCommand::LeaseGrant { name, ttl_ms, .. } => {
                if self.lease_alive(name) {
                    return Some(format!("error: lease {name} exists"));
                }
                self.next_lease_id = self.next_lease_id.max(1);
                let id = self.next_lease_id;
                self.next_lease_id += 1;
                let lease = Lease { id, ttl_ms: *ttl_ms, keys: SmallSet::new(), state: LeaseState::Alive };
                self.leases.insert(name.clone(), lease);
                self.forget_ended_leases();
                Some(format!("id={id}"))
            }
            KvCommand::LeaseRevoke { name, .. } => {
                if !self.lease_alive(name) {
                    return Some(format!("error: lease {name} not found"));
                }
                self.end_lease(name, LeaseState::Revoked);
                Some("revoked".to_string())
            }
            KvCommand::LeaseExpire { name, id } => {
                if self.lease_alive(name) && self.leases.get(name).is_some_and(|l| l.id == *id) {
                    self.end_lease(name, LeaseState::Expired);
                }
                None
            }
        }
    }

    /// Does the comparison of a txn hold?
    fn compare(&self, c: &Compare) -> bool {
        match c {
            Compare::ValueEq { key, value } => self.map.get(key) == Some(value),
            Compare::Absent { key } => !self.map.contains_key(key),
            Compare::ModEq { key, revision } => self.meta.get(key).map_or(0, |m| m.mod_revision) == *revision,
        }
    }

    /// End a lease: delete its keys in one write transaction (one revision).
    fn end_lease(&mut self, name: &str, state: LeaseState) {
        let Some(lease) = self.leases.get_mut(name) else { return };
        lease.state = state;
        let keys = core::mem::take(&mut lease.keys);
        self.write(keys.iter().map(|key| Write::Delete { key }));
    }

    /// Apply one write transaction; returns how many keys it changed. Each
    /// change goes straight into the history under the new revision, which
    /// the store takes only if something changed.
    fn write<'a>(&mut self, writes: impl IntoIterator<Item = Write<'a>>) -> usize {
        let revision = self.revision + 1;
        let mut n = 0;
        for w in writes {
            let change = match w {
                Write::Put { key, value, lease } => {
                    // Most puts overwrite a key that exists: update it in
                    // place rather than allocating a new key and value.
                    let meta = match self.meta.get_mut(key) {
                        Some(meta) => meta,
                        None => self.meta.entry(String::from(key)).or_default(),
                    };
                    if meta.version == 0 {
                        meta.create_revision = revision;
                    }
                    meta.mod_revision = revision;
                    meta.version += 1;
                    let old_lease = core::mem::replace(&mut meta.lease, lease.map(String::from));
                    let m = meta.clone();
                    if let Some(l) = old_lease.and_then(|l| self.leases.get_mut(&l)) {
                        l.keys.remove(key);
                    }
                    if let Some(l) = lease.and_then(|l| self.leases.get_mut(l)) {
                        l.keys.insert(String::from(key));
                    }
                    match self.map.get_mut(key) {
                        Some(v) => v.replace_range(.., value),
                        None => {
                            self.map.insert(String::from(key), String::from(value));
                        }
                    }
                    Change { key: String::from(key), value: Some(String::from(value)), meta: m }
                }
                Write::Delete { key } => {
                    if self.map.remove(key).is_none() {
                        continue;
                    }
                    let meta = self.meta.remove(key).unwrap_or_default();
                    if let Some(l) = meta.lease.as_ref().and_then(|l| self.leases.get_mut(l)) {
                        l.keys.remove(key);
                    }
                    let m = KeyMeta { mod_revision: revision, ..meta };
                    Change { key: String::from(key), value: None, meta: m }
                }
            };
            self.changes.insert((revision, n as u32), change);
            n += 1;
        }
        if n > 0 {
            self.revision = revision;
            self.forget_old_changes();
        }
        n
    }

    pub fn lease_alive(&self, name: &str) -> bool {
        self.leases.get(name).is_some_and(|l| l.state == LeaseState::Alive)
    }

    /// Every key under `prefix`, in key order, with its value.
    pub fn range(&self, prefix: &str) -> Vec<(&String, &String)> {
        self.map
            .range::<str, _>((core::ops::Bound::Included(prefix), core::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .collect()
    }

    /// A range's answer as text: `rev=7 /a=1 /b=2`.
    pub fn range_result(&self, prefix: &str) -> String {
        let mut s = format!("rev={}", self.revision);
        for (k, v) in self.range(prefix) {
            s.push_str(&format!(" {k}={v}"));
        }
        s
    }
}

/// A range's answer read back from its text: the revision and the pairs.
/// (A key containing `=` is split at its first `=`; keys in scenarios are
/// single words, and the page shows the text as it is.)
pub fn parse_range_result(text: &str) -> Option<(u64, Vec<(String, String)>)> {
    let mut words = text.split(' ');
    let rev = words.next()?.strip_prefix("rev=")?.parse().ok()?;
    let mut pairs = Vec::new();
    for w in words.filter(|w| !w.is_empty()) {
        let (k, v) = w.split_once('=')?;
        pairs.push((k.to_string(), v.to_string()));
    }
    Some((rev, pairs))
}
