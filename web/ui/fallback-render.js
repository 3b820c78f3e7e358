// A deliberately plain stand-in for web/render/ (the real renderer). The page
// uses it only if the real renderer fails to load, so the simulation stays
// usable: circles on a ring, dots for messages, one text row per log.
const ROLE_COLOR = { leader: '#d97706', candidate: '#7c3aed', 'pre-candidate': '#a78bfa', follower: '#2563eb', down: '#9ca3af' };

function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

export function createRingRenderer(canvas) {
  let g = fit(canvas);
  let pos = new Map();
  let msgs = [];
  return {
    resize() { g = fit(canvas); },
    draw(view, simTimeMs, ui) {
      const { ctx, w, h } = g;
      ctx.clearRect(0, 0, w, h);
      const ids = view.nodes.map((n) => n.id);
      const cx = w / 2, cy = h / 2, R = Math.min(w, h) * 0.38, r = Math.max(10, Math.min(26, R * 0.3));
      pos = new Map(ids.map((id, i) => {
        const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ids.length);
        return [id, [cx + R * Math.cos(a), cy + R * Math.sin(a)]];
      }));
      if (ui && ui.dragging) pos.set(ui.dragging.id, [ui.dragging.x, ui.dragging.y]);
      ctx.strokeStyle = '#e5e7eb';
      for (const a of ids) for (const b of ids) if (a < b) {
        ctx.beginPath(); ctx.moveTo(...pos.get(a)); ctx.lineTo(...pos.get(b)); ctx.stroke();
      }
      msgs = [];
      for (const m of view.in_flight || []) {
        const p = pos.get(m.from), q = pos.get(m.to);
        if (!p || !q) continue;
        const f = Math.max(0, Math.min(1, (simTimeMs - m.send_ms) / Math.max(1, m.deliver_ms - m.send_ms)));
        const x = p[0] + (q[0] - p[0]) * f, y = p[1] + (q[1] - p[1]) * f;
        msgs.push({ id: m.id, x, y });
        ctx.fillStyle = m.type.startsWith('Request') ? '#7c3aed' : '#059669';
        ctx.beginPath(); ctx.arc(x, y, 4, 0, 7); ctx.fill();
      }
      for (const n of view.nodes) {
        const [x, y] = pos.get(n.id);
        ctx.fillStyle = ROLE_COLOR[n.up ? n.role : 'down'] || '#2563eb';
        ctx.beginPath(); ctx.arc(x, y, r, 0, 7); ctx.fill();
        if (ui && ui.selectedNode === n.id) { ctx.strokeStyle = '#111'; ctx.lineWidth = 3; ctx.stroke(); ctx.lineWidth = 1; }
        ctx.fillStyle = '#fff'; ctx.font = `${Math.round(r * 0.6)}px sans-serif`; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(`n${n.id}`, x, y - r * 0.15);
        ctx.font = `${Math.round(r * 0.4)}px sans-serif`; ctx.fillText(`T${n.term}`, x, y + r * 0.4);
      }
      this._r = r;
    },
    hitTest(x, y) {
      for (const m of msgs) if (Math.hypot(m.x - x, m.y - y) < 7) return { kind: 'message', id: m.id };
      for (const [id, [px, py]] of pos) if (Math.hypot(px - x, py - y) < (this._r || 20)) return { kind: 'node', id };
      return null;
    },
  };
}

export function createLogPanel(canvas) {
  let g = fit(canvas);
  return {
    resize() { g = fit(canvas); },
    draw(view) {
      const { ctx, w, h } = g;
      ctx.clearRect(0, 0, w, h);
      const rowH = Math.min(24, h / Math.max(1, view.nodes.length));
      ctx.font = `${Math.round(rowH * 0.6)}px monospace`; ctx.textBaseline = 'middle'; ctx.textAlign = 'left';
      view.nodes.forEach((n, i) => {
        const y = rowH * (i + 0.5);
        ctx.fillStyle = '#111';
        const cells = n.log.map((e) => `${e.index}:${e.term}${e.index <= n.commit ? '' : '?'}`).join(' ');
        ctx.fillText(`n${n.id} ${cells}`, 4, y, w - 8);
      });
    },
  };
}

export function buildLegend(container) { container.textContent = ''; }
