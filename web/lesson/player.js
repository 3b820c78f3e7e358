// The lesson player: plays a lesson (lessons/NN-slug.raft) on a <raft-lab>
// element, step by step, with a caption panel above it.
//
//   <raft-lab lesson="split-vote"></raft-lab>     or   index.html?lesson=split-vote
//
// It uses only the element's public API (ready, reset, exec, commandLog,
// state, pause, play, travelTo, highlight, lang, shadowRoot), so it knows
// nothing of the element's insides:
//  - entering a step runs the step's commands with `exec` (the lesson's own
//    commands, exactly what `raft-sim run` runs: same trace);
//  - a task waits for the reader. "Check" runs the task's `until` (an
//    `await`); "Show me" starts the task again and runs the reference
//    solution, then the `until`;
//  - Back travels (the element's time travel, web/history.js) to the instant
//    the previous step was shown; if the command log there is not the one
//    recorded then (another command ran at that very instant), it replays
//    that log (`reset(log)`) instead. Either way the state — and the trace
//    hash — is exactly what it was.
// The panel lives in the element's shadow root, above the lab, with its own
// stylesheet (lesson.css, adopted beside element.css), and speaks the
// element's language: a lesson embedded in any page looks the same.
import { translator } from '../i18n/index.js';
import { loadWasm, loadSheet } from '../load.js';
import { lessonBySlug, lessonUrl } from './catalog.js';
import { COURSE_PAGE } from './paths.js';

/** Parse a lesson's text into steps (throws `line:col: message`). */
export async function parseLesson(text) {
  const wasm = await loadWasm(); // the module the elements use, loaded once
  return wasm.lesson_steps(text);
}

