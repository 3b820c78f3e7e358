// Time travel (web/history.js) against the real simulator: the release wasm
// in web/pkg, loaded into node. Travelling to an instant must give exactly
// the state a straight run to that instant gives (same view model, same trace
// hash), including into the middle of a multi-line exec and of a loaded
// scenario. Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasm } from './wasm.mjs';
import { History } from '../history.js';

let wasm;

before(async () => { wasm = await loadWasm(); });

const SETUP = 'cluster 5\nseed 4\n';

/** The parts of two simulations that must agree after a faithful time travel. */
function assertSameRun(got, want, what) {
  assert.equal(Number(got.time_ms()), Number(want.time_ms()), `${what}: time`);
  assert.equal(got.trace_hash(), want.trace_hash(), `${what}: trace hash`);
  const a = got.state(), b = want.state();
  assert.deepEqual(a.nodes, b.nodes, `${what}: nodes`);
  assert.deepEqual(a.in_flight, b.in_flight, `${what}: messages in flight`);
  assert.deepEqual(a.history, b.history, `${what}: client history`);
}

/** Play like the page does: advance in frames, recording as it goes. */
function play(h, sim, ms, frame = 16) {
  for (let done = 0; done < ms; done += frame) {
    sim.advance(Math.min(frame, ms - done));
    h.record(sim, []);
  }
}

test('travelling back to an instant gives the state a straight run has there', () => {
  const h = new History(wasm);
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  play(h, sim, 700);
  const pre = h.beforeExec(sim, 'put x 1');
  assert.equal(pre, null, 'one command needs no pre-state');
  const t0 = Number(sim.time_ms());
  sim.exec('put x 1');
  h.afterExec(sim, 'put x 1', t0, pre, [], []);
  play(h, sim, 800);
  assert.ok(h.length >= 3, `checkpoints: ${h.length}`);

  const got = h.travel(1000);
  const want = new wasm.Simulation(SETUP);
  want.advance(t0);
  want.exec('put x 1');
  want.advance(1000 - t0);
  assertSameRun(got.sim, want, 'travel to 1000 ms');
  // And forward again to the end of the recorded run.
  const end = h.travel(Number(sim.time_ms()));
  assertSameRun(end.sim, sim, 'travel forward to the end');
  for (const s of [got.sim, end.sim, want, sim]) s.free();
  h.clear();
});

test('travelling into a multi-line exec replays its commands up to the target', () => {
  const h = new History(wasm);
  const sim = new wasm.Simulation(SETUP);
  sim.exec('await leader any within 2s');
  h.record(sim, [], true);
  const t0 = Number(sim.time_ms());
  const script = 'run 300ms\nput y 2 # a comment\n\nrun 300ms';
  const pre = h.beforeExec(sim, script);
  assert.ok(pre, 'several commands keep the state before them');
  sim.exec(script);
  h.afterExec(sim, script, t0, pre, [], []);

  // 400 ms in: after the put (at +300), 100 ms into the second run.
  const got = h.travel(t0 + 400);
  const want = new wasm.Simulation(SETUP);
  want.exec('await leader any within 2s');
  want.exec('run 300ms');
  want.exec('put y 2');
  want.advance(100);
  assertSameRun(got.sim, want, 'inside the exec');
  assert.ok(got.sim.state().history.some((op) => op.key === 'y'), 'the put before the target ran');
  for (const s of [got.sim, want, sim]) s.free();
  h.clear();
});

test('a loaded scenario gets a checkpoint after each command; each is that prefix', () => {
  const text = `${SETUP}await leader any within 2s\nput a 1\nrun 400ms\ncrash leader\nawait leader any within 3s\nrun 200ms\n`;
  const sim = new wasm.Simulation(text);
  const h = new History(wasm);
  h.fromScenario(text, sim, []);
  const times = h.list.map((c) => c.time);
  assert.deepEqual([...times].sort((a, b) => a - b), times, 'in time order');
  assert.equal(new Set(times).size, times.length, 'one per instant');
  assert.equal(times[times.length - 1], Number(sim.time_ms()), 'ends at the end of the run');
  assert.ok(times.length >= 4, `checkpoints at ${times}`);
  // Travelling to the instant after `crash leader` = loading the text up to it.
  const lines = text.split('\n');
  const upToCrash = lines.slice(0, lines.indexOf('crash leader') + 1).join('\n') + '\n';
  const want = new wasm.Simulation(upToCrash);
  const got = h.travel(Number(want.time_ms()));
  assertSameRun(got.sim, want, 'after crash leader');
  assert.equal(got.sim.state().nodes.filter((n) => !n.up).length, 1, 'the leader is down there');
  for (const s of [got.sim, want, sim]) s.free();
  h.clear();
});

test('a command run in the past drops the recorded future; plain checkpoints thin out, command ones stay', () => {
  const h = new History(wasm, { everyMs: 100, max: 12 });
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  play(h, sim, 500);
  const t0 = Number(sim.time_ms());
  sim.exec('put k 1');
  h.afterExec(sim, 'put k 1', t0, null, [], []);
  play(h, sim, 3000);
  assert.ok(h.length <= 12, `at most max checkpoints: ${h.length}`);
  assert.ok(h.list.some((c) => c.cmd && c.time === t0), 'the checkpoint after the put survives thinning');
  const end = Number(sim.time_ms());
  assert.ok(h.span().max <= end && h.span().max > end - 100, `the history reaches the end: ${h.span().max} of ${end}`);

  const back = h.travel(t0 + 200);
  sim.free();
  let cur = back.sim;
  h.dropFuture(Number(cur.time_ms()));
  assert.equal(h.span().max <= t0 + 200, true, 'nothing after the instant travelled to');
  cur.exec('put k 2');
  h.afterExec(cur, 'put k 2', t0 + 200, null, [], []);
  assert.equal(h.span().max, t0 + 200);
  cur.free();
  h.clear();
  assert.equal(h.span(), null);
});
