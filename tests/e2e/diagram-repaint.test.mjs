// The space-time diagram's incremental repaint (web/diagram/panel.js):
// following "now", a draw moves the old picture left by whole device pixels
// and paints only the lane labels and the newest strip again. Whatever the
// draws went through, the canvas must show what one whole paint of the same
// instant shows. Compared here pixel by pixel, in simulated time (`run 16ms`
// + render() per frame), at 1 and 2 device pixels per CSS pixel:
//  - the part a move kept, right after a whole paint, equals the whole paint
//    (the move itself: its direction, its distance, what it covers);
//  - everywhere, after any number of moves, no pixel differs by more than
//    antialiasing does and no 4×4 block is darker or lighter on average.
//    Exact equality is not to be had: Chromium's rasterizer cuts a line at
//    a clip's edge and antialiases the cut piece a little differently
//    (up to about a quarter of a pixel's coverage), so the edge pixels of
//    diagonal arrows in a repainted strip differ slightly. A missing,
//    doubled or misplaced arrow changes whole pixels, and whole blocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec } from './lib/page.mjs';

const fixture = useLab();

// Antialiasing differences measured at most 82 on a pixel and 16 on a
// block's mean; a 1.3 px arrow missing or moved by a pixel is ~200 on its
// pixels and ≥ 40 on a block.
const PIXEL_SLACK = 110;
const BLOCK = 4;
const BLOCK_SLACK = 28;
// The part a move kept: as a whole paint, but for the rounding of lines cut
// at the canvas's own edges.
const KEPT_SLACK = 2;

/**
 * In the page: `steps` is a list of [what, arg]; 'run' advances simulated
 * time by arg ms and draws, 'repaint' paints everything, 'exec' runs a command, 'select' highlights a
 * message, 'key' presses a key on the canvas, 'click' a toolbar button, and
 * 'check' compares the canvas as drawn with a whole repaint of it (which then
 * stays: later moves start from it). Returns the checks and the draw counts.
 */
async function play(page, steps, block = BLOCK) {
  return page.evaluate(({ list, B }) => {
    const el = document.querySelector('raft-lab');
    const d = el._insight.diagram;
    const ctx = d.canvas.getContext('2d');
    const W = d.canvas.width;
    const H = d.canvas.height;
    const dpr = W / d.canvas.clientWidth;
    const grab = () => ctx.getImageData(0, 0, W, H).data;
    const checks = [];
    let moves = 0; // moves since the last whole paint
    for (const [what, arg] of list) {
      const before = d.paints;
      switch (what) {
        case 'repaint': d.repaint(); el.render(); break;
        case 'run': el.exec(`run ${arg}ms`); el.render(); break;
        case 'exec': el.exec(arg); el.render(); break;
        case 'select': d.select(arg === 'middle' ? middleArrow() : arg); el.render(); break;
        case 'key': d.canvas.dispatchEvent(new KeyboardEvent('keydown', { key: arg, bubbles: true })); el.render(); break;
        case 'click': el.shadowRoot.querySelector(`[data-diagram="${arg}"]`).click(); el.render(); break;
        case 'check': {
          const drawn = grab();
          const kept = before.kept;
          d.repaint();
          el.render();
          const repainted = d.paints.whole === before.whole + 1;
          const whole = grab();
          const c = { label: arg, moves, repainted, differ: 0, most: 0, block: 0, kept: 0 };
          const k0 = kept ? Math.round(kept[0] * dpr) : 0;
          const k1 = kept ? Math.round(kept[1] * dpr) : 0;
          for (let i = 0; i < drawn.length; i += 4) {
            let delta = 0;
            for (let k = 0; k < 4; k++) delta = Math.max(delta, Math.abs(drawn[i + k] - whole[i + k]));
            if (delta === 0) continue;
            c.differ += 1;
            c.most = Math.max(c.most, delta);
            const x = (i / 4) % W;
            if (moves === 1 && x >= k0 && x < k1) c.kept = Math.max(c.kept, delta);
          }
          for (let by = 0; by + B <= H; by += B) {
            for (let bx = 0; bx + B <= W; bx += B) {
              for (let k = 0; k < 3; k++) {
                let sum = 0;
                for (let y = by; y < by + B; y++) for (let x = bx; x < bx + B; x++) { const i = (y * W + x) * 4 + k; sum += drawn[i] - whole[i]; }
                c.block = Math.max(c.block, Math.abs(sum) / (B * B));
              }
            }
          }
          checks.push(c);
          break;
        }
        default: throw new Error(`unknown step ${what}`);
      }
      const after = d.paints;
      if (after.whole > before.whole) moves = 0;
      moves += after.moved - before.moved;
    }
    return { checks, paints: d.paints, width: W };

    // An arrow drawn in the middle of the canvas, away from both repainted strips.
    function middleArrow() {
      const mid = d.canvas.clientWidth / 2;
      const a = d.arrows().find((r) => Math.min(r.x1, r.x2) > mid - 100 && Math.max(r.x1, r.x2) < mid + 100);
      return a ? a.id : null;
    }
  }, { list: steps, B: block });
}

