#!/usr/bin/env node
// Space-time diagram benchmark (not a test): feed the diagram's store
// (web/diagram/store.js) from a 15-server run the way the page does (trace
// events + message contents every 16 ms of simulated time) and time laying out
// what is visible (web/diagram/scene.js) at several zoom levels.
//
//   node bench/diagram.mjs [--nodes 15] [--minutes 10]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDiagramStore } from '../web/diagram/store.js';
import { buildScene } from '../web/diagram/scene.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const NODES = Number(arg('nodes', '15'));
const MINUTES = Number(arg('minutes', '10'));

const PKG = fileURLToPath(new URL('../web/pkg/', import.meta.url));
const wasm = await import(new URL('../web/pkg/raft_wasm.js', import.meta.url).href);
await wasm.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });

const sim = new wasm.Simulation(`cluster ${NODES}\nseed 1\n`);
const store = createDiagramStore();
const total = MINUTES * 60000;
let ingestMs = 0;
const t0 = performance.now();
for (let t = 0; t < total; t += 16) {
  sim.advance(16);
  if (t % 5000 < 16) sim.exec('put x 1');
  const evs = sim.events();
  const sent = sim.sent_messages();
  const a = performance.now();
  store.ingest(evs);
  store.addFields(sent);
  ingestMs += performance.now() - a;
}
const wall = performance.now() - t0;
const now = Number(sim.time_ms());
console.log(`${NODES} servers, ${MINUTES} simulated minutes: ${store.size} messages kept; simulating + feeding took ${(wall / 1000).toFixed(1)} s, of which the store's ingest ${(ingestMs / 1000).toFixed(2)} s (${(ingestMs / (total / 16) * 1000).toFixed(1)} µs per 16 ms frame)`);
for (const span of [1500, 10000, 60000, total]) {
  const times = [];
  let scene;
  for (let i = 0; i < 20; i++) {
    const a = performance.now();
    scene = buildScene(store, { t0: now - span, t1: now, width: 1200, height: 360, now, hover: null, selected: null });
    times.push(performance.now() - a);
  }
  times.sort((x, y) => x - y);
  console.log(`layout of the last ${span / 1000} s: median ${times[10].toFixed(2)} ms, max ${times[19].toFixed(2)} ms; ${scene.arrows.length} arrows drawn, ${scene.hidden} hidden`);
}
const mem = process.memoryUsage();
console.log(`node heap used ${(mem.heapUsed / 1048576).toFixed(0)} MB`);
