// The space-time diagram's store and layout (web/diagram/) and the
// inspector's Figure 2 rows (web/ui/inspector.js), fed by the real simulator
// (the release wasm in web/pkg, loaded into node). Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasm } from './wasm.mjs';
import { createDiagramStore } from '../diagram/store.js';
import { buildScene, sceneToSVG, hitArrow, MAX_ARROWS, isHeartbeat, paintScene, sameStrip, plotWidth } from '../diagram/scene.js';
import { messageFigure2, nodeFigure2, FIGURE2_ORDER } from '../ui/inspector.js';

let wasm;

before(async () => { wasm = await loadWasm(); });

/** Run `text`, then advance `ms` in `step`-ms frames, feeding a store as the page does. */
function run(text, ms, step = 16, store = createDiagramStore()) {
  const sim = new wasm.Simulation(text);
  const all = [];
  const feed = () => {
    const evs = sim.events();
    all.push(...evs);
    store.ingest(evs);
    store.addFields(sim.sent_messages());
    store.noteView(sim.state());
  };
  feed();
  for (let t = 0; t < ms; t += step) { sim.advance(step); feed(); }
  return { sim, store, events: all };
}

test('every sent message becomes one arrow record with its end, type and Figure 2 contents', () => {
  const { sim, store, events } = run('cluster 5\nseed 4\n', 2000);
  const sent = events.filter((e) => e.kind === 'message-sent');
  assert.ok(sent.length > 50, `a leader was elected and heartbeats flow (${sent.length} messages)`);
  assert.equal(store.size, sent.length);
  for (const e of events) {
    const m = store.message(e.id);
    if (e.kind === 'message-sent') {
      assert.equal(m.type, e.type); assert.equal(m.from, e.from); assert.equal(m.to, e.to); assert.equal(m.send, e.time_ms);
      assert.ok(m.fields, `m${e.id} has its contents`);
      assert.equal(m.fields.term > 0, true);
    } else if (e.kind === 'message-delivered') {
      assert.equal(m.status, 'delivered'); assert.equal(m.end, e.time_ms);
    } else if (e.kind === 'message-dropped') {
      assert.equal(m.status, 'dropped'); assert.equal(m.why, e.why);
    }
  }
  // Still in flight: what the store holds is what the view model says now.
  const v = sim.state();
  assert.ok(v.in_flight.length > 0);
  for (const f of v.in_flight) {
    const m = store.message(f.id);
    assert.equal(m.status, 'flight');
    assert.equal(m.deliver, f.deliver_ms);
    assert.deepEqual(m.fields, f.fields);
  }
  sim.free();
});

test('Figure 2 names and order: RequestVote, AppendEntries and their replies', () => {
  const { sim, store } = run('cluster 5\nseed 4\nput x 1\n', 1500);
  const byType = (type) => store.state.order.find((m) => m.type === type && (type !== 'AppendEntries' || m.fields.entries.length));
  const rv = byType('RequestVote');
  assert.deepEqual(messageFigure2('RequestVote', rv.fields).slice(0, 4).map((r) => r.name), FIGURE2_ORDER.RequestVote);
  assert.equal(rv.fields.candidate_id, rv.from);
  const ae = byType('AppendEntries');
  assert.deepEqual(messageFigure2('AppendEntries', ae.fields).slice(0, 6).map((r) => r.name), FIGURE2_ORDER.AppendEntries);
  assert.equal(ae.fields.leader_id, ae.from);
  assert.ok(ae.fields.entries.every((e, i) => e.index === ae.fields.prev_log_index + 1 + i), 'entries follow prev_log_index');
  const rvr = byType('RequestVoteResponse');
  assert.equal(typeof rvr.fields.vote_granted, 'boolean');
  const aer = byType('AppendEntriesResponse');
  assert.equal(typeof aer.fields.success, 'boolean');
  // What the receiver of a delivered RequestVote did: a vote event for that candidate, and its reply.
  const delivered = store.state.order.find((m) => m.type === 'RequestVote' && m.status === 'delivered');
  const out = store.outcome(delivered.id);
  assert.ok(out.events.some((e) => (e.kind === 'vote-granted' || e.kind === 'vote-denied') && e.candidate === delivered.from));
  assert.equal(out.reply.type, 'RequestVoteResponse');
  assert.equal(out.reply.from, delivered.to);
  assert.equal(out.reply.send, delivered.end);
  sim.free();
});

