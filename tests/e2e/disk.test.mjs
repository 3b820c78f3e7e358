// End-to-end: a server's disk on the page (`set disk-latency`). The view
// model carries each server's pending write, and the ring draws the disk
// filling (INK.diskFill) only while a write is in progress.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec, screenshot, leaderOf } from './lib/page.mjs';

const fixture = useLab();

/** Pixels of the disk's fill colour (#2f7fd0) on the ring canvas. */
async function diskFillPixels(page) {
  return page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const canvas = el.shadowRoot.querySelector('canvas[data-testid="ring"]');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === 0x2f && data[i + 1] === 0x7f && data[i + 2] === 0xd0) n++;
    }
    return n;
  });
}

test('the disk fills while a write is pending, and only then', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=3&seed=12');
  t.after(() => page.context().close());
  let view = await exec(page, 'await leader any within 2s');
  assert.deepEqual(view.disk, { latency_ms: [0, 0], group_commit: true });
  assert.equal(await diskFillPixels(page), 0, 'an instant disk is not drawn');

  view = await exec(page, 'set disk-latency 30ms..30ms\nset group-commit off\nrun 100ms\nput a 1\nrun 10ms');
  const leader = leaderOf(view);
  assert.equal(leader.disk.writes, 1, JSON.stringify(leader.disk));
  assert.ok(leader.disk.pending >= 1);
  assert.ok(leader.disk.write_done_ms > view.time_ms, 'durable later');
  assert.ok((await diskFillPixels(page)) > 0, 'the leader disk fills');
  await screenshot(page, 'disk-pending');

  view = await exec(page, 'run 200ms');
  assert.ok(view.nodes.every((n) => n.disk.writes === 0), 'all written');
  assert.equal(await diskFillPixels(page), 0, 'idle disks are empty');
  assert.equal(view.history.at(-1).returned_ms != null, true, 'the put returned once durable');
  assert.deepEqual(page.errors, []);
});
