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

test('the log panel scrolls back through a whole log by keyboard and buttons, holds its place as the log grows, in both languages', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=3&seed=2&lang=en');
  t.after(() => page.context().close());
  const view = await exec(page, 'await leader any within 2s\nload put 50/s for 5s\nrun 1s');
  const last = Math.max(...view.nodes.map((n) => n.last_index));
  const lab = page.locator('raft-lab');
  const canvas = lab.locator('[data-testid="logs"]');
  const range = lab.locator('[data-testid="log-range"]');
  // Draw now (tests move time themselves) and read what the panel shows.
  const shown = () => page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const r = el._logPanel.range();
    const q = (id) => el.shadowRoot.querySelector(`[data-testid="${id}"]`);
    return { ...r, label: q('log-range').textContent, older: q('log-older').disabled, newer: q('log-newer').disabled, newest: q('log-newest').disabled };
  });

  let s = await shown();
  assert.equal(s.maxIndex, last);
  assert.ok(s.newest && s.first > 100, `it starts at the newest entries: ${JSON.stringify(s)}`);
  assert.equal(s.label, `entries ${s.first}–${last} of ${last}`);
  assert.ok(s.newer && s.newest && !s.older, 'only older is possible at the newest end');
  const fit = s.fit;

  // Keyboard, on the focused panel. Count the log_window fetches from here on.
  await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const sim = el._sim;
    const real = sim.log_window.bind(sim);
    window.__windows = [];
    sim.log_window = (id, from, count) => { window.__windows.push({ id, from, count }); return real(id, from, count); };
  });
  await canvas.focus();
  await page.keyboard.press('Home');
  s = await shown();
  assert.equal(s.first, 1, 'Home goes to the first entry');
  assert.equal(s.label, `entries 1–${fit} of ${last}`);
  assert.ok(s.older && !s.newer, 'at the oldest end only newer is possible');
  const fetched = await page.evaluate(() => window.__windows);
  assert.ok(fetched.some((w) => w.from === 1), `the oldest entries came from log_window: ${JSON.stringify(fetched)}`);
  await screenshot(page, 'log-panel-oldest');
  await page.keyboard.press('PageDown');
  s = await shown();
  assert.equal(s.first, 1 + (fit - 1), 'Page Down moves a page (keeping one entry)');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  s = await shown();
  assert.equal(s.first, fit + 1, '←/→ move one entry');

  // The log grows; the reader's place holds.
  await exec(page, 'load put 50/s for 1s\nrun 500ms');
  const held = await shown();
  assert.equal(held.first, s.first, 'scrolled back, the panel holds the same entries while the log grows');
  assert.ok(held.maxIndex > last, 'the log did grow');

  // Buttons: Newest follows the news again; Older pages back; in 中文 the line is Chinese.
  await lab.locator('[data-testid="log-newest"]').click();
  s = await shown();
  assert.ok(s.newest && s.last === held.maxIndex, `Newest: ${JSON.stringify(s)}`);
  await lab.locator('[data-testid="log-older"]').click();
  const back = await shown();
  assert.equal(back.first, s.first - (fit - 1));
  await page.evaluate(() => { document.querySelector('raft-lab').lang = 'zh'; });
  s = await shown();
  assert.equal(s.label, `第 ${s.first}–${s.last} 条，共 ${s.maxIndex} 条`);
  assert.equal(await lab.locator('[data-testid="log-older"]').textContent(), '◀ 更早');
  assert.match(await canvas.getAttribute('aria-label'), /Page Up/);
  await screenshot(page, 'log-panel-scrolled-zh');
  // A fresh run follows the newest entries again.
  await page.evaluate(() => document.querySelector('raft-lab').reset());
  assert.equal(await page.evaluate(() => document.querySelector('raft-lab')._ui.logFirst), null);
});
