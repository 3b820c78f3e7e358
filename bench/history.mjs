#!/usr/bin/env node
// History benchmark (not a test, issue 9): how the wasm build's costs grow
// with the length of a run, in node's V8 (the engine of Chrome), loading the
// release package the page loads (web/pkg).
//
//   npm run bench                  (builds the release wasm, runs every benchmark)
//   node bench/history.mjs [--minutes 10,60] [--quick]
//
// Prints: state() (the whole page view model), frame_state(40) (what the
// page reads every frame), one
// frame (a put, 16 ms simulated, events(), frame_state(40)) and clone() (a
// time-travel checkpoint) after 0 / 1,000 / 5,000 puts with 5 and 15 servers;
// the wasm linear memory after N simulated minutes idle and at 10 client
// ops/s; the simulated-seconds-per-second at 1,000 puts/s; what one more kept
// checkpoint adds to wasm memory beside what the page's size model charges
// (10-minute runs, about 5 minutes of wall time); and time travel through the
// page's History over 10-minute runs at 10 and 100 puts/s (checkpoints,
// estimated and measured bytes, reach, seek time).
//   node bench/history.mjs --only travel [--travel-minutes 10] [--rates 10,100]   (that part alone)
//   node bench/history.mjs --only marginal [--marginal-minutes 10]  (the size model against wasm memory)
//   node bench/history.mjs --only seek                          (checkpoint clone + replay seeks alone)
//   node bench/history.mjs --only state                         (state, frame_state, frame and clone alone)

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from './timing.mjs';

const PKG = fileURLToPath(new URL('../web/pkg/', import.meta.url));
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const QUICK = process.argv.includes('--quick');
const MINUTES = arg('minutes', QUICK ? '1,5' : '10,60').split(',').map(Number);


// A fresh module instance per measurement, so linear memory starts small
// (wasm memory never shrinks).
async function load() {
  const mod = await import(`${new URL('../web/pkg/raft_wasm.js', import.meta.url).href}?${Math.random()}`);
  const exports = await mod.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });
  return { Simulation: mod.Simulation, memory: exports.memory };
}

const mib = (bytes) => (bytes / (1024 * 1024)).toFixed(1);

async function stateAndClone() {
  console.log('state() / frame_state(40) / frame (a put, 16 ms, events(), frame_state(40)) / clone(), median ms; wasm in node');
  console.log(`${'servers'.padStart(7)} ${'puts'.padStart(6)} ${'state()'.padStart(9)} ${'frame_state'.padStart(11)} ${'frame'.padStart(9)} ${'clone()'.padStart(9)}`);
  const { Simulation } = await load();
  for (const nodes of [5, 15]) {
    const sim = new Simulation(`cluster ${nodes}\nseed 7\n`);
    sim.exec('await leader any within 3s');
    sim.events();
    let done = 0;
    for (const puts of QUICK ? [0, 1000] : [0, 1000, 5000]) {
      // 500 puts/s (over the default 50 keys), then 2 s to settle.
      if (puts > done) sim.exec(`load put 500/s for ${((puts - done) / 500) * 1000}ms\nrun 2s`);
      done = puts;
      sim.events();
      const state = median(9, () => sim.state());
      // What the page's frame reads (docs/view-model.md "The frame view"): 40 entries per log.
      const frameState = median(9, () => sim.frame_state(40));
      const clone = median(9, () => sim.clone().free());
      const copy = sim.clone();
      let i = 0;
      const frame = median(9, () => {
        copy.exec(`put k${i % 10} f${i++}`);
        copy.advance(16);
        copy.events();
        copy.frame_state(40);
      });
      copy.free();
      console.log(
        `${String(nodes).padStart(7)} ${String(puts).padStart(6)} ${state.toFixed(3).padStart(9)} ${frameState.toFixed(3).padStart(11)} ` +
          `${frame.toFixed(3).padStart(9)} ${clone.toFixed(3).padStart(9)}`,
      );
    }
    sim.free();
  }
}

