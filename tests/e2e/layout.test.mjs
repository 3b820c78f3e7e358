// The page fits a phone in portrait and draws crisply on high-DPI screens:
// each canvas's backing store has devicePixelRatio pixels per CSS pixel, and
// nothing overflows the viewport sideways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec, screenshot, canvasColourCount, leaderOf, describe } from './lib/page.mjs';

const fixture = useLab();

/** Size of every visible canvas in CSS pixels and in backing-store pixels. */
async function canvasSizes(page) {
  return page.evaluate(() =>
    [...document.querySelector('raft-lab').shadowRoot.querySelectorAll('canvas')]
      .map((c) => {
        const r = c.getBoundingClientRect();
        return { cls: c.className, cssW: r.width, cssH: r.height, w: c.width, h: c.height, dpr: devicePixelRatio };
      })
      .filter((c) => c.cssW > 0 && c.cssH > 0),
  );
}

for (const { name, viewport, dpr, mobile } of [
  { name: 'phone-portrait', viewport: { width: 390, height: 844 }, dpr: 3, mobile: true },
  { name: 'laptop-hidpi', viewport: { width: 1366, height: 768 }, dpr: 2, mobile: false },
]) {
  test(`${name}: fits the viewport and canvases are crisp at ${dpr}x`, async (t) => {
    const page = await openLab(fixture.lab, 'nodes=7&seed=1', { viewport, deviceScaleFactor: dpr, isMobile: mobile });
    t.after(() => page.context().close());
    const view = await exec(page, 'await leader any within 2s\nput x 1\nrun 300ms');
    assert.ok(leaderOf(view), describe(view));

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow} px wider than the ${viewport.width} px viewport`);

    const sizes = await canvasSizes(page);
    assert.ok(sizes.length >= 1, 'no visible canvas');
    for (const c of sizes) {
      // Within a pixel of CSS size × devicePixelRatio (rounding of fractional layouts).
      assert.ok(Math.abs(c.w - c.cssW * dpr) <= dpr, `canvas.${c.cls}: backing ${c.w} px for ${c.cssW} CSS px at ${dpr}x`);
      assert.ok(Math.abs(c.h - c.cssH * dpr) <= dpr, `canvas.${c.cls}: backing ${c.h} px for ${c.cssH} CSS px at ${dpr}x`);
    }
    const ring = sizes.find((c) => /ring/.test(c.cls)) ?? sizes[0];
    assert.ok(ring.cssW <= viewport.width, `the ring canvas (${ring.cssW} px) is wider than the viewport`);
    assert.ok((await canvasColourCount(page)) > 8, 'the ring canvas looks blank');
    await screenshot(page, `11-${name}`, { fullPage: false }); // what the first screenful shows
    assert.deepEqual(page.errors, [], 'uncaught page errors');
  });
}
