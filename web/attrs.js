// The element's attributes (and the URL parameters that set them), validated:
// each function returns the value to use, or null for a bad one (the element
// then reports it, naming the attribute, and uses the default). Pure
// functions, tested in node (web/tests/attrs.test.mjs).

export const MIN_SPEED = 0.01;
export const MAX_SPEED = 100;
const U64_MAX = 18446744073709551615n;

export const VIEWS = ['full', 'compact', 'figure', 'diagram'];
/** What `controls="…"` may list for the compact view (web/README.md). */
export const CONTROLS = ['crash', 'partition', 'put', 'add', 'speed', 'history', 'lang', 'log', 'command', 'events', 'metrics', 'kv'];

/**
 * The largest cluster (and node id): the page's copy of raft-sim's `MAX_NODES`
 * (the wasm exports it as `max_nodes()`; attrs.test.mjs checks they agree).
 * Kept here so the layout can list cluster sizes before the wasm has loaded.
 */
export const MAX_NODES = 15;

/** Validate a `nodes` value: an integer 1..MAX_NODES, else null. */
export function parseNodes(s) {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string' || !/^\s*\d+\s*$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_NODES ? n : null;
}

/** Validate a `seed` value: a decimal u64, else null. Returns the decimal string. */
export function parseSeed(s) {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string' || !/^\s*\d{1,20}\s*$/.test(s)) return null;
  const v = BigInt(s.trim());
  return v <= U64_MAX ? v.toString() : null;
}

/** Validate a speed multiplier, else null. */
export function parseSpeed(s) {
  const v = typeof s === 'number' ? s : (typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN);
  return Number.isFinite(v) && v >= MIN_SPEED && v <= MAX_SPEED ? v : null;
}

/** A `height` attribute: a number (px) or a CSS length; null when it is neither. */
export function parseHeight(s) {
  if (typeof s !== 'string') return null;
  const v = s.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return `${v}px`;
  if (/^\d+(\.\d+)?(px|em|rem|vh|svh|dvh|%)$/.test(v)) return v;
  return null;
}

/** `controls="crash put speed"` → the known names, and the unknown ones (reported). */
export function parseControls(s) {
  const names = String(s || '').split(/[\s,]+/).filter(Boolean);
  return { known: names.filter((n) => CONTROLS.includes(n)), unknown: names.filter((n) => !CONTROLS.includes(n)) };
}
