//! The output batch the host drains after each call into the core, like etcd's
//! `Ready`. The host must, in this order:
//! 1. persist `hard_state`, `snapshot` and `entries` (the persistence contract:
//!    nothing in `messages` may be sent before the state it depends on is durable),
//! 2. send `messages`,
//! 3. install `snapshot` into its state machine (if any), then apply
//!    `committed_entries` in order, then serve `read_states` whose index is applied,
//! 4. call `RawNode::advance(ready)`.

use alloc::vec::Vec;

use crate::message::Message;
use crate::reason::CoreEvent;
use crate::types::{Entry, HardState, Index, Snapshot};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Changed term / vote to persist, if it changed.
    pub hard_state: Option<HardState>,
    /// A snapshot to persist and, if it came from the leader, to install in the
    /// state machine. Persisting it replaces the persisted snapshot and:
    /// - `snapshot_install == false` (taken locally by `compact`): drop the
    ///   persisted entries with index <= its `last_included_index`;
    /// - `snapshot_install == true` (from the leader): drop *all* persisted
    ///   entries — the log may have conflicted with it — and persist `entries`
    ///   (the core re-sends the suffix it kept, if any).
    pub snapshot: Option<Snapshot>,
    /// Whether `snapshot` must also be loaded into the state machine (true when
    /// it came from the leader; false when this server took it itself). After
    /// `advance`, `last_applied` is the snapshot's index.
    pub snapshot_install: bool,
    /// Log entries to persist. The host first drops any persisted entry with an
    /// index >= `entries[0].index` (a truncated conflicting suffix), then appends.
    pub entries: Vec<Entry>,
    /// Messages to send once the above is durable.
    pub messages: Vec<Message>,
    /// Newly committed entries to apply, in index order.
    pub committed_entries: Vec<Entry>,
    /// Reads confirmed by the leader: serve `ctx` once applied >= `index`.
    pub read_states: Vec<ReadState>,
    /// What happened, for the trace.
    pub events: Vec<CoreEvent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReadState {
    pub ctx: u64,
    pub index: Index,
}

impl Ready {
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.snapshot.is_none()
            && self.entries.is_empty()
            && self.messages.is_empty()
            && self.committed_entries.is_empty()
            && self.read_states.is_empty()
            && self.events.is_empty()
    }
}


impl crate::types::PersistentState {
    /// Step 1 of handling a `Ready`, for hosts that keep their durable state in
    /// a `PersistentState` (the simulator and the tests do): record the hard
    /// state, the snapshot and the entries exactly as the contract above says.
    /// A real host writes the same three things to disk (and fsyncs) instead.
    pub fn persist(&mut self, ready: &Ready) {
        if let Some(hs) = &ready.hard_state {
            self.hard_state = hs.clone();
        }
        if let Some(snapshot) = &ready.snapshot {
            if ready.snapshot_install {
                // From the leader: the whole persisted log goes; whatever
                // suffix the core kept comes back in `ready.entries`.
                self.entries.clear();
            } else {
                // Taken locally: only the compacted prefix goes.
                self.entries.retain(|e| e.index > snapshot.last_included_index);
            }
            self.snapshot = Some(snapshot.clone());
        }
        if let Some(first) = ready.entries.first() {
            // A conflicting suffix is replaced, never merged.
            self.entries.retain(|e| e.index < first.index);
            self.entries.extend(ready.entries.iter().cloned());
        }
    }
}
