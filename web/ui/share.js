// Getting a session out of the element: the clipboard (with a fallback where
// the page may not write to it), a downloaded .raft file, and the permalink
// (a URL whose `scenario` parameter is the command log, web/params.js).

/**
 * Copy `text` to the clipboard. Returns true when copied; false when the
 * browser refused (no permission, an insecure page, an iframe without
 * clipboard-write), so the caller can select the text for Ctrl+C instead.
 */
export async function copyToClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    return false;
  }
}

/** Select the whole content of `node` (a <pre>) in the page, for Ctrl+C. */
export function selectContents(node) {
  const doc = node.ownerDocument;
  const sel = doc.getSelection();
  const range = doc.createRange();
  range.selectNodeContents(node);
  sel.removeAllRanges();
  sel.addRange(range);
}

/** Offer `text` as a file named `filename` (see downloadBlob). */
export function downloadText(container, filename, text) {
  downloadBlob(container, filename, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}

/** Offer `blob` as a file named `filename` (a temporary link clicked inside `container`). */
export function downloadBlob(container, filename, blob) {
  const doc = container.ownerDocument;
  const a = doc.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  container.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * A URL that replays a session: `base` (the page's own URL, or null for
 * `embedPage`, which then also gets the `view`), with `lang`, `speed` and the
 * command log as `scenario`. Resolved against `here` (the current location).
 */
export function permalinkUrl({ base, embedPage, here, view, lang, speed, log }) {
  const u = new URL(base || embedPage, here);
  u.search = '';
  if (!base) u.searchParams.set('view', view || 'full');
  u.searchParams.set('lang', lang);
  u.searchParams.set('speed', String(speed));
  u.searchParams.set('scenario', log);
  return u.href;
}
