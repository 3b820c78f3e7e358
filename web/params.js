// URL parameters → <raft-lab> attributes, shared by the lab page (main.js,
// index.html) and the iframe page (embed.html), so both take the same
// parameters (documented in web/README.md):
//
//   ?nodes=5&seed=3&lang=zh&speed=1&autoplay=0&view=compact&controls=crash+put
//    &theme=dark&height=420&scenario=<encoded .raft text>&lesson=split-vote
//
// Values are passed on as they are; the element validates them and reports a
// bad one (naming the parameter) while using the default.
export const KNOWN_PARAMS = ['nodes', 'seed', 'lang', 'speed', 'scenario', 'autoplay', 'view', 'controls', 'theme', 'height', 'lesson'];

/** Apply `params` (URLSearchParams) to `lab` before it is defined; returns the unknown parameter names. */
export function applyParams(lab, params) {
  const unknown = [];
  for (const [name, value] of params) {
    switch (name) {
      case 'nodes':
      case 'seed':
      case 'lang':
      case 'speed':
      case 'view':
      case 'controls':
      case 'theme':
      case 'height':
      case 'lesson': // a lesson from lessons/ (web/lesson/player.js); it starts paused
        lab.setAttribute(name, value);
        break;
      case 'autoplay':
        if (value === '0' || value === 'false') lab.removeAttribute('autoplay');
        else lab.setAttribute('autoplay', '');
        break;
      case 'scenario': {
        // Inline scenario text; a scenario replaces nodes/seed (it has its own setup).
        const s = lab.ownerDocument.createElement('script');
        s.type = 'text/raft';
        s.textContent = value;
        lab.replaceChildren(s);
        break;
      }
      default:
        unknown.push(name);
    }
  }
  return unknown;
}
