// End-to-end: lessons walked to the end through Next — one with "Show me",
// one in 中文 with its task done by hand in the command box — each ending on
// the trace hash `raft-sim run` gives headless; a wrong answer is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab } from './lib/page.mjs';
import { CJK, LESSON_FILES, slugOf, headlessHash, openLesson, shown, click, walk } from './lib/lesson.mjs';

const fixture = useLab();

test('leader-election, walked through Next with "Show me", ends on the headless trace hash', async (t) => {
  const file = LESSON_FILES.find((f) => slugOf(f) === 'leader-election');
  const page = await openLesson(fixture.lab, 'leader-election');
  t.after(() => page.context().close());
  const { visited, last } = await walk(page, 'en');
  assert.deepEqual(visited, [...Array(last.total).keys()], 'every step, in order');
  assert.equal(last.hash, headlessHash(file), 'narration never changes the run');
  // Keep playing: the panel goes away and the sandbox plays on from here.
  await click(page, 'lesson-keep-playing');
  assert.equal(await page.locator('[data-testid="lesson"]').count(), 0);
  assert.equal(await page.evaluate(() => document.querySelector('raft-lab').playing), true);
  assert.deepEqual(page.errors, []);
});

test('split-brain in 中文, its task done by hand in the command box, then the lesson continues', async (t) => {
  const file = LESSON_FILES.find((f) => slugOf(f) === 'split-brain');
  const page = await openLesson(fixture.lab, 'split-brain', 'zh');
  t.after(() => page.context().close());
  const first = await shown(page);
  assert.match(first.text, CJK, 'Chinese narration');
  assert.match(first.nextLabel, CJK, 'Chinese buttons');
  assert.match(await page.textContent('[data-testid="lesson-title"]'), CJK);
  // Step 2 (index 1) is the task: the reader types the partition themselves.
  const { last } = await walk(page, 'zh', { 1: ['partition n1 n2 | n3 n4 n5'] });
  // Typed at the same instant as the solution, it is the same run.
  assert.equal(last.hash, headlessHash(file), 'the hand-made partition gives the headless run');
  assert.deepEqual(page.errors, []);
});

test('a wrong answer is not accepted: Check restarts the task and says why', async (t) => {
  const page = await openLesson(fixture.lab, 'split-brain');
  t.after(() => page.context().close());
  await click(page, 'lesson-next');
  const before = await shown(page);
  assert.equal(before.task, true);
  // Partitioning n3 alone leaves the leader n1 with the majority: no new term.
  await page.fill('[data-testid="command"]', 'partition n3 | n1 n2 n4 n5');
  await click(page, 'run-command');
  await click(page, 'lesson-check');
  const after = await shown(page);
  assert.equal(after.nextDisabled, true, 'still waiting');
  assert.match(after.status, /Not yet/);
  assert.equal(after.hash, before.hash, 'back at the start of the task');
  assert.equal(after.time, before.time);
  await click(page, 'lesson-hint');
  assert.match(await page.textContent('[data-testid="lesson-hint-text"]'), /partition n1 n2 \| n3 n4 n5/);
});
