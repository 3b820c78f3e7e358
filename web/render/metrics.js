// The metrics panel's plots (issue 12, "the operator's view"): throughput and
// commit latency over time, a latency histogram, and each server's message
// rate as bars. Two parts:
//
// - `metricsModel(summary, …)`: what to plot, from raft-sim's metrics
//   (`state().metrics`, docs/view-model.md "Metrics"): plain numbers, no DOM,
//   tested in node (web/tests/metrics.test.mjs). The element exposes the last
//   model it drew (`metricsModel()`), so a test can tell a plotted panel from
//   an empty one.
// - `drawPlot(ctx, kind, model, size, palette, t)`: paints one plot on a 2D
//   context. Colours come from the element's CSS custom properties
//   (`readPalette`), so light and dark themes need nothing here.
//
// The numbers are raft-sim's; nothing here measures or estimates anything.

/** The plots, in the order the panel shows them. */
export const PLOTS = ['throughput', 'latency', 'histogram', 'servers'];

/** The most windows (simulated seconds) the page keeps: raft-sim's `PAGE_WINDOWS`. */
export const MAX_WINDOWS = 120;

/**
 * Join the windows the panel holds with newly fetched ones (`sim.metrics(n)`
 * returns only the newest `n`). Returns the joined list (at most `max`), or
 * null when they do not continue each other (time travel, a new run): then
 * the caller fetches them all again.
 */
export function mergeWindows(kept, fresh, max = MAX_WINDOWS) {
  if (!fresh.length) return kept.slice(-max);
  if (kept.length && kept[kept.length - 1].to_ms !== fresh[0].from_ms) return null;
  if (!kept.length && fresh[0].from_ms !== 0) return null; // older windows exist that we do not hold
  return kept.concat(fresh).slice(-max);
}

/**
 * What the panel shows: `summary` is raft-sim's metrics (whole run plus
 * `windows`); `nodeIds` the servers to give a bar (so one that sent nothing
 * still shows), `leader` the leader's id (its bar stands out).
 */
export function metricsModel(summary, { nodeIds = [], leader = null } = {}) {
  const windows = summary.windows || [];
  const lat = summary.commit_latency_ms || null;
  const last = windows.length ? windows[windows.length - 1] : null;
  // Each server's load in the newest closed second (the whole run before the first one closes).
  const load = last || summary;
  const rates = load.sent_per_s_by_node || {};
  const ids = [...new Set([...nodeIds.map(Number), ...Object.keys(rates).map(Number)])].sort((a, b) => a - b);
  return {
    timeMs: summary.to_ms,
    headline: {
      p50: lat ? lat.p50 : null,
      p99: lat ? lat.p99 : null,
      commits: lat ? lat.count : 0,
      opsPerS: summary.ops_per_s,
      elections: summary.elections,
      leaderlessMs: summary.leaderless_ms,
    },
    throughput: windows.map((w) => ({ from: w.from_ms, to: w.to_ms, v: w.ops_per_s })),
    latency: windows.map((w) => ({
      from: w.from_ms, to: w.to_ms,
      p50: w.commit_latency_ms ? w.commit_latency_ms.p50 : null,
      p99: w.commit_latency_ms ? w.commit_latency_ms.p99 : null,
    })),
    histogram: histogramBars(summary.latency_buckets_ms || [], lat ? lat.buckets : []),
    servers: {
      from: load.from_ms, to: load.to_ms,
      bars: ids.map((id) => ({ id, v: Number(rates[id] || 0), leader: id === leader })),
    },
  };
}

/**
 * The histogram's bars: one per bucket, labelled by its upper bound (`>2000`
 * for the last), trimmed to the buckets from the first to the last that hold
 * anything (at least MIN_BUCKETS shown, so one busy bucket is not a lone block).
 */
const MIN_BUCKETS = 5;
export function histogramBars(bounds, counts) {
  const all = [...bounds.map((b) => ({ le: b })), { le: null, above: bounds[bounds.length - 1] ?? 0 }]
    .map((b, i) => ({ ...b, n: Number(counts[i] || 0) }));
  const used = all.map((b, i) => (b.n > 0 ? i : -1)).filter((i) => i >= 0);
  if (!used.length) return [];
  let lo = used[0], hi = used[used.length - 1];
  while (hi - lo + 1 < MIN_BUCKETS && (lo > 0 || hi < all.length - 1)) {
    if (hi < all.length - 1) hi++;
    if (hi - lo + 1 < MIN_BUCKETS && lo > 0) lo--;
  }
  return all.slice(lo, hi + 1);
}

