// The inspector: one server's state, or one message's contents, as Figure 2
// of the Raft paper names them. The row builders (nodeFigure2,
// messageFigure2) are pure functions of the view model and the diagram's
// store, so node tests check them against the simulation; renderInspector
// turns them into the panel's HTML.
//
// A server: persistent state (current_term, voted_for, log[]), volatile state
// (commit_index, last_applied), leader state (next_index[], match_index[] and
// the replication state per peer), its election timer, its configuration, and
// its latest decisions with raft-core's reasons.
// A message: its RPC's arguments or results in Figure 2's order, when it was
// sent and arrives, and — once delivered — what the receiver did and why.

import { eventText, reasonText } from './feed.js';
import { esc } from './popover.js';

/** Figure 2's argument/result order for each message type; anything else present follows. */
export const FIGURE2_ORDER = {
  AppendEntries: ['term', 'leader_id', 'prev_log_index', 'prev_log_term', 'entries', 'leader_commit'],
  AppendEntriesResponse: ['term', 'success', 'conflict_term', 'conflict_index', 'match_index'],
  RequestVote: ['term', 'candidate_id', 'last_log_index', 'last_log_term'],
  PreVote: ['term', 'candidate_id', 'last_log_index', 'last_log_term'],
  RequestVoteResponse: ['term', 'vote_granted'],
  PreVoteResponse: ['term', 'vote_granted'],
  InstallSnapshot: ['term', 'leader_id', 'last_included_index', 'last_included_term'],
  InstallSnapshotResponse: ['term', 'last_index'],
  TimeoutNow: ['term', 'leader_id'],
};

/** Fields that are not in Figure 2 (extensions the simulator carries). */
const BEYOND = new Set(['pre_vote', 'transfer', 'read_ctx', 'match_index', 'conflict_term', 'conflict_index', 'reason', 'last_index']);

/**
 * A message's fields in Figure 2 order: [{ name, value, beyond }] where value
 * is a number, boolean, null or (entries) an array of { index, term, command }.
 * `fields` is `in_flight[].fields` / `sent_messages()[].fields`.
 */
export function messageFigure2(type, fields) {
  if (!fields) return [];
  const order = FIGURE2_ORDER[type] || ['term'];
  const names = order.filter((k) => k in fields).concat(Object.keys(fields).filter((k) => !order.includes(k)));
  return names.map((name) => ({ name, value: fields[name], beyond: BEYOND.has(name) && !order.slice(0, 4).includes(name) }));
}

/**
 * A server's Figure 2 state from the view model: { persistent, volatile,
 * leader (null unless leader), timer, config }.
 */
export function nodeFigure2(view, id) {
  const n = view.nodes.find((m) => m.id === id);
  if (!n) return null;
  const up = n.up && n.role !== 'down';
  const timer = !up ? null : {
    kind: n.role === 'leader' ? 'heartbeat' : 'election',
    left_ms: Math.max(0, n.timer_timeout_ms - n.timer_elapsed_ms),
    timeout_ms: n.timer_timeout_ms,
  };
  return {
    id: n.id,
    role: n.role,
    up,
    persistent: { current_term: n.term, voted_for: n.voted_for, log: n.log, last_index: n.last_index, snapshot_index: n.snapshot_index, snapshot_term: n.snapshot_term },
    volatile: { commit_index: n.commit, last_applied: n.applied, leader_id: n.leader_id },
    leader: n.role === 'leader'
      ? n.progress.map((p) => ({ peer: p.id, next_index: p.next_index, match_index: p.match_index, state: p.state, inflight: p.inflight, learner: p.is_learner }))
      : null,
    votes: n.role === 'candidate' || n.role === 'pre-candidate' ? n.votes_granted : null,
    timer,
    config: n.membership,
    kv: n.kv,
  };
}

const nodeName = (id) => (id === null || id === undefined ? '—' : `n${id}`);

function value(v, t) {
  if (v === null || v === undefined) return '<span class="rl-insp-null">null</span>';
  if (typeof v === 'boolean') return `<span class="rl-insp-${v ? 'yes' : 'no'}">${v}</span>`;
  if (typeof v === 'object' && v.code) return esc(reasonText(v, t));
  return esc(String(v));
}

