// Embedding (issue 7): <raft-lab> in a page that looks like a blog post —
// a 720 px text column, an aggressive page stylesheet, a full element, a
// compact element in Chinese, a live figure, an iframe, and one element 3000 px
// below the fold (tests/e2e/fixtures/blog.html) — and the dist/ copy served
// from a sub-path of another site. Time moves only by `exec` or by frames the
// test counts, never by sleeping.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { useLab, SCREENSHOT_DIR, ROOT } from './lib/page.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { writeDist } from '../../scripts/dist.mjs';

const fixture = useLab();
const CJK = /[\u4e00-\u9fff]/;
const BLOG = 'tests/e2e/fixtures/blog.html';

/** A fresh page on `url`, collecting errors, console errors and responses. */
async function openPage(url, { viewport = { width: 1280, height: 900 }, isMobile = false, deviceScaleFactor = 1 } = {}) {
  const context = await fixture.lab.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor, locale: 'en-US' });
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.responses = [];
  page.on('pageerror', (err) => page.errors.push(String(err && err.stack ? err.stack : err)));
  page.on('console', (msg) => { if (msg.type() === 'error') page.consoleErrors.push(msg.text()); });
  page.on('response', (res) => page.responses.push({ url: res.url(), status: res.status() }));
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** Scroll element `id` into view and wait until it is loaded; pauses it. */
async function loaded(page, id) {
  await page.evaluate(async (id) => {
    await customElements.whenDefined('raft-lab');
    const el = document.getElementById(id);
    el.scrollIntoView({ block: 'center' });
    await el.ready;
    el.pause();
  }, id);
}

