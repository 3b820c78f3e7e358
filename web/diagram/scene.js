// The space-time diagram as a list of drawing primitives, from the store
// (web/diagram/store.js) and a viewport. DOM-free: the canvas painter
// (paintScene) and the SVG export (sceneToSVG) draw the same list, so what is
// exported is what is on screen, and node tests can check the layout.
//
// Time runs left to right; one lane per server, top to bottom in id order.
// Along a lane: a thin line while follower, an orange band while (pre-)
// candidate, a dark band while leader, a grey hatched block while crashed;
// a tick and "T3" where its term changes; a green dot where its commit index
// advanced. Each message is an arrow from (send time, sender's lane) to
// (delivery time, receiver's lane), styled by type as on the ring; a dropped
// one ends in ×. Partitions shade the whole height. The cursor is "now".

import { ROLE, OUTCOME, messageStyle } from '../render/theme.js';
import { firstAt } from './store.js';

/** More arrows than this in view: heartbeats are left out (and counted). */
export const MAX_ARROWS = 2500;
export const AXIS_H = 20;
export const LABEL_W = 34;

const INK = { bg: '#ffffff', text: '#1c2430', faint: '#8a94a3', grid: '#e3e7ec', lane: '#b4bfcc', cursor: '#d62828', partition: 'rgba(123,79,176,0.10)', partitionEdge: '#7b4fb0', down: '#d5d9df', commit: '#2a9d4b' };

/** Lane geometry: y of each server's lane and the height of one lane. */
export function laneLayout(lanes, height) {
  const usable = Math.max(10, height - AXIS_H - 8);
  const laneH = Math.max(12, Math.min(44, usable / Math.max(1, lanes.length)));
  const y = new Map();
  lanes.forEach((id, i) => y.set(id, AXIS_H + 4 + laneH * (i + 0.5)));
  return { y, laneH, height: AXIS_H + 8 + laneH * lanes.length };
}

/** A "nice" tick step (1, 2, 5 × 10^k ms) giving about `px` pixels between ticks. */
export function tickStep(msPerPx, px = 90) {
  const raw = msPerPx * px;
  const k = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
  for (const m of [1, 2, 5, 10]) if (m * k >= raw) return m * k;
  return 10 * k;
}

