// End-to-end tests of bad input and the language switch: a bad command (from
// the JS API and typed into the page's console), a bad URL parameter, and
// switching the page to Simplified Chinese.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useLab,
  openLab,
  exec,
  execExpectingError,
  state,
  commandLog,
  screenshot,
  canvasColourCount,
  leaderOf,
  describe,
} from './lib/page.mjs';

const fixture = useLab();

const CJK = /[\u4e00-\u9fff]/;

test('a bad command throws with line:col, shows the message, and keeps the session', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s');
  await exec(page, 'put x 1');
  const kept = await exec(page, 'run 300ms');
  const logBefore = await commandLog(page);

  // Embedders hear about rejected commands through the raft-error event.
  // 1. The JS API: the Error names the line and column of the bad word, and nothing runs,
  //    not even the valid first line of the batch.
  await page.evaluate(() => {
    window.__raftErrors = [];
    document.querySelector('raft-lab').addEventListener('raft-error', (e) => window.__raftErrors.push(e.detail));
  });
  const err = await execExpectingError(page, 'run 100ms\nfrobnicate n1');
  assert.equal(err.threw, true, 'exec accepted an unknown command');
  assert.match(err.message, /\b2:1\b/, `the error should point at line 2, column 1: ${err.message}`);
  assert.match(err.message, /frobnicate/, `the error should name the bad command: ${err.message}`);
  const after = await state(page);
  assert.equal(after.time_ms, kept.time_ms, 'a rejected batch must run nothing');
  assert.deepEqual(after.nodes, kept.nodes);
  assert.equal(await commandLog(page), logBefore, 'a rejected command must not enter the command log');

  const rangeErr = await execExpectingError(page, 'crash n9');
  assert.equal(rangeErr.threw, true, 'n9 does not exist in a 5-node cluster');
  assert.match(rangeErr.message, /\b1:\d+\b/);

  // 2. Typed into the page's command box: the message is visible on the page.
  await page.locator('[data-testid="command"]').fill('put x');
  await page.locator('[data-testid="run-command"]').click();
  const shown = page.locator('[data-testid="command-error"]');
  await shown.waitFor({ state: 'visible', timeout: 5000 });
  const shownText = await shown.innerText();
  assert.match(shownText, /\d+:\d+/, `the visible error should carry line:col: "${shownText}"`);
  const events = await page.evaluate(() => window.__raftErrors);
  assert.ok(events.some((d) => d && /\d+:\d+/.test(d.message)), `no raft-error event for the typed command: ${JSON.stringify(events)}`);
  await screenshot(page, '07-bad-command');

  // 3. The session goes on: the next good command runs from where it was.
  const next = await exec(page, 'put y 2\nrun 300ms');
  assert.equal(next.time_ms, kept.time_ms + 300);
  assert.ok(leaderOf(next), describe(next));
  for (const n of next.nodes) {
    assert.equal(n.kv.x, '1');
    assert.equal(n.kv.y, '2');
  }
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('a bad URL parameter shows a clear message and the canvas still draws', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=abc&seed=1');
  t.after(() => page.context().close());

  // The page still runs a default cluster …
  const view = await exec(page, 'await leader any within 2s');
  assert.ok(view.nodes.length >= 1 && view.nodes.length <= 15);
  assert.ok(leaderOf(view), describe(view));
  assert.ok((await canvasColourCount(page)) > 8, 'the ring canvas looks blank');

  // … and says, visibly, which parameter was wrong.
  const notice = page.locator('raft-lab [role="alert"], raft-lab [aria-live], [role="alert"]').filter({ hasText: /nodes|abc/i });
  await notice.first().waitFor({ state: 'visible', timeout: 5000 });
  const text = await notice.first().innerText();
  assert.match(text, /nodes/i, `the message should name the parameter: "${text}"`);
  await screenshot(page, '08-bad-url-parameter');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('a bad scenario in the URL shows line:col and the canvas still draws', async (t) => {
  const page = await openLab(fixture.lab, `scenario=${encodeURIComponent('cluster 3\nfly n1\n')}&seed=1`);
  t.after(() => page.context().close());
  const notice = page.locator('[role="alert"], [aria-live]').filter({ hasText: /\b2:1\b/ });
  await notice.first().waitFor({ state: 'visible', timeout: 5000 });
  assert.ok((await canvasColourCount(page)) > 8, 'the ring canvas looks blank');
  await screenshot(page, '09-bad-url-scenario');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('switching the language to 中文 changes the visible text', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s');

  const labels = async () =>
    page.evaluate(() =>
      ['step', 'reset', 'heal'].map((id) => document.querySelector('raft-lab').shadowRoot.querySelector(`[data-testid="${id}"]`)?.innerText ?? null),
    );
  const english = await labels();
  assert.ok(english.every((s) => s && /[A-Za-z]/.test(s) && !CJK.test(s)), `English labels: ${english}`);
  assert.equal(await page.evaluate(() => document.querySelector('raft-lab').lang), 'en');

  await page.locator('[data-testid="lang"]').selectOption('zh');
  const chinese = await labels();
  assert.ok(chinese.every((s) => s && CJK.test(s)), `labels after switching to 中文: ${chinese}`);
  assert.equal(await page.evaluate(() => document.querySelector('raft-lab').lang), 'zh');
  assert.ok((await canvasColourCount(page)) > 8);
  await screenshot(page, '10-chinese');

  // And back: the same English labels as before.
  await page.locator('[data-testid="lang"]').selectOption('en');
  assert.deepEqual(await labels(), english);
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});
