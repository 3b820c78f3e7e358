// The "what just happened" list: the notable trace events, newest first, in
// words (through the message table), with the reasons raft-core gives for its
// decisions. Message sends/deliveries are left to the canvas animation.


const NOTABLE = new Set([
  'role-changed', 'vote-granted', 'vote-denied', 'append-rejected', 'entries-truncated',
  'commit-advanced', 'snapshot-taken', 'snapshot-installed', 'crash', 'restart', 'partition',
  'heal', 'client-invoke', 'client-return', 'violation', 'failure', 'command', 'message-dropped',
  'proposal-dropped', 'read-rejected', 'transfer-started', 'transfer-aborted', 'node-added', 'cut', 'uncut',
  'snapshot-sent', 'membership-changed', 'disk-writes-lost',
  // etcd (issue 11); a watcher's events are in the key-value panel, not here.
  'lease-expired', 'lease-refreshed',
]);
const MAX_ITEMS = 60;

export function createFeed(list, t) {
  let items = [];
  let lastCommit = 0; // one line per newly committed index, not one per server
  let lastConfig = 0; // one line per configuration entry, not one per server
  // A leader keeps sending to a crashed server every heartbeat: say so once
  // per link until the receiver restarts, instead of flooding the list.
  const downLinks = new Set();

  const text = (e) => eventText(e, t);

  function li(e) {
    const s = text(e);
    if (s == null) return null;
    const doc = list.ownerDocument;
    const el = doc.createElement('li');
    el.className = `rl-ev rl-ev-${e.kind}`;
    const time = doc.createElement('span');
    time.className = 'rl-ev-time';
    time.textContent = t('feed.time', { ms: e.time_ms });
    el.append(time, doc.createTextNode(' ' + s));
    return el;
  }

  return {
    push(events) {
      let added = false;
      for (const e of events) {
        if (!e || !NOTABLE.has(e.kind)) continue;
        if (e.kind === 'commit-advanced') {
          if (e.to <= lastCommit) continue;
          lastCommit = e.to;
        }
        if (e.kind === 'membership-changed') {
          if (e.index <= lastConfig) continue;
          lastConfig = e.index;
        }
        if (e.kind === 'restart' || e.kind === 'crash') {
          for (const k of [...downLinks]) if (k.endsWith(`>${e.node}`)) downLinks.delete(k);
        }
        if (e.kind === 'message-dropped' && e.why === 'crashed') {
          const k = `${e.from}>${e.to}`;
          if (downLinks.has(k)) continue;
          downLinks.add(k);
        }
        const el = li(e);
        if (!el) continue;
        items.push(e);
        list.prepend(el);
        added = true;
      }
      if (added) {
        while (items.length > MAX_ITEMS) items.shift();
        while (list.children.length > MAX_ITEMS) list.lastElementChild.remove();
      }
    },
    /** The newest notable event in words (the compact view's caption line), or null. */
    latest() {
      for (let i = items.length - 1; i >= 0; i--) {
        const s = text(items[i]);
        if (s != null) return { time_ms: items[i].time_ms, text: s };
      }
      return null;
    },
    clear() { items = []; lastCommit = 0; lastConfig = 0; downLinks.clear(); list.textContent = ''; },
    relabel() {
      list.textContent = '';
      for (const e of items) { const el = li(e); if (el) list.prepend(el); }
    },
  };
}

/**
 * A trace event in words, with raft-core's reason when it gives one (null for
 * drops the canvas already shows). The feed's lines and the inspector's
 * "recent decisions" read the same.
 */
export function eventText(e, t) {
  const roleName = (r) => (typeof r === 'string' && t.has(`role.${r}`) ? t(`role.${r}`) : r);
  const p = { ...e, node: e.node ?? e.id, role_from: roleName(e.from), role_to: roleName(e.to) };
  if (e.kind === 'message-dropped') {
    if (e.why !== 'user' && e.why !== 'crashed') return null; // loss/partition drops are drawn on the canvas
    p.why = t.has(`why.${e.why}`) ? t(`why.${e.why}`) : e.why;
  }
  if (e.kind === 'vote-granted' || e.kind === 'vote-denied') p.vote = t(e.pre_vote ? 'feed.preVote' : 'feed.vote');
  if (e.kind === 'client-return' && e.op === 'get') p.result = e.result == null ? t('feed.absent') : e.result;
  const specific = e.op ? `ev.${e.kind}.${e.op}` : null;
  let s = specific && t.has(specific) ? t(specific, p) : t(`ev.${e.kind}`, p);
  const r = reasonText(e.reason, t);
  if (r) s += ` — ${r}`;
  return s;
}

/** `{ code: 'log-behind', …fields }` → a sentence, or '' when there is none. */
export function reasonText(reason, t) {
  if (!reason) return '';
  if (typeof reason === 'string') return t.has(`reason.${reason}`) ? t(`reason.${reason}`) : reason;
  if (typeof reason !== 'object' || !reason.code) return '';
  const key = `reason.${reason.code}`;
  return t.has(key) ? t(key, reason) : reason.code;
}
