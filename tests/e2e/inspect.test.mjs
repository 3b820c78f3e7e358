// End-to-end tests of "see inside" (issue 10): the inspector of a server and
// of a message shows Figure 2's values (compared with the element's state()),
// the space-time diagram draws an arrow for every message sent in view,
// clicking it travels in time, an arrow click inspects that message, and the
// SVG export holds the lanes. Simulated time throughout (autoplay off).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, openLab, exec, state, screenshot, SCREENSHOT_DIR } from './lib/page.mjs';

const fixture = useLab();

/** Text of the inspector's table row named `name` (a Figure 2 field). */
async function row(page, name) {
  return page.evaluate((n) => {
    const panel = document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]');
    for (const tr of panel.querySelectorAll('tr')) {
      const th = tr.querySelector('th');
      if (th && th.textContent.trim() === n) return tr.querySelector('td').textContent.trim();
    }
    return null;
  }, name);
}

/** Click the centre of server `id` on the ring. */
async function clickNode(page, id) {
  const p = await page.evaluate((i) => {
    const el = document.querySelector('raft-lab');
    el.render();
    const pos = el._ring.nodePosition(i);
    const r = el.shadowRoot.querySelector('[data-testid="ring"]').getBoundingClientRect();
    return { x: r.left + pos.x, y: r.top + pos.y };
  }, id);
  await page.mouse.click(p.x, p.y);
}

test('inspecting a server shows its Figure 2 state; a message its fields, and after delivery what the receiver did', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=3');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s\nput x 1\nrun 200ms\nput y 2\nrun 7ms');
  const v = await state(page);
  const leader = v.nodes.find((n) => n.up && n.role === 'leader');
  await clickNode(page, leader.id);
  const panel = page.locator('[data-testid="inspector"]');
  await panel.waitFor({ state: 'visible' });
  assert.equal(await row(page, 'current_term'), String(leader.term));
  assert.equal(await row(page, 'commit_index'), String(leader.commit));
  assert.equal(await row(page, 'last_applied'), String(leader.applied));
  assert.equal(await row(page, 'voted_for'), leader.voted_for === null ? 'null' : `n${leader.voted_for}`);
  // Leader state: one row per peer with next_index[] / match_index[] as the view model has them.
  const peers = await page.evaluate(() => [...document.querySelector('raft-lab').shadowRoot
    .querySelectorAll('[data-testid="inspector"] tr[data-peer]')].map((tr) => [...tr.children].map((td) => td.textContent.trim())));
  assert.deepEqual(peers.map((p) => [p[0], Number(p[1]), Number(p[2])]),
    leader.progress.map((p) => [`n${p.id}`, p.next_index, p.match_index]));
  // The popover's actions are still there.
  assert.equal(await page.locator('.rl-popover [data-pop="crash"]').count(), 1);
  await screenshot(page, 'inspect-node');

  // A message in flight, clicked on the ring: Figure 2's fields, equal to state().in_flight.
  await page.locator('.rl-popover [data-pop="close"]').click();
  const now = await state(page);
  const msg = now.in_flight.find((m) => m.type === 'AppendEntries') || now.in_flight[0];
  assert.ok(msg, 'something is in flight');
  const at = await page.evaluate((id) => {
    const el = document.querySelector('raft-lab');
    el.render();
    const r = el.shadowRoot.querySelector('[data-testid="ring"]').getBoundingClientRect();
    // Find the message's pixel with the renderer's own hit test.
    for (let y = 0; y < r.height; y += 2) for (let x = 0; x < r.width; x += 2) {
      const hit = el._ring.hitTest(x, y);
      if (hit && hit.kind === 'message' && hit.id === id) return { x: r.left + x, y: r.top + y };
    }
    return null;
  }, msg.id);
  assert.ok(at, `message m${msg.id} is drawn on the ring`);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((id) => document.querySelector('raft-lab').shadowRoot
    .querySelector('[data-testid="inspector"]').dataset.id === String(id), msg.id);
  assert.equal(await row(page, 'term'), String(msg.fields.term));
  if (msg.type === 'AppendEntries') {
    assert.equal(await row(page, 'leader_id'), `n${msg.from}`);
    assert.equal(await row(page, 'prev_log_index'), String(msg.fields.prev_log_index));
    assert.equal(await row(page, 'prev_log_term'), String(msg.fields.prev_log_term));
    assert.equal(await row(page, 'leader_commit'), String(msg.fields.leader_commit));
  }
  const status = await row(page, 'status');
  assert.match(status, new RegExp(`${msg.deliver_ms} ms`), status);
  await screenshot(page, 'inspect-message');

  // Once delivered: what the receiver decided (and the reply it sent).
  await exec(page, `run ${msg.deliver_ms - now.time_ms + 1}ms`);
  await page.evaluate(() => document.querySelector('raft-lab').render());
  await page.waitForFunction(() => /delivered/.test(document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').textContent));
  const text = await panel.innerText();
  assert.match(text, new RegExp(`What n${msg.to} did with it`, "i"));
  assert.match(text, /replied with \w+Response m\d+/);

  // Drop stays available for a message still in flight.
  const next = (await state(page)).in_flight[0];
  await page.evaluate((id) => document.querySelector('raft-lab')._insight.inspectMessage(id), next.id);
  await page.locator('[data-testid="inspector"] [data-insp="drop"]').click();
  assert.match(await page.evaluate(() => document.querySelector('raft-lab').commandLog()), new RegExp(`drop m${next.id}\\n`));
  assert.ok(!(await state(page)).in_flight.some((m) => m.id === next.id));
  assert.deepEqual(page.errors, []);
});