// `total`: how many entries there are in all, when `entries` is only the
// newest of them (a log in the view model holds a tail).
function entriesHTML(entries, t, max = 24, total = entries.length) {
  if (!entries.length) return `<span class="rl-insp-null">[ ] ${esc(t('insp.heartbeat'))}</span>`;
  const shown = entries.slice(-max);
  const more = Math.max(entries.length, total) - shown.length;
  return `<span class="rl-insp-entries">${more ? `<span class="rl-insp-more">${esc(t('insp.more', { n: more }))}</span>` : ''}${shown.map((e) =>
    `<span class="rl-insp-entry" title="${esc(e.command)}"><b>${e.index}</b><i>T${e.term}</i> ${esc(e.command)}</span>`).join('')}</span>`;
}

function table(rows) {
  return `<table class="rl-insp-table"><tbody>${rows.map(([k, v, cls]) =>
    `<tr${cls ? ` class="${cls}"` : ''}><th scope="row"><code>${esc(k)}</code></th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function section(title, body) {
  return `<section class="rl-insp-sec"><h4>${esc(title)}</h4>${body}</section>`;
}

/** The inspector's HTML for server `id` (`decisions` = its latest trace events, oldest first). */
export function nodeHTML(view, id, decisions, t) {
  const f = nodeFigure2(view, id);
  if (!f) return `<p>${esc(t('insp.gone', { id }))}</p>`;
  const head = `<div class="rl-insp-head"><strong>n${f.id}</strong> <span class="rl-insp-role rl-role-${esc(f.role)}">${esc(t(`role.${f.role}`))}</span>
    <span class="rl-spacer"></span><button type="button" class="rl-btn rl-small" data-insp="popover">${esc(t('insp.actions'))}</button>
    <button type="button" class="rl-btn rl-icon" data-insp="close" aria-label="${esc(t('pop.close'))}">×</button></div>`;
  const p = f.persistent;
  const logNote = p.snapshot_index ? ` <span class="rl-insp-note">${esc(t('insp.snapshot', { index: p.snapshot_index, term: p.snapshot_term }))}</span>` : '';
  const persistent = table([
    ['current_term', value(p.current_term, t)],
    ['voted_for', p.voted_for === null ? value(null, t) : esc(nodeName(p.voted_for))],
    ['log[]', entriesHTML(p.log, t, 24, p.last_index - p.snapshot_index) + logNote],
  ]);
  const volatile = table([
    ['commit_index', value(f.volatile.commit_index, t)],
    ['last_applied', value(f.volatile.last_applied, t)],
  ]);
  let leader = '';
  if (f.leader) {
    leader = section(t('insp.leaderState'), `<table class="rl-insp-table rl-insp-peers"><thead><tr><th>${esc(t('insp.peer'))}</th><th><code>next_index[]</code></th><th><code>match_index[]</code></th><th>${esc(t('insp.progress'))}</th><th title="${esc(t('insp.inflight.title'))}">${esc(t('insp.inflight'))}</th></tr></thead><tbody>${
      f.leader.map((r) => `<tr data-peer="${r.peer}"><td>n${r.peer}${r.learner ? ` <small>${esc(t('insp.learner'))}</small>` : ''}</td><td>${r.next_index}</td><td>${r.match_index}</td><td><span class="rl-insp-state rl-insp-${r.state}" title="${esc(t(`insp.state.${r.state}.title`))}">${esc(t(`insp.state.${r.state}`))}</span></td><td>${r.state === 'replicate' ? r.inflight ?? 0 : ''}</td></tr>`).join('')
    }</tbody></table>`);
  }
  const timer = f.timer
    ? esc(t(f.timer.kind === 'heartbeat' ? 'insp.heartbeatIn' : 'insp.electionIn', { left: f.timer.left_ms, timeout: f.timer.timeout_ms }))
    : esc(t('insp.down'));
  const c = f.config;
  const names = (ids) => (ids.length ? ids.map(nodeName).join(' ') : '—');
  const config = table([
    [c.voters_outgoing.length ? 'C_new' : t('insp.voters'), esc(names(c.voters))],
    ...(c.voters_outgoing.length ? [['C_old', esc(names(c.voters_outgoing))]] : []),
    ...(c.learners.length ? [[t('insp.learners'), esc(names(c.learners))]] : []),
  ]);
  const other = table([
    [t('insp.timer'), timer],
    ['leader_id', esc(nodeName(f.volatile.leader_id))],
    ...(f.votes ? [[t('insp.votes'), esc(names(f.votes))]] : []),
  ]);
  const dec = decisions.length
    ? `<ol class="rl-insp-decisions">${decisions.slice().reverse().map((e) => {
      const s = eventText(e, t);
      return s ? `<li><span class="rl-ev-time">${esc(t('feed.time', { ms: e.time_ms }))}</span> ${esc(s)}</li>` : '';
    }).join('')}</ol>`
    : `<p class="rl-insp-note">${esc(t('insp.noDecisions'))}</p>`;
  // Its messages in flight, as buttons: the keyboard's way to a message.
  const flying = (view.in_flight || []).filter((m) => m.from === f.id || m.to === f.id).slice(0, 16);
  const msgs = flying.length
    ? `<div class="rl-insp-msgs">${flying.map((m) => `<button type="button" class="rl-btn rl-small" data-insp-msg="${m.id}">m${m.id} ${esc(m.type)} n${m.from}→n${m.to}</button>`).join('')}</div>`
    : `<p class="rl-insp-note">${esc(t('insp.noMessages'))}</p>`;
  return head
    + section(t('insp.persistent'), persistent)
    + section(t('insp.volatile'), volatile)
    + leader
    + section(t('insp.other'), other)
    + section(t('insp.config'), config)
    + section(t('insp.decisions'), dec)
    + section(t('insp.inFlight'), msgs);
}

/**
 * The inspector's HTML for message `m` (a store record: { id, from, to, type,
 * send, deliver, end, status, why, fields }) at simulated time `now`, with
 * `outcome` = store.outcome(id) once delivered.
 */
export function messageHTML(m, now, outcome, t) {
  const state = m.status === 'delivered' ? t('insp.delivered', { ms: m.end })
    : m.status === 'dropped' ? t('insp.dropped', { ms: m.end, why: t.has(`why.${m.why}`) ? t(`why.${m.why}`) : m.why })
    : m.send > now ? t('insp.future', { ms: m.send })
    : t('insp.arrives', { ms: m.deliver, left: Math.max(0, m.deliver - Math.floor(now)) });
  const canDrop = m.status === 'flight' && m.send <= now;
  const head = `<div class="rl-insp-head"><strong>${esc(m.type)}</strong> <span>m${m.id} · n${m.from} → n${m.to}</span>
    <span class="rl-spacer"></span>${canDrop ? `<button type="button" class="rl-btn rl-small" data-insp="drop" title="drop m${m.id}">${esc(t('insp.drop'))}</button>` : ''}
    <button type="button" class="rl-btn rl-icon" data-insp="close" aria-label="${esc(t('pop.close'))}">×</button></div>`;
  const times = table([
    [t('insp.sent'), esc(t('feed.time', { ms: m.send }))],
    [t('insp.status'), esc(state)],
  ]);
  const rows = messageFigure2(m.type, m.fields);
  const fields = rows.length
    ? table(rows.map((r) => [
      r.name === 'entries' ? 'entries[]' : r.name,
      r.name === 'entries' ? entriesHTML(r.value, t)
        : (r.name === 'leader_id' || r.name === 'candidate_id') ? esc(nodeName(r.value)) : value(r.value, t),
      r.beyond ? 'rl-insp-beyond' : '',
    ]))
    : `<p class="rl-insp-note">${esc(t('insp.noFields'))}</p>`;
  let after = '';
  if (outcome) {
    const lines = outcome.events.map((e) => eventText(e, t)).filter(Boolean);
    if (outcome.reply) lines.push(t('insp.replied', { type: outcome.reply.type, id: outcome.reply.id, to: outcome.reply.to }));
    after = section(t('insp.outcome', { id: m.to }), lines.length
      ? `<ul class="rl-insp-decisions">${lines.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`
      : `<p class="rl-insp-note">${esc(t('insp.noOutcome'))}</p>`);
  }
  return head + section(t('insp.when'), times) + section(t('insp.fields'), fields) + after;
}
