// Issue 12, the operator's view: the metrics panel. Under a client load its
// headline numbers are raft-sim's (`state().metrics`), its four plots are
// drawn (the model the element exposes, and the canvases' pixels), it speaks
// both languages, it reads the metrics only when there is something new (a
// closed simulated second, a command) and not while scrolled out of view,
// and an embed shows it only when asked (`controls="metrics"`).
//
// Everything runs in simulated time: commands move time; the two tests that
// play wait for simulated time to pass (frames), never for a fixed delay.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec, screenshot } from './lib/page.mjs';
import en from '../../web/i18n/en.js';
import zh from '../../web/i18n/zh.js';

const fixture = useLab();

const LOAD = 'await leader any within 2s\nload put 50/s for 5s\nrun 400ms';

/** The panel as the reader sees it: headline texts, labels, and what each plot canvas shows. */
async function readPanel(page) {
  return page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const sec = el.shadowRoot.querySelector('[data-testid="metrics"]');
    const text = (sel) => sec.querySelector(sel).textContent;
    const accent = getComputedStyle(sec).getPropertyValue('--rl-accent').trim();
    const rgb = /^#([0-9a-f]{6})$/i.test(accent) ? [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16)) : null;
    // Pixels of the plot's accent colour (the lines and bars): none when a plot shows only its axes or "no data".
    const plots = {};
    for (const c of sec.querySelectorAll('canvas[data-plot]')) {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let marked = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 24) marked++;
      }
      plots[c.dataset.plot] = { marked, url: c.toDataURL(), w: c.width, h: c.height, aria: c.getAttribute('aria-label') };
    }
    const box = sec.getBoundingClientRect();
    return {
      visible: box.width > 0 && box.height > 0,
      title: text('h2'),
      labels: [...sec.querySelectorAll('dt')].map((d) => d.textContent),
      values: Object.fromEntries([...sec.querySelectorAll('dd')].map((d) => [d.dataset.metric, d.textContent])),
      plots,
      model: el.metricsModel(),
      reads: el.metricsReads,
      accent: rgb,
    };
  });
}

/** The number in a headline text ("38 ms", "43.7 ops/s", "0.22 s", "43.7 次/秒"). */
const num = (s) => Number(/-?\d+(\.\d+)?/.exec(s)[0]);

function assertHeadline(panel, m, lang) {
  const lat = m.commit_latency_ms;
  assert.equal(num(panel.values.p50), lat.p50, `p50 shown ${panel.values.p50}`);
  assert.equal(num(panel.values.p99), lat.p99, `p99 shown ${panel.values.p99}`);
  assert.ok(Math.abs(num(panel.values.ops) - m.ops_per_s) <= 0.05, `ops/s shown ${panel.values.ops}, state ${m.ops_per_s}`);
  assert.equal(num(panel.values.elections), m.elections);
  assert.ok(Math.abs(num(panel.values.leaderless) * 1000 - m.leaderless_ms) <= 5, `without a leader: ${panel.values.leaderless} vs ${m.leaderless_ms} ms`);
  const table = lang === 'zh' ? zh : en;
  assert.equal(panel.title, table['panel.metrics']);
  assert.deepEqual(panel.labels, ['metrics.p50', 'metrics.p99', 'metrics.ops', 'metrics.elections', 'metrics.leaderless'].map((k) => table[k]));
  assert.equal(panel.values.p50, table['metrics.value.ms'].replace('{v}', String(lat.p50)), 'the unit in the language');
}

