// End-to-end: a lesson embedded in a blog post (tests/e2e/fixtures/
// blog-lesson.html: an English page with a hostile theme, and
// <raft-lab lesson="split-vote" lang="zh">). The panel must live inside the
// element's shadow root, keep its own styling in spite of the page, speak the
// element's language (and follow it), answer ←/→ while the focus is inside
// the element, and Back must land on exactly the earlier step's state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, screenshot } from './lib/page.mjs';
import { CJK } from './lib/lesson.mjs';

const fixture = useLab();

async function openBlog(lab) {
  const context = await lab.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${lab.url}tests/e2e/fixtures/blog-lesson.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => {
    const el = document.getElementById('lesson');
    return el && el.lessonPlayer && el.shadowRoot.querySelector('[data-testid="lesson"]')?.dataset.step === '0';
  }, null, { timeout: 30000 });
  await page.evaluate(() => { const p = document.getElementById('lesson').lessonPlayer; p._settle(); p.animate = false; });
  return page;
}

/** The panel as the reader sees it: texts, computed styles, and the cluster. */
function panelState(page) {
  return page.evaluate(() => {
    const el = document.getElementById('lesson');
    const panel = el.shadowRoot.querySelector('[data-testid="lesson"]');
    const q = (id) => panel.querySelector(`[data-testid="${id}"]`);
    const cs = getComputedStyle(panel);
    const next = q('lesson-next');
    const nb = next.getBoundingClientRect();
    const pb = panel.getBoundingClientRect();
    const eb = el.getBoundingClientRect();
    const s = el.state();
    return {
      inLightDom: document.querySelectorAll('[data-testid="lesson"], .rl-lesson').length,
      firstInShadow: el.shadowRoot.firstElementChild === panel.parentNode && panel.parentNode.classList.contains('rl-lesson-frame'),
      step: Number(panel.dataset.step),
      text: q('lesson-text').textContent,
      next: next.textContent,
      back: q('lesson-back').textContent,
      region: panel.getAttribute('aria-label'),
      fontSize: cs.fontSize,
      fontFamily: cs.fontFamily,
      color: cs.color,
      background: cs.backgroundColor,
      borderLeft: `${cs.borderLeftWidth} ${cs.borderLeftStyle}`,
      textColor: getComputedStyle(q('lesson-text')).color,
      nextDisplay: getComputedStyle(next).display,
      nextBackground: getComputedStyle(next).backgroundColor,
      nextBox: { w: nb.width, h: nb.height },
      panelBox: { left: pb.left, right: pb.right, top: pb.top },
      elBox: { left: eb.left, right: eb.right, top: eb.top },
      hash: s.trace_hash,
      time: s.time_ms,
    };
  });
}

test('a lesson embedded in a blog post: its panel is inside the element, styled, in the element\'s language', async (t) => {
  const page = await openBlog(fixture.lab);
  t.after(() => page.context().close());
  const s = await panelState(page);
  assert.equal(s.inLightDom, 0, 'nothing of the panel in the page\'s own DOM');
  assert.equal(s.firstInShadow, true, 'the panel (in its frame) is the first thing in the shadow root, above the lab');
  // lesson.css, not the page's theme (22px !important, Georgia, red, buttons hidden).
  assert.equal(s.fontSize, '17px');
  assert.doesNotMatch(s.fontFamily, /Georgia/);
  assert.equal(s.background, 'rgb(255, 255, 255)');
  assert.equal(s.borderLeft, '5px solid');
  assert.notEqual(s.textColor, 'rgb(255, 0, 0)');
  assert.notEqual(s.nextDisplay, 'none', 'the page hides every button; not the panel\'s');
  assert.equal(s.nextBackground, 'rgb(29, 78, 216)', 'Next is the primary button');
  assert.ok(s.nextBox.w > 40 && s.nextBox.h > 20, `Next has a size (${JSON.stringify(s.nextBox)})`);
  assert.ok(s.panelBox.left >= s.elBox.left - 0.5 && s.panelBox.right <= s.elBox.right + 0.5, 'the panel stays inside the element\'s column');
  // The element's language (zh) on an English page.
  assert.match(s.text, CJK);
  assert.match(s.next, CJK);
  assert.equal(s.region, '课程');
  await page.evaluate(() => document.getElementById('lesson').scrollIntoView({ block: 'start' }));
  await page.evaluate(() => document.getElementById('lesson').render());
  await screenshot(page, 'lesson-embedded-blog-zh', { fullPage: false });

  // The element's language changes: the panel follows (and nothing else on the page changes).
  await page.evaluate(() => { document.getElementById('lesson').lang = 'en'; });
  const en = await panelState(page);
  assert.equal(en.next, 'Next →');
  assert.equal(en.region, 'Lesson');
  assert.doesNotMatch(en.text, CJK);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.deepEqual(page.errors, []);
});

