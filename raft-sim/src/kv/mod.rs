//! The replicated state machine: a small etcd. A key-value map with a global
//! **revision** (+1 per write), per-key create/mod revisions and versions,
//! prefix ranges, one-comparison transactions, **leases** whose keys are
//! deleted when they end, and a bounded **history** of changes that watches
//! stream from — plus the per-client deduplication table that makes retried
//! commands take effect exactly once (Raft paper §8: "clients assign unique
//! serial numbers to every command").
//!
//! One concern per file: [`command`] (the commands and their text in log
//! entries), `store` (revisions, put/delete/range/txn), [`lease`] (leases in
//! the state machine, and the leader's volatile deadlines), [`history`] (the
//! change history watches read), `snapshot_codec` (below).
//!
//! The state machine knows no time: a lease ends when a `lease-expire`
//! command is applied, which the leader proposes when its TTL has passed
//! ([`Lessor`]), so every server deletes the same keys at the same revision.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::shared_map::SharedMap;
use crate::small_map::SmallMap;

mod command;
pub mod history;
pub mod lease;
mod store;

pub use command::{Compare, KvCommand, TxnOp};
pub use history::Change;
pub use lease::{Lease, LeaseState, Lessor};
pub use store::{parse_range_result, KeyMeta};

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
    pub sessions: SharedMap<u64, (u64, Option<String>)>,
    /// etcd's store revision: +1 per command that changed a key (0 before any).
    pub revision: u64,
    /// Per key in `map`: its create_revision, mod_revision, version and lease.
    pub meta: BTreeMap<String, KeyMeta>,
    /// Leases by name, granted in this state machine (alive, and the newest
    /// [`lease::KEEP_ENDED`] ended ones).
    pub leases: SmallMap<String, Lease>,
    /// The id the next granted lease gets (ids start at 1).
    pub next_lease_id: u64,
    /// The newest changes, by (revision, position in it), for watches.
    pub changes: SharedMap<(u64, u32), Change>,
    /// Revisions up to this one are no longer in `changes` (etcd's compact revision).
    pub compact_revision: u64,
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
        let tagged = cmd.tag().is_some();
        if let Some((last_seq, last_result)) = self.sessions.get(&client).filter(|_| dedup && tagged) {
            if seq <= *last_seq {
                let result = if seq == *last_seq { last_result.clone() } else { None };
                return Applied { client, seq, result, fresh: false };
            }
        }
        let result = self.execute(cmd);
        if cmd.tag().is_none() {
            // The leader's own command: no client, no session.
            return Applied { client, seq, result, fresh: true };
        }
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
/// [ E <revision>; <compact revision>; <next lease id>;
///     <meta len>; { <key> <create>; <mod>; <version>; (- | + <lease>) }
///     <leases len>; { <name> <id>; <ttl>; <state 0|1|2>; <keys len>; { <key> } }
///     <changes len>; { <revision>; <pos>; <key> (- | + <value>) <create>; <mod>; <version>; (- | + <lease>) } ]
/// ```
///
/// The `E` section (the etcd store) is written only once the store has a
/// revision or a lease, so a v1 snapshot reads the same as before.
///
/// Hand-written rather than JSON so that the browser build carries no JSON
/// *parser* (serde_json's deserializer and the float formatting its error
/// messages pull in are a fifth of the wasm). Snapshot bytes never reach the
/// trace or the view model, so the format does not affect trace hashes.
mod snapshot_codec {
    use super::{Change, KeyMeta, Kv, Lease, LeaseState};
    use crate::small_map::SmallSet;
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
        for (client, (seq, result)) in kv.sessions.iter() {
            put_num(&mut out, *client);
            put_num(&mut out, *seq);
            match result {
                None => out.push(b'-'),
                Some(r) => {
                    out.push(b'+');
                    put_str(&mut out, r);
                }
            }
        }
        if kv.revision > 0 || kv.next_lease_id > 0 || !kv.leases.is_empty() {
            out.push(b'E');
            put_num(&mut out, kv.revision);
            put_num(&mut out, kv.compact_revision);
            put_num(&mut out, kv.next_lease_id);
            put_num(&mut out, kv.meta.len() as u64);
            for (key, m) in &kv.meta {
                put_str(&mut out, key);
                put_meta(&mut out, m);
            }
            put_num(&mut out, kv.leases.len() as u64);
            for (name, l) in kv.leases.iter() {
                put_str(&mut out, name);
                put_num(&mut out, l.id);
                put_num(&mut out, l.ttl_ms);
                put_num(&mut out, l.state as u64);
                put_num(&mut out, l.keys.len() as u64);
                for k in &l.keys {
                    put_str(&mut out, k);
                }
            }
            put_num(&mut out, kv.changes.len() as u64);
            for ((rev, pos), c) in kv.changes.iter() {
                put_num(&mut out, *rev);
                put_num(&mut out, u64::from(*pos));
                put_str(&mut out, &c.key);
                put_opt(&mut out, c.value.as_deref());
                put_meta(&mut out, &c.meta);
            }
        }
        out
    }

    fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            None => out.push(b'-'),
            Some(s) => {
                out.push(b'+');
                put_str(out, s);
            }
        }
    }

    fn put_meta(out: &mut Vec<u8>, m: &KeyMeta) {
        put_num(out, m.create_revision);
        put_num(out, m.mod_revision);
        put_num(out, m.version);
        put_opt(out, m.lease.as_deref());
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
                b'+' => Some(r.string()?),
                _ => return None,
            };
            kv.sessions.insert(client, (seq, result));
        }
        if r.at < bytes.len() {
            if r.byte()? != b'E' {
                return None;
            }
            kv.revision = r.num()?;
            kv.compact_revision = r.num()?;
            kv.next_lease_id = r.num()?;
            for _ in 0..r.num()? {
                let key = r.string()?;
                let meta = r.meta()?;
                kv.meta.insert(key, meta);
            }
            for _ in 0..r.num()? {
                let name = r.string()?;
                let id = r.num()?;
                let ttl_ms = r.num()?;
                let state = match r.num()? {
                    0 => LeaseState::Alive,
                    1 => LeaseState::Expired,
                    2 => LeaseState::Revoked,
                    _ => return None,
                };
                let mut keys = SmallSet::new();
                for _ in 0..r.num()? {
                    keys.insert(r.string()?);
                }
                kv.leases.insert(name, Lease { id, ttl_ms, keys, state });
            }
            for _ in 0..r.num()? {
                let rev = r.num()?;
                let pos = u32::try_from(r.num()?).ok()?;
                let key = r.string()?;
                let value = r.opt()?;
                let meta = r.meta()?;
                kv.changes.insert((rev, pos), Change { key, value, meta });
            }
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

        fn opt(&mut self) -> Option<Option<String>> {
            match self.byte()? {
                b'-' => Some(None),
                b'+' => Some(Some(self.string()?)),
                _ => None,
            }
        }

        fn meta(&mut self) -> Option<KeyMeta> {
            let create_revision = self.num()?;
            let mod_revision = self.num()?;
            let version = self.num()?;
            let lease = self.opt()?;
            Some(KeyMeta { create_revision, mod_revision, version, lease })
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
        kv.sessions.insert(7, (3, Some("12;+".into())));
        kv.sessions.insert(u64::MAX, (u64::MAX, None));
        kv.sessions.insert(0, (0, Some(String::new())));
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

    // ----- the etcd store -------------------------------------------------

    fn run(kv: &mut Kv, text: &str) -> Option<String> {
        let cmd = KvCommand::decode(text.as_bytes()).expect(text);
        kv.apply(&cmd).result
    }

    fn meta(kv: &Kv, key: &str) -> (u64, u64, u64) {
        let m = &kv.meta[key];
        (m.create_revision, m.mod_revision, m.version)
    }

    #[test]
    fn revisions_count_write_transactions() {
        let mut kv = Kv::new();
        assert_eq!(kv.revision, 0);
        run(&mut kv, "put a 1 1#1");
        run(&mut kv, "put b 1 2#1");
        run(&mut kv, "put a 2 3#1");
        assert_eq!(kv.revision, 3);
        assert_eq!(meta(&kv, "a"), (1, 3, 2));
        assert_eq!(meta(&kv, "b"), (2, 2, 1));
        // Reads do not advance the revision; nor does deleting nothing.
        run(&mut kv, "get a 4#1");
        assert_eq!(run(&mut kv, "delete zz 5#1").as_deref(), Some("0"));
        assert_eq!(kv.revision, 3);
        assert_eq!(run(&mut kv, "delete a 6#1").as_deref(), Some("1"));
        assert_eq!(kv.revision, 4);
        assert!(kv.get("a").is_none() && !kv.meta.contains_key("a"));
        // Re-created: a new create_revision, version 1.
        run(&mut kv, "put a 3 7#1");
        assert_eq!(meta(&kv, "a"), (5, 5, 1));
        // A retried delete has no second effect.
        run(&mut kv, "delete b 8#1");
        run(&mut kv, "put b 9 9#1");
        assert_eq!(run(&mut kv, "delete b 8#1").as_deref(), Some("1"), "the first answer again");
        assert_eq!(kv.get("b").map(String::as_str), Some("9"));
    }

    #[test]
    fn range_reads_a_prefix_in_key_order_with_its_revision() {
        let mut kv = Kv::new();
        for (i, k) in ["/s/b", "/s/a", "/t/x", "/s", "/s/a/deep"].iter().enumerate() {
            run(&mut kv, &alloc::format!("put {k} v{i} {}#1", i + 1));
        }
        let r = run(&mut kv, "range /s/ 9#1").unwrap();
        assert_eq!(r, "rev=5 /s/a=v1 /s/a/deep=v4 /s/b=v0");
        let (rev, pairs) = store::parse_range_result(&r).unwrap();
        assert_eq!(rev, 5);
        assert_eq!(pairs.len(), 3);
        assert_eq!(run(&mut kv, "range /none 10#1").as_deref(), Some("rev=5"));
    }

    #[test]
    fn txn_compares_then_writes_one_branch() {
        let mut kv = Kv::new();
        assert_eq!(run(&mut kv, "txn if /lock absent then put /lock a 1#1").as_deref(), Some("then"));
        assert_eq!(run(&mut kv, "txn if /lock absent then put /lock b 2#1").as_deref(), Some("else"));
        assert_eq!(kv.get("/lock").map(String::as_str), Some("a"));
        assert_eq!(kv.revision, 1, "a txn whose branch writes nothing changes nothing");
        assert_eq!(run(&mut kv, "txn if /lock = a then put /lock c else delete /lock 3#1").as_deref(), Some("then"));
        assert_eq!(run(&mut kv, "txn if /lock = a then put /lock d else delete /lock 4#1").as_deref(), Some("else"));
        assert!(kv.get("/lock").is_none());
        run(&mut kv, "put x 1 5#1");
        let rev = kv.meta["x"].mod_revision;
        assert_eq!(
            run(&mut kv, &alloc::format!("txn if x mod = {} then put x 2 6#1", rev + 1)).as_deref(),
            Some("else")
        );
        assert_eq!(run(&mut kv, &alloc::format!("txn if x mod = {rev} then put x 2 7#1")).as_deref(), Some("then"));
        assert_eq!(kv.get("x").map(String::as_str), Some("2"));
    }

    #[test]
    fn ending_a_lease_deletes_its_keys_at_one_revision() {
        let mut kv = Kv::new();
        assert_eq!(run(&mut kv, "lease-grant web 3000ms 1#1").as_deref(), Some("id=1"));
        assert_eq!(run(&mut kv, "lease-grant web 3000ms 2#1").as_deref(), Some("error: lease web exists"));
        run(&mut kv, "put /s/a 1 lease web 3#1");
        run(&mut kv, "put /s/b 1 lease web 4#1");
        run(&mut kv, "put /s/c 1 5#1");
        assert_eq!(kv.revision, 3);
        assert_eq!(kv.meta["/s/a"].lease.as_deref(), Some("web"));
        // A put without a lease detaches the key (etcd: lease 0).
        run(&mut kv, "put /s/b 2 6#1");
        assert_eq!(kv.leases.get("web").unwrap().keys.len(), 1);
        run(&mut kv, "put /s/c 2 lease web 7#1");
        kv.apply(&KvCommand::LeaseExpire { name: "web".into(), id: 1 });
        assert_eq!(kv.revision, 6, "one revision for both deletes");
        assert!(kv.get("/s/a").is_none() && kv.get("/s/c").is_none());
        assert_eq!(kv.get("/s/b").map(String::as_str), Some("2"));
        assert_eq!(kv.leases.get("web").unwrap().state, LeaseState::Expired);
        // A second expiry (a re-proposal) is a no-op; a put on the ended lease fails.
        kv.apply(&KvCommand::LeaseExpire { name: "web".into(), id: 1 });
        assert_eq!(kv.revision, 6);
        assert_eq!(run(&mut kv, "put /s/a 1 lease web 8#1").as_deref(), Some("error: lease web not found"));
        assert_eq!(run(&mut kv, "lease-revoke web 9#1").as_deref(), Some("error: lease web not found"));
        // Revocation: also one revision; a revoke of a lease without keys, none.
        assert_eq!(run(&mut kv, "lease-grant web 1000ms 10#1").as_deref(), Some("id=2"));
        assert_eq!(run(&mut kv, "lease-revoke web 11#1").as_deref(), Some("revoked"));
        assert_eq!(kv.revision, 6);
        assert_eq!(kv.leases.get("web").unwrap().state, LeaseState::Revoked);
        // A late expiry of an earlier lease of the same name ends nothing.
        assert_eq!(run(&mut kv, "lease-grant web 1000ms 12#1").as_deref(), Some("id=3"));
        run(&mut kv, "put /s/a 1 lease web 13#1");
        kv.apply(&KvCommand::LeaseExpire { name: "web".into(), id: 2 });
        assert!(kv.lease_alive("web") && kv.get("/s/a").is_some());
        kv.apply(&KvCommand::LeaseExpire { name: "web".into(), id: 3 });
        assert!(!kv.lease_alive("web") && kv.get("/s/a").is_none());
    }

    #[test]
    fn the_history_serves_watches_and_is_compacted() {
        let mut kv = Kv::new();
        run(&mut kv, "put /a 1 1#1");
        run(&mut kv, "put /b 1 2#1");
        run(&mut kv, "delete /a 3#1");
        let got: Vec<(u64, &str, Option<&str>)> = kv
            .changes_from(2, "/")
            .unwrap()
            .into_iter()
            .map(|(r, c)| (r, c.key.as_str(), c.value.as_deref()))
            .collect();
        assert_eq!(got, [(2, "/b", Some("1")), (3, "/a", None)]);
        assert_eq!(kv.changes_from(1, "/a").unwrap().len(), 2);
        for i in 0..history::HISTORY_REVISIONS {
            run(&mut kv, &alloc::format!("put k {i} {}#1", i + 10));
        }
        assert_eq!(kv.compact_revision, 3);
        assert!(kv.changes_from(3, "/").is_err(), "revision 3 is compacted");
        assert_eq!(kv.changes_from(4, "k").unwrap().len() as u64, history::HISTORY_REVISIONS);
    }

    #[test]
    fn snapshot_round_trip_keeps_the_etcd_store() {
        let mut kv = Kv::new();
        run(&mut kv, "lease-grant web 3000ms 1#1");
        run(&mut kv, "lease-grant old 3000ms 2#1");
        run(&mut kv, "put /s/a 1 lease web 3#1");
        run(&mut kv, "put /s/b 2 4#1");
        run(&mut kv, "lease-revoke old 5#1");
        run(&mut kv, "delete /s/b 6#1");
        let bytes = kv.snapshot();
        assert_eq!(Kv::restore(&bytes), Some(kv.clone()));
        // Every strict prefix is refused, except the v1 part alone (the
        // store section is optional), which is no store at all.
        let v1 = bytes.iter().rposition(|b| *b == b'E').unwrap();
        for end in 1..bytes.len() {
            let back = Kv::restore(&bytes[..end]);
            assert!(back.is_none() || (end <= v1 && back.unwrap().revision == 0), "prefix of {end} bytes accepted");
        }
        let mut back = Kv::restore(&bytes).unwrap();
        run(&mut back, "put /s/c 3 lease web 7#1");
        run(&mut kv, "put /s/c 3 lease web 7#1");
        assert_eq!(back, kv, "the restored store goes on exactly as the original");
    }
}
