//! State-machine commands and their encoding in log entries.
//!
//! Commands travel inside log entries as UTF-8 text, readable in the page,
//! each ending with the client tag `<client>#<seq>` (dedup, §8):
//!
//! ```text
//! put KEY VALUE c#s                 get KEY c#s           (v1, byte-identical)
//! put KEY VALUE lease NAME c#s      delete KEY c#s        range PREFIX c#s
//! txn if KEY = VALUE then OP [else OP] c#s    (or `KEY absent`, `KEY mod = REV`)
//!     OP = put KEY VALUE [lease NAME] | delete KEY
//! lease-grant NAME TTLms c#s        lease-revoke NAME c#s
//! lease-expire NAME id=ID           (proposed by the leader, no client)
//! ```
//!
//! Keys, values and lease names are single words (the scenario language
//! splits on spaces), so every field is found by its position.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The comparison of a `txn` (etcd's `Compare`, reduced to three forms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compare {
    /// The key holds exactly this value.
    ValueEq { key: String, value: String },
    /// The key does not exist (etcd: `create_revision = 0`).
    Absent { key: String },
    /// The key's mod_revision is this (0 = absent).
    ModEq { key: String, revision: u64 },
}

impl Compare {
    pub fn key(&self) -> &str {
        match self {
            Compare::ValueEq { key, .. } | Compare::Absent { key } | Compare::ModEq { key, .. } => key,
        }
    }

    fn words(&self) -> String {
        match self {
            Compare::ValueEq { key, value } => format!("{key} = {value}"),
            Compare::Absent { key } => format!("{key} absent"),
            Compare::ModEq { key, revision } => format!("{key} mod = {revision}"),
        }
    }
}

/// One write of a `txn` branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxnOp {
    Put { key: String, value: String, lease: Option<String> },
    Delete { key: String },
}

impl TxnOp {
    pub fn key(&self) -> &str {
        match self {
            TxnOp::Put { key, .. } | TxnOp::Delete { key } => key,
        }
    }

    fn words(&self) -> String {
        match self {
            TxnOp::Put { key, value, lease: None } => format!("put {key} {value}"),
            TxnOp::Put { key, value, lease: Some(l) } => format!("put {key} {value} lease {l}"),
            TxnOp::Delete { key } => format!("delete {key}"),
        }
    }
}

/// A decoded state-machine command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvCommand {
    Put {
        key: String,
        value: String,
        client: u64,
        seq: u64,
    },
    Get {
        key: String,
        client: u64,
        seq: u64,
    },
    /// `put KEY VALUE lease NAME`: attach the key to a lease.
    PutLease {
        key: String,
        value: String,
        lease: String,
        client: u64,
        seq: u64,
    },
    Delete {
        key: String,
        client: u64,
        seq: u64,
    },
    /// Every key starting with `prefix`, in key order, with the revision read.
    Range {
        prefix: String,
        client: u64,
        seq: u64,
    },
    Txn {
        compare: Compare,
        then: TxnOp,
        otherwise: Option<TxnOp>,
        client: u64,
        seq: u64,
    },
    LeaseGrant {
        name: String,
        ttl_ms: u64,
        client: u64,
        seq: u64,
    },
    LeaseRevoke {
        name: String,
        client: u64,
        seq: u64,
    },
    /// The leader found the TTL of lease `id` passed: every server ends it
    /// here — unless that lease already ended (a re-proposed expiry must not
    /// end a newer lease granted under the same name).
    LeaseExpire {
        name: String,
        id: u64,
    },
}

impl KvCommand {
    pub fn encode(&self) -> Vec<u8> {
        // By hand, not `format!`: every proposal is encoded.
        let mut text = self.display();
        if let Some((client, seq)) = self.tag() {
            text.push(' ');
            crate::json::push_u64(&mut text, client);
            text.push('#');
            crate::json::push_u64(&mut text, seq);
        }
        text.into_bytes()
    }

