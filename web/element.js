// <raft-lab>: the whole explainer as one custom element, and the public
// JavaScript API for embedders and tests (documented in the README).
//
//   attributes: nodes, seed, scenario (URL of a .raft file; or inline text in a
//               <script type="text/raft"> child), autoplay, lang, speed
//   API:        ready, exec(text), state(), play(), pause(), playing, speed,
//               reset(text?), commandLog(), render(), frameStats(), lang
//   events:     raft-state, raft-violation, raft-error
//
// The element owns the animation loop and the UI state; the simulation lives
// in wasm (raft-wasm `Simulation`), the drawing in web/render/. Every control
// works by issuing a scenario-language command through `exec`, so everything a
// user does appears in the command log and replays bit for bit.
import { t, setLang, getLang, detectLang, onLangChange, LANGS } from './i18n/index.js';
import { commands, setupText, nextNodeId, groupsFromView, isCut, longDuration, totalDuration, durationSum } from './controller.js';
import { buildLayout, applyTexts, SPEEDS } from './ui/layout.js';
import { openNodePopover } from './ui/popover.js';
import { createFeed } from './ui/feed.js';
import { describeQuorum } from './quorum.js';

const DEFAULT_SPEED = 0.1;
const MIN_SPEED = 0.01;
const MAX_SPEED = 100;
const MAX_FRAME_GAP_MS = 100;      // a frame after a long pause (hidden tab) advances at most this much real time
const RECENT_EVENTS_MS = 2000;     // sim time of trace events handed to the renderer for flashes
const STEP_LIMIT_MS = 10000;       // "step" gives up after this much quiet sim time
const CHECKPOINT_EVERY_MS = 500;   // time travel: a clone() every so often…
const MAX_CHECKPOINTS = 48;        // …thinned out to at most this many
const FRAME_STATS = 600;
const FRAME_WORK_MS = 30;          // target JS + wasm work per frame when fast-forwarding
const MIN_FRAME_BUDGET_MS = 20;    // …but always at least this much sim time per frame
const MAX_TYPED_RUN_MS = 600000;   // longest `run`/`await … within` the command box accepts at once
const MAX_LOADED_RUN_MS = 1800000; // total simulated time a loaded scenario may ask for (it runs before the first frame)
// A loaded scenario gets a time-travel checkpoint after each command by
// replaying each prefix of its text; the replays together may simulate at most
// this much time (scaled down for clusters over 5 servers), so loading stays
// well under a second or two. Longer scenarios start their history at the end.
const HISTORY_REPLAY_BUDGET_MS = 300000;
const U64_MAX = 18446744073709551615n;

// ---- wasm loading (once per page) -------------------------------------------

let wasmPromise = null;
/** The last Rust panic message console_error_panic_hook printed. */
let lastPanicMessage = '';

function loadWasm() {
  if (!wasmPromise) {
    // console_error_panic_hook reports a panic through console.error just
    // before the wasm traps; keep the text so the overlay can show it.
    const origError = console.error.bind(console);
    console.error = (...args) => {
      const s = args.map(String).join(' ');
      if (s.includes('panicked at')) lastPanicMessage = s;
      origError(...args);
    };
    wasmPromise = import(new URL('./pkg/raft_wasm.js', import.meta.url).href).then(async (mod) => {
      await mod.default();
      return mod;
    });
  }
  return wasmPromise;
}

function isPanic(e) {
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    (e && typeof e.message === 'string' && /unreachable|RuntimeError|recursive use of an object/.test(e.message));
}

