//! What a server shows of itself (`Status`, etcd's `status.go`) and the cheap
//! accessors the host reads every tick.

use super::*;
use crate::entries::LogEntries;

impl Raft {
    pub(crate) fn status(&self) -> Status {
        let (timer_elapsed, timer_timeout) = if self.role == Role::Leader {
            (self.heartbeat_elapsed, self.cfg.heartbeat_interval)
        } else {
            (self.election_elapsed, self.randomized_timeout)
        };
        let progress = if self.role == Role::Leader {
            self.progress
                .iter()
                .map(|(id, p)| PeerProgress {
                    id: *id,
                    next_index: p.next_index,
                    match_index: p.match_index,
                    state: p.state,
                    recent_active: p.recent_active,
                    inflight: p.inflights.count(),
                    is_learner: self.membership.learners.contains(id),
                })
                .collect()
        } else {
            Vec::new()
        };
        let votes_granted = match self.role {
            Role::Candidate | Role::PreCandidate => self.votes_granted.clone(),
            _ => Vec::new(),
        };
        let have = |voters: &[NodeId]| -> Option<u32> {
            let count = |f: &dyn Fn(&NodeId) -> bool| voters.iter().filter(|v| f(v)).count() as u32;
            match self.role {
                Role::Leader => {
                    let last = self.log.last_index();
                    Some(count(&|v| *v == self.id || self.progress.get(v).is_some_and(|p| p.match_index >= last)))
                }
                Role::Candidate | Role::PreCandidate => Some(count(&|v| self.votes_granted.contains(v))),
                Role::Follower => None,
            }
        };
        let quorum = [(&self.membership.voters, false), (&self.membership.voters_outgoing, true)]
            .into_iter()
            .filter(|(voters, _)| !voters.is_empty())
            .map(|(voters, outgoing)| QuorumStatus {
                voters: voters.clone(),
                outgoing,
                need: quorum::majority(voters.len()) as u32,
                have: have(voters),
            })
            .collect();
        Status {
            id: self.id,
            role: self.role,
            current_term: self.current_term,
            voted_for: self.voted_for,
            leader_id: self.leader_id,
            commit_index: self.commit_index,
            last_applied: self.last_applied,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            snapshot_index: self.log.snapshot_index(),
            snapshot_term: self.log.snapshot_term(),
            membership: self.membership.clone(),
            timer_elapsed,
            timer_timeout,
            progress,
            transfer_target: self.transfer_target,
            votes_granted,
            quorum,
        }
    }

    pub(crate) fn role(&self) -> Role {
        self.role
    }

    pub(crate) fn current_term(&self) -> Term {
        self.current_term
    }

    pub(crate) fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }

    pub(crate) fn commit_index(&self) -> Index {
        self.commit_index
    }

    pub(crate) fn last_applied(&self) -> Index {
        self.last_applied
    }

    pub(crate) fn last_index(&self) -> Index {
        self.log.last_index()
    }

    pub(crate) fn entries(&self) -> &LogEntries {
        &self.log.entries
    }

    pub(crate) fn snapshot(&self) -> Option<&Snapshot> {
        self.log.snapshot.as_ref()
    }
}
