#!/usr/bin/env node
// RaftScope comparison (not a test, issue 9): the real-time factor of
// RaftScope's model and of ours on RaftScope's own workload — 5 servers, 100
// client requests per simulated second — at short and at long history.
//
//   node bench/raftscope.mjs [--raftscope PATH] [--minutes 10] [--window 10]
//
// RaftScope's model is `raft.js` from https://github.com/ongardie/raftscope
// (Diego Ongaro, Copyright (c) 2014 Stanford University, ISC-style license).
// It is not copied into this repository: fetch it once, e.g.
//
//   mkdir -p bench/vendor/raftscope && curl -o bench/vendor/raftscope/raft.js \
//     https://raw.githubusercontent.com/ongardie/raftscope/master/raft.js
//
// (or pass --raftscope PATH). Without it, only our side is printed.
//
// How each is driven, headless, with the same simulated time:
// - RaftScope: the file runs in a fresh V8 context with the three helpers it
//   expects from its page (`util`, jQuery's `extend`, and `$("#channel-noise")`
//   read as 0 = no message loss), and `raft.update(model)` is called every
//   simulated millisecond (its time is in µs; its messages take 10-15 ms, its
//   election timeout is 100-200 ms), with `raft.clientRequest` on the leader
//   every 10 ms. That is its model alone: no rendering, and not its page's
//   history (state.js deep-compares and deep-clones the model after every
//   change, which costs more still).
// - Ours: the release wasm the page loads (web/pkg), `load put 100/s for 1s`
//   once per simulated second (open-loop clients, every invariant and the
//   linearizability check on, trace hashed), trace events taken every second
//   as the page would; then again without taking them (the simulator alone,
//   without the conversion of events to JS objects).
// Real-time factor = simulated seconds / wall seconds over a window of
// `--window` simulated seconds, measured at the start (short history) and
// again after `--minutes` simulated minutes of the same load (long history).

import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const WINDOW_S = Number(arg('window', '10'));
const MINUTES = Number(arg('minutes', '10'));
const RAFTSCOPE = arg('raftscope', fileURLToPath(new URL('vendor/raftscope/raft.js', import.meta.url)));
const PKG = fileURLToPath(new URL('../web/pkg/', import.meta.url));
const RATE = 100; // client requests per simulated second

/** RaftScope's model in a fresh context; returns { step(ms), log length, leader }. */
function raftScope(source) {
  // The helpers raft.js calls, written here from their documented behaviour
  // (RaftScope's util.js and jQuery): maps keyed by peer id, a deep merge.
  const util = {
    Inf: 1e300,
    randomBetween: (min, max) => Math.random() * (max - min) + min,
    numericCompare: (a, b) => a - b,
    countTrue: (bools) => bools.filter(Boolean).length,
    makeMap: (keys, value) => Object.fromEntries(keys.map((k) => [k, value])),
    mapValues: (m) => Object.values(m),
  };
  const extend = (deep, target, ...sources) => {
    for (const src of sources) {
      for (const [k, v] of Object.entries(src)) {
        if (deep && v && typeof v === 'object' && !Array.isArray(v)) target[k] = extend(true, target[k] ?? {}, v);
        else target[k] = v;
      }
    }
    return target;
  };
  const noLoss = { val: () => 0 };
  const context = vm.createContext({ util, jQuery: { extend }, $: () => noLoss, console, Math });
  vm.runInContext(`${source}\nthis.raft = raft;`, context);
  const raft = context.raft;
  const model = { servers: [], messages: [], time: 0 };
  for (let i = 0; i < 5; i++) model.servers.push(raft.server(model));
  let ms = 0;
  const leader = () => {
    let best = null;
    for (const s of model.servers) if (s.state === 'leader' && (!best || s.term > best.term)) best = s;
    return best;
  };
  return {
    step(count) {
      for (let i = 0; i < count; i++) {
        ms += 1;
        model.time = ms * 1000;
        if (ms % (1000 / RATE) === 0) {
          const l = leader();
          if (l) raft.clientRequest(model, l);
        }
        raft.update(model);
      }
    },
    logLength: () => Math.max(...model.servers.map((s) => s.log.length)),
    committed: () => Math.max(...model.servers.map((s) => s.commitIndex)),
  };
}

const mod = await import(new URL('../web/pkg/raft_wasm.js', import.meta.url).href);
await mod.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });

/** Ours; `takeEvents`: take the trace events every simulated second, as the
 * page does every frame (their conversion to JS objects is measured too). */
function ours(takeEvents) {
  const sim = new mod.Simulation('cluster 5\nseed 7\n');
  return {
    step(count) {
      for (let s = 0; s < count / 1000; s++) {
        sim.exec(`load put ${RATE}/s for 1s`);
        if (takeEvents) sim.events();
      }
    },
    logLength: () => Math.max(...sim.state().nodes.map((n) => n.last_index ?? n.log_from + n.log.length - 1)),
    committed: () => Math.max(...sim.state().nodes.map((n) => n.commit)),
    violations: () => sim.state().violations.length,
  };
}

/** x real time over one window of WINDOW_S simulated seconds. */
function window(model) {
  const t0 = performance.now();
  model.step(WINDOW_S * 1000);
  return WINDOW_S / ((performance.now() - t0) / 1000);
}

const fmt = (x) => `${x.toFixed(0)}x`.padStart(8);
console.log(`RaftScope's model vs ours (wasm in node), 5 servers, ${RATE} requests/s, x real time over ${WINDOW_S} s windows`);
const us = ours(true);
let them = null;
if (existsSync(RAFTSCOPE)) them = raftScope(readFileSync(RAFTSCOPE, 'utf8'));
else console.log(`(RaftScope's raft.js not found at ${RAFTSCOPE}: see the header of this file; printing ours only)`);

const row = (label, a, b) =>
  console.log(`${label.padEnd(34)} ours ${fmt(a)}${b ? `   RaftScope ${fmt(b)}   ratio ${(a / b).toFixed(1)}x` : ''}`);
// One simulated second first, so V8's compilation of both is not measured.
us.step(1000);
them?.step(1000);
const oursShort = window(us);
const theirsShort = them && window(them);
row('short history (first window)', oursShort, theirsShort);
// Grow both histories by MINUTES minutes of the same load, then measure again.
const grow = MINUTES * 60 * 1000 - WINDOW_S * 1000 - 1000;
const tg0 = performance.now();
us.step(grow);
const oursGrow = (grow / 1000) / ((performance.now() - tg0) / 1000);
let theirsGrow = null;
if (them) {
  const tg1 = performance.now();
  them.step(grow);
  theirsGrow = (grow / 1000) / ((performance.now() - tg1) / 1000);
}
row(`growing to ${MINUTES} min (average)`, oursGrow, theirsGrow);
row(`long history (window after ${MINUTES} min)`, window(us), them && window(them));
const bare = ours(false);
bare.step(1000);
const bareShort = window(bare);
bare.step(grow);
console.log(`ours without taking trace events (the simulator alone): short ${fmt(bareShort)}, after ${MINUTES} min ${fmt(window(bare))}`);
console.log(
  `  ours: log ${us.logLength()} entries, ${us.committed()} committed, ${us.violations()} violations` +
    (them ? `; RaftScope: log ${them.logLength()} entries, ${them.committed()} committed` : ''),
);
