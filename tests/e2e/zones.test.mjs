// Where replicas sit (issue 12): a scenario with zones shows them on the
// ring — a shaded band behind each zone's servers, in the zone's own tint —
// and the view model carries the zones and the latency rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, openLab, state, screenshot, ROOT } from './lib/page.mjs';

const fixture = useLab();
const DEMO = readFileSync(join(ROOT, 'scenarios', 'zones-commit-latency.raft'), 'utf8');

/**
 * Mean (blue − red) of a 7×7 patch of the ring canvas just outside the chord
 * between two servers (where their zone's band lies): > 0 for a blue tint,
 * < 0 for an orange one, about 3 on the bare background.
 */
async function tintBetween(page, a, b) {
  return page.evaluate(([a, b]) => {
    const el = document.querySelector('raft-lab');
    const canvas = el.shadowRoot.querySelector('canvas');
    const ids = el.state().members;
    const ps = ids.map((id) => el._ring.nodePosition(id));
    const cx = ps.reduce((s, p) => s + p.x, 0) / ps.length;
    const cy = ps.reduce((s, p) => s + p.y, 0) / ps.length;
    const pa = el._ring.nodePosition(a);
    const pb = el._ring.nodePosition(b);
    let mx = (pa.x + pb.x) / 2;
    let my = (pa.y + pb.y) / 2;
    const d = Math.hypot(mx - cx, my - cy) || 1;
    mx += ((mx - cx) / d) * 10; // a little outward, off the link between them
    my += ((my - cy) / d) * 10;
    const k = canvas.width / canvas.getBoundingClientRect().width;
    const img = canvas.getContext('2d').getImageData(Math.round(mx * k) - 3, Math.round(my * k) - 3, 7, 7).data;
    let sum = 0;
    for (let i = 0; i < img.length; i += 4) sum += img[i + 2] - img[i];
    return sum / (img.length / 4);
  }, [a, b]);
}

test('the zone demo draws its zones and carries them in the view model', async (t) => {
  const page = await openLab(fixture.lab, new URLSearchParams({ scenario: DEMO }).toString());
  t.after(() => page.context().close());
  const view = await state(page);
  assert.equal(view.ok, true, JSON.stringify(view.failures));
  assert.deepEqual(view.zones, [{ name: 'us', nodes: [1, 2, 3] }, { name: 'eu', nodes: [4, 5] }]);
  assert.deepEqual(view.network.zone_latency, [{ a: 'us', b: 'eu', latency_ms: [40, 45] }]);
  assert.deepEqual(view.network.latency_ms, [5, 5]);
  await screenshot(page, 'zones-en');
  const us = await tintBetween(page, 1, 2);
  const eu = await tintBetween(page, 4, 5);
  assert.ok(us > 8, `the band behind us (n1, n2) is not blue: blue − red = ${us}`);
  assert.ok(eu < -8, `the band behind eu (n4, n5) is not orange: blue − red = ${eu}`);
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});

test('without zones there is no band (the same servers, the same spot)', async (t) => {
  const flat = DEMO.split('\n').filter((l) => !/^zone |^set latency zone /.test(l)).join('\n');
  const page = await openLab(fixture.lab, new URLSearchParams({ scenario: flat }).toString());
  t.after(() => page.context().close());
  assert.deepEqual((await state(page)).zones, []);
  await screenshot(page, 'zones-none');
  const tint = await tintBetween(page, 1, 2);
  assert.ok(Math.abs(tint) < 8, `a tint with no zone: blue − red = ${tint}`);
});

test('zones in Chinese: the page draws them in the Chinese table too', async (t) => {
  const page = await openLab(fixture.lab, new URLSearchParams({ scenario: DEMO, lang: 'zh' }).toString());
  t.after(() => page.context().close());
  await page.evaluate(() => document.querySelector('raft-lab').travelTo(3000)); // n3 down, the ocean in use
  await screenshot(page, 'zones-zh-crash');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
});
