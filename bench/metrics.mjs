#!/usr/bin/env node
// Metrics panel benchmark (not a test, issue 12): what one read of the
// metrics costs the page, in node's V8 with the release wasm (web/pkg).
// After three simulated minutes under a write load (so all 120 one-second
// windows are full), with 5 and 15 servers:
//   metrics(1)     what the panel reads when one window closes while playing
//   metrics(120)   what it reads after a jump in time or a new run
//   frame_state(32)  what every animation frame reads anyway, for scale
//
//   node bench/metrics.mjs

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from './timing.mjs';

const PKG = fileURLToPath(new URL('../web/pkg/', import.meta.url));
const wasm = await import(new URL('../web/pkg/raft_wasm.js', import.meta.url).href);
await wasm.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });


console.log('servers | metrics(1) ms | metrics(120) ms | JSON KB (120) | frame_state(32) ms');
for (const nodes of [5, 15]) {
  const sim = new wasm.Simulation(`cluster ${nodes}\nseed 1\nawait leader any within 3s\n`);
  sim.exec('load put 20/s for 180s');
  sim.events();
  sim.sent_messages();
  const one = median(41, () => sim.metrics(1));
  const all = median(41, () => sim.metrics(120));
  const kb = JSON.stringify(sim.metrics(120)).length / 1024;
  const frame = median(41, () => sim.frame_state(32));
  console.log(`${nodes} | ${one.toFixed(3)} | ${all.toFixed(3)} | ${kb.toFixed(1)} | ${frame.toFixed(3)}`);
  sim.free();
}