/** Fetch and parse the lesson with this slug (`t`: messages in the reader's language). */
export async function fetchLesson(slug, t = translator('en')) {
  const entry = lessonBySlug(slug);
  if (!entry || !entry.file) throw new Error(t('lesson.unknown', { slug }));
  const res = await fetch(lessonUrl(entry.file));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  try {
    return await parseLesson(text);
  } catch (e) {
    throw new Error(`${entry.file}:${e.message || e}`);
  }
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Lesson text → HTML: `code` and **bold**, everything else escaped. */
export function richText(s) {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** A highlight in words (`t`: the element's translator). */
export function highlightLabel(h, t = translator('en')) {
  switch (h.kind) {
    case 'node': return h.node == null ? t('lesson.hl.leader') : `n${h.node}`;
    case 'message': return t('lesson.hl.message', { type: h.message });
    case 'entry': return h.node == null ? t('lesson.hl.entry', { index: h.index }) : t('lesson.hl.entryOn', { index: h.index, node: h.node });
    default: return t('lesson.hl.quorum');
  }
}

export class LessonPlayer {
  constructor(el, lesson, slug, sheet = null) {
    this.el = el;
    this.lesson = lesson;
    this.slug = slug;
    this.k = -1;            // the step shown
    this.logs = [];         // logs[k]: the command log when step k was shown
    this.done = [];         // done[k]: step k's task is done
    this.status = '';       // a task message key + params
    this.hintShown = false;
    this.finished = false;
    this.animate = true;    // replay each step's span in slow motion (see _replay)
    this._anim = null;
    this.times = [];        // times[k]: the simulated instant step k was shown at
    this.restoredBy = null; // how the last Back got there: 'travel' or 'replay'
    this._build(sheet);
    // The element's language, followed when it changes (no global language).
    this._onLang = () => this.render();
    el.addEventListener('raft-lang', this._onLang);
    // ←/→ while the focus is inside the element (keys from its shadow root
    // reach the host); nothing is hung on document or window.
    this._onKey = (e) => this.key(e);
    el.addEventListener('keydown', this._onKey);
  }

  /** The element's translator, in its current language. */
  get t() { return translator(this.el.lang); }

  /** Start from the beginning: the prelude, then step 1. */
  start() {
    this.el.pause();
    this.el.reset(this.lesson.prelude);
    this.k = -1;
    this.logs = [];
    this.times = [];
    this.done = [];
    this._enter(0);
  }

  get step() { return this.lesson.steps[this.k]; }

  /** Run step k's commands on the current state and show it. */
  _enter(k) {
    this._settle();
    const step = this.lesson.steps[k];
    this.k = k;
    this.hintShown = false;
    this.status = '';
    this.done[k] = false;
    const t0 = this.el.state().time_ms;
    if (step.commands.length) {
      const failures = this.el.exec(step.commands.join('\n'));
      if (failures && failures.length) this.status = { key: 'lesson.drift', params: { message: failures[0].message }, kind: 'bad' };
    }
    this.logs[k] = this.el.commandLog();
    this.times[k] = this.el.state().time_ms;
    this.el.pause();
    this._applyHighlight();
    this.render();
    this._replay(t0);
  }

  /**
   * Play the span just run (t0 → now) again on screen, in slow motion, using
   * the element's time travel: the commands already ran (instantly, exactly
   * as headless), and travelTo() walks the recorded history, ending on the
   * very checkpoint the exec left. Skipped with prefers-reduced-motion, and
   * by the next action (which first jumps to the end).
   */
  _replay(t0) {
    const t1 = this.el.state().time_ms;
    const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (!this.animate || reduced || t1 <= t0 || typeof this.el.travelTo !== 'function') return;
    // Short steps in slow motion, long ones sped up: at most ~2.5 s of real time.
    const rate = Math.max(0.04, (t1 - t0) / 2500);
    this._anim = { t0, t1, start: performance.now(), raf: 0 };
    this.panel.dataset.animating = 'true';
    this.el.travelTo(t0);
    const tick = (now) => {
      const a = this._anim;
      if (!a) return;
      const t = a.t0 + (now - a.start) * rate;
      if (t >= a.t1) { this._settle(); return; }
      this.el.travelTo(t);
      a.raf = requestAnimationFrame(tick);
    };
    this._anim.raf = requestAnimationFrame(tick);
  }

  /** End a slow-motion replay at once: back on the step's final state. */
  _settle() {
    const a = this._anim;
    if (!a) return;
    this._anim = null;
    cancelAnimationFrame(a.raf);
    this.el.travelTo(a.t1);
    this.el.pause();
    this._applyHighlight();
    this.panel.dataset.animating = 'false';
  }

  /** Next: only once the task (if any) is done. */
  next() {
    if (this.finished) return;
    if (this.step.task && !this.done[this.k]) {
      this.status = { key: 'lesson.taskFirst', kind: 'info' };
      this.render();
      return;
    }
    if (this.k + 1 < this.lesson.steps.length) this._enter(this.k + 1);
    else { this.finished = true; this.render(); }
  }

  /** Back: exactly the state in which the previous step was shown. */
  back() {
    if (this.finished) { this.finished = false; this.render(); return; }
    if (this.k <= 0) return;
    this._restore(this.k - 1);
  }

  /** Jump to an earlier step (dots): replay its recorded log. */
  goTo(k) {
    if (k < this.k) this._restore(k);
    else if (k === this.k + 1) this.next();
  }

  _restore(k) {
    this._settle();
    this._travelToStep(k);
    this.el.pause();
    this.k = k;
    this.done[k] = false;
    this.finished = false;
    this.hintShown = false;
    this.status = '';
    this.logs.length = k + 1;
    this.times.length = k + 1;
    this._applyHighlight();
    this.render();
  }

  /**
   * Exactly the state in which step k was shown: time travel to its instant,
   * kept only if the command log there is the one recorded then (a command
   * that ran at that same instant, e.g. the next step's `crash`, replaced the
   * checkpoint); else a deterministic replay of the recorded log.
   */
  _travelToStep(k) {
    if (this.el.travelTo(this.times[k]) && this.el.commandLog() === this.logs[k]) this.restoredBy = 'travel';
    else {
      this.el.reset(this.logs[k]);
      this.restoredBy = 'replay';
    }
    return this.restoredBy;
  }

  /** Check: run the task's `until`; done if it held, else start the task again. */
  check() {
    const task = this.step && this.step.task;
    if (!task || this.done[this.k]) return;
    this._settle();
    const failures = this.el.exec(task.until);
    this.el.pause();
    if (!failures || failures.length === 0) {
      this.done[this.k] = true;
      this.status = { key: 'lesson.done', kind: 'good' };
    } else {
      const message = failures[0].message;
      this._travelToStep(this.k);
      this.el.pause();
      this.status = { key: 'lesson.notYet', params: { message }, kind: 'bad' };
    }
    this.render();
  }

  /** Show me: from the task's start, the reference solution, then the goal. */
  showMe() {
    const task = this.step && this.step.task;
    if (!task || this.done[this.k]) return;
    this._settle();
    this._travelToStep(this.k);
    const t0 = this.el.state().time_ms;
    this.el.exec(task.solution.join('\n'));
    const failures = this.el.exec(task.until);
    this.el.pause();
    this.done[this.k] = true;
    this.status = failures && failures.length
      ? { key: 'lesson.drift', params: { message: failures[0].message }, kind: 'bad' }
      : { key: 'lesson.shown', kind: 'good' };
    this._applyHighlight();
    this.render();
    this._replay(t0);
  }

  /** Keep playing: leave the lesson, the sandbox goes on from here. */
  keepPlaying() {
    this._settle();
    if (typeof this.el.highlight === 'function') this.el.highlight([]);
    this.destroy();
    this.el.play();
  }

  destroy() {
    this.el.removeEventListener('keydown', this._onKey);
    this.el.removeEventListener('raft-lang', this._onLang);
    if (this._sheet && this.el.shadowRoot) {
      this.el.shadowRoot.adoptedStyleSheets = this.el.shadowRoot.adoptedStyleSheets.filter((s) => s !== this._sheet);
    }
    this.frame.remove();
    if (this.el.lessonPlayer === this) this.el.lessonPlayer = null;
  }

  /** ←/→: Back/Next, unless typing in a field or choosing a server on the ring (its own ←/→). */
  key(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = (e.composedPath && e.composedPath()[0]) || e.target;
    const tag = (target && target.tagName) || '';
    if (/^(INPUT|TEXTAREA|SELECT|CANVAS)$/.test(tag) || (target && target.isContentEditable)) return;
    if (e.key === 'ArrowRight') { e.preventDefault(); this.next(); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); this.back(); }
  }

  /** Emphasise on the canvas what the step points at (`leader` = the leader now). */
  _applyHighlight() {
    if (typeof this.el.highlight !== 'function') return;
    const list = (this.step.highlights || []).map((h) => {
      if (h.kind !== 'node' || h.node != null) return h;
      return { kind: 'node', node: this.el.state().leader ?? null };
    });
    this.el.highlight(this.finished ? [] : list);
  }

  _build(sheet) {
    const root = this.el.shadowRoot;
    if (sheet && root && !root.adoptedStyleSheets.includes(sheet)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this._sheet = sheet;
    }
    const p = document.createElement('section');
    p.className = 'rl-lesson';
    p.setAttribute('data-testid', 'lesson');
    p.innerHTML = `
      <div class="rl-lesson-head">
        <a class="rl-lesson-all" data-testid="lesson-all" href="${COURSE_PAGE}"></a>
        <h2 class="rl-lesson-title" data-testid="lesson-title"></h2>
        <span class="rl-lesson-count" data-testid="lesson-count"></span>
      </div>
      <p class="rl-lesson-text" data-testid="lesson-text" aria-live="polite"></p>
      <p class="rl-lesson-look" data-testid="lesson-look"></p>
      <div class="rl-lesson-task" data-testid="lesson-task" hidden>
        <strong class="rl-lesson-task-label"></strong>
        <button type="button" data-testid="lesson-hint"></button>
        <button type="button" data-testid="lesson-check" class="rl-primary"></button>
        <button type="button" data-testid="lesson-showme"></button>
        <p class="rl-lesson-hint" data-testid="lesson-hint-text" hidden></p>
      </div>
      <p class="rl-lesson-status" data-testid="lesson-status" role="status"></p>
      <div class="rl-lesson-nav">
        <button type="button" data-testid="lesson-back"></button>
        <ol class="rl-lesson-dots" data-testid="lesson-dots"></ol>
        <button type="button" data-testid="lesson-next" class="rl-primary"></button>
        <button type="button" data-testid="lesson-keep-playing" class="rl-primary" hidden></button>
      </div>`;
    const q = (id) => p.querySelector(`[data-testid="${id}"]`);
    this.els = {
      title: q('lesson-title'), count: q('lesson-count'), text: q('lesson-text'), look: q('lesson-look'),
      task: q('lesson-task'), hint: q('lesson-hint'), check: q('lesson-check'), showMe: q('lesson-showme'),
      hintText: q('lesson-hint-text'), status: q('lesson-status'), back: q('lesson-back'), dots: q('lesson-dots'),
      next: q('lesson-next'), keep: q('lesson-keep-playing'), all: q('lesson-all'), taskLabel: p.querySelector('.rl-lesson-task-label'),
    };
    const guard = (fn) => () => {
      try { fn(); } catch (e) { this.status = { key: 'lesson.drift', params: { message: e.message || String(e) }, kind: 'bad' }; this.render(); }
    };
    this.els.next.addEventListener('click', guard(() => this.next()));
    this.els.back.addEventListener('click', guard(() => this.back()));
    this.els.check.addEventListener('click', guard(() => this.check()));
    this.els.showMe.addEventListener('click', guard(() => this.showMe()));
    this.els.hint.addEventListener('click', () => { this.hintShown = !this.hintShown; this.render(); });
    this.els.keep.addEventListener('click', guard(() => this.keepPlaying()));
    this.els.dots.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-step]');
      if (b) guard(() => this.goTo(Number(b.dataset.step)))();
    });
    this.panel = p;
    // First in the shadow root, above the lab (.rl-app), in a frame of the
    // lab's own background so panel and lab read as one figure on any page.
    this.frame = document.createElement('div');
    this.frame.className = 'rl-lesson-frame';
    this.frame.append(p);
    if (root) root.prepend(this.frame);
    else this.el.before(this.frame);
  }

  render() {
    const t = this.t;
    const lang = t.lang;
    const L = (text) => (text && (text[lang] || text.en)) || '';
    const e = this.els;
    const steps = this.lesson.steps;
    const step = this.step;
    if (!step) return;
    this.panel.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    this.panel.setAttribute('aria-label', t('lesson.region'));
    e.all.textContent = t('lesson.allLessons');
    e.title.textContent = L(this.lesson.title);
    e.count.textContent = t('lesson.step', { n: this.k + 1, total: steps.length });
    e.text.innerHTML = this.finished ? escapeHtml(t('lesson.end')) : richText(L(step.text));
    const hl = step.highlights || [];
    e.look.hidden = hl.length === 0 || this.finished;
    e.look.innerHTML = `<span>${escapeHtml(t('lesson.look'))}</span> ` + hl.map((h) => `<span class="rl-lesson-chip rl-lesson-chip-${h.kind}">${escapeHtml(highlightLabel(h, t))}</span>`).join(' ');
    const task = step.task;
    e.task.hidden = !task || this.finished;
    if (task) {
      e.taskLabel.textContent = t('lesson.task');
      e.hint.textContent = t('lesson.hintButton');
      e.check.textContent = t('lesson.check');
      e.showMe.textContent = t('lesson.showMe');
      e.hintText.hidden = !this.hintShown;
      e.hintText.innerHTML = richText(L(task.hint));
      const done = !!this.done[this.k];
      e.check.disabled = done;
      e.showMe.disabled = done;
    }
    e.status.textContent = this.status ? t(this.status.key, this.status.params) : '';
    e.status.className = `rl-lesson-status ${this.status ? `rl-${this.status.kind}` : ''}`;
    e.back.textContent = t('lesson.back');
    e.back.disabled = this.k === 0 && !this.finished;
    const last = this.k === steps.length - 1;
    e.next.textContent = last ? t('lesson.finish') : t('lesson.next');
    e.next.hidden = this.finished;
    e.next.disabled = !!(task && !this.done[this.k]);
    e.keep.hidden = !this.finished;
    e.keep.textContent = t('lesson.keepPlaying');
    e.dots.innerHTML = steps
      .map((s, i) => {
        const cls = [i === this.k ? 'rl-current' : '', i < this.k ? 'rl-past' : '', s.task ? 'rl-task' : ''].join(' ');
        const reachable = i <= this.k || (i === this.k + 1 && !(task && !this.done[this.k]));
        return `<li><button type="button" data-step="${i}" class="${cls}" aria-label="${escapeHtml(t('lesson.dot', { n: i + 1 }))}"${i === this.k ? ' aria-current="step"' : ''}${reachable ? '' : ' disabled'}></button></li>`;
      })
      .join('');
    this.panel.dataset.step = String(this.k);
    this.panel.dataset.finished = String(this.finished);
  }
}

/**
 * Play the lesson `slug` on `el` (a <raft-lab>): waits for the element, loads
 * and parses the lesson, builds the panel, shows step 1. Returns the player.
 * A missing or broken lesson is reported through the element's `notify`.
 */
export async function attachLesson(el, slug) {
  await el.ready;
  const t = translator(el.lang);
  let lesson, sheet;
  try {
    [lesson, sheet] = await Promise.all([fetchLesson(slug, t), loadSheet('./lesson/lesson.css')]);
  } catch (e) {
    const msg = lessonBySlug(slug) ? t('lesson.loadFailed', { slug, message: e.message || String(e) }) : t('lesson.unknown', { slug });
    if (typeof el.notify === 'function') el.notify(msg);
    throw new Error(msg);
  }
  const player = new LessonPlayer(el, lesson, slug, sheet);
  player.start();
  el.lessonPlayer = player;
  el.dispatchEvent(new CustomEvent('raft-lesson', { detail: { slug, steps: lesson.steps.length } }));
  return player;
}
