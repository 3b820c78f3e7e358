//! The replicated state machine: a key-value map, plus the per-client
//! deduplication table that makes retried writes take effect exactly once
//! (Raft paper §8: "clients assign unique serial numbers to every command").
//!
//! Commands travel inside log entries as UTF-8 text, readable in the page:
//! `put <key> <value> <client>#<seq>` and `get <key> <client>#<seq>` (the
//! latter only when reads go through the log, `set read-mode log`).

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::shared_map::SharedMap;

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
        // The first five words, without collecting them (every server decodes
        // every entry it applies): a fifth word means a malformed command.
        let mut words = text.split_whitespace();
        let first: [Option<&str>; 5] = core::array::from_fn(|_| words.next());
        match first {
            [Some("put"), Some(key), Some(value), Some(tag), None] => {
                let (client, seq) = parse_tag(tag)?;
                Some(KvCommand::Put { key: key.to_string(), value: value.to_string(), client, seq })
            }
            [Some("get"), Some(key), Some(tag), None, _] => {
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
        // Pieces pushed into one buffer of the right size (not `format!`):
        // every server traces every command it applies this way.
        let (op, key, value) = match self {
            KvCommand::Put { key, value, .. } => ("put ", key, Some(value)),
            KvCommand::Get { key, .. } => ("get ", key, None),
        };
        let mut text = String::with_capacity(op.len() + key.len() + value.map_or(0, |v| 1 + v.len()));
        text.push_str(op);
        text.push_str(key);
        if let Some(v) = value {
            text.push(' ');
            text.push_str(v);
        }
        text
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
    /// Shared between checkpoints (up to [`MAX_SESSIONS`] entries per server).
    pub sessions: SharedMap<u64, Session>,
}

/// One client's session: the highest sequence number applied and what it
/// returned. Kept small (24 bytes; 32 with its client id in the table)
/// because a time-travel history holds every session the run expired while
/// an older checkpoint still shares it: one per server per client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub seq: u64,
    /// A get's value (None: absent, or a put).
    pub result: Option<Box<str>>,
}

/// Serialized as the `[seq, result]` pair it replaced, so JSON output is unchanged.
impl serde::Serialize for Session {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.seq, self.result.as_deref()).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Session {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (seq, result) = <(u64, Option<String>)>::deserialize(deserializer)?;
        Ok(Session { seq, result: result.map(String::into_boxed_str) })
    }
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
        self.apply_checked(cmd, true)
    }

    /// [`Kv::apply`], or with `dedup` false (raft-core's `no-dedup` bug
    /// switch) applying a retry again as if it were new.
    pub fn apply_checked(&mut self, cmd: &KvCommand, dedup: bool) -> Applied {
        let (client, seq) = cmd.client();
        if let Some(last) = self.sessions.get(&client).filter(|_| dedup) {
            if seq <= last.seq {
                let result = if seq == last.seq { last.result.as_deref().map(String::from) } else { None };
                return Applied { client, seq, result, fresh: false };
            }
        }
        let result = match cmd {
            KvCommand::Put { key, value, .. } => {
                // An existing key's value is overwritten in place: no new
                // key string, and the value's buffer is reused.
                match self.map.get_mut(key) {
                    Some(v) => v.clone_from(value),
                    None => {
                        self.map.insert(key.clone(), value.clone());
                    }
                }
                None
            }
            KvCommand::Get { key, .. } => self.map.get(key).cloned(),
        };
        self.sessions.insert(client, Session { seq, result: result.as_deref().map(Box::from) });
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

    /// Serialized state for a Raft snapshot (map + dedup table), in the
    /// small length-prefixed format of `snapshot_codec` below.
    pub fn snapshot(&self) -> Vec<u8> {
        snapshot_codec::encode(self)
    }

    /// The state a snapshot describes; an unreadable snapshot yields `None`.
    pub fn restore(bytes: &[u8]) -> Option<Kv> {
        if bytes.is_empty() {
            return Some(Kv::new());
        }
        snapshot_codec::decode(bytes)
    }
}

