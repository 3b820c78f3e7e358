// Break Raft's switches (web/ui/bugs.js) against the real parser and
// simulator (the release wasm in web/pkg): the page offers exactly
// raft_core::Bugs::NAMES, each as a setup line the parser accepts, and a run
// started with them reports them in setup.bugs (the mode chips). Every switch
// has a one-line explanation in both languages. Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasm } from './wasm.mjs';
import { BUG_NAMES, bugLines } from '../ui/bugs.js';
import { setupText } from '../controller.js';
import en from '../i18n/en.js';
import zh from '../i18n/zh.js';

let wasm;

before(async () => { wasm = await loadWasm(); });

test('the page offers exactly the switches raft-core has', () => {
  // The parser names every known switch when it meets an unknown one.
  let message = '';
  try { wasm.inspect_script('cluster 3\nset bug zzzzzzzzzzzzzzzzzzzzzzzz on\n'); } catch (e) { message = String(e.message); }
  const m = /expected one of: (.*)$/.exec(message);
  assert.ok(m, `the parser lists the known switches: ${message}`);
  assert.deepEqual(m[1].split(', '), BUG_NAMES);
});

test('each switch is a setup line; a run started with some reports them in setup.bugs', () => {
  for (const name of BUG_NAMES) {
    const text = setupText({ nodes: 3, seed: 1, bugs: [name] });
    assert.match(text, new RegExp(`^set bug ${name} on$`, 'm'));
    const sim = new wasm.Simulation(text);
    assert.deepEqual(sim.state().setup.bugs, [name]);
    sim.free();
  }
  const sim = new wasm.Simulation(setupText({ nodes: 5, seed: 2, bugs: ['vote-twice', 'commit-old-term', 'nonsense'] }));
  assert.deepEqual(sim.state().setup.bugs, ['commit-old-term', 'vote-twice']);
  sim.free();
  assert.deepEqual(bugLines([]), []);
  assert.doesNotMatch(setupText({ nodes: 5, seed: 1 }), /set bug/);
});

test('every switch is explained in English and Chinese', () => {
  for (const name of BUG_NAMES) {
    assert.ok(typeof en[`bug.${name}`] === 'string' && en[`bug.${name}`].length > 20, `English for ${name}`);
    assert.match(zh[`bug.${name}`], /[\u4e00-\u9fff]/, `Chinese for ${name}`);
  }
});
