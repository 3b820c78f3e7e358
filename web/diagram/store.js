// The space-time diagram's memory: what happened to each message and each
// server over the whole run, fed from the simulation's trace events
// (`Simulation.events()`) and message contents (`Simulation.sent_messages()`,
// `state().in_flight[].fields`). DOM-free, so node tests run it on real traces.
//
// Bounded: at most `maxMessages` messages (the oldest are forgotten first) and
// `maxMarks` marks per server. 15 servers send ~600 messages per simulated
// second, so the default keeps about ten simulated minutes.
//
// Time travel: the page may jump back and replay. Whenever events arrive that
// are older than what the store already holds, the store first forgets
// everything from that instant on (a replay is deterministic, so the same run
// comes back; a new command in the past makes a different future, which then
// replaces the old one). Until then, a future the reader travelled back from
// stays drawn, so the diagram can be scrubbed both ways.

const DECISION_KINDS = new Set([
  'role-changed', 'term-changed', 'vote-granted', 'vote-denied', 'append-rejected', 'entries-appended',
  'entries-truncated', 'commit-advanced', 'snapshot-taken', 'snapshot-installed', 'snapshot-sent',
  'proposal-dropped', 'read-rejected', 'transfer-started', 'transfer-aborted', 'membership-changed',
  'crash', 'restart', 'node-added',
]);

/** The server an event is about (`node`), or null for world-wide events. */
export function eventNode(e) {
  return typeof e.node === 'number' ? e.node : null;
}

