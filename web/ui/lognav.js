// Scrolling the log panel through a server's whole log (issue 9).
//
// The view model carries only the newest entries of each log; the panel
// fetches any older range it shows through the simulation's `log_window`
// (web/render/logpanel.js). This module is how the reader gets there: the
// buttons above the panel (oldest · older · newer · newest), the keyboard on
// the focused panel (←/→ one entry, Page Up/Page Down a page, Home/End the
// oldest/newest), and a sideways wheel or Shift+wheel over it. A line says
// which entries are in view.
//
// Following the newest entries is the default. Once the reader scrolls back,
// the panel holds the first index in view (`ui.logFirst`), so the entries do
// not slide away as the log grows; "newest" (or scrolling to the right end)
// follows again.

/**
 * Wire the log navigation. `els`: the layout's parts (web/ui/layout.js);
 * `ui`: the renderer's UI state (gets `logFirst`); `panel()`: the log panel
 * (or null while it loads); `redraw()`: ask for a frame; `t`: translator.
 * Returns `{ update() }`, to call after each draw of the panel.
 */
export function wireLogNav(els, { ui, panel, redraw, t }) {
  const nav = els.root.querySelector('.rl-log-nav');
  const label = nav.querySelector('.rl-log-range');
  const button = (name) => nav.querySelector(`[data-log="${name}"]`);
  ui.logFirst = null;

  /** Scroll so `first` is the left-most index (null: follow the newest). */
  function scrollTo(first) {
    const r = panel() && panel().range();
    if (!r) return;
    if (first === null || first + r.fit - 1 >= r.maxIndex + 1) ui.logFirst = null;
    else ui.logFirst = Math.max(1, first);
    redraw();
  }

  function move(how) {
    const r = panel() && panel().range();
    if (!r) return;
    const page = Math.max(1, r.fit - 1); // a page keeps one entry of the last for context
    // Where the reader asked to be, even if no frame has drawn it yet (keys repeat faster than frames).
    const first = ui.logFirst ?? r.first;
    switch (how) {
      case 'oldest': scrollTo(1); break;
      case 'older': scrollTo(Math.max(1, first - page)); break;
      case 'back1': scrollTo(Math.max(1, first - 1)); break;
      case 'fwd1': scrollTo(first + 1); break;
      case 'newer': scrollTo(first + page); break;
      case 'newest': scrollTo(null); break;
      default: break;
    }
  }

  nav.addEventListener('click', (e) => {
    const b = e.target.closest('[data-log]');
    if (b && !b.disabled) move(b.dataset.log);
  });
  const KEYS = { ArrowLeft: 'back1', ArrowRight: 'fwd1', PageUp: 'older', PageDown: 'newer', Home: 'oldest', End: 'newest' };
  els.log.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !KEYS[e.key]) return;
    e.preventDefault();
    move(KEYS[e.key]);
  });
  // A sideways wheel (or Shift + wheel) scrolls the log; a plain wheel scrolls the page.
  let wheelCarry = 0;
  els.log.addEventListener('wheel', (e) => {
    const dx = Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : (e.shiftKey ? e.deltaY : 0);
    if (!dx) return;
    const r = panel() && panel().range();
    if (!r || r.fit > r.maxIndex) return;
    e.preventDefault();
    wheelCarry += dx;
    const steps = Math.trunc(wheelCarry / 40);
    if (steps) {
      wheelCarry -= steps * 40;
      scrollTo(Math.max(1, (ui.logFirst ?? r.first) + steps));
    }
  }, { passive: false });

  let shown = '';
  /** After a draw: the range line and which buttons can act. */
  function update() {
    const r = panel() && panel().range ? panel().range() : null;
    const scrollable = !!r && (r.first > 1 || !r.newest);
    nav.hidden = !r;
    if (!r) return;
    const key = `${r.first}|${r.last}|${r.maxIndex}|${scrollable}|${ui.logFirst === null}`;
    if (key === shown) return;
    shown = key;
    label.textContent = !scrollable
      ? t('logs.all', { n: r.maxIndex })
      : t('logs.range', { from: r.first, to: r.last, n: r.maxIndex });
    button('oldest').disabled = button('older').disabled = r.first <= 1;
    button('newer').disabled = button('newest').disabled = r.newest;
  }

  /** The language changed: say it again. */
  function relabel() { shown = ''; update(); }

  return { update, relabel, scrollTo };
}
