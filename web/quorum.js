// Which quorum each decision needs right now (thesis ch. 4), as plain data for
// the line under the stage bar. Outside joint consensus a commit or an election
// needs a majority of the voters; during joint consensus it needs a majority of
// C_old AND a majority of C_new. For the leader we also count, per
// configuration, the voters that already store its newest entry — the number
// that decides when that entry commits.

/** Majority of n voters. */
export function majority(n) {
  return Math.floor(n / 2) + 1;
}

/**
 * @param view the view model (docs/view-model.md)
 * @returns null when no up server knows a configuration, else
 *   { joint, index, configs: [{ role: 'all'|'old'|'new', ids, need, have }] }
 *   where `index` is the leader's newest entry (null without a leader) and
 *   `have` counts the voters storing it (null without a leader).
 */
export function describeQuorum(view) {
  const up = (view.nodes || []).filter((n) => n.up && n.membership && n.membership.voters);
  if (up.length === 0) return null;
  // The leader's view when there is one (highest term), else the up server
  // with the highest term: its latest configuration is the one in force for it.
  const leader = up.filter((n) => n.role === 'leader').sort((a, b) => b.term - a.term)[0];
  const source = leader || up.slice().sort((a, b) => b.term - a.term || b.last_index - a.last_index)[0];
  const m = source.membership;
  const joint = (m.voters_outgoing || []).length > 0;
  const match = new Map();
  if (leader) {
    match.set(leader.id, leader.last_index);
    for (const p of leader.progress || []) match.set(p.id, p.match_index);
  }
  const index = leader ? leader.last_index : null;
  const config = (role, ids) => ({
    role,
    ids: ids.slice().sort((a, b) => a - b),
    need: majority(ids.length),
    have: leader ? ids.filter((id) => (match.get(id) ?? 0) >= index).length : null,
  });
  const configs = joint
    ? [config('old', m.voters_outgoing), config('new', m.voters)]
    : [config('all', m.voters)];
  if (configs.some((c) => c.ids.length === 0)) return null;
  return { joint, index, configs };
}
