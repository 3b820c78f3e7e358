//! The replicated state machine: a key-value map, plus the per-client
//! deduplication table that makes retried writes take effect exactly once
//! (Raft paper §8: "clients assign unique serial numbers to every command").
//!
//! Commands travel inside log entries as UTF-8 text, readable in the page:
//! `put <key> <value> <client>#<seq>` and `get <key> <client>#<seq>` (the
//! latter only when reads go through the log, `set read-mode log`).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// A decoded state-machine command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvCommand {
    Put { key: String, value: String, client: u64, seq: u64 },
    Get { key: String, client: u64, seq: u64 },
}

impl KvCommand {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            KvCommand::Put { key, value, client, seq } => {
                format!("put {} {} {}#{}", key, value, client, seq).into_bytes()
            }
            KvCommand::Get { key, client, seq } => format!("get {} {}#{}", key, client, seq).into_bytes(),
        }
    }

    /// Decode an entry's bytes; `None` for anything that is not a well-formed
    /// command (the state machine then ignores the entry rather than panicking).
    pub fn decode(bytes: &[u8]) -> Option<KvCommand> {
        let text = core::str::from_utf8(bytes).ok()?;
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["put", key, value, tag] => {
                let (client, seq) = parse_tag(tag)?;
                Some(KvCommand::Put { key: key.to_string(), value: value.to_string(), client, seq })
            }
            ["get", key, tag] => {
                let (client, seq) = parse_tag(tag)?;
                Some(KvCommand::Get { key: key.to_string(), client, seq })
            }
            _ => None,
        }
    }

    pub fn client(&self) -> (u64, u64) {
        match self {
            KvCommand::Put { client, seq, .. } | KvCommand::Get { client, seq, .. } => (*client, *seq),
        }
    }

    /// The command as the page shows it, without the client tag: `put x 1`.
    pub fn display(&self) -> String {
        match self {
            KvCommand::Put { key, value, .. } => format!("put {} {}", key, value),
            KvCommand::Get { key, .. } => format!("get {}", key),
        }
    }
}

fn parse_tag(tag: &str) -> Option<(u64, u64)> {
    let (c, s) = tag.split_once('#')?;
    Some((c.parse().ok()?, s.parse().ok()?))
}

/// What a client sees when its command is applied.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Applied {
    pub client: u64,
    pub seq: u64,
    /// For a get: the value read (None = absent). For a put: None.
    pub result: Option<String>,
    /// False when this was a duplicate of an already applied command (no effect).
    pub fresh: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Kv {
    pub map: BTreeMap<String, String>,
    /// Per client: the highest sequence number applied and its result.
    pub sessions: BTreeMap<u64, (u64, Option<String>)>,
}

/// Client sessions each state machine remembers. Every simulated operation is
/// a new client, so the table would otherwise grow with the run (and every
/// checkpoint would copy it). A client retries for a few seconds at most;
/// 4,096 newer clients applied in the meantime takes more than 4 s even at
/// 1,000 puts/s, so an expired session is one that will not be retried.
pub const MAX_SESSIONS: usize = 4096;

impl Kv {
    pub fn new() -> Kv {
        Kv::default()
    }

    /// Apply one command. A command whose sequence number is not newer than the
    /// client's last applied one is a retry: it has no effect and answers with
    /// the result recorded the first time.
    pub fn apply(&mut self, cmd: &KvCommand) -> Applied {
        let (client, seq) = cmd.client();
        if let Some((last_seq, last_result)) = self.sessions.get(&client) {
            if seq <= *last_seq {
                let result = if seq == *last_seq { last_result.clone() } else { None };
                return Applied { client, seq, result, fresh: false };
            }
        }
        let result = match cmd {
            KvCommand::Put { key, value, .. } => {
                self.map.insert(key.clone(), value.clone());
                None
            }
            KvCommand::Get { key, .. } => self.map.get(key).cloned(),
        };
        self.sessions.insert(client, (seq, result.clone()));
        // Expire the oldest session beyond the limit (thesis §6.3: sessions
        // must expire, and every replica must expire the same ones, so the
        // rule depends only on the commands applied). Client ids grow, so the
        // smallest id is the oldest client.
        if self.sessions.len() > MAX_SESSIONS {
            self.sessions.pop_first();
        }
        Applied { client, seq, result, fresh: true }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.map.get(key)
    }

    /// Serialized state for a Raft snapshot (map + dedup table).
    pub fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The state a snapshot describes; an unreadable snapshot yields `None`.
    pub fn restore(bytes: &[u8]) -> Option<Kv> {
        if bytes.is_empty() {
            return Some(Kv::new());
        }
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &str, v: &str, client: u64, seq: u64) -> KvCommand {
        KvCommand::Put { key: k.into(), value: v.into(), client, seq }
    }

    #[test]
    fn encode_decode_round_trip() {
        let c = put("x", "1", 3, 2);
        assert_eq!(String::from_utf8(c.encode()).unwrap(), "put x 1 3#2");
        assert_eq!(KvCommand::decode(&c.encode()), Some(c));
        let g = KvCommand::Get { key: "y".into(), client: 4, seq: 1 };
        assert_eq!(KvCommand::decode(&g.encode()), Some(g));
        assert_eq!(KvCommand::decode(b"put x"), None);
        assert_eq!(KvCommand::decode(&[0xff, 0xfe]), None);
    }

    #[test]
    fn retried_put_takes_effect_once() {
        let mut kv = Kv::new();
        assert!(kv.apply(&put("x", "1", 1, 1)).fresh);
        assert!(kv.apply(&put("x", "2", 2, 1)).fresh);
        // Client 1's retry of seq 1 arrives late: it must not overwrite "2".
        let again = kv.apply(&put("x", "1", 1, 1));
        assert!(!again.fresh);
        assert_eq!(kv.get("x").map(|s| s.as_str()), Some("2"));
        // A new sequence number from client 1 does take effect.
        assert!(kv.apply(&put("x", "3", 1, 2)).fresh);
        assert_eq!(kv.get("x").map(|s| s.as_str()), Some("3"));
    }

    #[test]
    fn duplicate_get_returns_first_result() {
        let mut kv = Kv::new();
        kv.apply(&put("x", "1", 1, 1));
        let g = KvCommand::Get { key: "x".into(), client: 2, seq: 1 };
        assert_eq!(kv.apply(&g).result.as_deref(), Some("1"));
        kv.apply(&put("x", "9", 3, 1));
        let again = kv.apply(&g);
        assert!(!again.fresh);
        assert_eq!(again.result.as_deref(), Some("1"));
    }

    #[test]
    fn the_oldest_sessions_expire_beyond_the_limit() {
        let mut kv = Kv::new();
        for client in 1..=(MAX_SESSIONS as u64 + 10) {
            assert!(kv.apply(&put("a", "1", client, 1)).fresh);
        }
        assert_eq!(kv.sessions.len(), MAX_SESSIONS);
        assert_eq!(kv.sessions.keys().next(), Some(&11), "the 10 oldest clients expired");
        assert!(!kv.apply(&put("a", "2", 11, 1)).fresh, "a live session still deduplicates");
    }

    #[test]
    fn snapshot_round_trip_keeps_sessions() {
        let mut kv = Kv::new();
        kv.apply(&put("a", "1", 1, 5));
        let back = Kv::restore(&kv.snapshot()).unwrap();
        assert_eq!(back, kv);
        let mut back = back;
        assert!(!back.apply(&put("a", "2", 1, 5)).fresh, "dedup survives a snapshot");
        assert_eq!(Kv::restore(b"not json"), None);
    }
}
