// Drawing primitives. The ring, the log panel and the legend all call these,
// so a symbol in the legend is pixel-for-pixel the symbol on the canvas.
//
// Each function draws at (x, y) in CSS pixels on an already-scaled context and
// leaves the context state as it found it (except fillStyle/strokeStyle/font,
// which every caller sets before use). No allocations in the hot paths: dash
// patterns are shared constants.

import {
  FONT, INK, OUTCOME, PROGRESS, SNAPSHOT,
  messageStyle, roleStyle, termColor, textOn, tint,
} from './theme.js';

export const NO_DASH = [];
const DASH_SHORT = [3, 2.5];
const DASH_LINK = [5, 4];
const TAU = Math.PI * 2;

const fontCache = new Map();
/** `font(11, 600)` → a cached CSS font string. */
export function font(px, weight = 400) {
  const key = px * 1000 + weight;
  let f = fontCache.get(key);
  if (!f) {
    f = `${weight} ${px}px ${FONT}`;
    fontCache.set(key, f);
  }
  return f;
}

// ---------------------------------------------------------------- shapes

/** Path of a role shape of "radius" r centred on (x, y). */
export function shapePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === 'diamond') {
    const d = r * 1.18;
    ctx.moveTo(x, y - d);
    ctx.lineTo(x + d, y);
    ctx.lineTo(x, y + d);
    ctx.lineTo(x - d, y);
    ctx.closePath();
  } else if (shape === 'square') {
    const s = r * 0.9;
    const c = r * 0.28;
    ctx.moveTo(x - s + c, y - s);
    ctx.arcTo(x + s, y - s, x + s, y + s, c);
    ctx.arcTo(x + s, y + s, x - s, y + s, c);
    ctx.arcTo(x - s, y + s, x - s, y - s, c);
    ctx.arcTo(x - s, y - s, x + s, y - s, c);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, TAU);
  }
}

/**
 * A node: role shape filled in the role colour, an inner disc in the colour of
 * its current term holding the term number. Options: `learner` (dashed outer
 * outline), `showTerm` (false for tiny legend icons).
 */
export function drawNode(ctx, x, y, r, role, term, learner = false, showTerm = true) {
  const st = roleStyle(role);
  const down = role === 'down';
  shapePath(ctx, st.shape, x, y, r);
  ctx.fillStyle = st.fill;
  ctx.fill();
  ctx.lineWidth = Math.max(1, r * 0.09);
  ctx.strokeStyle = st.edge;
  if (st.dashed) ctx.setLineDash(DASH_SHORT);
  ctx.stroke();
  if (st.dashed) ctx.setLineDash(NO_DASH);

  if (showTerm) {
    const cr = r * 0.58;
    const tc = down ? '#eef0f3' : termColor(term);
    ctx.beginPath();
    ctx.arc(x, y, cr, 0, TAU);
    ctx.fillStyle = tc;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.stroke();
    const label = term > 99999 ? '∞' : String(term);
    const px = Math.max(7, Math.round(cr * (label.length > 2 ? 0.85 : 1.15)));
    ctx.font = font(px, 700);
    ctx.fillStyle = down ? '#9aa3ad' : textOn(tc);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, x, y + px * 0.05);
  }
  if (down) drawCross(ctx, x, y, r * 0.95, '#5b6470', Math.max(1.5, r * 0.13));
  if (learner) {
    ctx.beginPath();
    ctx.arc(x, y, r * 1.22 + 2, 0, TAU);
    ctx.lineWidth = Math.max(1.2, r * 0.08);
    ctx.strokeStyle = INK.text;
    ctx.setLineDash(DASH_SHORT);
    ctx.stroke();
    ctx.setLineDash(NO_DASH);
  }
}

