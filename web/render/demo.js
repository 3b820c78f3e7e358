// Renderer harness: fake view models (docs/view-model.md) fed to the ring, the
// log panel and the legend, so the drawing can be developed and checked
// without the wasm build. Not loaded by the real page.
//
// URL parameters: scene=five|fifteen|partition|joint|election|single,
// t=<sim ms> (freeze time, for screenshots), lang=en|zh, hover=node:3|message:7,
// select=3, drag=3, bench=1 (draw the 15-node scene 500× and report).

import { createRingRenderer } from './ring.js';
import { createLogPanel } from './logpanel.js';
import { buildLegend } from './legend.js';
import en from '../i18n/render-en.js';
import zh from '../i18n/render-zh.js';

const params = new URLSearchParams(location.search);
let lang = params.get('lang') || 'en';
function t(key, p) {
  const table = lang === 'zh' ? zh : en;
  let s = table[key];
  if (s === undefined) return key;
  if (p) s = s.replace(/\{(\w+)\}/g, (m, k) => (p[k] !== undefined ? String(p[k]) : m));
  return s;
}

// ------------------------------------------------------------ fake views

const CMDS = ['put x 1', 'put y 2', 'put name alice', 'get x', 'put x 3', 'put counter 17', 'put z 0', 'get y'];

function makeLog(terms, snapshotIndex = 0) {
  const log = [];
  terms.forEach((term, i) => {
    const index = i + 1;
    if (index <= snapshotIndex) return;
    const first = i === 0 || terms[i - 1] !== term;
    log.push({ index, term, command: first ? 'noop' : CMDS[(index * 7) % CMDS.length] });
  });
  return log;
}

function node(id, o) {
  const terms = o.terms || [];
  const snap = o.snapshot_index || 0;
  return {
    id,
    up: o.role !== 'down',
    role: o.role || 'follower',
    term: o.term ?? 1,
    voted_for: o.voted_for ?? null,
    commit: o.commit ?? terms.length,
    applied: o.applied ?? o.commit ?? terms.length,
    last_index: terms.length,
    snapshot_index: snap,
    snapshot_term: snap ? terms[snap - 1] : 0,
    log: makeLog(terms, snap),
    kv: o.kv || { x: '3', y: '2', name: 'alice' },
    leader_id: 'leader_id' in o ? o.leader_id : (!o.role || o.role === 'follower' ? o.voted_for ?? null : null),
    timer_elapsed_ms: o.elapsed ?? 60,
    timer_timeout_ms: o.timeout ?? 240,
    membership: o.membership || { voters: o.voters || [1, 2, 3, 4, 5], voters_outgoing: [], learners: [] },
    progress: o.progress || [],
    transfer_target: o.transfer_target ?? null,
    votes_granted: o.votes_granted || [],
    // Fake data in the shape raft-core reports (Status::quorum).
    quorum: o.quorum || [{ role: 'all', ids: o.voters || [1, 2, 3, 4, 5], need: 3, have: o.votes_granted ? o.votes_granted.length : null }],
  };
}

function baseView(nodes, inFlight, extra = {}) {
  return {
    ok: true,
    time_ms: 0,
    seed: 1,
    failures: [],
    violations: [],
    messages: { sent: {}, delivered: {}, dropped: {} },
    nodes,
    history: [],
    in_flight: inFlight,
    network: { latency_ms: [10, 30], loss: 0, duplicate: 0, partition: null, cuts: [], ...(extra.network || {}) },
    setup: { cluster: nodes.length, seed: 1, election_timeout_ms: [150, 300], heartbeat_ms: 50, prevote: false,
      check_quorum: false, snapshot_threshold: 0, read_mode: 'read-index' },
    members: nodes.map((n) => n.id),
  };
}

let nextId = 1;
function msg(from, to, type, send, deliver, o = {}) {
  return { id: nextId++, from, to, type, send_ms: send, deliver_ms: deliver, term: o.term ?? 3,
    entries: o.entries ?? (type === 'AppendEntries' ? 0 : null), success: o.success ?? null, detail: o.detail || '' };
}

const T = [1, 1, 1, 2, 2, 3, 3, 3, 3, 3];

