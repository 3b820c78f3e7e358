// The metrics panel's model (web/render/metrics.js): what the plots show,
// from raft-sim's metrics. The pure parts with hand-made inputs, and the
// incremental reading the element does (only the windows closed since the
// last read) against the real simulator, which must give exactly what one
// full read gives. Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasm } from './wasm.mjs';
import { mergeWindows, metricsModel, histogramBars, niceCeil, MAX_WINDOWS } from '../render/metrics.js';

let wasm;
before(async () => { wasm = await loadWasm(); });

const win = (k, extra = {}) => ({ from_ms: k * 1000, to_ms: (k + 1) * 1000, ops_per_s: k, ...extra });

test('mergeWindows appends windows that continue the kept ones, and refuses a gap', () => {
  const kept = [win(0), win(1)];
  assert.deepEqual(mergeWindows(kept, [win(2), win(3)]).map((w) => w.from_ms), [0, 1000, 2000, 3000]);
  assert.deepEqual(mergeWindows(kept, []), kept, 'nothing new: the kept windows');
  assert.equal(mergeWindows(kept, [win(3)]), null, 'window 2 is missing: read them all again');
  assert.equal(mergeWindows(kept, [win(1)]), null, 'time went back (a jump): read them all again');
  assert.equal(mergeWindows([], [win(5)]), null, 'nothing kept, and older windows exist');
  const many = Array.from({ length: MAX_WINDOWS }, (_, k) => win(k));
  const merged = mergeWindows(many, [win(MAX_WINDOWS)]);
  assert.equal(merged.length, MAX_WINDOWS, 'at most MAX_WINDOWS kept');
  assert.equal(merged[0].from_ms, 1000, 'the oldest one goes');
});

test('histogramBars keeps the used buckets (at least five), the last one open-ended', () => {
  const bounds = [2, 5, 10, 20, 30, 50, 75, 100];
  const counts = [0, 0, 0, 0, 3, 7, 0, 0, 0];
  const bars = histogramBars(bounds, counts);
  assert.equal(bars.length, 5);
  assert.deepEqual(bars.filter((b) => b.n).map((b) => [b.le, b.n]), [[30, 3], [50, 7]]);
  assert.equal(bars.reduce((s, b) => s + b.n, 0), 10, 'no count lost');
  const over = histogramBars(bounds, [1, 0, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(over.length, bounds.length + 1, 'first to last used bucket');
  assert.deepEqual(over[over.length - 1], { le: null, above: 100, n: 2 });
  assert.deepEqual(histogramBars(bounds, []), [], 'no commits: no bars');
});

test('niceCeil gives a round top at or above the value', () => {
  for (const [v, top] of [[0, 1], [0.3, 0.3], [7, 8], [38, 40], [223, 250], [280, 300], [1001, 2000]]) {
    assert.equal(niceCeil(v), top, `niceCeil(${v})`);
  }
});

test('the model: headline from the whole run, series per window, bars for every server', () => {
  const summary = {
    from_ms: 0, to_ms: 2500, ops_per_s: 12.5, elections: 2, leaderless_ms: 300,
    commit_latency_ms: { count: 4, p50: 31, p90: 40, p99: 58, max: 58, buckets: [0, 0, 0, 0, 0, 3, 1] },
    latency_buckets_ms: [2, 5, 10, 20, 30, 50],
    sent_per_s_by_node: { 1: 9, 2: 8 },
    windows: [
      win(0, { commit_latency_ms: null, sent_per_s_by_node: { 1: 4 } }),
      win(1, { commit_latency_ms: { count: 4, p50: 31, p99: 58 }, sent_per_s_by_node: { 1: 20, 2: 5 } }),
    ],
  };
  const m = metricsModel(summary, { nodeIds: [1, 2, 3], leader: 1 });
  assert.deepEqual(m.headline, { p50: 31, p99: 58, commits: 4, opsPerS: 12.5, elections: 2, leaderlessMs: 300 });
  assert.deepEqual(m.throughput.map((p) => p.v), [0, 1]);
  assert.deepEqual(m.latency.map((p) => [p.p50, p.p99]), [[null, null], [31, 58]], 'no commit in window 0: a gap');
  assert.deepEqual(m.servers.bars, [{ id: 1, v: 20, leader: true }, { id: 2, v: 5, leader: false }, { id: 3, v: 0, leader: false }],
    'the newest window’s rates; a silent server still has its bar');
  assert.equal(m.histogram.reduce((s, b) => s + b.n, 0), 4);
});

test('reading only the new windows, as the element does, gives what one full read gives', () => {
  const sim = new wasm.Simulation('cluster 3\nseed 2\nawait leader any within 2s\n');
  let kept = sim.metrics(MAX_WINDOWS).windows;
  let closed = Math.floor(Number(sim.time_ms()) / 1000);
  sim.exec('load put 40/s for 3s');
  for (let i = 0; i < 40; i++) {
    sim.advance(97); // frames that do not line up with the windows
    const now = Math.floor(Number(sim.time_ms()) / 1000);
    const merged = mergeWindows(kept, sim.metrics(now - closed).windows);
    assert.ok(merged, `the windows continue at ${sim.time_ms()} ms`);
    kept = merged;
    closed = now;
  }
  const full = sim.metrics(MAX_WINDOWS);
  assert.deepEqual(kept, full.windows);
  assert.equal(full.window_ms, 1000, 'the page measures per simulated second');
  assert.equal(full.windows.length, Math.floor(Number(sim.time_ms()) / 1000));
  assert.deepEqual(full.windows.map((w) => w.from_ms), full.windows.map((_, k) => k * 1000));
  const state = sim.state().metrics;
  assert.deepEqual({ ...full, windows: [] }, { ...state, windows: [] }, 'the same whole-run figures as state()');
  assert.ok(full.windows.some((w) => w.ops_per_s >= 35), 'the load shows in the windows');
  sim.free();
});