/// The snapshot bytes: every number as decimal digits ended by `;`, every
/// string as its byte length (a number) followed by its bytes:
///
/// ```text
/// <map len>; { <key> <value> }   <sessions len>; { <client>; <seq>; (- | + <result>) }
/// ```
///
/// Hand-written rather than JSON so that the browser build carries no JSON
/// *parser* (serde_json's deserializer and the float formatting its error
/// messages pull in are a fifth of the wasm). Snapshot bytes never reach the
/// trace or the view model, so the format does not affect trace hashes.
mod snapshot_codec {
    use super::{Kv, Session};
    use alloc::string::String;
    use alloc::vec::Vec;

    pub fn encode(kv: &Kv) -> Vec<u8> {
        let mut out = Vec::new();
        put_num(&mut out, kv.map.len() as u64);
        for (key, value) in &kv.map {
            put_str(&mut out, key);
            put_str(&mut out, value);
        }
        put_num(&mut out, kv.sessions.len() as u64);
        for (client, session) in kv.sessions.iter() {
            put_num(&mut out, *client);
            put_num(&mut out, session.seq);
            match &session.result {
                None => out.push(b'-'),
                Some(r) => {
                    out.push(b'+');
                    put_str(&mut out, r);
                }
            }
        }
        out
    }

    fn put_num(out: &mut Vec<u8>, n: u64) {
        // Decimal digits, most significant first.
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[i..]);
        out.push(b';');
    }

    fn put_str(out: &mut Vec<u8>, s: &str) {
        put_num(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }

    /// `None` for anything `encode` cannot have written (truncated, trailing
    /// bytes, bad digits, invalid UTF-8, counts that overflow).
    pub fn decode(bytes: &[u8]) -> Option<Kv> {
        let mut r = Reader { bytes, at: 0 };
        let mut kv = Kv::new();
        for _ in 0..r.num()? {
            let key = r.string()?;
            let value = r.string()?;
            kv.map.insert(key, value);
        }
        for _ in 0..r.num()? {
            let client = r.num()?;
            let seq = r.num()?;
            let result = match r.byte()? {
                b'-' => None,
                b'+' => Some(r.string()?.into_boxed_str()),
                _ => return None,
            };
            kv.sessions.insert(client, Session { seq, result });
        }
        (r.at == bytes.len()).then_some(kv)
    }

    struct Reader<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl Reader<'_> {
        fn byte(&mut self) -> Option<u8> {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            Some(b)
        }

        fn num(&mut self) -> Option<u64> {
            let mut n: u64 = 0;
            let mut digits = 0;
            loop {
                match self.byte()? {
                    b';' if digits > 0 => return Some(n),
                    d @ b'0'..=b'9' => {
                        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                        digits += 1;
                    }
                    _ => return None,
                }
            }
        }

        fn string(&mut self) -> Option<String> {
            let len = usize::try_from(self.num()?).ok()?;
            let end = self.at.checked_add(len)?;
            let text = core::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
            self.at = end;
            Some(String::from(text))
        }
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
        assert_eq!(Kv::restore(b"not a snapshot"), None);
    }

    #[test]
    fn snapshot_round_trip_awkward_strings() {
        let mut kv = Kv::new();
        // Keys and values with the format's own delimiters, spaces, non-ASCII.
        kv.map.insert("k;1".into(), "v+-;2".into());
        kv.map.insert(String::new(), "空 格".into());
        kv.sessions.insert(7, Session { seq: 3, result: Some("12;+".into()) });
        kv.sessions.insert(u64::MAX, Session { seq: u64::MAX, result: None });
        kv.sessions.insert(0, Session { seq: 0, result: Some("".into()) });
        let bytes = kv.snapshot();
        assert_eq!(Kv::restore(&bytes), Some(kv.clone()));
        assert_eq!(Kv::restore(&Kv::new().snapshot()), Some(Kv::new()));
        assert_eq!(Kv::restore(&[]), Some(Kv::new()));
        // Every strict prefix is truncated, and trailing bytes are refused.
        for end in 1..bytes.len() {
            assert_eq!(Kv::restore(&bytes[..end]), None, "prefix of {end} bytes accepted");
        }
        let mut longer = bytes.clone();
        longer.push(b'0');
        assert_eq!(Kv::restore(&longer), None);
        // A count too large for u64, and invalid UTF-8 in a string.
        assert_eq!(Kv::restore(b"99999999999999999999999;"), None);
        assert_eq!(Kv::restore(b"1;1;\xff1;a0;"), None);
    }
}
