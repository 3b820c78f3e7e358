//! Placeholder so the crate compiles until the core implementer lands.
use alloc::vec::Vec;
use crate::config::Config;
use crate::message::Message;
use crate::node::Status;
use crate::ready::Ready;
use crate::reason::ProposalDropped;
use crate::types::*;

pub(crate) struct Raft { _c: Config }
impl Raft {
    pub(crate) fn new(config: Config, _p: Option<PersistentState>) -> Raft { Raft { _c: config } }
    pub(crate) fn tick(&mut self) { todo!() }
    pub(crate) fn step(&mut self, _m: Message) { todo!() }
    pub(crate) fn propose(&mut self, _d: Vec<u8>) -> Result<Index, ProposalDropped> { todo!() }
    pub(crate) fn propose_change(&mut self, _c: ConfigChange) -> Result<Index, ProposalDropped> { todo!() }
    pub(crate) fn read_index(&mut self, _ctx: u64) { todo!() }
    pub(crate) fn transfer_leader(&mut self, _t: NodeId) { todo!() }
    pub(crate) fn campaign_forced(&mut self) { todo!() }
    pub(crate) fn compact(&mut self, _i: Index, _d: Vec<u8>) { todo!() }
    pub(crate) fn has_ready(&self) -> bool { todo!() }
    pub(crate) fn take_ready(&mut self) -> Ready { todo!() }
    pub(crate) fn advance(&mut self, _r: &Ready) { todo!() }
    pub(crate) fn status(&self) -> Status { todo!() }
    pub(crate) fn entries(&self) -> &[Entry] { todo!() }
    pub(crate) fn snapshot(&self) -> Option<&Snapshot> { todo!() }
}
