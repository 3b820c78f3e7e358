// The legend: every symbol the ring and the log panel draw, each on a tiny
// canvas painted by the SAME functions (glyphs.js) the renderer uses, next to
// a sentence from the message table. buildLegend(container, { t }) may be
// called again (e.g. after a language switch); it replaces the content.

import { INK, termColor } from './theme.js';
import {
  drawAppliedBar, drawCell, drawCrown, drawCut, drawDisk, drawHeartbeat, drawHull,
  drawMessage, drawNode, drawProgressMarker, drawPuff, drawSnapshotBlock,
  drawSelection, drawTimerArc, drawTransfer, drawWall, font,
} from './glyphs.js';

const ICON_W = 52;
const ICON_H = 34;

// Each item: [message key, painter(ctx, w, h)].
const SECTIONS = [
  ['legend.sectionRoles', [
    ['legend.follower', (c, w, h) => drawNode(c, w / 2, h / 2, 11, 'follower', 2)],
    ['legend.preCandidate', (c, w, h) => drawNode(c, w / 2, h / 2, 10, 'pre-candidate', 2)],
    ['legend.candidate', (c, w, h) => drawNode(c, w / 2, h / 2, 10, 'candidate', 3)],
    ['legend.leader', (c, w, h) => {
      drawNode(c, w / 2, h / 2 + 3, 10, 'leader', 3);
      drawCrown(c, w / 2, h / 2 + 3 - 10.2, 9.5);
    }],
    ['legend.down', (c, w, h) => drawNode(c, w / 2, h / 2, 11, 'down', 2)],
  ]],
  ['legend.sectionNode', [
    ['legend.term', (c, w, h) => {
      drawNode(c, w / 2 - 11, h / 2, 9, 'follower', 1);
      drawNode(c, w / 2 + 11, h / 2, 9, 'follower', 2);
    }],
    ['legend.timer', (c, w, h) => {
      drawTimerArc(c, w / 2 - 12, h / 2, 7, 0.7);
      drawNode(c, w / 2 - 12, h / 2, 7, 'follower', 2);
      drawTimerArc(c, w / 2 + 12, h / 2, 7, 0.18);
      drawNode(c, w / 2 + 12, h / 2, 7, 'follower', 2);
    }],
    ['legend.heartbeat', (c, w, h) => {
      drawHeartbeat(c, w / 2, h / 2, 8, 0.45);
      drawNode(c, w / 2, h / 2, 8, 'leader', 2);
    }],
    ['legend.disk', (c, w, h) => {
      drawNode(c, w / 2 - 12, h / 2, 8, 'follower', 2);
      drawDisk(c, w / 2 - 12 + 7.5, h / 2 + 6, 9, 0.6, 0);
      drawNode(c, w / 2 + 12, h / 2, 8, 'follower', 2);
      drawDisk(c, w / 2 + 12 + 7.5, h / 2 + 6, 9, 0.2, 1);
    }],
    ['legend.votedFor', (c, w, h, t) => label(c, w, h, t('render.votedFor', { id: 3 }))],
    ['legend.votes', (c, w, h, t) => label(c, w, h, t('render.votes', { got: 2, need: 3 }))],
    ['legend.learner', (c, w, h) => drawNode(c, w / 2, h / 2, 9, 'follower', 2, true)],
    ['legend.selected', (c, w, h) => {
      drawNode(c, w / 2, h / 2, 7, 'follower', 2);
      drawSelection(c, w / 2, h / 2, 6);
    }],
    ['legend.transfer', (c, w, h) => {
      drawTransfer(c, 10, h / 2, w - 10, h / 2);
      drawNode(c, 9, h / 2, 7, 'leader', 2, false, false);
      drawNode(c, w - 9, h / 2, 7, 'follower', 2, false, false);
    }],
    ['legend.outside', (c, w, h) => {
      c.globalAlpha = 0.35;
      drawNode(c, w / 2, h / 2, 11, 'follower', 2);
      c.globalAlpha = 1;
    }],
  ]],
  ['legend.sectionMessages', [
    ['legend.tail', (c, w, h) => drawMessage(c, 'RequestVote', 0, null, w / 2 + 8, h / 2, 5.5, 0, true)],
    ['legend.requestVote', (c, w, h) => msg(c, w, h, 'RequestVote')],
    ['legend.preVote', (c, w, h) => msg(c, w, h, 'PreVote')],
    ['legend.voteGranted', (c, w, h) => msg(c, w, h, 'RequestVoteResponse', 0, true)],
    ['legend.voteDenied', (c, w, h) => msg(c, w, h, 'RequestVoteResponse', 0, false)],
    ['legend.heartbeatMsg', (c, w, h) => msg(c, w, h, 'AppendEntries', 0)],
    ['legend.appendN', (c, w, h) => msg(c, w, h, 'AppendEntries', 3)],
    ['legend.appendOk', (c, w, h) => msg(c, w, h, 'AppendEntriesResponse', 0, true)],
    ['legend.appendReject', (c, w, h) => msg(c, w, h, 'AppendEntriesResponse', 0, false)],
    ['legend.installSnapshot', (c, w, h) => msg(c, w, h, 'InstallSnapshot')],
    ['legend.snapshotReply', (c, w, h) => msg(c, w, h, 'InstallSnapshotResponse', 0, true)],
    ['legend.timeoutNow', (c, w, h) => msg(c, w, h, 'TimeoutNow')],
    ['legend.lost', (c, w, h) => {
      for (let i = 0; i < 3; i++) {
        c.globalAlpha = 1 - 0.3 * i;
        drawMessage(c, 'AppendEntries', 2, null, 12 + i * 14, h / 2, 5.5, 0, false);
      }
      c.globalAlpha = 1;
    }],
    ['legend.dropped', (c, w, h) => drawPuff(c, w / 2, h / 2, 6.5, 0.25)],
  ]],
  ['legend.sectionLog', [
    ['legend.committed', (c, w, h) => cells(c, w, h, true)],
    ['legend.uncommitted', (c, w, h) => cells(c, w, h, false)],
    ['legend.applied', (c, w, h) => {
      cells(c, w, h, true);
      drawAppliedBar(c, 4, h / 2 + 10, w - 8);
    }],
    ['legend.snapshot', (c, w, h) => {
      c.font = font(10, 600);
      drawSnapshotBlock(c, 2, h / 2 - 9, w - 4, 18, '≤7');
    }],
    ['legend.nextIndex', (c, w, h) => drawProgressMarker(c, 'next', w / 2, h / 2, 5)],
    ['legend.matchIndex', (c, w, h) => drawProgressMarker(c, 'match', w / 2, h / 2, 5)],
    ['legend.hidden', (c, w, h) => label(c, w, h, '…', 16)],
    ['legend.termColours', (c, w, h) => {
      c.font = font(9, 700);
      const cw = (w - 4) / 6;
      for (let i = 0; i < 6; i++) drawCell(c, 2 + i * cw, h / 2 - 8, cw, 16, i + 1, true, String(i + 1));
    }],
  ]],
  ['legend.sectionNetwork', [
    ['legend.partition', (c, w, h) => {
      const pts = new Float64Array([10, h / 2, 20, h / 2]);
      drawHull(c, pts, 2, 7, 'rgba(68,119,170,0.07)', 'rgba(68,119,170,0.55)', false, 1.5);
      const q = new Float64Array([43, h / 2]);
      drawHull(c, q, 1, 7, 'rgba(238,119,51,0.07)', 'rgba(238,119,51,0.55)', false, 1.5);
      drawWall(c, w / 2 + 5, 2, w / 2 + 5, h - 2);
    }],
    ['legend.cut', (c, w, h) => drawCut(c, 4, h / 2, w - 4, h / 2, 4.5)],
    ['legend.zone', (c, w, h) => {
      // The ring's zone band (ring.js, drawZoneArcs): a soft round-capped stroke.
      c.beginPath();
      c.moveTo(12, h / 2);
      c.lineTo(w - 12, h / 2);
      c.lineCap = 'round';
      c.lineWidth = 14;
      c.strokeStyle = 'rgba(59, 125, 216, 0.12)';
      c.stroke();
      c.lineCap = 'butt';
    }],
    ['legend.cOld', (c, w, h) => {
      const pts = new Float64Array([14, h / 2, w - 14, h / 2]);
      drawHull(c, pts, 2, 9, null, INK.cOld, true, 2);
    }],
    ['legend.cNew', (c, w, h) => {
      const pts = new Float64Array([14, h / 2, w - 14, h / 2]);
      drawHull(c, pts, 2, 9, null, INK.cNew, false, 2);
    }],
  ]],
];