test('the inspector is keyboard reachable and speaks Chinese', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=3&seed=2&lang=zh');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s');
  await page.evaluate(() => document.querySelector('raft-lab').focus());
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const panel = page.locator('[data-testid="inspector"]');
  await panel.waitFor({ state: 'visible' });
  const text = await panel.innerText();
  assert.match(text, /持久状态/);
  assert.match(text, /current_term/);
  // From a server's inspector, Tab reaches its messages in flight; Enter inspects one.
  const first = panel.locator('[data-insp-msg]').first();
  await first.focus();
  const id = Number(await first.getAttribute('data-insp-msg'));
  await page.keyboard.press('Enter');
  await page.waitForFunction((i) => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').dataset.id === String(i), id);
  assert.ok((await state(page)).in_flight.some((m) => m.id === id));
  // The diagram canvas takes the focus, and Enter inspects the message nearest the cursor.
  await page.evaluate(() => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="diagram"]').focus());
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').dataset.kind === 'message');
  assert.match(await panel.textContent(), /字段（图 2）/);
});

test('the space-time diagram: an arrow per message, click travels, an arrow click inspects, SVG export has the lanes', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=3');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 2s\nput x 1\nrun 300ms\ncrash n2\nrun 400ms');
  const end = (await state(page)).time_ms;
  const info = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const d = el._insight.diagram;
    const vp = d.viewport;
    const store = el._insight.store;
    const sent = store.visible(vp.t0, vp.t1).map((m) => m.id);
    return { sent, arrows: d.arrows().map((a) => a.id), t0: vp.t0, t1: vp.t1 };
  });
  assert.ok(info.sent.length > 20, `${info.sent.length} messages in view`);
  assert.deepEqual([...info.arrows].sort((a, b) => a - b), [...info.sent].sort((a, b) => a - b), 'one arrow per message in view');
  await screenshot(page, 'diagram-full');

  // Click on the diagram's empty area, at an earlier instant: time travels there.
  const box = await page.locator('[data-testid="diagram"]').boundingBox();
  const target = Math.round(end - 600);
  const { x, y } = await page.evaluate((ms) => {
    const el = document.querySelector('raft-lab');
    const d = el._insight.diagram;
    return { x: d.xOf(ms), y: 8 };
  }, target);
  // y = 8 is the time axis (pan); click in the lane area below the last lane instead.
  await page.mouse.click(box.x + x, box.y + box.height - 3);
  const after = await state(page);
  assert.ok(Math.abs(after.time_ms - target) <= 3, `travelled to ${after.time_ms}, wanted ${target}`);
  assert.ok(y >= 0);

  // Hovering/clicking an arrow inspects that message.
  const arrow = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const a = el._insight.diagram.arrows().find((r) => Math.abs(r.x2 - r.x1) > 6);
    return a;
  });
  await page.mouse.click(box.x + (arrow.x1 + arrow.x2) / 2, box.y + (arrow.y1 + arrow.y2) / 2);
  await page.waitForFunction(() => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').dataset.kind === 'message');
  const inspected = await page.evaluate(() => Number(document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="inspector"]').dataset.id));
  assert.ok(info.sent.includes(inspected) || inspected > 0);

  // Export what is shown, after "Whole run": one lane per server, the arrows, the crash.
  await page.locator('[data-diagram="all"]').click();
  await page.evaluate(() => document.querySelector('raft-lab').render());
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="diagram-svg"]').click()]);
  assert.equal(download.suggestedFilename(), 'raft-lab-diagram.svg');
  const svg = readFileSync(await download.path(), 'utf8');
  assert.equal((svg.match(/class="lane"/g) || []).length, 5);
  assert.ok((svg.match(/class="msg"/g) || []).length > 10);
  assert.match(svg, /class="crash"/, 'n2 crashed: its lane is shaded');
  const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="diagram-png"]').click()]);
  const bytes = readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  assert.deepEqual(page.errors, []);
});

