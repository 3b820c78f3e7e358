// The space-time diagram on the page: a canvas, its toolbar (zoom, pan,
// follow, export) and its pointer and keyboard input. It draws what
// web/diagram/scene.js lays out from the store, and decides nothing about the
// simulation: travelling in time and inspecting a message go through the
// callbacks.
//
//   const d = createDiagramPanel(section, store, { t, travel(ms), inspect(id), now(), pause() });
//   d.draw(now)   every frame (it repaints only when something changed, and
//                 following now, mostly only the strips that changed)
//   d.select(id)  highlight a message; d.relabel(); d.svg(); d.resize()
//
// Pointer: click an arrow to inspect it, click elsewhere to travel there,
// drag across the lanes to scrub, drag the time axis (or shift-drag) to pan,
// wheel to zoom around the pointer (shift+wheel pans). Keyboard on the focused
// canvas: ←/→ travel 10 ms (Shift: 100 ms), +/− zoom, Enter inspects the
// message nearest the cursor, F follows now, A shows the whole run.

import { buildScene, paintScene, sameStrip, plotWidth, sceneToSVG, hitArrow, AXIS_H, LABEL_W } from './scene.js';
import { fitCanvas } from '../render/theme.js';
import { downloadBlob } from '../ui/share.js';


const DEFAULT_SPAN_MS = 1500;
const MIN_SPAN_MS = 20;
const DRAG_PX = 4;
// Following "now", a repaint moves the old picture and paints only strips of
// it again (repaintChanged). How wide they are decides only how often the
// move is possible, not what is shown: scene.sameStrip checks the rest.
// The left strip: the lane labels and this much of the plot after them (an
// axis label appears there as the window moves on, 18 px after the edge, and
// reaches up to 47 px further by the bounds scene.js reckons for it).
const LEFT_REPAINT_PX = 70;
// The right strip: from this far left of the previous "now" (the cursor, and
// in-flight arrows changing their look as they arrive) to the right edge, and
// at least this much of it (an axis label appears at the right end too).
const CURSOR_MARGIN_PX = 24;
const RIGHT_REPAINT_PX = 60;
// A middle part narrower than this is not worth moving.
const MIN_MOVED_PX = 40;

