// End-to-end tests of the cluster behaviour as the page shows it: the release
// wasm build inside Debian's chromium, driven through the `<raft-lab>` element
// in simulated time (autoplay off; time moves only by `run` / `await`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  useLab,
  requireReleaseBuild,
  openLab,
  exec,
  state,
  commandLog,
  screenshot,
  canvasColourCount,
  leaderOf,
  nodeById,
  describe,
  sha256,
  WASM_PATH,
} from './lib/page.mjs';

const fixture = useLab();

/** Open a fresh 5-node page (seed 1) and let it elect a leader. */
async function openWithLeader(t) {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  const view = await exec(page, 'await leader any within 2s');
  assert.equal(view.failures.length, 0, `await leader failed: ${JSON.stringify(view.failures)}`);
  const leader = leaderOf(view);
  assert.ok(leader, `no leader after await: ${describe(view)}`);
  return { page, view, leader };
}

test('smoke: the release build loads and a leader is elected', async (t) => {
  const info = requireReleaseBuild();
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());

  // The page fetched exactly the optimized release binary build-wasm.sh wrote.
  const served = await fetch(`${fixture.lab.url}web/pkg/raft_wasm_bg.wasm`);
  assert.equal(served.headers.get('content-type'), 'application/wasm');
  const bytes = Buffer.from(await served.arrayBuffer());
  assert.equal(info.profile, 'release');
  assert.match(info.wasm_opt, /^binaryen /);
  assert.equal(sha256(bytes), info.sha256, 'web/pkg wasm differs from the one build-wasm.sh optimized');
  assert.equal(sha256(readFileSync(WASM_PATH)), info.sha256);
  const wasmFetches = page.responses.filter((r) => r.url.endsWith('/web/pkg/raft_wasm_bg.wasm'));
  assert.ok(wasmFetches.length >= 1 && wasmFetches.every((r) => r.status === 200), `wasm fetches: ${JSON.stringify(wasmFetches)}`);

  const initial = await state(page);
  assert.equal(initial.nodes.length, 5);
  assert.equal(initial.time_ms, 0, 'autoplay=0 must leave simulated time at 0');
  assert.equal(leaderOf(initial), null, 'no leader can exist at time 0');

  const view = await exec(page, 'await leader any within 2s');
  const leader = leaderOf(view);
  assert.ok(leader, `no leader within 2 s of simulated time: ${describe(view)}`);
  assert.ok(leader.term >= 1);
  assert.ok(view.time_ms > 0 && view.time_ms <= 2000, `time_ms=${view.time_ms}`);
  assert.equal(view.ok, true, JSON.stringify(view.failures));
  assert.deepEqual(view.violations, []);
  // Every follower agrees on who leads, once a heartbeat has gone round.
  const settled = await exec(page, 'run 200ms');
  for (const n of settled.nodes) {
    assert.equal(n.leader_id, leaderOf(settled).id, `n${n.id} believes leader is ${n.leader_id}`);
  }

  assert.ok((await canvasColourCount(page)) > 8, 'the ring canvas looks blank');
  await screenshot(page, '01-leader-elected');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
  assert.deepEqual(page.responses.filter((r) => r.status >= 400), [], 'files the page asked for but could not load');
  assert.deepEqual(page.consoleErrors, [], 'console errors');
});

test('a put commits on every node', async (t) => {
  const { page } = await openWithLeader(t);
  const before = await state(page);
  await exec(page, 'put x 42');
  const view = await exec(page, 'run 500ms');

  const put = view.history.find((h) => h.op === 'put' && h.key === 'x');
  assert.ok(put, 'the put is in the client history');
  assert.notEqual(put.returned_ms, null, 'the put never returned to the client');
  for (const n of view.nodes) {
    assert.equal(n.kv.x, '42', `n${n.id} has not applied x=42: ${describe(view)}`);
    assert.ok(n.commit > nodeById(before, n.id).commit, `n${n.id} commit index did not advance`);
    assert.ok(n.log.some((e) => e.command === 'put x 42'), `n${n.id} log lacks the put`);
  }
  const commits = new Set(view.nodes.map((n) => n.commit));
  assert.equal(commits.size, 1, `commit indexes differ: ${describe(view)}`);
  assert.deepEqual(view.violations, []);
  await screenshot(page, '02-put-committed');
  assert.deepEqual(page.errors, []);
});

test('crashing the leader leads to a new leader in a higher term', async (t) => {
  const { page, leader } = await openWithLeader(t);
  await exec(page, `crash n${leader.id}`);
  const crashed = await state(page);
  assert.equal(nodeById(crashed, leader.id).up, false);
  assert.equal(nodeById(crashed, leader.id).role, 'down');
  await screenshot(page, '03-leader-crashed');

  const view = await exec(page, 'await leader any within 3s');
  const next = leaderOf(view);
  assert.ok(next, `no new leader within 3 s: ${describe(view)}`);
  assert.notEqual(next.id, leader.id);
  assert.ok(next.term > leader.term, `new leader term ${next.term} <= old ${leader.term}`);
  assert.equal(nodeById(view, leader.id).up, false, 'the crashed node came back by itself');
  assert.deepEqual(view.failures, []);
  assert.deepEqual(view.violations, []);
  await screenshot(page, '04-new-leader');

  // The old leader restarts as a follower of the new term.
  await exec(page, `restart n${leader.id}`);
  const healed = await exec(page, 'run 1s');
  const old = nodeById(healed, leader.id);
  assert.equal(old.role, 'follower', describe(healed));
  assert.equal(old.term, leaderOf(healed).term);
  assert.deepEqual(page.errors, []);
});