export function drawCross(ctx, x, y, s, color, width) {
  const d = s * 0.62;
  ctx.beginPath();
  ctx.moveTo(x - d, y - d);
  ctx.lineTo(x + d, y + d);
  ctx.moveTo(x + d, y - d);
  ctx.lineTo(x - d, y + d);
  ctx.lineCap = 'round';
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.lineCap = 'butt';
}

export function drawTick(ctx, x, y, s, color, width) {
  ctx.beginPath();
  ctx.moveTo(x - s * 0.55, y + s * 0.02);
  ctx.lineTo(x - s * 0.15, y + s * 0.42);
  ctx.lineTo(x + s * 0.6, y - s * 0.45);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.lineCap = 'butt';
  ctx.lineJoin = 'miter';
}

/**
 * Election timer: a track around the node and the part of the timeout still
 * left, draining clockwise from 12 o'clock. It turns orange in its last
 * quarter, when the node is about to campaign.
 */
export function drawTimerArc(ctx, x, y, r, remaining) {
  const rr = r * 1.22 + 3;
  const w = Math.max(2, r * 0.16);
  ctx.lineWidth = w;
  ctx.beginPath();
  ctx.arc(x, y, rr, 0, TAU);
  ctx.strokeStyle = INK.timerTrack;
  ctx.stroke();
  if (remaining <= 0) return;
  const f = remaining > 1 ? 1 : remaining;
  ctx.beginPath();
  ctx.arc(x, y, rr, -Math.PI / 2, -Math.PI / 2 + f * TAU);
  ctx.strokeStyle = f < 0.25 ? INK.timerUrgent : INK.timerCalm;
  ctx.lineCap = 'round';
  ctx.stroke();
  ctx.lineCap = 'butt';
}

/**
 * A server's disk (`set disk-latency`): a small cylinder of height `h` whose
 * body fills bottom-up with `done` (0..1) of the write in progress; empty
 * when idle. `queued` > 0 draws a dot on its lid: writes wait behind this one.
 */
export function drawDisk(ctx, x, y, h, done, queued) {
  const w = h * 0.8;
  const ry = h * 0.16;
  const top = y - h / 2 + ry;
  const bottom = y + h / 2 - ry;
  const left = x - w / 2;
  const body = () => {
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left, bottom);
    ctx.ellipse(x, bottom, w / 2, ry, 0, Math.PI, 0, true);
    ctx.lineTo(left + w, top);
    ctx.ellipse(x, top, w / 2, ry, 0, 0, Math.PI, false);
    ctx.closePath();
  };
  body();
  ctx.fillStyle = INK.diskIdle;
  ctx.fill();
  const f = done < 0 ? 0 : done > 1 ? 1 : done;
  if (f > 0) {
    ctx.save();
    body();
    ctx.clip();
    const level = bottom + ry - f * (bottom + ry - (top - ry));
    ctx.fillStyle = INK.diskFill;
    ctx.fillRect(left - 1, level, w + 2, bottom + ry - level + 1);
    ctx.restore();
  }
  ctx.lineWidth = Math.max(1, h * 0.08);
  ctx.strokeStyle = INK.diskEdge;
  body();
  ctx.stroke();
  ctx.beginPath();
  ctx.ellipse(x, top, w / 2, ry, 0, 0, TAU);
  ctx.stroke();
  if (queued > 0) {
    ctx.beginPath();
    ctx.arc(x + w / 2, top - ry, Math.max(2, h * 0.17), 0, TAU);
    ctx.fillStyle = INK.diskQueued;
    ctx.fill();
  }
}

/**
 * Leader heartbeat: instead of a draining timer, a ring that swells outward
 * and fades as the next heartbeat approaches (phase 0 → 1).
 */
