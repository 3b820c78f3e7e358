// The metrics panel on the page (issue 12): the headline numbers as text and
// four small canvas plots (web/render/metrics.js draws them). The element
// decides *when* to read the metrics — when a simulated second closes while
// playing, after a command, a pause or a jump in time — and hands them here;
// this module only keeps the windows, builds the model and paints it.
//
// Cheap by construction: reading `sim.metrics(n)` fetches only the `n`
// windows closed since the last read (all 120 only after a jump in time or a
// new run), and the canvases are repainted only when the numbers changed, on
// resize, on a language or theme change.

import { PLOTS, MAX_WINDOWS, mergeWindows, metricsModel, drawPlot, readPalette } from '../render/metrics.js';

/** `ms` of simulated time without a leader, for the headline: "0.41 s". */
export function formatSeconds(ms) {
  return (ms / 1000).toFixed(2);
}

/** ops/s for the headline: one decimal. */
export function formatRate(v) {
  return Number(v).toFixed(1);
}

/**
 * The panel in `section` (web/ui/layout.js builds its DOM). `t` is the
 * element's translator. Returns { refresh(sim, view, full), relabel(),
 * resize(), repaint(), model(), reads }.
 */
export function createMetricsPanel(section, { t }) {
  const canvases = Object.fromEntries(PLOTS.map((k) => [k, section.querySelector(`canvas[data-plot="${k}"]`)]));
  const head = (k) => section.querySelector(`[data-metric="${k}"]`);
  let windows = [];
  let summary = null;
  let model = null;
  let marks = {};
  const panel = {
    /** How many times the metrics were read from the wasm (tests: a hidden panel reads none). */
    reads: 0,

    /**
     * Read the metrics from `sim`: the `fresh` newest windows (the ones
     * closed since the last read), or all of them when `fresh` is null or
     * they do not continue the ones kept. Then show them.
     */
    refresh(sim, view, fresh) {
      let got = sim.metrics(fresh == null ? MAX_WINDOWS : fresh);
      this.reads++;
      let merged = fresh == null ? got.windows : mergeWindows(windows, got.windows);
      if (merged === null) {
        got = sim.metrics(MAX_WINDOWS);
        this.reads++;
        merged = got.windows;
      }
      windows = merged;
      summary = { ...got, windows };
      model = metricsModel(summary, { nodeIds: view.nodes.map((n) => n.id), leader: view.leader ?? null });
      showHeadline();
      describePlots();
      this.repaint();
    },

    /** Paint every plot from the model kept (after a resize, a theme or language change). */
    repaint() {
      const pal = readPalette(section);
      const dpr = window.devicePixelRatio || 1;
      marks = {};
      for (const k of PLOTS) {
        const c = canvases[k];
        const w = c.clientWidth, h = c.clientHeight;
        if (!w || !h) continue;
        const bw = Math.round(w * dpr), bh = Math.round(h * dpr);
        if (c.width !== bw || c.height !== bh) { c.width = bw; c.height = bh; }
        const ctx = c.getContext('2d');
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        marks[k] = drawPlot(ctx, k, model, { w, h }, pal, t);
      }
    },

    relabel() {
      showHeadline();
      describePlots();
      this.repaint();
    },

    /** The last model shown, with how many marks each plot drew (null before the first read). */
    model() {
      return model ? { ...model, marks: { ...marks } } : null;
    },

    /** A new run or a jump: the next read fetches every window. */
    clear() {
      windows = [];
    },
  };

  function showHeadline() {
    const h = model ? model.headline : null;
    const ms = (v) => (v == null ? '—' : t('metrics.value.ms', { v }));
    set('p50', h ? ms(h.p50) : '—');
    set('p99', h ? ms(h.p99) : '—');
    set('ops', h ? t('metrics.value.opsPerS', { v: formatRate(h.opsPerS) }) : '—');
    set('elections', h ? String(h.elections) : '—');
    set('leaderless', h ? t('metrics.value.seconds', { v: formatSeconds(h.leaderlessMs) }) : '—');
    const span = section.querySelector('.rl-metrics-span');
    if (span) span.textContent = h ? t('metrics.span', { s: formatSeconds(model.timeMs) }) : '';
  }

  /**
   * For screen readers, each plot's label says what it shows and its newest
   * numbers (the canvas itself is only pixels).
   */
  function describePlots() {
    if (!model) return;
    const lastOf = (list) => (list.length ? list[list.length - 1] : null);
    const tp = lastOf(model.throughput);
    const lat = lastOf(model.latency);
    const lead = model.servers.bars.find((b) => b.leader);
    const now = {
      throughput: tp ? t('metrics.aria.throughput', { v: formatRate(tp.v) }) : t('metrics.noData'),
      latency: lat && lat.p50 != null ? t('metrics.aria.latency', { p50: lat.p50, p99: lat.p99 }) : t('metrics.noData'),
      histogram: model.headline.commits ? t('metrics.aria.histogram', { n: model.headline.commits, p50: model.headline.p50, p99: model.headline.p99 }) : t('metrics.noData'),
      servers: lead ? t('metrics.aria.servers', { id: lead.id, v: formatRate(lead.v) }) : t('metrics.noData'),
    };
    for (const k of PLOTS) {
      const label = `${t(`metrics.plot.${k}.title`)}. ${now[k]}`;
      if (canvases[k].getAttribute('aria-label') !== label) canvases[k].setAttribute('aria-label', label);
    }
  }

  function set(k, text) {
    const el = head(k);
    if (el && el.textContent !== text) el.textContent = text;
  }

  return panel;
}