/** Wait `n` animation frames of the page (time passes for real, the test counts frames). */
async function frames(page, n) {
  await page.evaluate((n) => new Promise((done) => {
    let left = n;
    const tick = () => (--left <= 0 ? done() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
}

/** document/window event listeners, by type (Chrome DevTools Protocol). */
async function pageListeners(page) {
  const cdp = await page.context().newCDPSession(page);
  const counts = {};
  for (const expr of ['document', 'window']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression: expr });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    for (const l of listeners) counts[`${expr}:${l.type}`] = (counts[`${expr}:${l.type}`] || 0) + 1;
  }
  await cdp.detach();
  return counts;
}

function shot(name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}

test('blog post: languages, page CSS kept out, the column respected, keys per element', async (t) => {
  const page = await openPage(`${fixture.lab.url}${BLOG}`);
  t.after(() => page.context().close());
  for (const id of ['full', 'compact', 'figure']) await loaded(page, id);

  // Each element speaks its own language: lang attribute, else the page's <html lang="en">.
  const langs = await page.evaluate(() => ['full', 'compact', 'figure'].map((id) => {
    const el = document.getElementById(id);
    return { id, lang: el.lang, play: el.shadowRoot.querySelector('[data-testid="play"]').textContent };
  }));
  assert.deepEqual(langs.map((l) => l.lang), ['en', 'zh', 'en']);
  assert.ok(CJK.test(langs[1].play), `the compact element's play button is in Chinese: ${langs[1].play}`);
  assert.ok(!CJK.test(langs[0].play), `the full element stays English: ${langs[0].play}`);
  // Switching one element's language changes nothing in another.
  await page.evaluate(() => { document.getElementById('full').lang = 'zh'; });
  const after = await page.evaluate(() => ['full', 'compact', 'figure'].map((id) => document.getElementById(id).lang));
  assert.deepEqual(after, ['zh', 'zh', 'en']);
  await page.evaluate(() => { document.getElementById('full').lang = 'en'; });
  assert.match(await page.evaluate(() => document.getElementById('full').shadowRoot.querySelector('[data-testid="step"]').textContent), /Step/);

  // The page's `button { display: none }` and `* { font-size: 22px }` do not reach inside.
  const styles = await page.evaluate(() => ['full', 'compact'].map((id) => {
    const b = document.getElementById(id).shadowRoot.querySelector('[data-testid="play"]');
    const cs = getComputedStyle(b);
    const r = b.getBoundingClientRect();
    return { id, display: cs.display, fontSize: cs.fontSize, w: r.width, h: r.height, bg: cs.backgroundColor,
      canvasBorder: getComputedStyle(document.getElementById(id).shadowRoot.querySelector('canvas')).borderTopWidth };
  }));
  for (const s of styles) {
    assert.notEqual(s.display, 'none', `${s.id}: the play button is hidden by the page's CSS`);
    assert.ok(s.w > 20 && s.h > 10, `${s.id}: play button box ${s.w}x${s.h}`);
    assert.equal(s.fontSize, '14px', `${s.id}: the page's font size leaked in`);
    assert.equal(s.canvasBorder, '0px', `${s.id}: the page's canvas border leaked in`);
  }
  // …while the documented custom property themes it.
  assert.equal(styles[1].bg, 'rgb(180, 83, 9)', 'compact: --raft-lab-accent colours the play button');
  // And the element's CSS does not leak out: the page's own buttons are still hidden, text still 22px.
  const pageSide = await page.evaluate(() => {
    const b = document.createElement('button');
    document.getElementById('column').append(b);
    const out = { display: getComputedStyle(b).display, p: getComputedStyle(document.querySelector('p')).fontSize };
    b.remove();
    return out;
  });
  assert.deepEqual(pageSide, { display: 'none', p: '22px' });

  // Keys act only on the focused element.
  const playing = () => page.evaluate(() => ['full', 'compact', 'figure'].map((id) => document.getElementById(id).playing));
  await page.evaluate(() => ['full', 'compact', 'figure'].forEach((id) => document.getElementById(id).pause()));
  await page.evaluate(() => document.getElementById('compact').focus());
  await page.keyboard.press(' ');
  assert.deepEqual(await playing(), [false, true, false], 'Space in the compact element played only it');
  await page.evaluate(() => document.getElementById('compact').pause());
  const before = await page.evaluate(() => ['full', 'compact'].map((id) => document.getElementById(id).state().time_ms));
  await page.evaluate(() => document.getElementById('full').focus());
  await page.keyboard.press('.');
  const stepped = await page.evaluate(() => ['full', 'compact'].map((id) => document.getElementById(id).state().time_ms));
  assert.ok(stepped[0] > before[0], `"." stepped the focused full element (${before[0]} → ${stepped[0]})`);
  assert.equal(stepped[1], before[1], '"." did not step the compact element');

  // A tap on a server opens its popover (compact view).
  const at = await page.evaluate(async () => {
    const el = document.getElementById('compact');
    el.exec('await leader any within 2s');
    el.render();
    el.scrollIntoView({ block: 'center' });
    await new Promise((r) => requestAnimationFrame(r));
    const r = el.shadowRoot.querySelector('canvas.rl-ring').getBoundingClientRect();
    const p = el._ring.nodePosition(1); // where the renderer drew n1, in canvas CSS px
    return { x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(at.x, at.y);
  const popover = await page.evaluate(() => {
    const p = document.getElementById('compact').shadowRoot.querySelector('.rl-popover');
    return { hidden: p.hidden, text: p.textContent };
  });
  assert.equal(popover.hidden, false, 'the popover opened');
  assert.match(popover.text, /n1/);
  assert.ok(CJK.test(popover.text), 'in the element\'s language');

  // The compact element's failure button is a command in the log.
  await page.evaluate(() => {
    const el = document.getElementById('compact');
    el.shadowRoot.querySelector('[data-testid="crash-leader"]').click();
  });
  assert.match(await page.evaluate(() => document.getElementById('compact').commandLog()), /^crash n\d+$/m);

  // `height` fixes the element's height; the ring takes what the bars leave.
  const sized = await page.evaluate(async () => {
    const el = document.getElementById('figure');
    const before = el.getBoundingClientRect().height;
    el.setAttribute('height', '300');
    await new Promise((r) => requestAnimationFrame(r));
    const h = el.getBoundingClientRect().height;
    const ring = el.shadowRoot.querySelector('canvas.rl-ring').getBoundingClientRect().height;
    el.removeAttribute('height');
    await new Promise((r) => requestAnimationFrame(r));
    return { before, h, ring, after: el.getBoundingClientRect().height };
  });
  assert.equal(sized.h, 300, `height="300" gave ${sized.h} px`);
  assert.ok(sized.ring > 250 && sized.ring <= 300, `the ring fills it: ${sized.ring} px`);
  assert.equal(sized.after, sized.before, 'without the attribute the natural height comes back');

  // The screen-reader text alternative says who leads.
  const live = await page.evaluate(() => document.getElementById('full').shadowRoot.querySelector('[data-testid="live"]').textContent);
  assert.ok(live.length > 0, 'the live region has a text');

  assert.deepEqual(page.errors, [], 'uncaught page errors');
  assert.deepEqual(page.consoleErrors, [], 'console errors');
});

for (const { name, viewport, isMobile, dpr } of [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false, dpr: 1 },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, dpr: 2 },
  { name: 'narrow', viewport: { width: 320, height: 640 }, isMobile: true, dpr: 2 },
]) {
  test(`blog post (${name}, ${viewport.width} px): every element fits the text column; the iframe reports its height`, async (t) => {
    const page = await openPage(`${fixture.lab.url}${BLOG}`, { viewport, isMobile, deviceScaleFactor: dpr });
    t.after(() => page.context().close());
    for (const id of ['full', 'compact', 'figure', 'below']) await loaded(page, id);
    await page.evaluate(() => {
      for (const id of ['full', 'compact', 'figure', 'below']) {
        const el = document.getElementById(id);
        el.exec('await leader any within 2s\nput x 1\nrun 300ms');
        el.render();
      }
    });
    const boxes = await page.evaluate(() => {
      const col = document.getElementById('column');
      const cs = getComputedStyle(col);
      const left = col.getBoundingClientRect().left + parseFloat(cs.paddingLeft);
      const right = col.getBoundingClientRect().right - parseFloat(cs.paddingRight);
      return {
        left, right,
        els: ['full', 'compact', 'figure', 'below', 'frame'].map((id) => {
          const el = document.getElementById(id);
          const r = el.getBoundingClientRect();
          const app = el.shadowRoot ? el.shadowRoot.querySelector('.rl-app') : null;
          return { id, left: r.left, right: r.right, height: r.height, overflow: app ? app.scrollWidth - app.clientWidth : 0 };
        }),
        pageOverflow: document.documentElement.scrollWidth - innerWidth,
      };
    });
    for (const b of boxes.els) {
      assert.ok(b.left >= boxes.left - 0.5 && b.right <= boxes.right + 0.5,
        `${b.id} [${b.left}, ${b.right}] leaves the column [${boxes.left}, ${boxes.right}]`);
      assert.ok(b.overflow <= 1, `${b.id}: its content is ${b.overflow} px wider than the element`);
      assert.ok(b.height > 120, `${b.id}: ${b.height} px tall`);
    }
    assert.ok(boxes.pageOverflow <= 1, `the page scrolls sideways by ${boxes.pageOverflow} px`);
    const figure = boxes.els.find((b) => b.id === 'figure');
    const width = figure.right - figure.left;
    assert.ok(figure.height <= width * 0.75 && figure.height >= width * 0.45, `figure aspect ${width}x${figure.height}`);

    // The iframe's element runs, in the language its URL asked for, and told its parent its height.
    const frame = page.frameLocator('#frame');
    await frame.locator('raft-lab').evaluate(async (el) => { await customElements.whenDefined('raft-lab'); await el.ready; el.pause(); });
    assert.equal(await frame.locator('raft-lab').evaluate((el) => el.lang), 'zh');
    // The element may still settle (a late layout pass posts again), so wait
    // until the newest posted height is the element's height; a page that
    // posts nothing, or a stale height, times out here.
    const settled = await page.waitForFunction(() => {
      const heights = window.__frameHeights;
      const el = document.getElementById('frame').contentDocument.querySelector('raft-lab');
      const inner = Math.ceil(el.getBoundingClientRect().height);
      return heights.length > 0 && heights[heights.length - 1] === inner && inner > 120 ? inner : false;
    }, null, { timeout: 10000 }).then((h) => h.jsonValue(), () => null);
    const reported = await page.evaluate(() => window.__frameHeights[window.__frameHeights.length - 1]);
    const inner = await frame.locator('raft-lab').evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
    assert.ok(settled !== null, `the height posted to the parent (${reported}) never became the element's height (${inner})`);

    if (isMobile) {
      // Touch: a tap on a server opens its popover.
      const at = await page.evaluate(async () => {
        const el = document.getElementById('compact');
        el.scrollIntoView({ block: 'center' });
        await new Promise((r) => requestAnimationFrame(r));
        const r = el.shadowRoot.querySelector('canvas.rl-ring').getBoundingClientRect();
        const p = el._ring.nodePosition(2);
        return { x: r.left + p.x, y: r.top + p.y };
      });
      await page.touchscreen.tap(at.x, at.y);
      const pop = await page.evaluate(() => {
        const p = document.getElementById('compact').shadowRoot.querySelector('.rl-popover');
        const r = p.getBoundingClientRect();
        return { hidden: p.hidden, node: p.dataset.node, left: r.left, right: r.right };
      });
      assert.equal(pop.hidden, false, 'a tap opened no popover');
      assert.equal(pop.node, '2');
      assert.ok(pop.left >= 0 && pop.right <= viewport.width, `the popover [${pop.left}, ${pop.right}] is on screen`);
      await page.screenshot({ path: shot(`21-blog-${name}-popover`) });
      await page.evaluate(() => document.getElementById('compact').shadowRoot.querySelector('[data-pop="close"]').click());
    }

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot(`20-blog-${name}`), fullPage: true });
    // What a reader sees around the compact element and the figure.
    await page.evaluate(() => document.getElementById('compact').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot(`21-blog-${name}-compact`) });
    assert.deepEqual(page.errors, [], 'uncaught page errors');
    assert.deepEqual(page.consoleErrors, [], 'console errors');
  });
}

