// The course catalog (web/lesson/catalog.js) names exactly the lessons in
// lessons/, in the order, and the player's pure helpers escape
// lesson text. Run: node --test web/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COURSE, GROUPS, lessonBySlug } from '../lesson/catalog.js';

const dir = fileURLToPath(new URL('../../lessons/', import.meta.url));

test('the catalog lists every lesson file and no other', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.raft')).sort();
  assert.ok(files.length > 0, 'lessons/ is empty');
  const listed = COURSE.filter((c) => c.file).map((c) => c.file).sort();
  assert.deepEqual(listed, files);
  for (const c of COURSE.filter((x) => x.file)) {
    assert.equal(c.file.replace(/^\d\d-/, '').replace(/\.raft$/, ''), c.slug, `${c.file} is named after its slug`);
  }
});

test('lesson numbers follow the course order', () => {
  const numbered = COURSE.map((c, i) => [c, i + 1]).filter(([c]) => c.file);
  for (const [c, n] of numbered) assert.equal(Number(c.file.slice(0, 2)), n, `${c.file} is lesson ${n} of the course`);
});

test('every lesson sits in a known group, slugs are unique', () => {
  const slugs = new Set();
  for (const c of COURSE) {
    assert.ok(GROUPS.includes(c.group), `${c.slug}: group ${c.group}`);
    assert.ok(!slugs.has(c.slug), `${c.slug} twice`);
    slugs.add(c.slug);
    assert.equal(lessonBySlug(c.slug), c);
  }
  assert.equal(lessonBySlug('no-such-lesson'), null);
});