const scenes = {
  five() {
    const voters = [1, 2, 3, 4, 5];
    const progress = [
      { id: 2, next_index: 11, match_index: 10, state: 'replicate', is_learner: false },
      { id: 3, next_index: 9, match_index: 8, state: 'replicate', is_learner: false },
      { id: 4, next_index: 6, match_index: 5, state: 'probe', is_learner: false },
      { id: 5, next_index: 4, match_index: 0, state: 'snapshot', is_learner: false },
    ];
    const nodes = [
      node(1, { role: 'leader', term: 3, voted_for: 1, terms: T, commit: 8, applied: 8, elapsed: 20, timeout: 50, progress, voters }),
      node(2, { term: 3, voted_for: 1, terms: T, commit: 8, applied: 7, elapsed: 40 }),
      node(3, { term: 3, voted_for: 1, terms: T.slice(0, 8), commit: 8, elapsed: 200, timeout: 230 }),
      node(4, { role: 'down', term: 2, voted_for: 4, terms: [1, 1, 1, 2, 2, 2, 2], commit: 5, kv: { x: '1' } }),
      node(5, { term: 3, voted_for: null, terms: [1, 1, 1], commit: 3, snapshot_index: 2, elapsed: 120, kv: {} }),
    ];
    const f = [
      msg(1, 2, 'AppendEntries', 0, 60, { entries: 0, detail: 'prev=10/3 commit=8' }),
      msg(1, 3, 'AppendEntries', 10, 70, { entries: 2, detail: 'prev=8/3 commit=8' }),
      msg(2, 1, 'AppendEntriesResponse', 5, 65, { success: true }),
      msg(3, 1, 'AppendEntriesResponse', 20, 80, { success: false, detail: 'conflict term 2' }),
      msg(1, 5, 'InstallSnapshot', 0, 80, { detail: 'last=8/3' }),
      msg(5, 1, 'InstallSnapshotResponse', 30, 90),
      msg(1, 2, 'TimeoutNow', 40, 100),
      msg(3, 5, 'RequestVote', 0, 60, { term: 4 }),
      msg(3, 2, 'PreVote', 15, 75, { term: 4 }),
      msg(5, 3, 'RequestVoteResponse', 20, 80, { success: true }),
      msg(2, 3, 'RequestVoteResponse', 25, 85, { success: false }),
      msg(2, 3, 'PreVoteResponse', 35, 95, { success: true }),
      msg(1, 4, 'AppendEntries', 0, 45, { entries: 5 }),
    ];
    const v = baseView(nodes, f);
    v.events = [{ kind: 'message-dropped', id: f[12].id, from: 1, to: 4, type: 'AppendEntries', why: 'crashed', time_ms: 45 },
      { kind: 'message-dropped', id: 999, from: 2, to: 5, type: 'AppendEntries', why: 'loss', time_ms: 50 }];
    return v;
  },
  fifteen() {
    const ids = Array.from({ length: 15 }, (_, i) => i + 1);
    const long = Array.from({ length: 64 }, (_, i) => (i < 10 ? 1 : i < 30 ? 2 : i < 50 ? 4 : 5));
    const progress = ids.filter((i) => i !== 7).map((id) => ({
      id, next_index: 65 - (id % 4), match_index: 64 - (id % 4), state: 'replicate', is_learner: false }));
    const nodes = ids.map((id) => node(id, {
      role: id === 7 ? 'leader' : id === 12 ? 'down' : 'follower',
      term: id === 12 ? 4 : 5,
      voted_for: 7,
      voters: ids,
      terms: id === 12 ? long.slice(0, 40) : long.slice(0, 64 - (id % 4)),
      commit: id === 12 ? 38 : 60 - (id % 4),
      snapshot_index: id % 3 === 0 ? 30 : 0,
      elapsed: (id * 37) % 200,
      timeout: 200 + (id * 13) % 100,
      progress: id === 7 ? progress : [],
      kv: { x: String(id), y: '2', counter: '17', name: 'alice', k5: 'v' },
    }));
    const f = [];
    // ~200 messages: replication traffic both ways with varied phases.
    for (let r = 0; r < 9; r++) {
      for (const id of ids) {
        if (id === 7) continue;
        const s = r * 14 + (id % 5) * 2;
        f.push(msg(7, id, 'AppendEntries', s, s + 30 + (id % 7), { entries: r % 3 === 0 ? 0 : 1 + (id % 4), term: 5 }));
        if (r % 2 === 0) f.push(msg(id, 7, 'AppendEntriesResponse', s + 4, s + 34, { success: id % 9 !== 0, term: 5 }));
      }
    }
    return baseView(nodes, f);
  },
  partition() {
    const voters = [1, 2, 3, 4, 5];
    const nodes = [
      node(1, { role: 'leader', term: 2, voted_for: 1, terms: [1, 1, 2, 2, 2, 2, 2], commit: 4, elapsed: 30, timeout: 50, voters,
        progress: [{ id: 2, next_index: 8, match_index: 7, state: 'replicate' }, { id: 3, next_index: 5, match_index: 4, state: 'probe' },
          { id: 4, next_index: 5, match_index: 4, state: 'probe' }, { id: 5, next_index: 5, match_index: 4, state: 'probe' }] }),
      node(2, { term: 2, voted_for: 1, terms: [1, 1, 2, 2, 2, 2, 2], commit: 4, elapsed: 20 }),
      node(3, { role: 'leader', term: 3, voted_for: 3, terms: [1, 1, 2, 2, 3, 3], commit: 6, elapsed: 10, timeout: 50, voters,
        progress: [{ id: 4, next_index: 7, match_index: 6 }, { id: 5, next_index: 7, match_index: 6 }, { id: 1, next_index: 5, match_index: 0 }, { id: 2, next_index: 5, match_index: 0 }] }),
      node(4, { term: 3, voted_for: 3, terms: [1, 1, 2, 2, 3, 3], commit: 6, elapsed: 70 }),
      node(5, { term: 3, voted_for: 3, terms: [1, 1, 2, 2, 3, 3], commit: 6, elapsed: 190, timeout: 220 }),
    ];
    const f = [
      msg(1, 2, 'AppendEntries', 0, 40, { entries: 1, term: 2 }),
      msg(3, 4, 'AppendEntries', 10, 50, { term: 3 }),
      msg(4, 3, 'AppendEntriesResponse', 20, 60, { success: true }),
      msg(5, 4, 'AppendEntries', 0, 60, { term: 3 }),
    ];
    const v = baseView(nodes, f, { network: { partition: [[1, 2], [3, 4, 5]], cuts: [[5, 4], [3, 5], [5, 3]] } });
    v.events = [{ kind: 'message-dropped', id: 998, from: 1, to: 3, type: 'AppendEntries', why: 'partition', time_ms: 30 }];
    return v;
  },
  joint() {
    const m = { voters: [3, 4, 5, 6], voters_outgoing: [1, 2, 3, 4], learners: [7] };
    const terms = [1, 1, 1, 1, 2, 2, 2];
    const nodes = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => node(id, {
      role: id === 3 ? 'leader' : 'follower', term: 2, voted_for: 3, terms: id === 8 ? [1, 1] : terms,
      commit: 6, elapsed: 30 + id * 20, timeout: id === 3 ? 50 : 260, membership: m,
      progress: id === 3 ? [1, 2, 4, 5, 6, 7].map((p) => ({ id: p, next_index: 8, match_index: 7, is_learner: p === 7 })) : [],
    }));
    nodes.forEach((n) => { n.log[6] && (n.log[6].command = 'config joint n5 n6 -n1 -n2'); });
    const f = [3, 4, 5, 6, 1, 2, 7].filter((i) => i !== 3).map((to, i) => msg(3, to, 'AppendEntries', i * 6, 40 + i * 6, { entries: 1, term: 2 }));
    return baseView(nodes, f);
  },
  election() {
    const voters = [1, 2, 3, 4, 5];
    const nodes = [
      node(1, { role: 'candidate', term: 4, voted_for: 1, terms: [1, 2, 2, 3], commit: 3, elapsed: 50, timeout: 280, votes_granted: [1, 2], voters }),
      node(2, { term: 4, voted_for: 1, leader_id: null, terms: [1, 2, 2, 3], commit: 3, elapsed: 10, timeout: 190 }),
      node(3, { role: 'pre-candidate', term: 3, voted_for: 5, terms: [1, 2, 2], commit: 3, elapsed: 5, timeout: 210, votes_granted: [3] }),
      node(4, { term: 3, voted_for: 5, leader_id: null, terms: [1, 2, 2, 3], commit: 3, elapsed: 160, timeout: 200 }),
      node(5, { term: 3, voted_for: 5, terms: [1, 2, 2, 3, 3], commit: 3, elapsed: 120, timeout: 300 }),
    ];
    const f = [
      msg(1, 3, 'RequestVote', 0, 40, { term: 4 }), msg(1, 4, 'RequestVote', 4, 44, { term: 4 }), msg(1, 5, 'RequestVote', 8, 48, { term: 4 }),
      msg(2, 1, 'RequestVoteResponse', 10, 50, { success: true, term: 4 }),
      msg(3, 2, 'PreVote', 0, 35, { term: 4 }), msg(3, 4, 'PreVote', 2, 37, { term: 4 }),
      msg(5, 1, 'RequestVoteResponse', 15, 55, { success: false, term: 4, detail: 'log-behind' }),
    ];
    return baseView(nodes, f);
  },
  single() {
    return baseView([node(1, { role: 'leader', term: 1, voted_for: 1, terms: [1, 1, 1], elapsed: 20, timeout: 50, voters: [1] })], []);
  },
};

