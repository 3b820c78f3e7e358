#!/usr/bin/env node
// `npm run dist`: write dist/ — everything an author copies to a static host
// to embed Raft Lab (the <raft-lab> element, its stylesheet, the renderer, the
// message tables, the wasm, and the iframe page). No bundler: the files are
// the same ES modules the lab page loads, so dist/element.js finds the rest
// relative to its own URL, from any path or host.
//
//   node scripts/dist.mjs [OUT_DIR]     (default: dist/)
//
// Needs the release wasm in web/pkg (npm run build-wasm). Prints each file
// with its size, and the total raw and gzipped.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');

/** Paths under web/ that make up the embeddable element (directories: their *.js). */
export const DIST_FILES = [
  'element.js', 'element.css', 'load.js', 'attrs.js', 'snippets.js', 'history.js', 'controller.js', 'quorum.js', 'params.js',
  'embed.html', 'embed.js', 'ui/', 'i18n/', 'render/', 'diagram/', 'pkg/raft_wasm.js', 'pkg/raft_wasm_bg.wasm',
];
// The renderer's standalone demo page is not part of the element.
const SKIP = new Set(['render/demo.js']);

/** The files dist/ holds, relative to web/. */
export function distFileList() {
  const out = [];
  for (const entry of DIST_FILES) {
    if (entry.endsWith('/')) {
      for (const f of readdirSync(join(WEB, entry)).sort()) {
        const rel = entry + f;
        if (f.endsWith('.js') && !SKIP.has(rel)) out.push(rel);
      }
    } else {
      out.push(entry);
    }
  }
  return out;
}

/** Copy the element's files into `outDir` (emptied first). Returns [{ file, bytes, gzip }]. */
export function writeDist(outDir = join(ROOT, 'dist')) {
  if (!existsSync(join(WEB, 'pkg', 'raft_wasm_bg.wasm'))) {
    throw new Error('web/pkg/raft_wasm_bg.wasm is missing: run `npm run build-wasm` first');
  }
  rmSync(outDir, { recursive: true, force: true });
  const report = [];
  for (const rel of distFileList()) {
    const from = join(WEB, rel);
    const to = join(outDir, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    report.push({ file: rel, bytes: statSync(to).size, gzip: gzipSync(readFileSync(to), { level: 9 }).length });
  }
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] || join(ROOT, 'dist'));
  try {
    const report = writeDist(out);
    for (const r of report) console.log(`  ${r.file.padEnd(28)} ${String(r.bytes).padStart(8)} B  ${String(r.gzip).padStart(7)} B gz`);
    const sum = (k) => report.reduce((a, r) => a + r[k], 0);
    console.log(`[dist] ${report.length} files in ${relative(process.cwd(), out) || '.'}: ${sum('bytes')} bytes, ${sum('gzip')} gzipped`);
  } catch (e) {
    console.error(`[dist] ${e.message}`);
    process.exit(1);
  }
}
