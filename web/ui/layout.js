// The element's DOM. Every visible string is a `data-i18n*` key filled from
// the message tables by `applyTexts`, so a language switch relabels in place.

import { MAX_NODES } from '../attrs.js';

export const SPEEDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50];

const speedOptions = SPEEDS.map((s) => `<option value="${s}">${s}×</option>`).join('');
const nodeOptions = Array.from({ length: MAX_NODES }, (_, i) => `<option value="${i + 1}">${i + 1}</option>`).join('');

const TEMPLATE = `
<div class="rl-app" role="region">
  <header class="rl-toolbar" role="toolbar">
    <h1 class="rl-title" data-i18n="app.title"></h1>
    <div class="rl-group">
      <button type="button" class="rl-btn rl-primary" data-action="play" data-testid="play" data-i18n-title="ctl.play.title"></button>
      <button type="button" class="rl-btn" data-action="step" data-testid="step" data-i18n="ctl.step" data-i18n-title="ctl.step.title"></button>
      <button type="button" class="rl-btn" data-action="back" data-testid="back" data-ctl="history" data-i18n="ctl.back" data-i18n-title="ctl.back.title"></button>
      <button type="button" class="rl-btn" data-action="reset" data-testid="reset" data-i18n="ctl.reset" data-i18n-title="ctl.reset.title"></button>
    </div>
    <label class="rl-field" data-ctl="speed"><span data-i18n="ctl.speed"></span>
      <select data-field="speed" data-testid="speed">${speedOptions}</select></label>
    <label class="rl-field" data-ctl="nodes"><span data-i18n="ctl.nodes"></span>
      <select data-field="nodes" data-testid="nodes">${nodeOptions}</select></label>
    <label class="rl-field" data-ctl="seed"><span data-i18n="ctl.seed"></span>
      <input data-field="seed" data-testid="seed" type="text" inputmode="numeric" size="6" spellcheck="false">
      <button type="button" class="rl-btn rl-icon" data-action="random-seed" data-i18n-title="ctl.seed.random" data-i18n="ctl.random"></button></label>
    <details class="rl-options" data-ctl="options">
      <summary data-i18n="ctl.options"></summary>
      <div class="rl-options-body">
        <label class="rl-check"><input type="checkbox" data-field="prevote"> <span data-i18n="ctl.prevote"></span></label>
        <label class="rl-check"><input type="checkbox" data-field="checkQuorum"> <span data-i18n="ctl.checkQuorum"></span></label>
        <label class="rl-field"><span data-i18n="ctl.readMode"></span>
          <select data-field="readMode">
            <option value="read-index" data-i18n="ctl.readMode.readIndex"></option>
            <option value="lease" data-i18n="ctl.readMode.lease"></option>
            <option value="log" data-i18n="ctl.readMode.log"></option>
          </select></label>
        <label class="rl-field"><span data-i18n="ctl.snapshot"></span>
          <select data-field="snapshotThreshold" data-testid="snapshot-threshold">
            <option value="0" data-i18n="ctl.snapshot.off"></option>
            <option value="5">5</option><option value="10">10</option><option value="20">20</option><option value="50">50</option>
          </select></label>
        <p class="rl-hint" data-i18n="ctl.options.hint"></p>
        <fieldset class="rl-bugs" data-testid="bugs"></fieldset>
      </div>
    </details>
    <button type="button" class="rl-btn" data-action="embed" data-testid="embed" data-ctl="embed" data-i18n="ctl.embed" data-i18n-title="ctl.embed.title"></button>
    <label class="rl-field rl-lang" data-ctl="lang"><span data-i18n="ctl.lang"></span>
      <select data-field="lang" data-testid="lang"><option value="en">English</option><option value="zh">简体中文</option></select></label>
  </header>

  <div class="rl-notices" aria-live="polite"></div>
  <div class="rl-banner" role="alert" hidden>
    <strong class="rl-banner-title"></strong> <span class="rl-banner-text"></span>
    <button type="button" class="rl-btn" data-action="dismiss-banner" data-i18n="banner.dismiss"></button>
  </div>

  <main class="rl-stage">
    <div class="rl-stage-bar">
      <span class="rl-clock" data-testid="clock"></span>
      <span class="rl-summary"></span>
      <span class="rl-modes" data-testid="modes"></span>
      <span class="rl-spacer"></span>
      <button type="button" class="rl-btn rl-compact-only" data-action="crash-leader" data-testid="crash-leader" data-ctl="crash"></button>
      <button type="button" class="rl-btn rl-compact-only" data-action="quick-put" data-testid="quick-put" data-ctl="put"></button>
      <button type="button" class="rl-btn" data-action="add" data-testid="add" data-ctl="add" data-i18n="ctl.add" data-i18n-title="ctl.add.title"></button>
      <button type="button" class="rl-btn" data-action="partition-mode" data-testid="partition-mode" data-ctl="partition" data-i18n="ctl.partition" data-i18n-title="ctl.partition.title"></button>
      <button type="button" class="rl-btn" data-action="heal" data-testid="heal" data-ctl="partition" data-i18n="ctl.heal" data-i18n-title="ctl.heal.title"></button>
    </div>
    <div class="rl-quorum" data-testid="quorum"></div>
    <div class="rl-caption" data-testid="caption"></div>
    <div class="rl-canvas-wrap">
      <canvas class="rl-ring" data-testid="ring" role="img" tabindex="0"></canvas>
      <button type="button" class="rl-btn rl-primary rl-playover" data-action="play" data-testid="playover" data-i18n="ctl.play" hidden></button>
      <div class="rl-partition-bar" hidden>
          <span data-i18n="partition.help"></span>
          <button type="button" class="rl-btn rl-primary" data-action="partition-apply" data-i18n="partition.apply"></button>
          <button type="button" class="rl-btn" data-action="partition-cancel" data-i18n="partition.cancel"></button>
      </div>
      <div class="rl-popover" role="dialog" hidden></div>
    </div>
    <div class="rl-scrub">
      <span data-i18n="ctl.history"></span>
      <input type="range" data-field="scrub" min="0" max="0" step="1" value="0" data-i18n-aria="ctl.history">
      <span class="rl-reach" data-testid="history-reach"></span>
    </div>
  </main>

  <section class="rl-logpanel">
    <div class="rl-logpanel-head">
      <h2 data-i18n="panel.logs"></h2>
      <div class="rl-log-nav" role="group" data-testid="log-nav" data-i18n-aria="logs.nav" hidden>
        <span class="rl-log-range" data-testid="log-range"></span>
        <button type="button" class="rl-btn rl-small" data-log="oldest" data-testid="log-oldest" data-i18n="logs.oldest"></button>
        <button type="button" class="rl-btn rl-small" data-log="older" data-testid="log-older" data-i18n="logs.older"></button>
        <button type="button" class="rl-btn rl-small" data-log="newer" data-testid="log-newer" data-i18n="logs.newer"></button>
        <button type="button" class="rl-btn rl-small" data-log="newest" data-testid="log-newest" data-i18n="logs.newest"></button>
      </div>
    </div>
    <div class="rl-log-wrap"><canvas class="rl-log" data-testid="logs" role="img" tabindex="0" data-i18n-aria="logs.canvas"></canvas></div>
  </section>

  <aside class="rl-side">
    <section class="rl-net">
      <h2 data-i18n="panel.network"></h2>
      <label class="rl-slider"><span data-i18n="ctl.latency"></span>
        <input type="range" data-field="latency" min="2" max="300" step="1" value="30">
        <output data-out="latency"></output></label>
      <label class="rl-slider"><span data-i18n="ctl.loss"></span>
        <input type="range" data-field="loss" min="0" max="50" step="1" value="0">
        <output data-out="loss"></output></label>
      <div class="rl-client">
        <span data-i18n="ctl.client"></span>
        <input data-field="client-key" size="5" value="x" spellcheck="false" data-i18n-aria="pop.key">
        <input data-field="client-value" size="5" value="1" spellcheck="false" data-i18n-aria="pop.value">
        <button type="button" class="rl-btn" data-action="client-put" data-i18n="ctl.put"></button>
        <button type="button" class="rl-btn" data-action="client-get" data-i18n="ctl.get"></button>
      </div>
    </section>
    <section class="rl-kv-sec" data-testid="kv" aria-labelledby="rl-kv-title">
      <div class="rl-kv-top"><h2 id="rl-kv-title" data-i18n="panel.kv" data-i18n-title="kv.title"></h2><span class="rl-kv-rev" data-testid="kv-revision"></span></div>
      <p class="rl-kv-empty" data-testid="kv-empty"></p>
      <div class="rl-kv-keys-wrap" tabindex="0" role="region" data-i18n-aria="kv.keys" hidden>
        <table class="rl-kv-keys" data-testid="kv-keys">
          <colgroup><col class="rl-kv-c-key"><col class="rl-kv-c-value"><col class="rl-kv-c-create"><col class="rl-kv-c-mod"><col class="rl-kv-c-lease"></colgroup>
          <thead><tr><th data-i18n="kv.col.key"></th><th data-i18n="kv.col.value"></th>
            <th class="rl-kv-num" data-i18n="kv.col.create" data-i18n-title="kv.col.create.title"></th>
            <th class="rl-kv-num" data-i18n="kv.col.mod" data-i18n-title="kv.col.mod.title"></th>
            <th data-i18n="kv.col.lease"></th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <p class="rl-kv-more" hidden></p>
      <h3 class="rl-kv-leases-head" data-i18n="kv.leases" data-i18n-title="kv.leases.title" hidden></h3>
      <ul class="rl-kv-leases" data-testid="kv-leases" hidden></ul>
      <h3 class="rl-kv-watchers-head" data-i18n="kv.watchers" data-i18n-title="kv.watchers.title" hidden></h3>
      <div class="rl-kv-watchers" data-testid="kv-watchers" hidden></div>
    </section>
    <section class="rl-metrics-sec" data-testid="metrics" aria-labelledby="rl-metrics-title">
      <div class="rl-metrics-top"><h2 id="rl-metrics-title" data-i18n="panel.metrics"></h2><span class="rl-metrics-span" data-testid="metrics-span"></span></div>
      <dl class="rl-metrics-head">
        <div><dt data-i18n="metrics.p50"></dt><dd data-metric="p50" data-testid="metric-p50"></dd></div>
        <div><dt data-i18n="metrics.p99"></dt><dd data-metric="p99" data-testid="metric-p99"></dd></div>
        <div><dt data-i18n="metrics.ops"></dt><dd data-metric="ops" data-testid="metric-ops"></dd></div>
        <div><dt data-i18n="metrics.elections"></dt><dd data-metric="elections" data-testid="metric-elections"></dd></div>
        <div><dt data-i18n="metrics.leaderless"></dt><dd data-metric="leaderless" data-testid="metric-leaderless"></dd></div>
      </dl>
      <div class="rl-plots">
        <figure class="rl-plot"><figcaption data-i18n="metrics.plot.throughput" data-i18n-title="metrics.plot.throughput.title"></figcaption>
          <canvas class="rl-plot-canvas" data-plot="throughput" data-testid="plot-throughput" role="img" data-i18n-aria="metrics.plot.throughput.title"></canvas></figure>
        <figure class="rl-plot"><figcaption data-i18n="metrics.plot.latency" data-i18n-title="metrics.plot.latency.title"></figcaption>
          <canvas class="rl-plot-canvas" data-plot="latency" data-testid="plot-latency" role="img" data-i18n-aria="metrics.plot.latency.title"></canvas></figure>
        <figure class="rl-plot"><figcaption data-i18n="metrics.plot.histogram" data-i18n-title="metrics.plot.histogram.title"></figcaption>
          <canvas class="rl-plot-canvas" data-plot="histogram" data-testid="plot-histogram" role="img" data-i18n-aria="metrics.plot.histogram.title"></canvas></figure>
        <figure class="rl-plot"><figcaption data-i18n="metrics.plot.servers" data-i18n-title="metrics.plot.servers.title"></figcaption>
          <canvas class="rl-plot-canvas" data-plot="servers" data-testid="plot-servers" role="img" data-i18n-aria="metrics.plot.servers.title"></canvas></figure>
      </div>
    </section>
    <section class="rl-console">
      <h2 data-i18n="panel.console"></h2>
      <form class="rl-cmd">
        <textarea data-field="command" data-testid="command" rows="2" spellcheck="false" autocomplete="off" data-i18n-placeholder="console.placeholder"></textarea>
        <button type="submit" class="rl-btn rl-primary" data-testid="run-command" data-i18n="console.run"></button>
      </form>
      <div class="rl-cmd-error" role="alert" data-testid="command-error" hidden></div>
      <div class="rl-cmd-info" data-testid="command-info" hidden></div>
      <div class="rl-log-head">
        <h3 data-i18n="panel.commandLog"></h3>
        <button type="button" class="rl-btn rl-small" data-action="copy-log" data-i18n="log.copy"></button>
        <button type="button" class="rl-btn rl-small" data-action="download-log" data-i18n="log.download"></button>
        <button type="button" class="rl-btn rl-small" data-action="permalink" data-i18n="log.permalink"></button>
      </div>
      <pre class="rl-cmdlog" data-testid="command-log" tabindex="0"></pre>
    </section>
    <section class="rl-feed-sec">
      <h2 data-i18n="panel.events"></h2>
      <ol class="rl-feed" data-testid="events"></ol>
    </section>
    <section class="rl-legend-sec">
      <h2 data-i18n="panel.legend"></h2>
      <div class="rl-legend"></div>
    </section>
  </aside>

  <div class="rl-overlay" role="alertdialog" hidden>
    <div class="rl-overlay-box">
      <h2 data-i18n="overlay.title"></h2>
      <p data-i18n="overlay.text"></p>
      <pre class="rl-overlay-msg"></pre>
      <button type="button" class="rl-btn rl-primary" data-action="overlay-reset" data-i18n="overlay.reset"></button>
    </div>
  </div>
  <div class="rl-dialog" role="dialog" aria-modal="true" data-testid="embed-dialog" hidden>
    <div class="rl-dialog-box">
      <div class="rl-dialog-row"><h2 data-i18n="embed.title"></h2><span class="rl-spacer"></span>
        <button type="button" class="rl-btn rl-icon" data-action="embed-close" data-i18n-aria="embed.close">×</button></div>
      <p data-i18n="embed.intro"></p>
      <div class="rl-dialog-row"><h3 data-i18n="embed.element"></h3>
        <button type="button" class="rl-btn rl-small" data-action="embed-copy-element" data-i18n="embed.copy"></button></div>
      <textarea data-field="embed-element" data-testid="embed-element" rows="9" readonly spellcheck="false"></textarea>
      <div class="rl-dialog-row"><h3 data-i18n="embed.iframe"></h3>
        <button type="button" class="rl-btn rl-small" data-action="embed-copy-iframe" data-i18n="embed.copy"></button></div>
      <textarea data-field="embed-iframe" data-testid="embed-iframe" rows="4" readonly spellcheck="false"></textarea>
    </div>
  </div>
  <div class="rl-toast" aria-live="polite" hidden></div>
  <div class="rl-live rl-sr" aria-live="polite" data-testid="live"></div>
</div>`;

