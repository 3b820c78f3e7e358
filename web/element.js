// <raft-lab>: the whole explainer as one self-contained custom element, and
// the public JavaScript API for embedders and tests (documented in
// web/README.md).
//
//   attributes: view (full | compact | figure), controls (compact view's
//               tools), nodes, seed, scenario (URL of a .raft file; or inline
//               text in a <script type="text/raft"> child), autoplay, lang,
//               speed, theme (light | dark | auto), height, loading (lazy | eager),
//               lesson (a lesson slug: web/lesson/player.js plays it)
//   API:        ready, load(), exec(text), state(), play(), pause(), playing,
//               speed, reset(text?), commandLog(), render(), frameStats(),
//               lang, travelTo(ms), permalink(), embedSnippets(), notify(text),
//               highlight(list), lessonPlayer
//   events:     raft-state, raft-violation, raft-error, raft-lang
//
// An embedding page loads this one module. It finds everything else (the
// stylesheet, the renderer, the message tables, the wasm) relative to its own
// URL, renders into a shadow root with its own stylesheet, and keeps all of
// its state on the instance: any number of elements, each with its own
// simulation, clock, speed, language, history and keys. Only the loaded wasm
// module and the parsed stylesheet are shared, fetched once per page.
//
// The element owns the animation loop and the UI state; the simulation lives
// in wasm (raft-wasm `Simulation`), the drawing in web/render/. Every control
// works by issuing a scenario-language command through `exec`, so everything a
// user does appears in the command log and replays bit for bit.
import { translate, hasKey, detectLang, langFromTag, LANGS } from './i18n/index.js';
import { commands, setupText, nextNodeId, groupsFromView, isCut, longestCommand, overTotal, dropGroup, moveToGroup } from './controller.js';
import { wireCanvasInput } from './ui/canvas-input.js';
import { History, HISTORY_DEFAULTS } from './history.js';
import { VIEWS, CONTROLS, MIN_SPEED, MAX_SPEED, parseNodes, parseSeed, parseSpeed, parseHeight, parseControls } from './attrs.js';
import { embedSnippets } from './snippets.js';
import { copyToClipboard, selectContents, downloadText, permalinkUrl } from './ui/share.js';
import { buildLayout, applyTexts } from './ui/layout.js';
import { openNodePopover } from './ui/popover.js';
import { createInsight } from './ui/insight.js';
import { buildBugSwitches, readBugs } from './ui/bugs.js';
import { createFeed } from './ui/feed.js';
import { settingsFromSetup, showSettings, showSpeed } from './ui/controls.js';
import { wireLogNav } from './ui/lognav.js';
import { modeChips, showModeChips, quorumText, liveText, reachTexts } from './ui/status.js';
import { leaderNode } from './quorum.js';
import { loadWasm, loadSheet } from './load.js';

const DEFAULT_SPEED = 0.1;
const MAX_FRAME_GAP_MS = 100;      // a frame after a long pause (hidden tab) advances at most this much real time
const RECENT_EVENTS_MS = 2000;     // sim time of trace events handed to the renderer for flashes
const STEP_LIMIT_MS = 10000;       // "step" gives up after this much quiet sim time
const FRAME_STATS = 600;
const DIAGRAM_EVERY_MS = 50;       // the space-time diagram repaints at most this often while playing (real time)
const STATUS_EVERY_MS = 100;      // while playing, the text around the canvas changes at most this often (real time)
const FRAME_LOG_MIN = 32;          // entries per log a frame's view carries at least (the inspector shows 24)…
const FRAME_LOG_DEFAULT = 96;      // …and before the log panel has said how many it shows
const FRAME_WORK_MS = 30;          // target JS + wasm work per frame when fast-forwarding
const MIN_FRAME_BUDGET_MS = 20;    // …but always at least this much sim time per frame
const MAX_TYPED_RUN_MS = 600000;   // longest `run`/`await … within` the command box accepts at once
const MAX_LOADED_RUN_MS = 1800000; // total simulated time a loaded scenario may ask for (it runs before the first frame)
const LIVE_EVERY_MS = 4000;        // the screen-reader summary changes at most this often (real time)
const LOAD_MARGIN = '400px';       // the wasm is fetched when the element comes this close to the viewport
const METRICS_WINDOW_MS = 1000;    // raft-wasm's metrics window: the panel reads the metrics when one closes
// A loaded scenario gets a time-travel checkpoint after each command by
// replaying each prefix of its text; the replays together may simulate at most
// this much time (scaled down for clusters over 5 servers), so loading stays
// well under a second or two. Longer scenarios start their history at the end.
const HISTORY_REPLAY_BUDGET_MS = 300000;

// The shared, load-once resources (the wasm module, the stylesheets) live in
// web/load.js: the lesson player loads them too.

function isPanic(e) {
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    (e && typeof e.message === 'string' && /unreachable|RuntimeError|recursive use of an object/.test(e.message));
}

function errorText(e) {
  if (e instanceof Error) return e.message;
  return String(e);
}

// Write a text or an attribute only when it changes: setting the same
// string again still replaces the DOM node (style and layout work per frame).
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// ---- renderer loading --------------------------------------------------------

async function loadRenderer() {
  const ring = await import('./render/ring.js');
  return { createRingRenderer: ring.createRingRenderer };
}

/** The metrics panel (issue 12): only a view that shows it loads it. */
async function loadMetrics() {
  return import('./ui/metrics.js');
}

/** The key-value panel (issue 11): only a view that shows it loads it. */
async function loadKv() {
  return import('./ui/kv.js');
}

/** The log panel and the legend: only the full view shows them, so only it loads them. */
async function loadPanels() {
  const [logpanel, legend] = await Promise.all([import('./render/logpanel.js'), import('./render/legend.js')]);
  return { createLogPanel: logpanel.createLogPanel, buildLegend: legend.buildLegend };
}

export class RaftLab extends HTMLElement {
  static get observedAttributes() { return ['lang', 'view', 'controls', 'theme', 'height']; }

  constructor() {
    super();
    this._sim = null;
    this._wasm = null;
    this._view = null;
    this._playing = false;
    this._speed = DEFAULT_SPEED;
    this._carry = 0;               // fractional sim ms not yet advanced
    this._frameBudget = Infinity;  // most sim ms one frame may advance (adapts to the machine)
    this._lastAdvance = 0;
    this._lastFrame = null;
    this._raf = 0;
    this._dirty = true;
    this._recent = [];             // trace events of the last RECENT_EVENTS_MS
    this._violationsSeen = 0;
    this._failuresSeen = 0;
    this._history = null;          // time travel (web/history.js)
    this._frameStats = [];
    this._frameParts = [];         // per frame: { advance, refresh, draw } ms (frameParts())
    this._diagramAt = -Infinity;   // real time the space-time diagram was last repainted while playing
    this._fatal = false;
    this._panicMessage = '';
    this._settings = { nodes: 5, seed: '1', prevote: false, checkQuorum: false, readMode: 'read-index', snapshotThreshold: 0 };
    this._base = setupText(this._settings); // the text reset() starts from
    this._ui = { selectedNode: null, hover: null, dragging: null, groups: null, events: [] };
    this._remembered = { key: 'x', value: '1' };
    this._logShownAt = -1;
    this._statusAt = -Infinity;    // when _updateStatus last wrote (throttled while playing)
    this._notices = [];
    this._pendingNotices = [];
    this._lang = 'en';
    // One stable translator for the renderer, feed and popover: it reads the
    // element's language at call time, so a language switch needs no rebuild.
    this._t = (key, params) => translate(this._lang, key, params);
    this._t.has = (key) => hasKey(this._lang, key);
    this._visible = false;         // on screen (IntersectionObserver)
    this._liveText = '';
    this._liveAt = -Infinity;
    this._booting = null;
    this._changes = 0;             // commands, steps and jumps so far (the metrics panel re-reads after each)
    this._metricsPanel = null;     // web/ui/metrics.js, once a view shows it
    this._metricsKey = null;       // what the panel last showed: sim, leader, closed windows, instant, changes
    this._kvPanel = null;          // web/ui/kv.js, once a view shows it
    this.permalinkBase = null;     // the lab page sets its own URL; else embed.html beside this module
    let resolve, reject;
    this.ready = new Promise((res, rej) => { resolve = res; reject = rej; });
    this.ready.catch(() => {}); // a load failure is shown in the overlay; don't also report it as unhandled
    this._resolveReady = resolve;
    this._rejectReady = reject;
    this._started = false;
  }

