// Copy-ready HTML that puts a session into another page (the "Embed"
// dialog): the custom element with the command log inline, and an iframe of
// embed.html with the log as its `scenario` parameter. Both replay the session
// to the same trace. Pure function, tested in node (web/tests/attrs.test.mjs).

/**
 * `log`: the .raft text (the command log); `lang`, `speed`: the reader's
 * settings; `base`: the URL of the directory holding element.js and
 * embed.html; `title`: the iframe's accessible title. Returns `{ element, iframe }`.
 */
export function embedSnippets({ log, lang, speed, base, title }) {
  const elementUrl = new URL('element.js', base).href;
  // `</script` cannot appear inside the inline script; it could only be in a comment.
  const inline = String(log).replace(/<\/(script)/gi, '<\\/$1').trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
  const attrs = `view="compact" controls="crash partition put speed log" lang="${escAttr(lang)}" speed="${escAttr(speed)}"`;
  const element = `<script type="module" src="${escAttr(elementUrl)}"></script>\n` +
    `<raft-lab ${attrs}>\n  <script type="text/raft">\n${inline}\n  </script>\n</raft-lab>`;
  const u = new URL('embed.html', base);
  u.searchParams.set('view', 'compact');
  u.searchParams.set('lang', lang);
  u.searchParams.set('speed', String(speed));
  u.searchParams.set('scenario', log);
  const iframe = `<iframe src="${escAttr(u.href)}" title="${escAttr(title)}" ` +
    'style="width:100%;height:480px;border:0" loading="lazy"></iframe>';
  return { element, iframe };
}

function escAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
