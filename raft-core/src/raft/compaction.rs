//! Log compaction (paper §7): the host hands over a snapshot of its state
//! machine; the log up to it is discarded.

use super::*;

impl Raft {
    pub(crate) fn compact(&mut self, index: Index, data: Vec<u8>) {
        // Only what the host has applied can be covered by its state bytes.
        if index <= self.log.snapshot_index() || index > self.last_applied || index > self.log.last_index() {
            return;
        }
        // A server that joined with no initial voters knows only the changes
        // in its log, not the configuration they started from: a snapshot
        // would freeze that partial view as if it were the whole
        // configuration (and let it campaign on it). It keeps its log until a
        // leader's snapshot tells it the real configuration.
        if !self.membership_known {
            return;
        }
        let Some(term) = self.log.term_at(index) else { return };
        let snapshot = Snapshot {
            last_included_index: index,
            last_included_term: term,
            membership: self.membership_at(index),
            data,
        };
        self.log.install_snapshot(snapshot.clone(), true);
        self.pending_snapshot = Some(snapshot);
        self.snapshot_install = false;
        self.events.push(CoreEvent::SnapshotTaken { index, term });
    }
}
