//! raft-core's reasons (`VoteDenied::LogBehind { .. }`,
//! `RoleChangeReason::Forced`, …) in the shape the page's message table
//! renders and the trace hash covers: `{ "code": "log-behind", ...fields }`,
//! keys in sorted order.
//!
//! Written out by hand, one match per reason type, rather than derived
//! through `serde_json::Value`: the wasm then needs no `Value`, no
//! `String → Value` B-tree and no second serializer per reason type (about
//! 12 KB, docs/wasm-size.md). A new reason variant in raft-core is a compile
//! error here until it is given its code and fields; the tests compare every
//! variant with what serde's derive makes of it.

use alloc::vec::Vec;

use raft_core::{AppendRejected, ProposalDropped, ReadRejected, RoleChangeReason, VoteDenied};
#[cfg(test)]
use serde::{ser::SerializeMap, Serialize};

use crate::trace::FieldHasher;

/// A reason: `code` and the variant's fields, as `(key, value)` pairs kept in
/// key order (`code` among them), the order a JSON object with sorted keys has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    entries: Vec<(&'static str, ReasonValue)>,
}

/// A value in a reason: its code, a number, or null (`leader_hint: None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonValue {
    Str(&'static str),
    U64(u64),
    Null,
}

impl Reason {
    fn new(code: &'static str, fields: &[(&'static str, ReasonValue)]) -> Reason {
        let mut reason = Reason { entries: Vec::with_capacity(fields.len() + 1) };
        reason.insert("code", ReasonValue::Str(code));
        for &(key, value) in fields {
            reason.insert(key, value);
        }
        reason
    }

    /// Insert at `key`'s sorted place (at most five entries: no sort needed).
    fn insert(&mut self, key: &'static str, value: ReasonValue) {
        let at = self.entries.iter().position(|(k, _)| *k > key).unwrap_or(self.entries.len());
        self.entries.insert(at, (key, value));
    }

    /// The kebab-case code, e.g. `log-behind`.
    pub fn code(&self) -> &'static str {
        match self.get("code") {
            Some(ReasonValue::Str(code)) => code,
            _ => "",
        }
    }

    /// `(key, value)` pairs in key order, `code` among them.
    pub fn entries(&self) -> &[(&'static str, ReasonValue)] {
        &self.entries
    }

    /// The value at `key` (`code` included).
    pub fn get(&self, key: &str) -> Option<ReasonValue> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Feed the reason into the trace hash exactly as the JSON object it
    /// used to be hashed as: `{`, the entry count, then each key and value
    /// (`s` + string, `#` + number, `n` for null).
    pub fn hash_into(&self, h: &mut FieldHasher) {
        h.tag(b'{');
        h.u64(self.entries.len() as u64);
        for (key, value) in &self.entries {
            h.str(key);
            match value {
                ReasonValue::Str(s) => {
                    h.tag(b's');
                    h.str(s);
                }
                ReasonValue::U64(n) => {
                    h.tag(b'#');
                    h.u64(*n);
                }
                ReasonValue::Null => h.tag(b'n'),
            }
        }
    }
}

#[cfg(test)]
impl Serialize for ReasonValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ReasonValue::Str(s) => serializer.serialize_str(s),
            ReasonValue::U64(n) => serializer.serialize_u64(*n),
            ReasonValue::Null => serializer.serialize_unit(),
        }
    }
}

#[cfg(test)]
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A raft-core reason type, as a [`Reason`].
pub trait AsReason {
    fn as_reason(&self) -> Reason;
}

/// The reason `r` as the page shows it (the view's and the trace's `reason`).
pub fn reason_value<T: AsReason>(r: &T) -> Reason {
    r.as_reason()
}

use ReasonValue::{Null, U64};

fn opt(v: Option<u64>) -> ReasonValue {
    v.map_or(Null, U64)
}

impl AsReason for VoteDenied {
    fn as_reason(&self) -> Reason {
        match *self {
            VoteDenied::StaleTerm { candidate_term, current_term } => Reason::new(
                "stale-term",
                &[("candidate_term", U64(candidate_term)), ("current_term", U64(current_term))],
            ),
            VoteDenied::AlreadyVoted { voted_for } => Reason::new("already-voted", &[("voted_for", U64(voted_for))]),
            VoteDenied::LogBehind { candidate_last_term, candidate_last_index, last_term, last_index } => Reason::new(
                "log-behind",
                &[
                    ("candidate_last_term", U64(candidate_last_term)),
                    ("candidate_last_index", U64(candidate_last_index)),
                    ("last_term", U64(last_term)),
                    ("last_index", U64(last_index)),
                ],
            ),
            VoteDenied::LeaderAlive { leader } => Reason::new("leader-alive", &[("leader", U64(leader))]),
            VoteDenied::NotVoter => Reason::new("not-voter", &[]),
        }
    }
}

