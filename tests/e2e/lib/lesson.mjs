// Shared helpers of the lesson end-to-end tests (tests/e2e/lessons-*.test.mjs):
// open a lesson, read what the player shows, walk it through Next.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openLab, ROOT } from './page.mjs';

export const CJK = /[\u4e00-\u9fff]/;
export const LESSON_FILES = readdirSync(join(ROOT, 'lessons')).filter((f) => f.endsWith('.raft')).sort();
export const slugOf = (file) => file.replace(/^\d\d-/, '').replace(/\.raft$/, '');

/** The headless run's trace hash (`raft-sim run --json`), from the same file. */
export function headlessHash(file) {
  const out = execFileSync('cargo', ['run', '-q', '-p', 'raft-sim', '--', 'run', join('lessons', file), '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const view = JSON.parse(out);
  assert.ok(view.trace_hash, 'the CLI reports a trace hash');
  return view.trace_hash;
}

export async function openLesson(lab, slug, lang = 'en', { animate = false } = {}) {
  const page = await openLab(lab, `lesson=${slug}&lang=${lang}`);
  await page.waitForFunction(() => {
    const el = document.querySelector('raft-lab');
    return el.lessonPlayer && document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]')?.dataset.step === '0';
  }, null, { timeout: 20000 });
  // Slow-motion replays take real time; most tests only need the states.
  if (!animate) await page.evaluate(() => { const p = document.querySelector('raft-lab').lessonPlayer; p._settle(); p.animate = false; });
  return page;
}

/** What the panel shows now, and the cluster's state. */
export async function shown(page) {
  // A step's span replays in slow motion (a couple of seconds at most); the
  // state is read once it has landed on the step's final instant.
  await page.waitForFunction(() => document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]')?.dataset.animating !== 'true', null, { timeout: 15000 });
  return page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const panel = document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]');
    const q = (id) => panel.querySelector(`[data-testid="${id}"]`);
    const p = el.lessonPlayer;
    const s = el.state();
    return {
      step: Number(panel.dataset.step),
      finished: panel.dataset.finished === 'true',
      total: p.lesson.steps.length,
      text: q('lesson-text').textContent,
      expected: p.lesson.steps[p.k].text,
      task: !q('lesson-task').hidden,
      nextDisabled: q('lesson-next').disabled,
      nextLabel: q('lesson-next').textContent,
      status: q('lesson-status').textContent,
      dots: panel.querySelectorAll('[data-testid="lesson-dots"] button').length,
      failures: s.failures,
      hash: s.trace_hash,
      time: s.time_ms,
      nodes: s.nodes,
    };
  });
}

export const click = (page, id) => page.click(`[data-testid="${id}"]`);
export const plain = (s) => s.replace(/\*\*/g, '').replace(/`/g, '');

/** Next through the whole lesson; tasks by "Show me" unless `byHand[k]` types commands instead. */
export async function walk(page, lang, byHand = {}) {
  let s = await shown(page);
  const visited = [];
  for (;;) {
    assert.deepEqual(s.failures, [], `step ${s.step + 1}: the cluster went as the lesson says`);
    assert.equal(s.text, plain(s.expected[lang]), `step ${s.step + 1} shows its ${lang} text`);
    assert.equal(s.dots, s.total, 'one dot per step');
    visited.push(s.step);
    if (s.task) {
      assert.equal(s.nextDisabled, true, 'Next waits for the task');
      if (byHand[s.step]) {
        for (const line of byHand[s.step]) {
          await page.fill('[data-testid="command"]', line);
          await click(page, 'run-command');
        }
        await click(page, 'lesson-check');
      } else {
        await click(page, 'lesson-showme');
      }
      s = await shown(page);
      assert.equal(s.nextDisabled, false, `step ${s.step + 1}: the task is done (${s.status})`);
      assert.deepEqual(s.failures, []);
    }
    if (s.step === s.total - 1) break;
    await click(page, 'lesson-next');
    s = await shown(page);
  }
  await click(page, 'lesson-next'); // Finish
  s = await shown(page);
  assert.equal(s.finished, true);
  assert.ok(await page.isVisible('[data-testid="lesson-keep-playing"]'), '"Keep playing" at the end');
  return { visited, last: s };
}