test('a server inspected: Figure 2 state equals the view model', () => {
  const { sim } = run('cluster 3\nseed 2\nput x 1\n', 1200);
  const v = sim.state();
  const leader = v.nodes.find((n) => n.role === 'leader');
  const f = nodeFigure2(v, leader.id);
  assert.equal(f.persistent.current_term, leader.term);
  assert.equal(f.volatile.commit_index, leader.commit);
  assert.deepEqual(f.leader.map((p) => [p.peer, p.next_index, p.match_index]), leader.progress.map((p) => [p.id, p.next_index, p.match_index]));
  assert.equal(f.timer.kind, 'heartbeat');
  const follower = v.nodes.find((n) => n.role === 'follower');
  const g = nodeFigure2(v, follower.id);
  assert.equal(g.leader, null);
  assert.equal(g.timer.left_ms, follower.timer_timeout_ms - follower.timer_elapsed_ms);
  sim.free();
});

test('replaying from an earlier instant (time travel) gives the same store as a straight run', () => {
  const text = 'cluster 5\nseed 7\n';
  const straight = run(text, 1600);
  // Run to 1600 ms, then replay from a clone taken at 800 ms: the store forgets 800+ and rebuilds it.
  const store = createDiagramStore();
  const a = new wasm.Simulation(text);
  const feed = (sim) => { store.ingest(sim.events()); store.addFields(sim.sent_messages()); };
  feed(a);
  for (let t = 0; t < 800; t += 16) { a.advance(16); feed(a); }
  const at800 = a.clone();
  for (let t = 800; t < 1600; t += 16) { a.advance(16); feed(a); }
  const sizeBefore = store.size;
  at800.events(); at800.sent_messages();
  for (let t = 800; t < 1600; t += 16) { at800.advance(16); feed(at800); }
  assert.equal(store.size, sizeBefore);
  assert.deepEqual(store.state.order.map((m) => [m.id, m.status, m.end]), straight.store.state.order.map((m) => [m.id, m.status, m.end]));
  // A different future (a crash in the past) replaces the old one.
  const b = at800.clone();
  b.exec('crash n1');
  b.advance(300);
  store.ingest(b.events());
  assert.ok(store.state.roles.get(1).some((r) => r.role === 'down'));
  assert.ok(store.state.lastTime <= Number(b.time_ms()));
  for (const s of [a, at800, b, straight.sim]) s.free();
});

test('the scene: one lane per server, an arrow per visible message, crashes and partitions shaded', () => {
  const { sim, store } = run('cluster 5\nseed 4\nrun 600ms\ncrash n2\npartition n1 n3 | n4 n5\nrun 500ms\nheal\n', 400);
  const now = Number(sim.time_ms());
  const vp = { t0: 0, t1: now, width: 900, height: 240, now, hover: null, selected: null };
  const scene = buildScene(store, vp);
  assert.deepEqual(scene.lanes, [1, 2, 3, 4, 5]);
  const visible = store.visible(vp.t0, vp.t1);
  assert.ok(visible.length < MAX_ARROWS);
  assert.equal(scene.arrows.length, visible.filter((m) => scene.lanes.includes(m.from) && scene.lanes.includes(m.to)).length);
  // An arrow starts at its sender's lane at its send time.
  const m = visible[visible.length - 1];
  const a = scene.arrows.find((x) => x.id === m.id);
  assert.equal(Math.round(a.x1), Math.round(scene.x(m.send)));
  assert.equal(a.y1, scene.geo.y.get(m.from));
  assert.equal(hitArrow(scene, (a.x1 + a.x2) / 2, (a.y1 + a.y2) / 2, 3) !== null, true);
  assert.ok(scene.prims.some((p) => p.cls === 'crash'), 'n2 crashed: a shaded span');
  assert.ok(scene.prims.some((p) => p.cls === 'partition'), 'the partition is shaded');
  assert.ok(scene.prims.some((p) => p.cls === 'role-leader'), 'a leader band');
  const svg = sceneToSVG(scene, 'test');
  assert.equal((svg.match(/class="lane"/g) || []).length, 5);
  assert.equal((svg.match(/class="msg"/g) || []).length, scene.arrows.length);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // Dropped messages (to the crashed n2, across the partition) end in ×.
  const dropped = visible.filter((x) => x.status === 'dropped').length;
  assert.ok(dropped > 0);
  assert.equal(scene.prims.filter((p) => p.cls === 'drop').length, dropped);
  sim.free();
});

