// Issue 9's frame budget: what the animation frame reads and paints.
//  - The element reads the lean frame view (`frame_state`): each log's
//    newest entries as many as the log panel shows, no client history, no
//    in-flight `fields` (the inspector has them from `sent_messages()`);
//    the public `state()` still returns the whole page view.
//  - A canvas scrolled out of view is not painted by the animation loop, and
//    is painted again once it comes back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec } from './lib/page.mjs';

const fixture = useLab();

test('the frame reads frame_state: the log panel\'s tail, no history, no in-flight fields; state() keeps them', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=3');
  t.after(() => page.context().close());
  await exec(page, 'set latency 20ms..40ms\nawait leader any within 5s\nload put 100/s for 3s\nrun 7ms');
  const r = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const frame = el._view; // what the last refresh read
    const full = el.state();
    const lens = frame.nodes.map((n) => ({ id: n.id, len: n.log.length, from: n.log_from, last: n.last_index }));
    return {
      capacity: el._logPanel.capacity(),
      lens,
      fullLen: full.nodes[0].log.length,
      frameHistory: frame.history.length,
      historyTotal: [frame.history_total, full.history_total],
      fullHistory: full.history.length,
      inFlight: [frame.in_flight.length, full.in_flight.length],
      frameFields: frame.in_flight.filter((m) => m.fields !== undefined).length,
      fullFields: full.in_flight.filter((m) => m.fields !== undefined).length,
      aFrameMessage: frame.in_flight.find((m) => m.type === 'AppendEntries' && m.entries > 0) || null,
    };
  });
  assert.ok(r.capacity > 0, 'the log panel says how many cells it shows');
  const tail = Math.max(r.capacity, 32);
  for (const n of r.lens) {
    assert.ok(n.last > 250, `n${n.id} holds the puts (last index ${n.last})`);
    assert.equal(n.len, tail, `n${n.id}: the frame carries the panel's tail`);
    assert.equal(n.from + n.len - 1, n.last, 'ending at the last index');
  }
  assert.equal(r.fullLen, 96, 'state() keeps the page view\'s 96 entries');
  assert.equal(r.frameHistory, 0);
  assert.equal(r.historyTotal[0], r.historyTotal[1]);
  assert.ok(r.fullHistory > 0);
  assert.ok(r.inFlight[0] > 0 && r.inFlight[0] === r.inFlight[1], `messages in flight: ${r.inFlight}`);
  assert.equal(r.frameFields, 0, 'no fields in the frame view');
  assert.equal(r.fullFields, r.inFlight[1], 'state() has every message\'s fields');

  // The inspector of a message in flight still shows its Figure 2 fields
  // (collected from sent_messages()).
  assert.ok(r.aFrameMessage, 'an AppendEntries with entries is in flight');
  await page.evaluate((id) => document.querySelector('raft-lab')._insight.inspectMessage(id), r.aFrameMessage.id);
  const text = await page.evaluate(() => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').textContent);
  assert.match(text, /prev_log_index/);
  assert.match(text, /leader_commit/);
});

test('a canvas scrolled out of view is not painted while playing, and is painted again when it comes back', async (t) => {
  // A tall element in a short window: the space-time diagram sits below the fold.
  const page = await openLab(fixture.lab, 'nodes=5&seed=4', { viewport: { width: 1280, height: 560 } });
  t.after(() => page.context().close());
  await page.evaluate(() => document.querySelector('raft-lab').setAttribute('height', '1600px'));
  await exec(page, 'await leader any within 3s\nrun 500ms');
  const pixels = (sel) => page.evaluate((s) => document.querySelector('raft-lab').shadowRoot.querySelector(s).toDataURL(), sel);
  const offscreen = () => page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const r = el._diagramCanvas.getBoundingClientRect();
    return r.top >= window.innerHeight || r.bottom <= 0;
  });
  await page.evaluate(() => { window.scrollTo(0, 0); document.querySelector('raft-lab').render(); });
  assert.ok(await offscreen(), 'the diagram starts below the fold');
  const diagramBefore = await pixels('canvas.rl-diagram');
  const ringBefore = await pixels('canvas.rl-ring');

  // Play until the loop has advanced the simulation by 300 ms of simulated
  // time (frames, not a fixed sleep), then pause and let one more frame run.
  await page.evaluate(async () => {
    const el = document.querySelector('raft-lab');
    el.speed = 1;
    const from = el.simTime;
    el.play();
    await new Promise((resolve) => {
      const tick = () => (el.simTime - from >= 300 ? resolve() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });
    el.pause();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
  assert.notEqual(await pixels('canvas.rl-ring'), ringBefore, 'the ring, on screen, was painted');
  assert.equal(await pixels('canvas.rl-diagram'), diagramBefore, 'the diagram, off screen, was not');

  // Scrolled into view, the next frames paint it at the current instant.
  await page.evaluate(() => document.querySelector('raft-lab')._diagramCanvas.scrollIntoView());
  assert.equal(await offscreen(), false);
  await page.waitForFunction((before) => document.querySelector('raft-lab')._diagramCanvas.toDataURL() !== before, diagramBefore);
  const shown = await pixels('canvas.rl-diagram');
  await page.evaluate(() => document.querySelector('raft-lab').render());
  assert.equal(shown, await pixels('canvas.rl-diagram'), 'what came back is the current instant, as render() paints it');
});