async function memory() {
  console.log(`wasm linear memory (MiB) of one 5-server simulation after N simulated minutes (events taken every simulated second)`);
  for (const [label, load10] of [['idle', false], ['10 ops/s', true]]) {
    const { Simulation, memory } = await load();
    const sim = new Simulation('cluster 5\nseed 7\n');
    let line = `${label.padStart(10)}:`;
    let at = 0;
    const t0 = performance.now();
    for (const m of MINUTES) {
      for (let s = at * 60; s < m * 60; s++) {
        if (load10) sim.exec('load put 10/s for 1s');
        else sim.advance(1000);
        sim.events();
      }
      at = m;
      sim.state();
      line += ` ${String(m).padStart(3)} min ${mib(memory.buffer.byteLength).padStart(6)}`;
    }
    const clone = median(5, () => sim.clone().free());
    console.log(`${line}   (clone() then ${clone.toFixed(2)} ms; ${((performance.now() - t0) / 1000).toFixed(0)} s wall)`);
    sim.free();
  }
}

async function realTime() {
  const { Simulation } = await load();
  const seconds = QUICK ? 5 : 10;
  const sim = new Simulation('cluster 5\nseed 7\n');
  sim.exec('await leader any within 3s');
  const t0 = performance.now();
  sim.exec(`load put 1000/s for ${seconds}s`);
  sim.state();
  const wall = (performance.now() - t0) / 1000;
  const v = sim.state();
  console.log(
    `1,000 puts/s, 5 servers, every check on: ${seconds} s simulated in ${wall.toFixed(2)} s wall = ` +
      `${(seconds / wall).toFixed(1)}x real time; ${v.violations.length} violations`,
  );
  sim.free();
}

