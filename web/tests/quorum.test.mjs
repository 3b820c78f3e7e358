import test from 'node:test';
import assert from 'node:assert/strict';
import { describeQuorum, leaderNode } from '../quorum.js';

const all = (have) => [{ role: 'all', ids: [1, 2, 3, 4, 5], need: 3, have }];
const node = (id, extra) => ({ id, up: true, role: 'follower', term: 2, last_index: 5, quorum: all(null), ...extra });

test("a leader: its own quorum picture and its newest entry", () => {
  const q = describeQuorum({ leader: 1, nodes: [node(1, { role: 'leader', last_index: 7, quorum: all(3) }), node(2), node(3)] });
  assert.deepEqual(q, { joint: false, index: 7, configs: all(3) });
});

test("the view model's leader wins over a deposed one (raft-sim decides who leads)", () => {
  const old = node(1, { role: 'leader', term: 1, last_index: 9, quorum: all(1) });
  const cur = node(2, { role: 'leader', term: 3, last_index: 6, quorum: all(4) });
  assert.deepEqual(describeQuorum({ leader: 2, nodes: [old, cur] }), { joint: false, index: 6, configs: all(4) });
  assert.equal(leaderNode({ leader: 2, nodes: [old, cur] }), cur);
  assert.equal(leaderNode({ leader: null, nodes: [old, cur] }), null);
});

test('joint consensus: both configurations, C_new first', () => {
  const joint = [
    { role: 'new', ids: [1, 2, 6], need: 2, have: 1 },
    { role: 'old', ids: [1, 2, 3, 4, 5], need: 3, have: 3 },
  ];
  const q = describeQuorum({ leader: 1, nodes: [node(1, { role: 'leader', last_index: 9, quorum: joint })] });
  assert.equal(q.joint, true);
  assert.deepEqual(q.configs, joint);
});

test('no leader: the highest-term server, without counts (a candidate tally is not a commit count); nobody up: nothing', () => {
  const cand = node(3, { role: 'candidate', term: 4, quorum: [{ role: 'all', ids: [1, 2, 3], need: 2, have: 1 }] });
  const q = describeQuorum({ leader: null, nodes: [node(2), cand] });
  assert.deepEqual(q, { joint: false, index: null, configs: [{ role: 'all', ids: [1, 2, 3], need: 2, have: null }] });
  assert.equal(describeQuorum({ nodes: [node(1, { up: false, quorum: [] })] }), null);
});
