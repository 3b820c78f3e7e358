// "See inside": the inspector and the space-time diagram, as one part of the
// element. element.js makes it once (createInsight) and calls four hooks —
// observe (after time moved: the new trace events and view), draw (every
// frame), reset (a new simulation) and relabel (language) — and routes clicks
// on servers and messages to inspectNode / inspectMessage. Everything else
// (the store, the layout, the panels' DOM and input) lives here and in
// web/diagram/.

import { createDiagramStore } from '../diagram/store.js';
import { createDiagramPanel } from '../diagram/panel.js';
import { nodeHTML, messageHTML } from './inspector.js';
import { esc } from './popover.js';
import { commands } from '../controller.js';

/**
 * `root` = the element's `.rl-app`; `after` = the node to put the panels after;
 * `on` = { t, travel(ms), run(cmd) → error|null, now(), pause(), view(), openPopover(id) }.
 */
export function createInsight(root, after, on) {
  const t = on.t;
  const doc = root.ownerDocument;
  const lower = doc.createElement('div');
  lower.className = 'rl-lower';
  lower.innerHTML = `
    <section class="rl-inspector" data-testid="inspector" role="region" tabindex="-1" hidden></section>
    <section class="rl-diagram-sec" data-testid="diagram-section"></section>`;
  after.after(lower);
  const panel = lower.querySelector('.rl-inspector');
  const store = createDiagramStore();
  let selected = null; // { kind: 'node'|'message', id }
  let shownHTML = '';
  let lastShown = -Infinity;
  const diagram = createDiagramPanel(lower.querySelector('.rl-diagram-sec'), store, {
    t,
    travel: (ms) => on.travel(ms),
    now: () => on.now(),
    pause: () => on.pause(),
    inspect: (id) => inspectMessage(id),
  });

  /**
   * Where the inspector sits: at the top of the side column in a wide
   * element (beside the ring, which keeps its height), right under the ring in
   * a narrow one (a phone), and above the diagram in view="diagram".
   */
  function place() {
    const side = root.querySelector('.rl-side');
    const wide = root.clientWidth > 820 && !root.classList.contains('rl-view-diagram');
    const target = wide && side ? side : lower;
    if (panel.parentElement !== target) target.prepend(panel);
  }

  function render(force) {
    if (!selected) return;
    const view = on.view();
    if (!view) return;
    // While playing, a few updates a second are enough to read; a pause shows the exact instant.
    const nowReal = performance.now();
    if (!force && nowReal - lastShown < 200) return;
    lastShown = nowReal;
    let html;
    if (selected.kind === 'node') {
      html = nodeHTML(view, selected.id, store.decisionsOf(selected.id, 8), t);
    } else {
      const m = store.message(selected.id) || fromView(view, selected.id);
      html = m ? messageHTML(m, on.now(), store.outcome(selected.id), t) : `<p>${esc(t('insp.unknownMessage', { id: selected.id }))}</p>`;
    }
    if (html === shownHTML) return;
    // Keep the keyboard focus on the same button across a refresh.
    const active = root.getRootNode().activeElement; // the shadow root's, not the document's
    const focused = active && panel.contains(active) ? active.dataset : null;
    shownHTML = html;
    panel.innerHTML = `<h2>${esc(t(selected.kind === 'node' ? 'insp.title.node' : 'insp.title.message'))}</h2>${html}`;
    panel.dataset.kind = selected.kind;
    panel.dataset.id = String(selected.id);
    if (focused && focused.insp) { const b = panel.querySelector(`[data-insp="${focused.insp}"]`); if (b) b.focus(); }
  }

  /** A message the store has not seen (only in the view): its in-flight record. */
  function fromView(view, id) {
    const f = (view.in_flight || []).find((m) => m.id === id);
    return f ? { id, from: f.from, to: f.to, type: f.type, send: f.send_ms, deliver: f.deliver_ms, end: null, status: 'flight', why: null, fields: f.fields || null } : null;
  }

  function open(sel, focus) {
    selected = sel;
    shownHTML = '';
    place();
    panel.hidden = false;
    diagram.select(sel.kind === 'message' ? sel.id : null);
    render(true);
    if (focus) panel.focus({ preventScroll: false });
  }

  function inspectNode(id, focus = false) { open({ kind: 'node', id }, focus); }
  function inspectMessage(id, focus = false) { open({ kind: 'message', id }, focus); }

  function close() {
    selected = null;
    panel.hidden = true;
    shownHTML = '';
    diagram.select(null);
  }

  panel.addEventListener('click', (e) => {
    const m = e.target.closest('[data-insp-msg]');
    if (m) { inspectMessage(Number(m.dataset.inspMsg), true); return; }
    const b = e.target.closest('[data-insp]');
    if (!b || !selected) return;
    switch (b.dataset.insp) {
      case 'close': close(); break;
      case 'drop': {
        const err = on.run(commands.drop(selected.id));
        if (!err) render(true);
        break;
      }
      case 'popover': on.openPopover(selected.id); break;
      default: break;
    }
  });
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); e.stopPropagation(); } });

  return {
    store,
    diagram,
    get selected() { return selected ? { ...selected } : null; },
    /**
     * After time moved or a command ran: the new trace events, the view, the
     * sim (for message contents). `exact` (a command, a step, a pause — not a
     * playing frame) shows the new instant at once: with the clock stopped no
     * later frame would catch up a refresh skipped by the throttle.
     */
    observe(events, view, sim, exact = false) {
      store.ingest(events);
      if (sim && typeof sim.sent_messages === 'function') store.addFields(sim.sent_messages());
      if (view) store.noteView(view);
      render(exact);
    },
    /** Every frame: the diagram (repaints only on change), and the inspector once things settle. */
    draw(now) {
      if (selected) place();
      diagram.draw(now);
      if (selected && performance.now() - lastShown >= 200) render(false);
    },
    reset() { store.clear(); close(); },
    /** After time travel the inspector shows the new instant at once. */
    travelled() { render(true); },
    relabel() { shownHTML = ''; diagram.relabel(); render(true); },
    inspectNode,
    inspectMessage,
    close,
  };
}