export function drawHeartbeat(ctx, x, y, r, phase) {
  const p = phase < 0 ? 0 : phase > 1 ? 1 : phase;
  const base = r * 1.22 + 3;
  ctx.lineWidth = Math.max(1.5, r * 0.1);
  ctx.beginPath();
  ctx.arc(x, y, base, 0, TAU);
  ctx.strokeStyle = INK.timerTrack;
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x, y, base + p * r * 0.6, 0, TAU);
  ctx.globalAlpha *= 1 - p * 0.85;
  ctx.strokeStyle = INK.heartbeat;
  ctx.lineWidth = Math.max(2, r * 0.16) * (1 - p * 0.5);
  ctx.stroke();
  ctx.globalAlpha /= 1 - p * 0.85;
}

/** The leader's crown, centred at (x, y), s ≈ its width. */
export function drawCrown(ctx, x, y, s) {
  const w = s / 2;
  const h = s * 0.62;
  ctx.beginPath();
  ctx.moveTo(x - w, y + h / 2);
  ctx.lineTo(x - w, y - h / 2);
  ctx.lineTo(x - w / 2, y);
  ctx.lineTo(x, y - h / 2 - s * 0.08);
  ctx.lineTo(x + w / 2, y);
  ctx.lineTo(x + w, y - h / 2);
  ctx.lineTo(x + w, y + h / 2);
  ctx.closePath();
  ctx.fillStyle = INK.crown;
  ctx.fill();
  ctx.lineWidth = Math.max(1, s * 0.07);
  ctx.lineJoin = 'round';
  ctx.strokeStyle = INK.crownEdge;
  ctx.stroke();
  ctx.lineJoin = 'miter';
}

// ---------------------------------------------------------------- messages

/**
 * One message glyph at (x, y). `s` is the base size in px (≈ radius).
 * `type`, `entries`, `success` are the view-model fields; `angle` the
 * direction of travel (used for the short motion tail).
 */
