// embed.html: one <raft-lab> filling an iframe. URL parameters as on the lab
// page (web/params.js); view defaults to compact. The page tells its parent
// how tall it wants to be, for hosts that listen:
//   window.addEventListener('message', (e) => {
//     if (e.data && e.data.type === 'raft-lab:height') iframe.style.height = e.data.height + 'px';
//   });
import { applyParams, KNOWN_PARAMS } from './params.js';

const lab = document.querySelector('raft-lab');
const unknown = applyParams(lab, new URLSearchParams(location.search));
await import('./element.js');
const { translator } = await import('./i18n/index.js');
const t = translator(lab.lang);
for (const name of unknown) lab.notify(t('param.unknown', { name, known: KNOWN_PARAMS.join(', ') }));
document.documentElement.lang = lab.lang === 'zh' ? 'zh-Hans' : 'en';
lab.addEventListener('raft-lang', () => { document.documentElement.lang = lab.lang === 'zh' ? 'zh-Hans' : 'en'; });

if (window.parent !== window) {
  let sent = -1;
  const report = () => {
    const height = Math.ceil(lab.getBoundingClientRect().height);
    if (height === sent || height === 0) return;
    sent = height;
    window.parent.postMessage({ type: 'raft-lab:height', height }, '*');
  };
  new ResizeObserver(report).observe(lab);
}
// For tests: window.raftLab is the element.
window.raftLab = lab;
