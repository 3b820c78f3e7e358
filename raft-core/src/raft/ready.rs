//! The hand-off to the host: everything the protocol decided since the last
//! `Ready` (state to persist, messages, entries to apply, reads, events),
//! and `advance` once the host has acted on it.

use super::*;

impl Raft {
    /// What the host must persist. (Bug `volatile-vote` leaves the vote out,
    /// so a restarted server may vote again in the same term.)
    pub(super) fn hard_state(&self) -> HardState {
        let voted_for = if self.cfg.bugs.volatile_vote { None } else { self.voted_for };
        HardState { current_term: self.current_term, voted_for }
    }

    pub(crate) fn has_ready(&self) -> bool {
        self.hard_state() != self.persisted_hard_state
            || self.pending_snapshot.is_some()
            || self.persist_from.is_some()
            || !self.msgs.is_empty()
            || self.commit_index > self.handed_out
            || !self.read_states.is_empty()
            || !self.events.is_empty()
    }

    pub(crate) fn take_ready(&mut self) -> Ready {
        let hs = self.hard_state();
        let hard_state = if hs != self.persisted_hard_state {
            self.persisted_hard_state = hs.clone();
            Some(hs)
        } else {
            None
        };
        let snapshot = self.pending_snapshot.take();
        let snapshot_install = snapshot.is_some() && self.snapshot_install;
        self.snapshot_install = false;
        let entries = match self.persist_from.take() {
            Some(from) => self.log.slice(from, self.log.last_index(), usize::MAX),
            None => Vec::new(),
        };
        let committed_entries = if self.commit_index > self.handed_out {
            let c = self.log.slice(self.handed_out + 1, self.commit_index, usize::MAX);
            self.handed_out = self.commit_index;
            c
        } else {
            Vec::new()
        };
        Ready {
            hard_state,
            snapshot,
            snapshot_install,
            entries,
            messages: core::mem::take(&mut self.msgs),
            committed_entries,
            read_states: core::mem::take(&mut self.read_states),
            events: core::mem::take(&mut self.events),
        }
    }

    pub(crate) fn advance(&mut self, ready: &Ready) {
        if ready.snapshot_install {
            if let Some(s) = &ready.snapshot {
                self.last_applied = self.last_applied.max(s.last_included_index);
            }
        }
        if let Some(last) = ready.committed_entries.last() {
            self.last_applied = self.last_applied.max(last.index);
        }
    }
}