export function drawMessage(ctx, type, entries, success, x, y, s, angle, tail = true) {
  const st = messageStyle(type);
  const size = s * st.size;
  if (tail) {
    ctx.beginPath();
    tailPath(ctx, x, y, s, angle);
    strokeTails(ctx, s);
  }
  switch (st.glyph) {
    case 'ballot': {
      // A vote request: a round "ballot" in the candidate colour with a "?".
      ctx.beginPath();
      ctx.arc(x, y, size, 0, TAU);
      ctx.fillStyle = st.fill;
      ctx.fill();
      ctx.lineWidth = Math.max(1, size * 0.22);
      ctx.strokeStyle = st.edge;
      if (st.dashed) ctx.setLineDash(DASH_SHORT);
      ctx.stroke();
      if (st.dashed) ctx.setLineDash(NO_DASH);
      ctx.font = font(Math.max(7, Math.round(size * 1.45)), 800);
      ctx.fillStyle = st.dashed ? st.edge : '#ffffff';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('?', x, y + size * 0.08);
      break;
    }
    case 'vote': {
      // A vote reply: green ✓ (granted) or red ✕ (denied), round like a ballot.
      const ok = success !== false;
      ctx.beginPath();
      ctx.arc(x, y, size, 0, TAU);
      ctx.fillStyle = ok ? OUTCOME.ok : OUTCOME.bad;
      ctx.fill();
      ctx.lineWidth = Math.max(1, size * 0.18);
      ctx.strokeStyle = ok ? OUTCOME.okEdge : OUTCOME.badEdge;
      if (st.dashed) ctx.setLineDash(DASH_SHORT);
      ctx.stroke();
      if (st.dashed) ctx.setLineDash(NO_DASH);
      if (ok) drawTick(ctx, x, y, size * 0.95, '#ffffff', Math.max(1.4, size * 0.3));
      else drawCross(ctx, x, y, size * 0.95, '#ffffff', Math.max(1.4, size * 0.3));
      break;
    }
    case 'append': {
      const n = entries | 0;
      if (n === 0) {
        // Heartbeat: a small plain dot.
        ctx.beginPath();
        ctx.arc(x, y, size * 0.55, 0, TAU);
        ctx.fillStyle = st.fill;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      } else {
        // Entries on board: a box that grows a little with N and shows N.
        const label = n > 99 ? '99+' : String(n);
        const h = size * 2;
        const w = h * (label.length > 1 ? 1.45 : 1.1) + Math.min(n, 8) * size * 0.08;
        roundRect(ctx, x - w / 2, y - h / 2, w, h, h * 0.25);
        ctx.fillStyle = st.fill;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
        ctx.font = font(Math.max(7, Math.round(h * 0.72)), 700);
        ctx.fillStyle = '#ffffff';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(label, x, y + h * 0.04);
      }
      break;
    }
    case 'ack': {
      // Append / snapshot reply: a small square, ✓ on success, ✕ on reject.
      const ok = success !== false;
      const h = size * 1.5;
      roundRect(ctx, x - h / 2, y - h / 2, h, h, h * 0.2);
      const fill = st.fill ? st.fill : ok ? OUTCOME.ok : OUTCOME.bad;
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      if (ok) drawTick(ctx, x, y, h * 0.55, '#ffffff', Math.max(1.2, h * 0.17));
      else drawCross(ctx, x, y, h * 0.55, '#ffffff', Math.max(1.2, h * 0.17));
      break;
    }
    case 'document': {
      // InstallSnapshot: a page with a folded corner and lines of "state".
      const w = size * 1.5;
      const h = size * 1.9;
      const f = w * 0.38;
      const l = x - w / 2;
      const t = y - h / 2;
      ctx.beginPath();
      ctx.moveTo(l, t);
      ctx.lineTo(l + w - f, t);
      ctx.lineTo(l + w, t + f);
      ctx.lineTo(l + w, t + h);
      ctx.lineTo(l, t + h);
      ctx.closePath();
      ctx.fillStyle = st.fill;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = st.edge;
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(l + w - f, t);
      ctx.lineTo(l + w - f, t + f);
      ctx.lineTo(l + w, t + f);
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.beginPath();
      for (let i = 1; i <= 3; i++) {
        const yy = t + f + (h - f) * (i / 4.2);
        ctx.moveTo(l + w * 0.2, yy);
        ctx.lineTo(l + w * 0.8, yy);
      }
      ctx.stroke();
      break;
    }
    case 'bolt': {
      // TimeoutNow: a lightning bolt — "start your election now".
      const h = size * 1.1;
      ctx.beginPath();
      ctx.moveTo(x + h * 0.25, y - h);
      ctx.lineTo(x - h * 0.55, y + h * 0.12);
      ctx.lineTo(x - h * 0.02, y + h * 0.12);
      ctx.lineTo(x - h * 0.25, y + h);
      ctx.lineTo(x + h * 0.55, y - h * 0.18);
      ctx.lineTo(x + h * 0.02, y - h * 0.18);
      ctx.closePath();
      ctx.fillStyle = st.fill;
      ctx.fill();
      ctx.lineWidth = Math.max(1, size * 0.16);
      ctx.lineJoin = 'round';
      ctx.strokeStyle = st.edge;
      ctx.stroke();
      ctx.lineJoin = 'miter';
      break;
    }
    default:
      break;
  }
}

/**
 * A short tail behind a message glyph says which way it travels. The ring adds
 * every tail to one path and strokes them together (strokeTails) — far fewer
 * draw calls with 200 messages in flight.
 */
export function tailPath(ctx, x, y, s, angle) {
  const len = s * 2.6;
  ctx.moveTo(x - Math.cos(angle) * len, y - Math.sin(angle) * len);
  ctx.lineTo(x, y);
}
export function strokeTails(ctx, s) {
  ctx.lineWidth = Math.max(1.5, s * 0.55);
  ctx.lineCap = 'round';
  ctx.strokeStyle = 'rgba(40, 55, 80, 0.16)';
  ctx.stroke();
  ctx.lineCap = 'butt';
}