test('embedded: ←/→ inside the element, and Back lands on exactly the earlier step (time travel)', async (t) => {
  const page = await openBlog(fixture.lab);
  t.after(() => page.context().close());
  const first = await panelState(page);
  // Focus a panel button (inside the shadow root; Back is disabled on step 1,
  // so the current step's dot) and press →: Next.
  await page.evaluate(() => document.getElementById('lesson').shadowRoot.querySelector('[data-testid="lesson-dots"] button[data-step="0"]').focus());
  await page.keyboard.press('ArrowRight');
  const second = await panelState(page);
  assert.equal(second.step, 1, '→ is Next');
  assert.notEqual(second.hash, first.hash, 'step 2 ran its commands (timeouts: same instant, new trace)');
  // A key pressed with the focus outside the element does nothing.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('ArrowRight');
  assert.equal((await panelState(page)).step, 1, '→ outside the element is the page\'s');
  await page.click('[data-testid="lesson-next"]');
  const third = await panelState(page);
  assert.equal(third.step, 2);
  // ← (focus inside the element) twice: back to steps 2 and 1, exactly.
  await page.evaluate(() => document.getElementById('lesson').shadowRoot.querySelector('[data-testid="lesson-back"]').focus());
  await page.keyboard.press('ArrowLeft');
  const back2 = await panelState(page);
  assert.equal(back2.step, 1);
  assert.equal(back2.hash, second.hash, 'Back: the trace hash of step 2 when it was shown');
  assert.equal(back2.time, second.time);
  // Step 3 only ran `run 40ms`: the checkpoint before it is step 2's state.
  const how = () => page.evaluate(() => document.getElementById('lesson').lessonPlayer.restoredBy);
  assert.equal(await how(), 'travel', 'Back used the element\'s time travel');
  await page.keyboard.press('ArrowLeft');
  const back1 = await panelState(page);
  assert.equal(back1.step, 0);
  assert.equal(back1.hash, first.hash, 'Back: the trace hash of step 1 when it was shown');
  // Steps 1 and 2 were shown at the same instant (step 2's `timeout`s take no time):
  // time travel cannot tell them apart, so the recorded log was replayed.
  assert.equal(await how(), 'replay');
  assert.deepEqual(page.errors, []);
});

test('embedded on a phone (390 px): Back, the dots and Next stay on one line, inside the column', async (t) => {
  const context = await fixture.lab.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
  t.after(() => context.close());
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${fixture.lab.url}tests/e2e/fixtures/blog-lesson.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('lesson')?.lessonPlayer, null, { timeout: 30000 });
  const boxes = await page.evaluate(() => {
    const el = document.getElementById('lesson');
    const q = (id) => el.shadowRoot.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
    const b = (r) => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: r.height });
    return { back: b(q('lesson-back')), next: b(q('lesson-next')), dots: b(q('lesson-dots')), panel: b(q('lesson')), width: document.documentElement.clientWidth };
  });
  assert.equal(boxes.back.h, boxes.next.h, 'Back and Next are the same height');
  assert.ok(boxes.next.h < 45, `one line of text in Next (${boxes.next.h} px)`);
  assert.ok(boxes.dots.bottom - boxes.dots.top < boxes.next.h, 'the dots fit in one row');
  assert.ok(Math.abs(boxes.back.top - boxes.next.top) < 1, 'Back and Next side by side');
  assert.ok(boxes.panel.left >= 0 && boxes.panel.right <= boxes.width, 'the panel fits the screen');
  await page.evaluate(() => document.getElementById('lesson').scrollIntoView());
  await screenshot(page, 'lesson-embedded-blog-phone-zh', { fullPage: false });
  assert.deepEqual(page.errors, []);
});