/** Fill `root` (the element's shadow root) with the layout; returns handles to its parts. */
export function buildLayout(root) {
  const holder = root.ownerDocument.createElement('template');
  holder.innerHTML = TEMPLATE;
  root.append(holder.content);
  const q = (sel) => root.querySelector(sel);
  return {
    root: q('.rl-app'),
    ring: q('canvas.rl-ring'),
    ringWrap: q('.rl-canvas-wrap'),
    log: q('canvas.rl-log'),
    logWrap: q('.rl-log-wrap'),
    popover: q('.rl-popover'),
    banner: q('.rl-banner'),
    notices: q('.rl-notices'),
    overlay: q('.rl-overlay'),
    overlayMsg: q('.rl-overlay-msg'),
    clock: q('.rl-clock'),
    reach: q('.rl-reach'),
    summary: q('.rl-summary'),
    quorum: q('.rl-quorum'),
    caption: q('.rl-caption'),
    live: q('.rl-live'),
    playover: q('.rl-playover'),
    dialog: q('.rl-dialog'),
    partitionBar: q('.rl-partition-bar'),
    cmdForm: q('form.rl-cmd'),
    cmdError: q('.rl-cmd-error'),
    cmdInfo: q('.rl-cmd-info'),
    cmdLog: q('.rl-cmdlog'),
    feed: q('.rl-feed'),
    legend: q('.rl-legend'),
    metrics: q('.rl-metrics-sec'),
    kv: q('.rl-kv-sec'),
    plots: q('.rl-plots'),
    toast: q('.rl-toast'),
    field: (name) => q(`[data-field="${name}"]`),
    out: (name) => q(`[data-out="${name}"]`),
    action: (name) => q(`[data-action="${name}"]`),
  };
}

/** Fill every data-i18n* attribute under `root` from the table. */
export function applyTexts(root, t) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}