// A loaded run as the page feeds its history: frames of 100 ms, each with a
// command the history remembers (10 puts/s: `put` every 100 ms; faster:
// `load put R/s for 100ms`), the trace events and sent messages taken as the
// page's frame takes them, then `afterExec` with the frame's view (which may
// keep a checkpoint; `recordMs` = the time that took, clones included).
// `h` may be null: the same run without a history, for a baseline.
function feedLoad(h, sim, rate, ms) {
  const end = Number(sim.time_ms()) + ms;
  let i = Number(sim.time_ms()) / 100;
  let recordMs = 0;
  while (Number(sim.time_ms()) < end) {
    let cmd;
    if (rate === 10) {
      sim.advance(100);
      cmd = `put k${i % 7} v${i}`;
    } else {
      cmd = rate > 0 ? `load put ${rate}/s for 100ms` : 'run 100ms';
    }
    i++;
    const before = Number(sim.time_ms());
    sim.exec(cmd);
    sim.events();
    sim.sent_messages();
    if (h) {
      const view = sim.frame_state(40); // the page's frame view, which the history reads its counts from
      const r0 = performance.now();
      h.afterExec(sim, cmd, before, [], view);
      recordMs += performance.now() - r0;
    }
  }
  return recordMs;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

// Time travel over a long loaded run (issue 9): the page's History
// (web/history.js, with the element's settings: HISTORY_DEFAULTS) fed as the
// page feeds it (feedLoad). Prints what the history holds (checkpoints,
// estimated bytes beside the wasm memory it really added over the same run
// without a history, reach) and how long a seek takes at instants across the
// run. `--travel-minutes 10` and `--rates 10,100` choose the runs.
async function timeTravel() {
  const { History, HISTORY_DEFAULTS: D } = await import('../web/history.js');
  const minutes = Number(arg('travel-minutes', QUICK ? '2' : '10'));
  const rates = arg('rates', '10,100').split(',').map(Number);
  const end = minutes * 60000;
  for (const rate of rates) {
    const { Simulation, memory } = await load();
    const wasm = { Simulation, inspect_script: () => ({ commands: [] }) };
    const h = new History(wasm, { recentMs: 2000 });
    const sim = new Simulation('cluster 5\nseed 7\n');
    h.record(sim, [], true);
    const t0 = performance.now();
    const recordMs = feedLoad(h, sim, rate, end);
    const build = (performance.now() - t0) / 1000;
    const r = h.reach();
    const withHistory = memory.buffer.byteLength;
    // The same run without a history, in a fresh instance: what the history added.
    const bare = await load();
    const twin = new bare.Simulation('cluster 5\nseed 7\n');
    feedLoad(null, twin, rate, end);
    const without = bare.memory.buffer.byteLength;
    twin.free();
    console.log(`time travel, ${minutes}-minute run at ${rate} puts/s (5 servers; the page's History: a checkpoint every ` +
      `${D.everyMs} ms, at most ${D.max} / ${mib(D.budgetBytes)} MiB / ${D.maxGapMs / 1000} s apart)`);
    console.log(`  built in ${build.toFixed(0)} s wall (history work ${(recordMs / 1000).toFixed(1)} s, ` +
      `${((100 * recordMs) / 1000 / build).toFixed(1)} %); ` +
      `${r.checkpoints} checkpoints, ${r.thinned} thinned; reaches back to ${(r.from / 1000).toFixed(1)} s of ${(end / 1000).toFixed(0)} s`);
    console.log(`  history: ${mib(r.bytes)} MiB estimated, ${mib(withHistory - without)} MiB measured (wasm memory ` +
      `${mib(withHistory)} MiB with it, ${mib(without)} MiB for the same run without)`);
    const gaps = h.list.slice(1).map((c, i) => c.time - h.list[i].time);
    console.log(`  checkpoint spacing, oldest to newest (s): ${gaps.map((g) => (g / 1000).toFixed(1)).join(' ')}`);
    // Seeks: 20 instants spread over the reach, and 5 in the last 10 s.
    const targets = [];
    for (let k = 0; k < 20; k++) targets.push(Math.floor(r.from + (end - r.from) * (k + 0.37) / 20));
    for (let k = 0; k < 5; k++) targets.push(end - 10000 + k * 2011);
    const times = [];
    for (const target of targets) {
      const s0 = performance.now();
      const got = h.travel(target);
      times.push(performance.now() - s0);
      got.sim.free();
    }
    const all = [...times].sort((a, b) => a - b);
    const recent = times.slice(20).sort((a, b) => a - b);
    console.log(`  seek (travel to an instant, ms): median ${pct(all, 0.5).toFixed(1)}, ` +
      `p90 ${pct(all, 0.9).toFixed(1)}, max ${all[all.length - 1].toFixed(1)}; ` +
      `in the last 10 s: median ${recent[2].toFixed(1)}, max ${recent[4].toFixed(1)}  (target ≤ 50 ms)`);
    h.clear();
    sim.free();
  }
}

// The size model against real memory (web/history.js estimateBytes): what one
// more kept checkpoint adds to wasm memory through a loaded run. Each case
// runs twice in fresh instances (wasm memory never shrinks, so a fresh one
// has nothing freed to reuse): once with a History that keeps a checkpoint
// every N simulated seconds and never thins, once without; the difference
// per checkpoint is what keeping one costs, beside what the model charged.
async function marginal() {
  const { History } = await import('../web/history.js');
  const minutes = Number(arg('marginal-minutes', QUICK ? '3' : '10'));
  const cases = [
    // [servers, puts/s, a checkpoint every N s, extra setup]
    [5, 0, 5, ''],
    [5, 10, 1, ''], [5, 10, 5, ''], [5, 10, 15, ''],
    [5, 100, 1, ''], [5, 100, 5, ''], [5, 100, 15, ''],
    [15, 10, 5, ''],
    [5, 10, 5, 'set snapshot-threshold 200'],
    [5, 100, 5, 'set snapshot-threshold 1000'],
  ];
  console.log(`one more kept checkpoint: wasm memory it adds (measured) and what the size model charges, KiB per checkpoint; ${minutes}-minute runs`);
  console.log(`${'servers'.padStart(7)} ${'puts/s'.padStart(6)} ${'every'.padStart(6)} ${'kept'.padStart(5)} ${'measured'.padStart(9)} ${'estimated'.padStart(9)} ${'est/meas'.padStart(8)}  setup`);
  for (const [servers, rate, every, extra] of cases) {
    const setup = `cluster ${servers}\nseed 7\n${extra ? `${extra}\n` : ''}`;
    const run = async (keep) => {
      const { Simulation, memory } = await load();
      const wasm = { Simulation, inspect_script: () => ({ commands: [] }) };
      const h = new History(wasm, { everyMs: keep ? every * 1000 : Infinity, max: Infinity, budgetBytes: Infinity, maxGapMs: Infinity, cloneRatio: 0 });
      const sim = new Simulation(setup);
      h.record(sim, [], true);
      feedLoad(h, sim, rate, minutes * 60000);
      const out = { mem: memory.buffer.byteLength, n: h.length, bytes: h.bytes };
      h.clear();
      sim.free();
      return out;
    };
    const without = await run(false);
    const kept = await run(true);
    const n = kept.n - without.n;
    const measured = (kept.mem - without.mem) / n / 1024;
    const estimated = (kept.bytes - without.bytes) / n / 1024;
    console.log(`${String(servers).padStart(7)} ${String(rate).padStart(6)} ${`${every} s`.padStart(6)} ${String(n).padStart(5)} ` +
      `${measured.toFixed(0).padStart(9)} ${estimated.toFixed(0).padStart(9)} ${(estimated / measured).toFixed(2).padStart(8)}  ${extra}`);
  }
}

// Time travel through a 10-minute loaded run (100 puts/s, RaftScope's
// workload; issue target: any instant within 50 ms). A checkpoint (clone())
// every second; seeking to instant t = clone the nearest checkpoint at or
// before t (every EVERY seconds, to see how the spacing matters) and replay
// the load from it up to t.
async function seek() {
  const { Simulation, memory } = await load();
  const sim = new Simulation('cluster 5\nseed 7\n');
  const minutes = QUICK ? 2 : 10;
  const checkpoints = [];
  const cloneMs = [];
  const before = memory.buffer.byteLength;
  for (let s = 0; s < minutes * 60; s++) {
    const t0 = performance.now();
    checkpoints.push(sim.clone());
    cloneMs.push(performance.now() - t0);
    sim.exec('load put 100/s for 1s');
    sim.events();
  }
  cloneMs.sort((a, b) => a - b);
  const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(2);
  console.log(
    `time travel, ${minutes} min at 100 puts/s, 5 servers: ${checkpoints.length} checkpoints (one per simulated s), ` +
      `clone() median ${pct(cloneMs, 0.5)} ms, p95 ${pct(cloneMs, 0.95)} ms, max ${pct(cloneMs, 1)} ms; ` +
      `wasm memory ${mib(before)} -> ${mib(memory.buffer.byteLength)} MiB`,
  );
  let x = 7;
  const targets = Array.from({ length: 20 }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * minutes * 60_000);
  });
  for (const every of [1, 5, 15]) {
    const ms = targets.map((t) => {
      const t0 = performance.now();
      const from = Math.floor(t / 1000 / every) * every;
      const copy = checkpoints[from].clone();
      for (let s = from; s < Math.floor(t / 1000); s++) copy.exec('load put 100/s for 1s');
      if (t % 1000) copy.exec(`load put 100/s for ${t % 1000}ms`);
      copy.state();
      const took = performance.now() - t0;
      copy.free();
      return took;
    });
    ms.sort((a, b) => a - b);
    console.log(`  seek to 20 random instants, a checkpoint every ${String(every).padStart(2)} s: median ${pct(ms, 0.5)} ms, max ${pct(ms, 1)} ms`);
  }
  for (const c of checkpoints) c.free();
  sim.free();
}

const only = arg('only', '');
if (only === 'travel') {
  await timeTravel();
} else if (only === 'marginal') {
  await marginal();
} else if (only === 'seek') {
  await seek();
} else if (only === 'state') {
  await stateAndClone();
} else {
  await stateAndClone();
  await seek();
  await memory();
  await realTime();
  await marginal();
  await timeTravel();
}
