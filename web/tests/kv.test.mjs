// The key-value panel's pure parts (web/ui/kv.js): what the key table and a
// lease show from the view model's `etcd`, and which of a watcher's events
// are new since the panel last showed it. Run: node --test web/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keysModel, leaseModel, newEvents, formatRemaining, formatTtl } from '../ui/kv.js';

const ETCD = {
  server: 2, revision: 9, keys_total: 2,
  keys: [
    { key: '/services/a', value: '10.0.0.1', create_revision: 3, mod_revision: 9, version: 2, lease: 'web' },
    { key: '/services/b', value: '10.0.0.2', create_revision: 4, mod_revision: 4, version: 1, lease: null },
  ],
  leases: [], watchers: [],
};

test('the key table: one row per key, and a signature that moves with the revision and the server', () => {
  const m = keysModel(ETCD);
  assert.equal(m.server, 2);
  assert.equal(m.revision, 9);
  assert.deepEqual(m.rows.map((r) => [r.key, r.value, r.create, r.mod, r.lease]), [
    ['/services/a', '10.0.0.1', 3, 9, 'web'],
    ['/services/b', '10.0.0.2', 4, 4, null],
  ]);
  assert.equal(keysModel({ ...ETCD }).sig, m.sig, 'the same state: nothing to redraw');
  assert.notEqual(keysModel({ ...ETCD, revision: 10 }).sig, m.sig, 'a write');
  assert.notEqual(keysModel({ ...ETCD, server: 3 }).sig, m.sig, 'another server shown');
  const none = keysModel(null);
  assert.deepEqual([none.server, none.revision, none.rows.length], [null, 0, 0], 'no etcd (an older wasm): empty');
});

test('a lease: the countdown at a tenth of a second, and what rebuilds the item', () => {
  const l = { name: 'web', id: 1, ttl_ms: 3000, remaining_ms: 1850, state: 'alive', keepalive: true, keys: ['/services/a'] };
  const m = leaseModel(l);
  assert.equal(m.remaining, '1.9');
  assert.equal(m.ttl, '3');
  assert.equal(m.frac, 0.617);
  assert.equal(leaseModel({ ...l, remaining_ms: 1849 }).remaining, m.remaining, 'a millisecond later shows the same text');
  assert.equal(leaseModel({ ...l, remaining_ms: 1700 }).sig, m.sig, 'the countdown alone does not rebuild the item');
  assert.notEqual(leaseModel({ ...l, keepalive: false }).sig, m.sig, 'the keepalive stopping does');
  const gone = leaseModel({ ...l, state: 'expired', remaining_ms: 0, keepalive: false, keys: [] });
  assert.deepEqual([gone.remaining, gone.frac, gone.state], [null, 0, 'expired']);
  const leaderless = leaseModel({ ...l, remaining_ms: null });
  assert.deepEqual([leaderless.remaining, leaderless.frac], [null, null], 'no leader: no countdown');
  assert.equal(formatRemaining(-5), '0.0');
  assert.equal(formatTtl(1500), '1.5');
});

const ev = (revision, type = 'put') => ({ revision, type, key: `/k${revision}`, value: type === 'put' ? 'v' : null });

test('a watcher: only the events that arrived since are appended; another stream is rebuilt', () => {
  const w = { name: 'w', events: [ev(3), ev(5)], events_total: 2 };
  assert.deepEqual(newEvents(null, w), { rebuild: true }, 'first time: fill');
  const shown = { total: 2, last: 5 };
  assert.deepEqual(newEvents(shown, w), { append: [] }, 'nothing new: nothing to write');
  const more = { ...w, events: [ev(3), ev(5), ev(7), ev(8, 'delete')], events_total: 4 };
  assert.deepEqual(newEvents(shown, more).append.map((e) => e.revision), [7, 8]);
  // The view keeps the newest 50: the new ones are still the tail.
  const long = { events: Array.from({ length: 50 }, (_, i) => ev(i + 11)), events_total: 60 };
  assert.deepEqual(newEvents({ total: 58, last: 58 }, long).append.map((e) => e.revision), [59, 60]);
  // Travelled back in time: fewer events than shown.
  assert.deepEqual(newEvents({ total: 4, last: 8 }, w), { rebuild: true });
  // Same count but another newest event (a new run): rebuild.
  assert.deepEqual(newEvents({ total: 2, last: 6 }, w), { rebuild: true });
  // More new events than the view carries: rebuild from what it has.
  assert.deepEqual(newEvents({ total: 2, last: 12 }, long), { rebuild: true });
  // The first events after an empty stream.
  assert.deepEqual(newEvents({ total: 0, last: null }, w).append.map((e) => e.revision), [3, 5]);
});