test('below the fold: nothing is fetched or advanced until the reader scrolls there; off screen it holds still', async (t) => {
  const page = await openPage(`${fixture.lab.url}${BLOG}?only-below`);
  t.after(() => page.context().close());
  await frames(page, 10);
  const wasm = () => page.responses.filter((r) => r.url.includes('raft_wasm'));
  assert.deepEqual(wasm(), [], 'the wasm was fetched for an element 3000 px below the fold');
  const idle = await page.evaluate(() => { const el = document.getElementById('below'); return { loaded: el.loaded, looping: el.looping }; });
  assert.deepEqual(idle, { loaded: false, looping: false });

  // Scrolled to, it loads and (autoplay) runs.
  await page.evaluate(async () => {
    const el = document.getElementById('below');
    el.scrollIntoView({ block: 'center' });
    await el.ready;
  });
  assert.ok(wasm().some((r) => r.url.endsWith('raft_wasm_bg.wasm') && r.status === 200), 'fetched once scrolled to');
  const t0 = await page.evaluate(() => document.getElementById('below').simTime);
  await frames(page, 20);
  const t1 = await page.evaluate(() => document.getElementById('below').simTime);
  assert.ok(t1 > t0, `an autoplaying element on screen advances (${t0} → ${t1})`);
  assert.equal(await page.evaluate(() => document.getElementById('below').playing), true);

  // The screen-reader summary keeps up, but at a readable rate: at most one change per 4 s of real time.
  const live = await page.evaluate(async () => {
    const el = document.getElementById('below');
    el.speed = 20; // much happens: an election, commits
    const region = el.shadowRoot.querySelector('[data-testid="live"]');
    let changes = 0;
    const mo = new MutationObserver(() => changes++);
    mo.observe(region, { childList: true, characterData: true, subtree: true });
    const t0 = performance.now(), sim0 = el.simTime;
    // Watch a little over 4 s of real time (counted in frames, until performance.now says so).
    while (performance.now() - t0 < 4500) await new Promise((r) => requestAnimationFrame(r));
    mo.disconnect();
    el.speed = 0.1;
    return { changes, elapsed: performance.now() - t0, simulated: el.simTime - sim0, text: region.textContent };
  });
  assert.ok(live.simulated > 500, `time moved (${live.simulated} ms simulated)`);
  assert.ok(live.changes >= 1, 'the live region never changed while the cluster did');
  assert.ok(live.changes <= 1 + Math.floor(live.elapsed / 4000), `${live.changes} announcements in ${live.elapsed} ms`);
  assert.match(live.text, /leader n\d, term \d|no leader/);

  // Scrolled away again: it stays "playing" but neither advances nor draws.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => !document.getElementById('below').looping);
  const t2 = await page.evaluate(() => document.getElementById('below').simTime);
  await frames(page, 20);
  assert.equal(await page.evaluate(() => document.getElementById('below').simTime), t2, 'an off-screen element advanced');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.consoleErrors, []);
});

