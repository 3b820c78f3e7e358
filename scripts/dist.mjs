#!/usr/bin/env node
// `npm run dist`: write dist/ — everything an author copies to a static host
// to embed Raft Lab (the <raft-lab> element, its stylesheet, the renderer, the
// message tables, the wasm, and the iframe page) and to teach with it (the
// lesson player, the lessons, and the course page lessons.html). No bundler:
// the files are the same ES modules the lab page loads, so dist/element.js
// finds the rest relative to its own URL, from any path or host.
//
// The layout is flat: the lessons and the course page sit beside element.js
// (dist/lessons/, dist/lessons.html), and a lesson opens full-page in
// embed.html?view=full (dist/ has no index.html). Two files are adapted on the
// way: lesson/paths.js (its LAYOUT line, the one place that knows where the
// course lives) and lessons.html (its links into web/).
//
//   node scripts/dist.mjs [OUT_DIR]     (default: dist/)
//
// Needs the release wasm in web/pkg (npm run build-wasm). Prints each file
// with its size, and the total raw and gzipped.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');

/** Paths under web/ that make up the embeddable element (directories: their *.js and *.css). */
export const DIST_FILES = [
  'element.js', 'element.css', 'load.js', 'attrs.js', 'snippets.js', 'history.js', 'controller.js', 'quorum.js', 'params.js',
  'embed.html', 'embed.js', 'ui/', 'i18n/', 'render/', 'diagram/', 'lesson/', 'pkg/raft_wasm.js', 'pkg/raft_wasm_bg.wasm',
];
/** Paths under the repository root that dist/ holds at the same relative path (the course). */
export const DIST_ROOT_FILES = ['lessons/', 'lessons.html'];
// The renderer's standalone demo page is not part of the element.
const SKIP = new Set(['render/demo.js']);
const SHIPPED = /\.(js|css|raft)$/;

/** Where dist/'s lesson/paths.js says the course lives (see web/lesson/paths.js). */
const DIST_LAYOUT = "const LAYOUT = { root: '../', lab: 'embed.html', labParams: { view: 'full' } };";

/** `text` with `from` replaced by `to`, which must occur exactly once (a changed source fails loudly). */
function replaceOnce(text, from, to, file) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Files whose dist/ copy differs from the source: dist path → (source text) → dist text. */
const ADAPT = {
  'lesson/paths.js': (text) => text.replace(/^const LAYOUT = .*;$/m, (line) => {
    if (!line.includes("root: '../../'")) throw new Error(`lesson/paths.js: unexpected LAYOUT line ${line}`);
    return DIST_LAYOUT;
  }),
  'lessons.html': (text) => replaceOnce(replaceOnce(text,
    'href="web/lesson/course.css"', 'href="lesson/course.css"', 'lessons.html'),
    'src="web/lesson/course.js"', 'src="lesson/course.js"', 'lessons.html'),
};

function expand(base, entries, skip = new Set()) {
  const out = [];
  for (const entry of entries) {
    if (entry.endsWith('/')) {
      for (const f of readdirSync(join(base, entry)).sort()) {
        const rel = entry + f;
        if (SHIPPED.test(f) && !skip.has(rel)) out.push({ rel, from: join(base, rel) });
      }
    } else {
      out.push({ rel: entry, from: join(base, entry) });
    }
  }
  return out;
}

/** The files dist/ holds: `{ rel, from }` (path in dist/, source file). */
export function distSources() {
  return [...expand(WEB, DIST_FILES, SKIP), ...expand(ROOT, DIST_ROOT_FILES)];
}

/** The files dist/ holds, relative to dist/. */
export function distFileList() {
  return distSources().map((s) => s.rel);
}

/** Copy the element's files into `outDir` (emptied first). Returns [{ file, bytes, gzip }]. */
export function writeDist(outDir = join(ROOT, 'dist')) {
  if (!existsSync(join(WEB, 'pkg', 'raft_wasm_bg.wasm'))) {
    throw new Error('web/pkg/raft_wasm_bg.wasm is missing: run `npm run build-wasm` first');
  }
  rmSync(outDir, { recursive: true, force: true });
  const report = [];
  for (const { rel, from } of distSources()) {
    const to = join(outDir, rel);
    mkdirSync(dirname(to), { recursive: true });
    if (ADAPT[rel]) writeFileSync(to, ADAPT[rel](readFileSync(from, 'utf8')));
    else copyFileSync(from, to);
    report.push({ file: rel, bytes: statSync(to).size, gzip: gzipSync(readFileSync(to), { level: 9 }).length });
  }
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] || join(ROOT, 'dist'));
  try {
    const report = writeDist(out);
    for (const r of report) console.log(`  ${r.file.padEnd(34)} ${String(r.bytes).padStart(8)} B  ${String(r.gzip).padStart(7)} B gz`);
    const sum = (k) => report.reduce((a, r) => a + r[k], 0);
    console.log(`[dist] ${report.length} files in ${relative(process.cwd(), out) || '.'}: ${sum('bytes')} bytes, ${sum('gzip')} gzipped`);
  } catch (e) {
    console.error(`[dist] ${e.message}`);
    process.exit(1);
  }
}
