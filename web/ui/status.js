// The words the element shows about the running cluster, from the view model
// (docs/view-model.md) and a translator `t`: the mode chips, the quorum line,
// the screen-reader summary. DOM-light and stateless: web/element.js decides
// when to show them.
import { describeQuorum, leaderNode } from '../quorum.js';

/**
 * Which of the issue-4 mechanisms a run has switched on (`setup` of the view
 * model): `{ chips, bugs, key }` — the chips' texts, the names of the bugs
 * switched on, and a key that changes when either does.
 */
export function modeChips(setup, t) {
  const chips = [];
  if (setup.prevote) chips.push(t('mode.prevote'));
  if (setup.check_quorum) chips.push(t('mode.checkQuorum'));
  if (setup.read_mode && setup.read_mode !== 'read-index') {
    const key = { lease: 'ctl.readMode.lease', log: 'ctl.readMode.log' }[setup.read_mode];
    chips.push(t('mode.readMode', { mode: key ? t(key) : setup.read_mode }));
  }
  if (setup.snapshot_threshold) chips.push(t('mode.snapshot', { n: setup.snapshot_threshold }));
  const bugs = Array.isArray(setup.bugs) ? setup.bugs : [];
  return { chips, bugs, key: chips.concat(bugs).join('|') };
}

/** Fill `box` with the chips of modeChips(); a deliberately broken run says so loudly (a red chip per bug). */
export function showModeChips(box, { chips, bugs }, t) {
  const doc = box.ownerDocument;
  const chip = (cls, text, title) => {
    const span = doc.createElement('span');
    span.className = cls;
    span.textContent = text;
    if (title) span.title = title;
    return span;
  };
  box.replaceChildren(
    ...chips.map((c) => chip('rl-chip', c)),
    ...bugs.map((name) => chip('rl-chip rl-chip-bug', t('mode.bug', { name }), t.has && t.has(`bug.${name}`) ? t(`bug.${name}`) : name)),
  );
}

/** The quorum line: what a commit or an election needs now (web/quorum.js); '' when nothing to say. */
export function quorumText(view, t) {
  const q = describeQuorum(view);
  if (!q) return '';
  const names = (ids) => ids.map((id) => `n${id}`).join(' ');
  let text;
  // C_old before C_new, as the sentence names them.
  const configs = q.joint ? ['old', 'new'].map((r) => q.configs.find((c) => c.role === r)) : q.configs;
  if (q.joint) {
    const [o, n] = configs;
    text = t('quorum.joint', {
      needOld: o.need, nOld: o.ids.length, old: names(o.ids),
      needNew: n.need, nNew: n.ids.length, new: names(n.ids),
    });
  } else {
    const [c] = q.configs;
    text = t('quorum.all', { need: c.need, n: c.ids.length, ids: names(c.ids) });
  }
  if (q.index !== null && q.index > 0 && configs.every((c) => c.have != null)) {
    const have = configs.map((c) => t('quorum.count', { have: c.have, n: c.ids.length })).join(' · ');
    text += ` — ${t('quorum.have', { index: q.index, have })}`;
  }
  return text;
}

/** The canvas in words for screen readers: who leads, the term, what was just committed, who is down. */
export function liveText(view, t) {
  const leader = leaderNode(view);
  const commit = Math.max(0, ...view.nodes.filter((n) => n.up).map((n) => n.commit));
  const entry = leader && leader.log ? leader.log.find((e) => e.index === commit) : null;
  const parts = [leader ? t('status.leader', { id: leader.id, term: leader.term }) : t('status.noLeader')];
  if (commit > 0) parts.push(t('live.commit', { index: commit, command: entry && entry.command !== 'noop' ? `(${entry.command})` : '' }).trim());
  const down = view.nodes.filter((n) => !n.up).map((n) => `n${n.id}`);
  if (down.length) parts.push(t('live.down', { ids: down.join(' ') }));
  return parts.join('; ');
}

/** Beside the history slider: how far back time travel reaches, and (title) what it holds (web/history.js reach()). */
export function reachTexts(reach, t) {
  if (!reach) return { text: '', title: '' };
  const mb = (b) => (b / (1024 * 1024)).toFixed(1);
  const from = (reach.from / 1000).toFixed(1);
  return {
    text: t('history.reach', { from }),
    title: t('history.reachTitle', { from, n: reach.checkpoints, mb: mb(reach.bytes), budget: mb(reach.budgetBytes), thinned: reach.thinned }),
  };
}