export function formatTime(ms, step) {
  if (step >= 1000) return `${(ms / 1000).toFixed(step >= 10000 ? 0 : Math.max(0, 3 - Math.round(Math.log10(step))))} s`;
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Is message `m` a heartbeat (an empty AppendEntries or its plain success reply)? */
export function isHeartbeat(m) {
  if (m.type === 'AppendEntries') return !!m.fields && Array.isArray(m.fields.entries) && m.fields.entries.length === 0;
  if (m.type === 'AppendEntriesResponse') return !!m.fields && m.fields.success === true && m.status !== 'dropped';
  return false;
}

function outcomeColor(m) {
  const f = m.fields;
  const ok = f ? (f.vote_granted ?? f.success ?? null) : null;
  if (ok === true) return OUTCOME.ok;
  if (ok === false) return OUTCOME.bad;
  return '#5c6f86';
}

/** The stroke colour of a message arrow: its type's colour on the ring, replies by outcome. */
export function arrowColor(m) {
  if (/Response$/.test(m.type) && m.type !== 'InstallSnapshotResponse') return outcomeColor(m);
  const st = messageStyle(m.type);
  if (m.type === 'PreVote') return st.edge;
  if (m.type === 'TimeoutNow') return st.edge;
  return st.fill || st.edge || '#1d3557';
}

/**
 * Build the scene. `vp` = { t0, t1, width, height, now, hover, selected };
 * `t` translates. Returns { width, height, prims, arrows, hidden, x(ms), time(x), lanes }.
 */
export function buildScene(store, vp, t = (k) => k) {
  const s = store.state;
  const lanes = s.lanes;
  const { width } = vp;
  const geo = laneLayout(lanes, vp.height);
  const height = Math.max(vp.height, geo.height);
  const span = Math.max(1, vp.t1 - vp.t0);
  const plotW = plotWidth(width);
  const x = (ms) => LABEL_W + ((ms - vp.t0) / span) * plotW;
  const time = (px) => vp.t0 + ((px - LABEL_W) / plotW) * span;
  const msPerPx = span / plotW;
  const prims = [];
  const P = (p) => prims.push(p);
  // Colours: the light defaults, or the element's theme (vp.ink, e.g. dark).
  const ink = { ...INK, ...(vp.ink || {}) };
  const left = LABEL_W, right = LABEL_W + plotW;
  const clip = (ms) => Math.max(left, Math.min(right, x(ms)));
  const top = AXIS_H, bottom = geo.height - 4;

  P({ k: 'rect', x: 0, y: 0, w: width, h: height, fill: ink.bg, cls: 'bg' });

  // Axis and grid.
  const step = tickStep(msPerPx);
  for (let ms = Math.ceil(vp.t0 / step) * step; ms <= vp.t1; ms += step) {
    const gx = x(ms);
    P({ k: 'line', x1: gx, y1: top, x2: gx, y2: bottom, stroke: ink.grid, w: 1 });
    if (gx > left + 18 && gx < right - 22) P({ k: 'text', x: gx, y: 13, text: formatTime(ms, step), fill: ink.faint, size: 10, anchor: 'middle' });
  }

  // Partitions (and one-way cuts, lighter) shade the whole height.
  for (const p of s.partitions) {
    const end = p.end === null ? Math.max(vp.now, s.lastTime) : p.end;
    if (end < vp.t0 || p.start > vp.t1) continue;
    const x1 = clip(p.start), x2 = clip(end);
    P({ k: 'rect', x: x1, y: top, w: Math.max(1, x2 - x1), h: bottom - top, fill: ink.partition, cls: 'partition' });
    if (x2 - x1 > 60) {
      const groups = p.groups.map((g) => g.map((id) => `n${id}`).join(' ')).join(' | ');
      P({ k: 'text', x: x1 + 4, y: bottom - 4, text: `${t('diagram.partition')} ${groups}`, fill: ink.partitionEdge, size: 10 });
    }
  }

  // Lanes: role bands, crashes, term ticks, commits.
  for (const id of lanes) {
    const y = geo.y.get(id);
    const h = geo.laneH;
    P({ k: 'text', x: 6, y: y + 4, text: `n${id}`, fill: ink.text, size: 11, weight: 600, cls: 'lane-label' });
    P({ k: 'line', x1: left, y1: y, x2: right, y2: y, stroke: ink.lane, w: 1, cls: 'lane', lane: id });
    const roles = s.roles.get(id) || [];
    const lastT = Math.max(vp.now, s.lastTime);
    // Lists are in time order: start at the span in force at t0, stop after t1.
    for (let i = Math.max(0, firstAt(roles, vp.t0) - 1); i < roles.length; i++) {
      const r = roles[i];
      if (r.t > vp.t1) break;
      const end = i + 1 < roles.length ? roles[i + 1].t : lastT;
      if (end < vp.t0 || end <= r.t) continue;
      const x1 = clip(r.t), x2 = clip(end);
      const st = ROLE[r.role] || ROLE.follower;
      if (r.role === 'down') {
        P({ k: 'rect', x: x1, y: y - h * 0.42, w: Math.max(1, x2 - x1), h: h * 0.84, fill: ink.down, hatch: true, cls: 'crash' });
        if (x2 - x1 > 50) P({ k: 'text', x: x1 + 4, y: y + 3, text: t('diagram.crashed'), fill: '#5c6f86', size: 9 });
      } else if (r.role === 'leader') {
        P({ k: 'rect', x: x1, y: y - 4, w: Math.max(1, x2 - x1), h: 8, fill: st.fill, cls: 'role-leader' });
      } else if (r.role === 'candidate' || r.role === 'pre-candidate') {
        P({ k: 'rect', x: x1, y: y - 3, w: Math.max(1, x2 - x1), h: 6, fill: st.fill, stroke: st.edge, dash: st.dashed, cls: `role-${r.role}` });
      }
    }
    let lastLabel = -Infinity;
    const terms = s.terms.get(id) || [];
    for (let i = firstAt(terms, vp.t0); i < terms.length; i++) {
      const tc = terms[i];
      if (tc.t > vp.t1) break;
      const tx = x(tc.t);
      P({ k: 'line', x1: tx, y1: y - h * 0.45, x2: tx, y2: y + h * 0.45, stroke: '#5c6f86', w: 1, cls: 'term' });
      if (tx - lastLabel > 26 && h >= 16) {
        P({ k: 'text', x: tx + 2, y: y - h * 0.45 + 8, text: `T${tc.term}`, fill: '#5c6f86', size: 9 });
        lastLabel = tx;
      }
    }
    let lastDot = -Infinity;
    const commits = s.commits.get(id) || [];
    for (let i = firstAt(commits, vp.t0); i < commits.length; i++) {
      const c = commits[i];
      if (c.t > vp.t1) break;
      const cx = x(c.t);
      if (cx - lastDot < 4) continue;
      lastDot = cx;
      P({ k: 'circle', x: cx, y: y + h * 0.3, r: 2.5, fill: ink.commit, cls: 'commit', title: t('diagram.commit', { index: c.index }) });
    }
  }

  // Messages.
  // Zoomed far out, heartbeats give way (counted, not looked at one by one).
  const about = store.countIn(vp.t0, vp.t1);
  let shown = about > MAX_ARROWS ? store.visibleNotable(vp.t0, vp.t1) : store.visible(vp.t0, vp.t1);
  let hidden = about > MAX_ARROWS ? Math.max(0, about - shown.length) : 0;
  if (shown.length > MAX_ARROWS) {
    // Still too many: keep an even sample (the rest are counted as hidden).
    const stride = shown.length / MAX_ARROWS;
    const sample = [];
    for (let i = 0; i < MAX_ARROWS; i++) sample.push(shown[Math.floor(i * stride)]);
    hidden += shown.length - sample.length;
    shown = sample;
  }
  const arrows = [];
  for (const m of shown) {
    const y1 = geo.y.get(m.from), y2 = geo.y.get(m.to);
    if (y1 === undefined || y2 === undefined) continue;
    const endT = m.end === null ? m.deliver : m.end;
    const future = m.send > vp.now;
    const inFlight = !future && m.end === null && endT > vp.now;
    // An in-flight message is drawn up to where it is now, its rest faint.
    const x1 = x(m.send), x2 = x(endT);
    const color = arrowColor(m);
    const style = messageStyle(m.type);
    const sel = vp.selected === m.id, hov = vp.hover === m.id;
    const w = sel || hov ? 2.5 : (isHeartbeat(m) ? 0.8 : 1.3);
    const alpha = future ? 0.25 : (m.status === 'flight' && !inFlight ? 0.5 : 0.9);
    const dash = style.dashed || m.status === 'dropped' ? [4, 3] : null;
    P({ k: 'line', x1, y1, x2, y2, stroke: color, w, alpha, dash, cls: 'msg', id: m.id, type: m.type });
    if (m.status === 'dropped') {
      P({ k: 'cross', x: x2, y: y2, s: 4, stroke: OUTCOME.bad, w: 1.6, alpha, cls: 'drop' });
    } else {
      P({ k: 'head', x1, y1, x2, y2, fill: color, alpha, s: sel || hov ? 7 : 5 });
    }
    if (sel) P({ k: 'circle', x: x1, y: y1, r: 3, fill: color });
    arrows.push({ id: m.id, x1, y1, x2, y2 });
  }

  // The cursor: now.
  if (vp.now >= vp.t0 && vp.now <= vp.t1) {
    const cx = x(vp.now);
    P({ k: 'line', x1: cx, y1: 2, x2: cx, y2: bottom, stroke: ink.cursor, w: 1.5, cls: 'cursor' });
  }
  if (hidden) P({ k: 'text', x: right - 4, y: bottom - 4, text: t('diagram.hidden', { n: hidden }), fill: ink.faint, size: 10, anchor: 'end' });
  return { width, height, prims, arrows, hidden, x, time, lanes, geo };
}

/** The arrow under (px, py), within `slop` pixels, or null. */
export function hitArrow(scene, px, py, slop = 5) {
  let best = null, bestD = slop;
  for (const a of scene.arrows) {
    const d = segmentDistance(px, py, a.x1, a.y1, a.x2, a.y2);
    if (d <= bestD) { bestD = d; best = a.id; }
  }
  return best;
}

export function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1, dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const u = len2 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2)) : 0;
  return Math.hypot(px - (x1 + u * dx), py - (y1 + u * dy));
}

