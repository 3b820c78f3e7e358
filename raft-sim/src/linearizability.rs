//! Linearizability checker for the key-value client history.
//!
//! `check(history)` is Ok if some total order of the operations, consistent
//! with real time (an operation that returned before another was invoked comes
//! first) and with a sequential key-value map, explains every result.
//! Operations that never returned may take effect at any point after
//! invocation, or never.
//!
//! # How it works
//!
//! A history is *linearizable* (Herlihy & Wing) when every operation can be
//! given a single instant between its invocation and its return such that,
//! taken in the order of those instants, the operations behave like a plain
//! sequential map. The search is the one of Wing & Gong, with the memoization
//! of Lowe and Porcupine:
//!
//! - **One key at a time.** Linearizability is *compositional* (P-compositional
//!   for a map): the whole map is linearizable iff the history of each key,
//!   seen as a single register, is. Checking keys separately turns one huge
//!   search into many small ones.
//! - **Walk the history in time order.** Invocations and returns are laid out as
//!   one list sorted by time. At the front, any operation whose invocation comes
//!   before the first pending *return* may be the next to take effect; the
//!   search tries them in turn, applies the one that fits the register's
//!   current value, removes it from the list and starts again at the front. A
//!   return of an operation not yet placed means the current choice cannot
//!   work: undo the last choice and try the next candidate (backtracking).
//! - **Never explore the same situation twice.** The situation is fully
//!   described by *which* operations have been placed and the register's
//!   value; each pair is remembered and not explored again.
//! - **Do not branch where no choice matters.** A read that may go next and
//!   matches the register's value is placed at once, with no alternative tried
//!   (a read changes nothing, so if any order works, one with that read next
//!   does). Of several writes of the same value that may go next, only the one
//!   that must finish first is tried (the others can always swap with it).
//! - **Catch stale reads without searching.** Before the search, a quick test
//!   looks for a read of a value that real time proves was overwritten (a put
//!   of another value finished after every put of the value read finished, and
//!   before the read began), and names the overwriting put in its message.
//!
//! Deciding linearizability is NP-complete: the search stays fast when few
//! operations on a key overlap in time, as in the simulator's histories
//! (1000 operations with ~8 overlapping: milliseconds), and can take seconds
//! for dozens of overlapping writes; [`check_bounded`] caps the work.
//!
//! Times: operation A must come before B only when A returned strictly before B
//! was invoked (`A.returned_ms < B.invoked_ms`); equal times count as concurrent,
//! because the simulated clock has 1 ms resolution and both may fall in the same
//! millisecond. An operation that never returned may take effect at any point
//! after its invocation, or never: a pending `put` is placed or left out as the
//! search needs; a pending `get` observed nothing and is ignored.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// One client operation as recorded by the simulator.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub client: u64,
    pub op: OpKind,
    pub invoked_ms: u64,
    /// `None` if the operation never returned (the client gave up, or the run ended).
    pub returned_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    Put {
        key: String,
        value: String,
    },
    /// `result` is the value read; `None` when the key was absent.
    Get {
        key: String,
        result: Option<String>,
    },
    /// etcd (issue 11): the key is deleted (absent afterwards).
    Delete {
        key: String,
    },
    /// etcd: one key's part of a `txn` — a comparison on the register and
    /// what each branch writes to it (`None`: nothing; `Some(None)`: a
    /// delete). `branch`: which one ran (`Some(true)` = then), once known.
    Cas {
        key: String,
        expect: Expect,
        then: Option<Option<String>>,
        otherwise: Option<Option<String>>,
        branch: Option<bool>,
    },
}

/// What a txn's comparison says about a register's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Nothing the register model sees (e.g. a mod-revision comparison).
    Any,
    /// The value is this (`None`: absent).
    Is(Option<String>),
}

impl OpKind {
    pub fn key(&self) -> &str {
        match self {
            OpKind::Put { key, .. } | OpKind::Get { key, .. } | OpKind::Delete { key } | OpKind::Cas { key, .. } => key,
        }
    }
}

/// Why a history is not linearizable: the key whose history fails, and a
/// sentence for a student.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub key: String,
    pub message: String,
}

/// Ok if some total order of the operations, consistent with real time and
/// with a sequential key-value map, explains every result (see the module doc).
/// When several keys fail, the first in key order is reported.
pub fn check(history: &[Operation]) -> Result<(), Violation> {
    match check_bounded(history, u64::MAX) {
        Outcome::Linearizable | Outcome::Unknown => Ok(()),
        Outcome::NotLinearizable(v) => Err(v),
    }
}

/// The answer of [`check_bounded`].
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Linearizable,
    NotLinearizable(Violation),
    /// The search ran out of steps before it could decide.
    Unknown,
}