export function createDiagramStore({ maxMessages = 300000, maxMarks = 20000 } = {}) {
  const s = {
    /** id → { id, from, to, type, send, deliver, end, status: 'flight'|'delivered'|'dropped', why, fields } */
    messages: new Map(),
    /** the same messages in send order (for the visible-window query) */
    order: [],
    /**
     * The messages worth drawing when zoomed far out, in send order: all
     * but heartbeats (empty AppendEntries and their successful replies).
     */
    notable: [],
    /** longest send → end (or planned delivery) seen: bounds the window query */
    maxSpan: 0,
    /** node → [{ t, role, term }] role (incl. 'down') from t on */
    roles: new Map(),
    /** node → [{ t, term }] */
    terms: new Map(),
    /** node → [{ t, index }] commit index advanced to `index` at t */
    commits: new Map(),
    /** node → recent decisions (trace events about it), oldest first */
    decisions: new Map(),
    /** [{ start, end|null, groups }] */
    partitions: [],
    /** [{ start, end|null, from, to }] one-way cuts */
    cuts: [],
    lanes: [],
    lastTime: 0,
    firstTime: 0,
    /** contents that arrived before their message-sent event was seen */
    pendingFields: new Map(),
  };
  let version = 0;

  const push = (map, key, item) => {
    let list = map.get(key);
    if (!list) { list = []; map.set(key, list); }
    list.push(item);
    if (list.length > maxMarks) list.splice(0, list.length - maxMarks);
  };

  const addLane = (id) => {
    if (!s.lanes.includes(id)) { s.lanes.push(id); s.lanes.sort((a, b) => a - b); }
  };

  /** Forget everything at or after `t` (a replay or a new future starts there). */
  function truncate(t) {
    let cut = s.order.length;
    while (cut > 0 && s.order[cut - 1].send >= t) cut--;
    for (const m of s.order.slice(cut)) s.messages.delete(m.id);
    s.order.length = cut;
    s.notable = s.notable.filter((m) => m.send < t);
    for (const m of s.order) {
      if (m.end !== null && m.end >= t) { m.end = null; m.status = 'flight'; m.why = null; }
    }
    for (const map of [s.roles, s.terms, s.commits, s.decisions]) {
      for (const [k, list] of map) {
        let n = list.length;
        while (n > 0 && timeOf(list[n - 1]) >= t) n--;
        list.length = n;
        if (!n) map.delete(k);
      }
    }
    s.partitions = s.partitions.filter((p) => p.start < t);
    for (const p of s.partitions) if (p.end !== null && p.end >= t) p.end = null;
    s.cuts = s.cuts.filter((c) => c.start < t);
    for (const c of s.cuts) if (c.end !== null && c.end >= t) c.end = null;
    s.lastTime = Math.min(s.lastTime, t);
    version++;
  }

  function setRole(node, t, role, term) {
    const list = s.roles.get(node);
    const last = list && list[list.length - 1];
    if (last && last.role === role && last.term === term) return;
    push(s.roles, node, { t, role, term });
  }

  function closeCuts(t, pred) {
    for (const c of s.cuts) if (c.end === null && pred(c)) c.end = t;
  }

  function one(e) {
    const t = e.time_ms;
    const node = eventNode(e);
    if (node !== null) addLane(node);
    if (node !== null && DECISION_KINDS.has(e.kind)) push(s.decisions, node, e);
    switch (e.kind) {
      case 'message-sent': {
        const m = {
          id: e.id, from: e.from, to: e.to, type: e.type, send: t, deliver: e.deliver_ms,
          end: null, status: 'flight', why: null, fields: s.pendingFields.get(e.id) || null,
        };
        s.pendingFields.delete(e.id);
        addLane(e.from); addLane(e.to);
        s.messages.set(m.id, m);
        s.order.push(m);
        if (m.fields ? notable(m) : !HEARTBEAT_TYPES.has(m.type)) s.notable.push(m);
        s.maxSpan = Math.max(s.maxSpan, e.deliver_ms - t);
        if (s.order.length > maxMessages) {
          const gone = s.order.splice(0, s.order.length - Math.floor(maxMessages * 0.9));
          for (const g of gone) s.messages.delete(g.id);
          s.firstTime = s.order.length ? s.order[0].send : t;
          s.notable.splice(0, lowerBound(s.notable, s.firstTime));
        }
        break;
      }
      case 'message-delivered':
      case 'message-dropped': {
        const m = s.messages.get(e.id);
        if (m) {
          m.end = t;
          m.status = e.kind === 'message-delivered' ? 'delivered' : 'dropped';
          m.why = e.why || null;
          s.maxSpan = Math.max(s.maxSpan, t - m.send);
        }
        break;
      }
      case 'role-changed': setRole(e.node, t, e.to, e.term); break;
      case 'term-changed': push(s.terms, e.node, { t, term: e.to }); break;
      case 'commit-advanced': push(s.commits, e.node, { t, index: e.to }); break;
      case 'crash': setRole(e.node, t, 'down', roleAt(e.node, t).term); break;
      case 'restart':
      case 'node-added': setRole(e.node, t, 'follower', roleAt(e.node, t).term); break;
      case 'partition':
        for (const p of s.partitions) if (p.end === null) p.end = t;
        s.partitions.push({ start: t, end: null, groups: e.groups });
        break;
      case 'heal':
        for (const p of s.partitions) if (p.end === null) p.end = t;
        closeCuts(t, () => true);
        break;
      case 'cut': s.cuts.push({ start: t, end: null, from: e.from, to: e.to }); break;
      case 'uncut': closeCuts(t, (c) => c.from === e.from && c.to === e.to); break;
      default: break;
    }
  }

  /** The role of `node` at time `t`: { role, term } (a follower of term 0 before anything is known). */
  function roleAt(node, t) {
    const list = s.roles.get(node);
    let best = null;
    if (list) for (const r of list) { if (r.t <= t) best = r; else break; }
    return best ? { role: best.role, term: best.term } : { role: 'follower', term: 0 };
  }

  return {
    state: s,
    get version() { return version; },
    get size() { return s.order.length; },
    clear() {
      s.messages.clear(); s.order.length = 0; s.notable = []; s.maxSpan = 0;
      for (const m of [s.roles, s.terms, s.commits, s.decisions, s.pendingFields]) m.clear();
      s.partitions = []; s.cuts = []; s.lanes = []; s.lastTime = 0; s.firstTime = 0;
      version++;
    },
    /** Trace events, oldest first (what `Simulation.events()` returns). */
    ingest(events) {
      if (!events || !events.length) return;
      if (events[0].time_ms < s.lastTime) truncate(events[0].time_ms);
      for (const e of events) one(e);
      s.lastTime = Math.max(s.lastTime, events[events.length - 1].time_ms);
      version++;
    },
    /** Message contents: [{ id, fields }] (sent_messages) or state().in_flight. */
    addFields(list) {
      for (const x of list || []) {
        if (!x.fields) continue;
        const m = s.messages.get(x.id);
        if (m) {
          // Its type alone kept an AppendEntries (or reply) out of `notable`; its contents may put it in.
          const before = !m.fields && HEARTBEAT_TYPES.has(m.type);
          m.fields = x.fields;
          if (before && notable(m)) insertBySend(s.notable, m);
        }
        else {
          s.pendingFields.set(x.id, x.fields);
          if (s.pendingFields.size > 5000) s.pendingFields.delete(s.pendingFields.keys().next().value);
        }
      }
    },
    /** The servers that exist now and the current instant (from a view model). */
    noteView(view) {
      for (const id of view.members || view.nodes.map((n) => n.id)) addLane(id);
      for (const n of view.nodes) if (!s.roles.has(n.id)) setRole(n.id, 0, n.role, n.term);
      this.addFields(view.in_flight);
    },
    truncate,
    roleAt,
    message(id) { return s.messages.get(id) || null; },
    /**
     * About how many messages [t0, t1] shows (those sent in it, plus those
     * sent up to the longest flight time before it), without looking at them.
     */
    countIn(t0, t1) {
      return upperBound(s.order, t1) - lowerBound(s.order, t0 - s.maxSpan - 1);
    },
    /** Like visible(), over the notable messages only (heartbeats left out). */
    visibleNotable(t0, t1) {
      const out = [];
      for (let i = lowerBound(s.notable, t0 - s.maxSpan - 1); i < s.notable.length; i++) {
        const m = s.notable[i];
        if (m.send > t1) break;
        if ((m.end === null ? m.deliver : m.end) >= t0) out.push(m);
      }
      return out;
    },
    /** Messages on screen in [t0, t1] at `now`: sent by t1 and not ended before t0. */
    visible(t0, t1) {
      const lo = lowerBound(s.order, t0 - s.maxSpan - 1);
      const out = [];
      for (let i = lo; i < s.order.length; i++) {
        const m = s.order[i];
        if (m.send > t1) break;
        const end = m.end === null ? m.deliver : m.end;
        if (end >= t0) out.push(m);
      }
      return out;
    },
    /** The most recent `n` decisions of `node` (trace events about it), newest last. */
    decisionsOf(node, n = 8) {
      const list = s.decisions.get(node) || [];
      return list.slice(-n);
    },
    /**
     * What the receiver of message `id` did with it: the events about the
     * receiver in the same millisecond as the delivery (raft-core steps a
     * message and its trace follows in that millisecond), and the reply it
     * sent back to the sender then.
     */
    outcome(id) {
      const m = s.messages.get(id);
      if (!m || m.status !== 'delivered') return null;
      const list = s.decisions.get(m.to) || [];
      const events = list.filter((e) => e.time_ms === m.end && relevant(e, m));
      let reply = null;
      const hi = lowerBound(s.order, m.end + 1);
      for (let i = lowerBound(s.order, m.end); i < hi; i++) {
        const r = s.order[i];
        if (r.from === m.to && r.to === m.from && isReplyTo(r.type, m.type)) { reply = r; break; }
      }
      return { events, reply };
    },
  };
}

