// Issue 11, etcd on Raft: the key-value panel. After a scenario with leases and
// a watch it shows state().etcd — the keys with value, create/mod revision and
// lease, a lease counting down and then expiring (its key gone), the watcher's
// events arriving in revision order — in both languages and both themes, on a
// phone width too; it writes nothing to the page when nothing changed, and an
// embed shows it only when asked (`controls="kv"`). The lesson etcd-on-raft,
// walked through Next in 中文, ends on the headless trace hash with the
// panel showing the lock held by the waiter.
//
// Everything runs in simulated time: commands move time (`run`, `await …
// within`), autoplay is off, nothing waits for a real delay.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, openLab, exec, screenshot } from './lib/page.mjs';
import { headlessHash, openLesson, walk } from './lib/lesson.mjs';
import en from '../../web/i18n/en.js';
import zh from '../../web/i18n/zh.js';

const fixture = useLab();

// Two services register with leases; one keeps its lease alive, the other
// does not; a watcher on the prefix sees both puts.
const SETUP = [
  'await leader any within 2s',
  'watch w /services/',
  'lease grant a 2s',
  'lease grant b 2s',
  'put /services/a 10.0.0.1 lease a',
  'put /services/b 10.0.0.2 lease b',
  'lease keepalive a every 500ms',
  'await watch w events == 2 within 3s',
  'run 100ms',
].join('\n');

/** The panel as the reader sees it, and the view model it should show. */
async function readPanel(page) {
  return page.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const sec = el.shadowRoot.querySelector('[data-testid="kv"]');
    const box = sec.getBoundingClientRect();
    const text = (sel) => { const n = sec.querySelector(sel); return n ? n.textContent : null; };
    const lease = (li) => ({
      name: li.dataset.lease,
      remaining: li.querySelector('[data-testid="lease-remaining"]').textContent,
      state: li.querySelector('[data-testid="lease-state"]').textContent,
      fill: li.querySelector('.rl-kv-fill').style.width,
    });
    return {
      visible: box.width > 0 && box.height > 0,
      overflows: sec.scrollWidth > sec.clientWidth + 1,
      width: box.width,
      title: text('h2'),
      revision: text('[data-testid="kv-revision"]'),
      head: [...sec.querySelectorAll('.rl-kv-keys th')].map((th) => th.textContent),
      rows: [...sec.querySelectorAll('.rl-kv-keys tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
      leases: [...sec.querySelectorAll('[data-lease]')].map(lease),
      watchers: [...sec.querySelectorAll('[data-watch]')].map((w) => ({
        name: w.dataset.watch,
        info: w.querySelector('.rl-kv-watch-info').textContent,
        events: [...w.querySelectorAll('.rl-kv-ev')].map((li) => [...li.children].map((c) => c.textContent)),
      })),
      etcd: el.state().etcd,
    };
  });
}

/** What the panel must show for `etcd` (the view model's), in `table`'s language. */
function expected(etcd, table) {
  const fill = (s, p) => s.replace(/\{(\w+)\}/g, (_, k) => String(p[k]));
  return {
    revision: fill(table['kv.revisionAt'], { node: `n${etcd.server}`, rev: etcd.revision }),
    rows: etcd.keys.map((k) => [k.key, k.value, String(k.create_revision), String(k.mod_revision), k.lease ?? '—']),
    events: (w) => w.events.map((e) => [String(e.revision), table[`kv.event.${e.type}`], e.key, ...(e.value == null ? [] : [e.value])]),
    remaining: (l) => (l.state === 'alive' && l.remaining_ms != null
      ? fill(table['kv.lease.left'], { left: (Math.ceil(l.remaining_ms / 100) / 10).toFixed(1), ttl: l.ttl_ms / 1000 })
      : null),
  };
}

