// The controls panel follows the running simulation: after a reset or a
// loaded scenario, the setup lines and the network settings it carries are
// what the Options, Servers, Seed, latency and loss controls show, so a
// change made there starts from the truth (web/element.js calls these).
import { showBugs } from './bugs.js';
import { SPEEDS } from './layout.js';

/** The element's settings (`{ nodes, seed, prevote, … }`) updated from a view model's `setup`. */
export function settingsFromSetup(settings, setup = {}) {
  const out = { ...settings };
  if (setup.cluster) out.nodes = setup.cluster;
  if (setup.seed !== undefined) out.seed = String(setup.seed);
  out.prevote = !!setup.prevote;
  out.checkQuorum = !!setup.check_quorum;
  if (setup.read_mode) out.readMode = setup.read_mode;
  out.snapshotThreshold = Number(setup.snapshot_threshold) || 0;
  out.bugs = Array.isArray(setup.bugs) ? setup.bugs.slice() : [];
  return out;
}

/** Show `settings` and the view model's `network` in the controls (`els`: web/ui/layout.js). */
export function showSettings(els, settings, net = {}) {
  const doc = els.root.ownerDocument;
  showBugs(els.root.querySelector('.rl-bugs'), settings.bugs);
  els.field('nodes').value = String(settings.nodes);
  els.field('seed').value = settings.seed;
  els.field('prevote').checked = settings.prevote;
  els.field('checkQuorum').checked = settings.checkQuorum;
  els.field('readMode').value = settings.readMode;
  const snap = els.field('snapshotThreshold');
  const n = String(settings.snapshotThreshold);
  if (![...snap.options].some((o) => o.value === n)) {
    // A loaded scenario's own threshold: offer it so the select shows the truth.
    const o = doc.createElement('option');
    o.value = n; o.textContent = n;
    snap.append(o);
  }
  snap.value = n;
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
}

/** The speed select shows `speed` (an unlisted speed, e.g. from the attribute, gets its own option). */
export function showSpeed(sel, speed) {
  let best = SPEEDS[0];
  for (const s of SPEEDS) if (Math.abs(Math.log(s / speed)) < Math.abs(Math.log(best / speed))) best = s;
  if (!SPEEDS.includes(speed)) {
    let opt = sel.querySelector('option[data-custom]');
    if (!opt) { opt = sel.ownerDocument.createElement('option'); opt.dataset.custom = '1'; sel.prepend(opt); }
    opt.value = String(speed);
    opt.textContent = `${speed}×`;
    best = speed;
  }
  sel.value = String(best);
}
