// The message tables: English and Chinese have the same keys (including the
// renderer's), every key the page's layout names exists, placeholders agree,
// and the Chinese table is actually Chinese. Run: node --test web/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import en from '../i18n/en.js';
import zh from '../i18n/zh.js';
import { translator, langFromTag } from '../i18n/index.js';

const CJK = /[\u3400-\u9fff]/;
const SAMPLE = {
  node: 3, from: 1, to: 2, term: 4, candidate: 2, leader: 1, vote: 'v', role_to: 'r', index: 5, key: 'x',
  value: '1', client: 1, result: '1', op: 'put', text: 'crash n1', line: 2, message: 'm', invariant: 'i',
  from_index: 3, to_index: 4, groups: [[1, 2], [3]], type: 'AppendEntries', why: 'w', votes: 3,
  candidate_term: 1, current_term: 2, leader_term: 1, voted_for: 2, candidate_last_term: 1,
  candidate_last_index: 2, last_term: 3, last_index: 4, prev_log_index: 2, prev_log_term: 1, found_term: 2,
  leader_hint: 1, writes: 2, readies: 3, lease: 'web', leases: 2, error: 'compacted',
};

test('English and Chinese tables have the same keys', () => {
  const a = Object.keys(en).sort();
  const b = Object.keys(zh).sort();
  assert.deepEqual(a.filter((k) => !b.includes(k)), [], 'keys only in English');
  assert.deepEqual(b.filter((k) => !a.includes(k)), [], 'keys only in Chinese');
});

test('placeholders match between languages', () => {
  const names = (s) => (typeof s === 'string' ? [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);
  for (const k of Object.keys(en)) {
    if (typeof en[k] !== 'string' || typeof zh[k] !== 'string') continue;
    assert.deepEqual(names(zh[k]), names(en[k]), `placeholders of ${k}`);
  }
});

test('function entries render without undefined', () => {
  for (const table of [en, zh]) {
    for (const [k, v] of Object.entries(table)) {
      if (typeof v !== 'function') continue;
      const s = v(SAMPLE);
      assert.equal(typeof s, 'string', k);
      assert.ok(!/undefined|NaN/.test(s), `${k} → ${s}`);
    }
  }
});

test('the Chinese table is written in Chinese', () => {
  // An entry identical to the English one that reads as an English phrase was
  // not translated. (Message type names like "AppendEntries" may stay.)
  const untranslated = Object.keys(zh).filter((k) =>
    typeof zh[k] === 'string' && zh[k] === en[k] && /[A-Za-z]{2,} [A-Za-z]{2,}/.test(zh[k]));
  assert.deepEqual(untranslated, [], 'entries still in English');
  for (const k of ['ctl.step', 'ctl.reset', 'ctl.heal', 'role.leader', 'role.follower', 'role.candidate', 'banner.title']) {
    assert.ok(CJK.test(zh[k]), `${k} = ${zh[k]}`);
  }
});

test('every key the layout uses exists', () => {
  const html = readFileSync(new URL('../ui/layout.js', import.meta.url), 'utf8');
  const keys = [...html.matchAll(/data-i18n(?:-title|-placeholder|-aria)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 30);
  for (const k of keys) assert.ok(en[k] !== undefined, `missing key ${k}`);
});

test('translators fill placeholders, fall back to the key, and are independent per language', () => {
  const en = translator('en');
  const zh = translator('zh');
  assert.equal(en('status.leader', { id: 2, term: 5 }), 'leader n2, term 5');
  assert.equal(zh('status.leader', { id: 2, term: 5 }), '领导者 n2，任期 5');
  // Making the Chinese translator did not change the English one (no global language).
  assert.equal(en('status.leader', { id: 2, term: 5 }), 'leader n2, term 5');
  assert.equal(en('no.such.key'), 'no.such.key');
  assert.ok(en.has('ctl.play'));
  assert.ok(!en.has('no.such.key'));
  assert.equal(translator('xx').lang, 'en');
  assert.equal(langFromTag('zh-Hans-CN'), 'zh');
  assert.equal(langFromTag('en-GB'), 'en');
  assert.equal(langFromTag('fr'), null);
});