/// Like [`check`], but gives up after about `max_steps` search steps (summed
/// over all keys) and answers [`Outcome::Unknown`]. Deciding linearizability
/// is NP-complete: realistic histories take a few steps per operation, but a
/// contrived one with dozens of overlapping writes can take exponential time.
/// A caller that must stay responsive (the page) can bound the work this way.
pub fn check_bounded(history: &[Operation], max_steps: u64) -> Outcome {
    // P-compositionality: split by key (BTreeMap: deterministic order).
    let mut by_key: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in history {
        by_key.entry(op.op.key()).or_default().push(op);
    }
    let mut budget = max_steps;
    let mut unknown = false;
    for (key, ops) in by_key {
        match check_register(key, &ops, &mut budget) {
            Ok(()) => {}
            Err(Stop::Violation(v)) => return Outcome::NotLinearizable(v),
            // Other keys may still show a violation within what is left.
            Err(Stop::OutOfSteps) => unknown = true,
        }
    }
    if unknown {
        Outcome::Unknown
    } else {
        Outcome::Linearizable
    }
}

/// Why the search of one key stopped without success.
enum Stop {
    Violation(Violation),
    OutOfSteps,
}

impl From<Violation> for Stop {
    fn from(v: Violation) -> Stop {
        Stop::Violation(v)
    }
}

/// Describes an operation for messages: `client 2's get x → "1" (100..120ms)`.
fn describe(op: &Operation) -> String {
    let when = match op.returned_ms {
        Some(r) => format!("{}..{}ms", op.invoked_ms, r),
        None => format!("invoked {}ms, never returned", op.invoked_ms),
    };
    match &op.op {
        OpKind::Put { key, value } => format!("client {}'s put {key} {value} ({when})", op.client),
        OpKind::Get { key, result: Some(v) } => {
            format!("client {}'s get {key} → {v} ({when})", op.client)
        }
        OpKind::Get { key, result: None } => {
            format!("client {}'s get {key} → absent ({when})", op.client)
        }
        OpKind::Delete { key } if op.client == 0 => format!("a lease's end deleting {key} ({when})"),
        OpKind::Delete { key } => format!("client {}'s delete {key} ({when})", op.client),
        OpKind::Cas { key, branch, .. } => {
            let b = match branch {
                Some(true) => " → then",
                Some(false) => " → else",
                None => "",
            };
            format!("client {}'s txn on {key}{b} ({when})", op.client)
        }
    }
}

/// One operation on the register, with values interned as numbers
/// (0 = absent) so states are cheap to compare and remember.
#[derive(Clone, Copy, Debug)]
enum RegOp {
    /// Write this value.
    Write(u32),
    /// Read, and it returned this value.
    Read(u32),
    /// A txn (etcd): if the register holds `expect` (None: any value counts
    /// as a match only for `Expect::Any`), write `then`, else `otherwise`
    /// (None: no write); `branch`, when known, is the outcome it must have.
    Cas { expect: Option<u32>, any: bool, then: Option<u32>, otherwise: Option<u32>, branch: Option<bool> },
}

impl RegOp {
    /// The register's value after this operation, or `None` if the operation
    /// cannot happen when the register holds `state`.
    fn step(self, state: u32) -> Option<u32> {
        match self {
            RegOp::Write(v) => Some(v),
            RegOp::Read(v) => (v == state).then_some(state),
            RegOp::Cas { expect, any, then, otherwise, branch } => {
                // With `any`, the comparison is invisible here: either branch may run.
                let holds = if any { branch.unwrap_or(true) } else { expect == Some(state) };
                if branch.is_some_and(|b| b != holds) {
                    return None;
                }
                Some(if holds { then.unwrap_or(state) } else { otherwise.unwrap_or(state) })
            }
        }
    }

    /// Every value this operation might write (for the quick stale test).
    fn may_write(self, v: u32) -> bool {
        match self {
            RegOp::Write(x) => x == v,
            RegOp::Read(_) => false,
            RegOp::Cas { then, otherwise, .. } => then == Some(v) || otherwise == Some(v),
        }
    }
}

/// A quick, sound test for the most common violation, a stale read, before
/// the full search: a read of `v` is certainly wrong when some write of another
/// value certainly came after every write of `v` that could precede the read,
/// and certainly before the read (real time forces both orders). For a read of
/// nothing, any write that finished before the read began is such a witness.
/// It returns a message naming the read and the witness; `None` means
/// "not certainly stale", and the full search decides.
fn certainly_stale(ops: &[&Operation], reg: &[RegOp]) -> Option<String> {
    let deadline = |i: usize| ops[i].returned_ms.unwrap_or(u64::MAX);
    for (r, read) in reg.iter().enumerate() {
        let (RegOp::Read(v), Some(read_ret)) = (*read, ops[r].returned_ms) else { continue };
        let read_inv = ops[r].invoked_ms;
        // The latest moment by which some write of `v` that may precede the
        // read took effect (0 = the initial absent value, "written" at 0).
        let mut latest: Option<u64> = if v == 0 { Some(0) } else { None };
        for (w, op) in reg.iter().enumerate() {
            if op.may_write(v) && ops[w].invoked_ms <= read_ret {
                latest = Some(latest.map_or(deadline(w), |l| l.max(deadline(w))));
            }
        }
        let Some(latest) = latest else {
            return Some(format!("{} read a value before any put of it began", describe(ops[r])));
        };
        if latest == u64::MAX {
            continue;
        }
        let witness = reg.iter().enumerate().find(|(w, op)| {
            matches!(op, RegOp::Write(x) if *x != v)
                && ((v == 0 && latest == 0) || ops[*w].invoked_ms > latest)
                && deadline(*w) < read_inv
        });
        if let Some((w, _)) = witness {
            let what = if v == 0 { "read nothing" } else { "is stale" };
            return Some(format!(
                "{} {what}: {} had finished before the read began{}",
                describe(ops[r]),
                describe(ops[w]),
                if v == 0 { "" } else { ", and after every put of the value read" }
            ));
        }
    }
    None
}