const frames = (n, ms = 16) => Array.from({ length: n }, () => ['run', ms]);

for (const dpr of [1, 2]) {
  test(`following now at ${dpr}x, moving the old picture shows what a whole repaint shows, also after crashes, partitions, a selection, a zoom, time travel and leaving follow mode`, async (t) => {
    const page = await openLab(fixture.lab, 'nodes=7&seed=5', { deviceScaleFactor: dpr });
    t.after(() => page.context().close());
    await exec(page, 'set latency 40ms..90ms\nawait leader any within 5s\nload put 100/s for 6s\nrun 1500ms');
    const n0 = (await play(page, [])).paints;
    const r = await play(page, [
      ['repaint'], ['run', 16], ['check', 'one frame after a whole paint'],
      // Many moves in a row, no whole paint in between: errors would add up.
      ...frames(40), ['check', '40 frames'],
      ['run', 16], ['check', 'one more frame'],
      ['exec', 'crash n2'], ['run', 16], ['check', 'crashed'],
      ['exec', 'partition n1 n3 | n4 n5 n6 n7'], ...frames(30), ['check', 'partitioned'],
      ['exec', 'heal'], ['exec', 'restart n2'], ...frames(20), ['exec', 'timeout n4'], ...frames(30, 7), ['check', 'an election'],
      ['select', 'middle'], ['check', 'an arrow in the middle selected'],
      ...frames(10), ['select', null], ['check', 'selected, then not'],
      ['click', 'in'], ['run', 16], ['check', 'zoomed in'],
      ...frames(10), ['check', 'zoomed in, following'],
      ['key', 'ArrowLeft'], ['check', 'travelled back 10 ms'],
      ...frames(5), ['key', 'ArrowRight'], ['check', 'travelled forward 10 ms'],
      ['key', 'f'], ...frames(10), ['check', 'not following'],
      ['key', 'f'], ...frames(10), ['check', 'following again'],
    ]);
    for (const c of r.checks) t.diagnostic(`${c.label}: ${c.moves} moves, ${c.differ} px differ, by up to ${c.most}, block ${c.block.toFixed(1)}, kept ${c.kept}`);
    for (const c of r.checks) {
      const what = `${c.label} (${c.moves} moves since a whole paint): ${c.differ} pixels differ from a whole paint`;
      assert.ok(c.repainted, `${c.label}: the comparison painted everything`);
      assert.ok(c.most <= PIXEL_SLACK, `${what}, one by ${c.most}`);
      assert.ok(c.block <= BLOCK_SLACK, `${what}, a ${BLOCK}×${BLOCK} block by ${c.block.toFixed(1)} on average`);
      assert.ok(c.kept <= KEPT_SLACK, `${what}, one in the part the move kept by ${c.kept}`);
    }
    // Worth something only if the picture was moved before the checks. (A
    // message dropped changes its whole arrow, a zoom the scale, a jump back
    // the window, a selection an arrow: those draws paint everything.)
    const moved = r.paints.moved - n0.moved;
    assert.ok(moved > 100, `${moved} draws moved the picture`);
    for (const label of ['one frame after a whole paint', '40 frames', 'one more frame', 'crashed', 'an election', 'zoomed in, following', 'following again']) {
      const c = r.checks.find((x) => x.label === label);
      assert.ok(c.moves >= 1, `${label}: drawn by moving the picture`);
    }
    assert.deepEqual(page.errors, []);
  });
}
