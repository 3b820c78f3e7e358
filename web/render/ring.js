// The cluster view: servers on a ring, messages flying between them.
//
// createRingRenderer(canvas, { t }) → { resize(), draw(view, simTimeMs, ui), hitTest(x, y) }
// (element.js is its only caller). The renderer is a
// pure function of (view model, simulated instant, ui state) except for two
// cosmetic memories: node positions glide for ~0.4 s when the layout changes
// (a partition regroups the ring), and the send/deliver times of recently seen
// messages, so a dropped message can "puff" exactly where it was lost.
//
// Zones (`view.zones`, issue 12): a zone's servers sit side by side, a soft
// band in the zone's tint lies behind them with its name outside, and the
// latency rules (`view.network.zone_latency` / `link_latency`) are listed in
// the bottom-left corner. Drawn only when a scenario has zones or link rules.

import { leaderNode } from '../quorum.js';
import { INK, MESSAGE, fitCanvas, messageStyle, roleStyle, termColor } from './theme.js';
import {
  NO_DASH, drawCrown, drawCut, drawHeartbeat, drawHull, drawLink, drawMessage,
  drawDisk, drawNode, drawPuff, drawSelection, drawTimerArc, drawTransfer, drawWall, font, roundRect,
  strokeTails, tailPath,
} from './glyphs.js';

const TAU = Math.PI * 2;
const GLIDE_MS = 420;
const DASH_WALL = [7, 5];
// Zones (where replicas sit, `zone NAME nA …`): soft tints unlike the
// partition islands' (theme.js), so "a region" never reads as "cut off".
const ZONE_COLOURS = ['#3b7dd8', '#d08a1c', '#2a9d8f', '#8e5cc2', '#c2557a', '#6a7b2a'];

/**
 * Which membership the page treats as "the current configuration": the
 * leader's, else that of the up server with the highest term (then the
 * longest log).
 */
export function referenceNode(view) {
  const leader = leaderNode(view);
  if (leader) return leader;
  let best = null;
  for (const n of view.nodes || []) {
    if (!n.up || n.role === 'down') continue;
    if (!best || n.term > best.term || (n.term === best.term && n.last_index > best.last_index)) best = n;
  }
  return best;
}

