// Every lesson, parsed by the wasm build's lesson_steps() and played the way
// the lesson player plays it (prelude, each step's commands, each task's
// solution and goal, one exec at a time), runs clean and ends on the same
// trace hash as the whole file loaded at once — and as the native
// `raft-sim run` (the hashes the cargo test prints are compared in e2e).
// Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { richText, highlightLabel } from '../lesson/player.js';
import { translator } from '../i18n/index.js';

const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));
const LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));
let wasm;

before(async () => {
  if (!existsSync(`${PKG}raft_wasm_bg.wasm`)) throw new Error('web/pkg is missing: run `npm run build-wasm` first');
  wasm = await import(new URL('../pkg/raft_wasm.js', import.meta.url).href);
  await wasm.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });
});

const files = readdirSync(LESSONS).filter((f) => f.endsWith('.raft')).sort();

test('there are lessons', () => assert.ok(files.length > 0));

for (const file of files) {
  test(`${file}: played step by step in wasm = loaded whole`, () => {
    const text = readFileSync(`${LESSONS}${file}`, 'utf8');
    const lesson = wasm.lesson_steps(text);
    assert.ok(lesson.steps.length >= 3);
    const sim = new wasm.Simulation(lesson.prelude);
    for (const step of lesson.steps) {
      if (step.commands.length) sim.exec(step.commands.join('\n'));
      if (step.task) {
        sim.exec(step.task.solution.join('\n'));
        sim.exec(step.task.until);
      }
    }
    const stepwise = sim.state();
    assert.deepEqual(stepwise.failures, [], 'every expect/await held');
    const whole = new wasm.Simulation(text).state();
    assert.equal(stepwise.trace_hash, whole.trace_hash);
    assert.equal(stepwise.time_ms, whole.time_ms);
  });
}

test('a broken lesson is a located error', () => {
  assert.throws(() => wasm.lesson_steps('title en: T\ntitle zh: 题\nsummary en: S\nsummary zh: 概\ngroup basics\nsection §1\nstep\nen: only English\n'), /^Error: 7:1: this step has no Chinese text/);
});

test('lesson text is escaped, with `code` and **bold**', () => {
  assert.equal(richText('a <b> `put x 1` **leader**'), 'a &lt;b&gt; <code>put x 1</code> <strong>leader</strong>');
  assert.equal(highlightLabel({ kind: 'node', node: 3 }), 'n3');
  assert.equal(highlightLabel({ kind: 'entry', node: null, index: 2 }), 'log entry 2');
  // In the element's language (each element passes its own translator).
  assert.match(highlightLabel({ kind: 'entry', node: null, index: 2 }, translator('zh')), /[\u4e00-\u9fff]/);
  assert.equal(highlightLabel({ kind: 'quorum' }, translator('zh')), translator('zh')('lesson.hl.quorum'));
});