test('zoomed out over a long busy run, heartbeats give way and at most MAX_ARROWS are drawn', () => {
  const { sim, store } = run('cluster 15\nseed 3\n', 20000, 200);
  const now = Number(sim.time_ms());
  const scene = buildScene(store, { t0: 0, t1: now, width: 1200, height: 400, now, hover: null, selected: null });
  assert.ok(store.size > MAX_ARROWS, `${store.size} messages`);
  assert.ok(scene.arrows.length <= MAX_ARROWS);
  assert.ok(scene.hidden > 0);
  // The zoomed-out index holds exactly the visible messages that are not heartbeats.
  const brute = store.visible(0, now).filter((m) => !isHeartbeat(m) && !(m.type === 'AppendEntriesResponse' && m.status === 'dropped' && m.fields.success)).map((m) => m.id);
  assert.deepEqual(store.visibleNotable(0, now).map((m) => m.id), brute);
  assert.ok(store.countIn(0, now) >= store.visible(0, now).length);
  const kept = new Set(scene.arrows.map((a) => a.id));
  assert.ok(store.state.order.filter((m) => kept.has(m.id)).every((m) => !isHeartbeat(m)), "heartbeats are the first to go");
  sim.free();
});

test('painting batches primitives of one style into one path, and starts a new one when any part of the style changes', () => {
  // A context that records the calls that draw or change style.
  const calls = [];
  const ctx = new Proxy({}, {
    get: (_, name) => (...args) => calls.push([name, ...args]),
    set: (_, name, value) => { calls.push([`=${name}`, value]); return true; },
  });
  const line = (x, extra = {}) => ({ k: 'line', x1: x, y1: 0, x2: x + 5, y2: 9, stroke: '#123456', w: 1, ...extra });
  const prims = [
    line(0), line(1, { dash: [4, 3] }), line(2, { dash: [4, 3] }), // equal dashes, distinct arrays: one path
    line(3, { dash: [] }), line(4), // an empty dash is no dash
    line(5, { alpha: 0.5 }), line(6, { w: 2 }), line(7, { stroke: '#654321' }),
    { k: 'head', x1: 0, y1: 0, x2: 10, y2: 0, s: 4, fill: '#123456' }, { k: 'circle', x: 1, y: 1, r: 2, fill: '#123456' },
    { k: 'cross', x: 1, y: 1, s: 2, stroke: '#123456', w: 1 },
  ];
  paintScene(ctx, { prims });
  const paths = calls.filter(([n]) => n === 'stroke' || n === 'fill').map(([n]) => n);
  // line 0 | lines 1–2 (dashed) | lines 3–4 | alpha | width | colour | head + circle | cross
  assert.deepEqual(paths, ['stroke', 'stroke', 'stroke', 'stroke', 'stroke', 'stroke', 'fill', 'stroke']);
  assert.equal(calls.filter(([n]) => n === 'beginPath').length, paths.length, 'one path per batch');
  assert.equal(calls.filter(([n]) => n === 'lineTo').length, 8 + 2 + 2, 'every line, the head\'s two sides, the cross\'s two strokes');
  const dashes = calls.filter(([n]) => n === 'setLineDash').map(([, d]) => d.join(','));
  assert.deepEqual(dashes.slice(0, 3), ['', '4,3', ''], 'the dash pattern follows the batch');
});

test('sameStrip: a window moved by whole pixels paints its middle alike, unless an arrow there changes', () => {
  // The panel moves the old picture instead of painting it again only when this holds (web/diagram/panel.js).
  const { sim, store } = run('cluster 5\nseed 4\n', 3000);
  const now = Number(sim.time_ms());
  const width = 900;
  const span = 1500;
  const msPerPx = span / plotWidth(width);
  const scene = (t0, extra = {}) => buildScene(store, { t0, t1: t0 + span, width, height: 240, now, hover: null, selected: null, ...extra });
  const t0 = now - 1400;
  const a = scene(t0);
  const b = scene(t0 + 10 * msPerPx); // 10 px further on
  assert.ok(b.arrows.filter((r) => r.x1 > 104 && r.x2 < 700).length > 10, 'arrows in the strip');
  assert.equal(sameStrip(a, b, 10, 104, 700), true);
  assert.equal(sameStrip(a, b, 9, 104, 700), false, 'moved by another distance');
  assert.equal(sameStrip(a, scene(t0, { width: 901 }), 0, 104, 700), false, 'another scale');
  // A selected arrow is drawn wider: inside the strip it counts, outside it does not.
  const inside = b.arrows.find((r) => Math.min(r.x1, r.x2) > 300 && Math.max(r.x1, r.x2) < 500);
  assert.equal(sameStrip(a, scene(t0 + 10 * msPerPx, { selected: inside.id }), 10, 104, 700), false);
  const outside = b.arrows.find((r) => Math.min(r.x1, r.x2) > 720);
  assert.ok(outside, 'an arrow right of the strip');
  assert.equal(sameStrip(a, scene(t0 + 10 * msPerPx, { selected: outside.id }), 10, 104, 700), true);
  sim.free();
});