function errorText(e) {
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---- renderer loading (web/render/ may be missing while it is being written) --

async function loadRenderer() {
  try {
    const [ring, logpanel, legend] = await Promise.all([
      import('./render/ring.js'), import('./render/logpanel.js'), import('./render/legend.js'),
    ]);
    return { createRingRenderer: ring.createRingRenderer, createLogPanel: logpanel.createLogPanel, buildLegend: legend.buildLegend };
  } catch (e) {
    console.warn('Raft Lab: using the fallback renderer:', e);
    return import('./ui/fallback-render.js');
  }
}

/** Validate a `nodes` value: an integer 1..15, else null. */
export function parseNodes(s) {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string' || !/^\s*\d+\s*$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 15 ? n : null;
}

/** Validate a `seed` value: a decimal u64, else null. Returns the decimal string. */
export function parseSeed(s) {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string' || !/^\s*\d{1,20}\s*$/.test(s)) return null;
  const v = BigInt(s.trim());
  return v <= U64_MAX ? v.toString() : null;
}

/** Validate a speed multiplier, else null. */
export function parseSpeed(s) {
  const v = typeof s === 'number' ? s : (typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN);
  return Number.isFinite(v) && v >= MIN_SPEED && v <= MAX_SPEED ? v : null;
}

export class RaftLab extends HTMLElement {
  static get observedAttributes() { return ['lang']; }

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
    this._checkpoints = [];        // [{ time, sim }]
    this._frameStats = [];
    this._fatal = false;
    this._settings = { nodes: 5, seed: '1', prevote: false, checkQuorum: false, readMode: 'read-index', snapshotThreshold: 0 };
    this._base = setupText(this._settings); // the text reset() starts from
    this._ui = { selectedNode: null, hover: null, dragging: null, groups: null, events: [] };
    this._remembered = { key: 'x', value: '1' };
    this._logShownAt = -1;
    this._notices = [];
    this._pendingNotices = [];
    let resolve, reject;
    this.ready = new Promise((res, rej) => { resolve = res; reject = rej; });
    this.ready.catch(() => {}); // a load failure is shown in the overlay; don't also report it as unhandled
    this._resolveReady = resolve;
    this._rejectReady = reject;
    this._started = false;
  }

  // ---- lifecycle ---------------------------------------------------------------

  connectedCallback() {
    if (this._started) {
      // Moved in the document: observe sizes again and restart the clock.
      if (this._ro) { this._ro.observe(this._els.ringWrap); this._ro.observe(this._els.logWrap); }
      if (this._onWindowResize) window.addEventListener('resize', this._onWindowResize);
      this._lastFrame = null;
      this._startLoop();
      return;
    }
    this._started = true;
    // Read the inline scenario before the layout replaces the children.
    const inline = this.querySelector('script[type="text/raft"]');
    this._inlineScenario = inline ? inline.textContent : null;
    const langAttr = this.getAttribute('lang');
    setLang(langAttr && LANGS.includes(langAttr) ? langAttr : detectLang());
    if (langAttr && !LANGS.includes(langAttr)) this._notice('param', t('param.lang', { value: langAttr }));
    this._els = buildLayout(this);
    for (const n of this._pendingNotices) this._renderNotice(n);
    this._pendingNotices = [];
    this._wire();
    this._relabel();
    this._unsubLang = onLangChange(() => this._relabel());
    this._boot().catch((e) => {
      this._showOverlay(t('overlay.loadFailed', { message: errorText(e) }));
      this._rejectReady(e);
    });
  }

  disconnectedCallback() {
    cancelAnimationFrame(this._raf);
    this._raf = 0;
    if (this._ro) this._ro.disconnect();
    if (this._onWindowResize) window.removeEventListener('resize', this._onWindowResize);
  }

  attributeChangedCallback(name, _old, value) {
    if (name === 'lang' && this._started && value && LANGS.includes(value)) setLang(value);
  }

  async _boot() {
    const [wasm, renderMod] = await Promise.all([loadWasm(), loadRenderer()]);
    this._wasm = wasm;
    this._renderMod = renderMod;
    this._ring = renderMod.createRingRenderer(this._els.ring, { t });
    this._logPanel = renderMod.createLogPanel ? renderMod.createLogPanel(this._els.log, { t }) : null;
    this._buildLegend();
    this._ro = new ResizeObserver(() => this._resize());
    this._ro.observe(this._els.ringWrap);
    this._ro.observe(this._els.logWrap);
    // Zooming changes devicePixelRatio without resizing the boxes.
    this._onWindowResize = () => this._resize();
    window.addEventListener('resize', this._onWindowResize);
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
    // lesson="slug": the lesson player (web/lesson/, its own module) drives
    // this element through the public API; nothing else here knows of lessons.
    const lesson = this.getAttribute('lesson');
    if (lesson) import('./lesson/player.js').then((m) => m.attachLesson(this, lesson)).catch((e) => console.warn(e));
    else if (this.hasAttribute('autoplay')) this.play();
    this._startLoop();
  }

  // ---- public API ----------------------------------------------------------------

  /** Run scenario commands now. Throws an Error (`line:col: message`) on bad input; nothing runs then. */
  exec(text) {
    if (!this._sim) throw new Error(t('err.notReady'));
    if (this._fatal) throw new Error(t('err.crashed'));
    this._carry = 0;
    const src = String(text);
    const before = Number(this._sim.time_ms());
    // Several commands in one exec happen at several instants; time travel
    // into that span needs the state just before them (see travelTo).
    const several = src.split('\n').filter((l) => l.split('#')[0].trim()).length > 1;
    const pre = several ? this._guard(() => this._sim.clone()) : null;
    try {
      this._guard(() => this._sim.exec(src));
    } catch (e) {
      if (pre) pre.free();
      throw withPosition(e);
    }
    this._dropFuture(before);
    const spans = pre && Number(this._sim.time_ms()) > before;
    if (spans) {
      const cps = this._checkpoints;
      if (cps.length && cps[cps.length - 1].time === before) cps.pop().sim.free();
      cps.push({ time: before, sim: pre, cmd: true, events: this._recent.slice() });
    } else if (pre) {
      pre.free();
    }
    this._afterChange(true);
    this._checkpoint(Number(this._view.time_ms), true, spans ? { script: src, from: before } : null);
    return this._newFailures();
  }

  /** The view model (docs/view-model.md) at the current simulated instant. */
  state() {
    if (!this._sim) throw new Error(t('err.notReady'));
    return this._guard(() => this._sim.state());
  }

  play() {
    if (this._fatal || this._playing) return;
    this._playing = true;
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

  /** Simulated ms per real ms (1 = real time, 0.1 = ten times slower). */
  get speed() { return this._speed; }
  set speed(v) {
    const s = parseSpeed(v);
    if (s === null) throw new RangeError(t('param.speed', { value: v, min: MIN_SPEED, max: MAX_SPEED }));
    this._speed = s;
    if (this._els) this._syncSpeed();
  }

  /** Start over from `scenarioText`, or from the current starting point. Throws on a parse error (and keeps the old run). */
  reset(scenarioText) {
    if (!this._wasm) throw new Error(t('err.notReady'));
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
    if (!this._sim) throw new Error(t('err.notReady'));
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

  get lang() { return getLang(); }
  set lang(v) {
    if (!setLang(v)) throw new RangeError(t('param.lang', { value: v }));
  }

  /** Show a message above the canvas (main.js uses it for bad URL parameters). */
  notify(text, kind = 'param') { this._notice(kind, text); }

  /** Simulated time (ms) the renderer draws, fractional while playing. */
  get simTime() { return this._sim ? Number(this._sim.time_ms()) + this._carry : 0; }

  /** Time travel: go back to simulated time `ms` (restores the nearest checkpoint, then advances). */
  travelTo(ms) {
    if (!this._sim || !this._checkpoints.length) return false;
    const target = Math.max(0, Math.floor(ms));
    let cp = null, after = null;
    for (const c of this._checkpoints) {
      if (c.time <= target) cp = c;
      else if (!after) after = c;
    }
    if (!cp) cp = this._checkpoints[0];
    this.pause();
    const next = this._guard(() => cp.sim.clone());
    this._sim.free();
    this._sim = next;
    // Checkpoints after this instant stay, so the slider can go forward
    // again; they are dropped once the run takes a new course (_dropFuture).
    this._guard(() => next.events()); // drained: the checkpoint keeps its own recent events
    // The checkpoint's recent events refill the feed and the flashes.
    this._recent = (cp.events || []).slice();
    this._feed.clear();
    this._feed.push(this._recent);
    if (after && after.script && after.from === cp.time) {
      // The target lies inside one multi-line exec (`run 3s` / `put x 1` /
      // `run 1s`): replay its commands one at a time up to the target, as
      // plain advancing would skip those that fall before it.
      this._guard(() => this._replayUntil(after.script, target));
    }
    const ahead = target - Number(this._sim.time_ms());
    if (ahead > 0) {
      this._guard(() => this._sim.advance(ahead));
    }
    // What happened between the checkpoint and the target goes to the feed
    // and the flashes, so the list is not blank after a jump.
    const evs = this._guard(() => this._sim.events()) || [];
    this._recent.push(...evs);
    this._feed.push(evs);
    const v = this._guard(() => this._sim.state());
    this._violationsSeen = v.violations.length;
    this._failuresSeen = v.failures.length;
    this._els.banner.hidden = true;
    this._afterChange(false);
    return true;
  }

  /**
   * Run the command lines of `script` on this._sim one by one while they end
   * at or before `target` (a trial clone per line: a `run` or `await` that
   * would cross the target is left out, and the caller advances the rest).
   */
  _replayUntil(script, target) {
    for (const line of String(script).split('\n')) {
      if (!line.split('#')[0].trim()) continue;
      const trial = this._sim.clone();
      try { trial.exec(line); } catch (_) { trial.free(); break; }
      if (Number(trial.time_ms()) > target) { trial.free(); break; }
      this._sim.free();
      this._sim = trial;
    }
  }

  // ---- simulation plumbing ---------------------------------------------------------

  /** Make a fresh Simulation from `text` (throws with line:col on a parse error). */
  _start(text) {
    // A loaded scenario runs to its end before the first frame: refuse one
    // that asks for so much simulated time that the tab would freeze.
    const tooLong = totalDuration(text, MAX_LOADED_RUN_MS);
    if (tooLong) {
      throw withPosition(new Error(`${tooLong.line}:${tooLong.col}: ${t('load.tooLong', { max: MAX_LOADED_RUN_MS / 1000 })}`));
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
    lastPanicMessage = '';
    if (this._els) this._els.overlay.hidden = true;
    for (const c of this._checkpoints) { try { c.sim.free(); } catch (_) { /* ignore */ } }
    this._sim = sim;
    this._base = text;
    this._checkpoints = [];
    this._recent = [];
    this._carry = 0;
    this._violationsSeen = 0;
    this._failuresSeen = 0;
    this._ui.selectedNode = null;
    this._ui.groups = null;
    this._partitionMode = false;
    if (this._els) {
      this._els.banner.hidden = true;
      this._els.partitionBar.hidden = true;
      this._els.root.classList.remove('rl-partitioning');
      this._closePopover();
      this._feed.clear();
      this._showCmdError(null);
    }
    this._historyFromPrefixes(text);
    this._afterChange(true);
    const end = this._checkpoints[this._checkpoints.length - 1];
    if (end && !end.events) end.events = this._recent.slice();
  }

  /**
   * A scenario runs to its end when loaded, so the interesting moments (a
   * snapshot in flight, the joint configuration) lie in the past. Give the
   * history slider a checkpoint after each command by loading each prefix of
   * the text: `Simulation(prefix)` is exactly the state after that command,
   * with the same line numbers and the prefix as its command log.
   */
  _historyFromPrefixes(text) {
    const lines = String(text).split('\n');
    const cmdLines = [];
    lines.forEach((l, i) => { const c = l.split('#')[0].trim(); if (c) cmdLines.push(i); });
    if (cmdLines.length < 2 || cmdLines.length > 400) return;
    // Every command must have a checkpoint right after it (travelTo advances
    // from a checkpoint and would skip a command in between), so with many
    // commands the history starts later rather than skipping some.
    const first = Math.max(0, cmdLines.length - MAX_CHECKPOINTS);
    const m = /^\s*cluster\s+(\d+)/m.exec(text);
    const budget = HISTORY_REPLAY_BUDGET_MS * 5 / Math.max(5, m ? Number(m[1]) : 5);
    let cost = 0;
    for (let k = first; k < cmdLines.length - 1; k++) {
      // Upper bound of the simulated time replaying this prefix takes.
      cost += durationSum(lines.slice(0, cmdLines[k] + 1).join('\n'));
      if (cost > budget) return;
    }
    const cps = [];
    try {
      for (let k = first; k < cmdLines.length - 1; k++) {
        const prefix = lines.slice(0, cmdLines[k] + 1).join('\n') + '\n';
        let sim;
        try { sim = new this._wasm.Simulation(prefix); } catch (_) { continue; } // e.g. setup still incomplete
        const time = Number(sim.time_ms());
        // Several commands at one instant: keep the last (it is what time travel to that instant means).
        if (cps.length && cps[cps.length - 1].time === time) cps.pop().sim.free();
        if (cps.length && cps[cps.length - 1].time > time) { sim.free(); continue; }
        const events = (sim.events() || []).filter((e) => e.time_ms >= time - RECENT_EVENTS_MS);
        cps.push({ time, sim, cmd: true, events });
      }
    } catch (e) {
      for (const c of cps) { try { c.sim.free(); } catch (_) { /* ignore */ } }
      if (isPanic(e)) this._onPanic(e);
      return;
    }
    const end = Number(this._sim.time_ms());
    this._checkpoints = cps.filter((c) => c.time < end || (c.sim.free(), false));
    this._checkpoints.push({ time: end, sim: this._guard(() => this._sim.clone()), cmd: true });
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
    const msg = lastPanicMessage || errorText(e);
    // The session is not lost: the command log as last shown replays up to
    // (about) the failure, for a bug report or to try again.
    const log = this._els ? this._els.cmdLog.textContent : '';
    this._showOverlay(log ? `${msg}\n\n${t('overlay.log')}\n${log}` : msg);
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
    lastPanicMessage = '';
    this._sim = null; // the old instance may be poisoned; don't touch it again
    this._checkpoints = [];
    try {
      this._start(setupText(this._settings));
      this._syncControls();
    } catch (e) {
      // The wasm instance itself is unusable: a page reload gets a fresh one.
      location.reload();
    }
  }

  /** After time moved or a command ran: new events, view, checks, log. */
  _afterChange(resetCarry) {
    if (resetCarry) this._carry = 0;
    this._dirty = true;
    this._refresh();
  }

  _refresh() {
    if (!this._sim || this._fatal) return;
    const events = this._guard(() => this._sim.events()) || [];
    const view = this._guard(() => this._sim.state());
    this._view = view;
    this._dirty = false;
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
    this._checkpoint(now);
    this._updateStatus(view);
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
    const name = t(`inv.${v.invariant}`);
    b.querySelector('.rl-banner-title').textContent = t('banner.title', { invariant: name === `inv.${v.invariant}` ? v.invariant : name });
    b.querySelector('.rl-banner-text').textContent = t('banner.text', { time: v.time_ms, message: v.message });
  }

  _newFailures() {
    const fs = (this._view && this._view.failures) || [];
    const fresh = fs.slice(this._failuresSeen);
    this._failuresSeen = fs.length;
    return fresh;
  }

  /**
   * Remember a clone() for time travel. travelTo() advances from the nearest
   * earlier checkpoint, which is only right if no command ran in between: so
   * after every command (`afterCommand`) a checkpoint is taken (replacing one
   * at the same instant), and thinning never removes those.
   */
  /** Time moves or a command runs from a travelled-to past: the old future no longer applies. */
  _dropFuture(from = this._sim ? Number(this._sim.time_ms()) : 0) {
    const cps = this._checkpoints;
    if (!cps.length || cps[cps.length - 1].time <= from) return;
    for (const c of cps) if (c.time > from) c.sim.free();
    this._checkpoints = cps.filter((c) => c.time <= from);
  }

  _checkpoint(now, afterCommand = false, extra = null) {
    let cps = this._checkpoints;
    const last = cps.length ? cps[cps.length - 1] : null;
    if (last && now < last.time) return;
    if (afterCommand) {
      if (last && last.time === now) { cps.pop().sim.free(); }
    } else if (last && now - last.time < CHECKPOINT_EVERY_MS) return;
    cps.push({ time: now, sim: this._guard(() => this._sim.clone()), cmd: afterCommand, events: this._recent.slice(), ...extra });
    if (cps.length > MAX_CHECKPOINTS) {
      // Thin out the plain (time-only) checkpoints: keep every other one, so
      // the history spans the whole run at a coarser grain.
      let plain = 0;
      cps = cps.filter((c, i) => {
        if (c.cmd || i === 0 || i === cps.length - 1) return true;
        if (plain++ % 2 === 1) return true;
        c.sim.free();
        return false;
      });
      // Still too many (many commands): the history starts later.
      while (cps.length > MAX_CHECKPOINTS) cps.shift().sim.free();
      this._checkpoints = cps;
    }
  }

  // ---- animation loop -----------------------------------------------------------

  _startLoop() {
    if (this._raf || !this._sim) return;
    const frame = (now) => {
      this._raf = requestAnimationFrame(frame);
      this._frame(now);
    };
    this._raf = requestAnimationFrame(frame);
  }

  _frame(now) {
    if (!this._sim || this._fatal) return;
    const gap = this._lastFrame === null ? 0 : Math.min(MAX_FRAME_GAP_MS, now - this._lastFrame);
    this._lastFrame = now;
    const working = this._playing || this._dirty || this._needsDraw;
    if (!working) return;
    const t0 = performance.now();
    let advanced = false;
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
      if (this._dirty) this._refresh();
      this._draw();
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
    if (this._frameStats.length > FRAME_STATS) this._frameStats.splice(0, this._frameStats.length - FRAME_STATS);
    if (advanced) this.dispatchEvent(new CustomEvent('raft-state', { detail: this._view }));
  }

  _draw() {
    if (!this._view) return;
    const simTime = Number(this._view.time_ms) + this._carry;
    this._ring.draw(this._view, simTime, this._ui);
    if (this._logPanel) this._logPanel.draw(this._view, this._ui);
    this._els.clock.textContent = t('status.time', { time: (simTime / 1000).toFixed(3) });
  }

  _resize() {
    try {
      if (this._ring) this._ring.resize();
      if (this._logPanel) this._logPanel.resize();
    } catch (e) { console.error(e); }
    this._needsDraw = true;
  }

  // ---- UI ---------------------------------------------------------------------

  _wire() {
    const els = this._els;
    this._feed = createFeed(els.feed, t);
    els.root.addEventListener('click', (e) => {
      const b = e.target.closest('[data-action]');
      if (b && els.root.contains(b)) this._action(b.dataset.action);
    });
    els.field('speed').addEventListener('change', (e) => { this.speed = Number(e.target.value); });
    els.field('nodes').addEventListener('change', (e) => this._changeSetting('nodes', Number(e.target.value)));
    els.field('seed').addEventListener('change', (e) => {
      const s = parseSeed(e.target.value);
      if (s === null) { this._toast(t('param.seed', { value: e.target.value })); e.target.value = this._settings.seed; return; }
      this._changeSetting('seed', s);
    });
    els.field('prevote').addEventListener('change', (e) => this._changeSetting('prevote', e.target.checked));
    els.field('checkQuorum').addEventListener('change', (e) => this._changeSetting('checkQuorum', e.target.checked));
    els.field('readMode').addEventListener('change', (e) => this._changeSetting('readMode', e.target.value));
    els.field('snapshotThreshold').addEventListener('change', (e) => this._changeSetting('snapshotThreshold', Number(e.target.value)));
    els.field('lang').addEventListener('change', (e) => setLang(e.target.value));
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
    // Keyboard: Escape closes the popover; Space plays/pauses and "." steps,
    // unless the focus is in a field or on a button (which use those keys).
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { this._closePopover(); return; }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const tag = e.target && e.target.tagName;
      if (['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY'].includes(tag) || (e.target && e.target.isContentEditable)) return;
      if (e.key === ' ') { e.preventDefault(); this._action('play'); }
      else if (e.key === '.') { e.preventDefault(); this._action('step'); }
    });
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
        if (id === null) this._toast(t('ctl.add.full'));
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
    const tooLong = longDuration(text, MAX_TYPED_RUN_MS);
    if (tooLong) {
      this._showCmdError(t('console.tooLong', { line: tooLong.line, col: tooLong.col, max: MAX_TYPED_RUN_MS / 1000 }));
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
      let shown = formatParseError(errorText(e));
      // Setup lines (cluster, seed, set prevote…) only work at the start of a run.
      if (/after the first action/.test(errorText(e))) shown += ` — ${t('console.setupHint')}`;
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
    el.textContent = fails.map((f) => t('console.failure', { line: f.line, message: f.message })).join('\n');
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
      let found = [];
      for (let i = 0; i < STEP_LIMIT_MS && found.length === 0; i++) {
        this._sim.advance(1);
        found = this._sim.events();
      }
      this._recent.push(...found);
      this._feed.push(found);
    });
    this._afterChange(true);
  }

  _syncPlay() {
    if (!this._els) return;
    const b = this._els.action('play');
    b.textContent = t(this._playing ? 'ctl.pause' : 'ctl.play');
    b.setAttribute('aria-pressed', String(this._playing));
  }

  _syncSpeed() {
    const sel = this._els.field('speed');
    let best = SPEEDS[0];
    for (const s of SPEEDS) if (Math.abs(Math.log(s / this._speed)) < Math.abs(Math.log(best / this._speed))) best = s;
    if (!SPEEDS.includes(this._speed)) {
      let opt = sel.querySelector('option[data-custom]');
      if (!opt) { opt = document.createElement('option'); opt.dataset.custom = '1'; sel.prepend(opt); }
      opt.value = String(this._speed);
      opt.textContent = `${this._speed}×`;
      best = this._speed;
    }
    sel.value = String(best);
  }

  /** Put the controls in line with the running simulation's setup and network. */
  _syncControls() {
    const els = this._els;
    const v = this._view;
    if (!els || !v) return;
    const s = v.setup || {};
    if (s.cluster) this._settings.nodes = s.cluster;
    if (s.seed !== undefined) this._settings.seed = String(s.seed);
    this._settings.prevote = !!s.prevote;
    this._settings.checkQuorum = !!s.check_quorum;
    if (s.read_mode) this._settings.readMode = s.read_mode;
    this._settings.snapshotThreshold = Number(s.snapshot_threshold) || 0;
    els.field('nodes').value = String(this._settings.nodes);
    els.field('seed').value = this._settings.seed;
    els.field('prevote').checked = this._settings.prevote;
    els.field('checkQuorum').checked = this._settings.checkQuorum;
    els.field('readMode').value = this._settings.readMode;
    const snap = els.field('snapshotThreshold');
    const n = String(this._settings.snapshotThreshold);
    if (![...snap.options].some((o) => o.value === n)) {
      // A loaded scenario's own threshold: offer it so the select shows the truth.
      const o = document.createElement('option');
      o.value = n; o.textContent = n;
      snap.append(o);
    }
    snap.value = n;
    const net = v.network || {};
    if (Array.isArray(net.latency_ms)) {
      els.field('latency').value = String(net.latency_ms[1]);
      els.out('latency').textContent = `${net.latency_ms[0]}–${net.latency_ms[1]} ms`;
    }
    if (typeof net.loss === 'number') {
      // The view reports loss as a fraction (0.05) or a percent (5); the slider is percent.
      const pct = net.loss <= 1 ? net.loss * 100 : net.loss;
      els.field('loss').value = String(Math.round(pct));
      els.out('loss').textContent = `${Math.round(pct * 10) / 10}%`;
    }
    this._syncSpeed();
    this._syncPlay();
  }

  /**
   * Which of the issue-4 mechanisms this run has switched on, as small chips
   * beside the leader summary, so a loaded scenario says what it is showing
   * (the Options panel is folded away).
   */
  _updateModes(setup) {
    const chips = [];
    if (setup.prevote) chips.push(t('mode.prevote'));
    if (setup.check_quorum) chips.push(t('mode.checkQuorum'));
    if (setup.read_mode && setup.read_mode !== 'read-index') {
      const key = { lease: 'ctl.readMode.lease', log: 'ctl.readMode.log' }[setup.read_mode];
      chips.push(t('mode.readMode', { mode: key ? t(key) : setup.read_mode }));
    }
    if (setup.snapshot_threshold) chips.push(t('mode.snapshot', { n: setup.snapshot_threshold }));
    const key = chips.join('|');
    if (key === this._modesKey) return;
    this._modesKey = key;
    const box = this._els.root.querySelector('.rl-modes');
    box.replaceChildren(...chips.map((c) => {
      const span = document.createElement('span');
      span.className = 'rl-chip';
      span.textContent = c;
      return span;
    }));
  }

  /** The quorum line: what a commit or an election needs now (web/quorum.js). */
  _quorumText(view) {
    const q = describeQuorum(view);
    if (!q) return '';
    const names = (ids) => ids.map((id) => `n${id}`).join(' ');
    let text;
    // C_old before C_new, as the sentence names them.
    const configs = q.joint ? ['old', 'new'].map((r) => q.configs.find((c) => c.role === r)) : q.configs;
    if (q.joint) {
      const [o, n] = configs;
      text = t('quorum.joint', {
        needOld: o.need, nOld: o.ids.length, old: names(o.ids),
        needNew: n.need, nNew: n.ids.length, new: names(n.ids),
      });
    } else {
      const [c] = q.configs;
      text = t('quorum.all', { need: c.need, n: c.ids.length, ids: names(c.ids) });
    }
    if (q.index !== null && q.index > 0 && configs.every((c) => c.have != null)) {
      const have = configs.map((c) => t('quorum.count', { have: c.have, n: c.ids.length })).join(' · ');
      text += ` — ${t('quorum.have', { index: q.index, have })}`;
    }
    return text;
  }

  _latencyLabel(max) {
    const m = /(\d+)ms\.\.(\d+)ms/.exec(commands.latency(max));
    return m ? `${m[1]}–${m[2]} ms` : '';
  }

  _updateStatus(view) {
    const els = this._els;
    if (!els) return;
    // The log panel grows with the number of servers (one row each).
    const rows = (view.members || view.nodes).length;
    if (rows !== this._logRows) {
      this._logRows = rows;
      els.logWrap.style.setProperty('--rl-log-rows', String(rows));
    }
    const leaders = view.nodes.filter((n) => n.up && n.role === 'leader');
    const top = leaders.sort((a, b) => b.term - a.term)[0];
    els.summary.textContent = top ? t('status.leader', { id: top.id, term: top.term }) : t('status.noLeader');
    this._updateModes(view.setup || {});
    els.quorum.textContent = this._quorumText(view);
    // For screen readers, the canvas says in words what it shows.
    const down = view.nodes.filter((n) => !n.up).map((n) => `n${n.id}`);
    els.ring.setAttribute('aria-label', t('status.aria', {
      n: view.nodes.length, summary: els.summary.textContent, down: down.length ? down.join(' ') : '—',
    }));
    // The command log text changes with every advance; refresh it a few times a second.
    const now = performance.now();
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
    const cps = this._checkpoints;
    scrub.min = String(cps.length ? cps[0].time : 0);
    // After travelling back, the slider still reaches the end of the run.
    scrub.max = String(Math.max(view.time_ms, cps.length ? cps[cps.length - 1].time : 0));
    scrub.value = String(view.time_ms);
    scrub.disabled = !cps.length || Number(scrub.min) >= Number(scrub.max);
    els.action('back').disabled = !cps.length;
    if (this._ui.selectedNode !== null && !els.popover.hidden) {
      // keep the popover header (role, term) current
      const head = els.popover.querySelector('.rl-pop-head span');
      const n = view.nodes.find((m) => m.id === this._ui.selectedNode);
      if (head && n) head.textContent = `${t(`role.${n.role}`)} · ${t('pop.term', { term: n.term })}`;
    }
  }

  // ---- canvas interaction ---------------------------------------------------------

  _wireCanvas() {
    const canvas = this._els.ring;
    const pos = (e) => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    let down = null; // { x, y, hit, moved }
    canvas.addEventListener('pointerdown', (e) => {
      if (!this._ring || !this._view) return;
      const [x, y] = pos(e);
      down = { x, y, hit: this._ring.hitTest(x, y), moved: false };
      if (this._partitionMode && down.hit && down.hit.kind === 'node') canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this._ring || !this._view) return;
      const [x, y] = pos(e);
      if (down && this._partitionMode && down.hit && down.hit.kind === 'node') {
        if (Math.hypot(x - down.x, y - down.y) > 4) down.moved = true;
        if (down.moved) { this._ui.dragging = { id: down.hit.id, x, y }; this._needsDraw = true; }
        return;
      }
      let hit = this._ring.hitTest(x, y);
      // The open popover already says what the tooltip would about its node.
      if (hit && hit.kind === 'node' && !this._els.popover.hidden && hit.id === this._ui.selectedNode) hit = null;
      const same = JSON.stringify(hit) === JSON.stringify(this._ui.hover);
      if (!same) { this._ui.hover = hit; this._needsDraw = true; }
      canvas.style.cursor = hit ? 'pointer' : 'default';
    });
    canvas.addEventListener('pointerleave', () => { if (!down) { this._ui.hover = null; this._needsDraw = true; } });
    canvas.addEventListener('pointerup', (e) => {
      if (!down) return;
      const d = down;
      down = null;
      const [x, y] = pos(e);
      if (this._partitionMode && d.hit && d.hit.kind === 'node') {
        const id = d.hit.id;
        this._ui.dragging = null;
        if (d.moved) this._setGroup(id, this._dropGroup(id, x, y));
        else this._setGroup(id, this._ui.groups[0].includes(id) ? 1 : 0);
        this._needsDraw = true;
        return;
      }
      if (Math.hypot(x - d.x, y - d.y) > 6) return;
      this._click(d.hit, x, y);
    });
    canvas.addEventListener('pointercancel', () => { down = null; this._ui.dragging = null; this._needsDraw = true; });
  }

  _click(hit, x, y) {
    if (!hit) { this._closePopover(); return; }
    if (hit.kind === 'node') {
      this._ui.selectedNode = hit.id;
      this._ui.hover = null;
      openNodePopover(this._els.popover, {
        id: hit.id, view: this._view, x, y, t, remembered: this._remembered,
        run: (cmd) => this._control(cmd),
        close: () => this._closePopover(),
      });
      this._needsDraw = true;
    } else if (hit.kind === 'message') {
      this._control(commands.drop(hit.id));
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

  /** Dropped near another server: join its group; elsewhere: the group on that side of the ring. */
  _dropGroup(id, x, y) {
    const groups = this._ui.groups;
    let best = null, bestD = Infinity;
    if (this._ring.nodePosition) {
      for (const other of groups.flat()) {
        if (other === id) continue;
        const p = this._ring.nodePosition(other);
        if (!p) continue;
        const d = Math.hypot(p.x - x, p.y - y);
        if (d < bestD) { bestD = d; best = other; }
      }
    }
    if (best !== null && bestD < 60) return groups[0].includes(best) ? 0 : 1;
    return x < this._els.ring.clientWidth / 2 ? 0 : 1;
  }

  _setGroup(id, g) {
    const groups = this._ui.groups;
    if (!groups) return;
    const a = groups[0].filter((x) => x !== id), b = groups[1].filter((x) => x !== id);
    (g === 0 ? a : b).push(id);
    a.sort((p, q) => p - q); b.sort((p, q) => p - q);
    this._ui.groups = [a, b];
  }

  // ---- command log export -----------------------------------------------------------

  async _copyLog() {
    const text = this.commandLog();
    try {
      await navigator.clipboard.writeText(text);
      this._toast(t('log.copied'));
    } catch (_) {
      const sel = window.getSelection();
      const range = document.createRange();
      range.selectNodeContents(this._els.cmdLog);
      sel.removeAllRanges();
      sel.addRange(range);
      this._toast(t('log.selected'));
    }
  }

  _downloadLog() {
    const blob = new Blob([this.commandLog()], { type: 'text/plain;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `raft-lab-seed${this._settings.seed}.raft`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** A URL that replays this session: the command log as the scenario. */
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

  permalink() {
    const u = new URL(location.href);
    u.search = '';
    u.searchParams.set('lang', getLang());
    u.searchParams.set('speed', String(this._speed));
    u.searchParams.set('scenario', this.commandLog());
    return u.href;
  }

  async _copyPermalink() {
    const href = this.permalink();
    try {
      await navigator.clipboard.writeText(href);
      this._toast(t('log.linkCopied'));
    } catch (_) {
      history.replaceState(null, '', href);
      this._toast(t('log.linkInAddress'));
    }
  }

  // ---- notices, language -------------------------------------------------------------

  _notice(kind, text) {
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
    close.setAttribute('aria-label', t('banner.dismiss'));
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

  _buildLegend() {
    if (!this._renderMod || !this._renderMod.buildLegend) return;
    try { this._renderMod.buildLegend(this._els.legend, { t }); } catch (e) { console.error(e); }
  }

  _relabel() {
    const els = this._els;
    if (!els) return;
    applyTexts(els.root, t);
    els.field('lang').value = getLang();
    if (this.getAttribute('lang') !== null && this.getAttribute('lang') !== getLang()) this.setAttribute('lang', getLang());
    this._syncPlay();
    this._buildLegend();
    if (this._feed) this._feed.relabel();
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
export function formatParseError(msg) {
  const m = /^(?:.*?:)?(\d+):(\d+):\s*(.*)$/s.exec(msg);
  return m ? t('console.error', { line: m[1], col: m[2], message: m[3] }) : msg;
}

if (!customElements.get('raft-lab')) customElements.define('raft-lab', RaftLab);