test('full view: under a load, the headline is state().metrics and every plot is drawn, in both languages', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  const view = await exec(page, LOAD);
  const m = view.metrics;
  const lat = m.commit_latency_ms;
  assert.ok(lat && lat.count >= 240, `the 250 puts committed (${lat && lat.count})`);

  const panel = await readPanel(page);
  assert.ok(panel.visible, 'the full view shows the metrics panel');
  assertHeadline(panel, m, 'en');

  // The plots' model is state().metrics: one point per closed simulated second.
  const model = panel.model;
  assert.ok(model, 'the panel has drawn a model');
  assert.equal(model.throughput.length, m.windows.length);
  assert.deepEqual(model.throughput.map((p) => p.v), m.windows.map((w) => w.ops_per_s));
  assert.deepEqual(model.latency.map((p) => p.p99), m.windows.map((w) => (w.commit_latency_ms ? w.commit_latency_ms.p99 : null)));
  assert.equal(model.histogram.reduce((s, b) => s + b.n, 0), lat.count, 'every commit is in the histogram');
  const last = m.windows[m.windows.length - 1];
  const leaderBar = model.servers.bars.find((b) => b.leader);
  assert.equal(leaderBar.id, view.leader);
  assert.equal(leaderBar.v, last.sent_per_s_by_node[view.leader]);
  assert.ok(model.servers.bars.every((b) => b.leader || b.v < leaderBar.v), 'the leader sends the most');
  for (const [kind, marks] of Object.entries(model.marks)) assert.ok(marks > 0, `${kind}: ${marks} marks drawn`);
  for (const [kind, p] of Object.entries(panel.plots)) {
    assert.ok(p.marked > 20, `${kind}: ${p.marked} pixels of the plot colour`);
  }
  // For screen readers, each plot says its newest numbers.
  assert.ok(panel.plots.servers.aria.includes(`n${view.leader}`), panel.plots.servers.aria);
  assert.ok(panel.plots.latency.aria.includes(`p99 ${last.commit_latency_ms.p99} ms`), panel.plots.latency.aria);
  await screenshot(page, '12-metrics-full');

  // 简体中文: the labels, the units and the canvases' axis labels change; the numbers do not.
  await page.evaluate(() => { document.querySelector('raft-lab').lang = 'zh'; });
  const zhPanel = await readPanel(page);
  assertHeadline(zhPanel, m, 'zh');
  assert.notEqual(zhPanel.plots.throughput.url, panel.plots.throughput.url, 'the throughput plot was redrawn with 秒 on its axis');
  assert.equal(zhPanel.reads, panel.reads, 'a language switch repaints without reading the metrics again');
  assert.ok(zhPanel.plots.throughput.aria.startsWith(zh['metrics.plot.throughput.title']), zhPanel.plots.throughput.aria);

  // Time travel back: the panel shows the metrics of that instant (all its windows read again).
  const past = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.travelTo(3200);
    return el.state().metrics;
  });
  const travelled = await readPanel(page);
  assert.equal(travelled.model.timeMs, 3200);
  assert.deepEqual(travelled.model.throughput.map((p) => p.v), past.windows.map((w) => w.ops_per_s));
  assert.equal(travelled.model.throughput.length, 3, 'three seconds closed at 3.2 s');
  assertHeadline(travelled, past, 'zh');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('phone: the panel fits 390 px, and is neither read nor painted while scrolled out of view', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1&lang=zh', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  t.after(() => page.context().close());
  const view = await exec(page, LOAD);
  const panel = await readPanel(page);
  assertHeadline(panel, view.metrics, 'zh');
  const fit = await page.evaluate(() => {
    const sec = document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="metrics"]');
    const r = sec.getBoundingClientRect();
    const canvases = [...sec.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().width);
    return { left: r.left, right: r.right, canvases, overflow: document.documentElement.scrollWidth - innerWidth };
  });
  assert.ok(fit.left >= 0 && fit.right <= 390, `the panel spans ${fit.left}..${fit.right}`);
  assert.ok(fit.overflow <= 1, 'nothing wider than the phone');
  assert.ok(fit.canvases.every((w) => w >= 140), `plots at least 140 px wide: ${fit.canvases}`);
  for (const [kind, p] of Object.entries(panel.plots)) assert.equal(p.w, Math.round(p.w / 2) * 2, `${kind} drawn at 2x`);
  await page.locator('raft-lab [data-testid="metrics"]').scrollIntoViewIfNeeded();
  await page.locator('raft-lab [data-testid="metrics"]').screenshot({ path: 'test-output/screenshots/12-metrics-phone-panel.png' });
  await screenshot(page, '12-metrics-phone', { fullPage: false });

  // Scrolled to the top, the panel is below the fold: playing closes
  // windows, but the panel neither reads the metrics nor repaints.
  await page.evaluate(() => window.scrollTo(0, 0));
  const off = await page.evaluate(() => {
    const r = document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="metrics"]').getBoundingClientRect();
    return r.top >= innerHeight;
  });
  assert.ok(off, 'the panel starts below the fold');
  const before = await page.evaluate(() => document.querySelector('raft-lab').metricsReads);
  const played = await page.evaluate(async () => {
    const el = document.querySelector('raft-lab');
    el.speed = 20;
    const from = el.simTime;
    el.play();
    await new Promise((resolve) => {
      const tick = () => (el.simTime - from >= 3000 ? resolve() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });
    el.pause();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return { from, to: el.simTime, reads: el.metricsReads };
  });
  assert.ok(Math.floor(played.to / 1000) - Math.floor(played.from / 1000) >= 3, 'three windows closed meanwhile');
  assert.equal(played.reads, before, 'no read while off screen');
  // Back in view, the next frame reads and paints the current instant.
  await page.locator('raft-lab [data-testid="metrics"]').scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => document.querySelector('raft-lab').metricsReads > n, before);
  const back = await readPanel(page);
  assert.equal(back.model.timeMs, played.to, 'the panel shows the instant the run paused at');
  assertHeadline(back, await page.evaluate(() => document.querySelector('raft-lab').state().metrics), 'zh');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('while playing, the panel reads the metrics once per closed window at most, not every frame', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=2');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s\nload put 20/s for 1s');
  const r = await page.evaluate(async () => {
    const el = document.querySelector('raft-lab');
    el.render();
    el.speed = 5;
    const reads = el.metricsReads;
    const frames = el.frameStats().length;
    const from = el.simTime;
    el.play();
    await new Promise((resolve) => {
      const tick = () => (el.simTime - from >= 2500 ? resolve() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });
    // Read before the pause (a pause re-reads once, for the exact instant).
    const during = el.metricsReads - reads;
    const to = el.simTime;
    el.pause();
    return { during, frames: el.frameStats().length - frames, closed: Math.floor(to / 1000) - Math.floor(from / 1000) };
  });
  assert.ok(r.frames > r.closed + 2, `enough frames to tell (${r.frames} frames, ${r.closed} windows)`);
  assert.ok(r.during <= r.closed, `${r.during} reads for ${r.closed} closed windows over ${r.frames} frames`);
  assert.ok(r.during >= 1, 'the panel followed the run');
});