/// No entry (end of the list).
const NIL: usize = usize::MAX;

/// Checks the history of one key as a register that starts absent.
fn check_register(key: &str, all: &[&Operation], budget: &mut u64) -> Result<(), Stop> {
    // A get that never returned observed nothing: it can always be placed (or
    // not), so it does not constrain the search. A put that never returned and
    // whose value nobody read may as well never have happened: placing it could
    // only make later reads fail. Leaving both out keeps the search small.
    // (`extend`, not `collect`: keeps a copy of the stable sort out of the
    // wasm, docs/wasm-size.md.)
    let mut read_values: BTreeSet<&str> = BTreeSet::new();
    read_values.extend(all.iter().filter(|o| o.returned_ms.is_some()).filter_map(|o| match &o.op {
        OpKind::Get { result: Some(v), .. } => Some(v.as_str()),
        _ => None,
    }));
    // A txn comparing against a value may have read it too (etcd).
    read_values.extend(all.iter().filter_map(|o| match &o.op {
        OpKind::Cas { expect: Expect::Is(Some(v)), .. } => Some(v.as_str()),
        _ => None,
    }));
    // A txn whose comparison failed saw *some* other value: keep every put.
    let any_txn = all.iter().any(|o| matches!(o.op, OpKind::Cas { .. }));
    let ops: Vec<&Operation> = all
        .iter()
        .copied()
        .filter(|o| match &o.op {
            _ if o.returned_ms.is_some() => true,
            OpKind::Put { value, .. } => any_txn || read_values.contains(value.as_str()),
            OpKind::Get { .. } => false,
            OpKind::Delete { .. } | OpKind::Cas { .. } => true,
        })
        .collect();

    // Intern values: 0 = absent, then one number per distinct written value.
    let mut values: BTreeMap<&str, u32> = BTreeMap::new();
    for o in &ops {
        let written: [Option<&str>; 3] = match &o.op {
            OpKind::Put { value, .. } => [Some(value.as_str()), None, None],
            OpKind::Cas { expect, then, otherwise, .. } => [
                match expect {
                    Expect::Is(Some(v)) => Some(v.as_str()),
                    _ => None,
                },
                then.as_ref().and_then(|v| v.as_deref()),
                otherwise.as_ref().and_then(|v| v.as_deref()),
            ],
            _ => [None, None, None],
        };
        for value in written.into_iter().flatten() {
            let next = u32::try_from(values.len() + 1).unwrap_or(u32::MAX);
            values.entry(value).or_insert(next);
        }
    }
    let mut reg: Vec<RegOp> = Vec::with_capacity(ops.len());
    for o in &ops {
        let id = |v: &Option<String>| v.as_ref().map_or(0, |v| values[v.as_str()]);
        reg.push(match &o.op {
            OpKind::Put { value, .. } => RegOp::Write(values[value.as_str()]),
            OpKind::Delete { .. } => RegOp::Write(0),
            OpKind::Cas { expect, then, otherwise, branch, .. } => RegOp::Cas {
                expect: match expect {
                    Expect::Any => None,
                    Expect::Is(v) => Some(id(v)),
                },
                any: *expect == Expect::Any,
                then: then.as_ref().map(id),
                otherwise: otherwise.as_ref().map(id),
                branch: *branch,
            },
            OpKind::Get { result: None, .. } => RegOp::Read(0),
            OpKind::Get { result: Some(v), .. } => match values.get(v.as_str()) {
                Some(&id) => RegOp::Read(id),
                None => {
                    return Err(Stop::Violation(Violation {
                        key: key.into(),
                        message: format!("{} read a value that no put ever wrote", describe(o)),
                    }))
                }
            },
        });
    }

    if let Some(message) = certainly_stale(&ops, &reg) {
        return Err(Violation { key: key.into(), message }.into());
    }

    // The event list: one call entry per operation, one return entry per
    // operation that returned, sorted by time; at equal times calls come first
    // (equal times are concurrent). Entry `0` is the list head.
    #[derive(Clone, Copy)]
    struct Entry {
        op: usize,
        is_call: bool,
        /// For a call entry: its return entry, if the operation returned.
        ret: usize,
    }
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, o) in ops.iter().enumerate() {
        events.push((o.invoked_ms, true, i));
        if let Some(r) = o.returned_ms {
            // Bad data (return before invocation) is read as an instant operation.
            events.push((r.max(o.invoked_ms), false, i));
        }
    }
    // (time, returns after calls, operation order) — a total, deterministic order.
    events.sort_by_key(|&(t, is_call, i)| (t, !is_call, i));
    let mut entries: Vec<Entry> = vec![Entry { op: NIL, is_call: false, ret: NIL }];
    let mut call_entry = vec![NIL; ops.len()];
    for &(_, is_call, i) in &events {
        let idx = entries.len();
        if is_call {
            call_entry[i] = idx;
        } else if let Some(c) = call_entry.get(i).copied().filter(|&c| c != NIL) {
            entries[c].ret = idx;
        }
        entries.push(Entry { op: i, is_call, ret: NIL });
    }
    let n = entries.len();
    let mut next: Vec<usize> = (1..=n).map(|i| if i == n { NIL } else { i }).collect();
    let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
    prev[0] = NIL;

    // Dancing links: unlinking and relinking in LIFO order restores the list.
    fn unlink(i: usize, next: &mut [usize], prev: &mut [usize]) {
        let (p, nx) = (prev[i], next[i]);
        next[p] = nx;
        if nx != NIL {
            prev[nx] = p;
        }
    }
    fn relink(i: usize, next: &mut [usize], prev: &mut [usize]) {
        let (p, nx) = (prev[i], next[i]);
        next[p] = i;
        if nx != NIL {
            prev[nx] = i;
        }
    }

    // When each operation must have taken effect by (never, if pending).
    let deadline: Vec<u64> = ops.iter().map(|o| o.returned_ms.unwrap_or(u64::MAX)).collect();
    // Two writes of the same value that may both go next are interchangeable,
    // except that the one with the later deadline leaves more freedom for
    // later: any order that places the later one now can place the earlier
    // one now instead, and the later one where the earlier one was. So only
    // the write with the earliest deadline (then the earliest in the list) of
    // each value is tried.
    fn dominated(at: usize, entries: &[Entry], next: &[usize], reg: &[RegOp], deadline: &[u64]) -> bool {
        let op = entries[at].op;
        let RegOp::Write(v) = reg[op] else { return false };
        let key = (deadline[op], at);
        let mut i = next[0];
        while i != NIL && entries[i].is_call {
            let other = entries[i].op;
            if i != at && matches!(reg[other], RegOp::Write(w) if w == v) && (deadline[other], i) < key {
                return true;
            }
            i = next[i];
        }
        false
    }

    let mut completed_left = ops.iter().filter(|o| o.returned_ms.is_some()).count();
    let words = ops.len().div_ceil(64);
    let mut placed: Vec<u64> = vec![0; words];
    let mut seen: BTreeSet<(Vec<u64>, u32)> = BTreeSet::new();
    // (call entry, register value before it, forced?) for each placed operation.
    let mut stack: Vec<(usize, u32, bool)> = Vec::new();
    let mut state: u32 = 0;
    // True when the search has just reached a new configuration.
    let mut fresh = true;
    let mut entry = next[0];
    // For the message: the operation that blocked the deepest attempt.
    let mut deepest: (usize, usize) = (0, NIL);

    loop {
        if completed_left == 0 {
            return Ok(());
        }
        if *budget == 0 {
            return Err(Stop::OutOfSteps);
        }
        *budget -= 1;
        // The operation to place next, and whether the choice is forced.
        let mut choice: Option<(usize, bool)> = None;
        if fresh {
            fresh = false;
            // Reads first. A read that may go next and returned the register's
            // current value can always go next: a read changes nothing, and
            // everything that must precede it in real time is already placed.
            // So if this configuration can be completed at all, it can be
            // completed with that read next; there is no alternative to try.
            let mut i = next[0];
            while i != NIL && entries[i].is_call {
                if matches!(reg[entries[i].op], RegOp::Read(v) if v == state) {
                    choice = Some((i, true));
                    break;
                }
                i = next[i];
            }
            entry = next[0];
        }
        if choice.is_none() {
            // Otherwise try each write that may go next, in list order, except
            // a write dominated by another one of the same value.
            while entry != NIL
                && entries[entry].is_call
                && (matches!(reg[entries[entry].op], RegOp::Read(_))
                    || dominated(entry, &entries, &next, &reg, &deadline))
            {
                entry = next[entry];
            }
            if entry != NIL && entries[entry].is_call {
                choice = Some((entry, false));
            } else if entry != NIL && (stack.len() >= deepest.0 || deepest.1 == NIL) {
                // A return of an operation not yet placed blocks the way.
                deepest = (stack.len(), entries[entry].op);
            }
        }
        if let Some((call, forced)) = choice {
            let e = entries[call];
            if let Some(new_state) = reg[e.op].step(state) {
                placed[e.op / 64] |= 1 << (e.op % 64);
                if seen.insert((placed.clone(), new_state)) {
                    stack.push((call, state, forced));
                    state = new_state;
                    unlink(call, &mut next, &mut prev);
                    if e.ret != NIL {
                        unlink(e.ret, &mut next, &mut prev);
                        completed_left -= 1;
                    }
                    fresh = true;
                    continue;
                }
                // Explored before, without success.
                placed[e.op / 64] &= !(1 << (e.op % 64));
            }
            if !forced {
                entry = next[call];
                continue;
            }
            // A forced read leads to a dead end: so does this configuration.
        }
        // The choices so far cannot be completed: undo the last free choice
        // (and the forced reads after it) and try the next candidate there.
        loop {
            let Some((call, before, forced)) = stack.pop() else {
                let culprit = deepest.1;
                let message = match ops.get(culprit) {
                    Some(o) => format!(
                        "no order of the {} operations on `{key}` that respects real time explains {}",
                        ops.len(),
                        describe(o)
                    ),
                    None => format!("no order of the {} operations on `{key}` respects real time", ops.len()),
                };
                return Err(Violation { key: key.into(), message }.into());
            };
            let e = entries[call];
            placed[e.op / 64] &= !(1 << (e.op % 64));
            state = before;
            if e.ret != NIL {
                relink(e.ret, &mut next, &mut prev);
                completed_left += 1;
            }
            relink(call, &mut next, &mut prev);
            if !forced {
                entry = next[call];
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn put(client: u64, key: &str, value: &str, inv: u64, ret: Option<u64>) -> Operation {
        Operation {
            client,
            op: OpKind::Put { key: key.into(), value: value.into() },
            invoked_ms: inv,
            returned_ms: ret,
        }
    }

    fn get(client: u64, key: &str, result: Option<&str>, inv: u64, ret: Option<u64>) -> Operation {
        Operation {
            client,
            op: OpKind::Get { key: key.into(), result: result.map(|s| s.to_string()) },
            invoked_ms: inv,
            returned_ms: ret,
        }
    }

    #[test]
    fn empty_and_sequential_histories_are_linearizable() {
        assert_eq!(check(&[]), Ok(()));
        let h = [
            get(1, "x", None, 0, Some(5)),
            put(1, "x", "1", 10, Some(20)),
            get(2, "x", Some("1"), 30, Some(40)),
            put(2, "x", "2", 50, Some(60)),
            get(1, "x", Some("2"), 70, Some(80)),
        ];
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn stale_read_after_completed_write_is_flagged() {
        let h = [put(1, "x", "1", 0, Some(10)), put(1, "x", "2", 20, Some(30)), get(2, "x", Some("1"), 40, Some(50))];
        let v = check(&h).unwrap_err();
        assert_eq!(v.key, "x");
        assert!(v.message.contains("client 2's get x → 1 (40..50ms)"), "{}", v.message);
    }

    #[test]
    fn read_before_its_write_began_is_flagged() {
        let h = [get(2, "x", Some("1"), 0, Some(10)), put(1, "x", "1", 11, Some(20))];
        let v = check(&h).unwrap_err();
        assert!(v.message.contains("before any put of it began"), "{}", v.message);
    }

    #[test]
    fn stale_read_message_names_the_overwriting_put() {
        let h = [
            put(1, "x", "1", 0, Some(10)),
            put(3, "x", "2", 20, Some(30)),
            get(2, "x", Some("1"), 40, Some(50)),
            // Later operations on other keys and values do not hide it.
            put(4, "y", "1", 60, Some(70)),
        ];
        let v = check(&h).unwrap_err();
        assert_eq!(
            v.message,
            "client 2's get x → 1 (40..50ms) is stale: client 3's put x 2 (20..30ms) had finished \
             before the read began, and after every put of the value read"
        );
        // A second put of 1 that may come after put 2 makes the read legal.
        let mut h = h.to_vec();
        h.push(put(5, "x", "1", 25, None));
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn read_of_absent_after_completed_write_is_flagged() {
        let h = [put(1, "x", "1", 0, Some(10)), get(2, "x", None, 11, Some(12))];
        assert!(check(&h).is_err());
    }

    #[test]
    fn equal_times_are_concurrent() {
        // The put returned in the same millisecond the get was invoked.
        let h = [put(1, "x", "1", 0, Some(10)), get(2, "x", None, 10, Some(12))];
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn put_invoked_in_the_millisecond_a_read_returned_may_explain_it() {
        // Found by the brute-force comparison: equal times are concurrent.
        let h = [get(1, "x", Some("1"), 15, Some(31)), put(2, "x", "1", 31, None)];
        assert_eq!(check(&h), Ok(()));
        let h = [get(1, "x", Some("1"), 15, Some(31)), put(2, "x", "1", 32, None)];
        assert!(check(&h).is_err());
    }

    #[test]
    fn concurrent_writes_allow_either_order() {
        let w = [put(1, "x", "1", 0, Some(100)), put(2, "x", "2", 0, Some(100))];
        for (a, b) in [("1", "2"), ("2", "1")] {
            // Reads inside the writes' interval may see one, then the other.
            let mut h = w.to_vec();
            h.push(get(3, "x", Some(a), 10, Some(20)));
            h.push(get(3, "x", Some(b), 30, Some(40)));
            assert_eq!(check(&h), Ok(()), "{a} then {b}");
            // ... and after both writes, either value may be final.
            let mut h = w.to_vec();
            h.push(get(3, "x", Some(a), 110, Some(120)));
            assert_eq!(check(&h), Ok(()));
        }
        // But once both writes have returned, the value cannot change again.
        let mut h = w.to_vec();
        h.push(get(3, "x", Some("1"), 110, Some(120)));
        h.push(get(3, "x", Some("2"), 130, Some(140)));
        assert!(check(&h).is_err());
        // Nor can reads inside the interval flip back: 1, 2, 1 needs three writes.
        let mut h = w.to_vec();
        h.push(get(3, "x", Some("1"), 10, Some(20)));
        h.push(get(3, "x", Some("2"), 30, Some(40)));
        h.push(get(3, "x", Some("1"), 50, Some(60)));
        assert!(check(&h).is_err());
    }

    #[test]
    fn value_never_written_is_flagged() {
        let h = [put(1, "x", "1", 0, Some(10)), get(2, "x", Some("7"), 20, Some(30))];
        let v = check(&h).unwrap_err();
        assert_eq!(v.key, "x");
        assert!(v.message.contains("no put ever wrote"), "{}", v.message);
        // A value written to another key does not count.
        let h = [put(1, "y", "7", 0, Some(10)), get(2, "x", Some("7"), 20, Some(30))];
        assert_eq!(check(&h).unwrap_err().key, "x");
    }

    #[test]
    fn pending_writes_may_or_may_not_take_effect() {
        let pending = put(1, "x", "1", 0, None);
        // It took effect ...
        assert_eq!(check(&[pending.clone(), get(2, "x", Some("1"), 10, Some(20))]), Ok(()));
        // ... or it did not (yet) ...
        assert_eq!(check(&[pending.clone(), get(2, "x", None, 10, Some(20))]), Ok(()));
        // ... first absent, then present: it took effect in between.
        let h = [pending.clone(), get(2, "x", None, 10, Some(20)), get(2, "x", Some("1"), 30, Some(40))];
        assert_eq!(check(&h), Ok(()));
        // But once seen, it cannot be undone.
        let h = [pending.clone(), get(2, "x", Some("1"), 10, Some(20)), get(2, "x", None, 30, Some(40))];
        assert!(check(&h).is_err());
        // And it cannot take effect before it was invoked.
        let h = [get(2, "x", Some("1"), 0, Some(10)), put(1, "x", "1", 20, None)];
        assert!(check(&h).is_err());
    }

    #[test]
    fn pending_gets_are_ignored() {
        let h = [put(1, "x", "1", 0, Some(10)), get(2, "x", Some("nonsense"), 20, None)];
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn keys_are_independent() {
        let h = [
            put(1, "x", "1", 0, Some(10)),
            get(2, "y", None, 20, Some(30)),
            put(2, "y", "1", 40, Some(50)),
            get(1, "x", Some("1"), 40, Some(50)),
        ];
        assert_eq!(check(&h), Ok(()));
        // A violation on y is reported as y's.
        let h = [put(1, "x", "1", 0, Some(10)), put(2, "y", "1", 0, Some(10)), get(1, "y", None, 20, Some(30))];
        assert_eq!(check(&h).unwrap_err().key, "y");
    }

    #[test]
    fn same_value_written_twice() {
        // put 1, put 2, put 1, then reads 2 then 1 inside the last two: fine.
        let h = [
            put(1, "x", "1", 0, Some(10)),
            put(1, "x", "2", 20, Some(100)),
            put(2, "x", "1", 20, Some(100)),
            get(3, "x", Some("2"), 30, Some(40)),
            get(3, "x", Some("1"), 50, Some(60)),
        ];
        assert_eq!(check(&h), Ok(()));
    }

    /// A long history with several concurrent clients is checked quickly.
    #[test]
    fn thousand_operations_on_one_key() {
        // 4 clients, each with overlapping ops; values follow a real execution.
        let mut h = Vec::new();
        let mut value: Option<String> = None;
        for i in 0..1000u64 {
            let t = i * 10;
            let client = i % 4;
            // Each op's interval spans the linearization point t and its neighbours'.
            let (inv, ret) = (t.saturating_sub(15), t + 15);
            if i % 3 == 0 {
                let v = format!("{i}");
                value = Some(v.clone());
                h.push(put(client, "x", &v, inv, Some(ret)));
            } else {
                h.push(get(client, "x", value.as_deref(), inv, Some(ret)));
            }
        }
        assert_eq!(check(&h), Ok(()));
        // Break it: the last read returns a long-overwritten value.
        let n = h.len();
        h[n - 1].op = OpKind::Get { key: "x".into(), result: Some("3".into()) };
        assert!(check(&h).is_err());
    }

    /// Many concurrent clients and a violation at the very end: the search
    /// must exhaust every order before it can say no, and still be quick.
    #[test]
    fn exhaustive_search_on_a_violation_is_bounded() {
        let mut h = Vec::new();
        let mut value: Option<String> = None;
        let mut rng = crate::rng::Rng::new(0x9E37_79B9_7F4A_7C15);
        let mut rnd = |m: u64| rng.range(0, m - 1);
        for i in 0..1000u64 {
            let t = 1000 + i * 10;
            let (inv, ret) = (t - rnd(40), t + rnd(40));
            if rnd(2) == 0 {
                let v = format!("{}", rnd(5));
                value = Some(v.clone());
                h.push(put(i % 8, "x", &v, inv, Some(ret)));
            } else {
                h.push(get(i % 8, "x", value.as_deref(), inv, Some(ret)));
            }
        }
        h.sort_by_key(|o| o.invoked_ms);
        assert_eq!(check(&h), Ok(()));
        // At the end, two concurrent writes and reads that flip a, b, a: no
        // quick test sees it, only the full search over the whole history.
        h.push(put(9, "x", "a", 20_000, Some(20_100)));
        h.push(put(10, "x", "b", 20_000, Some(20_100)));
        h.push(get(11, "x", Some("a"), 20_010, Some(20_020)));
        h.push(get(11, "x", Some("b"), 20_030, Some(20_040)));
        assert_eq!(check(&h), Ok(()));
        h.push(get(11, "x", Some("a"), 20_050, Some(20_060)));
        assert!(check(&h).is_err());
        // And a stale read is caught at once.
        h.pop();
        h.push(put(12, "x", "c", 20_200, Some(20_210)));
        h.push(get(11, "x", Some("b"), 20_300, Some(20_310)));
        assert!(check(&h).unwrap_err().message.contains("is stale"));
    }

    #[test]
    fn bounded_check_gives_up_instead_of_deciding() {
        // Reads 1, 2, 1 inside two concurrent writes: only the search finds it.
        let h = [
            put(1, "x", "1", 0, Some(100)),
            put(2, "x", "2", 0, Some(100)),
            get(3, "x", Some("1"), 10, Some(20)),
            get(3, "x", Some("2"), 30, Some(40)),
            get(3, "x", Some("1"), 50, Some(60)),
        ];
        assert_eq!(check_bounded(&h, 2), Outcome::Unknown);
        assert!(matches!(check_bounded(&h, 1000), Outcome::NotLinearizable(_)));
        assert_eq!(check_bounded(&h[..4], 1000), Outcome::Linearizable);
        // A violation on another key is still found after one key gives up.
        let mut h2 = h.to_vec();
        h2.extend([put(1, "z", "1", 0, Some(10)), get(2, "z", None, 20, Some(30))]);
        assert!(matches!(check_bounded(&h2, 2), Outcome::NotLinearizable(v) if v.key == "z"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// (key index, is_put, took effect if pending, returned?, slack before, slack after)
        type Step = (u8, bool, bool, bool, u64, u64);

        fn history(steps: &[Step]) -> Vec<Operation> {
            // Each operation takes effect at its own instant 10·i; its recorded
            // interval contains that instant. Results come from a real map.
            let mut map: BTreeMap<String, String> = BTreeMap::new();
            let mut h = Vec::new();
            for (i, &(k, is_put, effect, returned, before, after)) in steps.iter().enumerate() {
                let t = 10 * i as u64 + 1000;
                let key = format!("k{k}");
                let inv = t - before;
                let ret = returned.then_some(t + after);
                if is_put {
                    // Few distinct values, so the same value is often written twice.
                    let value = format!("v{}", i % 4);
                    // A pending put may also never take effect.
                    if returned || effect {
                        map.insert(key.clone(), value.clone());
                    }
                    h.push(put(i as u64 % 5, &key, &value, inv, ret));
                } else {
                    let result = map.get(&key).cloned();
                    h.push(get(i as u64 % 5, &key, result.as_deref(), inv, ret));
                }
            }
            // Record in invocation order, like the simulator.
            h.sort_by_key(|o| o.invoked_ms);
            h
        }

        /// The definition, by brute force: try every order of the operations
        /// (pending puts may be left out) that respects real time.
        fn brute_force(h: &[Operation]) -> bool {
            let ops: Vec<&Operation> =
                h.iter().filter(|o| o.returned_ms.is_some() || !matches!(o.op, OpKind::Get { .. })).collect();
            fn go(ops: &[&Operation], placed: u32, state: &BTreeMap<String, String>) -> bool {
                let done = ops.iter().enumerate().all(|(i, o)| placed & (1 << i) != 0 || o.returned_ms.is_none());
                if done {
                    return true;
                }
                for (i, o) in ops.iter().enumerate() {
                    if placed & (1 << i) != 0 {
                        continue;
                    }
                    // Everything that returned before `o` was invoked must be placed.
                    let ready = ops
                        .iter()
                        .enumerate()
                        .all(|(j, p)| placed & (1 << j) != 0 || p.returned_ms.is_none_or(|r| r >= o.invoked_ms));
                    if !ready {
                        continue;
                    }
                    let mut next = state.clone();
                    match &o.op {
                        OpKind::Put { key, value } => {
                            next.insert(key.clone(), value.clone());
                        }
                        OpKind::Get { key, result } => {
                            if state.get(key) != result.as_ref() {
                                continue;
                            }
                        }
                        OpKind::Delete { key } => {
                            next.remove(key);
                        }
                        OpKind::Cas { key, expect, then, otherwise, branch } => {
                            let Expect::Is(want) = expect else { unreachable!("the tests use value comparisons") };
                            let holds = state.get(key) == want.as_ref();
                            if branch.is_some_and(|b| b != holds) {
                                continue;
                            }
                            match if holds { then } else { otherwise } {
                                Some(Some(v)) => {
                                    next.insert(key.clone(), v.clone());
                                }
                                Some(None) => {
                                    next.remove(key);
                                }
                                None => {}
                            }
                        }
                    }
                    if go(ops, placed | (1 << i), &next) {
                        return true;
                    }
                }
                false
            }
            go(&ops, 0, &BTreeMap::new())
        }

        /// (is_put, value 0..3 (0 = absent for a get), invoked, length, returned?)
        fn arbitrary_history(raw: &[(bool, u8, u64, u64, bool)]) -> Vec<Operation> {
            raw.iter()
                .enumerate()
                .map(|(i, &(is_put, v, inv, len, returned))| {
                    let ret = returned.then_some(inv + len);
                    if is_put {
                        put(i as u64, "x", &format!("{}", v.max(1)), inv, ret)
                    } else {
                        let r = (v > 0).then(|| format!("{v}"));
                        get(i as u64, "x", r.as_deref(), inv, ret)
                    }
                })
                .collect()
        }

        /// (kind 0..4: put, get, delete, txn; value 0..3; invoked; length; returned?)
        fn arbitrary_etcd_history(raw: &[(u8, u8, u64, u64, bool)]) -> Vec<Operation> {
            raw.iter()
                .enumerate()
                .map(|(i, &(kind, v, inv, len, returned))| {
                    let ret = returned.then_some(inv + len);
                    let val = |v: u8| (v > 0).then(|| format!("{v}"));
                    let op = match kind {
                        0 => OpKind::Put { key: "x".into(), value: format!("{}", v.max(1)) },
                        1 => OpKind::Get { key: "x".into(), result: val(v) },
                        2 => OpKind::Delete { key: "x".into() },
                        _ => OpKind::Cas {
                            key: "x".into(),
                            expect: Expect::Is(val(v)),
                            then: Some(val((v + 1) % 3)),
                            otherwise: (v == 2).then_some(None),
                            branch: returned.then_some(inv % 2 == 0),
                        },
                    };
                    Operation { client: i as u64, op, invoked_ms: inv, returned_ms: ret }
                })
                .collect()
        }

        proptest! {
            /// With deletes and txns (etcd) too, the search agrees with the
            /// definition.
            #[test]
            fn agrees_with_brute_force_with_deletes_and_txns(
                raw in proptest::collection::vec(
                    (0u8..4, 0u8..3, 0u64..40, 0u64..25, proptest::bool::weighted(0.8)),
                    0..7,
                )
            ) {
                let h = arbitrary_etcd_history(&raw);
                prop_assert_eq!(check(&h).is_ok(), brute_force(&h), "{:?}", h);
            }

            /// The optimized search agrees with the definition on small
            /// arbitrary histories, linearizable or not.
            #[test]
            fn agrees_with_brute_force(
                raw in proptest::collection::vec(
                    (any::<bool>(), 0u8..3, 0u64..40, 0u64..25, proptest::bool::weighted(0.8)),
                    0..7,
                )
            ) {
                let h = arbitrary_history(&raw);
                prop_assert_eq!(check(&h).is_ok(), brute_force(&h), "{:?}", h);
            }

            #[test]
            fn real_sequential_executions_are_accepted(
                steps in proptest::collection::vec(
                    (0u8..3, any::<bool>(), any::<bool>(), proptest::bool::weighted(0.9), 0u64..60, 0u64..60),
                    0..120,
                )
            ) {
                let h = history(&steps);
                prop_assert_eq!(check(&h), Ok(()));
            }
        }
    }
}
