// Every command the page's controls can issue is accepted by the real
// scenario parser (the release wasm in web/pkg, loaded into node), and does
// what the control says. Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands, setupText, nextNodeId, groupsFromView, isCut, isWord } from '../controller.js';

const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));
let Simulation, inspect_script;

before(async () => {
  if (!existsSync(`${PKG}raft_wasm_bg.wasm`)) throw new Error('web/pkg is missing: run `npm run build-wasm` first');
  const mod = await import(new URL('../pkg/raft_wasm.js', import.meta.url).href);
  await mod.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });
  Simulation = mod.Simulation;
  inspect_script = mod.inspect_script;
});

function leaderSim(setup = setupText({ nodes: 5, seed: 1 })) {
  const sim = new Simulation(setup);
  sim.exec('await leader any within 2s');
  return sim;
}

test('setup text from the controls parses and sets what it says', () => {
  for (const settings of [
    { nodes: 1, seed: '0' },
    { nodes: 15, seed: '18446744073709551615', prevote: true, checkQuorum: true, readMode: 'lease' },
    { nodes: 3, seed: '42', readMode: 'log' },
    { nodes: 5, seed: '7', snapshotThreshold: 10 },
  ]) {
    const sim = new Simulation(setupText(settings));
    const s = sim.state().setup;
    assert.equal(s.cluster, settings.nodes);
    assert.equal(s.prevote, !!settings.prevote);
    assert.equal(s.check_quorum, !!settings.checkQuorum);
    assert.equal(s.read_mode, settings.readMode || 'read-index');
    assert.equal(s.snapshot_threshold, settings.snapshotThreshold || 0);
    sim.free();
  }
});

test('every node command parses and acts on that node', () => {
  const sim = leaderSim();
  const leader = sim.state().nodes.find((n) => n.role === 'leader').id;
  const other = leader === 1 ? 2 : 1;
  sim.exec(commands.crash(other));
  assert.equal(sim.state().nodes.find((n) => n.id === other).role, 'down');
  sim.exec(commands.restart(other));
  assert.equal(sim.state().nodes.find((n) => n.id === other).up, true);
  for (const cmd of [commands.timeout(other), commands.transfer(other), commands.put('k', 'v'), commands.get('k'),
    commands.propose(leader, 'p', '1'), commands.staleRead(other, 'k'), commands.heal(), commands.latency(90),
    commands.loss(12.5), commands.drop(1)]) {
    assert.doesNotThrow(() => sim.exec(cmd), cmd);
  }
  const net = sim.state().network;
  assert.deepEqual(net.latency_ms, [30, 90]);
  sim.free();
});

test('partition, cut and uncut commands change the network as drawn', () => {
  const sim = leaderSim();
  sim.exec(commands.partition([[1, 2], [5, 3, 4]]));
  assert.deepEqual(sim.state().network.partition, [[1, 2], [3, 4, 5]]);
  sim.exec(commands.partition([[1, 2, 3, 4, 5], []])); // everything on one side = heal
  assert.equal(sim.state().network.partition, null);
  sim.exec(commands.cut(1, 2));
  let view = sim.state();
  assert.ok(isCut(view, 1, 2) && isCut(view, 2, 1));
  sim.exec(commands.uncut(2, 1));
  view = sim.state();
  assert.ok(!isCut(view, 1, 2));
  sim.free();
});

test('add server picks the next free id and the parser accepts it', () => {
  const sim = leaderSim(setupText({ nodes: 3, seed: 2 }));
  const id = nextNodeId(sim.state());
  assert.equal(id, 4);
  sim.exec(commands.add(id));
  sim.exec('run 2s');
  assert.ok(sim.state().members.includes(4));
  assert.equal(nextNodeId({ members: Array.from({ length: 15 }, (_, i) => i + 1) }), null);
  sim.free();
});

test('the partition editor starts from the current partition', () => {
  const view = { members: [1, 2, 3, 4, 5], network: { partition: [[1, 4], [2, 3, 5]] } };
  assert.deepEqual(groupsFromView(view), [[1, 4], [2, 3, 5]]);
  assert.deepEqual(groupsFromView({ members: [2, 1], network: { partition: null } }), [[1, 2], []]);
});

test('the partition editor: a dropped server joins its nearest neighbour\'s group, else its side', async () => {
  const { dropGroup, moveToGroup } = await import('../controller.js');
  const groups = [[1, 2, 3], [4, 5]];
  const at = { 1: { x: 50, y: 50 }, 2: { x: 60, y: 150 }, 3: { x: 40, y: 250 }, 4: { x: 350, y: 80 }, 5: { x: 360, y: 200 } };
  const positionOf = (id) => at[id] || null;
  assert.equal(dropGroup(groups, 1, 340, 90, positionOf, 400), 1, 'next to n4: the right group');
  assert.equal(dropGroup(groups, 4, 70, 140, positionOf, 400), 0, 'next to n2: the left group');
  assert.equal(dropGroup(groups, 1, 300, 350, positionOf, 400), 1, 'far from everyone, right half');
  assert.deepEqual(moveToGroup(groups, 1, 1), [[2, 3], [1, 4, 5]]);
  assert.deepEqual(moveToGroup(groups, 5, 0), [[1, 2, 3, 5], [4]]);
  // The result is what commands.partition turns into a command.
  assert.equal(commands.partition(moveToGroup(groups, 3, 1)), 'partition n1 n2 | n3 n4 n5');
});

test('keys and values must be single words', () => {
  assert.ok(isWord('x'));
  assert.ok(!isWord(''));
  assert.ok(!isWord('a b'));
  assert.ok(!isWord('a#b'));
});

test('duration guards use the real parser: comments, `put run 700s`, line:col of the command', async () => {
  const { longestCommand, overTotal } = await import('../controller.js');
  const text = 'cluster 3\n# run 9999s in a comment\nrun 1000s\nput run 700s\nawait leader any within 900s\n';
  const info = inspect_script(text);
  // `put run 700s` writes the value "700s" to key "run": it moves no time.
  assert.deepEqual(info.commands.map((c) => [c.line, c.kind, c.ms]), [[3, 'run', 1000000], [4, 'put', 0], [5, 'await', 900000]]);
  assert.equal(info.cluster, 3);
  // the total first exceeds 1800 s at the `await` on line 5
  assert.deepEqual(overTotal(info, 1800000), { line: 5, col: 1 });
  assert.equal(overTotal(info, 1900000), null);
  // one command over 600 s: the `run 1000s` on line 3
  assert.deepEqual(longestCommand(info, 600000), { line: 3, col: 1 });
  assert.equal(longestCommand(inspect_script('run 600s'), 600000), null);
  // A live simulation reads commands in its own context (n9 does not exist).
  const sim = new Simulation('cluster 5\n');
  assert.deepEqual(sim.inspect('  run 2s # two\ncrash n2').commands.map((c) => [c.line, c.col, c.kind, c.ms]), [[1, 3, 'run', 2000], [2, 1, 'crash', 0]]);
  assert.throws(() => sim.inspect('crash n9'), { message: /^1:\d+: n9/ });
  assert.throws(() => inspect_script('cluster 3\nfly n1'), { message: /^2:1:/ });
  sim.free();
});