/**
 * A dropped message: an expanding, fading ring with a ✕, age 0 → 1.
 */
export function drawPuff(ctx, x, y, s, age) {
  const a = age < 0 ? 0 : age > 1 ? 1 : age;
  const saved = ctx.globalAlpha;
  ctx.globalAlpha = saved * (1 - a);
  ctx.beginPath();
  ctx.arc(x, y, s * (0.8 + a * 1.6), 0, TAU);
  ctx.lineWidth = Math.max(1.2, s * 0.3);
  ctx.strokeStyle = OUTCOME.bad;
  ctx.setLineDash(DASH_SHORT);
  ctx.stroke();
  ctx.setLineDash(NO_DASH);
  drawCross(ctx, x, y, s * (1.2 - a * 0.4), OUTCOME.bad, Math.max(1.5, s * 0.35));
  ctx.globalAlpha = saved;
}

// ---------------------------------------------------------------- network

const DASH_WALL = [7, 5];

/** Partition wall segment (red, dashed). Adds to nothing; strokes at once. */
export function drawWall(ctx, x1, y1, x2, y2) {
  ctx.setLineDash(DASH_WALL);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.lineWidth = 2;
  ctx.strokeStyle = INK.cut;
  ctx.stroke();
  ctx.setLineDash(NO_DASH);
}

/** Leadership transfer in progress: dotted line leader → chosen successor. */
export function drawTransfer(ctx, x1, y1, x2, y2) {
  ctx.setLineDash(DASH_WALL);
  drawLink(ctx, x1, y1, x2, y2, 'rgba(122, 90, 0, 0.6)', 2);
  ctx.setLineDash(NO_DASH);
}

/** The selected-node ring. */
export function drawSelection(ctx, x, y, r) {
  ctx.beginPath();
  ctx.arc(x, y, r * 1.22 + 9, 0, TAU);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = INK.selected;
  ctx.stroke();
}

/** A link between two points. */
export function drawLink(ctx, x1, y1, x2, y2, style, width) {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.lineWidth = width;
  ctx.strokeStyle = style;
  ctx.stroke();
}

/**
 * A one-way cut from (x1,y1) to (x2,y2): a dashed red line with an arrow head
 * and a bar across it just before the receiver — "messages this way stop here".
 */
export function drawCut(ctx, x1, y1, x2, y2, s) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2 - ux * s * 1.2, y2 - uy * s * 1.2);
  ctx.lineWidth = Math.max(1.5, s * 0.22);
  ctx.strokeStyle = INK.cut;
  ctx.setLineDash(DASH_LINK);
  ctx.stroke();
  ctx.setLineDash(NO_DASH);
  // Arrow head at the receiver end.
  const hx = x2;
  const hy = y2;
  ctx.beginPath();
  ctx.moveTo(hx, hy);
  ctx.lineTo(hx - ux * s * 1.3 - uy * s * 0.6, hy - uy * s * 1.3 + ux * s * 0.6);
  ctx.lineTo(hx - ux * s * 1.3 + uy * s * 0.6, hy - uy * s * 1.3 - ux * s * 0.6);
  ctx.closePath();
  ctx.fillStyle = INK.cut;
  ctx.fill();
  // The bar: the message stops here.
  const bx = x2 - ux * s * 2.3;
  const by = y2 - uy * s * 2.3;
  ctx.beginPath();
  ctx.moveTo(bx - uy * s, by + ux * s);
  ctx.lineTo(bx + uy * s, by - ux * s);
  ctx.lineWidth = Math.max(2, s * 0.35);
  ctx.lineCap = 'round';
  ctx.stroke();
  ctx.lineCap = 'butt';
}

/**
 * The outline of the convex hull of `pts` (flat [x0,y0,x1,y1,…], already in
 * convex order, e.g. points on a circle sorted by angle) grown by `pad`:
 * straight offset edges joined by arcs — one point gives a circle, two a
 * capsule. Fills with `fill` (may be null) and strokes with `stroke`.
 */
