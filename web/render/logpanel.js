// The log panel: one row per server, one cell per log entry.
//
// createLogPanel(canvas, { t, logWindow }) → { resize(), draw(view, ui), preferredHeight(n), hitTest(x, y), range(), capacity() }
//
// The view model carries only the newest entries of each log (`log_from ..=
// last_index`, docs/view-model.md). When the panel shows older ones (scrolled
// back, or a very wide panel), it asks `logWindow(id, from, count)` (the
// simulation's `log_window`) for exactly the visible range, once per change
// of that node's log, so a frame costs what it shows, not the run's length.
//
// Cells are coloured by the term that created them (the same colours as the
// term disc on the ring), solid once committed and hatched while not, so the
// reader can watch an entry become safe. The compacted prefix of a log is one
// "snapshot ≤ i" block. On follower rows the leader's view of that follower
// is marked: ▽ next_index (what it sends next), ▲ match_index (known to match).
// When logs are longer than the panel is wide, the right end (the news) stays
// visible and a "…" stands for the hidden prefix.

import { INK, fitCanvas, termColor, textOn } from './theme.js';
import {
  cellPath, drawAppliedBar, drawCrown, drawPendingCells, drawNode, drawProgressMarker,
  drawSnapshotBlock, font,
} from './glyphs.js';
import { referenceNode } from './ring.js';

const MIN_CELL = 22;
const MAX_CELL = 46;
const MIN_ROW = 16;
const MAX_ROW = 30;
const HEADER = 18;
const PAD = 6;

