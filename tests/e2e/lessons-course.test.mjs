// End-to-end: lessons.html lists every lesson file, grouped, with length,
// section and embed snippet; the language switch; its links open full-page;
// and every lesson starts as an embedded element.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useLab, openLab, screenshot, ROOT } from './lib/page.mjs';
import { CJK, LESSON_FILES, slugOf } from './lib/lesson.mjs';

const fixture = useLab();

test('lessons.html lists every lesson by group, and its links open full page', async (t) => {
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

  // The links open full page (now in Chinese): the first step shows, with no error.
  const hrefs = await page.$$eval('[data-testid="course-open"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.equal(hrefs.length, cards.length);
  for (const href of hrefs) assert.equal(href, `${fixture.lab.url}index.html?lesson=${new URL(href).searchParams.get('lesson')}&lang=zh`);
  for (const href of [hrefs[0], hrefs[9], hrefs[hrefs.length - 1]]) {
    const p = await context.newPage();
    const errs = [];
    p.on('pageerror', (e) => errs.push(String(e)));
    await p.goto(new URL(href, fixture.lab.url).href + '&autoplay=0', { waitUntil: 'load' });
    await p.waitForFunction(() => document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]')?.dataset.step === '0', null, { timeout: 20000 });
    assert.match(await p.textContent('[data-testid="lesson-text"]'), CJK, `${href}: in the language chosen on the course page`);
    assert.deepEqual(await p.evaluate(() => document.querySelector('raft-lab').state().failures), [], href);
    assert.deepEqual(errs, [], `${href}: no page error`);
    await p.close();
  }
  assert.deepEqual(errors, []);
});

test('every lesson opens as an embedded <raft-lab lesson=…> and its first step holds', async (t) => {
  const page = await openLab(fixture.lab, 'lang=zh');
  t.after(() => page.context().close());
  for (const slug of LESSON_FILES.map(slugOf)) {
    const r = await page.evaluate(async (s) => {
      const el = document.createElement('raft-lab');
      el.setAttribute('lesson', s);
      el.setAttribute('lang', 'zh');
      document.body.append(el);
      await el.ready;
      const t0 = performance.now();
      while (!el.lessonPlayer && performance.now() - t0 < 15000) await new Promise((res) => setTimeout(res, 20));
      const p = el.lessonPlayer;
      const out = p
        ? { step: p.k, text: p.panel.querySelector('[data-testid="lesson-text"]').textContent, failures: el.state().failures }
        : null;
      if (p) p.destroy();
      el.remove();
      return out;
    }, slug);
    assert.ok(r, `${slug}: the player started`);
    assert.equal(r.step, 0);
    assert.match(r.text, CJK, `${slug}: Chinese text`);
    assert.deepEqual(r.failures, [], `${slug}: step 1 holds`);
  }
  assert.deepEqual(page.errors, []);
});