function headPoints(p) {
  const a = Math.atan2(p.y2 - p.y1, p.x2 - p.x1);
  const s = p.s;
  return [[p.x2, p.y2], [p.x2 - s * Math.cos(a - 0.45), p.y2 - s * Math.sin(a - 0.45)], [p.x2 - s * Math.cos(a + 0.45), p.y2 - s * Math.sin(a + 0.45)]];
}

/** The width of the time axis (CSS px) in a diagram `width` px wide (buildScene's x scale). */
export function plotWidth(width) {
  return Math.max(10, width - LABEL_W - 6);
}

/** 'L' line, 'X' cross, 'F' filled head or circle: the primitives painted in shared paths; '' the others. */
function pathKind(p) {
  return p.k === 'line' ? 'L' : p.k === 'cross' ? 'X' : p.k === 'head' || p.k === 'circle' ? 'F' : '';
}

function sameDash(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Number the scene's paths: consecutive lines, arrow heads, crosses and dots
 * of one style share one path and one stroke or fill; every other primitive
 * is a path of its own. A busy window has thousands of arrows, and a draw
 * call (with its state changes) per primitive made the diagram most of a
 * frame's work. The style is compared field by field (a key string per
 * primitive, with the dash pattern joined, cost more than the path calls).
 * Returns the path number of each primitive (kept on the scene, which is
 * painted and compared more than once; an array, not a field on each
 * primitive, which would give thousands of objects a new shape).
 */