export function drawHull(ctx, pts, count, pad, fill, stroke, dashed, lineWidth = 2) {
  ctx.beginPath();
  if (count === 1) {
    ctx.arc(pts[0], pts[1], pad, 0, TAU);
  } else {
    // Orientation: make the traversal counter-clockwise in screen terms
    // (clockwise in math terms, since y grows downward) for outward normals.
    let area = 0;
    for (let i = 0; i < count; i++) {
      const j = (i + 1) % count;
      area += pts[2 * i] * pts[2 * j + 1] - pts[2 * j] * pts[2 * i + 1];
    }
    const dir = area >= 0 ? 1 : -1;
    for (let k = 0; k < count; k++) {
      const i = dir > 0 ? k : count - 1 - k;
      const prev = dir > 0 ? (i - 1 + count) % count : (i + 1) % count;
      const next = dir > 0 ? (i + 1) % count : (i - 1 + count) % count;
      const x = pts[2 * i];
      const y = pts[2 * i + 1];
      // Outward normal angle of edge prev→i and of edge i→next.
      const a0 = Math.atan2(y - pts[2 * prev + 1], x - pts[2 * prev]) - Math.PI / 2;
      const a1 = Math.atan2(pts[2 * next + 1] - y, pts[2 * next] - x) - Math.PI / 2;
      ctx.arc(x, y, pad, a0, a1, false);
    }
    ctx.closePath();
  }
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill();
  }
  if (stroke) {
    ctx.lineWidth = lineWidth;
    ctx.strokeStyle = stroke;
    if (dashed) ctx.setLineDash(DASH_LINK);
    ctx.stroke();
    if (dashed) ctx.setLineDash(NO_DASH);
  }
}

// ---------------------------------------------------------------- log panel

export function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  roundRectPath(ctx, x, y, w, h, r);
}

/** A rounded rectangle added to the current path (no beginPath). */
export function roundRectPath(ctx, x, y, w, h, r) {
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/**
 * One log cell. Committed: solid term colour. Uncommitted: pale tint, term
 * colour outline and diagonal hatching — "not safe yet".
 */
/** Adds a log cell's outline to the current path (see drawCell). */
export function cellPath(ctx, x, y, w, h) {
  const r = Math.min(4, h * 0.18);
  roundRectPath(ctx, x + 0.5, y + 0.5, w - 1, h - 1, r);
}

export function drawCell(ctx, x, y, w, h, term, committed, text) {
  const c = termColor(term);
  ctx.beginPath();
  cellPath(ctx, x, y, w, h);
  if (committed) {
    ctx.fillStyle = c;
    ctx.fill();
  } else {
    drawPendingCells(ctx, [x, y, w, h, term], true);
  }
  if (text) {
    ctx.fillStyle = committed ? textOn(c) : INK.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x + w / 2, y + h / 2 + 0.5);
  }
}

/**
 * Not yet committed cells, as drawCell draws them (a pale fill, 45° hatching
 * and a term-coloured edge), several at once: `cells` = [x, y, w, h, term,
 * …]. Cells never overlap, so those of one term share one path per layer
 * (the log panel has a few dozen in flight under load). `pathOpen`: the
 * current path already holds the single cell's outline (drawCell).
 */