test('removing an element stops its loop and leaves no listener on document or window', async (t) => {
  const page = await openPage(`${fixture.lab.url}${BLOG}?only-below`);
  t.after(() => page.context().close());
  await page.evaluate(() => customElements.whenDefined('raft-lab'));
  const base = await pageListeners(page);
  await page.evaluate(async () => {
    const el = document.createElement('raft-lab');
    el.id = 'temp';
    el.setAttribute('view', 'compact');
    el.setAttribute('loading', 'eager');
    document.getElementById('column').prepend(el);
    await el.ready;
    el.play();
    window.__temp = el;
  });
  await frames(page, 5);
  const during = await pageListeners(page);
  assert.notDeepEqual(during, base, 'a connected element listens to the page (visibility, resize)');
  const running = await page.evaluate(() => ({ looping: window.__temp.looping, t: window.__temp.simTime }));
  assert.equal(running.looping, true);

  await page.evaluate(() => window.__temp.remove());
  assert.deepEqual(await pageListeners(page), base, 'listeners left behind after removal');
  const t0 = await page.evaluate(() => window.__temp.simTime);
  await frames(page, 20);
  const gone = await page.evaluate(() => ({ looping: window.__temp.looping, t: window.__temp.simTime, playing: window.__temp.playing }));
  assert.equal(gone.looping, false, 'the animation loop still runs');
  assert.equal(gone.t, t0, 'a removed element advanced');

  // Put back, it carries on from where it was.
  await page.evaluate(() => document.getElementById('column').prepend(window.__temp));
  await page.waitForFunction(() => window.__temp.looping);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.consoleErrors, []);
});