function assertShows(panel, table) {
  const { etcd } = panel;
  const want = expected(etcd, table);
  assert.equal(panel.title, table['panel.kv']);
  assert.equal(panel.revision, want.revision);
  assert.deepEqual(panel.rows, want.rows, 'one row per key of etcd.server, sorted as raft-sim sorts them');
  assert.deepEqual(panel.leases.map((l) => l.name), etcd.leases.map((l) => l.name));
  for (const l of etcd.leases) {
    const shown = panel.leases.find((x) => x.name === l.name);
    assert.equal(shown.state, table[`kv.lease.${l.state}`], `lease ${l.name}'s state`);
    const r = want.remaining(l);
    if (r) assert.equal(shown.remaining, r, `lease ${l.name}'s countdown is the leader's remaining_ms`);
  }
  assert.deepEqual(panel.watchers.map((w) => w.name), etcd.watchers.map((w) => w.name));
  for (const w of etcd.watchers) {
    assert.deepEqual(panel.watchers.find((x) => x.name === w.name).events, want.events(w), `watcher ${w.name}'s events`);
  }
}

const lease = (panel, name) => panel.leases.find((l) => l.name === name);
const etcdLease = (panel, name) => panel.etcd.leases.find((l) => l.name === name);
const seconds = (text) => Number(/\d+(\.\d+)?/.exec(text)[0]);

test('full view: keys with revisions, a lease counting down then expiring, the watcher\'s events arriving', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  await exec(page, SETUP);
  const first = await readPanel(page);
  assert.ok(first.visible, 'the full view shows the key-value panel');
  assertShows(first, en);
  assert.deepEqual(first.rows.map((r) => [r[0], r[4]]), [['/services/a', 'a'], ['/services/b', 'b']]);
  const [ra, rb] = first.etcd.keys;
  assert.ok(rb.create_revision > ra.create_revision, 'the second put has the later revision');
  assert.equal(first.etcd.revision, rb.mod_revision, 'the revision is the newest write');
  assert.deepEqual(first.watchers[0].events.map((e) => e[2]), ['/services/a', '/services/b']);
  assert.deepEqual(first.watchers[0].events.map((e) => e[0]), [String(ra.create_revision), String(rb.create_revision)]);

  // b is not kept alive: 500 ms later its countdown shows half a second less.
  await exec(page, 'run 500ms');
  const later = await readPanel(page);
  assertShows(later, en);
  const drop = seconds(lease(first, 'b').remaining) - seconds(lease(later, 'b').remaining);
  assert.ok(Math.abs(drop - 0.5) <= 0.11, `b's countdown went down by ${drop} s in 500 ms`);
  assert.ok(parseFloat(lease(later, 'b').fill) < parseFloat(lease(first, 'b').fill), 'its bar shrank');
  assert.equal(etcdLease(later, 'a').keepalive, true);
  await screenshot(page, '11-kv-full-en');

  // b expires: its key is deleted through the log, the watcher sees the delete.
  await exec(page, 'await lease b expired within 3s\nawait watch w saw delete /services/b within 1s\nrun 100ms');
  const gone = await readPanel(page);
  assertShows(gone, en);
  assert.deepEqual(gone.rows.map((r) => r[0]), ['/services/a'], 'the expired lease\'s key is gone');
  assert.equal(lease(gone, 'b').state, en['kv.lease.expired']);
  assert.equal(lease(gone, 'a').state, en['kv.lease.alive'], 'the kept-alive lease lives on');
  const del = gone.watchers[0].events.at(-1);
  assert.deepEqual(del.slice(1), [en['kv.event.delete'], '/services/b']);
  assert.equal(Number(del[0]), gone.etcd.revision, 'the delete is the newest revision');
  assert.ok(gone.etcd.revision > first.etcd.revision);

  // 简体中文: the same numbers, every label in Chinese.
  await page.evaluate(() => { document.querySelector('raft-lab').lang = 'zh'; });
  const zhPanel = await readPanel(page);
  assertShows(zhPanel, zh);
  assert.deepEqual(zhPanel.head, ['kv.col.key', 'kv.col.value', 'kv.col.create', 'kv.col.mod', 'kv.col.lease'].map((k) => zh[k]));
  await screenshot(page, '11-kv-full-zh');
});