test('view="diagram" and a phone: the diagram and the inspector fit', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=15&seed=5&view=diagram');
  t.after(() => page.context().close());
  await exec(page, 'await leader any within 3s\nput x 1\nrun 1s');
  const ring = await page.locator('[data-testid="ring"]').isVisible();
  assert.equal(ring, false, 'the diagram view shows no ring');
  const lanes = await page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    return el._insight.store.state.lanes.length;
  });
  assert.equal(lanes, 15);
  await screenshot(page, 'diagram-view-15');

  const phone = await openLab(fixture.lab, 'nodes=5&seed=3', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  t.after(() => phone.context().close());
  await exec(phone, 'await leader any within 2s\nput x 1\nrun 300ms');
  const v = await state(phone);
  const leader = v.nodes.find((n) => n.role === 'leader');
  await phone.evaluate((id) => document.querySelector('raft-lab')._insight.inspectNode(id), leader.id);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
  await screenshot(phone, 'inspect-phone');
  // What the phone shows once the reader scrolls to the inspector and the diagram.
  await phone.locator('[data-testid="inspector"]').scrollIntoViewIfNeeded();
  await phone.screenshot({ path: join(SCREENSHOT_DIR, 'inspect-phone-view.png') });
  await phone.locator('[data-testid="diagram-section"]').scrollIntoViewIfNeeded();
  const d = await phone.locator('[data-testid="diagram"]').boundingBox();
  assert.ok(d.x >= 0 && d.x + d.width <= 390, `the diagram fits the phone's width (${d.x}+${d.width})`);
  await phone.screenshot({ path: join(SCREENSHOT_DIR, 'diagram-phone-view.png') });
});

test('Break Raft: a switch in Options restarts the run with `set bug NAME on` and a loud chip', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=3');
  t.after(() => page.context().close());
  await page.locator('.rl-options summary').click();
  const box = page.locator('[data-testid="bug-vote-twice"]');
  await box.check();
  await page.waitForFunction(() => /set bug vote-twice on/.test(document.querySelector('raft-lab').commandLog()));
  const v = await state(page);
  assert.deepEqual(v.setup.bugs, ['vote-twice']);
  const log = await page.evaluate(() => document.querySelector('raft-lab').commandLog());
  assert.match(log, /^cluster 5\nseed 3\nset bug vote-twice on\n/);
  const chip = page.locator('[data-testid="modes"] .rl-chip-bug');
  assert.equal(await chip.count(), 1);
  assert.match(await chip.innerText(), /vote-twice/);
  await screenshot(page, 'break-raft-options');
  // Chinese explains each switch too.
  await page.locator('[data-testid="lang"]').selectOption('zh');
  assert.match(await page.locator('[data-testid="bugs"]').innerText(), /破坏 Raft/);
  // Unchecking it restarts without the bug.
  await page.locator('[data-testid="bug-vote-twice"]').uncheck();
  await page.waitForFunction(() => !/set bug/.test(document.querySelector('raft-lab').commandLog()));
  assert.deepEqual((await state(page)).setup.bugs, []);
  assert.equal(await chip.count(), 0);
});
