// Which quorum a commit or an election needs right now, for the line under the
// stage bar. raft-core computes it (`Status::quorum`, in the view model as
// `node.quorum`); this only chooses whose picture to show: the leader's (the
// view model's `leader`), else the up server with the highest term.

/**
 * The node the view model names as leader, or null. raft-sim decides who leads
 * (`World::leader`: the up leader in the highest term, the scenario language's
 * `leader`) and puts it in the view as `leader`; the page only looks it up.
 */
export function leaderNode(view) {
  if (view.leader == null) return null;
  return (view.nodes || []).find((n) => n.id === view.leader) || null;
}

/**
 * @param view the view model (docs/view-model.md)
 * @returns null when no up server reports a configuration, else
 *   { joint, index, configs: [{ role: 'all'|'new'|'old', ids, need, have }] }
 *   where `index` is the leader's newest entry (null without a leader).
 */
export function describeQuorum(view) {
  const up = (view.nodes || []).filter((n) => n.up && n.quorum && n.quorum.length > 0);
  if (up.length === 0) return null;
  const leader = leaderNode(view);
  const source = leader || up.slice().sort((a, b) => b.term - a.term || b.last_index - a.last_index)[0];
  const configs = source.quorum;
  return {
    joint: configs.length > 1,
    index: leader ? leader.last_index : null,
    configs: leader ? configs : configs.map((c) => ({ ...c, have: null })),
  };
}
