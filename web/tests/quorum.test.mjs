import test from 'node:test';
import assert from 'node:assert/strict';
import { describeQuorum, majority } from '../quorum.js';

const node = (id, extra) => ({
  id, up: true, role: 'follower', term: 2, last_index: 5,
  membership: { voters: [1, 2, 3, 4, 5], voters_outgoing: [], learners: [] }, progress: [], ...extra,
});

test('majority of n voters', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 15].map(majority), [1, 2, 2, 3, 3, 8]);
});

test('a leader: a majority of one configuration, and who stores its newest entry', () => {
  const leader = node(1, {
    role: 'leader', last_index: 7,
    progress: [{ id: 2, match_index: 7 }, { id: 3, match_index: 6 }, { id: 4, match_index: 7 }, { id: 5, match_index: 0 }],
  });
  const q = describeQuorum({ nodes: [leader, node(2), node(3), node(4), node(5)] });
  assert.equal(q.joint, false);
  assert.equal(q.index, 7);
  assert.deepEqual(q.configs, [{ role: 'all', ids: [1, 2, 3, 4, 5], need: 3, have: 3 }]);
});

test('joint consensus needs both majorities, counted separately', () => {
  const membership = { voters: [1, 2, 6], voters_outgoing: [1, 2, 3, 4, 5], learners: [] };
  const leader = node(1, {
    role: 'leader', last_index: 9, membership,
    progress: [2, 3, 4, 5, 6].map((id) => ({ id, match_index: id === 3 || id === 4 ? 9 : 4 })),
  });
  const q = describeQuorum({ nodes: [leader, node(3, { membership })] });
  assert.equal(q.joint, true);
  assert.deepEqual(q.configs, [
    { role: 'old', ids: [1, 2, 3, 4, 5], need: 3, have: 3 },
    { role: 'new', ids: [1, 2, 6], need: 2, have: 1 },
  ]);
});

test('no leader: the configuration without counts; nobody up: nothing', () => {
  const q = describeQuorum({ nodes: [node(2, { term: 3, membership: { voters: [1, 2, 3], voters_outgoing: [], learners: [] } }), node(4)] });
  assert.deepEqual(q, { joint: false, index: null, configs: [{ role: 'all', ids: [1, 2, 3], need: 2, have: null }] });
  assert.equal(describeQuorum({ nodes: [node(1, { up: false })] }), null);
});