export function createRingRenderer(canvas, { t = (k) => k, tooltips = true } = {}) {
  const ctx = canvas.getContext('2d');
  let W = 0;
  let H = 0;
  let dpr = 1;
  let bg = INK.background;

  // Geometry of the last layout.
  let cx = 0;
  let cy = 0;
  let ringR = 0;
  let nodeR = 14;
  let layoutKey = '';
  let crowded = false; // small canvas, many nodes: labels are names only
  let gapAngles = []; // angles of the gaps between partition groups (or zones)
  let ringOrder = []; // the members in clockwise order from 12 o'clock
  let slotAngle = TAU; // the angle one server's slot takes
  /** id → { x, y, fx, fy, tx, ty, t0, angle } (current, glide-from, target). */
  const pos = new Map();

  // For hitTest: where each message was drawn in the last frame.
  let msgCount = 0;
  let msgXY = new Float64Array(512);
  let msgIds = new Array(256);
  let msgAngle = new Float64Array(256);
  let msgAlpha = new Float64Array(256);
  let msgObj = new Array(256);
  let lastMembers = [];

  // Messages seen recently (id → message), so a drop can be placed on its path.
  const known = new Map();
  let pruneCountdown = 0;

  function resize() {
    ({ W, H, dpr, bg } = fitCanvas(canvas, ctx));
    layoutKey = ''; // force a new layout, snapped (no glide across a resize)
    pos.clear();
  }

  /**
   * Place the nodes. Normally n1 at 12 o'clock and clockwise by id. Under a
   * partition — or while the user is editing one (ui.groups) — each group gets
   * a contiguous arc with an empty gap between groups, so groups read as
   * islands and their hulls never overlap. Groups are laid out last-first
   * from 12 o'clock clockwise, so with two groups the first sits on the left
   * and the second on the right, both while editing and once applied.
   */
  function layout(view, now, editing) {
    const members = (view.members && view.members.length ? view.members : (view.nodes || []).map((n) => n.id))
      .slice().sort((a, b) => a - b);
    const part = editing || (view.network && view.network.partition);
    // Servers of one zone sit side by side (zone order, then by id; servers in
    // no zone last), so a zone is one arc of the ring, also inside a partition group.
    const zones = view.zones && view.zones.length ? view.zones : null;
    const zoneRank = zones ? zoneIndex(zones) : null;
    const rank = (id) => (zoneRank && zoneRank.has(id) ? zoneRank.get(id) : 1e3);
    const order = zoneRank ? (a, b) => rank(a) - rank(b) || a - b : (a, b) => a - b;
    let groups = part && part.length
      ? part.map((g) => g.filter((id) => members.includes(id)).sort(order)).filter((g) => g.length)
      : [];
    let gap = 0.9; // in node slots: the gap between partition groups
    if (groups.length) {
      groups.reverse();
      const named = new Set(groups.flat());
      for (const id of members) if (!named.has(id)) groups.push([id]); // alone
    } else if (zones) {
      // One group per zone, a narrower gap between them (no wall is drawn).
      const sorted = members.slice().sort(order);
      for (const id of sorted) {
        const last = groups[groups.length - 1];
        if (last && rank(last[0]) === rank(id)) last.push(id);
        else groups.push([id]);
      }
      gap = 0.5;
    }
    if (groups.length <= 1) groups = [members.slice().sort(order)];
    const key = `${W}x${H}|${t('render.votedFor', { id: 0 })}|` + groups.map((g) => g.join(',')).join('|');
    if (key === layoutKey) return;
    const first = layoutKey === '';
    layoutKey = key;
    lastMembers = members;
    ringOrder = groups.flat();

    const n = members.length;
    if (groups.length <= 1) gap = 0;
    const slots = Math.max(1, n + gap * groups.length);
    slotAngle = TAU / slots;
    const minDim = Math.min(W, H);
    // Room for the labels: two lines above/below a node, and the widest
    // label beside it (measured, so a translation cannot be clipped).
    crowded = W < 520 && members.length > 9;
    const maxR = n <= 3 ? 36 : 30;
    const labelW = widestLabel(members);
    const ringFor = (r) => {
      const out = r * 1.22 + 7;
      const f1 = labelFont(r);
      return Math.min(W / 2 - out - labelW - 6, H / 2 - out - (crowded ? 1 : 2) * (f1 + 2) - 8);
    };
    nodeR = Math.max(9, Math.min(maxR, minDim * 0.065));
    for (let k = 0; k < 4; k++) {
      ringR = Math.max(20, ringFor(nodeR));
      const spacing = slots > 1 ? ringR * Math.sin(Math.PI / slots) : ringR;
      nodeR = Math.max(9, Math.min(maxR, minDim * 0.065, spacing * 0.6));
    }
    ringR = Math.max(20, ringFor(nodeR));
    cx = W / 2;
    cy = H / 2 + (H > W * 1.1 ? 0 : 4);

    gapAngles = [];
    let slot = gap / 2;
    for (const g of groups) {
      for (const id of g) {
        const angle = -Math.PI / 2 + ((slot + 0.5) / slots) * TAU * (n === 1 ? 0 : 1);
        slot += 1;
        const tx = cx + Math.cos(angle) * ringR * (n === 1 ? 0 : 1);
        const ty = cy + Math.sin(angle) * ringR * (n === 1 ? 0 : 1);
        const p = pos.get(id);
        if (!p || first) {
          pos.set(id, { x: tx, y: ty, fx: tx, fy: ty, tx, ty, t0: now - GLIDE_MS, angle });
        } else {
          p.fx = p.x; p.fy = p.y; p.tx = tx; p.ty = ty; p.t0 = now; p.angle = angle;
        }
      }
      if (groups.length > 1) {
        gapAngles.push(-Math.PI / 2 + ((slot + gap / 2) / slots) * TAU);
        slot += gap;
      }
    }
    for (const id of [...pos.keys()]) if (!members.includes(id)) pos.delete(id);
  }

  // ------------------------------------------------------------- zones
  // Each zone's runs of consecutive servers on the ring, as angles (current,
  // gliding positions): one run normally, several when a partition splits it.
  // Filled into `zoneRuns` (reused: no allocation per frame once warm).
  const zoneRuns = []; // { zone, a0, a1, count }
  let zoneRunCount = 0;
  const zoneAnchor = []; // per zone index: [x, y] of its label, or null
  const zoneRunLen = []; // per zone index: servers in its longest run so far
  function angleOf(id) { return Math.atan2(py(id) - cy, px(id) - cx); }
  function collectZoneRuns(zones) {
    zoneRunCount = 0;
    const m = ringOrder.length;
    if (!m) return;
    const zi = zoneIndex(zones);
    // Start the walk where a run begins, so no run wraps past the start.
    let start = 0;
    while (start < m && m > 1 && zi.get(ringOrder[start]) === zi.get(ringOrder[(start - 1 + m) % m])) start++;
    if (start === m) start = 0; // every server in one zone
    for (let k = 0; k < m; k++) {
      const id = ringOrder[(start + k) % m];
      const z = zi.get(id);
      if (z === undefined) continue;
      let a = angleOf(id);
      const prevId = ringOrder[(start + k - 1 + m) % m];
      const run = zoneRunCount > 0 ? zoneRuns[zoneRunCount - 1] : null;
      if (run && k > 0 && run.zone === z && zi.get(prevId) === z) {
        while (a < run.a1) a += TAU; // clockwise: angles grow
        run.a1 = a;
        run.count++;
      } else {
        if (!zoneRuns[zoneRunCount]) zoneRuns[zoneRunCount] = { zone: 0, a0: 0, a1: 0, count: 0 };
        const r = zoneRuns[zoneRunCount++];
        r.zone = z; r.a0 = a; r.a1 = a; r.count = 1;
      }
    }
  }

  function drawZoneArcs(zones) {
    collectZoneRuns(zones);
    const band = nodeR * 1.22 + 9;
    ctx.lineCap = 'round';
    for (let i = 0; i < zoneRunCount; i++) {
      const r = zoneRuns[i];
      const col = ZONE_COLOURS[r.zone % ZONE_COLOURS.length];
      ctx.beginPath();
      if (lastMembers.length === 1) {
        ctx.arc(cx, cy, band, 0, TAU);
        ctx.fillStyle = hexAlpha(col, 0.1);
        ctx.fill();
        continue;
      }
      // A thick round-capped stroke along the ring: a soft band.
      ctx.arc(cx, cy, ringR, r.a0, r.a1 + 1e-4);
      ctx.lineWidth = band * 2;
      ctx.strokeStyle = hexAlpha(col, 0.1);
      ctx.stroke();
      ctx.beginPath();
      const pad = band / ringR;
      ctx.arc(cx, cy, ringR + band, r.a0 - pad * 0.6, r.a1 + pad * 0.6);
      ctx.lineWidth = 2;
      ctx.strokeStyle = hexAlpha(col, 0.45);
      ctx.stroke();
    }
    ctx.lineCap = 'butt';
  }

  /** "40–45 ms", or "40 ms" for a fixed delay. */
  function latencyText(l) {
    return l[0] === l[1] ? t('render.latencyFixed', { ms: l[0] }) : t('render.latencyRange', { lo: l[0], hi: l[1] });
  }

  function pill(text, x, y, colour, weight) {
    ctx.font = font(11.5, weight);
    const w = ctx.measureText(text).width + 10;
    roundRect(ctx, x - w / 2, y - 9, w, 18, 9);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.88)';
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = INK.ring;
    ctx.stroke();
    ctx.fillStyle = colour;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x, y + 0.5);
  }

  function drawLatencyLabels(view, zones) {
    const net = view.network || {};
    const rules = net.zone_latency || [];
    const links = net.link_latency || [];
    const band = nodeR * 1.22 + 9;
    if (zones) {
      // Each zone's name just outside its band, beside its longest run: half
      // a slot past the run's middle server when that is a server (so it
      // does not sit on the server's own label), else at the middle.
      for (let z = 0; z < zones.length; z++) { zoneAnchor[z] = null; zoneRunLen[z] = 0; }
      const slot = slotAngle;
      for (let i = 0; i < zoneRunCount; i++) {
        const r = zoneRuns[i];
        if (zoneRunLen[r.zone] >= r.count) continue;
        zoneRunLen[r.zone] = r.count;
        const mid = (r.a0 + r.a1) / 2 + (r.count % 2 === 1 ? slot / 2 : 0);
        zoneAnchor[r.zone] = mid;
      }
      ctx.lineJoin = 'round';
      ctx.textBaseline = 'middle';
      ctx.font = font(13, 800);
      ctx.lineWidth = 3;
      ctx.strokeStyle = bg;
      for (let z = 0; z < zones.length; z++) {
        const mid = zoneAnchor[z];
        if (mid === null || mid === undefined) continue;
        const ux = lastMembers.length === 1 ? 0 : Math.cos(mid);
        const uy = lastMembers.length === 1 ? 1 : Math.sin(mid);
        const rad = lastMembers.length === 1 ? band + 16 : ringR + band + 10;
        const x = cx + ux * rad;
        const y = cy + uy * rad;
        ctx.textAlign = Math.abs(ux) < 0.3 ? 'center' : ux > 0 ? 'left' : 'right';
        const name = zones[z].name;
        ctx.strokeText(name, x, y);
        ctx.fillStyle = ZONE_COLOURS[z % ZONE_COLOURS.length];
        ctx.fillText(name, x, y);
      }
      ctx.lineJoin = 'miter';
    }
    // One link's own delay: a small label on the link.
    for (const l of links) {
      if (!pos.has(l.a) || !pos.has(l.b)) continue;
      pill(latencyText(l.latency_ms), (px(l.a) + px(l.b)) / 2, (py(l.a) + py(l.b)) / 2, INK.muted, 550);
    }
    // The delays in one list in the bottom-left corner: between zones,
    // within a zone, single links, and the base for everything else.
    const lh = 16;
    const lines = 1 + rules.length + links.length + 1;
    let y = H - 10 - lines * lh + lh / 2;
    const x = 10;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.font = font(12, 700);
    ctx.fillStyle = INK.text;
    ctx.fillText(t('render.latencyTitle'), x, y);
    y += lh;
    ctx.font = font(12, 600);
    for (const r of rules) {
      const za = zones ? zones.findIndex((z) => z.name === r.a) : -1;
      const zb = zones ? zones.findIndex((z) => z.name === r.b) : -1;
      const text = r.a === r.b
        ? t('render.zoneWithin', { zone: r.a, latency: latencyText(r.latency_ms) })
        : t('render.zonePair', { a: r.a, b: r.b, latency: latencyText(r.latency_ms) });
      // A swatch per zone named (grey when that zone has no server now).
      swatch(x, y, za);
      swatch(x + 9, y, zb);
      ctx.fillStyle = INK.text;
      ctx.fillText(text, x + 22, y);
      y += lh;
    }
    for (const l of links) {
      ctx.fillStyle = INK.text;
      ctx.fillText(t('render.linkLatency', { a: nodeName(l.a), b: nodeName(l.b), latency: latencyText(l.latency_ms) }), x + 22, y);
      y += lh;
    }
    ctx.fillStyle = INK.muted;
    if (Array.isArray(net.latency_ms)) ctx.fillText(t('render.latencyBase', { latency: latencyText(net.latency_ms) }), x + 22, y);
  }

  function swatch(x, y, zone) {
    ctx.beginPath();
    ctx.arc(x + 4, y, 4, 0, TAU);
    ctx.fillStyle = zone >= 0 ? ZONE_COLOURS[zone % ZONE_COLOURS.length] : INK.faint;
    ctx.fill();
  }

  function labelFont(r) {
    return Math.round(Math.max(10, Math.min(13, r * 0.55 + 4)));
  }

  /** Width of the widest label a node can carry (its name or its vote line). */
  function widestLabel(members) {
    const maxId = members.length ? members[members.length - 1] : 1;
    const r = Math.max(9, Math.min(30, Math.min(W, H) * 0.065));
    const f1 = labelFont(r);
    ctx.font = font(f1, 800);
    let w = ctx.measureText(nodeName(maxId)).width;
    if (crowded) return w;
    ctx.font = font(f1 - 2, 500);
    w = Math.max(w,
      ctx.measureText(t('render.votedFor', { id: maxId })).width,
      ctx.measureText(t('render.votes', { got: members.length, need: members.length })).width);
    return w;
  }

  function glide(now) {
    for (const p of pos.values()) {
      const k = (now - p.t0) / GLIDE_MS;
      if (k >= 1) { p.x = p.tx; p.y = p.ty; continue; }
      const e = k < 0.5 ? 2 * k * k : 1 - Math.pow(-2 * k + 2, 2) / 2;
      p.x = p.fx + (p.tx - p.fx) * e;
      p.y = p.fy + (p.ty - p.fy) * e;
    }
  }

  // Position of a node this frame (the dragged node follows the pointer).
  let dragId = null;
  let dragX = 0;
  let dragY = 0;
  function px(id) { return id === dragId ? dragX : (pos.get(id) || { x: cx }).x; }
  function py(id) { return id === dragId ? dragY : (pos.get(id) || { y: cy }).y; }

  /** Point on the link a→b at fraction f, from edge to edge, nudged to the right of travel. */
  const pt = { x: 0, y: 0, angle: 0 };
  function along(a, b, f) {
    const x1 = px(a); const y1 = py(a); const x2 = px(b); const y2 = py(b);
    const dx = x2 - x1; const dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len; const uy = dy / len;
    const inset = Math.min(nodeR * 1.22 + 9, len * 0.3);
    const off = Math.min(4, nodeR * 0.22); // requests and replies use separate lanes
    const d = inset + (len - 2 * inset) * f;
    pt.x = x1 + ux * d - uy * off;
    pt.y = y1 + uy * d + ux * off;
    pt.angle = Math.atan2(dy, dx);
    return pt;
  }

  // Messages on a blocked link (partition or one-way cut) are still in
  // flight in the simulator: it decides at delivery time. The page shows them
  // travelling up to the red wall / the cut's bar and waiting there, then
  // puffing at that spot when they are dropped.
  let blockGroups = null; // id → group index, under a partition
  let blockCuts = null;   // Set of from * 4096 + to
  let wallLen = 0;
  function blockedFraction(from, to) {
    let blocked = false;
    if (blockGroups) {
      const a = blockGroups.get(from);
      const b = blockGroups.get(to);
      blocked = a === undefined || b === undefined || a !== b;
    }
    if (blocked) return wallFraction(from, to);
    if (blockCuts && blockCuts.has(from * 4096 + to)) return cutFraction(from, to);
    return -1;
  }
  function pathEnds(from, to) {
    const x1 = px(from); const y1 = py(from); const x2 = px(to); const y2 = py(to);
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const inset = Math.min(nodeR * 1.22 + 9, len * 0.3);
    return { x1, y1, x2, y2, len, inset };
  }
  function wallFraction(from, to) {
    const e = pathEnds(from, to);
    const ux = (e.x2 - e.x1) / e.len; const uy = (e.y2 - e.y1) / e.len;
    const sx = e.x1 + ux * e.inset; const sy = e.y1 + uy * e.inset;
    const span = e.len - 2 * e.inset;
    let best = 2;
    for (const a of gapAngles) {
      // Segment (sx,sy)+(ux,uy)·d against the wall ray centre→outward.
      const wx = Math.cos(a); const wy = Math.sin(a);
      const den = ux * wy - uy * wx;
      if (Math.abs(den) < 1e-9) continue;
      const qx = cx - sx; const qy = cy - sy;
      const d = (qx * wy - qy * wx) / den;        // along the message path
      const r = (qx * uy - qy * ux) / den;        // along the wall
      if (d > 0 && d < span && r >= 0 && r <= wallLen) best = Math.min(best, d / span);
    }
    if (best > 1) return 0.5;
    return Math.max(0.05, best - (nodeR * 0.3) / Math.max(1, span));
  }
  function cutFraction(from, to) {
    const e = pathEnds(from, to);
    const span = e.len - 2 * e.inset;
    const s = Math.max(4, nodeR * 0.28);
    const bar = e.len - nodeR * 1.3 - s * 2.3 - s * 1.2; // just before the bar
    return Math.max(0.05, Math.min(0.95, (bar - e.inset) / Math.max(1, span)));
  }

  function hullPoints(ids) {
    // Points sorted by angle around the ring centre → convex order.
    const list = ids.filter((id) => pos.has(id) || id === dragId)
      .map((id) => [Math.atan2(py(id) - cy, px(id) - cx), px(id), py(id)])
      .sort((a, b) => a[0] - b[0]);
    const out = new Float64Array(list.length * 2);
    list.forEach((p, i) => { out[2 * i] = p[1]; out[2 * i + 1] = p[2]; });
    return out;
  }

  function drawLabelBlock(id, x, y, line1, line2, bold) {
    const p = pos.get(id);
    const ang = p ? Math.atan2(p.ty - cy, p.tx - cx) : -Math.PI / 2;
    const ux = lastMembers.length === 1 ? 0 : Math.cos(ang);
    const uy = lastMembers.length === 1 ? 1 : Math.sin(ang);
    const dist = nodeR * 1.22 + 7;
    const ax = x + ux * dist;
    const ay = y + uy * dist;
    const f1 = labelFont(nodeR);
    const f2 = f1 - 2;
    const lh = f1 + 2;
    ctx.textAlign = Math.abs(ux) < 0.4 ? 'center' : ux > 0 ? 'left' : 'right';
    ctx.textBaseline = 'middle';
    const lines = line2 ? 2 : 1;
    let top;
    if (uy > 0.4) top = ay + f1 / 2;
    else if (uy < -0.4) top = ay - (lines - 0.5) * lh;
    else top = ay - ((lines - 1) * lh) / 2;
    // A halo in the background colour keeps labels legible over links,
    // hulls and walls.
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = bg;
    ctx.font = font(f1, bold ? 800 : 650);
    ctx.strokeText(line1, ax, top);
    ctx.fillStyle = INK.text;
    ctx.fillText(line1, ax, top);
    if (line2) {
      ctx.font = font(f2, 500);
      ctx.strokeText(line2, ax, top + lh);
      ctx.fillStyle = INK.muted;
      ctx.fillText(line2, ax, top + lh);
    }
    ctx.lineJoin = 'miter';
  }

  function tooltip(x, y, lines, below) {
    ctx.font = font(12, 500);
    let w = 0;
    for (const l of lines) w = Math.max(w, ctx.measureText(l).width);
    const pad = 8;
    const lh = 16;
    const bw = Math.min(W - 8, w + pad * 2);
    const bh = lines.length * lh + pad * 2 - 4;
    let bx = x - bw / 2;
    let by = below ? y + 14 : y - bh - 14;
    if (by < 4) by = y + 14;
    if (by + bh > H - 4) by = Math.max(4, y - bh - 14);
    bx = Math.max(4, Math.min(W - bw - 4, bx));
    roundRect(ctx, bx, by, bw, bh, 6);
    ctx.fillStyle = INK.tooltipBg;
    ctx.fill();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    lines.forEach((l, i) => {
      ctx.font = font(12, i === 0 ? 700 : 500);
      ctx.fillStyle = i === 0 ? INK.tooltipText : 'rgba(235,240,247,0.82)';
      ctx.fillText(l, bx + pad, by + pad + i * lh, bw - pad * 2);
    });
  }

  function nodeName(id) { return t('render.node', { id }); }

  function messageLines(m) {
    const lines = [`${t('msg.' + m.type)}  ${nodeName(m.from)} → ${nodeName(m.to)}`];
    const parts = [t('render.term', { term: m.term })];
    if (m.type === 'AppendEntries') {
      parts.push(m.entries ? t('render.entries', { n: m.entries }) : t('render.heartbeat'));
    }
    if (m.success === true) parts.push(t(m.type.includes('Vote') ? 'render.granted' : 'render.success'));
    if (m.success === false) parts.push(t(m.type.includes('Vote') ? 'render.denied' : 'render.rejected'));
    lines.push(parts.join(' · '));
    if (m.detail) lines.push(m.detail);
    lines.push(t('render.flight', { send: m.send_ms, deliver: m.deliver_ms }));
    return lines;
  }

  function nodeLines(n, inConfig, isLearner) {
    const lines = [`${nodeName(n.id)} · ${t('role.' + (n.up === false ? 'down' : n.role))} · ${t('render.term', { term: n.term })}`];
    if (n.voted_for != null) {
      lines.push(n.voted_for === n.id ? t('render.votedForSelf') : t('render.votedForLong', { id: n.voted_for }));
    }
    lines.push(t('render.logSummary', { last: n.last_index, commit: n.commit, applied: n.applied }));
    if (n.snapshot_index > 0) lines.push(t('render.snapshotUpTo', { index: n.snapshot_index }));
    if (diskSlow && n.disk && n.disk.writes > 0) {
      lines.push(t('render.diskWriting', { pending: n.disk.pending, writes: n.disk.writes, done: n.disk.write_done_ms }));
    }
    const kv = n.kv ? Object.keys(n.kv) : [];
    if (kv.length) {
      const shown = kv.slice(0, 6).map((k) => `${k}=${n.kv[k]}`).join(', ');
      lines.push(t('render.kv', { kv: shown + (kv.length > 6 ? ', …' : '') }));
    }
    if (isLearner) lines.push(t('render.learner'));
    if (!inConfig) lines.push(t('render.notInConfig'));
    const zones = last && last.view.zones;
    const zone = zones && zones.find((z) => z.nodes.includes(n.id));
    if (zone) lines.push(t('render.inZone', { zone: zone.name }));
    return lines;
  }

  // While nodes glide to a new layout the page may be paused and not
  // redrawing; then the renderer finishes the glide itself with the last view.
  let last = null;
  let glideFrame = 0;
  let drewSinceRequest = true;
  function keepGliding(now) {
    let moving = false;
    for (const p of pos.values()) if (now - p.t0 < GLIDE_MS) { moving = true; break; }
    if (!moving || glideFrame || typeof requestAnimationFrame !== 'function') return;
    drewSinceRequest = false;
    glideFrame = requestAnimationFrame(() => {
      glideFrame = 0;
      if (!drewSinceRequest && last) draw(last.view, last.sim, last.ui);
    });
  }

  function draw(view, simTimeMs, ui = {}) {
    if (!W) resize();
    drewSinceRequest = true;
    last = { view, sim: simTimeMs, ui };
    const now = performance.now();
    const sim = simTimeMs == null ? view.time_ms : simTimeMs;
    const frac = sim - (view.time_ms || 0); // sub-ms progress since the view was taken
    // Servers show their disk only when writing takes time (`set disk-latency`).
    diskSlow = !!(view.disk && view.disk.latency_ms && view.disk.latency_ms[1] > 0);
    diskNow = sim;
    layout(view, now, ui.groups && ui.groups.length ? ui.groups : null);
    // `ui.snap` (an explicit render() for a screenshot) and readers who ask
    // for less motion get the finished layout at once.
    if (ui.snap || prefersReducedMotion()) for (const p of pos.values()) p.t0 = now - GLIDE_MS;
    glide(now);
    const drag = ui.dragging;
    dragId = drag ? drag.id : null;
    if (drag) { dragX = drag.x; dragY = drag.y; }
    const hover = ui.hover || null;
    const nodes = view.nodes || [];
    const byId = nodeIndex(nodes);
    const n = lastMembers.length;
    const R = nodeR;

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, W, H);

    // The "table" the servers sit around.
    if (n > 1) {
      ctx.beginPath();
      ctx.arc(cx, cy, ringR, 0, TAU);
      ctx.lineWidth = 1;
      ctx.strokeStyle = INK.ring;
      ctx.stroke();
    }

    // Where replicas sit: a shaded arc behind each zone's servers.
    const zones = view.zones && view.zones.length ? view.zones : null;
    if (zones) drawZoneArcs(zones);

    // Configuration: which nodes count, and joint consensus.
    const ref = referenceNode(view);
    const mem = ref && ref.membership;
    let inConfig = null;
    if (mem) {
      inConfig = new Set([...(mem.voters || []), ...(mem.voters_outgoing || []), ...(mem.learners || [])]);
    }
    const joint = mem && mem.voters_outgoing && mem.voters_outgoing.length > 0;
    if (joint) {
      const po = hullPoints(mem.voters_outgoing);
      const pn = hullPoints(mem.voters);
      drawHull(ctx, po, po.length / 2, R * 1.22 + 14, 'rgba(170, 51, 119, 0.05)', INK.cOld, true, 2);
      drawHull(ctx, pn, pn.length / 2, R * 1.22 + 22, 'rgba(34, 136, 51, 0.05)', INK.cNew, false, 2);
      ctx.font = font(12, 700);
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      const lx = 10;
      let ly = 10;
      ctx.fillStyle = INK.text;
      ctx.fillText(t('render.joint'), lx, ly);
      ly += 17;
      for (const [key, col, dashed, ids] of [['render.cOld', INK.cOld, true, mem.voters_outgoing], ['render.cNew', INK.cNew, false, mem.voters]]) {
        ctx.beginPath();
        ctx.moveTo(lx, ly + 7);
        ctx.lineTo(lx + 18, ly + 7);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = col;
        if (dashed) ctx.setLineDash(DASH_WALL);
        ctx.stroke();
        ctx.setLineDash(NO_DASH);
        ctx.font = font(12, 600);
        ctx.fillStyle = col;
        ctx.fillText(`${t(key)} {${ids.map(nodeName).join(', ')}}`, lx + 24, ly);
        ly += 17;
      }
    }

    // Partition: tinted islands, and a red wall through each gap.
    const part = view.network && view.network.partition;
    const editing = ui.groups && ui.groups.length ? ui.groups : null;
    const groupsToDraw = editing || (part && part.length ? part : null);
    if (groupsToDraw) {
      groupsToDraw.forEach((g, i) => {
        const pts = hullPoints(g);
        if (!pts.length) return;
        const col = INK.partition[i % INK.partition.length];
        drawHull(ctx, pts, pts.length / 2, R * 1.22 + 10, hexAlpha(col, 0.07), hexAlpha(col, 0.55), !!editing, 1.5);
      });
    }
    if (part && part.length && !editing && gapAngles.length > 1) {
      for (const a of gapAngles) {
        drawWall(ctx, cx, cy, cx + Math.cos(a) * (ringR + R * 1.3), cy + Math.sin(a) * (ringR + R * 1.3));
      }
    }
    const groupOf = part && part.length ? groupIndex(part) : null;
    blockGroups = groupOf;
    wallLen = ringR + R * 1.3;
    const cutList = view.network && view.network.cuts;
    blockCuts = cutList && cutList.length ? new Set(cutList.map((c) => c[0] * 4096 + c[1])) : null;

    // Links: the faint mesh (small clusters only; big ones show the hovered node's links).
    const hoverNode = hover && hover.kind === 'node' ? hover.id : null;
    if (n >= 2) {
      ctx.lineWidth = 1;
      for (let i = 0; i < n; i++) {
        const a = lastMembers[i];
        for (let j = i + 1; j < n; j++) {
          const b = lastMembers[j];
          const crossing = groupOf && groupOf.get(a) !== groupOf.get(b);
          if (crossing) {
            if (hoverNode !== a && hoverNode !== b) continue;
            ctx.setLineDash(DASH_WALL);
            drawLink(ctx, px(a), py(a), px(b), py(b), 'rgba(214, 40, 40, 0.28)', 1.2);
            ctx.setLineDash(NO_DASH);
          } else if (n <= 7 || hoverNode === a || hoverNode === b) {
            drawLink(ctx, px(a), py(a), px(b), py(b), hoverNode === a || hoverNode === b ? 'rgba(40, 70, 120, 0.22)' : INK.link, 1);
          }
        }
      }
    }
    if (hover && hover.kind === 'link') {
      drawLink(ctx, px(hover.from), py(hover.from), px(hover.to), py(hover.to), INK.linkHover, 3);
    }
    const cuts = view.network && view.network.cuts;
    if (cuts && cuts.length) {
      for (const c of cuts) {
        const [a, b] = c;
        if (!pos.has(a) || !pos.has(b)) continue;
        const both = cuts.some((d) => d[0] === b && d[1] === a);
        const x1 = px(a); const y1 = py(a); const x2 = px(b); const y2 = py(b);
        const len = Math.hypot(x2 - x1, y2 - y1) || 1;
        const ux = (x2 - x1) / len; const uy = (y2 - y1) / len;
        const off = both ? 4 : 0;
        const ins = R * 1.3;
        drawCut(ctx, x1 + ux * ins - uy * off, y1 + uy * ins + ux * off,
          x2 - ux * ins - uy * off, y2 - uy * ins + ux * off, Math.max(4, R * 0.28));
      }
    }

    // Zone names and the latency rules, under the messages.
    if (zones || (view.network && view.network.link_latency && view.network.link_latency.length)) {
      drawLatencyLabels(view, zones);
    }

    // Election timers / heartbeats (under the nodes).
    for (const node of nodes) {
      if (!pos.has(node.id) || node.up === false || node.role === 'down') continue;
      const x = px(node.id); const y = py(node.id);
      const timeout = node.timer_timeout_ms;
      if (!(timeout > 0)) continue;
      const elapsed = (node.timer_elapsed_ms || 0) + (frac > 0 ? frac : 0);
      const a = inConfig && !inConfig.has(node.id) ? 0.35 : 1;
      ctx.globalAlpha = a;
      if (node.role === 'leader') drawHeartbeat(ctx, x, y, R, elapsed / timeout);
      else drawTimerArc(ctx, x, y, R, 1 - elapsed / timeout);
      ctx.globalAlpha = 1;
    }

    // Messages in flight.
    const msgs = view.in_flight || [];
    if (msgXY.length < msgs.length * 2) {
      msgXY = new Float64Array(msgs.length * 4);
      msgIds = new Array(msgs.length * 2);
      msgAngle = new Float64Array(msgs.length * 2);
      msgAlpha = new Float64Array(msgs.length * 2);
      msgObj = new Array(msgs.length * 2);
    }
    msgCount = 0;
    const ms = Math.max(3.5, Math.min(7.5, R * 0.34));
    let hoverMsg = null;
    let hoverMx = 0;
    let hoverMy = 0;
    let selMx = null; // the message the inspector shows (ui.selectedMessage), if in flight
    let selMy = 0;
    // Pass 1: positions, and every motion tail in one path.
    ctx.beginPath();
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      if (!pos.has(m.from) || !pos.has(m.to)) continue;
      known.set(m.id, m);
      const span = m.deliver_ms - m.send_ms;
      let f = span > 0 ? (sim - m.send_ms) / span : 1;
      f = f < 0 ? 0 : f > 1 ? 1 : f;
      let alpha = 1;
      if (blockGroups || blockCuts) {
        const stop = blockedFraction(m.from, m.to);
        if (stop >= 0 && f > stop) { f = stop; alpha = 0.75; }
      }
      if (m.lost) alpha = 1 - 0.75 * f; // decided at send: it fades away
      const p = along(m.from, m.to, f);
      tailPath(ctx, p.x, p.y, ms * messageStyle(m.type).size, p.angle);
      msgAlpha[msgCount] = alpha;
      msgXY[2 * msgCount] = p.x;
      msgXY[2 * msgCount + 1] = p.y;
      msgAngle[msgCount] = p.angle;
      msgIds[msgCount] = m.id;
      msgObj[msgCount] = m;
      msgCount++;
      if (hover && hover.kind === 'message' && hover.id === m.id) {
        hoverMsg = m; hoverMx = p.x; hoverMy = p.y;
      }
      if (ui.selectedMessage === m.id) { selMx = p.x; selMy = p.y; }
    }
    strokeTails(ctx, ms);
    // Pass 2: the glyphs (with a halo under the types a lesson step points at).
    const emph = ui.emphasis && ui.emphasis.messages && ui.emphasis.messages.length ? ui.emphasis.messages : null;
    for (let i = 0; i < msgCount; i++) {
      const m = msgObj[i];
      ctx.globalAlpha = msgAlpha[i];
      if (emph && emph.includes(m.type)) {
        ctx.beginPath();
        ctx.arc(msgXY[2 * i], msgXY[2 * i + 1], ms * 2.1, 0, Math.PI * 2);
        ctx.fillStyle = 'rgba(245, 180, 0, 0.45)';
        ctx.fill();
      }
      drawMessage(ctx, m.type, m.entries, m.success, msgXY[2 * i], msgXY[2 * i + 1], ms, msgAngle[i], false);
      ctx.globalAlpha = 1;
      msgObj[i] = null;
    }
    if (--pruneCountdown <= 0) {
      pruneCountdown = 120;
      for (const [id, m] of known) if (m.deliver_ms < sim - 3000) known.delete(id);
    }

    // Flashes from recent trace events: dropped messages, new leaders.
    const events = ui.events || [];
    const latMax = (view.network && view.network.latency_ms && view.network.latency_ms[1]) || 30;
    const puffMs = Math.max(40, latMax * 2.5);
    const flashWindow = Math.max(puffMs, 300);
    // Events arrive in time order: walk back from the newest and stop once
    // they are too old to flash (the page may hand us thousands).
    for (let i = events.length - 1; i >= 0; i--) {
      const ev = events[i];
      const age = sim - ev.time_ms;
      if (age > flashWindow) break;
      if (age < 0) continue;
      if (ev.kind === 'message-dropped') {
        if (age > puffMs || !pos.has(ev.from) || !pos.has(ev.to)) continue;
        const m = known.get(ev.id);
        let f = -1;
        if (ev.why === 'partition' || ev.why === 'cut') f = blockedFraction(ev.from, ev.to); // at the wall / bar
        if (f < 0 && m && m.deliver_ms > m.send_ms) {
          f = Math.min(1, Math.max(0, (ev.time_ms - m.send_ms) / (m.deliver_ms - m.send_ms)));
        }
        if (f < 0) f = ev.why === 'user' ? 0.5 : 0.92;
        const p = along(ev.from, ev.to, f);
        drawPuff(ctx, p.x, p.y, ms * 1.1, age / puffMs);
      } else if (ev.kind === 'role-changed' && ev.to === 'leader' && age < 300 && pos.has(ev.node)) {
        const k = age / 300;
        ctx.globalAlpha = 1 - k;
        ctx.beginPath();
        ctx.arc(px(ev.node), py(ev.node), R * (1.3 + k * 1.4), 0, TAU);
        ctx.lineWidth = 3 * (1 - k) + 1;
        ctx.strokeStyle = INK.crown;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }

    // The nodes.
    const leaderNode = ref && ref.role === 'leader' ? ref : null;
    for (let i = 0; i < n; i++) {
      const id = lastMembers[i];
      const node = byId.get(id);
      if (!node || id === dragId) continue;
      drawOneNode(node, px(id), py(id), inConfig, mem, leaderNode);
    }

    // Hover / selection rings, then the dragged node on top of everything.
    if (ui.selectedNode != null && pos.has(ui.selectedNode)) {
      drawSelection(ctx, px(ui.selectedNode), py(ui.selectedNode), R);
    }
    if (hoverNode != null && pos.has(hoverNode)) {
      ctx.beginPath();
      ctx.arc(px(hoverNode), py(hoverNode), R * 1.22 + 8, 0, TAU);
      ctx.lineWidth = 6;
      ctx.strokeStyle = INK.hover;
      ctx.stroke();
    }
    if (drag && byId.get(drag.id)) {
      ctx.globalAlpha = 0.92;
      drawOneNode(byId.get(drag.id), drag.x, drag.y, inConfig, mem, leaderNode);
      ctx.globalAlpha = 1;
    }
    if (selMx !== null) {
      ctx.beginPath();
      ctx.arc(selMx, selMy, ms * 2.6, 0, TAU);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = INK.selected;
      ctx.stroke();
    }
    if (hoverMsg) {
      ctx.beginPath();
      ctx.arc(hoverMx, hoverMy, ms * 2.2, 0, TAU);
      ctx.lineWidth = 2;
      ctx.strokeStyle = INK.selected;
      ctx.stroke();
      if (tooltips) tooltip(hoverMx, hoverMy, messageLines(hoverMsg), false);
    } else if (tooltips && hoverNode != null && byId.get(hoverNode) && !drag) {
      const node = byId.get(hoverNode);
      const learner = !!(node.membership || mem) && isLearnerIn(mem, node.id);
      tooltip(px(hoverNode), py(hoverNode) + R * 1.3, nodeLines(node, !inConfig || inConfig.has(node.id), learner), true);
    }
    keepGliding(now);
  }

  let diskSlow = false;
  let diskNow = 0;

  // The disk as a stage of the server: bottom right of its glyph, filling
  // while the write in progress runs (its Ready's messages wait for it).
  function drawNodeDisk(node, x, y, R) {
    const d = node.disk;
    if (!diskSlow || !d) return;
    let done = 0;
    if (d.write_done_ms != null && d.write_started_ms != null) {
      const span = d.write_done_ms - d.write_started_ms;
      done = span > 0 ? (diskNow - d.write_started_ms) / span : 1;
      if (done < 0.08) done = 0.08; // a write has begun: show it
    }
    const h = Math.max(11, R * 0.8);
    drawDisk(ctx, x + R * 0.92, y + R * 0.78, h, done, (d.writes || 0) - 1);
  }

  function drawOneNode(node, x, y, inConfig, mem, leaderNode) {
    const R = nodeR;
    const down = node.up === false || node.role === 'down';
    const role = down ? 'down' : node.role;
    const faded = inConfig && !inConfig.has(node.id);
    const learner = isLearnerIn(mem, node.id);
    const saved = ctx.globalAlpha;
    if (faded) ctx.globalAlpha = saved * 0.35;
    drawNode(ctx, x, y, R, role, node.term, learner, true);
    if (!down) drawNodeDisk(node, x, y, R);
    if (role === 'leader') drawCrown(ctx, x, y - R * 1.12, R * 0.9);
    if (leaderNode && node.id === leaderNode.id && leaderNode.transfer_target != null && pos.has(leaderNode.transfer_target)) {
      // Leadership transfer in progress: a dotted arrow to the chosen successor.
      drawTransfer(ctx, x, y, px(leaderNode.transfer_target), py(leaderNode.transfer_target));
    }
    // Label: name, then the vote (followers) or the tally (campaigners).
    let sub = null;
    if (!down) {
      if ((role === 'candidate' || role === 'pre-candidate') && node.quorum && node.quorum.length) {
        // raft-core's tally per active configuration (two during joint consensus).
        sub = node.quorum.map((q) => t('render.votes', { got: q.have ?? 0, need: q.need })).join(' · ');
      } else if (role !== 'leader' && node.voted_for != null && node.voted_for !== node.id &&
          node.voted_for !== node.leader_id) {
        // Once the node follows the leader it voted for, "voted nX" is noise:
        // show the vote only while it still tells something (an election).
        sub = t('render.votedFor', { id: node.voted_for });
      }
    }
    if (crowded) sub = null; // phone + many nodes: the tooltip carries it
    drawLabelBlock(node.id, x, y, nodeName(node.id), sub, role === 'leader');
    ctx.globalAlpha = saved;
  }

  function hitTest(x, y) {
    // Nodes first (they sit on top), then the nearest message, then a link.
    let best = null;
    let bestD = Infinity;
    for (const id of lastMembers) {
      const d = Math.hypot(px(id) - x, py(id) - y);
      if (d < nodeR * 1.3 + 4 && d < bestD) { best = id; bestD = d; }
    }
    if (best != null) return { kind: 'node', id: best };
    const reach = Math.max(9, nodeR * 0.6);
    let mi = -1;
    bestD = reach;
    for (let i = 0; i < msgCount; i++) {
      const d = Math.hypot(msgXY[2 * i] - x, msgXY[2 * i + 1] - y);
      if (d < bestD) { bestD = d; mi = i; }
    }
    if (mi >= 0) return { kind: 'message', id: msgIds[mi] };
    let link = null;
    bestD = 6;
    for (let i = 0; i < lastMembers.length; i++) {
      for (let j = i + 1; j < lastMembers.length; j++) {
        const a = lastMembers[i]; const b = lastMembers[j];
        const d = segDist(x, y, px(a), py(a), px(b), py(b));
        if (d < bestD) {
          bestD = d;
          const da = Math.hypot(px(a) - x, py(a) - y);
          const db = Math.hypot(px(b) - x, py(b) - y);
          // `from` is the end nearer the pointer, so a click "on n1's side" of
          // the n1–n2 link means n1 → n2 (useful for one-way cuts).
          link = da <= db ? { kind: 'link', from: a, to: b } : { kind: 'link', from: b, to: a };
        }
      }
    }
    return link;
  }

  /** Where a node is drawn (CSS px), e.g. for a DOM popup next to it. */
  function nodePosition(id) {
    if (!pos.has(id)) return null;
    return { x: px(id), y: py(id), r: nodeR };
  }

  return { resize, draw, hitTest, nodePosition };
}

function prefersReducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function isLearnerIn(mem, id) {
  return !!(mem && mem.learners && mem.learners.includes(id));
}

const indexCache = { nodes: null, map: new Map() };
function nodeIndex(nodes) {
  if (indexCache.nodes !== nodes) {
    indexCache.map.clear();
    for (const n of nodes) indexCache.map.set(n.id, n);
    indexCache.nodes = nodes;
  }
  return indexCache.map;
}

/** Server id → index of its zone in `view.zones` (cached per zones array). */
const zoneCache = { zones: null, map: new Map() };
function zoneIndex(zones) {
  if (zoneCache.zones !== zones) {
    zoneCache.map.clear();
    zones.forEach((z, i) => z.nodes.forEach((id) => zoneCache.map.set(id, i)));
    zoneCache.zones = zones;
  }
  return zoneCache.map;
}

function groupIndex(groups) {
  const m = new Map();
  groups.forEach((g, i) => g.forEach((id) => m.set(id, i)));
  return m;
}

const alphaCache = new Map();
function hexAlpha(hex, a) {
  const key = hex + a;
  let v = alphaCache.get(key);
  if (!v) {
    const n = parseInt(hex.slice(1), 16);
    v = `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
    alphaCache.set(key, v);
  }
  return v;
}

function segDist(x, y, x1, y1, x2, y2) {
  const dx = x2 - x1; const dy = y2 - y1;
  const l2 = dx * dx + dy * dy || 1;
  let k = ((x - x1) * dx + (y - y1) * dy) / l2;
  k = k < 0 ? 0 : k > 1 ? 1 : k;
  return Math.hypot(x - (x1 + k * dx), y - (y1 + k * dy));
}

// Re-exported for the legend and tests.
export { MESSAGE, roleStyle, termColor };
