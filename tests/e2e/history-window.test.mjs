// Issue 9: the view model carries only the newest entries of each log
// (`log_from ..= last_index`); the log panel fetches any older range it
// shows through the simulation's `log_window`, and draws those cells.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec, screenshot } from './lib/page.mjs';

const fixture = useLab();

test('a long log is windowed in state(); scrolled back, the log panel draws older entries from log_window', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=3&seed=2');
  t.after(() => page.context().close());
  const view = await exec(page, 'await leader any within 2s\nload put 50/s for 5s\nrun 1s');
  for (const n of view.nodes) {
    assert.ok(n.last_index > 200, `n${n.id} holds every put (last index ${n.last_index})`);
    assert.equal(n.log[0].index, n.log_from, 'log[0] is at log_from');
    assert.equal(n.log_from + n.log.length - 1, n.last_index, 'the window ends at the last index');
    assert.ok(n.log.length < n.last_index, 'the log is windowed');
  }
  assert.equal(view.history_total, 250, 'history_total counts every put');

  // Scroll the panel back past the window; draw once with log_window answering
  // nothing, once for real: the fetched cells must change the picture.
  const r = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const sim = el._sim;
    const canvas = el._els.log;
    const real = sim.log_window.bind(sim);
    const calls = [];
    el._ui.logOffset = 150;
    sim.log_window = () => [];
    el._logPanel.draw(el.state(), el._ui);
    const blank = canvas.toDataURL();
    sim.log_window = (id, from, count) => {
      const got = real(id, from, count);
      calls.push({ id, from, count, got: got.length, first: got[0] && got[0].index });
      return got;
    };
    el._logPanel.draw(el.state(), el._ui);
    const drawn = canvas.toDataURL();
    return { calls, differs: drawn !== blank, logFrom: el.state().nodes.map((n) => n.log_from) };
  });
  assert.ok(r.calls.length >= 3, `every row fetched its older range: ${JSON.stringify(r.calls)}`);
  for (const c of r.calls) {
    assert.ok(c.got > 0 && c.got === c.count, `a full window came back: ${JSON.stringify(c)}`);
    assert.ok(c.from < Math.min(...r.logFrom), `it reaches before the view model's window: ${JSON.stringify(c)}`);
  }
  assert.ok(r.differs, 'the fetched entries are drawn');
  await screenshot(page, 'history-window-scrolled');
});