/** The smallest of 1, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above `v` (the top of a y axis, tight enough that bars fill it); 1 for nothing. */
export function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  // toPrecision: 3 × 0.1 is 0.30000000000000004 in binary; the axis says 0.3.
  for (const m of [1, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v - 1e-9) return Number((m * p).toPrecision(6));
  return 10 * p;
}

/** The palette from the element's custom properties (element.css: --rl-ink, --rl-accent, --rl-plot-*). */
export function readPalette(el) {
  const s = getComputedStyle(el);
  const v = (name, fallback) => (s.getPropertyValue(name) || '').trim() || fallback;
  return {
    bg: v('--rl-panel', '#ffffff'),
    ink: v('--rl-ink', '#1f2328'),
    muted: v('--rl-muted', '#5f6670'),
    grid: v('--rl-line', '#d9dce1'),
    accent: v('--rl-accent', '#2563eb'),
    second: v('--rl-plot-p99', '#c2410c'),
    bar: v('--rl-plot-bar', '#94a3b8'),
    font: v('--rl-font', 'sans-serif'),
  };
}

const PAD = { left: 34, right: 6, top: 8, bottom: 16 };
const TICK_FONT = 10;

/** A compact number for an axis: 0, 12, 1.5, 2k. */
function tick(v) {
  if (v >= 10000) return `${Math.round(v / 1000)}k`;
  if (v >= 1000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (v >= 10 || Number.isInteger(v)) return String(Math.round(v));
  return String(Number(v.toFixed(2)));
}

/**
 * Paint plot `kind` of `model` on `ctx`, a canvas `w`×`h` CSS pixels (the
 * caller has scaled the context for devicePixelRatio). Returns how many marks
 * (points, bars) it drew: 0 means the plot shows only its "no data" text.
 */
export function drawPlot(ctx, kind, model, { w, h }, pal, t) {
  ctx.fillStyle = pal.bg;
  ctx.fillRect(0, 0, w, h);
  ctx.font = `${TICK_FONT}px ${pal.font}`;
  ctx.textBaseline = 'middle';
  if (!model) return empty(ctx, w, h, pal, t);
  switch (kind) {
    case 'throughput': return timeSeries(ctx, model.throughput, [{ key: 'v', colour: pal.accent, fill: true }], { w, h }, pal, t, t('metrics.unit.opsPerS'));
    case 'latency': return timeSeries(ctx, model.latency, [
      { key: 'p99', colour: pal.second, label: 'p99' },
      { key: 'p50', colour: pal.accent, label: 'p50' },
    ], { w, h }, pal, t, t('metrics.unit.ms'));
    case 'histogram': return histogram(ctx, model.histogram, { w, h }, pal, t);
    case 'servers': return serverBars(ctx, model.servers, { w, h }, pal, t);
    default: return 0;
  }
}

function empty(ctx, w, h, pal, t) {
  ctx.fillStyle = pal.muted;
  ctx.textAlign = 'center';
  ctx.fillText(t('metrics.noData'), w / 2, h / 2);
  return 0;
}

/** The y axis: gridlines at 0, half and the top, labelled; `unit` above the labels. */
function yAxis(ctx, top, { w, h }, pal, unit) {
  const x0 = PAD.left, x1 = w - PAD.right, y0 = h - PAD.bottom, y1 = PAD.top + TICK_FONT;
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = pal.muted;
  ctx.textAlign = 'right';
  for (const f of [0, 0.5, 1]) {
    const y = Math.round(y0 - f * (y0 - y1)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x0, y);
    ctx.lineTo(x1, y);
    ctx.stroke();
    ctx.fillText(tick(top * f), x0 - 3, y);
  }
  if (unit) {
    ctx.textAlign = 'left';
    ctx.fillText(unit, 2, 5); // above the top label
  }
  return { x0, x1, y0, y1, y: (v) => y0 - (Math.min(v, top) / top) * (y0 - y1) };
}

/** Lines over time, one point per window, x = the window's end in simulated seconds. */
function timeSeries(ctx, points, series, size, pal, t, unit) {
  if (!points.length) return empty(ctx, size.w, size.h, pal, t);
  let top = 0;
  for (const p of points) for (const s of series) if (p[s.key] != null) top = Math.max(top, p[s.key]);
  const ax = yAxis(ctx, niceCeil(top), size, pal, unit);
  const t0 = points[0].from, t1 = points[points.length - 1].to;
  const x = (ms) => ax.x0 + ((ms - t0) / Math.max(1, t1 - t0)) * (ax.x1 - ax.x0);
  // Time labels under the ends of the axis: seconds of simulated time.
  ctx.fillStyle = pal.muted;
  ctx.textAlign = 'left';
  ctx.fillText(t('metrics.axis.seconds', { s: Math.round(t0 / 1000) }), ax.x0, size.h - PAD.bottom / 2);
  ctx.textAlign = 'right';
  ctx.fillText(t('metrics.axis.seconds', { s: Math.round(t1 / 1000) }), ax.x1, size.h - PAD.bottom / 2);
  let marks = 0;
  for (const s of series) {
    // A window without a value (no commit returned in it) breaks the line.
    const runs = [];
    let run = [];
    for (const p of points) {
      if (p[s.key] == null) { if (run.length) runs.push(run); run = []; continue; }
      run.push([x((p.from + p.to) / 2), ax.y(p[s.key])]);
    }
    if (run.length) runs.push(run);
    ctx.strokeStyle = s.colour;
    ctx.fillStyle = s.colour;
    ctx.lineWidth = 1.5;
    for (const r of runs) {
      marks += r.length;
      if (s.fill && r.length > 1) {
        ctx.globalAlpha = 0.18;
        ctx.beginPath();
        ctx.moveTo(r[0][0], ax.y0);
        for (const [px, py] of r) ctx.lineTo(px, py);
        ctx.lineTo(r[r.length - 1][0], ax.y0);
        ctx.closePath();
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      ctx.beginPath();
      r.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
      ctx.stroke();
      // A lone point (or few points) still shows: a dot per point when sparse.
      if (r.length < 12) for (const [px, py] of r) { ctx.beginPath(); ctx.arc(px, py, 2, 0, Math.PI * 2); ctx.fill(); }
    }
  }
  // A key for several lines, top right.
  const labelled = series.filter((s) => s.label);
  if (labelled.length) {
    ctx.textAlign = 'right';
    let xr = ax.x1;
    for (const s of labelled) {
      ctx.fillStyle = s.colour;
      ctx.fillText(s.label, xr, 5);
      xr -= ctx.measureText(s.label).width + 8;
    }
  }
  return marks;
}

/** Bars with a label under each; `bars` = [{ label, v, colour }]; `xUnit` under the y labels. */
function bars(ctx, list, size, pal, unit, xUnit = '') {
  const top = niceCeil(Math.max(0, ...list.map((b) => b.v)));
  const ax = yAxis(ctx, top, size, pal, unit);
  const slot = (ax.x1 - ax.x0) / list.length;
  const bw = Math.max(2, Math.min(28, slot * 0.72));
  // Skip labels that would collide (many buckets or servers on a phone).
  const labelEvery = Math.max(1, Math.ceil(list.reduce((m, b) => Math.max(m, ctx.measureText(b.label).width + 4), 0) / slot));
  if (xUnit) {
    ctx.fillStyle = pal.muted;
    ctx.textAlign = 'left';
    ctx.fillText(xUnit, 2, size.h - PAD.bottom / 2);
  }
  let marks = 0;
  list.forEach((b, i) => {
    const cx = ax.x0 + slot * (i + 0.5);
    const y = ax.y(b.v);
    ctx.fillStyle = b.colour;
    if (b.v > 0) { ctx.fillRect(cx - bw / 2, y, bw, Math.max(1, ax.y0 - y)); marks++; }
    if (i % labelEvery === 0) {
      ctx.fillStyle = b.strong ? pal.ink : pal.muted;
      ctx.textAlign = 'center';
      ctx.fillText(b.label, cx, size.h - PAD.bottom / 2);
    }
  });
  return marks;
}

function histogram(ctx, list, size, pal, t) {
  if (!list.length) return empty(ctx, size.w, size.h, pal, t);
  return bars(ctx, list.map((b) => ({
    label: b.le == null ? `>${tick(b.above)}` : tick(b.le), v: b.n, colour: pal.accent,
  })), size, pal, t('metrics.unit.count'), t('metrics.unit.ms'));
}

function serverBars(ctx, servers, size, pal, t) {
  if (!servers.bars.length) return empty(ctx, size.w, size.h, pal, t);
  return bars(ctx, servers.bars.map((b) => ({
    label: `n${b.id}`, v: b.v, colour: b.leader ? pal.accent : pal.bar, strong: b.leader,
  })), size, pal, t('metrics.unit.msgsPerS'));
}
