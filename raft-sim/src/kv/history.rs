//! The change history watches stream from: the newest changes of the store,
//! each with the revision that made it (etcd keeps old revisions until they
//! are compacted; here the newest [`HISTORY_REVISIONS`] are kept, so the
//! memory per server is bounded whatever the length of the run).
//!
//! A watch from a revision at or below the compact revision can no longer be
//! served (etcd's `ErrCompacted`): the client gets a clear error instead of
//! a silent gap.

use alloc::string::String;
use alloc::vec::Vec;

use super::store::KeyMeta;
use super::Kv;

/// Revisions of changes each server keeps for watches.
pub const HISTORY_REVISIONS: u64 = 1000;

/// One key changed at one revision (an etcd watch event).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub key: String,
    /// The new value; `None` for a delete.
    pub value: Option<String>,
    /// The key's metadata after the change (for a delete: its mod_revision
    /// is the deleting revision).
    pub meta: KeyMeta,
}

impl Change {
    pub fn kind(&self) -> &'static str {
        if self.value.is_some() {
            "put"
        } else {
            "delete"
        }
    }
}

/// Why a watch cannot be served from a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compacted {
    pub compact_revision: u64,
}

impl Kv {
    /// Keep the newest [`HISTORY_REVISIONS`] revisions of changes (the
    /// store has just recorded those of `self.revision`); the oldest go first.
    pub(super) fn forget_old_changes(&mut self) {
        let revision = self.revision;
        loop {
            let Some(rev) = self.changes.keys().next().map(|(rev, _)| *rev) else { break };
            if rev + HISTORY_REVISIONS > revision {
                break;
            }
            self.changes.pop_first();
            self.compact_revision = self.compact_revision.max(rev);
        }
    }

    /// The changes under `prefix` with revision `from..=self.revision`, in
    /// revision order; `Err` if `from` is compacted.
    pub fn changes_from(&self, from: u64, prefix: &str) -> Result<Vec<(u64, &Change)>, Compacted> {
        if from <= self.compact_revision {
            return Err(Compacted { compact_revision: self.compact_revision });
        }
        let start = (from, 0);
        Ok(self
            .changes
            .iter_from(start)
            .filter(|(_, c)| c.key.starts_with(prefix))
            .map(|((rev, _), c)| (*rev, c))
            .collect())
    }

    /// The changes made at `revision` (empty if it is not in the history).
    pub fn changes_at(&self, revision: u64) -> impl Iterator<Item = &Change> + '_ {
        self.changes.iter_from((revision, 0)).take_while(move |((rev, _), _)| *rev == revision).map(|(_, c)| c)
    }
}