export function createDiagramPanel(section, store, on) {
  const t = on.t;
  const doc = section.ownerDocument;
  section.innerHTML = `
    <div class="rl-diagram-bar">
      <h2 data-i18n="diagram.title"></h2>
      <span class="rl-spacer"></span>
      <button type="button" class="rl-btn rl-small" data-diagram="follow" aria-pressed="true" data-i18n="diagram.follow" data-i18n-title="diagram.follow.title"></button>
      <button type="button" class="rl-btn rl-small" data-diagram="all" data-i18n="diagram.all" data-i18n-title="diagram.all.title"></button>
      <button type="button" class="rl-btn rl-small rl-icon" data-diagram="out" data-i18n-aria="diagram.zoomOut" data-i18n-title="diagram.zoomOut">−</button>
      <button type="button" class="rl-btn rl-small rl-icon" data-diagram="in" data-i18n-aria="diagram.zoomIn" data-i18n-title="diagram.zoomIn">+</button>
      <button type="button" class="rl-btn rl-small" data-diagram="svg" data-testid="diagram-svg" data-i18n="diagram.svg" data-i18n-title="diagram.export.title"></button>
      <button type="button" class="rl-btn rl-small" data-diagram="png" data-testid="diagram-png" data-i18n="diagram.png" data-i18n-title="diagram.export.title"></button>
    </div>
    <div class="rl-diagram-wrap"><canvas class="rl-diagram" data-testid="diagram" tabindex="0" role="img"></canvas>
      <div class="rl-diagram-tip" hidden></div></div>`;
  const canvas = section.querySelector('canvas');
  const wrap = section.querySelector('.rl-diagram-wrap');
  const tip = section.querySelector('.rl-diagram-tip');
  const ctx = canvas.getContext('2d');
  const vp = { follow: true, span: DEFAULT_SPAN_MS, t0: 0, t1: DEFAULT_SPAN_MS, hover: null, selected: null };
  let scene = null;
  let drawnKey = '';
  let size = { W: 0, H: 0 };
  let lastNow = 0;
  let pending = null; // a travel waiting for the next frame (scrubbing)
  // What the canvas shows, for moving it (repaintChanged): its scene, window
  // and "now", and the canvas size it was painted at; null: paint it all.
  let painted = null;
  // How many draws painted the whole canvas, how many moved the old picture,
  // and what the last draw kept by moving it (x0..x1, CSS px; null: it
  // painted everything).
  // Tests check that the move is taken and equals a whole paint.
  const paints = { whole: 0, moved: 0, kept: null };
  // A lost canvas comes back blank: nothing on it to move, paint it all.
  canvas.addEventListener('contextrestored', () => { painted = null; drawnKey = ''; });

  function window_(now) {
    if (vp.follow) {
      // Early in a run, show what exists rather than an empty stretch.
      const span = Math.min(vp.span, Math.max(300, now * 1.1));
      const t1 = Math.max(span, now + span * 0.08);
      // The window starts on a whole device pixel (a multiple of the time
      // one covers), so from frame to frame the picture moves by whole
      // pixels and can be moved rather than painted again (repaintChanged).
      const msPerDot = size.W > 0 ? span / (plotWidth(size.W) * (size.dpr || 1)) : 0;
      vp.t0 = msPerDot > 0 ? Math.round((t1 - span) / msPerDot) * msPerDot : t1 - span;
      vp.t1 = vp.t0 + span;
    }
    return { t0: vp.t0, t1: vp.t1 };
  }

  function resize() {
    // One lane per server: the canvas is as tall as its lanes need.
    const lanes = store.state.lanes.length || 5;
    wrap.style.height = `${Math.max(110, Math.min(480, AXIS_H + 12 + lanes * (lanes > 10 ? 20 : 26)))}px`;
    size = { ...fitCanvas(canvas, ctx), lanes: store.state.lanes.length };
    // The dark theme inverts every canvas (element.css), so the light colours serve both.
    size.ink = { bg: size.bg };
    drawnKey = '';
    painted = null;
  }

  function sceneNow(now) {
    const w = window_(now);
    return buildScene(store, { t0: w.t0, t1: w.t1, width: size.W, height: size.H, now, hover: vp.hover, selected: vp.selected, ink: size.ink }, t);
  }

  function draw(now) {
    lastNow = now;
    if (pending !== null) { const ms = pending; pending = null; on.travel(ms); now = on.now(); lastNow = now; }
    if (!canvas.isConnected || canvas.offsetParent === null) return;
    const lanes = store.state.lanes.length;
    // A theme switch changes the canvas background (element.css): repaint then too.
    const dark = !!canvas.closest('.rl-dark');
    if (lanes !== size.lanes || canvas.clientWidth !== Math.round(size.W) || dark !== size.dark) { resize(); size.dark = dark; }
    const w = window_(now);
    const key = `${store.version}|${Math.round(now * 10)}|${w.t0}|${w.t1}|${vp.hover}|${vp.selected}|${size.W}x${size.H}`;
    if (key === drawnKey) return;
    drawnKey = key;
    const next = sceneNow(now);
    if (repaintChanged(next, w, now)) {
      paints.moved++;
    } else {
      ctx.clearRect(0, 0, size.W, size.H);
      paintScene(ctx, next);
      paints.whole++;
      paints.kept = null;
    }
    scene = next;
    painted = { scene: next, t0: w.t0, span: w.t1 - w.t0, now, W: size.W, H: size.H, dpr: size.dpr };
    canvas.setAttribute('aria-label', t('diagram.aria', { lanes, from: (w.t0 / 1000).toFixed(2), to: (w.t1 / 1000).toFixed(2), n: scene.arrows.length }));
  }

  /**
   * Following "now", the window moves left by whole device pixels
   * (window_), and most of what the canvas shows is still right, only
   * further left. Then move the old picture (a copy of the canvas onto
   * itself) and paint again only the lane labels at the left and the newest
   * strip at the right, from just before the previous "now": while playing
   * that is about a quarter of the canvas instead of all of it (painting,
   * and above all rasterizing, thousands of arrows was most of a frame).
   * The middle part must be what a whole paint would draw there, pixel for
   * pixel: scene.sameStrip checks that the new scene has the same
   * primitives there as the old one, moved. Anything else (another size,
   * span, a zoom, a jump back in time, a hover or selection that changes an
   * arrow in the middle) returns false, and the caller paints everything.
   */
  function repaintChanged(next, w, now) {
    const p = painted;
    if (!p || p.W !== size.W || p.H !== size.H || p.dpr !== size.dpr) return false;
    if (Math.abs(p.span - (w.t1 - w.t0)) > 1e-9 * p.span) return false; // zoomed: another x scale
    const dpr = size.dpr || 1;
    const shift = LABEL_W - next.x(p.t0); // CSS px the old picture moves left
    const dots = shift * dpr;
    if (dots < 0 || Math.abs(dots - Math.round(dots)) > 1e-6) return false;
    // The middle part, x0..x1 in the new picture, on device pixel edges.
    const x0 = Math.ceil((LABEL_W + LEFT_REPAINT_PX) * dpr) / dpr;
    // (A command resets the element's sub-millisecond carry: "now" can step back a little.)
    const x1 = Math.floor(Math.min(next.x(Math.min(p.now, now)) - CURSOR_MARGIN_PX, size.W - RIGHT_REPAINT_PX) * dpr) / dpr;
    // Its old pixels must have been on the canvas (a pan can move by whole pixels too).
    if (x1 - x0 < MIN_MOVED_PX || x1 + shift > size.W) return false;
    if (!sameStrip(p.scene, next, shift, x0, x1)) return false;
    const d = Math.round(dots);
    if (d > 0) {
      const l = Math.round(x0 * dpr);
      const r = Math.round(x1 * dpr);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      // 'copy' inside a clip: the moved pixels replace the old ones, even
      // where the background is translucent (a page's --rl-panel), rather
      // than being blended over them.
      ctx.beginPath();
      ctx.rect(l, 0, r - l, canvas.height);
      ctx.clip();
      ctx.globalCompositeOperation = 'copy';
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(canvas, l + d, 0, r - l, canvas.height, l, 0, r - l, canvas.height);
      ctx.restore();
    }
    paintStrip(next, 0, x0);
    paintStrip(next, x1, size.W);
    paints.kept = [x0, x1];
    return true;
  }

  /** Paint x0..x1 (CSS px) of the scene again, clipped to it. */
  function paintStrip(sc, x0, x1) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, 0, x1 - x0, size.H);
    ctx.clip();
    ctx.clearRect(x0, 0, x1 - x0, size.H);
    paintScene(ctx, sc, x0, x1);
    ctx.restore();
  }

  function setFollow(f) {
    vp.follow = f;
    section.querySelector('[data-diagram="follow"]').setAttribute('aria-pressed', String(f));
    drawnKey = '';
  }

  function zoom(factor, atMs) {
    const span = Math.max(MIN_SPAN_MS, Math.min(Math.max(2000, store.state.lastTime * 1.2), (vp.t1 - vp.t0) * factor));
    if (vp.follow && atMs === undefined) { vp.span = span; drawnKey = ''; return; }
    const at = atMs === undefined ? lastNow : atMs;
    const frac = (at - vp.t0) / (vp.t1 - vp.t0);
    setFollow(false);
    vp.t0 = at - frac * span;
    vp.t1 = vp.t0 + span;
    vp.span = span;
  }

  function pan(ms) {
    setFollow(false);
    vp.t0 += ms; vp.t1 += ms;
  }

  function showAll() {
    setFollow(false);
    const end = Math.max(store.state.lastTime, lastNow, 100);
    vp.t0 = Math.max(0, store.state.firstTime);
    vp.t1 = end + (end - vp.t0) * 0.02;
    vp.span = vp.t1 - vp.t0;
  }

  const download = (name, blob) => downloadBlob(section, name, blob);

  function svg() {
    const sc = sceneNow(lastNow);
    return sceneToSVG(sc, t('diagram.title'));
  }

  function png() {
    const sc = sceneNow(lastNow);
    const c = doc.createElement('canvas');
    const k = 2;
    c.width = Math.round(sc.width * k); c.height = Math.round(sc.height * k);
    const g = c.getContext('2d');
    g.scale(k, k);
    paintScene(g, sc);
    c.toBlob((b) => { if (b) download('raft-lab-diagram.png', b); }, 'image/png');
  }

  section.addEventListener('click', (e) => {
    const b = e.target.closest('[data-diagram]');
    if (!b) return;
    switch (b.dataset.diagram) {
      case 'follow': setFollow(!vp.follow); break;
      case 'all': showAll(); break;
      case 'in': zoom(1 / 1.6); break;
      case 'out': zoom(1.6); break;
      case 'svg': download('raft-lab-diagram.svg', new Blob([svg()], { type: 'image/svg+xml' })); break;
      case 'png': png(); break;
      default: break;
    }
    drawnKey = '';
  });

  // ---- pointer ----
  const pos = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  let down = null; // { x, y, mode: 'pan'|'scrub', moved, t0, t1, hit }
  canvas.addEventListener('pointerdown', (e) => {
    if (!scene) return;
    const [x, y] = pos(e);
    const mode = (y < AXIS_H || e.shiftKey || e.button === 1) ? 'pan' : 'scrub';
    down = { x, y, mode, moved: false, t0: vp.t0, t1: vp.t1, hit: hitArrow(scene, x, y) };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!scene) return;
    const [x, y] = pos(e);
    if (down) {
      if (Math.hypot(x - down.x, y - down.y) > DRAG_PX) down.moved = true;
      if (!down.moved) return;
      if (down.mode === 'pan') {
        setFollow(false);
        const dms = ((x - down.x) / Math.max(1, size.W - 40)) * (down.t1 - down.t0);
        vp.t0 = down.t0 - dms; vp.t1 = down.t1 - dms;
        drawnKey = '';
      } else {
        if (on.pause) on.pause();
        pending = Math.max(0, Math.round(scene.time(x)));
      }
      return;
    }
    const hit = hitArrow(scene, x, y);
    if (hit !== vp.hover) { vp.hover = hit; drawnKey = ''; }
    canvas.style.cursor = hit !== null ? 'pointer' : (y < AXIS_H ? 'grab' : 'col-resize');
    showTip(hit, x, y);
  });
  canvas.addEventListener('pointerup', (e) => {
    if (!down) return;
    const d = down;
    down = null;
    const [x] = pos(e);
    if (d.moved) return;
    if (d.hit !== null) { select(d.hit); on.inspect(d.hit); return; }
    if (d.mode === 'scrub') on.travel(Math.max(0, Math.round(scene.time(x))));
  });
  canvas.addEventListener('pointercancel', () => { down = null; });
  canvas.addEventListener('pointerleave', () => { if (!down) { vp.hover = null; tip.hidden = true; drawnKey = ''; } });
  canvas.addEventListener('wheel', (e) => {
    if (!scene) return;
    e.preventDefault();
    const [x] = pos(e);
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      pan(((e.deltaX || e.deltaY) / Math.max(1, size.W)) * (vp.t1 - vp.t0));
    } else {
      zoom(Math.pow(1.0015, e.deltaY), scene.time(x));
    }
    drawnKey = '';
  }, { passive: false });

  function showTip(id, x, y) {
    const m = id === null ? null : store.message(id);
    if (!m) { tip.hidden = true; return; }
    tip.textContent = t('diagram.tip', { type: m.type, id: m.id, from: m.from, to: m.to, send: m.send, end: m.end === null ? m.deliver : m.end });
    tip.hidden = false;
    tip.style.left = `${Math.min(x + 12, Math.max(0, size.W - 220))}px`;
    tip.style.top = `${y + 14}px`;
  }

  // ---- keyboard ----
  canvas.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? 100 : 10;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft': on.travel(Math.max(0, Math.round(lastNow) - step)); break;
      case 'ArrowRight': on.travel(Math.round(lastNow) + step); break;
      case '+': case '=': zoom(1 / 1.6); break;
      case '-': case '_': zoom(1.6); break;
      case 'f': case 'F': setFollow(!vp.follow); break;
      case 'a': case 'A': showAll(); break;
      case 'Enter': {
        const id = nearest(lastNow);
        if (id !== null) { select(id); on.inspect(id); }
        break;
      }
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopPropagation(); drawnKey = ''; }
  });

  /** The message whose arrow passes closest to instant `now` (in flight then, else the last sent before). */
  function nearest(now) {
    const around = store.visible(now - 1, now + 1);
    if (around.length) return around[around.length - 1].id;
    const before = store.visible(now - 5000, now).filter((m) => m.send <= now);
    return before.length ? before[before.length - 1].id : null;
  }

  function select(id) { vp.selected = id; drawnKey = ''; }

  return {
    canvas,
    draw,
    select,
    svg,
    resize,
    get viewport() { return { ...vp }; },
    /** Show [t0, t1] (ms) and stop following now. */
    show(t0, t1) { setFollow(false); vp.t0 = t0; vp.t1 = t1; vp.span = t1 - t0; },
    follow() { setFollow(true); },
    /** The x (CSS px in the canvas) of simulated instant `ms` in the last drawing. */
    xOf(ms) { return scene ? scene.x(ms) : null; },
    arrows() { return scene ? scene.arrows.slice() : []; },
    relabel() { drawnKey = ''; },
    /** Paint everything again at the next draw (not moving the old picture). */
    repaint() { drawnKey = ''; painted = null; },
    /** How many draws painted everything and how many moved the old picture, and the part the last move kept: { whole, moved, kept } (tests). */
    get paints() { return { ...paints }; },
  };
}