    /// Decode an entry's bytes; `None` for anything that is not a well-formed
    /// command (the state machine then ignores the entry rather than panicking).
    pub fn decode(bytes: &[u8]) -> Option<KvCommand> {
        let text = core::str::from_utf8(bytes).ok()?;
        let mut buffer = [""; MAX_WORDS];
        let words = split_words(text, &mut buffer)?;
        if let ["lease-expire", name, id] = words {
            let id = id.strip_prefix("id=")?.parse().ok()?;
            return Some(KvCommand::LeaseExpire { name: name.to_string(), id });
        }
        let (tag, words) = words.split_last()?;
        let (client, seq) = parse_tag(tag)?;
        let s = |w: &&str| w.to_string();
        Some(match words {
            ["put", key, value] => KvCommand::Put { key: s(key), value: s(value), client, seq },
            ["get", key] => KvCommand::Get { key: s(key), client, seq },
            ["put", key, value, "lease", lease] => {
                KvCommand::PutLease { key: s(key), value: s(value), lease: s(lease), client, seq }
            }
            ["delete", key] => KvCommand::Delete { key: s(key), client, seq },
            ["range", prefix] => KvCommand::Range { prefix: s(prefix), client, seq },
            ["lease-grant", name, ttl] => {
                let ttl_ms = ttl.strip_suffix("ms")?.parse().ok()?;
                KvCommand::LeaseGrant { name: s(name), ttl_ms, client, seq }
            }
            ["lease-revoke", name] => KvCommand::LeaseRevoke { name: s(name), client, seq },
            ["txn", "if", rest @ ..] => {
                let (compare, rest) = match rest {
                    [key, "absent", "then", rest @ ..] => (Compare::Absent { key: s(key) }, rest),
                    [key, "mod", "=", rev, "then", rest @ ..] => {
                        (Compare::ModEq { key: s(key), revision: rev.parse().ok()? }, rest)
                    }
                    [key, "=", value, "then", rest @ ..] => (Compare::ValueEq { key: s(key), value: s(value) }, rest),
                    _ => return None,
                };
                let (then, rest) = decode_txn_op(rest)?;
                let otherwise = match rest {
                    [] => None,
                    ["else", rest @ ..] => match decode_txn_op(rest)? {
                        (op, []) => Some(op),
                        _ => return None,
                    },
                    _ => return None,
                };
                KvCommand::Txn { compare, then, otherwise, client, seq }
            }
            _ => return None,
        })
    }

    /// The client tag; `None` for the leader's own `lease-expire`.
    pub fn tag(&self) -> Option<(u64, u64)> {
        match self {
            KvCommand::Put { client, seq, .. }
            | KvCommand::Get { client, seq, .. }
            | KvCommand::PutLease { client, seq, .. }
            | KvCommand::Delete { client, seq, .. }
            | KvCommand::Range { client, seq, .. }
            | KvCommand::Txn { client, seq, .. }
            | KvCommand::LeaseGrant { client, seq, .. }
            | KvCommand::LeaseRevoke { client, seq, .. } => Some((*client, *seq)),
            KvCommand::LeaseExpire { .. } => None,
        }
    }

    /// The client tag, `(0, 0)` for a command without one.
    pub fn client(&self) -> (u64, u64) {
        self.tag().unwrap_or((0, 0))
    }

    /// The command as the page shows it, without the client tag: `put x 1`.
    pub fn display(&self) -> String {
        match self {
            // The common two by hand: every server shows every applied
            // command in the trace, and `format!` costs several times this.
            KvCommand::Put { key, value, .. } => {
                let mut s = String::with_capacity(5 + key.len() + value.len());
                s.push_str("put ");
                s.push_str(key);
                s.push(' ');
                s.push_str(value);
                s
            }
            KvCommand::Get { key, .. } => {
                let mut s = String::with_capacity(4 + key.len());
                s.push_str("get ");
                s.push_str(key);
                s
            }
            KvCommand::PutLease { key, value, lease, .. } => format!("put {key} {value} lease {lease}"),
            KvCommand::Delete { key, .. } => format!("delete {key}"),
            KvCommand::Range { prefix, .. } => format!("range {prefix}"),
            KvCommand::Txn { compare, then, otherwise, .. } => {
                let mut s = format!("txn if {} then {}", compare.words(), then.words());
                if let Some(o) = otherwise {
                    s.push_str(" else ");
                    s.push_str(&o.words());
                }
                s
            }
            KvCommand::LeaseGrant { name, ttl_ms, .. } => format!("lease-grant {name} {ttl_ms}ms"),
            KvCommand::LeaseRevoke { name, .. } => format!("lease-revoke {name}"),
            KvCommand::LeaseExpire { name, id } => format!("lease-expire {name} id={id}"),
        }
    }
}

fn decode_txn_op<'a, 'b>(words: &'a [&'b str]) -> Option<(TxnOp, &'a [&'b str])> {
    let s = |w: &&str| w.to_string();
    match words {
        ["put", key, value, "lease", lease, rest @ ..] => {
            Some((TxnOp::Put { key: s(key), value: s(value), lease: Some(s(lease)) }, rest))
        }
        ["put", key, value, rest @ ..] => Some((TxnOp::Put { key: s(key), value: s(value), lease: None }, rest)),
        ["delete", key, rest @ ..] => Some((TxnOp::Delete { key: s(key) }, rest)),
        _ => None,
    }
}

/// Most words in a command: the longest, a txn with a value comparison and
/// two leased puts, has 19 (a longer text is no command).
const MAX_WORDS: usize = 24;