/** AppendEntries and its reply are heartbeats unless their contents say otherwise. */
const HEARTBEAT_TYPES = new Set(['AppendEntries', 'AppendEntriesResponse']);

/** Is message `m` (with its contents) worth drawing when zoomed far out? */
function notable(m) {
  const f = m.fields;
  if (m.type === 'AppendEntries') return !!(f && f.entries && f.entries.length);
  if (m.type === 'AppendEntriesResponse') return !!(f && f.success === false);
  return true;
}

function insertBySend(list, m) {
  let i = list.length;
  while (i > 0 && list[i - 1].send > m.send) i--;
  list.splice(i, 0, m);
}

/** The time of a mark ({ t }) or a trace event ({ time_ms }). */
export function timeOf(x) {
  return x.t ?? x.time_ms;
}

/** First index in a time-sorted list of marks or events whose time ≥ t. */
export function firstAt(list, t) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(list[mid]) < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function upperBound(order, t) {
  let lo = 0, hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order[mid].send <= t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function relevant(e, m) {
  switch (e.kind) {
    case 'vote-granted': case 'vote-denied': return e.candidate === m.from;
    case 'append-rejected': return e.leader === m.from;
    default: return true;
  }
}

/** Is a `reply`-typed message the answer to a `request`-typed one? */
export function isReplyTo(reply, request) {
  return reply === `${request}Response` || (request === 'PreVote' && reply === 'PreVoteResponse');
}

/** First index in `order` (sorted by send) whose send ≥ t. */
function lowerBound(order, t) {
  let lo = 0, hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order[mid].send < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}