function batchesOf(scene) {
  if (scene.batches) return scene.batches;
  const prims = scene.prims;
  const batches = new Int32Array(prims.length);
  let kind = '';
  let sColor = null;
  let sWidth = 0;
  let sDash = null;
  let sAlpha = 1;
  let id = 0;
  for (let i = 0; i < prims.length; i++) {
    const p = prims[i];
    const k = pathKind(p);
    if (!k) { kind = ''; batches[i] = ++id; continue; }
    const alpha = p.alpha ?? 1;
    const color = k === 'F' ? p.fill : p.stroke;
    const dash = k === 'L' && p.dash && p.dash.length ? p.dash : null;
    const same = k === kind && color === sColor && alpha === sAlpha && (k === 'F' || (p.w === sWidth && sameDash(dash, sDash)));
    if (!same) {
      id++;
      kind = k; sColor = color; sWidth = p.w; sDash = dash; sAlpha = alpha;
    }
    batches[i] = id;
  }
  scene.batches = batches;
  return batches;
}

/**
 * The horizontal extent each primitive can touch on the canvas, generously
 * (line widths, a text's width from its length): [x0, x1] of primitive i at
 * 2i, 2i + 1. Kept on the scene: it is compared (sameStrip) and painted in
 * strips more than once.
 */
function boundsOf(scene) {
  if (scene.bounds) return scene.bounds;
  const prims = scene.prims;
  const b = new Float64Array(prims.length * 2);
  for (let i = 0; i < prims.length; i++) {
    const p = prims[i];
    let x0;
    let x1;
    switch (p.k) {
      case 'line': { const e = (p.w || 1) + 1; x0 = Math.min(p.x1, p.x2) - e; x1 = Math.max(p.x1, p.x2) + e; break; }
      case 'head': x0 = p.x2 - p.s - 2; x1 = p.x2 + p.s + 2; break;
      case 'cross': x0 = p.x - p.s - (p.w || 1) - 1; x1 = p.x + p.s + (p.w || 1) + 1; break;
      case 'circle': x0 = p.x - p.r - 1; x1 = p.x + p.r + 1; break;
      case 'rect': x0 = p.x - 2; x1 = p.x + p.w + 2; break;
      case 'text': {
        // Without a canvas to measure it: an em a character (CJK is an em wide,
        // Latin letters and digits narrower), as bounds must never be short.
        const w = String(p.text).length * p.size + 4;
        if (p.anchor === 'middle') { x0 = p.x - w / 2; x1 = p.x + w / 2; } else if (p.anchor === 'end') { x0 = p.x - w; x1 = p.x + 2; } else { x0 = p.x - 2; x1 = p.x + w; }
        break;
      }
      default: x0 = -Infinity; x1 = Infinity; break;
    }
    b[2 * i] = x0;
    b[2 * i + 1] = x1;
  }
  scene.bounds = b;
  return b;
}