  // ---- lifecycle ---------------------------------------------------------------
  //
  // connected: shadow root + stylesheet + layout at once (so the element has
  // its size before anything heavy loads); observers and the page listeners
  // (visibility, resize) are added here and removed in disconnectedCallback.
  // The wasm is fetched when the element first comes near the viewport.

  connectedCallback() {
    if (!this._started) {
      this._started = true;
      // Read the inline scenario before anything else can change the children.
      const inline = this.querySelector('script[type="text/raft"]');
      this._inlineScenario = inline ? inline.textContent : null;
      this._lang = this._resolveLang(true);
      this._shadow = this.attachShadow({ mode: 'open' });
      this._layoutReady = loadSheet('./element.css').then((sheet) => {
        this._shadow.adoptedStyleSheets = [sheet];
        if (!this._els) this._buildUi();
      });
      this._layoutReady.catch((e) => this._rejectReady(e));
    }
    this._connect();
  }

  disconnectedCallback() {
    // Everything this element hung on the page goes: no loop, no observer,
    // no listener on document or window outlives it.
    this._stopLoop();
    if (this._ro) this._ro.disconnect();
    if (this._io) { this._io.disconnect(); this._io = null; }
    if (this._loadIo) { this._loadIo.disconnect(); this._loadIo = null; }
    if (this._panesIo) { this._panesIo.disconnect(); this._panesIo = null; }
    window.removeEventListener('resize', this._onWindowResize);
    document.removeEventListener('visibilitychange', this._onVisibility);
    if (this._darkQuery) this._darkQuery.removeEventListener('change', this._onScheme);
    clearTimeout(this._toastTimer);
    this._visible = false;
  }