test('the dist/ copy works from a sub-path of another site; bytes an embedding page transfers', async (t) => {
  const site = mkdtempSync(join(tmpdir(), 'raft-lab-site-'));
  t.after(() => rmSync(site, { recursive: true, force: true }));
  const report = writeDist(join(site, 'static', 'raft-lab'));
  mkdirSync(join(site, 'posts'), { recursive: true });
  writeFileSync(join(site, 'posts', 'raft.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>post</title><link rel="icon" href="data:,"><script type="module" src="/static/raft-lab/element.js"></script></head>
<body><p>Text.</p><raft-lab id="lab" view="compact" seed="2"></raft-lab>
<iframe id="frame" src="/static/raft-lab/embed.html?lang=zh&amp;seed=3" style="width:100%;height:400px;border:0"></iframe></body></html>`);
  const server = await startServer(0, { root: site });
  t.after(() => server.close());

  const page = await openPage(`${server.url}posts/raft.html`);
  t.after(() => page.context().close());
  const view = await page.evaluate(async () => {
    await customElements.whenDefined('raft-lab');
    const el = document.getElementById('lab');
    await el.ready;
    el.pause();
    el.exec('await leader any within 2s');
    return el.state();
  });
  assert.ok(view.nodes.some((n) => n.role === 'leader'), 'the dist element elects a leader');
  const frame = page.frameLocator('#frame');
  assert.equal(await frame.locator('raft-lab').evaluate(async (el) => {
    await customElements.whenDefined('raft-lab');
    await el.ready;
    return el.lang;
  }), 'zh');
  const bad = page.responses.filter((r) => r.status >= 400);
  assert.deepEqual(bad, [], 'files the page asked for but could not load');
  const urls = page.responses.map((r) => new URL(r.url).pathname);
  const outside = urls.filter((u) => !u.startsWith('/static/raft-lab/') && u !== '/posts/raft.html' && u !== '/favicon.ico');
  assert.deepEqual(outside, [], 'requests outside the element\'s own files');

  // What an embedding page (one element) transfers, from the dist report.
  const sizes = new Map(report.map((r) => [r.file, r]));
  const fetched = [...new Set(urls.filter((u) => u.startsWith('/static/raft-lab/') && !/embed\.(html|js)$|params\.js$/.test(u)))]
    .map((u) => sizes.get(u.slice('/static/raft-lab/'.length)));
  assert.ok(fetched.every(Boolean), 'every fetched file is in dist/');
  const raw = fetched.reduce((a, r) => a + r.bytes, 0);
  const gz = fetched.reduce((a, r) => a + r.gzip, 0);
  const wasm = sizes.get('pkg/raft_wasm_bg.wasm');
  console.log(`# embedding page: ${fetched.length} files, ${raw} bytes raw, ${gz} bytes gzipped ` +
    `(wasm ${wasm.bytes} raw / ${wasm.gzip} gzipped; the rest ${raw - wasm.bytes} raw / ${gz - wasm.gzip} gzipped)`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.consoleErrors, []);

  // The course ships too: a post with <raft-lab lesson=…> loading only dist/'s element plays the lesson…
  writeFileSync(join(site, 'posts', 'lesson.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>lesson</title><link rel="icon" href="data:,"><script type="module" src="/static/raft-lab/element.js"></script></head>
<body><raft-lab id="lesson" lesson="split-vote" lang="zh"></raft-lab></body></html>`);
  const post = await openPage(`${server.url}posts/lesson.html`);
  t.after(() => post.context().close());
  const played = await post.evaluate(async () => {
    await customElements.whenDefined('raft-lab');
    const el = document.getElementById('lesson');
    await el.ready;
    await new Promise((done) => { if (el.lessonPlayer) done(); else el.addEventListener('raft-lesson', done, { once: true }); });
    const panel = el.shadowRoot.querySelector('[data-testid="lesson"]');
    const q = (id) => panel.querySelector(`[data-testid="${id}"]`);
    el.lessonPlayer._settle();
    el.lessonPlayer.animate = false;
    const first = { step: panel.dataset.step, text: q('lesson-text').textContent };
    q('lesson-next').click();
    el.lessonPlayer._settle();
    return { first, second: panel.dataset.step, all: q('lesson-all').href, steps: el.lessonPlayer.lesson.steps.length };
  });
  assert.equal(played.first.step, '0', 'the lesson starts at its first step');
  assert.match(played.first.text, CJK, 'in the element\'s language');
  assert.equal(played.second, '1', 'Next moves on');
  assert.ok(played.steps > 3, `the lesson has its steps: ${played.steps}`);
  assert.equal(played.all, `${server.url}static/raft-lab/lessons.html`, '"All lessons" points at dist/\'s course page');
  await post.screenshot({ path: join(SCREENSHOT_DIR, 'dist-lesson.png') });

  // …and dist/lessons.html lists every lesson, each opening full-page in dist/embed.html.
  const course = await openPage(`${server.url}static/raft-lab/lessons.html?lang=en`);
  t.after(() => course.context().close());
  await course.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await course.textContent('[data-testid="course-errors"]'), '', 'every lesson parsed from dist/lessons/');
  const cards = await course.$$eval('[data-testid="course-open"]', (as) => as.map((a) => a.href));
  const lessons = report.filter((r) => /^lessons\/.*\.raft$/.test(r.file));
  assert.ok(lessons.length > 10, `dist/ holds the lessons: ${lessons.length}`);
  assert.equal(cards.length, lessons.length, 'every lesson in dist/ is on the course page');
  for (const href of cards) assert.match(href, new RegExp(`^${server.url}static/raft-lab/embed\\.html\\?view=full&lesson=[a-z0-9-]+&lang=en$`));
  assert.equal(await course.getAttribute('a[data-i18n="course.sandbox"]', 'href'), `${server.url}static/raft-lab/embed.html?view=full`);
  const snippet = await course.textContent('[data-testid="course-lesson"] pre');
  assert.ok(snippet.includes(`src="${server.url}static/raft-lab/element.js"`), `the embed snippet loads dist/'s element: ${snippet}`);
  await course.screenshot({ path: join(SCREENSHOT_DIR, 'dist-course.png') });
  await course.goto(`${cards[cards.length - 1]}&autoplay=0`, { waitUntil: 'load' });
  await course.waitForFunction(() => document.querySelector('raft-lab').shadowRoot?.querySelector('[data-testid="lesson"]')?.dataset.step === '0', null, { timeout: 20000 });
  const full = await course.evaluate(() => {
    const el = document.querySelector('raft-lab');
    return { view: el.shadowRoot.querySelector('.rl-view-full') !== null, failures: el.state().failures, title: el.shadowRoot.querySelector('[data-testid="lesson-title"]').textContent };
  });
  assert.ok(full.view, 'a lesson page from the course opens the full lab');
  assert.deepEqual(full.failures, []);
  assert.ok(full.title.length > 0, 'the lesson has its title');
  await course.screenshot({ path: join(SCREENSHOT_DIR, 'dist-lesson-page.png') });
  for (const p of [post, course]) {
    const failed = p.responses.filter((r) => r.status >= 400);
    assert.deepEqual(failed, [], 'files a lesson page asked for but could not load');
    const elsewhere = p.responses.map((r) => new URL(r.url).pathname).filter((u) => !u.startsWith('/static/raft-lab/') && !u.startsWith('/posts/') && u !== '/favicon.ico');
    assert.deepEqual(elsewhere, [], 'a lesson page reached outside dist/');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.consoleErrors, []);
  }
});

test('npm pack ships dist/ (element, renderer, i18n, wasm) and the README with the three ways to embed', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /## Embed it: three ways/);
  for (const way of ['<raft-lab view=', 'embed.html?', 'npm run dist']) assert.ok(readme.includes(way), `README lacks ${way}`);
  // prepack writes dist/; --dry-run lists what the tarball would hold.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const json = out.slice(out.search(/^\[\s*\{/m)); // after prepack's own report
  const files = JSON.parse(json)[0].files.map((f) => f.path);
  for (const f of ['README.md', 'package.json', 'dist/element.js', 'dist/element.css', 'dist/history.js', 'dist/embed.html',
    'dist/render/ring.js', 'dist/i18n/zh.js', 'dist/pkg/raft_wasm.js', 'dist/pkg/raft_wasm_bg.wasm',
    'dist/lesson/player.js', 'dist/lesson/lesson.css', 'dist/lesson/paths.js', 'dist/lessons/04-split-vote.raft', 'dist/lessons.html']) {
    assert.ok(files.includes(f), `the package lacks ${f}`);
  }
  assert.deepEqual(files.filter((f) => !f.startsWith('dist/') && !['README.md', 'package.json'].includes(f) && !/^LICENSE/i.test(f)), [],
    'the package holds only dist/ and the README');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['.'], './dist/element.js');
});

