// The resources every <raft-lab> on a page shares, each fetched once per page
// (the only module-level state of the page's code): the compiled wasm module
// and the parsed stylesheets adopted by the elements' shadow roots. Used by
// web/element.js and the lesson player (web/lesson/player.js).

let wasmPromise = null;
const sheets = new Map(); // stylesheet URL → Promise<CSSStyleSheet>

/** The wasm module, fetched and compiled once per page and shared by every element. */
export function loadWasm() {
  if (!wasmPromise) {
    wasmPromise = import(new URL('./pkg/raft_wasm.js', import.meta.url).href).then(async (mod) => {
      await mod.default(); // finds raft_wasm_bg.wasm beside raft_wasm.js
      // Rust panics are kept for the element that hit them (take_panic),
      // rather than printed to the console.
      if (typeof mod.capture_panics === 'function') mod.capture_panics();
      return mod;
    });
    wasmPromise.catch(() => { wasmPromise = null; }); // a later element may try again
  }
  return wasmPromise;
}

/**
 * A stylesheet, by its path beside this module (`element.css`,
 * `lesson/lesson.css`), fetched and parsed once per page and adopted by every
 * shadow root that needs it.
 */
export function loadSheet(path) {
  const url = new URL(path, import.meta.url).href;
  let p = sheets.get(url);
  if (!p) {
    p = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(await res.text());
      return sheet;
    });
    p.catch(() => sheets.delete(url)); // a later element may try again
    sheets.set(url, p);
  }
  return p;
}