export function createLogPanel(canvas, { t = (k) => k, logWindow = null } = {}) {
  const ctx = canvas.getContext('2d');

  // Older entries fetched for the visible range, per node id:
  // { key, from, entries }; refetched when the range or the log changes.
  const older = new Map();
  function olderEntries(nd, from, to) {
    if (!logWindow || to < from) return null;
    const key = `${from}|${to}|${nd.last_index}|${nd.commit}|${nd.term}|${nd.snapshot_index}|${nd.up}`;
    let got = older.get(nd.id);
    if (!got || got.key !== key) {
      let entries = [];
      try { entries = logWindow(nd.id, from, to - from + 1) || []; } catch { entries = []; }
      got = { key, from: entries.length ? entries[0].index : from, entries };
      // Nothing came back (no simulation yet, a range being compacted): ask again next frame.
      if (entries.length) older.set(nd.id, got);
    }
    return got;
  }
  let W = 0;
  let H = 0;
  let dpr = 1;
  let bg = INK.background;

  // Abbreviated command text per (cell width, command); cleared when the
  // cell width or the language changes.
  const abbrev = new Map();
  let abbrevKey = '';
  const pending = []; // a row's uncommitted cells, [x, y, w, h, term, …] (reused)

  // Geometry of the last frame (for hitTest).
  let rowTop = 0;
  let rowH = 20;
  let rowIds = [];
  let cellX0 = 0;
  let cellW = 30;
  let firstIdx = 1;
  let lastSlot = 0;
  let shown = null;

  function resize() {
    ({ W, H, dpr, bg } = fitCanvas(canvas, ctx));
  }

  /** CSS height that shows n rows comfortably (the app may size the canvas with it). */
  function preferredHeight(n) {
    const row = n > 9 ? 20 : 26;
    return HEADER + PAD * 2 + n * row;
  }

  function shortCommand(cmd, maxW) {
    let s = abbrev.get(cmd);
    if (s !== undefined) return s;
    let text;
    const c = (cmd || '').trim();
    let m;
    if (c === '' || c === 'noop') text = t('render.cmdNoop');
    else if ((m = /^put\s+(\S+)\s+(.*?)(?:\s+lease\s+\S+)?$/.exec(c))) text = `${m[1]}=${m[2]}`;
    // etcd (issue 11): the key or the lease, not the command word.
    else if ((m = /^delete\s+(\S+)/.exec(c))) text = `✕${m[1]}`;
    else if ((m = /^range\s+(\S+)/.exec(c))) text = `${m[1]}*?`;
    else if ((m = /^lease-(grant|revoke|expire)\s+(\S+)/.exec(c))) text = t(`render.cmdLease.${m[1]}`, { name: m[2] });
    else if ((m = /^get\s+(\S+)/.exec(c))) text = `${m[1]}?`;
    else if (/^config/.test(c)) text = t('render.cmdConfig');
    else text = c.split(/\s+/)[0];
    // Fit: drop characters until it fits, marking the cut with "…".
    if (ctx.measureText(text).width > maxW) {
      let k = text.length - 1;
      while (k > 0 && ctx.measureText(text.slice(0, k) + '…').width > maxW) k--;
      // A stub like "x…" says nothing; show no text rather than that.
      text = k >= 2 ? text.slice(0, k) + '…' : '';
    }
    abbrev.set(cmd, text);
    return text;
  }

  function draw(view, ui = {}) {
    if (!W) resize();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, W, H);

    const nodes = (view.nodes || []).slice().sort((a, b) => a.id - b.id);
    const n = nodes.length;
    if (!n) return;
    rowIds = nodes.map((x) => x.id);

    // Columns: [name] [cells …] [kv]
    const narrow = W < 480;
    const labelW = narrow ? 40 : 52;
    const kvW = narrow ? 54 : Math.max(96, Math.min(220, W * 0.2));
    const x0 = PAD + labelW;
    const x1 = W - PAD - kvW - 6;
    const avail = Math.max(40, x1 - x0);

    let maxIndex = 0;
    for (const nd of nodes) if (nd.last_index > maxIndex) maxIndex = nd.last_index;
    // One slot past the end, where next_index usually points.
    const last = maxIndex + 1;
    const scroll = Math.max(0, Math.min(ui.logOffset | 0, Math.max(0, maxIndex - 4)));
    let cw = Math.min(MAX_CELL, avail / last);
    let first = 1;
    let fit = last;
    const ellW = 16;
    if (cw < MIN_CELL) {
      cw = MIN_CELL;
      fit = Math.max(1, Math.floor((avail - ellW) / cw));
      // ui.logFirst: the reader scrolled back and holds this index at the
      // left edge (web/ui/lognav.js); else ui.logOffset entries back from the newest.
      if (ui.logFirst != null) first = Math.max(1, Math.min(ui.logFirst | 0, last - fit + 1));
      else first = Math.max(1, last - scroll - fit + 1);
      cw = (avail - ellW) / fit; // stretch to fill exactly
    }
    const lastVisible = Math.min(last, first + Math.floor((avail - (first > 1 ? ellW : 0)) / cw + 1e-6) - 1);
    const cx0 = x0 + (first > 1 ? ellW : 0);
    cellX0 = cx0; cellW = cw; firstIdx = first; lastSlot = lastVisible;
    shown = {
      first, last: Math.min(lastVisible, maxIndex), maxIndex, fit, newest: lastVisible >= last,
      capacity: Math.max(1, Math.floor((avail - ellW) / MIN_CELL)) + 1,
    };

    const rowsH = H - HEADER - PAD * 2;
    rowH = Math.max(MIN_ROW, Math.min(MAX_ROW, rowsH / n));
    rowTop = PAD + HEADER;
    const mk = Math.max(2.5, Math.min(4.5, rowH * 0.15)); // marker size
    const cellTop = mk + 1.5;
    const cellH = rowH - 2 * (mk + 1.5) - 1;
    const cellFont = font(Math.max(8, Math.min(12, Math.floor(cellH * 0.58))), 600);

    const lang = t('render.cmdNoop') + t('render.cmdConfig');
    const key = `${Math.round(cw)}|${cellFont}|${lang}`;
    if (key !== abbrevKey) { abbrev.clear(); kvFit.clear(); abbrevKey = key; }

    // Header: entry indices, thinned so labels never collide.
    ctx.font = font(10, 500);
    ctx.fillStyle = INK.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const step = niceStep(Math.ceil(24 / cw));
    for (let i = first; i <= lastVisible; i++) {
      if (i % step !== 0 && i !== 1) continue;
      ctx.fillText(String(i), cx0 + (i - first + 0.5) * cw, PAD + HEADER / 2);
    }
    ctx.textAlign = 'left';
    ctx.fillText(t('render.index'), PAD, PAD + HEADER / 2);
    ctx.fillText(t(narrow ? 'render.kvHeaderShort' : 'render.kvHeader'), W - PAD - kvW, PAD + HEADER / 2, kvW);

    const ref = referenceNode(view);
    const leader = ref && ref.role === 'leader' ? ref : null;
    const progress = new Map();
    if (leader && leader.progress) for (const p of leader.progress) progress.set(p.id, p);
    const hoverId = ui.hover && ui.hover.kind === 'node' ? ui.hover.id : null;

    for (let r = 0; r < n; r++) {
      const nd = nodes[r];
      const y = rowTop + r * rowH;
      const down = nd.up === false || nd.role === 'down';
      const role = down ? 'down' : nd.role;

      // Row background: stripes, then hover/selection.
      if (nd.id === ui.selectedNode) {
        ctx.fillStyle = 'rgba(30, 100, 220, 0.10)';
        ctx.fillRect(0, y, W, rowH);
      } else if (nd.id === hoverId) {
        ctx.fillStyle = 'rgba(30, 100, 220, 0.06)';
        ctx.fillRect(0, y, W, rowH);
      } else if (r % 2 === 1) {
        ctx.fillStyle = 'rgba(60, 80, 110, 0.035)';
        ctx.fillRect(0, y, W, rowH);
      }
      ctx.globalAlpha = down ? 0.5 : 1;

      // Name with a small role glyph (same shapes as the ring).
      const gr = Math.max(4, Math.min(7, rowH * 0.26));
      drawNode(ctx, PAD + gr + 1, y + rowH / 2, gr, role, nd.term, false, false);
      if (role === 'leader') drawCrown(ctx, PAD + gr + 1, y + rowH / 2 - gr * 1.25, gr * 1.1);
      ctx.font = font(narrow ? 11 : 12, role === 'leader' ? 800 : 600);
      ctx.fillStyle = INK.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(t('render.node', { id: nd.id }), PAD + gr * 2 + 5, y + rowH / 2);

      // Hidden prefix / snapshot block.
      const snap = nd.snapshot_index || 0;
      if (snap >= first) {
        const bx = first > 1 ? x0 : cx0;
        const bw = cx0 + (Math.min(snap, lastVisible) - first + 1) * cw - bx;
        ctx.font = font(Math.max(8, Math.min(11, Math.floor(cellH * 0.55))), 600);
        const full = t('render.snapshotUpTo', { index: snap });
        const text = ctx.measureText(full).width + (bw > 60 ? 18 : 4) < bw ? full
          : ctx.measureText(`≤${snap}`).width + 4 < bw ? `≤${snap}` : '';
        drawSnapshotBlock(ctx, bx, y + cellTop, bw, cellH, text);
      } else if (first > 1) {
        ctx.font = font(12, 700);
        ctx.fillStyle = INK.faint;
        ctx.textAlign = 'center';
        ctx.fillText('…', x0 + ellW / 2, y + rowH / 2);
      }

      // Entries.
      ctx.font = cellFont;
      const log = nd.log || [];
      const base = log.length ? log[0].index : (nd.log_from ?? snap + 1);
      const from = Math.max(first, snap + 1);
      const to = Math.min(nd.last_index, lastVisible);
      // Visible entries older than the view model's window come from logWindow.
      const old = olderEntries(nd, from, Math.min(to, base - 1));
      const entryAt = (i) => (i >= base ? log[i - base] : old && old.entries[i - old.from]);
      const textRoom = cw - 5;
      // Pass 1, shapes: runs of committed cells of one term become one path
      // and one fill (hundreds of cells, a few dozen draw calls).
      // Uncommitted cells (the row's newest) are batched by term after it.
      let runTerm = -1;
      pending.length = 0;
      for (let i = from; i <= to; i++) {
        const e = entryAt(i);
        if (!e) continue;
        const x = cx0 + (i - first) * cw;
        if (i <= nd.commit) {
          if (e.term !== runTerm) {
            if (runTerm >= 0) { ctx.fillStyle = termColor(runTerm); ctx.fill(); }
            ctx.beginPath();
            runTerm = e.term;
          }
          cellPath(ctx, x + 1, y + cellTop, cw - 2, cellH);
        } else {
          pending.push(x + 1, y + cellTop, cw - 2, cellH, e.term);
        }
      }
      if (runTerm >= 0) { ctx.fillStyle = termColor(runTerm); ctx.fill(); }
      if (pending.length) drawPendingCells(ctx, pending);
      // Pass 2, the command text.
      if (textRoom >= 10) {
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        let ink = '';
        for (let i = from; i <= to; i++) {
          const e = entryAt(i);
          if (!e) continue;
          const text = shortCommand(e.command, textRoom);
          if (!text) continue;
          const want = i <= nd.commit ? textOn(termColor(e.term)) : INK.text;
          if (want !== ink) { ctx.fillStyle = want; ink = want; }
          ctx.fillText(text, cx0 + (i - first + 0.5) * cw, y + cellTop + cellH / 2 + 0.5);
        }
      }
      // A lesson step's `highlight entry [nK] INDEX`: an amber frame on that cell.
      for (const h of (ui.emphasis && ui.emphasis.entries) || []) {
        if ((h.node != null && h.node !== nd.id) || h.index < first || h.index > lastVisible || h.index > nd.last_index) continue;
        ctx.strokeStyle = '#d97706';
        ctx.lineWidth = 2.5;
        ctx.strokeRect(cx0 + (h.index - first) * cw + 0.5, y + cellTop - 1.5, cw - 1, cellH + 3);
      }
      // Applied: a bar under what the state machine has executed.
      if (nd.applied >= first) {
        const a0 = Math.max(from, first);
        const a1 = Math.min(nd.applied, lastVisible);
        if (a1 >= a0) drawAppliedBar(ctx, cx0 + (a0 - first) * cw + 1, y + cellTop + cellH + 0.5, (a1 - a0 + 1) * cw - 2);
      }

      // The leader's bookkeeping for this follower.
      const p = progress.get(nd.id);
      if (p && leader && nd.id !== leader.id) {
        const mx = slotCenter(p.match_index, first, lastVisible, cx0, cw, x0);
        const nx = slotCenter(p.next_index, first, lastVisible, cx0, cw, x0);
        if (nx != null) drawProgressMarker(ctx, 'next', nx, y + mk + 0.5, mk);
        if (mx != null && p.match_index > 0) drawProgressMarker(ctx, 'match', mx, y + rowH - mk - 1, mk);
      }

      // Key-value state at the row end.
      drawKv(nd, W - PAD - kvW, y + rowH / 2, kvW, narrow);
      ctx.globalAlpha = 1;
    }
  }

  // Fitted key-value summaries, by (text, width): measuring text is the
  // expensive part, and the state rarely changes between frames.
  const kvFit = new Map();
  function drawKv(nd, x, y, w, narrow) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.font = font(narrow ? 10 : 11, 500);
    // Each server's own revision first (issue 11): the key-value panel shows
    // one server's keys in full; this column says how far each server got.
    const rev = typeof nd.revision === 'number' ? t('render.kvRevision', { rev: nd.revision }) : '';
    let full = '';
    let count = 0;
    if (nd.kv) {
      for (const k in nd.kv) {
        full += (count ? ' ' : '') + k + '=' + nd.kv[k];
        count++;
      }
    }
    if (rev) {
      ctx.fillStyle = INK.muted;
      ctx.fillText(rev, x, y);
      const rw = ctx.measureText(rev + ' ').width;
      x += rw;
      w -= rw;
    }
    if (!count) {
      ctx.fillStyle = INK.faint;
      ctx.fillText(t('render.kvEmpty'), x, y);
      return;
    }
    const key = `${w}|${count}|${full}`;
    let s = kvFit.get(key);
    if (s === undefined) {
      if (kvFit.size > 500) kvFit.clear();
      if (ctx.measureText(full).width <= w - 4) {
        s = full;
      } else {
        // Whole "key=value" pairs only, then "…".
        const parts = full.split(' ');
        s = '';
        for (let i = 0; i < parts.length; i++) {
          const next = (i ? s + ' ' : '') + parts[i];
          if (ctx.measureText(next + ' …').width > w - 4) break;
          s = next;
        }
        s = s ? s + ' …' : t('render.kvKeys', { n: count });
      }
      kvFit.set(key, s);
    }
    ctx.fillStyle = INK.text;
    ctx.fillText(s, x, y, w);
  }

  /** Which node row and log index is under (x, y) (e.g. for a DOM tooltip). */
  function hitTest(x, y) {
    const r = Math.floor((y - rowTop) / rowH);
    if (r < 0 || r >= rowIds.length) return null;
    const i = Math.floor((x - cellX0) / cellW) + firstIdx;
    return { kind: 'row', id: rowIds[r], index: i >= firstIdx && i <= lastSlot ? i : null };
  }

  /**
   * The entries the last frame showed: `{ first, last, maxIndex, fit, newest }`
   * (`fit`: how many slots the width holds; `newest`: the right end is in view).
   */
  function range() { return shown; }

  /**
   * The most cells a row can show at this width (at the smallest cell), 0
   * before the first draw: the element asks the simulation for that many of
   * each log's newest entries per frame (`frame_state`), and the panel
   * fetches anything older it shows with `logWindow`.
   */
  function capacity() { return shown ? shown.capacity : 0; }

  return { resize, draw, preferredHeight, hitTest, range, capacity };
}

function slotCenter(index, first, lastVisible, cx0, cw, x0) {
  if (index < first) return index >= first - 1 ? cx0 - 2 : x0 + 4; // just off the left end
  if (index > lastVisible) return null;
  return cx0 + (index - first + 0.5) * cw;
}

function niceStep(s) {
  for (const k of [1, 2, 5, 10, 20, 50, 100, 200, 500]) if (k >= s) return k;
  return 1000;
}
