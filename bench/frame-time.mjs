#!/usr/bin/env node
// Frame-time benchmark (not a test): how much JavaScript + wasm work each
// animation frame of the page costs, with 5 and with 15 nodes under a steady
// client load, plus the size of the release wasm.
//
//   npm run bench                       (builds the release wasm first)
//   node bench/frame-time.mjs [--seconds 4] [--nodes 5,15] [--history 5000] [--latency 150..300]
//
// --history N first writes N entries (`load put 500/s`), so the frames are
// measured with that much history behind them (issue 9).
//
// Per-frame work is what `<raft-lab>.frameStats()` records: the time spent in
// the element's requestAnimationFrame callback (advancing the wasm simulation,
// reading the view model, drawing the canvases). It excludes the browser's own
// compositing, so it measures our code, not the headless GPU emulation.

import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { startLab, openLab, exec, requireReleaseBuild, WASM_PATH } from '../tests/e2e/lib/page.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const SECONDS = Number(arg('seconds', '4'));
const WARMUP_SECONDS = 1;
const PUTS_PER_SECOND = 20;
const SIZES = arg('nodes', '5,15').split(',').map(Number);
const HISTORY = Number(arg('history', '0'));
// --latency A..B (ms): slow links, so many messages are in flight at once
// (issue 9's frame target: 15 servers, 200 messages in flight, 5,000 entries).
const LATENCY = arg('latency', '');

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

async function measure(lab, nodes) {
  const page = await openLab(lab, `nodes=${nodes}&seed=1`);
  try {
    if (LATENCY) {
      // Slow links: election timeouts well above the round trip, so the
      // cluster keeps its leader while the links are full.
      const [a, b] = LATENCY.split('..').map(Number);
      await page.evaluate((text) => document.querySelector('raft-lab').reset(text),
        `cluster ${nodes}\nseed 1\nset election-timeout ${b * 5}ms..${b * 10}ms\nset latency ${a}ms..${b}ms\n`);
    }
    let view = await exec(page, `await leader any within ${LATENCY ? 30 : 3}s`);
    if (HISTORY > 0) view = await exec(page, `load put 500/s for ${Math.ceil((HISTORY / 500) * 1000)}ms\nrun 2s`);
    if (!view.nodes.some((n) => n.role === 'leader')) throw new Error(`no leader with ${nodes} nodes`);

    // Play at 1x with a client writing PUTS_PER_SECOND keys per real second;
    // count the animation frames of the measured window ourselves, so we take
    // exactly that window's entries from frameStats() (which keeps the last N).
    const result = await page.evaluate(
      async ({ seconds, warmup, rate }) => {
        const el = document.querySelector('raft-lab');
        el.speed = 1;
        let i = 0;
        const client = setInterval(() => {
          i += 1;
          el.exec(`put k${i % 50} v${i}`);
        }, 1000 / rate);
        el.play();
        await new Promise((r) => setTimeout(r, warmup * 1000));
        let frames = 0;
        let counting = true;
        const inFlight = [];
        const count = () => {
          if (!counting) return;
          frames += 1;
          // Sample the messages in flight every 15th frame (after the element's frame ran).
          if (frames % 15 === 0) inFlight.push((el.state().in_flight || []).length);
          requestAnimationFrame(count);
        };
        requestAnimationFrame(count);
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, seconds * 1000));
        counting = false;
        const elapsed = performance.now() - t0;
        clearInterval(client);
        el.pause();
        const stats = el.frameStats();
        const parts = el.frameParts().slice(-frames);
        const state = el.state();
        return {
          frames,
          elapsed,
          stats: stats.slice(-frames),
          parts,
          puts: i,
          simMs: state.time_ms,
          inFlight: (state.in_flight || []).length,
          inFlightMean: inFlight.length ? inFlight.reduce((a, b) => a + b, 0) / inFlight.length : 0,
          entries: Math.max(...state.nodes.map((n) => n.last_index)),
          committed: Math.max(...state.nodes.map((n) => n.commit)),
          violations: state.violations.length,
        };
      },
      { seconds: SECONDS, warmup: WARMUP_SECONDS, rate: PUTS_PER_SECOND },
    );
    if (page.errors.length) throw new Error(`page errors: ${page.errors.join('\n')}`);
    return result;
  } finally {
    await page.context().close();
  }
}

const info = requireReleaseBuild();
const lab = await startLab();
try {
  console.log(`frame-time benchmark: release wasm (${info.wasm_opt}), ${SECONDS} s at 1x after ${WARMUP_SECONDS} s warm-up,`);
  console.log(`client load ${PUTS_PER_SECOND} puts/s${HISTORY ? `, after ${HISTORY} puts of history` : ''}${LATENCY ? `, latency ${LATENCY} ms` : ''}; ` +
  'per-frame JS+wasm work from <raft-lab>.frameStats() (target p95 ≤ 4 ms at 15 servers, 200 in flight, 5,000 entries)');
  for (const nodes of SIZES) {
    const r = await measure(lab, nodes);
    const sorted = [...r.stats].sort((a, b) => a - b);
    const fps = (r.frames / r.elapsed) * 1000;
    console.log(
      `${String(nodes).padStart(2)} nodes: median ${quantile(sorted, 0.5).toFixed(2)} ms, ` +
        `p95 ${quantile(sorted, 0.95).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms ` +
        `over ${sorted.length} frames (${fps.toFixed(0)} fps); ${r.puts} puts, commit index ${r.committed}, ` +
        `${r.entries} entries, ${r.inFlightMean.toFixed(0)} messages in flight on average (${r.inFlight} at the end), ${r.violations} violations`,
    );
    // Where a frame's time goes (element.frameParts()).
    const phase = (k) => {
      const v = r.parts.map((p) => p[k]).sort((a, b) => a - b);
      return `${k} ${quantile(v, 0.5).toFixed(2)} / ${quantile(v, 0.95).toFixed(2)}`;
    };
    console.log(`          by phase, median / p95 ms: ${['advance', 'refresh', 'draw'].map(phase).join(', ')} (refresh = frame_state() + events + history)`);
  }
} finally {
  await lab.close();
}

const wasm = readFileSync(WASM_PATH);
console.log(`wasm size: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzipped (${WASM_PATH.replace(/.*\/web\//, 'web/')})`);