// ------------------------------------------------------------ page

const ringCanvas = document.getElementById('ring');
const logCanvas = document.getElementById('log');
const ring = createRingRenderer(ringCanvas, { t });
const panel = createLogPanel(logCanvas, { t });
buildLegend(document.getElementById('legend'), { t });

let sceneName = params.get('scene') || 'five';
let view = scenes[sceneName]();
const frozen = params.has('t') ? Number(params.get('t')) : null;
const ui = { selectedNode: params.has('select') ? Number(params.get('select')) : null, hover: null, dragging: null, groups: null, events: [] };
const hoverParam = params.get('hover');
if (hoverParam) {
  const [kind, id] = hoverParam.split(':');
  ui.hover = { kind, id: Number(id) };
}

const bar = document.getElementById('bar');
for (const name of Object.keys(scenes)) {
  const b = document.createElement('button');
  b.textContent = name;
  b.className = name === sceneName ? 'on' : '';
  b.onclick = () => {
    sceneName = name;
    view = scenes[name]();
    for (const x of bar.querySelectorAll('button')) x.className = x.textContent === name ? 'on' : '';
  };
  bar.insertBefore(b, document.getElementById('perf'));
}
const langBtn = document.createElement('button');
langBtn.textContent = 'en / 中文';
langBtn.onclick = () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  buildLegend(document.getElementById('legend'), { t });
};
bar.insertBefore(langBtn, document.getElementById('perf'));