/**
 * Draw a scene on a 2D canvas context (already scaled to CSS pixels), in the
 * paths batchesOf numbered. With `x0`, `x1`: only the primitives that can
 * touch that strip, in the paths of a whole paint (the caller clips to the
 * strip).
 */
export function paintScene(ctx, scene, x0 = -Infinity, x1 = Infinity) {
  const batches = batchesOf(scene);
  const bounds = x0 === -Infinity && x1 === Infinity ? null : boundsOf(scene);
  const prims = scene.prims;
  let open = 0; // the batch of the open path, 0 = none
  let openFill = false;
  // The context's state as last set here (undefined: not yet): arrows of two
  // or three colours alternate, and setting an unchanged dash, width or alpha
  // again for each one cost as much as drawing it.
  let cAlpha;
  let cFill;
  let cStroke;
  let cWidth;
  let cDash;
  const flush = () => {
    if (!open) return;
    if (openFill) ctx.fill(); else ctx.stroke();
    open = 0;
  };
  for (let i = 0; i < prims.length; i++) {
    if (bounds && (bounds[2 * i + 1] < x0 || bounds[2 * i] > x1)) continue;
    const p = prims[i];
    const alpha = p.alpha ?? 1;
    const k = pathKind(p);
    if (k) {
      if (batches[i] !== open) {
        flush();
        if (alpha !== cAlpha) { ctx.globalAlpha = alpha; cAlpha = alpha; }
        if (k === 'F') {
          if (p.fill !== cFill) { ctx.fillStyle = p.fill; cFill = p.fill; }
        } else {
          if (p.stroke !== cStroke) { ctx.strokeStyle = p.stroke; cStroke = p.stroke; }
          if (p.w !== cWidth) { ctx.lineWidth = p.w; cWidth = p.w; }
          const dash = k === 'L' && p.dash && p.dash.length ? p.dash : null;
          if (!sameDash(dash, cDash) || cDash === undefined) { ctx.setLineDash(dash || []); cDash = dash; }
        }
        ctx.beginPath();
        open = batches[i]; openFill = k === 'F';
      }
      switch (p.k) {
        case 'line': ctx.moveTo(p.x1, p.y1); ctx.lineTo(p.x2, p.y2); break;
        case 'cross':
          ctx.moveTo(p.x - p.s, p.y - p.s); ctx.lineTo(p.x + p.s, p.y + p.s); ctx.moveTo(p.x + p.s, p.y - p.s); ctx.lineTo(p.x - p.s, p.y + p.s);
          break;
        case 'head': {
          // headPoints, without its arrays (thousands of heads a paint).
          const a = Math.atan2(p.y2 - p.y1, p.x2 - p.x1);
          ctx.moveTo(p.x2, p.y2);
          ctx.lineTo(p.x2 - p.s * Math.cos(a - 0.45), p.y2 - p.s * Math.sin(a - 0.45));
          ctx.lineTo(p.x2 - p.s * Math.cos(a + 0.45), p.y2 - p.s * Math.sin(a + 0.45));
          ctx.closePath();
          break;
        }
        default: ctx.moveTo(p.x + p.r, p.y); ctx.arc(p.x, p.y, p.r, 0, Math.PI * 2); break; // circle
      }
      continue;
    }
    flush();
    ctx.save();
    ctx.globalAlpha = alpha;
    switch (p.k) {
      case 'rect':
        // The line width and dash are set here, not taken from whatever was
        // painted before: a strip (paintScene with x0, x1) paints only some
        // of the primitives, and must look as a whole paint does.
        ctx.lineWidth = 1;
        ctx.setLineDash([]);
        ctx.fillStyle = p.fill;
        ctx.fillRect(p.x, p.y, p.w, p.h);
        if (p.hatch) {
          ctx.beginPath(); ctx.rect(p.x, p.y, p.w, p.h); ctx.clip();
          ctx.strokeStyle = '#9aa3ad'; ctx.beginPath();
          for (let hx = p.x - p.h; hx < p.x + p.w; hx += 6) { ctx.moveTo(hx, p.y + p.h); ctx.lineTo(hx + p.h, p.y); }
          ctx.stroke();
        }
        if (p.stroke) { ctx.strokeStyle = p.stroke; ctx.setLineDash(p.dash ? [3, 2] : []); ctx.strokeRect(p.x + 0.5, p.y + 0.5, p.w - 1, p.h - 1); }
        break;
      case 'text':
        ctx.fillStyle = p.fill; ctx.font = `${p.weight || 400} ${p.size}px system-ui, sans-serif`;
        ctx.textAlign = p.anchor === 'middle' ? 'center' : p.anchor === 'end' ? 'right' : 'left';
        ctx.fillText(p.text, p.x, p.y);
        break;
      default: break;
    }
    ctx.restore();
  }
  flush();
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}

