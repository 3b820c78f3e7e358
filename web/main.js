// The lab page (index.html): map the permalink's URL parameters onto its one
// full-window <raft-lab> (web/params.js), then define the element, which loads
// the wasm and starts the simulation.
//
// A bad value never blanks the page: the element reports which parameter is
// wrong and why, and falls back to the default.
import { applyParams, KNOWN_PARAMS } from './params.js';

const lab = document.querySelector('raft-lab') || document.body.appendChild(document.createElement('raft-lab'));
const unknown = applyParams(lab, new URLSearchParams(location.search));
// The lab page is the whole window: load at once, and copy links to this page.
lab.setAttribute('loading', 'eager');
lab.permalinkBase = location.href;
await import('./element.js');
const { translator } = await import('./i18n/index.js');
// The window title and the document language follow the element's language.
const retitle = () => {
  document.title = translator(lab.lang)('app.title');
  document.documentElement.lang = lab.lang === 'zh' ? 'zh-Hans' : 'en';
};
retitle();
lab.addEventListener('raft-lang', retitle);
const t = translator(lab.lang);
for (const name of unknown) lab.notify(t('param.unknown', { name, known: KNOWN_PARAMS.join(', ') }));
// The element's shortcuts act only while the focus is inside it. On the lab
// page, where it is the whole window, they also work with nothing focused.
document.addEventListener('keydown', (e) => {
  if (e.target !== document.body || e.ctrlKey || e.metaKey || e.altKey || !lab.loaded) return;
  if (e.key === ' ') { e.preventDefault(); if (lab.playing) lab.pause(); else lab.play(); }
  else if (e.key === '.') { e.preventDefault(); lab.step(); }
  // A lesson (?lesson=slug): ←/→ are Back/Next.
  else if (lab.lessonPlayer) lab.lessonPlayer.key(e);
});
// For the console and tests: window.raftLab is the element.
window.raftLab = lab;
