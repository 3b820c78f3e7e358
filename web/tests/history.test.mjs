// Time travel (web/history.js) against the real simulator: the release wasm
// in web/pkg, loaded into node. Travelling to an instant must give exactly
// the state a straight run to that instant gives (same view model, same trace
// hash), including into the middle of a multi-line exec and of a loaded
// scenario. Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasm } from './wasm.mjs';
import { History, estimateBytes, letGo, held, BYTES } from '../history.js';

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
  const h = new History(wasm, { everyMs: 500, cloneRatio: 0 }); // a checkpoint every 500 ms, however long a clone took
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  play(h, sim, 700);
  const t0 = Number(sim.time_ms());
  sim.exec('put x 1');
  h.afterExec(sim, 'put x 1', t0, []);
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
  assert.throws(() => h.beforeExec(sim, 'run 300ms\nfrobnicate'), /^Error: 2:/, 'a bad text is refused with its line');
  sim.exec(script);
  h.afterExec(sim, script, t0, []);

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

test('travelling into the middle of a load shows the puts it had made by then', () => {
  const h = new History(wasm);
  const sim = new wasm.Simulation(SETUP);
  sim.exec('await leader any within 2s');
  h.record(sim, [], true);
  const t0 = Number(sim.time_ms());
  sim.exec('load put 50/s for 3s');
  h.afterExec(sim, 'load put 50/s for 3s', t0, []);

  const got = h.travel(t0 + 1234);
  // The same load, only 1,234 ms long (`keys 5`: the default for 50/s).
  const want = new wasm.Simulation(SETUP);
  want.exec('await leader any within 2s');
  want.exec('load put 50/s for 1234ms keys 5');
  assertSameRun(got.sim, want, 'inside the load');
  const puts = got.sim.state().history_total;
  assert.ok(puts >= 60 && puts <= 63, `50 puts/s for 1.234 s: ${puts} operations`);
  // The events handed back: the last `recentMs` (2 s) before the target, the
  // newest being the straight run's newest (older replayed ones are dropped).
  const events = got.recent.concat(got.events);
  const target = Number(got.sim.time_ms());
  assert.ok(events.length > 0 && events.every((e) => e.time_ms >= target - 2000 && e.time_ms <= target),
    `events within 2 s before ${target}: ${events.length ? `${events[0].time_ms}..${events[events.length - 1].time_ms}` : 'none'}`);
  const straight = want.events();
  assert.ok(events[0].time_ms > straight[0].time_ms, 'older replayed events are not handed back');
  assert.deepEqual(events[events.length - 1], straight[straight.length - 1], 'the newest event is the straight run\'s');
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

test('a command run in the past drops the recorded future; thinning keeps travel exact across commands', () => {
  const h = new History(wasm, { everyMs: 100, max: 12, cloneRatio: 0 });
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  play(h, sim, 500);
  const t0 = Number(sim.time_ms());
  sim.exec('put k 1');
  h.afterExec(sim, 'put k 1', t0, []);
  play(h, sim, 3000);
  assert.ok(h.length <= 12, `at most max checkpoints: ${h.length}`);
  assert.ok(!h.list.some((c) => c.time === t0), 'the checkpoint after the put was thinned out (the test needs that)');
  const mid = h.travel(t0 + 150);
  const want = new wasm.Simulation(SETUP);
  want.advance(t0);
  want.exec('put k 1');
  want.advance(150);
  assertSameRun(mid.sim, want, 'travel across a thinned-out command');
  mid.sim.free();
  want.free();
  const end = Number(sim.time_ms());
  assert.ok(h.span().max <= end && h.span().max > end - 100, `the history reaches the end: ${h.span().max} of ${end}`);

  const back = h.travel(t0 + 200);
  sim.free();
  let cur = back.sim;
  h.dropFuture(Number(cur.time_ms()));
  assert.equal(h.span().max <= t0 + 200, true, 'nothing after the instant travelled to');
  cur.exec('put k 2');
  h.afterExec(cur, 'put k 2', t0 + 200, []);
  assert.equal(h.span().max, t0 + 200);
  cur.free();
  h.clear();
  assert.equal(h.span(), null);
});

// ---- the memory budget (issue 9) ---------------------------------------------

/**
 * A run as the page makes one: frames of `frame` ms, recording as it goes, and
 * a client put every 100 ms (10 ops/s), each an exec the history remembers.
 * Returns the commands with their instants, for a straight run to compare.
 */
function loadedRun(h, sim, ms, { frame = 50, every = 100 } = {}) {
  const cmds = [];
  let i = 0;
  for (let done = 0; done < ms; done += frame) {
    sim.advance(frame);
    const now = Number(sim.time_ms());
    if (now % every === 0) {
      const cmd = `put k${i % 7} v${i}`;
      i++;
      sim.exec(cmd);
      h.afterExec(sim, cmd, now, []);
      cmds.push({ at: now, cmd });
    } else {
      h.record(sim, []);
    }
  }
  return cmds;
}

/** A fresh simulation that runs `cmds` at their instants, straight to `target`. */
function straightRun(cmds, target) {
  const sim = new wasm.Simulation(SETUP);
  for (const c of cmds) {
    if (c.at > target) break;
    sim.advance(c.at - Number(sim.time_ms()));
    sim.exec(c.cmd);
  }
  sim.advance(target - Number(sim.time_ms()));
  return sim;
}

test('a long loaded run: the budget holds, recent history stays dense, older thins, seeks stay exact', () => {
  const budgetBytes = 8 * 1024 * 1024;
  const h = new History(wasm, { everyMs: 500, max: 20, budgetBytes });
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  const cmds = [];
  let worst = { n: 0, bytes: 0 };
  // 90 simulated seconds at 10 puts/s, checking the budget every 5 s.
  for (let part = 0; part < 18; part++) {
    const more = loadedRun(h, sim, 5000);
    cmds.push(...more);
    assert.ok(h.length <= 20, `at most max checkpoints: ${h.length}`);
    assert.ok(h.bytes <= budgetBytes || h.length === 1, `within the byte budget: ${h.bytes}`);
    assert.equal(h.bytes, h.list.reduce((a, c) => a + c.bytes, 0), 'the byte count is the checkpoints\' sum');
    assert.equal(h.opsFrom, h.list[0].seq, 'commands before the first checkpoint are forgotten');
    worst = { n: Math.max(worst.n, h.length), bytes: Math.max(worst.bytes, h.bytes) };
  }
  const end = Number(sim.time_ms());
  const r = h.reach();
  assert.ok(r.to <= end && end - r.to <= 2000, `the newest checkpoint is recent: ${r.to} of ${end}`);
  assert.ok(r.thinned > 100, `checkpoints were thinned: ${r.thinned}`);
  assert.ok(r.from < end - 30000, `and it still reaches well back: from ${r.from} of ${end}`);
  assert.equal(r.checkpoints, h.length);
  // Dense recent, sparser older: the newest gaps are shorter than the oldest.
  const gaps = h.list.slice(1).map((c, i) => c.time - h.list[i].time);
  assert.ok(gaps[gaps.length - 2] < gaps[0], `spacing grows with age: ${gaps}`);
  assert.ok(gaps.every((g) => g <= h.maxGapMs), `no stretch longer than maxGapMs (what a seek replays): ${gaps}`);

  // Exact at an old instant (between sparse checkpoints), a recent one, and one right at a put.
  const putAt = cmds[Math.floor(cmds.length / 3)].at;
  for (const target of [r.from + Math.floor(gaps[0] / 2) + 7, end - 230, putAt, end]) {
    const got = h.travel(target);
    const want = straightRun(cmds, target);
    assertSameRun(got.sim, want, `travel to ${target} ms`);
    // The command log (kept in pieces that checkpoints share) replays to the same state.
    const log = got.sim.command_log();
    if (target === end) assert.ok(log.length > 8192, `a log of several pieces: ${log.length} bytes`);
    const replay = new wasm.Simulation(log);
    assertSameRun(replay, got.sim, `the command log after travel to ${target} ms`);
    for (const s of [got.sim, want, replay]) s.free();
  }
  console.log(`# 90 s at 10 puts/s: ${h.length} checkpoints, ${(h.bytes / 1048576).toFixed(2)} MiB (most ${worst.n}, ` +
    `${(worst.bytes / 1048576).toFixed(2)} MiB), reach ${r.from}..${r.to} ms, ${r.thinned} thinned`);
  sim.free();
  h.clear();
});

/**
 * The size model's bookkeeping (module comment of web/history.js): the first
 * checkpoint is charged nothing gone (a loaded scenario's prefixes, which share
 * nothing, everything they hold); every later one exactly what the run let go
 * of since the checkpoint kept before it — however many were thinned out in
 * between, as their charges moved on — and the history's bytes are the sum.
 */
function assertCharges(h, what) {
  let sum = 0;
  h.list.forEach((c, i) => {
    if (c.alone) {
      assert.deepEqual(c.gone, held(c.counts, true), `${what}: prefix ${i} charged all it holds`);
      assert.equal(c.gone.ops, Math.min(BYTES.sessions, c.counts.ops), `${what}: prefix ${i} charged its sessions`);
      assert.equal(c.gone.entries, c.counts.entries, `${what}: prefix ${i} charged its log`);
    } else if (i === 0) {
      assert.deepEqual(c.gone, { ops: 0, checks: 0, listOps: 0, windows: 0, entries: 0 }, `${what}: the first is charged nothing gone`);
    } else {
      assert.deepEqual(c.gone, letGo(h.list[i - 1].counts, c.counts), `${what}: checkpoint ${i} at ${c.time} ms`);
    }
    assert.equal(c.bytes, estimateBytes(c.counts, c.gone), `${what}: checkpoint ${i}'s bytes`);
    sum += c.bytes;
  });
  assert.equal(h.bytes, sum, `${what}: the history's bytes are its checkpoints' sum`);
}

test('the size model: thinned checkpoints pass their charge on, the first\'s goes with it', () => {
  // 100 puts/s: after 4,096 client operations each one pushes an older
  // session out of every server's table; snapshots every 300 entries compact the logs.
  const h = new History(wasm, { everyMs: 1000, max: 8, cloneRatio: 0, maxGapMs: 20000 });
  const sim = new wasm.Simulation(`${SETUP}set snapshot-threshold 300\n`);
  h.record(sim, [], true);
  const run = (cmd) => {
    const t0 = Number(sim.time_ms());
    sim.exec(cmd);
    h.afterExec(sim, cmd, t0, []);
    assertCharges(h, `after ${cmd} at ${t0} ms`);
  };
  const firsts = new Set();
  let most = 0;
  // 45 s (the tables fill), 1 s at a time for 40 s, one 50 s stretch, 10 s more.
  const cmds = ['load put 100/s for 45s', ...Array(40).fill('load put 100/s for 1s'), 'load put 100/s for 50s', ...Array(10).fill('load put 100/s for 1s')];
  for (const cmd of cmds) {
    run(cmd);
    firsts.add(h.list[0].time);
    most = Math.max(most, ...h.list.map((c) => c.gone.ops));
  }
  assert.ok(h.dropped > 30, `checkpoints were thinned: ${h.dropped}`);
  assert.ok(firsts.size > 1, 'the first checkpoint went too (the test needs that)');
  assert.equal(most, BYTES.sessions, 'a 50 s stretch at 100 puts/s is charged a whole session table, no more');
  const gone = h.list.slice(1).map((c) => c.gone);
  assert.ok(gone.some((g) => g.ops > 0), `sessions pushed out are charged: ${JSON.stringify(gone)}`);
  assert.ok(gone.some((g) => g.entries > 0), `compacted entries are charged: ${JSON.stringify(gone)}`);
  assert.ok(gone.every((g) => g.listOps > 0), `every stretch's client operations are charged (the shared client list): ${JSON.stringify(gone)}`);
  assert.ok(gone.some((g) => g.windows > 0), `metrics windows the run dropped (after 120 s) are charged: ${JSON.stringify(gone)}`);
  const last = h.list[h.list.length - 1];
  assert.ok(last.bytes > estimateBytes(last.counts), 'what the run let go of is charged on top of the own part');
  sim.free();
  h.clear();
});

test('the size model: a loaded scenario\'s prefixes are charged all they hold, and travel after them still adds up', () => {
  const text = `${SETUP}await leader any within 2s\nload put 50/s for 3s\nrun 400ms\ncrash leader\nawait leader any within 3s\nput b 2\nrun 200ms\n`;
  const sim = new wasm.Simulation(text);
  const h = new History(wasm, { everyMs: 200, max: 12, cloneRatio: 0 });
  h.fromScenario(text, sim, []);
  assert.ok(h.list.filter((c) => c.alone).length >= 3, 'prefix checkpoints');
  assert.ok(h.list.some((c) => c.alone && c.gone.entries > 0), 'a prefix is charged its log');
  assertCharges(h, 'after loading');
  play(h, sim, 4000);
  assertCharges(h, 'after playing on');
  // Back into the scenario and a new command there: the future goes, the charges still add up.
  const at = h.list[1].time + 50;
  const back = h.travel(at);
  sim.free();
  h.dropFuture(at);
  back.sim.exec('put c 3');
  h.afterExec(back.sim, 'put c 3', at, []);
  assertCharges(h, 'after a command in the past');
  back.sim.free();
  h.clear();
});

test('the budget holds through a long run at 100 puts/s; the history reaches less far back, seeks stay exact', () => {
  const budgetBytes = 3 * 1024 * 1024;
  const h = new History(wasm, { everyMs: 1000, max: 1000, budgetBytes });
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  // 120 s: a `load put 100/s for 1s` each simulated second, from 0.
  for (let part = 0; part < 24; part++) {
    for (let s = 0; s < 5; s++) {
      const at = Number(sim.time_ms());
      sim.exec('load put 100/s for 1s');
      h.afterExec(sim, 'load put 100/s for 1s', at, []);
    }
    assert.ok(h.bytes <= budgetBytes || h.length === 1, `within the byte budget at ${sim.time_ms()} ms: ${h.bytes}`);
  }
  const end = Number(sim.time_ms());
  const r = h.reach();
  assert.ok(r.from > 0, `the run let go of more than the budget holds: the first checkpoint went (from ${r.from})`);
  assert.ok(r.checkpoints < 120, `the bytes, not max, bound the count: ${r.checkpoints}`);
  const gaps = h.list.slice(1).map((c, i) => c.time - h.list[i].time);
  assert.ok(gaps.every((g, i) => g <= Math.min(h.maxGapMs, h.everyMs + (end - h.list[i + 1].time) / 2)),
    `no stretch longer than half its age nor maxGapMs: ${gaps}`);
  for (const target of [r.from + 1234, Math.floor((r.from + end) / 2) + 77, end - 10]) {
    const got = h.travel(target);
    // Straight there: the whole seconds, then the load only up to the target (`keys 10`: the default for 100/s).
    const want = new wasm.Simulation(SETUP);
    for (let s = 0; s < Math.floor(target / 1000); s++) want.exec('load put 100/s for 1s');
    if (target % 1000) want.exec(`load put 100/s for ${target % 1000}ms keys 10`);
    assertSameRun(got.sim, want, `travel to ${target} ms`);
    got.sim.free();
    want.free();
  }
  sim.free();
  h.clear();
});

test('the byte budget alone thins too, down to the newest checkpoint; the history then reaches less far back', () => {
  const h = new History(wasm, { everyMs: 200, max: 1000, budgetBytes: 300 * 1024, maxGapMs: 8000 });
  const sim = new wasm.Simulation(SETUP);
  h.record(sim, [], true);
  loadedRun(h, sim, 20000);
  assert.ok(h.bytes <= 300 * 1024 || h.length === 1, `within the byte budget: ${h.bytes}`);
  assert.ok(h.length < 100, `the byte budget, not max, bounds the count: ${h.length}`);
  assert.ok(h.reach().from > 0, `the first checkpoint went when the budget needed it: from ${h.reach().from}`);
  const gaps = h.list.slice(1).map((c, i) => c.time - h.list[i].time);
  assert.ok(gaps.every((g) => g <= 8000), `rather than leave a gap over maxGapMs: ${gaps}`);
  // A checkpoint bigger than the budget on its own still stays (it is the present).
  const tiny = new History(wasm, { budgetBytes: 1 });
  tiny.record(sim, [], true);
  sim.advance(tiny.everyMs + 100);
  tiny.record(sim, []);
  assert.equal(tiny.length, 1);
  assert.equal(tiny.span().min, Number(sim.time_ms()));
  tiny.clear();
  sim.free();
  h.clear();
});

test('travel into a multi-line exec, then a command there: later travel replays exactly what ran', () => {
  const h = new History(wasm, { everyMs: 100 });
  const sim = new wasm.Simulation(SETUP);
  sim.exec('await leader any within 2s');
  h.record(sim, [], true);
  const t0 = Number(sim.time_ms());
  const script = 'run 300ms\nput y 2\nrun 300ms\nput y 3';
  sim.exec(script);
  h.afterExec(sim, script, t0, []);
  play(h, sim, 400);
  // Back into the exec (after `put y 2`, before `put y 3`), and a new command there.
  const back = h.travel(t0 + 400);
  sim.free();
  const cur = back.sim;
  h.dropFuture(t0 + 400);
  cur.exec('put z 9');
  h.afterExec(cur, 'put z 9', t0 + 400, []);
  play(h, cur, 500);
  const got = h.travel(t0 + 450);
  const want = new wasm.Simulation(SETUP);
  want.exec('await leader any within 2s');
  want.exec('run 300ms');
  want.exec('put y 2');
  want.advance(100);
  want.exec('put z 9');
  want.advance(50);
  assertSameRun(got.sim, want, 'after a command in the travelled-to past');
  const kv = got.sim.state().history.map((op) => `${op.key}=${op.value}`);
  assert.ok(kv.includes('y=2') && kv.includes('z=9') && !kv.includes('y=3'), `the client history: ${kv}`);
  for (const s of [got.sim, want, cur]) s.free();
  h.clear();
});

test('a loaded scenario whose prefix checkpoints were thinned: travel replays its lines exactly', () => {
  const text = `${SETUP}await leader any within 2s\nput a 1\nrun 400ms\ncrash leader\nawait leader any within 3s\nput b 2\nrun 200ms\n`;
  const sim = new wasm.Simulation(text);
  const h = new History(wasm, { everyMs: 100, max: 12, cloneRatio: 0 });
  h.fromScenario(text, sim, []);
  play(h, sim, 3000);
  const lines = text.split('\n');
  const upToCrash = lines.slice(0, lines.indexOf('crash leader') + 1).join('\n') + '\n';
  const want = new wasm.Simulation(upToCrash);
  const at = Number(want.time_ms());
  assert.ok(h.span().min < at, `the history still reaches the crash: ${h.list.map((c) => c.time)}`);
  assert.ok(!h.list.some((c) => c.time === at), 'its checkpoint was thinned out (the test needs that)');
  const got = h.travel(at);
  assertSameRun(got.sim, want, 'after the crash, replayed from the put before it');
  assert.equal(got.sim.state().nodes.filter((n) => !n.up).length, 1, 'the leader is down there');
  for (const s of [got.sim, want, sim]) s.free();
  h.clear();
});