function fit() {
  ring.resize();
  panel.resize();
  if (frozen != null && window.demoReady) frame(); // resizing clears a canvas
}
window.addEventListener('resize', fit);
fit();

ringCanvas.addEventListener('pointermove', (e) => {
  const r = ringCanvas.getBoundingClientRect();
  const x = e.clientX - r.left;
  const y = e.clientY - r.top;
  if (ui.dragging) { ui.dragging.x = x; ui.dragging.y = y; return; }
  ui.hover = ring.hitTest(x, y);
});
ringCanvas.addEventListener('pointerdown', (e) => {
  const r = ringCanvas.getBoundingClientRect();
  const hit = ring.hitTest(e.clientX - r.left, e.clientY - r.top);
  if (hit && hit.kind === 'node') {
    ui.selectedNode = hit.id;
    ui.dragging = { id: hit.id, x: e.clientX - r.left, y: e.clientY - r.top };
  }
});
window.addEventListener('pointerup', () => { ui.dragging = null; });
if (params.has('drag')) ui.dragging = { id: Number(params.get('drag')), x: 60, y: 60 };

const PERIOD = 110;
const start = performance.now();
const frameTimes = [];
function frame() {
  const sim = frozen != null ? frozen : ((performance.now() - start) / 25) % PERIOD; // 40× slow motion
  view.time_ms = Math.floor(sim);
  ui.events = view.events || [];
  const t0 = performance.now();
  ring.draw(view, sim, ui);
  panel.draw(view, ui);
  frameTimes.push(performance.now() - t0);
  if (frameTimes.length > 120) frameTimes.shift();
  if (frameTimes.length % 30 === 0) {
    const s = frameTimes.slice().sort((a, b) => a - b);
    document.getElementById('perf').textContent = `draw median ${s[s.length >> 1].toFixed(2)} ms, p95 ${s[Math.floor(s.length * 0.95)].toFixed(2)} ms`;
  }
  if (frozen == null) requestAnimationFrame(frame);
}
frame();
if (frozen != null) setTimeout(frame, 500); // after fonts/layout settle

/** Draw the 15-node scene `n` times; returns per-frame ms statistics. */
window.bench = (n = 500, flush = false) => {
  const v = scenes.fifteen();
  const u = { selectedNode: 3, hover: null, dragging: null, groups: null, events: [] };
  const times = [];
  let ringMs = 0;
  for (let i = 0; i < n; i++) {
    const sim = (i * 0.37) % 100;
    v.time_ms = Math.floor(sim);
    const t0 = performance.now();
    ring.draw(v, sim, u);
    ringMs += performance.now() - t0;
    panel.draw(v, u);
    if (flush) { // include rasterisation: reading a pixel forces the canvas to render
      ringCanvas.getContext('2d').getImageData(0, 0, 1, 1);
      logCanvas.getContext('2d').getImageData(0, 0, 1, 1);
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { messages: v.in_flight.length, ringMean: ringMs / n, mean: times.reduce((a, b) => a + b, 0) / n, median: times[n >> 1], p95: times[Math.floor(n * 0.95)], max: times[n - 1] };
};
window.demoReady = true;
window.__demo = { ring, panel, ringCanvas, logCanvas, scenes, ui };