function msg(c, w, h, type, entries = 0, success = null) {
  drawMessage(c, type, entries, success, w / 2, h / 2, 7, 0, false);
}

function cells(c, w, h, committed) {
  c.font = font(9, 600);
  const cw = (w - 4) / 2;
  drawCell(c, 2, h / 2 - 8, cw, 16, 2, committed, 'x=1');
  drawCell(c, 2 + cw, h / 2 - 8, cw, 16, 3, committed, 'y=2');
}

function label(c, w, h, text, px = 10) {
  c.font = font(px, 600);
  while (px > 7 && c.measureText(text).width > w - 2) c.font = font(--px, 600);
  c.fillStyle = INK.muted;
  c.textAlign = 'center';
  c.textBaseline = 'middle';
  c.fillText(text, w / 2, h / 2);
}

/** Paint one legend icon: a DPR-aware canvas of ICON_W × ICON_H CSS px. */
function icon(doc, paint, t) {
  const cv = doc.createElement('canvas');
  const dpr = (doc.defaultView && doc.defaultView.devicePixelRatio) || 1;
  cv.width = Math.round(ICON_W * dpr);
  cv.height = Math.round(ICON_H * dpr);
  cv.style.width = ICON_W + 'px';
  cv.style.height = ICON_H + 'px';
  cv.style.flex = '0 0 auto';
  const ctx = cv.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  paint(ctx, ICON_W, ICON_H, t);
  return cv;
}