const EPS = 1e-6;
const near = (a, b) => Math.abs(a - b) < EPS;

/**
 * Does `b` (a newer scene) paint the strip x0..x1 as `a` painted it `shift`
 * CSS px further right? Then the old pixels can be moved instead of painted
 * again (web/diagram/panel.js). The primitives that touch the strip must be
 * the same in both, in the same order and paths, moved by `shift`; a
 * rectangle or a solid horizontal line that looks the same all along (a role
 * band, a lane) may differ outside the strip (it grows with "now", or is cut
 * at the left edge).
 */
export function sameStrip(a, b, shift, x0, x1) {
  const pa = a.prims;
  const pb = b.prims;
  const ba = batchesOf(a);
  const bb = batchesOf(b);
  const boundsA = boundsOf(a);
  const boundsB = boundsOf(b);
  // The next primitive at or after k that touches the strip (moved by s).
  const nextIn = (bounds, k, n, s) => {
    for (; k < n; k++) if (bounds[2 * k + 1] - s >= x0 && bounds[2 * k] - s <= x1) return k;
    return n;
  };
  let i = 0;
  let j = 0;
  let lastA = -1;
  let lastB = -1;
  for (;;) {
    i = nextIn(boundsA, i, pa.length, shift);
    j = nextIn(boundsB, j, pb.length, 0);
    if (i >= pa.length || j >= pb.length) return i >= pa.length && j >= pb.length;
    // In the same path as the previous primitive in the strip, or not, in both.
    if ((lastA >= 0 && ba[lastA] === ba[i]) !== (lastB >= 0 && bb[lastB] === bb[j])) return false;
    if (!samePrim(pa[i], pb[j], shift, x0, x1)) return false;
    lastA = i++;
    lastB = j++;
  }
}

/**
 * The same x extent, a's moved by `shift`: exactly ('exact'), or as far as
 * it shows in the strip, for a shape that looks the same all along x
 * ('ends'), or one whose pattern starts at its left end ('end': that end
 * exact). Clipped 2 px beyond the strip: an end that close still shows in it
 * (antialiasing, a stroke). Role bands and crashes grow with "now", and
 * are cut at the window's left edge: their ends differ, not their middle.
 */
function sameSpan(ax0, ax1, bx0_, bx1_, shift, x0, x1, how) {
  const c = (v) => Math.max(x0 - 2, Math.min(x1 + 2, v));
  const same0 = how === 'ends' ? near(c(ax0 - shift), c(bx0_)) : near(ax0 - shift, bx0_);
  const same1 = how === 'exact' ? near(ax1 - shift, bx1_) : near(c(ax1 - shift), c(bx1_));
  return same0 && same1;
}