test('lab page: reduced motion holds autoplay with a plain play button; keyboard reaches the servers; Embed gives working snippets', async (t) => {
  const context = await fixture.lab.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', locale: 'en-US' });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${fixture.lab.url}index.html?seed=4&autoplay=1`);
  await page.evaluate(async () => { await customElements.whenDefined('raft-lab'); await document.querySelector('raft-lab').ready; });
  const held = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    const b = el.shadowRoot.querySelector('[data-testid="playover"]');
    return { playing: el.playing, hidden: b.hidden, text: b.textContent };
  });
  assert.deepEqual({ playing: held.playing, hidden: held.hidden }, { playing: false, hidden: false }, 'autoplay must wait for the reader');
  assert.match(held.text, /reduced motion/);
  await page.locator('[data-testid="playover"]').click();
  assert.equal(await page.evaluate(() => document.querySelector('raft-lab').playing), true);
  await page.evaluate(() => document.querySelector('raft-lab').pause());

  // Keyboard: Tab reaches the ring; → picks n1; Enter opens its popover with the focus inside; Escape closes it.
  await page.evaluate(() => { const el = document.querySelector('raft-lab'); el.exec('await leader any within 2s'); el.focus(); });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const pop = await page.evaluate(() => {
    const sr = document.querySelector('raft-lab').shadowRoot;
    const p = sr.querySelector('.rl-popover');
    return { hidden: p.hidden, node: p.dataset.node, focusInside: p.contains(sr.activeElement) };
  });
  assert.deepEqual(pop, { hidden: false, node: '1', focusInside: true });
  const ring = await page.evaluate(() => getComputedStyle(document.querySelector('raft-lab').shadowRoot.querySelector('.rl-ring')).outlineStyle);
  assert.ok(ring === 'none' || ring === 'solid');
  await page.keyboard.press('Escape');
  assert.deepEqual(await page.evaluate(() => {
    const sr = document.querySelector('raft-lab').shadowRoot;
    return { hidden: sr.querySelector('.rl-popover').hidden, focus: sr.activeElement && sr.activeElement.dataset.testid };
  }), { hidden: true, focus: 'ring' }, 'Escape closes the popover and gives the focus back to the ring');

  // Pointer: in partition mode, dragging n1 to the empty right-hand side and applying partitions the cluster.
  await page.locator('[data-testid="partition-mode"]').click();
  const drag = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const r = el.shadowRoot.querySelector('canvas.rl-ring').getBoundingClientRect();
    const p1 = el._ring.nodePosition(1);
    return { from: { x: r.left + p1.x, y: r.top + p1.y }, to: { x: r.left + r.width * 0.97, y: r.top + r.height * 0.05 } }; // far from every server, right half
  });
  await page.mouse.move(drag.from.x, drag.from.y);
  await page.mouse.down();
  await page.mouse.move((drag.from.x + drag.to.x) / 2, (drag.from.y + drag.to.y) / 2, { steps: 4 });
  await page.mouse.move(drag.to.x, drag.to.y, { steps: 4 });
  await page.mouse.up();
  await page.locator('[data-action="partition-apply"]').click();
  const part = await page.evaluate(() => document.querySelector('raft-lab').state().network.partition);
  assert.ok(Array.isArray(part) && part.length === 2, `a two-group partition: ${JSON.stringify(part)}`);
  assert.ok(part.some((g) => g.length === 1 && g[0] === 1), `n1 alone on its side: ${JSON.stringify(part)}`);
  await page.evaluate(() => document.querySelector('raft-lab').exec('heal'));

  // Embed: the dialog's snippets replay this session elsewhere.
  await page.evaluate(() => document.querySelector('raft-lab').exec('put e 7\nrun 300ms'));
  await page.locator('[data-testid="embed"]').click();
  const snippets = await page.evaluate(() => {
    const sr = document.querySelector('raft-lab').shadowRoot;
    return { open: !sr.querySelector('[data-testid="embed-dialog"]').hidden,
      element: sr.querySelector('[data-testid="embed-element"]').value, iframe: sr.querySelector('[data-testid="embed-iframe"]').value,
      hash: document.querySelector('raft-lab').state().trace_hash, time: document.querySelector('raft-lab').state().time_ms };
  });
  assert.equal(snippets.open, true);
  assert.match(snippets.element, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/web\/element\.js"><\/script>/);
  assert.match(snippets.element, /<script type="text\/raft">[\s\S]*put e 7[\s\S]*<\/script>\s*<\/raft-lab>$/);
  await page.screenshot({ path: shot('22-embed-dialog') });

  // The element snippet, dropped into another page, replays to the same run.
  const other = await context.newPage();
  await other.goto(`${fixture.lab.url}${BLOG}?only-below`);
  const replayed = await other.evaluate(async (html) => {
    await customElements.whenDefined('raft-lab');
    const box = document.createElement('div');
    box.innerHTML = html; // the <script src> does not run this way; element.js is already on this page
    document.getElementById('column').prepend(box);
    const el = box.querySelector('raft-lab');
    await el.load();
    return { hash: el.state().trace_hash, time: el.state().time_ms, view: el.getAttribute('view') };
  }, snippets.element);
  assert.deepEqual(replayed, { hash: snippets.hash, time: snippets.time, view: 'compact' });

  // The iframe snippet's URL loads the same session.
  const src = /src="([^"]+)"/.exec(snippets.iframe)[1].replace(/&amp;/g, '&');
  const framed = await context.newPage();
  await framed.goto(src);
  const inFrame = await framed.evaluate(async () => {
    await customElements.whenDefined('raft-lab');
    const el = document.querySelector('raft-lab');
    await el.ready;
    return { hash: el.state().trace_hash, time: el.state().time_ms };
  });
  assert.deepEqual(inFrame, { hash: snippets.hash, time: snippets.time });
  assert.deepEqual(errors, []);
});

test('theme: dark and auto (on a dark system) switch the palette; light stays light', async (t) => {
  const context = await fixture.lab.browser.newContext({ viewport: { width: 800, height: 700 }, colorScheme: 'dark' });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${fixture.lab.url}${BLOG}?only-below`);
  const looks = await page.evaluate(async () => {
    await customElements.whenDefined('raft-lab');
    const out = {};
    for (const theme of ['light', 'dark', 'auto']) {
      const el = document.createElement('raft-lab');
      el.setAttribute('view', 'compact');
      el.setAttribute('theme', theme);
      el.setAttribute('loading', 'eager');
      document.getElementById('column').prepend(el);
      await el.ready;
      const app = el.shadowRoot.querySelector('.rl-app');
      out[theme] = { dark: app.classList.contains('rl-dark'), bg: getComputedStyle(app).backgroundColor };
      el.remove();
    }
    return out;
  });
  assert.deepEqual([looks.light.dark, looks.dark.dark, looks.auto.dark], [false, true, true]);
  assert.notEqual(looks.light.bg, looks.dark.bg);
  assert.equal(looks.auto.bg, looks.dark.bg);
});