  _connect() {
    this._onWindowResize ||= () => this._resize(); // zooming changes devicePixelRatio without resizing the boxes
    this._onVisibility ||= () => this._updateLoop();
    this._onScheme ||= () => this._applyScheme();
    window.addEventListener('resize', this._onWindowResize);
    document.addEventListener('visibilitychange', this._onVisibility);
    if (typeof matchMedia === 'function') {
      this._darkQuery = matchMedia('(prefers-color-scheme: dark)');
      this._darkQuery.addEventListener('change', this._onScheme);
      this._applyScheme();
    }
    if (this._ro && this._els) this._observeSizes();
    // Advance and draw only while on screen.
    this._io = new IntersectionObserver((entries) => {
      this._visible = entries[entries.length - 1].isIntersecting;
      this._updateLoop();
    });
    this._io.observe(this);
    // Each canvas that is scrolled out of view (a tall page, a long course)
    // is skipped by the animation loop and painted again once it comes back.
    this._offscreen = new Set();
    this._panesIo = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) { this._offscreen.delete(e.target); this._needsDraw = true; }
        else this._offscreen.add(e.target);
      }
    });
    if (this._els) for (const c of this._paneCanvases()) this._panesIo.observe(c);
    if (!this._sim && !this._booting) {
      if (this.getAttribute('loading') === 'eager') this.load();
      else {
        this._loadIo = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) this.load();
        }, { rootMargin: LOAD_MARGIN });
        this._loadIo.observe(this);
      }
    }
    this._lastFrame = null;
    this._updateLoop();
  }

  attributeChangedCallback(name, old, value) {
    if (!this._started || old === value) return;
    if (name === 'lang') {
      const lang = this._resolveLang(true);
      if (lang !== this._lang) { this._lang = lang; this._relabel(); this._emitLang(); }
    } else if (this._els) {
      this._applyPresentation();
    }
  }

  /** The element's language: its `lang`, else the nearest ancestor's, else the browser's. */
  _resolveLang(report = false) {
    const own = this.getAttribute('lang');
    if (own !== null && own.trim() !== '') {
      const l = langFromTag(own);
      if (l) return l;
      if (report) this._notice('param', this._t('param.lang', { value: own }));
    }
    // Up through ancestors (and out of enclosing shadow roots).
    for (let n = this.parentNode; n; n = n.parentNode || n.host) {
      if (n.nodeType === 1 && n.hasAttribute('lang')) {
        const l = langFromTag(n.getAttribute('lang'));
        if (l) return l;
        break; // an ancestor in another language: the browser's choice is the better guess
      }
    }
    return detectLang();
  }

  _emitLang() {
    this.dispatchEvent(new CustomEvent('raft-lang', { detail: { lang: this._lang } }));
  }

  /** The shadow DOM, built once the stylesheet is in (so nothing shows unstyled). */
  _buildUi() {
    this._els = buildLayout(this._shadow);
    // The inspector and the space-time diagram (web/ui/insight.js), under the stage.
    this._insight = createInsight(this._els.root, this._els.root.querySelector('.rl-stage'), {
      t: this._t, travel: (ms) => this.travelTo(ms), run: (cmd) => this._control(cmd), now: () => this.simTime,
      pause: () => this.pause(), view: () => this._view, openPopover: (id) => this._openPopoverFor(id),
    });
    this._diagramCanvas = this._els.root.querySelector('canvas.rl-diagram');
    this._applyPresentation();
    for (const n of this._pendingNotices) this._renderNotice(n);
    this._pendingNotices = [];
    this._wire();
    this._relabel();
    this._els.summary.textContent = this._t('status.loading');
    this._ro = new ResizeObserver(() => this._resize());
    if (this.isConnected) this._observeSizes();
    if (this._panesIo) for (const c of this._paneCanvases()) this._panesIo.observe(c);
  }

  _observeSizes() {
    for (const el of [this._els.ringWrap, this._els.logWrap, this._els.plots]) this._ro.observe(el);
  }

  /** The ring, the log panel, the space-time diagram, the metrics and key-value panels (what _draw paints). */
  _paneCanvases() {
    return [this._els.ring, this._els.log, this._diagramCanvas, this._els.metrics, this._els.kv].filter(Boolean);
  }

  /** In the animation loop, a canvas scrolled out of view is not painted. */
  _shown(canvas, frameAt) {
    return frameAt === null || !this._offscreen || !this._offscreen.has(canvas);
  }

  /** view, controls, theme and height attributes → classes and properties inside the shadow root. */
  _applyPresentation() {
    const root = this._els.root;
    let view = this.getAttribute('view') || 'full';
    if (!VIEWS.includes(view)) {
      this._notice('param', this._t('param.view', { value: view }));
      view = 'full';
    }
    this._viewName = view;
    for (const v of VIEWS) root.classList.toggle(`rl-view-${v}`, v === view);
    const { known, unknown } = parseControls(this.getAttribute('controls'));
    for (const c of CONTROLS) root.classList.toggle(`rl-has-${c}`, known.includes(c));
    if (unknown.length) this._notice('param', this._t('param.controls', { names: unknown.join(' '), known: CONTROLS.join(' ') }));
    const h = this.getAttribute('height');
    const height = h === null ? null : parseHeight(h);
    if (h !== null && height === null) this._notice('param', this._t('param.height', { value: h }));
    root.style.setProperty('--rl-height', height || '');
    if (!height) root.style.removeProperty('--rl-height');
    root.classList.toggle('rl-fixed-height', !!height);
    this._ensurePanels();
    this._ensureMetrics();
    this._ensureKv();
    const theme = this.getAttribute('theme');
    if (theme !== null && !['light', 'dark', 'auto'].includes(theme)) this._notice('param', this._t('param.theme', { value: theme }));
    this._applyScheme();
    this._syncPlay();
    this._needsDraw = true;
  }

  /** theme="dark", or "auto" while the system is dark: the element's dark palette. */
  _applyScheme() {
    if (!this._els) return;
    const theme = this.getAttribute('theme');
    const dark = theme === 'dark' || (theme === 'auto' && !!this._darkQuery && this._darkQuery.matches);
    this._els.root.classList.toggle('rl-dark', dark);
    if (this._ring) this._resize(); // the canvases repaint their background
  }

  /** Fetch the wasm and start the simulation now (normally done when the element nears the viewport). */
  load() {
    if (!this._layoutReady) { this.setAttribute('loading', 'eager'); return this.ready; } // not connected yet
    if (this._loadIo) { this._loadIo.disconnect(); this._loadIo = null; }
    if (!this._booting) {
      this._booting = this._layoutReady.then(() => this._boot()).catch((e) => {
        this._showOverlay(this._t('overlay.loadFailed', { message: errorText(e) }));
        this._rejectReady(e);
      });
    }
    return this.ready;
  }

  async _boot() {
    const [wasm, renderMod] = await Promise.all([loadWasm(), loadRenderer()]);
    this._wasm = wasm;
    this._renderMod = renderMod;
    const t = this._t;
    this._ring = renderMod.createRingRenderer(this._els.ring, { t });
    if (this._viewName === 'full') await this._ensurePanels();
    await this._ensureMetrics();
    await this._ensureKv();
    this._resize();

    // Settings from attributes; a bad one is reported and replaced by the default.
    const nodesAttr = this.getAttribute('nodes');
    if (nodesAttr !== null) {
      const n = parseNodes(nodesAttr);
      if (n === null) this._notice('param', t('param.nodes', { value: nodesAttr }));
      else this._settings.nodes = n;
    }
    const seedAttr = this.getAttribute('seed');
    if (seedAttr !== null) {
      const s = parseSeed(seedAttr);
      if (s === null) this._notice('param', t('param.seed', { value: seedAttr }));
      else this._settings.seed = s;
    }
    const speedAttr = this.getAttribute('speed');
    if (speedAttr !== null) {
      const v = parseSpeed(speedAttr);
      if (v === null) this._notice('param', t('param.speed', { value: speedAttr, min: MIN_SPEED, max: MAX_SPEED }));
      else this._speed = v;
    }
    this._base = setupText(this._settings);

    let scenario = this._inlineScenario;
    const src = this.getAttribute('scenario');
    if (src) {
      try {
        const res = await fetch(src);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        scenario = await res.text();
      } catch (e) {
        this._notice('param', t('param.scenarioFetch', { url: src, message: errorText(e) }));
      }
    }
    let started = false;
    if (scenario != null && scenario.trim() !== '') {
      try {
        this._start(scenario);
        started = true;
      } catch (e) {
        if (this._fatal) throw e;
        this._notice('param', t('param.scenario', { message: errorText(e) }));
      }
    }
    if (!started) this._start(this._base);
    this._syncControls();
    this._resolveReady(this);
    // lesson="slug": the lesson player (web/lesson/, its own module, loaded
    // only then) drives this element through the public API and starts paused.
    const lesson = this.getAttribute('lesson');
    if (lesson) import('./lesson/player.js').then((m) => m.attachLesson(this, lesson)).catch((e) => console.warn(e));
    else if (this.hasAttribute('autoplay')) {
      // Reduced motion: start paused, with the play button in plain view.
      if (reducedMotion()) this._heldByReducedMotion = true;
      else this.play();
    }
    this._syncPlay();
    this._updateLoop();
  }

  // ---- public API ----------------------------------------------------------------

  /** Run scenario commands now. Throws an Error (`line:col: message`) on bad input; nothing runs then. */
  exec(text) {
    if (!this._sim) throw new Error(this._t('err.notReady'));
    if (this._fatal) throw new Error(this._t('err.crashed'));
    this._carry = 0;
    const src = String(text);
    const before = Number(this._sim.time_ms());
    try {
      this._guard(() => this._sim.exec(src));
    } catch (e) {
      throw withPosition(e);
    }
    // The history remembers the command (time travel replays it) and takes
    // its checkpoint after the view is refreshed, not before (web/history.js).
    this._afterChange(true, false);
    this._guard(() => this._history.afterExec(this._sim, src, before, this._recent, this._view));
    return this._newFailures();
  }

  /** The view model (docs/view-model.md) at the current simulated instant. */
  state() {
    if (!this._sim) throw new Error(this._t('err.notReady'));
    return this._guard(() => this._sim.state());
  }

  play() {
    if (this._fatal || this._playing) return;
    this._playing = true;
    this._heldByReducedMotion = false;
    this._lastFrame = null;
    this._syncPlay();
  }

  pause() {
    if (!this._playing) return;
    this._playing = false;
    this._carry = 0;
    this._syncPlay();
    this._dirty = true;
  }

  get playing() { return this._playing; }

  /** Advance to the next trace event (a message, a timeout, a vote…); pauses. */
  step() { this._step(); }

  /** Simulated ms per real ms (1 = real time, 0.1 = ten times slower). */
  get speed() { return this._speed; }
  set speed(v) {
    const s = parseSpeed(v);
    if (s === null) throw new RangeError(this._t('param.speed', { value: v, min: MIN_SPEED, max: MAX_SPEED }));
    this._speed = s;
    if (this._els) this._syncSpeed();
  }

  /** Start over from `scenarioText`, or from the current starting point. Throws on a parse error (and keeps the old run). */
  reset(scenarioText) {
    if (!this._wasm) throw new Error(this._t('err.notReady'));
    const text = scenarioText === undefined || scenarioText === null ? this._base : String(scenarioText);
    try {
      this._start(text);
    } catch (e) {
      throw withPosition(e); // err.line / err.column, as exec() gives
    }
    this._syncControls();
  }

  /** The .raft text that replays this session. */
  commandLog() {
    if (!this._sim) throw new Error(this._t('err.notReady'));
    return this._guard(() => this._sim.command_log());
  }

  /** Draw the current simulated instant now (tests call this before a screenshot). */
  render() {
    if (!this._sim) return;
    if (this._dirty) this._refresh();
    // An explicit render is a request for the exact current instant: nodes
    // that would glide to a new layout are drawn where they end up.
    this._ui.snap = true;
    try {
      this._draw();
    } finally {
      this._ui.snap = false;
    }
  }

  /** Per-frame JS + wasm work in ms (advance + state + draw), the last ~600 frames that did work. */
  frameStats() { return this._frameStats.slice(); }

  /**
   * The same frames split by phase: `{ advance, refresh, draw }` ms — the
   * wasm stepping, reading the view model (`state()`, events, history), and
   * drawing the canvases (bench/frame-time.mjs prints them).
   */
  frameParts() { return this._frameParts.slice(); }

  /** The metrics panel's last model (what its plots show, with the marks each drew), or null. */
  metricsModel() {
    return this._metricsPanel ? this._metricsPanel.model() : null;
  }

  /** How many times the metrics panel has read the metrics from the simulation (0 while it is hidden). */
  get metricsReads() {
    return this._metricsPanel ? this._metricsPanel.reads : 0;
  }

  /** 'en' or 'zh'. Setting it sets the `lang` attribute (this element only). */
  get lang() { return this._lang; }
  set lang(v) {
    const l = langFromTag(String(v));
    if (!l) throw new RangeError(this._t('param.lang', { value: v }));
    this.setAttribute('lang', l);
  }

  /** Put the keyboard focus on the ring (the element's shortcuts act while focus is inside it). */
  focus(options) {
    if (this._els) this._els.ring.focus(options);
  }

  /** Show a message above the canvas (main.js uses it for bad URL parameters). */
  notify(text, kind = 'param') { this._notice(kind, text); }

  /** Simulated time (ms) the renderer draws, fractional while playing. */
  get simTime() { return this._sim ? Number(this._sim.time_ms()) + this._carry : 0; }

  /** Time travel: go to simulated time `ms`, back or forward within the recorded run (web/history.js). */
  travelTo(ms) {
    if (!this._sim || !this._history || !this._history.length) return false;
    this.pause();
    const got = this._guard(() => this._history.travel(ms));
    if (!got) return false;
    this._sim.free();
    this._sim = got.sim;
    // The checkpoint's recent events and those up to the target refill the
    // feed and the flashes, so the list is not blank after a jump.
    this._recent = got.recent.concat(got.events);
    this._feed.clear();
    this._feed.push(this._recent);
    const v = this._guard(() => this._sim.state());
    this._violationsSeen = v.violations.length;
    this._failuresSeen = v.failures.length;
    this._els.banner.hidden = true;
    this._afterChange(false);
    this._insight.travelled();
    return true;
  }

  // ---- simulation plumbing ---------------------------------------------------------

  /** Make a fresh Simulation from `text` (throws with line:col on a parse error). */
  _start(text) {
    // A loaded scenario runs to its end before the first frame: refuse one
    // that asks for so much simulated time that the tab would freeze. The
    // real parser says which commands move time and by how much.
    const info = this._guard(() => this._wasm.inspect_script(text)); // throws line:col on a parse error
    const tooLong = overTotal(info, MAX_LOADED_RUN_MS);
    if (tooLong) {
      throw withPosition(new Error(`${tooLong.line}:${tooLong.col}: ${this._t('load.tooLong', { max: MAX_LOADED_RUN_MS / 1000 })}`));
    }
    let sim;
    try {
      sim = new this._wasm.Simulation(text);
    } catch (e) {
      if (isPanic(e)) this._onPanic(e);
      throw e instanceof Error ? e : new Error(String(e));
    }
    if (this._sim && !this._fatal) { try { this._sim.free(); } catch (_) { /* ignore */ } }
    // A fresh simulation exists again: leave the panic state (if any).
    this._fatal = false;
    this._panicMessage = '';
    if (this._els) this._els.overlay.hidden = true;
    if (this._history) this._history.clear();
    this._history = new History(this._wasm, {
      // Time travel's checkpoints: how often, how many, how many bytes, how
      // far apart (HISTORY_DEFAULTS in web/history.js says why each value).
      ...HISTORY_DEFAULTS,
      recentMs: RECENT_EVENTS_MS, replayBudgetMs: HISTORY_REPLAY_BUDGET_MS,
    });
    this._sim = sim;
    this._base = text;
    this._recent = [];
    this._carry = 0;
    this._violationsSeen = 0;
    this._failuresSeen = 0;
    this._ui.selectedNode = null;
    this._ui.groups = null;
    this._ui.logFirst = null; // the log panel follows the newest entries again
    this._partitionMode = false;
    if (this._insight) this._insight.reset();
    if (this._els) {
      this._els.banner.hidden = true;
      this._els.partitionBar.hidden = true;
      this._els.root.classList.remove('rl-partitioning');
      this._closePopover();
      this._feed.clear();
      this._showCmdError(null);
    }
    this._afterChange(true, false);
    // A scenario runs to its end when loaded, so the interesting moments (a
    // snapshot in flight, the joint configuration) lie in the past: the
    // history gets a checkpoint after each of its commands.
    try {
      this._history.fromScenario(text, sim, this._recent, this._view);
    } catch (e) {
      if (isPanic(e)) { this._onPanic(e); return; }
      this._history.clear();
      this._history.record(sim, this._recent, true, this._view);
    }
  }

  /** Run `fn` against the sim; a wasm trap (Rust panic) shows the overlay. */
  _guard(fn) {
    try {
      return fn();
    } catch (e) {
      if (isPanic(e)) this._onPanic(e);
      throw e;
    }
  }

  _onPanic(e) {
    if (this._fatal) return;
    this._fatal = true;
    this._playing = false;
    this._syncPlay();
    // raft-wasm's panic hook kept the message for us (capture_panics / take_panic).
    let msg = '';
    try { msg = (this._wasm && this._wasm.take_panic && this._wasm.take_panic()) || ''; } catch (_) { /* the instance is gone */ }
    msg = msg || errorText(e);
    this._panicMessage = msg;
    // The session is not lost: the command log as last shown replays up to
    // (about) the failure, for a bug report or to try again.
    const log = this._els ? this._els.cmdLog.textContent : '';
    this._showOverlay(log ? `${msg}\n\n${this._t('overlay.log')}\n${log}` : msg);
    this.dispatchEvent(new CustomEvent('raft-error', { detail: { kind: 'panic', message: msg } }));
  }

  _showOverlay(msg) {
    if (!this._els) return;
    this._els.overlayMsg.textContent = msg;
    this._els.overlay.hidden = false;
  }

  _recoverFromPanic() {
    this._els.overlay.hidden = true;
    this._fatal = false;
    this._panicMessage = '';
    this._sim = null; // the old instance may be poisoned; don't touch it again
    this._history = null;
    try {
      this._start(setupText(this._settings));
      this._syncControls();
    } catch (e) {
      // The wasm instance itself is unusable: only a page reload gets a fresh one.
      this._showOverlay(`${this._panicMessage || errorText(e)}\n\n${this._t('overlay.reload')}`);
    }
  }

  /** After time moved or a command ran: new events, view, checks, log. */
  _afterChange(resetCarry, record = true) {
    if (resetCarry) this._carry = 0;
    this._changes++;
    this._dirty = true;
    this._refresh(record);
  }

  /** `frame`: called by the animation loop (the text around the canvas may wait, see _updateStatus). */
  _refresh(record = true, frame = false) {
    if (!this._sim || this._fatal) return;
    const events = this._guard(() => this._sim.events()) || [];
    const view = this._guard(() => this._frameView());
    this._view = view;
    this._dirty = false;
    if (this._insight) this._insight.observe(events, view, this._sim, !frame);
    const now = Number(view.time_ms);
    if (events.length) {
      for (const e of events) this._recent.push(e);
      if (this._feed) this._feed.push(events);
    }
    const cutoff = now - RECENT_EVENTS_MS;
    let drop = 0;
    while (drop < this._recent.length && this._recent[drop].time_ms < cutoff) drop++;
    if (drop) this._recent.splice(0, drop);
    this._ui.events = this._recent;
    this._checkViolations(view);
    if (this._history && record) this._history.record(this._sim, this._recent, false, view);
    this._updateStatus(view, !frame);
  }

  /**
   * The view model a frame reads: each log's newest entries as many as the
   * log panel can show (it fetches older ones itself), no client history and
   * no in-flight `fields` (the diagram's store has them from
   * `sent_messages()`), so building, serializing and parsing it costs what
   * the frame draws. `state()` (public) still returns the whole page view.
   */
  _frameView() {
    if (typeof this._sim.frame_state !== 'function') return this._sim.state();
    const cells = this._logPanel && this._logPanel.capacity ? this._logPanel.capacity() : 0;
    // Before the panel's first draw (or without one) the page view's tail;
    // else the panel's width plus the inspector's 24 newest entries.
    return this._sim.frame_state(cells ? Math.max(cells, FRAME_LOG_MIN) : FRAME_LOG_DEFAULT);
  }

  _checkViolations(view) {
    const vs = view.violations || [];
    if (vs.length > this._violationsSeen) {
      const v = vs[this._violationsSeen];
      this._violationsSeen = vs.length;
      this.pause();
      this._bannerViolation = v;
      this._fillBanner();
      this._els.banner.hidden = false;
      this.dispatchEvent(new CustomEvent('raft-violation', { detail: v }));
    }
  }

  /** The banner's words for the last violation, in the current language. */
  _fillBanner() {
    const v = this._bannerViolation;
    if (!v) return;
    const b = this._els.banner;
    const name = this._t(`inv.${v.invariant}`);
    b.querySelector('.rl-banner-title').textContent = this._t('banner.title', { invariant: name === `inv.${v.invariant}` ? v.invariant : name });
    b.querySelector('.rl-banner-text').textContent = this._t('banner.text', { time: v.time_ms, message: v.message });
  }

  _newFailures() {
    const fs = (this._view && this._view.failures) || [];
    const fresh = fs.slice(this._failuresSeen);
    this._failuresSeen = fs.length;
    return fresh;
  }

  /** Time moves or a command runs from a travelled-to past: the old future no longer applies. */
  _dropFuture() {
    if (this._history && this._sim) this._history.dropFuture(Number(this._sim.time_ms()));
  }

  // ---- animation loop -----------------------------------------------------------

  /**
   * The loop runs only while it can show something: connected, loaded, on
   * screen and in a visible tab. Off screen a simulation neither advances nor
   * draws (its clock holds still); it resumes where it was.
   */
  _updateLoop() {
    const run = this.isConnected && this._visible && !!this._sim &&
      !(typeof document !== 'undefined' && document.hidden);
    if (run) this._startLoop();
    else this._stopLoop();
  }

  _startLoop() {
    if (this._raf || !this._sim) return;
    this._lastFrame = null;
    const frame = (now) => {
      this._raf = requestAnimationFrame(frame);
      this._frame(now);
    };
    this._raf = requestAnimationFrame(frame);
  }

  _stopLoop() {
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
  }

  /** True once the wasm is loaded and the simulation exists (see `loading` / load()). */
  get loaded() { return !!this._sim; }

  /** Is the animation loop scheduled (tests: a removed or off-screen element has none)? */
  get looping() { return this._raf !== 0; }

  _frame(now) {
    if (!this._sim || this._fatal) return;
    const gap = this._lastFrame === null ? 0 : Math.min(MAX_FRAME_GAP_MS, now - this._lastFrame);
    this._lastFrame = now;
    const working = this._playing || this._dirty || this._needsDraw;
    if (!working) return;
    const t0 = performance.now();
    let advanced = false;
    let t1 = t0, t2 = t0;
    try {
      if (this._playing) {
        // Fast-forward with many servers can ask for more simulated time per
        // frame than the machine simulates in a frame; then the page runs
        // slower than the speed asks rather than stalling (see _frameBudget).
        this._carry = Math.min(this._carry + gap * this._speed, this._frameBudget);
        const whole = Math.floor(this._carry);
        if (whole > 0) {
          this._dropFuture();
          this._carry -= whole;
          this._sim.advance(whole);
          this._lastAdvance = whole;
          advanced = true;
          this._dirty = true;
        }
      }
      t1 = performance.now();
      if (this._dirty) this._refresh(true, true);
      t2 = performance.now();
      this._draw(now);
    } catch (e) {
      if (isPanic(e)) this._onPanic(e);
      else { console.error(e); this.pause(); }
      return;
    }
    this._needsDraw = false;
    const dt = performance.now() - t0;
    if (advanced) {
      // Keep a frame's work near FRAME_WORK_MS: shrink the sim time per frame
      // after a slow frame, let it grow back after quick ones.
      if (dt > FRAME_WORK_MS) this._frameBudget = Math.max(MIN_FRAME_BUDGET_MS, this._lastAdvance * FRAME_WORK_MS / dt);
      else if (dt < FRAME_WORK_MS / 2) this._frameBudget = Math.min(Infinity, this._frameBudget * 1.25);
    }
    this._frameStats.push(dt);
    this._frameParts.push({ advance: t1 - t0, refresh: t2 - t1, draw: t0 + dt - t2 });
    if (this._frameStats.length > FRAME_STATS) {
      this._frameStats.splice(0, this._frameStats.length - FRAME_STATS);
      this._frameParts.splice(0, this._frameParts.length - FRAME_STATS);
    }
    if (advanced) this.dispatchEvent(new CustomEvent('raft-state', { detail: this._view }));
  }

  /** Draw the canvases; `frameAt` = the animation frame's time when called from the loop. */
  _draw(frameAt = null) {
    if (!this._view) return;
    const simTime = Number(this._view.time_ms) + this._carry;
    const inspected = this._insight.selected;
    this._ui.selectedMessage = inspected && inspected.kind === 'message' ? inspected.id : null;
    if (this._shown(this._els.ring, frameAt)) this._ring.draw(this._view, simTime, this._ui);
    if (this._logPanel && this._shown(this._els.log, frameAt)) {
      this._logPanel.draw(this._view, this._ui);
      this._logNav.update();
    }
    // While playing, the space-time diagram (a whole window of arrows) is
    // repainted at most every DIAGRAM_EVERY_MS: it scrolls smoothly enough,
    // and the frames in between cost the ring and the logs only.
    // Off screen it waits (an open inspector still follows each refresh).
    const diagramShown = !this._diagramCanvas || this._shown(this._diagramCanvas, frameAt);
    if (diagramShown && (frameAt === null || !this._playing || frameAt - this._diagramAt >= DIAGRAM_EVERY_MS)) {
      this._diagramAt = frameAt === null ? -Infinity : frameAt;
      this._insight.draw(simTime);
    }
    if (this._metricsPanel && this._metricsShown() && this._shown(this._els.metrics, frameAt)) this._updateMetrics();
    // The key-value panel compares a few numbers and writes only what changed (web/ui/kv.js).
    if (this._kvPanel && this._kvShown() && this._shown(this._els.kv, frameAt)) this._guard(() => this._kvPanel.update(this._view));
    this._els.clock.textContent = this._t('status.time', { time: (simTime / 1000).toFixed(3) });
  }

  /** Does the view show the metrics panel (full, or compact with controls="metrics")? */
  _metricsShown() {
    return this._viewName === 'full' || (this._viewName === 'compact' && this._els.root.classList.contains('rl-has-metrics'));
  }

  /**
   * Read the metrics and redraw the panel, but only when there is something
   * new to show: while playing, when a simulated second (a metrics window)
   * has closed; otherwise after each command, step, pause or jump. Most
   * frames cost a few comparisons here; a read fetches only the windows
   * closed since the last one (web/ui/metrics.js).
   */
  _updateMetrics() {
    const v = this._view;
    const now = Number(v.time_ms);
    const closed = Math.floor(now / METRICS_WINDOW_MS);
    const last = this._metricsKey;
    const same = last && last.sim === this._sim && last.leader === v.leader;
    if (same && (this._playing ? last.closed === closed : last.now === now && last.changes === this._changes)) return;
    // Only the windows closed since the last read, when the run went on from
    // it (raft-wasm keeps the newest 120); else (null) all of them.
    const fresh = last && last.sim === this._sim && closed >= last.closed ? Math.min(closed - last.closed, 120) : null;
    this._guard(() => this._metricsPanel.refresh(this._sim, v, fresh));
    this._metricsKey = { sim: this._sim, leader: v.leader, closed, now, changes: this._changes };
  }

  /** Does the view show the key-value panel (full, or compact with controls="kv")? */
  _kvShown() {
    return this._viewName === 'full' || (this._viewName === 'compact' && this._els.root.classList.contains('rl-has-kv'));
  }

  /** Load and make the key-value panel, once, when the view shows it. */
  _ensureKv() {
    if (!this._renderMod || !this._kvShown()) return Promise.resolve();
    if (!this._kvLoading) {
      this._kvLoading = loadKv().then((m) => {
        this._kvPanel = m.createKvPanel(this._els.kv, { t: this._t });
        this._kvPanel.relabel();
        this._needsDraw = true;
      });
      this._kvLoading.catch((e) => console.error(e));
    }
    return this._kvLoading;
  }

  /** What the key-value panel shows now (tests), or null while no view has shown it. */
  kvModel() {
    return this._kvPanel ? this._kvPanel.model() : null;
  }

  /** Load and make the metrics panel, once, when the view shows it. */
  _ensureMetrics() {
    if (!this._renderMod || !this._metricsShown()) return Promise.resolve();
    if (!this._metricsLoading) {
      this._metricsLoading = loadMetrics().then((m) => {
        this._metricsPanel = m.createMetricsPanel(this._els.metrics, { t: this._t });
        this._needsDraw = true;
      });
      this._metricsLoading.catch((e) => console.error(e));
    }
    return this._metricsLoading;
  }

  _resize() {
    try {
      if (this._ring) this._ring.resize();
      if (this._logPanel) this._logPanel.resize();
      if (this._metricsPanel) this._metricsPanel.repaint();
      // Resizing cleared the canvases: paint them again now, even off screen
      // (where the loop does not run), so they are never blank.
      if (this._view && !this._fatal) this._draw();
    } catch (e) { console.error(e); }
    this._needsDraw = true;
  }

  // ---- UI ---------------------------------------------------------------------

  _wire() {
    const els = this._els;
    this._feed = createFeed(els.feed, this._t);
    // Scrolling the log panel back through history (web/ui/lognav.js).
    this._logNav = wireLogNav(els, { ui: this._ui, panel: () => this._logPanel, redraw: () => { this._needsDraw = true; }, t: this._t });
    els.root.addEventListener('click', (e) => {
      const b = e.target.closest('[data-action]');
      if (b && els.root.contains(b)) this._action(b.dataset.action);
    });
    els.field('speed').addEventListener('change', (e) => { this.speed = Number(e.target.value); });
    els.field('nodes').addEventListener('change', (e) => this._changeSetting('nodes', Number(e.target.value)));
    els.field('seed').addEventListener('change', (e) => {
      const s = parseSeed(e.target.value);
      if (s === null) { this._toast(this._t('param.seed', { value: e.target.value })); e.target.value = this._settings.seed; return; }
      this._changeSetting('seed', s);
    });
    els.field('prevote').addEventListener('change', (e) => this._changeSetting('prevote', e.target.checked));
    els.field('checkQuorum').addEventListener('change', (e) => this._changeSetting('checkQuorum', e.target.checked));
    els.field('readMode').addEventListener('change', (e) => this._changeSetting('readMode', e.target.value));
    els.field('snapshotThreshold').addEventListener('change', (e) => this._changeSetting('snapshotThreshold', Number(e.target.value)));
    // Break Raft: each switch is a setup line (`set bug NAME on`), so a change restarts the run.
    const bugs = els.root.querySelector('.rl-bugs');
    buildBugSwitches(bugs);
    bugs.addEventListener('change', () => this._changeSetting('bugs', readBugs(bugs)));
    els.field('lang').addEventListener('change', (e) => { this.lang = e.target.value; });
    els.field('latency').addEventListener('input', (e) => { els.out('latency').textContent = this._latencyLabel(Number(e.target.value)); });
    els.field('latency').addEventListener('change', (e) => this._control(commands.latency(Number(e.target.value))));
    els.field('loss').addEventListener('input', (e) => { els.out('loss').textContent = `${e.target.value}%`; });
    els.field('loss').addEventListener('change', (e) => this._control(commands.loss(Number(e.target.value))));
    // Grabbing the history slider stops the clock, so the slider holds still under the pointer.
    els.field('scrub').addEventListener('input', () => this.pause());
    els.field('scrub').addEventListener('change', (e) => this.travelTo(Number(e.target.value)));
    els.cmdForm.addEventListener('submit', (e) => { e.preventDefault(); this._submitCommand(); });
    // Enter runs the command (Shift+Enter adds a line); ↑/↓ recall earlier commands.
    this._typed = [];
    this._typedAt = 0;
    els.field('command').addEventListener('keydown', (e) => {
      const box = e.target;
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this._submitCommand(); return; }
      if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && !box.value.includes('\n') && this._typed.length) {
        e.preventDefault();
        this._typedAt = Math.max(0, Math.min(this._typed.length, this._typedAt + (e.key === 'ArrowUp' ? -1 : 1)));
        box.value = this._typed[this._typedAt] || '';
      }
    });
    this._wireCanvas();
    // Keyboard, only while the focus is inside this element (the listener is
    // on the shadow root's content, so another element's keys never reach
    // it): Escape closes the popover; Space plays/pauses and "." steps,
    // unless the focus is in a field or on a button (which use those keys).
    // On the focused ring, ←/→ pick a server and Enter opens its popover.
    els.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        // Back to the ring the popover was opened from, so the keyboard user is not lost.
        const fromPopover = els.popover.contains(e.target); // (its own handler may have closed it already)
        this._closePopover();
        this._closeDialog();
        if (fromPopover) els.ring.focus();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target;
      const tag = target && target.tagName;
      if (['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY'].includes(tag) || (target && target.isContentEditable)) return;
      if (e.key === ' ') { e.preventDefault(); this._action('play'); }
      else if (e.key === '.') { e.preventDefault(); this._action('step'); }
      else if (target === els.ring && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) { e.preventDefault(); this._keySelect(e.key === 'ArrowRight' ? 1 : -1); }
      else if (target === els.ring && e.key === 'Enter' && this._ui.keyNode != null) { e.preventDefault(); this._openPopoverFor(this._ui.keyNode); }
    });
    els.ring.addEventListener('blur', () => { this._ui.keyNode = null; this._needsDraw = true; });
  }

  /** ←/→ on the focused ring: move the keyboard selection round the servers. */
  _keySelect(dir) {
    if (!this._view || this._viewName === 'figure') return;
    const ids = this._view.nodes.map((n) => n.id);
    if (!ids.length) return;
    const at = ids.indexOf(this._ui.keyNode);
    const next = ids[at < 0 ? (dir > 0 ? 0 : ids.length - 1) : (at + dir + ids.length) % ids.length];
    this._ui.keyNode = next;
    this._ui.hover = { kind: 'node', id: next }; // the renderer's tooltip says what the server is doing
    this._needsDraw = true;
  }

  /** The popover of server `id`, placed beside the server (keyboard) or at the tap (pointer). */
  _openPopoverFor(id, x, y) {
    if (x === undefined && this._ring.nodePosition) {
      const p = this._ring.nodePosition(id);
      if (p) { x = p.x; y = p.y; }
    }
    this._click({ kind: 'node', id }, x || 0, y || 0);
    const first = this._els.popover.querySelector('button:not([data-pop="close"]):not(:disabled)');
    if (first) first.focus();
  }

  _action(name) {
    switch (name) {
      case 'play': this._playing ? this.pause() : this.play(); break;
      case 'step': this._step(); break;
      case 'back': this.travelTo(this.simTime - 1000); break;
      case 'reset': this._guardUi(() => this.reset()); break;
      case 'random-seed': this._changeSetting('seed', randomSeed(this._wasm)); break;
      case 'add': {
        const id = this._view ? nextNodeId(this._view) : null;
        if (id === null) this._toast(this._t('ctl.add.full'));
        else this._control(commands.add(id));
        break;
      }
      case 'heal': this._control(commands.heal()); break;
      case 'partition-mode': this._togglePartitionMode(); break;
      case 'partition-apply':
        if (this._ui.groups) this._control(commands.partition(this._ui.groups));
        this._togglePartitionMode(false);
        break;
      case 'partition-cancel': this._togglePartitionMode(false); break;
      case 'client-put': {
        const k = this._els.field('client-key').value.trim(), v = this._els.field('client-value').value.trim();
        this._control(commands.put(k, v));
        if (/^\d+$/.test(v)) this._els.field('client-value').value = String(Number(v) + 1);
        break;
      }
      case 'client-get': this._control(commands.get(this._els.field('client-key').value.trim())); break;
      case 'copy-log': this._copyLog(); break;
      case 'download-log': this._downloadLog(); break;
      case 'permalink': this._copyPermalink(); break;
      case 'dismiss-banner': this._els.banner.hidden = true; break;
      case 'overlay-reset': this._recoverFromPanic(); break;
      case 'crash-leader': {
        // The compact view's one failure button: restart a crashed server, else crash the leader.
        const cmd = this._crashLeaderCommand();
        if (cmd) this._control(cmd);
        break;
      }
      case 'quick-put': {
        const n = this._quickPut = (this._quickPut || 0) + 1;
        this._control(commands.put('x', String(n)));
        break;
      }
      case 'embed': this._openEmbed(); break;
      case 'embed-close': this._closeDialog(); break;
      case 'embed-copy-element': this._copyText(this._els.field('embed-element').value, this._els.field('embed-element')); break;
      case 'embed-copy-iframe': this._copyText(this._els.field('embed-iframe').value, this._els.field('embed-iframe')); break;
      default: break;
    }
  }

  _guardUi(fn) {
    try { fn(); } catch (e) { this._showCmdError(errorText(e)); }
  }

  /** A control issued `cmd`: run it, show an error inline; returns the error text or null. */
  _control(cmd) {
    try {
      const fails = this.exec(cmd);
      this._showCmdError(null);
      this._showFailures(fails);
      return null;
    } catch (e) {
      const msg = errorText(e);
      this._showCmdError(`${cmd}: ${msg}`);
      return msg;
    }
  }

  _submitCommand() {
    const box = this._els.field('command');
    const text = box.value;
    if (!text.trim()) return;
    // A typo like `run 100000s` would freeze the tab for minutes: the page
    // refuses to move more than MAX_TYPED_RUN_MS of simulated time at once.
    let info = null;
    try { info = this._sim ? this._guard(() => this._sim.inspect(text)) : null; } catch (_) { /* exec below reports it */ }
    const tooLong = info && longestCommand(info, MAX_TYPED_RUN_MS);
    if (tooLong) {
      this._showCmdError(this._t('console.tooLong', { line: tooLong.line, col: tooLong.col, max: MAX_TYPED_RUN_MS / 1000 }));
      return;
    }
    try {
      const fails = this.exec(text);
      if (this._typed[this._typed.length - 1] !== text) this._typed.push(text);
      this._typedAt = this._typed.length;
      box.value = '';
      this._showCmdError(null);
      this._showFailures(fails);
    } catch (e) {
      // Keep the text so the student can fix it; the session goes on.
      let shown = formatParseError(errorText(e), this._t);
      // Setup lines (cluster, seed, set prevote…) only work at the start of a run.
      if (/after the first action/.test(errorText(e))) shown += ` — ${this._t('console.setupHint')}`;
      this._showCmdError(shown);
      this.dispatchEvent(new CustomEvent('raft-error', { detail: { kind: 'command', message: errorText(e), text } }));
    }
  }

  _showCmdError(msg) {
    const el = this._els.cmdError;
    if (!msg) { el.hidden = true; el.textContent = ''; return; }
    el.textContent = msg;
    el.hidden = false;
  }

  _showFailures(fails) {
    const el = this._els.cmdInfo;
    if (!fails || !fails.length) { el.hidden = true; return; }
    el.textContent = fails.map((f) => this._t('console.failure', { line: f.line, message: f.message })).join('\n');
    el.hidden = false;
  }

  _changeSetting(key, value) {
    this._settings[key] = value;
    try {
      this.reset(setupText(this._settings));
    } catch (e) {
      this._showCmdError(errorText(e));
    }
  }

  _step() {
    if (!this._sim || this._fatal) return;
    this.pause();
    this._dropFuture();
    // Advance one ms at a time until something happens (a trace event).
    this._guard(() => {
      const evs = this._sim.events();
      this._recent.push(...evs);
      this._feed.push(evs);
      this._insight.observe(evs);
      let found = [];
      for (let i = 0; i < STEP_LIMIT_MS && found.length === 0; i++) {
        this._sim.advance(1);
        found = this._sim.events();
      }
      this._recent.push(...found);
      this._feed.push(found);
      this._insight.observe(found);
    });
    this._afterChange(true);
  }

  _syncPlay() {
    if (!this._els) return;
    const b = this._els.action('play');
    b.textContent = this._t(this._playing ? 'ctl.pause' : 'ctl.play');
    b.setAttribute('aria-pressed', String(this._playing));
    // A big play button over the canvas: on a paused live figure (it has no
    // other controls), and wherever autoplay was held for reduced motion.
    const over = this._els.playover;
    over.hidden = this._playing || !this._sim || !(this._viewName === 'figure' || this._heldByReducedMotion);
    over.textContent = this._t(this._heldByReducedMotion ? 'ctl.playReduced' : 'ctl.play');
  }

  _syncSpeed() {
    showSpeed(this._els.field('speed'), this._speed);
  }

  /** Put the controls in line with the running simulation's setup and network. */
  _syncControls() {
    const els = this._els;
    const v = this._view;
    if (!els || !v) return;
    this._settings = settingsFromSetup(this._settings, v.setup || {});
    showSettings(els, this._settings, v.network || {});
    this._syncSpeed();
    this._syncPlay();
  }


  /**
   * Which of the issue-4 mechanisms this run has switched on, as small chips
   * beside the leader summary, so a loaded scenario says what it is showing
   * (the Options panel is folded away).
   */
  _updateModes(setup) {
    const modes = modeChips(setup, this._t);
    if (modes.key === this._modesKey) return;
    this._modesKey = modes.key;
    showModeChips(this._els.root.querySelector('.rl-modes'), modes, this._t);
  }

  _latencyLabel(max) {
    const m = /(\d+)ms\.\.(\d+)ms/.exec(commands.latency(max));
    return m ? `${m[1]}–${m[2]} ms` : '';
  }

  _updateStatus(view, force = true) {
    const els = this._els;
    if (!els) return;
    // While playing, the words and controls around the canvas change a few
    // times a second at most (they are read, not watched like the canvas);
    // paused, after a command or a step, at once. pause() marks the view
    // dirty, so the last instant is always written.
    const now = performance.now();
    if (!force && this._playing && now - this._statusAt < STATUS_EVERY_MS) return;
    this._statusAt = now;
    // The log panel grows with the number of servers (one row each).
    const rows = (view.members || view.nodes).length;
    if (rows !== this._logRows) {
      this._logRows = rows;
      els.logWrap.style.setProperty('--rl-log-rows', String(rows));
    }
    const top = leaderNode(view);
    const summary = top ? this._t('status.leader', { id: top.id, term: top.term }) : this._t('status.noLeader');
    setText(els.summary, summary);
    this._updateModes(view.setup || {});
    setText(els.quorum, quorumText(view, this._t));
    // For screen readers, the canvas says in words what it shows.
    const down = view.nodes.filter((n) => !n.up).map((n) => `n${n.id}`);
    setAttr(els.ring, 'aria-label', this._t('status.aria', {
      n: view.nodes.length, summary, down: down.length ? down.join(' ') : '—',
    }));
    this._updateCompact(view);
    this._announce(view, now);
    // The command log text changes with every advance; refresh it a few times a second.
    if (!this._playing || now - this._logShownAt > 250) {
      this._logShownAt = now;
      const text = this._sim.command_log();
      if (els.cmdLog.textContent !== text) {
        const atBottom = els.cmdLog.scrollTop + els.cmdLog.clientHeight >= els.cmdLog.scrollHeight - 4;
        els.cmdLog.textContent = text;
        if (atBottom) els.cmdLog.scrollTop = els.cmdLog.scrollHeight;
      }
    }
    const scrub = els.field('scrub');
    const span = this._history ? this._history.span() : null;
    const min = String(span ? span.min : 0);
    // After travelling back, the slider still reaches the end of the run.
    const max = String(Math.max(view.time_ms, span ? span.max : 0));
    if (scrub.min !== min) scrub.min = min;
    if (scrub.max !== max) scrub.max = max;
    if (scrub.value !== String(view.time_ms)) scrub.value = String(view.time_ms);
    const off = !span || Number(min) >= Number(max);
    if (scrub.disabled !== off) scrub.disabled = off;
    const back = els.action('back');
    if (back.disabled !== !span) back.disabled = !span;
    this._showReach();
    if (this._ui.selectedNode !== null && !els.popover.hidden) {
      // keep the popover header (role, term) current
      const head = els.popover.querySelector('.rl-pop-head span');
      const n = view.nodes.find((m) => m.id === this._ui.selectedNode);
      if (head && n) head.textContent = `${this._t(`role.${n.role}`)} · ${this._t('pop.term', { term: n.term })}`;
    }
  }

  /** Beside the history slider: how far back time travel reaches (the history thins old checkpoints). */
  _showReach() {
    const { text, title } = reachTexts(this._history ? this._history.reach() : null, this._t);
    const el = this._els.reach;
    if (el.textContent !== text) el.textContent = text;
    if (el.title !== title) el.title = title;
  }

  // ---- canvas interaction ---------------------------------------------------------

  _wireCanvas() {
    // Pointer input on the ring (web/ui/canvas-input.js): clicks and taps,
    // hover, and dragging servers into groups in partition mode.
    wireCanvasInput(this._els.ring, {
      ring: () => (this._view ? this._ring : null),
      partitioning: () => !!this._partitionMode,
      hover: (hit) => {
        // The open popover already says what the tooltip would about its node.
        if (hit && hit.kind === 'node' && !this._els.popover.hidden && hit.id === this._ui.selectedNode) hit = null;
        if (JSON.stringify(hit) === JSON.stringify(this._ui.hover)) return;
        this._ui.hover = hit;
        this._needsDraw = true;
      },
      drag: (d) => { this._ui.dragging = d; this._needsDraw = true; },
      drop: (id, x, y, moved) => {
        const groups = this._ui.groups;
        if (!groups) return;
        const g = moved
          ? dropGroup(groups, id, x, y, (other) => (this._ring.nodePosition ? this._ring.nodePosition(other) : null), this._els.ring.clientWidth)
          : (groups[0].includes(id) ? 1 : 0);
        this._ui.groups = moveToGroup(groups, id, g);
        this._needsDraw = true;
      },
      click: (hit, x, y) => this._click(hit, x, y),
    });
  }

  _click(hit, x, y) {
    // A live figure has no controls: a tap plays or pauses it.
    if (this._viewName === 'figure') { this._action('play'); return; }
    if (!hit) { this._closePopover(); return; }
    if (hit.kind === 'node') {
      this._ui.selectedNode = hit.id;
      this._ui.hover = null;
      openNodePopover(this._els.popover, {
        id: hit.id, view: this._view, x, y, t: this._t, remembered: this._remembered,
        run: (cmd) => this._control(cmd),
        close: () => this._closePopover(),
      });
      this._insight.inspectNode(hit.id);
      this._needsDraw = true;
    } else if (hit.kind === 'message') {
      // The inspector shows its fields; its Drop button runs `drop mID`.
      this._insight.inspectMessage(hit.id);
    } else if (hit.kind === 'link') {
      const cut = isCut(this._view, hit.from, hit.to);
      this._control(cut ? commands.uncut(hit.from, hit.to) : commands.cut(hit.from, hit.to));
    }
  }

  _closePopover() {
    if (!this._els) return;
    this._els.popover.hidden = true;
    this._ui.selectedNode = null;
    this._needsDraw = true;
  }

  _togglePartitionMode(on = !this._partitionMode) {
    this._partitionMode = on;
    this._els.partitionBar.hidden = !on;
    this._els.root.classList.toggle('rl-partitioning', on);
    this._els.action('partition-mode').setAttribute('aria-pressed', String(on));
    this._ui.groups = on && this._view ? groupsFromView(this._view) : null;
    this._ui.dragging = null;
    this._closePopover();
    this._needsDraw = true;
  }

  // ---- compact view, screen readers, embedding ----------------------------------------

  /** The compact view's failure button: restart the first crashed server, else crash the leader. */
  _crashLeaderCommand() {
    const v = this._view;
    if (!v) return null;
    const down = v.nodes.find((n) => !n.up);
    if (down) return commands.restart(down.id);
    const leader = leaderNode(v);
    return leader ? commands.crash(leader.id) : null;
  }

  _updateCompact(view) {
    const els = this._els;
    const crash = els.action('crash-leader');
    const down = view.nodes.find((n) => !n.up);
    setText(crash, down ? this._t('ctl.restartNode', { id: down.id }) : this._t('ctl.crashLeader'));
    const off = !down && !leaderNode(view);
    if (crash.disabled !== off) crash.disabled = off;
    setText(els.action('quick-put'), this._t('ctl.quickPut', { key: 'x', value: (this._quickPut || 0) + 1 }));
    // The caption: the newest notable event, in words.
    const latest = this._feed ? this._feed.latest() : null;
    const caption = latest ? latest.text : this._t('caption.none');
    if (caption !== this._lastCaption) { this._lastCaption = caption; els.caption.textContent = caption; els.caption.title = caption; }
  }

  /**
   * The text alternative of the canvas for screen readers: who leads, the
   * term, what was just committed. A polite live region, changed at most every
   * LIVE_EVERY_MS while playing (immediately after a command or a step).
   */
  _announce(view, now) {
    const text = liveText(view, this._t);
    if (text === this._liveText) return;
    if (this._playing && now - this._liveAt < LIVE_EVERY_MS) return;
    this._liveText = text;
    this._liveAt = now;
    this._els.live.textContent = text;
  }

  /** Copy-ready HTML for this session: `{ element, iframe }` (the "Embed" dialog shows them; web/snippets.js). */
  embedSnippets() {
    return embedSnippets({
      log: this._sim ? this.commandLog() : this._base,
      lang: this._lang,
      speed: this._speed,
      base: new URL('.', import.meta.url).href,
      title: this._t('app.label'),
    });
  }

  _openEmbed() {
    const { element, iframe } = this.embedSnippets();
    this._els.field('embed-element').value = element;
    this._els.field('embed-iframe').value = iframe;
    this._els.dialog.hidden = false;
    const box = this._els.field('embed-element');
    box.focus();
    box.setSelectionRange(0, 0);
    box.scrollTop = 0;
  }

  _closeDialog() {
    if (this._els && !this._els.dialog.hidden) {
      this._els.dialog.hidden = true;
      this._els.action('embed').focus();
    }
  }

  /** Copy `text`; where the clipboard is refused, select it in `field` for Ctrl+C. */
  async _copyText(text, field) {
    if (await copyToClipboard(text)) { this._toast(this._t('embed.copied')); return; }
    field.focus();
    field.select();
    this._toast(this._t('log.selected'));
  }


  // ---- command log export -----------------------------------------------------------

  async _copyLog() {
    if (await copyToClipboard(this.commandLog())) { this._toast(this._t('log.copied')); return; }
    selectContents(this._els.cmdLog);
    this._toast(this._t('log.selected'));
  }

  _downloadLog() {
    downloadText(this._els.root, `raft-lab-seed${this._settings.seed}.raft`, this.commandLog());
  }

  /**
   * Emphasise what a lesson step talks about (web/lesson/player.js): a list of
   * `{kind: 'node', node}` (ringed as if selected), `{kind: 'message', message}`
   * (every message of that type in flight gets a halo), `{kind: 'entry', node,
   * index}` (that log cell, in every log when `node` is null) and `{kind:
   * 'quorum'}` (the quorum line). `[]` clears.
   */
  highlight(list = []) {
    const node = list.find((h) => h.kind === 'node' && h.node != null);
    this._ui.selectedNode = node ? Number(node.node) : null;
    this._ui.emphasis = {
      messages: list.filter((h) => h.kind === 'message').map((h) => h.message),
      entries: list.filter((h) => h.kind === 'entry'),
    };
    if (this._els && this._els.quorum) this._els.quorum.classList.toggle('rl-emph', list.some((h) => h.kind === 'quorum'));
    this._dirty = true;
  }

  /** A URL that replays this session: the command log as the scenario. */
  permalink() {
    return permalinkUrl({
      base: this.permalinkBase, embedPage: new URL('./embed.html', import.meta.url).href, here: location.href,
      view: this._viewName, lang: this._lang, speed: this._speed, log: this.commandLog(),
    });
  }

  async _copyPermalink() {
    const href = this.permalink();
    if (await copyToClipboard(href)) {
      this._toast(this._t('log.linkCopied'));
    } else if (this.permalinkBase) {
      // The lab page itself: the address bar is this page's to change.
      history.replaceState(null, '', href);
      this._toast(this._t('log.linkInAddress'));
    } else {
      // Embedded: never touch the host page's address; show the link instead.
      this._els.cmdInfo.textContent = href;
      this._els.cmdInfo.hidden = false;
    }
  }

  // ---- notices, language -------------------------------------------------------------

  _notice(kind, text) {
    // The same bad attribute is re-read when another attribute changes: say it once.
    if (this._notices.some((m) => m.kind === kind && m.text === text)) return;
    const n = { kind, text };
    this._notices.push(n);
    if (this._els) this._renderNotice(n);
    else this._pendingNotices.push(n);
    if (kind === 'param') this.dispatchEvent(new CustomEvent('raft-error', { detail: { kind, message: text } }));
  }

  _renderNotice(n) {
    const div = document.createElement('div');
    div.className = `rl-notice rl-notice-${n.kind}`;
    div.setAttribute('role', 'alert');
    const span = document.createElement('span');
    span.textContent = n.text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'rl-btn rl-icon';
    close.textContent = '×';
    close.setAttribute('aria-label', this._t('banner.dismiss'));
    close.onclick = () => div.remove();
    div.append(span, close);
    this._els.notices.append(div);
  }

  _toast(text) {
    const el = this._els.toast;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(this._toastTimer);
    this._toastTimer = setTimeout(() => { el.hidden = true; }, 2500);
  }

  /** Load and make the log panel and the legend, once, when the view is full. */
  _ensurePanels() {
    if (this._viewName !== 'full' || !this._renderMod) return Promise.resolve();
    if (!this._panelsLoading) {
      const mod = this._renderMod.createLogPanel ? Promise.resolve(this._renderMod) : loadPanels();
      this._panelsLoading = mod.then((m) => {
        this._panels = m;
        // Entries older than state()'s window come from the wasm on demand.
        const logWindow = (id, from, count) => (this._sim ? this._sim.log_window(id, from, count) : []);
        this._logPanel = m.createLogPanel ? m.createLogPanel(this._els.log, { t: this._t, logWindow }) : null;
        this._buildLegend();
        this._resize();
      });
    }
    return this._panelsLoading;
  }

  _buildLegend() {
    if (!this._panels || !this._panels.buildLegend) return;
    try { this._panels.buildLegend(this._els.legend, { t: this._t }); } catch (e) { console.error(e); }
  }

  _relabel() {
    const els = this._els;
    if (!els) return;
    applyTexts(els.root, this._t);
    els.field('lang').value = this._lang;
    els.root.setAttribute('aria-label', this._t('app.label'));
    if (this._lastCaption) this._lastCaption = null;
    this._syncPlay();
    this._buildLegend();
    if (this._feed) this._feed.relabel();
    if (this._logNav) this._logNav.relabel();
    if (this._insight) this._insight.relabel();
    if (this._metricsPanel) this._metricsPanel.relabel();
    if (this._kvPanel) this._kvPanel.relabel();
    this._modesKey = null;
    this._fillBanner();
    if (this._view) this._updateStatus(this._view);
    this._closePopover();
    this._needsDraw = true;
  }
}

/** A fresh random seed (from raft-wasm's random_seed() if present, else crypto). */
function randomSeed(wasm) {
  if (wasm && typeof wasm.random_seed === 'function') {
    try { return String(wasm.random_seed()); } catch (_) { /* fall through */ }
  }
  const a = new Uint32Array(2);
  crypto.getRandomValues(a);
  return String((BigInt(a[0]) << 21n) ^ BigInt(a[1]));
}

/** Give a `line:col: message` Error numeric `line` and `column` properties too. */
function withPosition(e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const m = /^(\d+):(\d+):/.exec(err.message);
  if (m) { err.line = Number(m[1]); err.column = Number(m[2]); }
  return err;
}

/** "2:5: unknown command" → "line 2, column 5: unknown command" in the current language. */
export function formatParseError(msg, t) {
  const m = /^(?:.*?:)?(\d+):(\d+):\s*(.*)$/s.exec(msg);
  return m ? t('console.error', { line: m[1], col: m[2], message: m[3] }) : msg;
}

if (!customElements.get('raft-lab')) customElements.define('raft-lab', RaftLab);