test('embeds: view="compact" controls="metrics" is the ring and the panel; without it the panel stays hidden and unread', async (t) => {
  const shown = await openLab(fixture.lab, 'nodes=3&seed=1&view=compact&controls=metrics', { viewport: { width: 640, height: 900 } });
  t.after(() => shown.context().close());
  const view = await exec(shown, LOAD);
  const panel = await readPanel(shown);
  assert.ok(panel.visible, 'controls="metrics" shows the panel');
  assertHeadline(panel, view.metrics, 'en');
  for (const [kind, p] of Object.entries(panel.plots)) assert.ok(p.marked > 20, `${kind} drawn`);
  const parts = await shown.evaluate(() => {
    const root = document.querySelector('raft-lab').shadowRoot;
    const seen = (sel) => { const e = root.querySelector(sel); return !!e && e.getClientRects().length > 0; };
    return { ring: seen('canvas.rl-ring'), logs: seen('.rl-logpanel'), console: seen('.rl-console'), events: seen('.rl-feed-sec'), net: seen('.rl-net') };
  });
  assert.deepEqual(parts, { ring: true, logs: false, console: false, events: false, net: false });
  await screenshot(shown, '12-metrics-embed');

  for (const query of ['view=compact&controls=crash+put', 'view=figure', 'view=diagram']) {
    const page = await openLab(fixture.lab, `nodes=3&seed=1&${query}`);
    await exec(page, LOAD);
    const after = await readPanel(page);
    assert.equal(after.visible, false, `${query}: the panel is hidden`);
    assert.equal(after.reads, 0, `${query}: the metrics are never read`);
    assert.equal(after.model, null, `${query}: nothing plotted`);
    await page.context().close();
  }
});