test('a 2:3 partition keeps the minority from committing, and heals', async (t) => {
  const { page, leader } = await openWithLeader(t);
  await exec(page, 'put a 1');
  const start = await exec(page, 'run 300ms');
  for (const n of start.nodes) assert.equal(n.kv.a, '1', describe(start));

  // The old leader and one follower form the minority.
  const others = start.nodes.map((n) => n.id).filter((id) => id !== leader.id);
  const minority = [leader.id, others[0]];
  const majority = others.slice(1);
  const names = (ids) => ids.map((id) => `n${id}`).join(' ');
  await exec(page, `partition ${names(minority)} | ${names(majority)}`);

  // Hand a write straight to the old leader: it appends it, but can never commit it.
  await exec(page, `propose n${leader.id} m 9`);
  await exec(page, 'put b 2');
  const split = await exec(page, 'run 2s');
  await screenshot(page, '05-partition-2-3');

  // `leader` = the up leader in the highest term: the majority's new one.
  const newLeader = leaderOf(split);
  assert.ok(newLeader && majority.includes(newLeader.id), `the majority elected no leader: ${describe(split)}`);
  assert.ok(newLeader.term > leader.term);
  for (const id of minority) {
    const before = nodeById(start, id);
    const now = nodeById(split, id);
    assert.equal(now.commit, before.commit, `minority n${id} commit moved ${before.commit} → ${now.commit}`);
    assert.equal(now.kv.m, undefined, `minority n${id} applied an uncommittable write`);
  }
  const oldLeaderNow = nodeById(split, leader.id);
  assert.ok(oldLeaderNow.last_index > oldLeaderNow.commit, 'the old leader should hold an uncommitted entry');
  for (const id of majority) {
    const now = nodeById(split, id);
    assert.ok(now.commit > nodeById(start, id).commit, `majority n${id} commit did not advance: ${describe(split)}`);
  }

  // The client's put finds the majority's leader eventually (a client that
  // keeps landing on the deposed leader backs off exponentially, so allow
  // several retry rounds), and all that while the minority commits nothing.
  const served = await exec(page, majority.map((id) => `await kv n${id} b = 2 within 15s`).join('\n'));
  const putB = served.history.find((h) => h.key === 'b');
  assert.deepEqual(served.failures, [], `the put never reached the majority: ${JSON.stringify(putB)}; ${describe(served)}`);
  assert.notEqual(putB.returned_ms, null, 'the put did not return to the client');
  for (const id of majority) assert.equal(nodeById(served, id).kv.b, '2', `majority n${id} lacks b=2: ${describe(served)}`);
  for (const id of minority) {
    const now = nodeById(served, id);
    assert.equal(now.commit, nodeById(start, id).commit, `minority n${id} committed while partitioned: ${describe(served)}`);
    assert.equal(now.kv.b, undefined, `minority n${id} applied b while partitioned`);
  }

  await exec(page, 'heal');
  const healed = await exec(page, 'run 2s');
  await screenshot(page, '06-healed');
  const reference = healed.nodes[0];
  for (const n of healed.nodes) {
    assert.equal(n.commit, reference.commit, `commit indexes differ after heal: ${describe(healed)}`);
    assert.deepEqual(n.log, reference.log, `n${n.id} log differs from n${reference.id} after heal`);
    assert.deepEqual(n.kv, reference.kv);
    assert.equal(n.kv.b, '2');
    assert.equal(n.kv.m, undefined, `n${n.id}: the minority's uncommitted write survived the heal`);
  }
  assert.deepEqual(healed.violations, []);
  assert.deepEqual(page.errors, []);
});

test('the command log replays to the same state', async (t) => {
  const { page, leader } = await openWithLeader(t);
  const session = [
    'put x 1',
    'run 150ms',
    `crash n${leader.id}`,
    'set loss 10%',
    'put y 2',
    'run 1500ms',
    `restart n${leader.id}`,
    'set loss 0%',
    'run 700ms',
  ];
  for (const line of session) await exec(page, line);
  // Time that passes while the page plays is logged as `run` lines too.
  await page.evaluate(async () => {
    const el = document.querySelector('raft-lab');
    const t0 = el.state().time_ms;
    el.play();
    while (el.state().time_ms < t0 + 100) await new Promise((r) => requestAnimationFrame(r));
    el.pause();
  });
  const original = await state(page);
  const log = await commandLog(page);
  for (const line of session) assert.ok(log.includes(line), `command log lacks "${line}":\n${log}`);

  // A fresh page, loaded from the log alone.
  const replay = await openLab(fixture.lab, 'nodes=3&seed=99');
  t.after(() => replay.context().close());
  const replayed = await replay.evaluate((text) => {
    const el = document.querySelector('raft-lab');
    el.reset(text);
    el.pause();
    return el.state();
  }, log);
  assert.equal(replayed.time_ms, original.time_ms);
  assert.deepEqual(replayed.nodes, original.nodes);
  assert.deepEqual(replayed.history, original.history);
  assert.deepEqual(replayed.messages, original.messages);
  assert.deepEqual(replayed.in_flight, original.in_flight);
  assert.equal(replayed.trace_hash, original.trace_hash, 'the same run, event for event');
  assert.equal(await commandLog(replay), log, 'the replayed session logs the same commands');
  assert.deepEqual(replay.errors, []);
});