function samePrim(p, q, s, x0, x1) {
  if (p.k !== q.k || (p.alpha ?? 1) !== (q.alpha ?? 1) || p.fill !== q.fill || p.stroke !== q.stroke) return false;
  // `w`: a line's width, a rectangle's extent (compared below).
  if (p.k !== 'rect' && p.w !== q.w) return false;
  switch (p.k) {
    case 'line': {
      if (!sameDash(p.dash && p.dash.length ? p.dash : null, q.dash && q.dash.length ? q.dash : null)) return false;
      if (!near(p.y1, q.y1) || !near(p.y2, q.y2)) return false;
      const flat = p.y1 === p.y2 && !(p.dash && p.dash.length);
      if (flat) return sameSpan(Math.min(p.x1, p.x2), Math.max(p.x1, p.x2), Math.min(q.x1, q.x2), Math.max(q.x1, q.x2), s, x0, x1, 'ends') && (p.x1 <= p.x2) === (q.x1 <= q.x2);
      return near(p.x1 - s, q.x1) && near(p.x2 - s, q.x2);
    }
    case 'rect': {
      // A dashed outline's dashes run round from the top left corner, so
      // along the bottom they depend on the right end too; the hatching is
      // laid from the left end.
      const how = p.stroke && p.dash ? 'exact' : p.hatch ? 'end' : 'ends';
      return near(p.y, q.y) && near(p.h, q.h) && !!p.hatch === !!q.hatch && !!p.dash === !!q.dash &&
        sameSpan(p.x, p.x + p.w, q.x, q.x + q.w, s, x0, x1, how);
    }
    case 'text':
      return p.text === q.text && p.size === q.size && p.weight === q.weight && p.anchor === q.anchor && near(p.y, q.y) && near(p.x - s, q.x);
    case 'circle': return p.r === q.r && near(p.y, q.y) && near(p.x - s, q.x);
    case 'cross': return p.s === q.s && near(p.y, q.y) && near(p.x - s, q.x);
    case 'head': return p.s === q.s && near(p.y1, q.y1) && near(p.y2, q.y2) && near(p.x1 - s, q.x1) && near(p.x2 - s, q.x2);
    default: return false;
  }
}

const xmlEsc = (v) => String(v).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const n = (v) => (Math.round(v * 10) / 10).toString();

/** The scene as a standalone SVG document (the Export SVG button). */
export function sceneToSVG(scene, title = 'Raft Lab space-time diagram') {
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${n(scene.width)}" height="${n(scene.height)}" viewBox="0 0 ${n(scene.width)} ${n(scene.height)}" font-family="system-ui, sans-serif">`,
    `<title>${xmlEsc(title)}</title>`,
    '<defs><pattern id="rl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d5d9df"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9aa3ad"/></pattern></defs>'];
  for (const p of scene.prims) {
    const op = p.alpha !== undefined && p.alpha !== 1 ? ` opacity="${p.alpha}"` : '';
    const cls = p.cls ? ` class="${p.cls}"` : '';
    const data = (p.id !== undefined ? ` data-id="${p.id}"` : '') + (p.lane !== undefined ? ` data-lane="${p.lane}"` : '') + (p.type ? ` data-type="${p.type}"` : '');
    switch (p.k) {
      case 'rect':
        out.push(`<rect${cls} x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${p.hatch ? 'url(#rl-hatch)' : p.fill}"${p.stroke ? ` stroke="${p.stroke}"${p.dash ? ' stroke-dasharray="3 2"' : ''}` : ''}${op}/>`);
        break;
      case 'line':
        out.push(`<line${cls}${data} x1="${n(p.x1)}" y1="${n(p.y1)}" x2="${n(p.x2)}" y2="${n(p.y2)}" stroke="${p.stroke}" stroke-width="${p.w}"${p.dash ? ` stroke-dasharray="${p.dash.join(' ')}"` : ''}${op}/>`);
        break;
      case 'head':
        out.push(`<polygon points="${headPoints(p).map(([a, b]) => `${n(a)},${n(b)}`).join(' ')}" fill="${p.fill}"${op}/>`);
        break;
      case 'cross':
        out.push(`<path${cls} d="M${n(p.x - p.s)} ${n(p.y - p.s)}L${n(p.x + p.s)} ${n(p.y + p.s)}M${n(p.x + p.s)} ${n(p.y - p.s)}L${n(p.x - p.s)} ${n(p.y + p.s)}" stroke="${p.stroke}" stroke-width="${p.w}"${op}/>`);
        break;
      case 'circle':
        out.push(`<circle${cls} cx="${n(p.x)}" cy="${n(p.y)}" r="${p.r}" fill="${p.fill}"${op}>${p.title ? `<title>${xmlEsc(p.title)}</title>` : ''}</circle>`);
        break;
      case 'text':
        out.push(`<text${cls} x="${n(p.x)}" y="${n(p.y)}" font-size="${p.size}"${p.weight ? ` font-weight="${p.weight}"` : ''}${p.anchor ? ` text-anchor="${p.anchor}"` : ''} fill="${p.fill}">${xmlEsc(p.text)}</text>`);
        break;
      default: break;
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
