// Colours, shapes and sizes shared by the ring, the log panel and the legend.
//
// Every meaning is carried by two channels so the page still reads without
// colour: a role has a colour AND a shape, a vote reply has a colour AND a
// ✓/✕, a committed log cell is solid while an uncommitted one is hatched.
// The palettes come from Okabe–Ito and Paul Tol's "bright"/"muted" schemes,
// which stay distinguishable for the common forms of colour blindness.

export const FONT =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', " +
  "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

/** Canvas and ink colours (a light theme; the canvas paints its own background). */
export const INK = {
  background: '#fbfcfe',
  ring: '#e3e8ef',
  text: '#1c2430',
  muted: '#6b7686',
  faint: '#aab3bf',
  link: 'rgba(60, 80, 110, 0.10)',
  linkHover: 'rgba(40, 70, 120, 0.55)',
  hover: 'rgba(30, 100, 220, 0.22)',
  selected: '#1e64dc',
  cut: '#d62828',
  tooltipBg: 'rgba(28, 36, 48, 0.94)',
  tooltipText: '#f5f7fa',
  crown: '#f2b705',
  crownEdge: '#8a6500',
  timerTrack: 'rgba(60, 80, 110, 0.12)',
  timerCalm: '#5d7b9d',
  timerUrgent: '#e07b00',
  heartbeat: '#1d3557',
  diskEdge: '#4a5a6e',  // a server's disk (`set disk-latency`)
  diskIdle: '#eef1f5',
  diskFill: '#2f7fd0',  // the part of the write in progress already done
  diskQueued: '#e07b00', // more writes queued behind it
  cOld: '#aa3377',   // joint consensus: the outgoing configuration
  cNew: '#228833',   // joint consensus: the incoming configuration
  partition: ['#4477aa', '#ee7733', '#009988', '#aa3377', '#997700', '#555555'],
};

/**
 * Role styles. `shape` is what a colour-blind reader (or a greyscale print)
 * relies on; luminance also differs (leader darkest, follower lightest).
 */
export const ROLE = {
  follower:        { fill: '#8fa3bb', edge: '#5c6f86', shape: 'circle',  dashed: false },
  'pre-candidate': { fill: '#fbd38a', edge: '#c98a12', shape: 'diamond', dashed: true  },
  candidate:       { fill: '#ec8a17', edge: '#a85a00', shape: 'diamond', dashed: false },
  leader:          { fill: '#1d3557', edge: '#0b1a30', shape: 'square',  dashed: false },
  down:            { fill: '#d5d9df', edge: '#9aa3ad', shape: 'circle',  dashed: true  },
};

export const ROLE_ORDER = ['follower', 'pre-candidate', 'candidate', 'leader', 'down'];

/**
 * Size `canvas`'s backing store to its CSS box × devicePixelRatio and scale
 * `ctx` so drawing code works in CSS pixels (crisp on high-DPI screens).
 * Returns { W, H, dpr, bg } — the CSS size, the ratio and the background.
 */
export function fitCanvas(canvas, ctx) {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(1, rect.width);
  const H = Math.max(1, rect.height);
  canvas.width = Math.round(W * dpr);
  canvas.height = Math.round(H * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { W, H, dpr, bg: canvasBackground(canvas) };
}

/**
 * The canvas background: the page's `--rl-canvas-bg` or `--rl-panel` custom
 * property when set (so the canvas blends into its card), else INK.background.
 */
export function canvasBackground(canvas) {
  try {
    const cs = getComputedStyle(canvas);
    const v = (cs.getPropertyValue('--rl-canvas-bg') || cs.getPropertyValue('--rl-panel') || '').trim();
    if (v) return v;
  } catch (_) { /* not in a document */ }
  return INK.background;
}

export function roleStyle(role) {
  return ROLE[role] || ROLE.follower;
}

/**
 * Term colours: a fixed cycle, so term 3 is the same colour on the ring, in
 * the log panel and in the legend, and consecutive terms always differ.
 * Term 0 (nothing has happened yet) is a neutral grey.
 */
export const TERM_PALETTE = [
  '#4477aa', // blue
  '#ee6677', // red
  '#228833', // green
  '#ccbb44', // yellow
  '#66ccee', // cyan
  '#aa3377', // purple
  '#332288', // indigo
  '#ddaa33', // ochre
  '#44aa99', // teal
  '#882255', // wine
  '#999933', // olive
  '#cc6677', // rose
];
const TERM_ZERO = '#c9ced6';

export function termColor(term) {
  if (!(term > 0)) return TERM_ZERO;
  return TERM_PALETTE[(term - 1) % TERM_PALETTE.length];
}

const textOnCache = new Map();
/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex) {
  let v = textOnCache.get(hex);
  if (v) return v;
  const n = parseInt(hex.slice(1), 16);
  const lin = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  // Contrast against white vs black; prefer white on mid tones a little.
  v = (1.05) / (L + 0.05) >= (L + 0.05) / 0.05 * 0.8 ? '#ffffff' : '#101820';
  textOnCache.set(hex, v);
  return v;
}

/** Lighter tint of a #rrggbb colour (used for uncommitted log cells). */
const tintCache = new Map();
export function tint(hex, amount) {
  const key = hex + amount;
  let v = tintCache.get(key);
  if (v) return v;
  const n = parseInt(hex.slice(1), 16);
  const mix = (c) => Math.round(c + (255 - c) * amount);
  v = `rgb(${mix((n >> 16) & 255)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
  tintCache.set(key, v);
  return v;
}

/**
 * Message styles by view-model `type`. `glyph` picks the drawing routine in
 * glyphs.js; responses are coloured by their outcome (ok / bad) at draw time.
 */
export const MESSAGE = {
  RequestVote:             { glyph: 'ballot',    fill: '#ec8a17', edge: '#8a4f00', size: 1.0 },
  PreVote:                 { glyph: 'ballot',    fill: '#fff4dc', edge: '#c98a12', size: 1.0, dashed: true },
  RequestVoteResponse:     { glyph: 'vote',      size: 1.0 },
  PreVoteResponse:         { glyph: 'vote',      size: 0.9, dashed: true },
  AppendEntries:           { glyph: 'append',    fill: '#1d3557', edge: '#0b1a30', size: 1.0 },
  AppendEntriesResponse:   { glyph: 'ack',       size: 0.85 },
  InstallSnapshot:         { glyph: 'document',  fill: '#7b4fb0', edge: '#4a2a74', size: 1.2 },
  InstallSnapshotResponse: { glyph: 'ack',       size: 0.85, fill: '#7b4fb0' },
  TimeoutNow:              { glyph: 'bolt',      fill: '#ffd21f', edge: '#7a5a00', size: 1.25 },
};
export const MESSAGE_TYPES = Object.keys(MESSAGE);

export const OUTCOME = {
  ok: '#2a9d4b',
  okEdge: '#17632d',
  bad: '#d62828',
  badEdge: '#7d1010',
};

export function messageStyle(type) {
  return MESSAGE[type] || MESSAGE.AppendEntries;
}

/** Snapshot block in the log panel (matches the InstallSnapshot message). */
export const SNAPSHOT = { fill: '#e9e0f5', edge: '#7b4fb0', text: '#4a2a74' };

/** next_index / match_index markers in the log panel. */
export const PROGRESS = { next: '#1e64dc', match: '#1d3557', applied: '#1c2430' };
