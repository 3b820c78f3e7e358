// End-to-end: the lesson player's Back (the previous step's exact state, by
// trace hash) and ←/→, the slow-motion replay of a step, screenshots of a step
// in each language, and an unknown lesson slug.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useLab, openLab, screenshot } from './lib/page.mjs';
import { openLesson, shown, click } from './lib/lesson.mjs';

const fixture = useLab();

test('split-vote through ←/→: Back restores the previous step exactly', async (t) => {
  const page = await openLesson(fixture.lab, 'split-vote');
  t.after(() => page.context().close());
  const record = [];
  let s = await shown(page);
  for (;;) {
    record[s.step] = s;
    if (s.task) {
      await click(page, 'lesson-showme');
      s = await shown(page);
    }
    if (s.step === s.total - 1) break;
    await page.keyboard.press('ArrowRight');
    s = await shown(page);
  }
  assert.equal(s.step, record.length - 1);
  // Back, step by step, to the first: each time the very state that step was shown in.
  for (let k = s.step - 1; k >= 0; k--) {
    await page.keyboard.press('ArrowLeft');
    const b = await shown(page);
    assert.equal(b.step, k);
    assert.equal(b.hash, record[k].hash, `step ${k + 1}: same trace hash after Back`);
    assert.equal(b.time, record[k].time);
    assert.deepEqual(b.nodes, record[k].nodes);
  }
  // And forward again through the dots: step 2 is reached the same way as before.
  await page.click('[data-testid="lesson-dots"] button[data-step="1"]');
  const again = await shown(page);
  assert.equal(again.hash, record[1].hash);
  assert.deepEqual(page.errors, []);
});

test('a step plays its span in slow motion and lands on the state the commands left', async (t) => {
  const page = await openLesson(fixture.lab, 'split-vote', 'en', { animate: true });
  t.after(() => page.context().close());
  await click(page, 'lesson-next'); // step 2: the two timeouts (no time passes)
  const before = await shown(page);
  // Step 3 runs 40 ms of simulated time: shown over about a second.
  const mid = await page.evaluate(() => {
    document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="lesson-next"]').click();
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
      animating: document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]').dataset.animating,
      time: document.querySelector('raft-lab').state().time_ms,
    }))));
  });
  assert.equal(mid.animating, 'true');
  const after = await shown(page);
  assert.ok(mid.time < after.time, `mid-way (${mid.time} ms) before the end (${after.time} ms)`);
  assert.ok(mid.time >= before.time);
  assert.equal(after.time, before.time + 40);
  assert.deepEqual(after.failures, []);
  // The same instant reached without the replay: a fresh walk with animation off.
  const p2 = await openLesson(fixture.lab, 'split-vote');
  t.after(() => p2.context().close());
  await p2.evaluate(() => { document.querySelector('raft-lab').lessonPlayer.animate = false; });
  await click(p2, 'lesson-next');
  await click(p2, 'lesson-next');
  const direct = await shown(p2);
  assert.equal(direct.hash, after.hash, 'the slow-motion replay ends on exactly the executed state');
  assert.deepEqual(direct.nodes, after.nodes);
});

test('a lesson step in English and in Chinese, on screen', async (t) => {
  for (const lang of ['en', 'zh']) {
    const page = await openLesson(fixture.lab, 'split-vote', lang);
    await click(page, 'lesson-next');
    await click(page, 'lesson-next');
    const s = await shown(page);
    assert.equal(s.step, 2);
    const path = await screenshot(page, `lesson-split-vote-step3-${lang}`, { fullPage: false });
    assert.ok(readFileSync(path).length > 10000, 'a real picture');
    await page.context().close();
  }
  // Lesson 1, step 3: an AppendEntries carrying entry 2, both emphasised.
  const page = await openLesson(fixture.lab, 'replicated-state-machine');
  t.after(() => page.context().close());
  await click(page, 'lesson-next');
  await click(page, 'lesson-next');
  const s = await shown(page);
  assert.equal(s.step, 2);
  const emph = await page.evaluate(() => document.querySelector('raft-lab')._ui.emphasis);
  assert.deepEqual(emph.messages, ['AppendEntries']);
  assert.deepEqual(emph.entries.map((e) => e.index), [2]);
  await screenshot(page, 'lesson-replicated-state-machine-step3-en', { fullPage: false });
});

test('an unknown lesson slug says so and leaves a working sandbox', async (t) => {
  const page = await openLab(fixture.lab, 'lesson=no-such-lesson');
  t.after(() => page.context().close());
  await page.waitForFunction(() => /no-such-lesson/.test(document.querySelector('raft-lab').shadowRoot?.querySelector('.rl-notices')?.textContent || ''), null, { timeout: 20000 });
  assert.match(await page.textContent('.rl-notices'), /There is no lesson “no-such-lesson”/);
  assert.equal(await page.locator('[data-testid="lesson"]').count(), 0, 'no panel');
  const s = await page.evaluate(() => { const el = document.querySelector('raft-lab'); el.exec('await leader any within 2s'); return el.state(); });
  assert.ok(s.nodes.some((n) => n.role === 'leader'), 'the sandbox still works');
  assert.deepEqual(page.errors, []);
});
