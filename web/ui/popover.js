// The node popover: the actions a student can take on one server. Each button
// yields a scenario command through the controller; the element runs it.
import { commands, isWord } from '../controller.js';

/**
 * Show the popover for node `id` near (x, y) (CSS px inside the canvas wrap).
 * `run(cmd)` executes a command; `t` translates.
 */
export function openNodePopover(pop, { id, view, x, y, t, run, close, remembered }) {
  const n = view.nodes.find((m) => m.id === id);
  if (!n) { close(); return; }
  const up = n.up && n.role !== 'down';
  const role = t(`role.${n.role}`);
  pop.innerHTML = `
    <div class="rl-pop-head"><strong>n${id}</strong> <span>${esc(role)} · ${esc(t('pop.term', { term: n.term }))}</span>
      <button type="button" class="rl-btn rl-icon rl-pop-close" data-pop="close" aria-label="${esc(t('pop.close'))}">×</button></div>
    <div class="rl-pop-row">
      ${up ? `<button type="button" class="rl-btn" data-pop="crash">${esc(t('pop.crash'))}</button>`
           : `<button type="button" class="rl-btn" data-pop="restart">${esc(t('pop.restart'))}</button>`}
      <button type="button" class="rl-btn" data-pop="timeout" ${up ? '' : 'disabled'}>${esc(t('pop.timeout'))}</button>
      <button type="button" class="rl-btn" data-pop="transfer" ${up ? '' : 'disabled'}>${esc(t('pop.transfer'))}</button>
      <button type="button" class="rl-btn" data-pop="remove">${esc(t('pop.remove'))}</button>
    </div>
    <div class="rl-pop-row">
      <input data-pop-field="key" size="4" spellcheck="false" aria-label="${esc(t('pop.key'))}" placeholder="${esc(t('pop.key'))}" value="${esc(remembered.key)}">
      <input data-pop-field="value" size="4" spellcheck="false" aria-label="${esc(t('pop.value'))}" placeholder="${esc(t('pop.value'))}" value="${esc(remembered.value)}">
    </div>
    <div class="rl-pop-row">
      <button type="button" class="rl-btn" data-pop="put" title="${esc(t('pop.put.title'))}">${esc(t('pop.put'))}</button>
      <button type="button" class="rl-btn" data-pop="propose" title="${esc(t('pop.propose.title'))}">${esc(t('pop.propose'))}</button>
      <button type="button" class="rl-btn" data-pop="stale" title="${esc(t('pop.staleRead.title'))}">${esc(t('pop.staleRead'))}</button>
    </div>
    <div class="rl-pop-error" hidden></div>`;
  pop.hidden = false;
  pop.dataset.node = String(id);
  // Keep the box inside the canvas area.
  const wrap = pop.parentElement.getBoundingClientRect();
  const w = Math.min(pop.offsetWidth || 260, wrap.width);
  const h = pop.offsetHeight || 150;
  pop.style.left = `${Math.max(4, Math.min(x + 12, wrap.width - w - 4))}px`;
  pop.style.top = `${Math.max(4, Math.min(y + 12, wrap.height - h - 4))}px`;

  const field = (name) => pop.querySelector(`[data-pop-field="${name}"]`).value.trim();
  const err = pop.querySelector('.rl-pop-error');
  const showErr = (msg) => { err.textContent = msg; err.hidden = false; };
  pop.onclick = (e) => {
    const b = e.target.closest('[data-pop]');
    if (!b) return;
    const what = b.dataset.pop;
    if (what === 'close') { close(); return; }
    const key = field('key');
    const value = field('value');
    let cmd = null;
    if (what === 'put' || what === 'propose' || what === 'stale') {
      if (!isWord(key)) return showErr(t('pop.badKey'));
      remembered.key = key;
      if (what !== 'stale') {
        if (!isWord(value)) return showErr(t('pop.badValue'));
        remembered.value = value;
        // Next put writes a fresh value, so successive clicks are distinguishable.
        if (/^\d+$/.test(value)) remembered.value = String(Number(value) + 1);
      }
      cmd = what === 'put' ? commands.put(key, value)
        : what === 'propose' ? commands.propose(id, key, value)
        : commands.staleRead(id, key);
    } else {
      cmd = commands[what](id);
    }
    const error = run(cmd);
    if (error) showErr(error);
    else close();
  };
  pop.onkeydown = (e) => { if (e.key === 'Escape') close(); };
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