test('nothing changed, nothing written: a paused redraw leaves the panel\'s DOM alone; playing touches only what moved', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1');
  t.after(() => page.context().close());
  await exec(page, SETUP);
  const counts = await page.evaluate(async () => {
    const el = document.querySelector('raft-lab');
    const sec = el.shadowRoot.querySelector('[data-testid="kv"]');
    el.render();
    const seen = [];
    const mo = new MutationObserver((list) => { for (const m of list) seen.push(m.target); });
    mo.observe(sec, { subtree: true, childList: true, characterData: true, attributes: true });
    for (let i = 0; i < 5; i++) el.render();
    await new Promise((r) => requestAnimationFrame(r));
    const paused = mo.takeRecords().length + seen.length;
    seen.length = 0;
    // 300 ms of simulated time with nothing written: only countdowns may change.
    el.exec('run 300ms');
    el.render();
    await new Promise((r) => requestAnimationFrame(r));
    for (const m of mo.takeRecords()) seen.push(m.target);
    const outside = seen.filter((n) => !(n.nodeType === 1 ? n : n.parentElement).closest('[data-lease]'));
    mo.disconnect();
    return { paused, moved: seen.length, outside: outside.length };
  });
  assert.equal(counts.paused, 0, 'redrawing the same instant writes nothing');
  assert.ok(counts.moved > 0, 'the countdown moved');
  assert.equal(counts.outside, 0, 'only the leases changed: no key, no watcher was rewritten');
});

test('a 360 px phone and the dark theme: the panel fits the width and speaks Chinese', async (t) => {
  const page = await openLab(fixture.lab, 'nodes=5&seed=1&lang=zh&theme=dark', { viewport: { width: 360, height: 760 }, isMobile: true });
  t.after(() => page.context().close());
  await exec(page, SETUP);
  const panel = await readPanel(page);
  assert.ok(panel.visible);
  assert.ok(!panel.overflows, 'nothing sticks out sideways');
  assertShows(panel, zh);
  await page.evaluate(() => document.querySelector('raft-lab').shadowRoot.querySelector('[data-testid="kv"]').scrollIntoView());
  await screenshot(page, '11-kv-phone-zh-dark', { fullPage: false });
  // The scrolling event list is reachable with the keyboard.
  const focusable = await page.evaluate(() => {
    const list = document.querySelector('raft-lab').shadowRoot.querySelector('.rl-kv-events');
    return list.tabIndex === 0 && !!list.getAttribute('aria-label');
  });
  assert.ok(focusable, 'the event list takes the focus and has a label');
});

test('an embed shows the panel only with controls="kv"', async (t) => {
  const plain = await openLab(fixture.lab, 'view=compact&nodes=3&seed=1');
  t.after(() => plain.context().close());
  await exec(plain, 'await leader any within 2s\nput /k v\nrun 200ms');
  const hidden = await plain.evaluate(() => {
    const el = document.querySelector('raft-lab');
    el.render();
    const sec = el.shadowRoot.querySelector('[data-testid="kv"]');
    return { shown: sec.getBoundingClientRect().height > 0, model: el.kvModel() };
  });
  assert.deepEqual(hidden, { shown: false, model: null }, 'not shown, not even loaded');

  const withKv = await openLab(fixture.lab, 'view=compact&controls=kv&nodes=3&seed=1');
  t.after(() => withKv.context().close());
  await exec(withKv, 'await leader any within 2s\nput /k v\nrun 200ms');
  const panel = await readPanel(withKv);
  assert.ok(panel.visible);
  assertShows(panel, en);
  assert.deepEqual(panel.rows.map((r) => r.slice(0, 2)), [['/k', 'v']]);
});

test('the lesson etcd-on-raft, walked in 中文 with "Show me", ends on the headless hash; the panel shows the lock', async (t) => {
  const page = await openLesson(fixture.lab, 'etcd-on-raft', 'zh');
  t.after(() => page.context().close());
  const { visited, last } = await walk(page, 'zh');
  assert.deepEqual(visited, [...Array(last.total).keys()], 'every step, in order');
  assert.equal(last.hash, headlessHash('21-etcd-on-raft.raft'), 'narration never changes the run');
  const panel = await readPanel(page);
  assertShows(panel, zh);
  assert.ok(panel.rows.some((r) => r[0] === '/lock' && r[1] === 'bob' && r[4] === 'l2'), 'bob holds the lock with lease l2');
  assert.ok(!panel.rows.some((r) => r[0] === '/services/b'), 'the dead service is gone');
  const waiter = panel.watchers.find((w) => w.name === 'waiter');
  assert.deepEqual(waiter.events.at(-1).slice(1, 3), [zh['kv.event.put'], '/lock'], 'the waiter saw its own lock put');
  await screenshot(page, '11-kv-lesson-zh');
  assert.deepEqual(page.errors, []);
});
