//! Leadership transfer (thesis §3.10): stop accepting proposals, bring the
//! target up to date, send it TimeoutNow; give up after an election timeout.

use super::*;

impl Raft {
    pub(crate) fn transfer_leader(&mut self, target: NodeId) {
        if self.role != Role::Leader || target == self.id {
            return;
        }
        if !membership::is_voter(&self.membership, target) || !self.progress.contains_key(&target) {
            return;
        }
        if let Some(old) = self.transfer_target {
            if old == target {
                return;
            }
            self.events.push(CoreEvent::TransferAborted { to: old });
        }
        self.transfer_target = Some(target);
        self.transfer_elapsed = 0;
        self.lease_revoked = true;
        self.events.push(CoreEvent::TransferStarted { to: target });
        let caught_up = self.progress.get(&target).is_some_and(|p| p.match_index == self.log.last_index());
        if caught_up {
            self.send(target, MessageBody::TimeoutNow);
        } else {
            self.send_append(target, IfNothingNew::SendEmpty, None);
        }
    }

    pub(crate) fn campaign_forced(&mut self) {
        self.campaign(RoleChangeReason::Forced, true);
    }
}