/**
 * Fill `container` with the legend. Returns the container. Styling is inline
 * (so it works inside a shadow root) and inherits font and colour; the app
 * may override via the classes rl-legend, rl-legend-section, rl-legend-item.
 */
export function buildLegend(container, { t = (k) => k } = {}) {
  const doc = container.ownerDocument || document;
  container.textContent = '';
  container.classList.add('rl-legend');
  container.style.display = 'grid';
  container.style.gridTemplateColumns = 'repeat(auto-fill, minmax(260px, 1fr))';
  container.style.gap = '12px 20px';
  for (const [title, items] of SECTIONS) {
    const sec = doc.createElement('section');
    sec.className = 'rl-legend-section';
    const h = doc.createElement('h4');
    h.textContent = t(title);
    h.style.margin = '0 0 6px';
    h.style.fontSize = '0.95em';
    sec.appendChild(h);
    const list = doc.createElement('ul');
    list.style.listStyle = 'none';
    list.style.margin = '0';
    list.style.padding = '0';
    for (const [key, paint] of items) {
      const li = doc.createElement('li');
      li.className = 'rl-legend-item';
      li.style.display = 'flex';
      li.style.alignItems = 'center';
      li.style.gap = '8px';
      li.style.margin = '2px 0';
      li.style.fontSize = '0.85em';
      li.style.lineHeight = '1.3';
      li.appendChild(icon(doc, paint, t));
      const span = doc.createElement('span');
      span.textContent = t(key);
      li.appendChild(span);
      list.appendChild(li);
    }
    sec.appendChild(list);
    container.appendChild(sec);
  }
  return container;
}

export { termColor };
