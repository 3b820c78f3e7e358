// The key-value panel (issue 11, "etcd on Raft"): what the cluster's small
// etcd holds, from the view model's top-level `etcd` (docs/view-model.md):
// the keys of one server's applied state with value, create and mod revision
// and lease; every lease with its TTL counting down; every watcher with its
// event stream arriving. raft-sim decides everything shown (which server,
// what a lease has left); this module only lays it out.
//
// Cheap by construction, like the metrics panel: `update(view)` compares a
// few numbers with what it last showed and touches the DOM only for what
// changed — the key table when the revision or the server changes, a
// lease's countdown when its tenth of a second changes, a watcher's stream by
// appending the events that arrived since (events_total says how many). A
// frame with nothing new writes nothing. The element calls it only while the
// panel is shown and on screen.

/** Shown events per watcher (the view model carries the newest 50). */
export const MAX_EVENTS = 50;

/** An empty `etcd` (a wasm built before issue 11, or a view without one). */
const NONE = { server: null, revision: 0, keys: [], keys_total: 0, leases: [], watchers: [] };

/** "1.9" seconds (tenths, rounded up) for a lease's remaining time; null → null. */
export function formatRemaining(ms) {
  if (ms == null) return null;
  // Rounded up, like a countdown: "0.0" only once nothing is left.
  return (Math.ceil(Math.max(0, ms) / 100) / 10).toFixed(1);
}