impl AsReason for AppendRejected {
    fn as_reason(&self) -> Reason {
        match *self {
            AppendRejected::StaleTerm { leader_term, current_term } => {
                Reason::new("stale-term", &[("leader_term", U64(leader_term)), ("current_term", U64(current_term))])
            }
            AppendRejected::MissingEntry { prev_log_index, last_index } => Reason::new(
                "missing-entry",
                &[("prev_log_index", U64(prev_log_index)), ("last_index", U64(last_index))],
            ),
            AppendRejected::TermMismatch { prev_log_index, prev_log_term, found_term } => Reason::new(
                "term-mismatch",
                &[
                    ("prev_log_index", U64(prev_log_index)),
                    ("prev_log_term", U64(prev_log_term)),
                    ("found_term", U64(found_term)),
                ],
            ),
        }
    }
}

impl AsReason for RoleChangeReason {
    fn as_reason(&self) -> Reason {
        match *self {
            RoleChangeReason::ElectionTimeout => Reason::new("election-timeout", &[]),
            RoleChangeReason::TimeoutNow => Reason::new("timeout-now", &[]),
            RoleChangeReason::Forced => Reason::new("forced", &[]),
            RoleChangeReason::PreVoteWon => Reason::new("pre-vote-won", &[]),
            RoleChangeReason::WonElection { votes } => Reason::new("won-election", &[("votes", U64(votes.into()))]),
            RoleChangeReason::HigherTerm { term, from } => {
                Reason::new("higher-term", &[("term", U64(term)), ("from", U64(from))])
            }
            RoleChangeReason::LeaderDiscovered { leader } => {
                Reason::new("leader-discovered", &[("leader", U64(leader))])
            }
            RoleChangeReason::LostQuorum => Reason::new("lost-quorum", &[]),
            RoleChangeReason::RemovedFromConfig => Reason::new("removed-from-config", &[]),
            RoleChangeReason::ElectionLost => Reason::new("election-lost", &[]),
            RoleChangeReason::Restarted => Reason::new("restarted", &[]),
        }
    }
}

impl AsReason for ProposalDropped {
    fn as_reason(&self) -> Reason {
        match *self {
            ProposalDropped::NotLeader { leader_hint } => {
                Reason::new("not-leader", &[("leader_hint", opt(leader_hint))])
            }
            ProposalDropped::TransferInProgress => Reason::new("transfer-in-progress", &[]),
            ProposalDropped::ChangeInProgress => Reason::new("change-in-progress", &[]),
            ProposalDropped::LeaderNotReady => Reason::new("leader-not-ready", &[]),
            ProposalDropped::InvalidChange => Reason::new("invalid-change", &[]),
        }
    }
}

impl AsReason for ReadRejected {
    fn as_reason(&self) -> Reason {
        match *self {
            ReadRejected::NotLeader { leader_hint } => Reason::new("not-leader", &[("leader_hint", opt(leader_hint))]),
            ReadRejected::NoopNotCommitted => Reason::new("noop-not-committed", &[]),
            ReadRejected::LeadershipLost => Reason::new("leadership-lost", &[]),
            ReadRejected::TransferInProgress => Reason::new("transfer-in-progress", &[]),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The hand-written reasons against what serde's derive makes of the same
    //! values (the way `reason_value` built them before, through
    //! `serde_json::Value`): the same JSON text and the same trace hash, for
    //! every variant.
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::string::String;
    use serde_json::Value;

    /// The former `reason_value`: `{"Variant": {fields}}` or `"Variant"` →
    /// `{"code": "variant", ...fields}`, keys sorted.
    fn via_serde<T: Serialize>(reason: &T) -> Value {
        let mut fields: BTreeMap<String, Value> = BTreeMap::new();
        match serde_json::to_value(reason).unwrap() {
            Value::String(name) => {
                fields.insert("code".into(), Value::String(kebab(&name)));
            }
            Value::Object(map) => {
                assert_eq!(map.len(), 1, "an externally tagged variant");
                let (name, inner) = map.into_iter().next().unwrap();
                fields.insert("code".into(), Value::String(kebab(&name)));
                let Value::Object(inner) = inner else { panic!("a struct variant: {inner}") };
                fields.extend(inner);
            }
            other => panic!("not an enum variant: {other}"),
        }
        Value::Object(fields.into_iter().collect())
    }

    fn kebab(name: &str) -> String {
        let mut s = String::new();
        for (i, ch) in name.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                s.push('-');
            }
            s.push(ch.to_ascii_lowercase());
        }
        s
    }

