// End-to-end tests of the course: lessons played in the page through the
// lesson player's own buttons, in simulated time. Three lessons are walked to
// the end through Next (one in 中文), one task is done by hand through the
// command box (not "Show me"), Back is checked to restore the previous step
// exactly (same trace hash), a walked lesson ends on the same trace hash as
// `raft-sim run` gives headless, and lessons.html lists every lesson and
// opens each one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useLab, openLab, screenshot, ROOT } from './lib/page.mjs';

const fixture = useLab();
const CJK = /[\u4e00-\u9fff]/;
const LESSON_FILES = readdirSync(join(ROOT, 'lessons')).filter((f) => f.endsWith('.raft')).sort();
const slugOf = (file) => file.replace(/^\d\d-/, '').replace(/\.raft$/, '');

/** The headless run's trace hash (`raft-sim run --json`), from the same file. */
function headlessHash(file) {
  const out = execFileSync('cargo', ['run', '-q', '-p', 'raft-sim', '--', 'run', join('lessons', file), '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const view = JSON.parse(out);
  assert.ok(view.trace_hash, 'the CLI reports a trace hash');
  return view.trace_hash;
}

async function openLesson(slug, lang = 'en') {
  const page = await openLab(fixture.lab, `lesson=${slug}&lang=${lang}`);
  await page.waitForFunction(() => {
    const el = document.querySelector('raft-lab');
    return el.lessonPlayer && document.querySelector('[data-testid="lesson"]')?.dataset.step === '0';
  }, null, { timeout: 20000 });
  return page;
}

/** What the panel shows now, and the cluster's state. */
async function shown(page) {
  // A step's span replays in slow motion (a couple of seconds at most); the
  // state is read once it has landed on the step's final instant.
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson"]')?.dataset.animating !== 'true', null, { timeout: 15000 });
  return page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const panel = document.querySelector('[data-testid="lesson"]');
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

const click = (page, id) => page.click(`[data-testid="${id}"]`);
const plain = (s) => s.replace(/\*\*/g, '').replace(/`/g, '');

/** Next through the whole lesson; tasks by "Show me" unless `byHand[k]` types commands instead. */
async function walk(page, lang, byHand = {}) {
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

test('leader-election, walked through Next with "Show me", ends on the headless trace hash', async (t) => {
  const file = LESSON_FILES.find((f) => slugOf(f) === 'leader-election');
  const page = await openLesson('leader-election');
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
  const page = await openLesson('split-brain', 'zh');
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
  const page = await openLesson('split-brain');
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

test('split-vote through ←/→: Back restores the previous step exactly', async (t) => {
  const page = await openLesson('split-vote');
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
  const page = await openLesson('split-vote');
  t.after(() => page.context().close());
  await click(page, 'lesson-next'); // step 2: the two timeouts (no time passes)
  const before = await shown(page);
  // Step 3 runs 40 ms of simulated time: shown over about a second.
  const mid = await page.evaluate(() => {
    document.querySelector('[data-testid="lesson-next"]').click();
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
      animating: document.querySelector('[data-testid="lesson"]').dataset.animating,
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
  const p2 = await openLesson('split-vote');
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
    const page = await openLesson('split-vote', lang);
    await click(page, 'lesson-next');
    await click(page, 'lesson-next');
    const s = await shown(page);
    assert.equal(s.step, 2);
    const path = await screenshot(page, `lesson-split-vote-step3-${lang}`, { fullPage: false });
    assert.ok(readFileSync(path).length > 10000, 'a real picture');
    await page.context().close();
  }
  // Lesson 1, step 3: an AppendEntries carrying entry 2, both emphasised.
  const page = await openLesson('replicated-state-machine');
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
  await page.waitForFunction(() => /no-such-lesson/.test(document.querySelector('.rl-notices')?.textContent || ''), null, { timeout: 20000 });
  assert.match(await page.textContent('.rl-notices'), /There is no lesson “no-such-lesson”/);
  assert.equal(await page.locator('[data-testid="lesson"]').count(), 0, 'no panel');
  const s = await page.evaluate(() => { const el = document.querySelector('raft-lab'); el.exec('await leader any within 2s'); return el.state(); });
  assert.ok(s.nodes.some((n) => n.role === 'leader'), 'the sandbox still works');
  assert.deepEqual(page.errors, []);
});

test('lessons.html lists every lesson by group and each opens without an error', async (t) => {
  const context = await fixture.lab.browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${fixture.lab.url}lessons.html?lang=en`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.textContent('[data-testid="course-errors"]'), '', 'every lesson parsed');
  const cards = await page.$$eval('[data-testid="course-lesson"]', (els) => els.map((e) => ({
    slug: e.dataset.slug,
    group: e.closest('section').dataset.group,
    href: e.querySelector('a[data-testid="course-open"]').getAttribute('href'),
    meta: e.querySelector('.rl-lesson-meta').textContent,
    embed: e.querySelector('pre').textContent,
  })));
  assert.deepEqual(cards.map((c) => c.slug).sort(), LESSON_FILES.map(slugOf).sort(), 'every lesson file is listed');
  assert.deepEqual([...new Set(cards.map((c) => c.group))], ['basics', 'safety', 'operating', 'beyond']);
  for (const c of cards) {
    assert.match(c.meta, /^\d+ steps · \d+ tasks? · .*§/, `${c.slug}: length and section`);
    assert.ok(c.embed.includes(`<raft-lab lesson="${c.slug}">`), `${c.slug}: embed snippet`);
  }
  await screenshot(page, 'lessons-page-en', { fullPage: true }).catch(() => page.screenshot({ path: join(ROOT, 'test-output', 'screenshots', 'lessons-page-en.png'), fullPage: true }));
  // The language switch relabels the course.
  await page.click('[data-lang="zh"]');
  assert.match(await page.textContent('h1'), CJK);
  assert.match(await page.textContent('[data-group="basics"] h2'), /基础/);

  // Each opens full page (now in Chinese): the first step shows, with no error.
  const hrefs = await page.$$eval('[data-testid="course-open"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.equal(hrefs.length, cards.length);
  for (const [i, c] of cards.entries()) {
    c.href = hrefs[i];
    assert.match(c.href, /lang=zh/);
    const p = await context.newPage();
    const errs = [];
    p.on('pageerror', (e) => errs.push(String(e)));
    await p.goto(new URL(c.href, fixture.lab.url).href + '&autoplay=0', { waitUntil: 'load' });
    await p.waitForFunction(() => document.querySelector('[data-testid="lesson"]')?.dataset.step === '0', null, { timeout: 20000 });
    const text = await p.textContent('[data-testid="lesson-text"]');
    assert.match(text, CJK, `${c.slug}: opened in the language chosen on the course page`);
    const fails = await p.evaluate(() => document.querySelector('raft-lab').state().failures);
    assert.deepEqual(fails, [], `${c.slug}: step 1 as the lesson says`);
    assert.deepEqual(errs, [], `${c.slug}: no page error`);
    await p.close();
  }
  assert.deepEqual(errors, []);
});
