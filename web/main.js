// Page boot: map the permalink's URL parameters onto the <raft-lab> element,
// then define the element (which loads the wasm and starts the simulation).
//
//   ?nodes=5&seed=3&lang=zh&speed=1&autoplay=0&scenario=<encoded .raft text>
//
// A bad value never blanks the page: the element reports which parameter is
// wrong and why, and falls back to the default.
const KNOWN = ['nodes', 'seed', 'lang', 'speed', 'scenario', 'autoplay', 'lesson'];

function boot() {
  const lab = document.querySelector('raft-lab') || document.body.appendChild(document.createElement('raft-lab'));
  const params = new URLSearchParams(location.search);
  const unknown = [];
  for (const [name, value] of params) {
    switch (name) {
      case 'nodes':
      case 'seed':
      case 'lang':
      case 'speed':
        lab.setAttribute(name, value);
        break;
      case 'lesson': // a lesson from lessons/ (web/lesson/player.js); it starts paused
        lab.setAttribute('lesson', value);
        break;
      case 'autoplay':
        if (value === '0' || value === 'false') lab.removeAttribute('autoplay');
        else lab.setAttribute('autoplay', '');
        break;
      case 'scenario': {
        // Inline scenario text; a scenario replaces nodes/seed (it has its own setup).
        const s = document.createElement('script');
        s.type = 'text/raft';
        s.textContent = value;
        lab.replaceChildren(s);
        break;
      }
      default:
        unknown.push(name);
    }
  }
  return { lab, unknown };
}

const { lab, unknown } = boot();
await import('./element.js');
const { t, onLangChange } = await import('./i18n/index.js');
// The window title follows the language too.
const retitle = () => { document.title = t('app.title'); };
retitle();
onLangChange(retitle);
for (const name of unknown) lab.notify(t('param.unknown', { name, known: KNOWN.join(', ') }));
// For the console and tests: window.raftLab is the element.
window.raftLab = lab;