    /// How the trace hashed a `Value` reason before (objects with sorted keys,
    /// strings, non-negative integers and null are all that occur).
    fn hash_value(h: &mut FieldHasher, v: &Value) {
        match v {
            Value::Null => h.tag(b'n'),
            Value::Number(n) => {
                h.tag(b'#');
                h.u64(n.as_u64().unwrap());
            }
            Value::String(s) => {
                h.tag(b's');
                h.str(s);
            }
            Value::Object(map) => {
                h.tag(b'{');
                h.u64(map.len() as u64);
                for (k, v) in map {
                    h.str(k);
                    hash_value(h, v);
                }
            }
            other => panic!("does not occur in a reason: {other}"),
        }
    }

    fn same<T: Serialize + AsReason + core::fmt::Debug>(reasons: &[T]) {
        for r in reasons {
            let old = via_serde(r);
            let new = reason_value(r);
            assert_eq!(serde_json::to_string(&new).unwrap(), serde_json::to_string(&old).unwrap(), "{r:?}");
            assert_eq!(Some(new.code()), old["code"].as_str(), "{r:?}");
            let (mut a, mut b) = (FieldHasher(7), FieldHasher(7));
            new.hash_into(&mut a);
            hash_value(&mut b, &old);
            assert_eq!(a.0, b.0, "{r:?}");
        }
    }

    #[test]
    fn every_reason_writes_and_hashes_as_serde_derives_it() {
        same(&[
            VoteDenied::StaleTerm { candidate_term: 1, current_term: 2 },
            VoteDenied::AlreadyVoted { voted_for: 3 },
            VoteDenied::LogBehind { candidate_last_term: 4, candidate_last_index: 5, last_term: 6, last_index: 7 },
            VoteDenied::LeaderAlive { leader: 8 },
            VoteDenied::NotVoter,
        ]);
        same(&[
            AppendRejected::StaleTerm { leader_term: 1, current_term: 2 },
            AppendRejected::MissingEntry { prev_log_index: 3, last_index: 4 },
            AppendRejected::TermMismatch { prev_log_index: 5, prev_log_term: 6, found_term: u64::MAX },
        ]);
        same(&[
            RoleChangeReason::ElectionTimeout,
            RoleChangeReason::TimeoutNow,
            RoleChangeReason::Forced,
            RoleChangeReason::PreVoteWon,
            RoleChangeReason::WonElection { votes: 3 },
            RoleChangeReason::HigherTerm { term: 9, from: 2 },
            RoleChangeReason::LeaderDiscovered { leader: 4 },
            RoleChangeReason::LostQuorum,
            RoleChangeReason::RemovedFromConfig,
            RoleChangeReason::ElectionLost,
            RoleChangeReason::Restarted,
        ]);
        same(&[
            ProposalDropped::NotLeader { leader_hint: Some(2) },
            ProposalDropped::NotLeader { leader_hint: None },
            ProposalDropped::TransferInProgress,
            ProposalDropped::ChangeInProgress,
            ProposalDropped::LeaderNotReady,
            ProposalDropped::InvalidChange,
        ]);
        same(&[
            ReadRejected::NotLeader { leader_hint: Some(1) },
            ReadRejected::NotLeader { leader_hint: None },
            ReadRejected::NoopNotCommitted,
            ReadRejected::LeadershipLost,
            ReadRejected::TransferInProgress,
        ]);
    }

    #[test]
    fn keys_are_sorted_with_code_in_its_place() {
        let r = reason_value(&VoteDenied::LogBehind {
            candidate_last_term: 1,
            candidate_last_index: 2,
            last_term: 3,
            last_index: 4,
        });
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"candidate_last_index":2,"candidate_last_term":1,"code":"log-behind","last_index":4,"last_term":3}"#
        );
        assert_eq!(r.get("last_term"), Some(ReasonValue::U64(3)));
        assert_eq!(reason_value(&VoteDenied::NotVoter).code(), "not-voter");
    }
}