/** A TTL for the panel: "3 s", "1.5 s". */
export function formatTtl(ms) {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

/**
 * What the key table shows, as plain data (tested in node): the rows, and a
 * signature that changes whenever any of them can have changed (a new write
 * raises the revision; another server may hold another state).
 */
export function keysModel(etcd) {
  const e = etcd || NONE;
  const keys = e.keys || [];
  return {
    sig: `${e.server}|${e.revision}|${e.keys_total}|${keys.length}`,
    server: e.server ?? null,
    revision: e.revision || 0,
    total: e.keys_total ?? keys.length,
    rows: keys.map((k) => ({
      key: k.key, value: k.value, create: k.create_revision, mod: k.mod_revision, version: k.version, lease: k.lease ?? null,
    })),
  };
}

/**
 * A lease as the panel shows it: the countdown's text and fraction at one
 * decimal, so a frame in which the shown tenth does not change writes nothing.
 */
export function leaseModel(l) {
  const remaining = l.state === 'alive' ? l.remaining_ms : l.state === 'expired' || l.state === 'revoked' ? 0 : null;
  const frac = remaining == null || !l.ttl_ms ? null : Math.max(0, Math.min(1, remaining / l.ttl_ms));
  return {
    name: l.name,
    ttl: formatTtl(l.ttl_ms),
    state: l.state,
    keepalive: !!l.keepalive,
    keys: l.keys || [],
    remaining: formatRemaining(l.state === 'alive' ? l.remaining_ms : null),
    // A 0.1 % step is finer than a pixel of the bar.
    frac: frac == null ? null : Math.round(frac * 1000) / 1000,
    // What needs the item rebuilt (anything but the countdown).
    sig: `${l.name}|${l.id}|${l.ttl_ms}|${l.state}|${!!l.keepalive}|${(l.keys || []).join('\u0001')}`,
  };
}

/**
 * Which of a watcher's events are new since the panel last showed it:
 * `{ append }` the events to add at the end, or `{ rebuild: true }` when the
 * stream does not continue the one shown (time travel, a new run). `shown`
 * is what was shown: `{ total, last }` (events_total and the newest event's
 * revision) or null.
 */
export function newEvents(shown, w) {
  const events = w.events || [];
  const total = w.events_total ?? events.length;
  if (!shown) return { rebuild: true };
  if (total === shown.total) {
    const last = events.length ? events[events.length - 1].revision : null;
    return last === shown.last ? { append: [] } : { rebuild: true };
  }
  const fresh = total - shown.total;
  if (fresh < 0 || fresh > events.length) return { rebuild: true };
  // The event before the new ones must be the one shown last (else it is another stream).
  const before = events.length - fresh - 1;
  if (shown.total > 0 && (before < 0 || events[before].revision !== shown.last)) return { rebuild: true };
  return { append: events.slice(events.length - fresh) };
}

/**
 * The panel in `section` (web/ui/layout.js builds its DOM); `t` is the
 * element's translator. Returns { update(view), relabel(), clear(), model() }.
 */
export function createKvPanel(section, { t }) {
  const q = (sel) => section.querySelector(sel);
  const els = {
    rev: q('.rl-kv-rev'),
    empty: q('.rl-kv-empty'),
    keysWrap: q('.rl-kv-keys-wrap'),
    keys: q('.rl-kv-keys tbody'),
    more: q('.rl-kv-more'),
    leasesHead: q('.rl-kv-leases-head'),
    leases: q('.rl-kv-leases'),
    watchersHead: q('.rl-kv-watchers-head'),
    watchers: q('.rl-kv-watchers'),
  };
  const doc = section.ownerDocument;
  let etcd = null;            // the last `etcd` shown
  let keysSig = null;
  let lastMods = new Map();   // key → mod revision, to mark the rows a write just changed
  const leaseItems = new Map(); // name → { li, sig, remaining, frac }
  const watchItems = new Map(); // name → { box, list, total, last, sig }
  let emptySig = null;

  const el = (tag, cls, text) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const setText = (e, s) => { if (e.textContent !== s) e.textContent = s; };

  function showRevision() {
    const e = etcd || NONE;
    setText(els.rev, e.server == null ? '' : t('kv.revisionAt', { rev: e.revision || 0, node: `n${e.server}` }));
  }

  function showKeys(force) {
    const m = keysModel(etcd);
    if (!force && m.sig === keysSig) return;
    const fresh = keysSig !== null && !force; // a change while watching, not the first fill
    keysSig = m.sig;
    showRevision();
    const rows = [];
    const mods = new Map();
    for (const r of m.rows) {
      const tr = el('tr');
      tr.dataset.key = r.key;
      const key = el('td', 'rl-kv-key', r.key); key.title = r.key;
      const value = el('td', 'rl-kv-value', r.value); value.title = r.value;
      const lease = el('td', 'rl-kv-lease-name', r.lease ?? '—');
      if (r.lease == null) lease.classList.add('rl-kv-none');
      tr.append(key, value, el('td', 'rl-kv-num', String(r.create)), el('td', 'rl-kv-num', String(r.mod)), lease);
      tr.title = t('kv.row.title', { key: r.key, create: r.create, mod: r.mod, version: r.version });
      if (fresh && lastMods.get(r.key) !== r.mod) tr.classList.add('rl-kv-changed');
      mods.set(r.key, r.mod);
      rows.push(tr);
    }
    lastMods = mods;
    els.keys.replaceChildren(...rows);
    els.keysWrap.hidden = m.rows.length === 0;
    const hidden = m.total - m.rows.length;
    els.more.hidden = hidden <= 0;
    if (hidden > 0) setText(els.more, t('kv.more', { n: hidden, total: m.total }));
  }

  function leaseItem(m) {
    const li = el('li', `rl-kv-lease rl-lease-${m.state}`);
    li.dataset.lease = m.name;
    const head = el('div', 'rl-kv-lease-head');
    const name = el('b', 'rl-kv-lease-id', m.name);
    const bar = el('span', 'rl-kv-bar');
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', m.ttl);
    const fill = el('span', 'rl-kv-fill');
    bar.append(fill);
    const left = el('span', 'rl-kv-remaining');
    left.dataset.testid = 'lease-remaining';
    const state = el('span', `rl-kv-state rl-kv-state-${m.state}`, t(`kv.lease.${m.state}`));
    state.dataset.testid = 'lease-state';
    head.append(name, bar, left, state);
    const keys = el('div', 'rl-kv-lease-keys');
    keys.append(el('span', 'rl-kv-tag', m.keepalive ? t('kv.lease.keepalive') : t('kv.lease.noKeepalive')));
    if (m.keepalive) keys.firstChild.classList.add('rl-kv-on');
    const list = m.keys.length ? m.keys.join(' ') : t('kv.lease.noKeys');
    keys.append(el('span', m.keys.length ? 'rl-kv-lease-keylist' : 'rl-kv-none', list));
    li.append(head, keys);
    return { li, bar, fill, left, sig: m.sig, remaining: undefined, frac: undefined, ttl: m.ttl };
  }

  function showCountdown(item, m) {
    if (item.remaining === m.remaining && item.frac === m.frac) return;
    item.remaining = m.remaining;
    item.frac = m.frac;
    item.fill.style.width = m.frac == null ? '0%' : `${(m.frac * 100).toFixed(1)}%`;
    const text = m.remaining == null
      ? (m.state === 'alive' ? t('kv.lease.noLeader', { ttl: m.ttl }) : t('kv.lease.ttlOnly', { ttl: m.ttl }))
      : t('kv.lease.left', { left: m.remaining, ttl: m.ttl });
    setText(item.left, text);
    if (m.remaining == null) item.bar.removeAttribute('aria-valuenow');
    else item.bar.setAttribute('aria-valuenow', m.remaining);
    item.bar.setAttribute('aria-label', t('kv.lease.aria', { name: m.name, left: text }));
  }

  function showLeases(force) {
    const leases = (etcd && etcd.leases) || [];
    els.leasesHead.hidden = leases.length === 0;
    els.leases.hidden = leases.length === 0;
    const names = leases.map((l) => l.name);
    const order = [...leaseItems.keys()];
    const sameOrder = !force && order.length === names.length && order.every((n, i) => n === names[i]);
    if (!sameOrder) { leaseItems.clear(); els.leases.replaceChildren(); }
    for (const l of leases) {
      const m = leaseModel(l);
      let item = leaseItems.get(l.name);
      if (!item || item.sig !== m.sig) {
        const fresh = leaseItem(m);
        if (item) item.li.replaceWith(fresh.li); else els.leases.append(fresh.li);
        leaseItems.set(l.name, fresh);
        item = fresh;
      }
      showCountdown(item, m);
    }
  }

  function eventItem(ev) {
    const li = el('li', `rl-kv-ev rl-kv-ev-${ev.type}`);
    li.append(el('span', 'rl-kv-ev-rev', String(ev.revision)), el('span', 'rl-kv-ev-type', t(`kv.event.${ev.type}`)),
      el('span', 'rl-kv-ev-key', ev.key));
    if (ev.value != null) li.append(el('span', 'rl-kv-ev-value', ev.value));
    return li;
  }

  function watchHead(w) {
    const via = w.stopped ? t('kv.watch.stopped') : w.via == null ? t('kv.watch.reconnecting') : t('kv.watch.via', { node: `n${w.via}` });
    const head = t('kv.watch.head', { via, next: w.next_revision, n: w.events_total ?? (w.events || []).length });
    // The server ended the watch (e.g. its start revision was compacted): say why.
    return w.error ? `${head} · ${t('kv.watch.error', { error: w.error })}` : head;
  }

  function showWatchers(force) {
    const watchers = (etcd && etcd.watchers) || [];
    els.watchersHead.hidden = watchers.length === 0;
    els.watchers.hidden = watchers.length === 0;
    const names = watchers.map((w) => w.name);
    const order = [...watchItems.keys()];
    if (force || order.length !== names.length || !order.every((n, i) => n === names[i])) {
      watchItems.clear();
      els.watchers.replaceChildren();
    }
    for (const w of watchers) {
      let item = watchItems.get(w.name);
      if (!item || item.prefix !== w.prefix) {
        const box = el('div', 'rl-kv-watch');
        box.dataset.watch = w.name;
        const head = el('div', 'rl-kv-watch-head');
        head.append(el('b', null, w.name), el('code', 'rl-kv-prefix', w.prefix), el('span', 'rl-kv-watch-info'));
        const list = el('ol', 'rl-kv-events');
        list.tabIndex = 0; // scrollable: reachable by keyboard
        list.setAttribute('aria-label', t('kv.watch.aria', { name: w.name, prefix: w.prefix }));
        list.setAttribute('aria-live', 'off');
        box.append(head, list);
        if (item) item.box.replaceWith(box); else els.watchers.append(box);
        item = { box, list, info: head.lastChild, total: null, last: null, prefix: w.prefix, shown: null };
        watchItems.set(w.name, item);
      }
      setText(item.info, watchHead(w));
      item.box.classList.toggle('rl-kv-watch-stopped', !!w.stopped);
      const events = w.events || [];
      const diff = newEvents(item.shown, w);
      const atEnd = item.list.scrollTop + item.list.clientHeight >= item.list.scrollHeight - 4;
      if (diff.rebuild) {
        item.list.replaceChildren(...events.map(eventItem));
        if (!events.length) item.list.append(el('li', 'rl-kv-none', t('kv.watch.none')));
      } else if (diff.append.length) {
        if (item.shown && item.shown.total === 0) item.list.replaceChildren();
        for (const ev of diff.append) {
          const li = eventItem(ev);
          li.classList.add('rl-kv-changed');
          item.list.append(li);
        }
        while (item.list.childElementCount > MAX_EVENTS) item.list.firstElementChild.remove();
      }
      // The newest event in view, unless the reader scrolled back to read older ones.
      if ((diff.rebuild || diff.append.length) && (atEnd || diff.rebuild)) item.list.scrollTop = item.list.scrollHeight;
      item.shown = { total: w.events_total ?? events.length, last: events.length ? events[events.length - 1].revision : null };
    }
  }

  function showEmpty() {
    const e = etcd || NONE;
    const sig = `${(e.keys || []).length}|${(e.leases || []).length}|${(e.watchers || []).length}|${e.server}`;
    if (sig === emptySig) return;
    emptySig = sig;
    const nothing = !(e.keys || []).length && !(e.leases || []).length && !(e.watchers || []).length;
    els.empty.hidden = !nothing;
    if (nothing) setText(els.empty, e.server == null && (e.revision || 0) === 0 ? t('kv.empty') : t('kv.emptyAt', { node: `n${e.server}` }));
  }

  const panel = {
    /** Show the view's `etcd`, touching only what changed since the last call. */
    update(view, force = false) {
      etcd = (view && view.etcd) || NONE;
      showEmpty();
      showKeys(force);
      showLeases(force);
      showWatchers(force);
    },
    /** The language changed: every text again. */
    relabel() {
      emptySig = null;
      if (etcd) this.update({ etcd }, true);
      else setText(els.empty, t('kv.empty'));
    },
    /** A new run: forget what was shown (the next update rebuilds everything, with no "changed" marks). */
    clear() {
      keysSig = null;
      lastMods = new Map();
      emptySig = null;
      leaseItems.clear();
      watchItems.clear();
      els.leases.replaceChildren();
      els.watchers.replaceChildren();
    },
    /** What the panel shows now (tests): revision, server, keys, leases, watchers' shown events. */
    model() {
      const e = etcd || NONE;
      return {
        server: e.server ?? null,
        revision: e.revision || 0,
        keys: [...els.keys.children].map((tr) => [...tr.children].map((td) => td.textContent)),
        leases: [...leaseItems.entries()].map(([name, it]) => ({ name, remaining: it.remaining ?? null, frac: it.frac ?? null, text: it.left.textContent })),
        watchers: [...watchItems.entries()].map(([name, it]) => ({ name, events: [...it.list.querySelectorAll('.rl-kv-ev')].map((li) => li.textContent) })),
      };
    },
  };
  return panel;
}
