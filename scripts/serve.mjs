#!/usr/bin/env node
// A zero-dependency static file server for the repository root.
//
// The page is plain ES modules (no bundler), so all it needs is files with the
// right Content-Type: browsers refuse module scripts served with a wrong MIME
// type, and `WebAssembly.instantiateStreaming` requires `application/wasm`.
//
//   node scripts/serve.mjs [PORT]      (or PORT=8080 node scripts/serve.mjs)
//
// Tests import it: `const { url, close } = await startServer(0)` (0 = any free port).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const ROOT = resolve(HERE, '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.raft': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8', // wasm-bindgen's .d.ts files, for reading
};

/**
 * Map a URL path to a file under `root`, or null when it would leave `root`
 * (directory traversal, `..` segments, encoded slashes, NUL bytes).
 */
export function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  const file = resolve(root, ...segments);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  // Prefix the origin rather than passing it as a base: a request for `//x`
  // would otherwise parse as a protocol-relative URL naming host `x`.
  const { pathname } = new URL('http://localhost' + req.url);
  let file = resolvePath(root, pathname);
  if (file === null) return send(res, 403, 'forbidden\n');

  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      // `/web` → `/web/` so relative URLs in an index.html resolve correctly.
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { Location: pathname + '/' });
        return res.end();
      }
      file = join(file, 'index.html');
      info = await stat(file);
    }
  } catch {
    return send(res, 404, `not found: ${pathname}\n`);
  }
  if (!info.isFile()) return send(res, 404, `not found: ${pathname}\n`);

  res.writeHead(200, {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // A development server: always serve the freshly built wasm and modules.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Serve `root` (default: the repository root) on 127.0.0.1:`port`.
 * Port 0 picks a free port. Resolves to `{ url, port, close() }`.
 */
export function startServer(port = 0, { root = ROOT } = {}) {
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolvePromise({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Like startServer, but when `port` is taken, try the next ones (up to
 * `tries` in all) and report each busy port through `onBusy(port)`.
 * Port 0 (any free port) never needs a second try.
 */
export async function startServerOnFreePort(port, { tries = 20, onBusy = () => {}, ...options } = {}) {
  const last = port === 0 ? 0 : Math.min(port + tries - 1, 65535);
  for (let p = port; ; p++) {
    try {
      return await startServer(p, options);
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || p >= last) throw err;
      onBusy(p);
    }
  }
}

// Run as a program (not when imported by tests).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ?? process.env.PORT ?? '8080';
  const port = Number(arg);
  if (!/^\d+$/.test(String(arg).trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: bad port ${JSON.stringify(arg)} (want a number 0..65535, e.g. PORT=9000 npm start)`);
    process.exit(2);
  }
  const TRIES = 20;
  startServerOnFreePort(port, {
    tries: TRIES,
    onBusy: (p) => console.log(`serve: port ${p} is already in use (another Raft Lab, or another server?); trying ${p + 1}`),
  }).then(
    ({ url, port: actual }) => {
      const note = actual !== port && port !== 0 ? `  — port ${port} was in use` : '';
      console.log(`Raft Lab is served at ${url}${note}  (Ctrl+C to stop)`);
    },
    (err) => {
      if (err.code === 'EADDRINUSE') {
        const last = Math.min(port + TRIES - 1, 65535);
        console.error(`serve: ports ${port}–${last} are all in use: stop the other server, or choose another port (PORT=9000 npm start)`);
      } else if (err.code === 'EACCES') {
        console.error(`serve: not allowed to listen on port ${port} (ports below 1024 need root): choose another port (PORT=8080 npm start)`);
      } else {
        console.error(`serve: cannot listen on 127.0.0.1:${port}: ${err.message}`);
      }
      process.exit(1);
    },
  );
}
