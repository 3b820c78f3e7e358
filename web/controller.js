// The controller turns user intentions (a click, a drag, a slider) into
// scenario-language commands (docs/scenario-language.md). Nothing here
// touches the simulation directly: every function returns the command text,
// and the element runs it through `exec`, so it lands in the command log and
// the session can be replayed bit for bit.

const node = (id) => `n${id}`;

import { bugLines } from './ui/bugs.js';
import { MAX_NODES } from './attrs.js';

export const commands = {
  crash: (id) => `crash ${node(id)}`,
  restart: (id) => `restart ${node(id)}`,
  timeout: (id) => `timeout ${node(id)}`,
  transfer: (id) => `transfer ${node(id)}`,
  remove: (id) => `remove ${node(id)}`,
  add: (id) => `add ${node(id)}`,
  put: (key, value) => `put ${key} ${value}`,
  get: (key) => `get ${key}`,
  propose: (id, key, value) => `propose ${node(id)} ${key} ${value}`,
  staleRead: (id, key) => `get ${key} from ${node(id)}`,
  drop: (msgId) => `drop m${msgId}`,
  cut: (a, b) => `cut ${node(a)} <-> ${node(b)}`,
  uncut: (a, b) => `uncut ${node(a)} <-> ${node(b)}`,
  heal: () => 'heal',
  /** `partition n1 n2 | n3 n4 n5`; groups with no members are left out. */
  partition: (groups) => {
    const parts = groups.filter((g) => g.length > 0).map((g) => [...g].sort((a, b) => a - b).map(node).join(' '));
    return parts.length >= 2 ? `partition ${parts.join(' | ')}` : 'heal';
  },
  /** The latency slider picks the slowest delay B; the fastest is B/3 (10..30 by default). */
  latency: (max) => {
    const b = Math.max(1, Math.round(max));
    const a = Math.max(0, Math.round(b / 3));
    return `set latency ${a}ms..${b}ms`;
  },
  loss: (percent) => `set loss ${trimNumber(percent)}%`,
};

function trimNumber(x) {
  return String(Math.round(x * 10) / 10);
}

/** Keys and values are words without spaces (scenario language lexical rules). */
export function isWord(s) {
  return typeof s === 'string' && s.length > 0 && !/[\s#]/.test(s);
}

/**
 * The setup block a fresh simulation starts from, built from the page's
 * settings. Only settings that differ from the v1 defaults are written, so
 * the command log stays short.
 */
export function setupText({ nodes = 5, seed = 1, prevote = false, checkQuorum = false, readMode = 'read-index', snapshotThreshold = 0, bugs = [] } = {}) {
  const lines = [`cluster ${nodes}`, `seed ${seed}`];
  if (prevote) lines.push('set prevote on');
  if (checkQuorum) lines.push('set check-quorum on');
  // Log compaction (§7): every server snapshots after this many applied entries.
  if (snapshotThreshold > 0) lines.push(`set snapshot-threshold ${snapshotThreshold}`);
  if (readMode && readMode !== 'read-index') lines.push(`set read-mode ${readMode}`);
  // Break Raft (web/ui/bugs.js): deliberate bugs in raft-core, setup lines too.
  lines.push(...bugLines(bugs));
  return lines.join('\n') + '\n';
}

/** A node id to add: one past the highest id that exists, or null past MAX_NODES. */
export function nextNodeId(view) {
  const ids = (view && view.members) || (view && view.nodes ? view.nodes.map((n) => n.id) : []);
  const next = ids.length ? Math.max(...ids) + 1 : 1;
  return next <= MAX_NODES ? next : null;
}

/** The current partition as two groups for the drag editor. */
export function groupsFromView(view) {
  const ids = (view.members || view.nodes.map((n) => n.id)).slice().sort((a, b) => a - b);
  const p = view.network && view.network.partition;
  if (Array.isArray(p) && p.length >= 2) {
    const a = p[0].slice();
    const b = ids.filter((id) => !a.includes(id));
    return [a, b];
  }
  return [ids, []];
}

/**
 * Partition editor: the group (0 = left, 1 = right) a server dropped at (x, y)
 * joins — that of the nearest other server within 60 px, else the side of the
 * ring it was dropped on. `positionOf(id)` gives a server's { x, y } or null.
 */
export function dropGroup(groups, id, x, y, positionOf, width) {
  let best = null, bestD = Infinity;
  for (const other of groups.flat()) {
    if (other === id) continue;
    const p = positionOf(other);
    if (!p) continue;
    const d = Math.hypot(p.x - x, p.y - y);
    if (d < bestD) { bestD = d; best = other; }
  }
  if (best !== null && bestD < 60) return groups[0].includes(best) ? 0 : 1;
  return x < width / 2 ? 0 : 1;
}

/** Partition editor: `groups` with server `id` moved into group `g` (0 or 1), each sorted. */
export function moveToGroup(groups, id, g) {
  const a = groups[0].filter((x) => x !== id), b = groups[1].filter((x) => x !== id);
  (g === 0 ? a : b).push(id);
  a.sort((p, q) => p - q); b.sort((p, q) => p - q);
  return [a, b];
}

/** Is the link a<->b cut in both directions (so a click should uncut it)? */
export function isCut(view, a, b) {
  const cuts = (view.network && view.network.cuts) || [];
  return cuts.some(([f, t]) => f === a && t === b) && cuts.some(([f, t]) => f === b && t === a);
}

// ---- the page's guards against a frozen tab ----
//
// These read what the real parser reports about a text (raft-wasm
// `inspect_script` / `Simulation.inspect`: `{ commands: [{ line, col, kind,
// ms }] }`, `ms` = the most simulated time a command moves), never the text.

/** The first command that may move more than `maxMs` at once, as `{ line, col }`, or null. */
export function longestCommand(info, maxMs) {
  const c = info.commands.find((cmd) => cmd.ms > maxMs);
  return c ? { line: c.line, col: c.col } : null;
}

/** The command at which the durations, summed from the top, first exceed `maxMs`, as `{ line, col }`, or null. */
export function overTotal(info, maxMs) {
  let total = 0;
  for (const c of info.commands) {
    total += c.ms;
    if (total > maxMs) return { line: c.line, col: c.col };
  }
  return null;
}