export function drawPendingCells(ctx, cells, pathOpen = false) {
  const terms = [];
  for (let i = 4; i < cells.length; i += 5) if (!terms.includes(cells[i])) terms.push(cells[i]);
  for (const term of terms) {
    const c = termColor(term);
    if (!pathOpen) {
      ctx.beginPath();
      for (let i = 0; i < cells.length; i += 5) if (cells[i + 4] === term) cellPath(ctx, cells[i], cells[i + 1], cells[i + 2], cells[i + 3]);
    }
    ctx.fillStyle = tint(c, 0.82);
    ctx.fill();
    // 45° hatching, clipped by arithmetic rather than ctx.clip() (a clip
    // costs a save/restore and slows the software rasteriser).
    ctx.beginPath();
    for (let i = 0; i < cells.length; i += 5) {
      if (cells[i + 4] !== term) continue;
      const h = cells[i + 3];
      const step = Math.max(4, h * 0.28);
      const x0 = cells[i] + 1.5;
      const w0 = cells[i + 2] - 3;
      const y0 = cells[i + 1] + 1.5;
      const h0 = h - 3;
      for (let d = -h0 + step / 2; d < w0; d += step) {
        const s0 = d < 0 ? -d : 0;
        const s1 = w0 - d < h0 ? w0 - d : h0;
        if (s1 <= s0) continue;
        ctx.moveTo(x0 + d + s0, y0 + h0 - s0);
        ctx.lineTo(x0 + d + s1, y0 + h0 - s1);
      }
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = tint(c, 0.45);
    ctx.stroke();
    ctx.beginPath();
    for (let i = 0; i < cells.length; i += 5) {
      if (cells[i + 4] !== term) continue;
      const [x, y, w, h] = [cells[i], cells[i + 1], cells[i + 2], cells[i + 3]];
      roundRectPath(ctx, x + 1, y + 1, w - 2, h - 2, Math.min(4, h * 0.18));
    }
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = c;
    ctx.stroke();
  }
}

/** The compacted prefix of a log: one block standing for entries ≤ index. */
export function drawSnapshotBlock(ctx, x, y, w, h, text) {
  roundRect(ctx, x + 0.5, y + 0.5, w - 1, h - 1, Math.min(4, h * 0.18));
  ctx.fillStyle = SNAPSHOT.fill;
  ctx.fill();
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = SNAPSHOT.edge;
  ctx.stroke();
  // A small page icon at the left, like the InstallSnapshot message.
  const s = Math.min(h * 0.3, 6);
  let tx = x + w / 2;
  if (w > s * 6) {
    drawMessage(ctx, 'InstallSnapshot', 0, null, x + s * 1.6, y + h / 2, s, 0, false);
    tx = x + s * 3 + (w - s * 3) / 2;
  }
  if (text) {
    ctx.fillStyle = SNAPSHOT.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, tx, y + h / 2 + 0.5);
  }
}

/**
 * next_index (hollow ▼ above the cell the leader will send next) and
 * match_index (solid ▲ under the last cell known to match the leader).
 */
export function drawProgressMarker(ctx, kind, x, y, s) {
  ctx.beginPath();
  if (kind === 'next') {
    ctx.moveTo(x - s, y - s);
    ctx.lineTo(x + s, y - s);
    ctx.lineTo(x, y + s * 0.7);
  } else {
    ctx.moveTo(x - s, y + s);
    ctx.lineTo(x + s, y + s);
    ctx.lineTo(x, y - s * 0.7);
  }
  ctx.closePath();
  if (kind === 'next') {
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 1.4;
    ctx.strokeStyle = PROGRESS.next;
    ctx.stroke();
  } else {
    ctx.fillStyle = PROGRESS.match;
    ctx.fill();
  }
}

/** Applied marker: a bar under the cells already applied to the state machine. */
export function drawAppliedBar(ctx, x, y, w) {
  ctx.fillStyle = PROGRESS.applied;
  ctx.fillRect(x + 1, y, Math.max(0, w - 2), 2);
}

/** Term colour swatch (legend and tooltips). */
export function drawTermSwatch(ctx, x, y, s, term) {
  roundRect(ctx, x - s, y - s * 0.7, s * 2, s * 1.4, s * 0.3);
  ctx.fillStyle = termColor(term);
  ctx.fill();
  ctx.font = font(Math.max(7, Math.round(s * 0.95)), 700);
  ctx.fillStyle = textOn(termColor(term));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(term), x, y + 0.5);
}