/// The words of `text` (split as `split_whitespace` does) in `buffer`;
/// `None` if there are more than it holds. Every server decodes every
/// command it applies, so this avoids a `Vec` per command and, for the
/// usual all-ASCII text, decoding characters to find Unicode spaces (ASCII
/// text without a vertical tab splits the same either way).
fn split_words<'t, 'b>(text: &'t str, buffer: &'b mut [&'t str; MAX_WORDS]) -> Option<&'b [&'t str]> {
    fn fill<'t, 'b>(
        words: impl Iterator<Item = &'t str>,
        buffer: &'b mut [&'t str; MAX_WORDS],
    ) -> Option<&'b [&'t str]> {
        let mut n = 0;
        for w in words {
            *buffer.get_mut(n)? = w;
            n += 1;
        }
        Some(&buffer[..n])
    }
    if text.is_ascii() && !text.contains('\x0b') {
        fill(text.split_ascii_whitespace(), buffer)
    } else {
        fill(text.split_whitespace(), buffer)
    }
}

fn parse_tag(tag: &str) -> Option<(u64, u64)> {
    let (c, s) = tag.split_once('#')?;
    Some((c.parse().ok()?, s.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(c: KvCommand, text: &str) {
        assert_eq!(String::from_utf8(c.encode()).unwrap(), text);
        assert_eq!(KvCommand::decode(text.as_bytes()), Some(c));
    }

    #[test]
    fn words_split_as_split_whitespace_splits_them() {
        for text in [
            "put a 1 3#4",
            "  put\ta\n1\r 3#4 ",
            "put a\x0b1 3#4",
            "put a\u{a0}1 3#4",
            "put\u{2003}é 1 3#4",
            "\x0c",
            "",
        ] {
            let mut buffer = [""; MAX_WORDS];
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(split_words(text, &mut buffer), Some(expected.as_slice()), "{text:?}");
        }
        let long = "w ".repeat(MAX_WORDS + 1);
        assert_eq!(split_words(&long, &mut [""; MAX_WORDS]), None);
        assert_eq!(KvCommand::decode(long.as_bytes()), None);
    }

    #[test]
    fn every_command_round_trips_as_readable_text() {
        round_trip(KvCommand::Put { key: "x".into(), value: "1".into(), client: 3, seq: 2 }, "put x 1 3#2");
        round_trip(KvCommand::Get { key: "y".into(), client: 4, seq: 1 }, "get y 4#1");
        round_trip(
            KvCommand::PutLease { key: "/s/a".into(), value: "ip".into(), lease: "web".into(), client: 1, seq: 1 },
            "put /s/a ip lease web 1#1",
        );
        round_trip(KvCommand::Delete { key: "x".into(), client: 5, seq: 1 }, "delete x 5#1");
        round_trip(KvCommand::Range { prefix: "/s/".into(), client: 6, seq: 1 }, "range /s/ 6#1");
        round_trip(
            KvCommand::LeaseGrant { name: "web".into(), ttl_ms: 3000, client: 7, seq: 1 },
            "lease-grant web 3000ms 7#1",
        );
        round_trip(KvCommand::LeaseRevoke { name: "web".into(), client: 8, seq: 1 }, "lease-revoke web 8#1");
        round_trip(KvCommand::LeaseExpire { name: "web".into(), id: 3 }, "lease-expire web id=3");
        round_trip(
            KvCommand::Txn {
                compare: Compare::Absent { key: "/lock".into() },
                then: TxnOp::Put { key: "/lock".into(), value: "a".into(), lease: Some("la".into()) },
                otherwise: None,
                client: 9,
                seq: 1,
            },
            "txn if /lock absent then put /lock a lease la 9#1",
        );
        round_trip(
            KvCommand::Txn {
                compare: Compare::ValueEq { key: "x".into(), value: "1".into() },
                then: TxnOp::Put { key: "x".into(), value: "2".into(), lease: None },
                otherwise: Some(TxnOp::Delete { key: "y".into() }),
                client: 10,
                seq: 1,
            },
            "txn if x = 1 then put x 2 else delete y 10#1",
        );
        round_trip(
            KvCommand::Txn {
                compare: Compare::ModEq { key: "x".into(), revision: 4 },
                then: TxnOp::Delete { key: "x".into() },
                otherwise: Some(TxnOp::Put { key: "z".into(), value: "0".into(), lease: Some("l".into()) }),
                client: 11,
                seq: 2,
            },
            "txn if x mod = 4 then delete x else put z 0 lease l 11#2",
        );
    }

    #[test]
    fn malformed_commands_decode_to_none() {
        for bad in [
            "put x",
            "delete",
            "range a b 1#1",
            "txn if x = 1 then 1#1",
            "txn if x = 1 then put x 2 else 1#1",
            "txn if x = 1 then put x 2 otherwise put x 3 1#1",
            "txn if x mod = q then delete x 1#1",
            "lease-grant web 3s 1#1",
            "lease-expire",
            "get x 1-1",
        ] {
            assert_eq!(KvCommand::decode(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(KvCommand::decode(&[0xff, 0xfe]), None);
    }
}
