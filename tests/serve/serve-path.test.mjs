// The serving path (`npm start`) needs only cargo, wasm-bindgen-cli and npm's
// binaryen: these tests build the page's wasm package with wasm-pack and
// Chromium hidden from PATH, load what was built, check that an up-to-date
// package is not rebuilt, and that a busy port is reported and skipped.
//
// Run: node --test tests/serve/   (stage `serve-path` of `npm test`; it reuses
// the warm cargo target dir, so it costs one wasm-bindgen + wasm-opt run).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import {
  existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, mkdirSync,
} from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HIDDEN = new Set(['wasm-pack', 'chromium', 'chromium-browser', 'chromedriver', 'google-chrome']);

let tmp;
let shimBin;
let out;

/**
 * A directory of symlinks to every program on PATH (and ~/.cargo/bin, which
 * the scripts would otherwise add) except the test-only tools in HIDDEN.
 */
function pathWithout(hidden) {
  const dir = join(tmp, 'bin');
  mkdirSync(dir);
  const dirs = [...(process.env.PATH || '').split(delimiter), join(homedir(), '.cargo', 'bin')];
  const seen = new Set();
  for (const d of dirs) {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (hidden.has(name) || seen.has(name)) continue;
      seen.add(name);
      try {
        symlinkSync(join(d, name), join(dir, name));
      } catch {
        /* an unreadable entry: skip it */
      }
    }
  }
  return dir;
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Run bash with PATH = the reduced directory. `--norc` and a stdin that is
 * not a socket: bash run with its stdin on a socket (as node's default pipes
 * are) reads ~/.bashrc even for `-c`, and a .bashrc that puts ~/.cargo/bin
 * back on PATH would bring wasm-pack back.
 */
function bashWithout(args, timeout = 15 * 60 * 1000) {
  return spawnSync('bash', ['--norc', ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: shimBin },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout,
  });
}

function buildWasm(args) {
  return bashWithout(['scripts/build-wasm.sh', ...args]);
}

function describeRun(r) {
  return `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'raft-lab-serve-path-'));
  shimBin = pathWithout(HIDDEN);
  out = join(tmp, 'pkg');
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the hidden tools really are out of reach on the reduced PATH', () => {
  for (const tool of HIDDEN) {
    const r = bashWithout(['-c', `command -v ${tool}`]);
    assert.notEqual(r.status, 0, `${tool} is still on PATH: ${r.stdout}`);
  }
  // …while what the build needs is there.
  for (const tool of ['cargo', 'wasm-bindgen', 'node']) {
    const r = bashWithout(['-c', `command -v ${tool}`]);
    assert.equal(r.status, 0, `${tool} is missing from the reduced PATH`);
  }
});

test('build-wasm.sh builds a loadable package without wasm-pack or Chromium', async () => {
  const r = buildWasm(['--out-dir', out]);
  assert.equal(r.status, 0, describeRun(r));
  // The names the page, the element and the tests load.
  for (const f of ['raft_wasm.js', 'raft_wasm_bg.wasm', 'build-info.json']) {
    assert.ok(existsSync(join(out, f)), `${f} missing from ${out}\n${describeRun(r)}`);
  }
  const info = JSON.parse(readFileSync(join(out, 'build-info.json'), 'utf8'));
  const wasm = readFileSync(join(out, 'raft_wasm_bg.wasm'));
  assert.equal(info.sha256, sha256(wasm));
  assert.equal(info.bytes, wasm.length);
  assert.match(info.wasm_opt, /^binaryen /);
  assert.ok(info.bytes < info.bytes_before_wasm_opt, 'wasm-opt did not shrink the module');

  // Load it the way web-unit does (node, no browser) and run a cluster.
  const mod = await import(pathToFileURL(join(out, 'raft_wasm.js')).href);
  await mod.default({ module_or_path: wasm });
  const sim = new mod.Simulation('cluster 5\nseed 1\n');
  sim.exec('await leader any within 2s');
  const view = sim.state();
  assert.equal(view.failures.length, 0, JSON.stringify(view.failures));
  assert.equal(view.nodes.filter((n) => n.role === 'leader').length, 1, 'no single leader after 2 s');
  assert.match(sim.trace_hash(), /^[0-9a-f]{16}$/);
  sim.free();
});

test('the release wasm hashes every scenario as the native CLI does', async () => {
  // The optimized (opt-level z, wasm-opt -Oz) build must not change a run.
  const wasmFile = join(out, 'raft_wasm_bg.wasm');
  assert.ok(existsSync(wasmFile), 'the previous test did not build the package');
  const mod = await import(pathToFileURL(join(out, 'raft_wasm.js')).href);
  await mod.default({ module_or_path: readFileSync(wasmFile) });

  const build = spawnSync('cargo', ['build', '-q', '-p', 'raft-sim', '--bin', 'raft-sim'], {
    cwd: ROOT, encoding: 'utf8', timeout: 15 * 60 * 1000,
  });
  assert.equal(build.status, 0, describeRun(build));
  const cli = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug', 'raft-sim');

  const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.raft')).sort();
  assert.ok(files.length > 0, 'no scenarios/*.raft');
  const mismatches = [];
  let compared = 0;
  for (const f of files) {
    const path = join(ROOT, 'scenarios', f);
    const native = spawnSync(cli, ['run', path, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    let nativeHash;
    try {
      nativeHash = JSON.parse(native.stdout).trace_hash;
    } catch {
      continue; // a file that does not parse: no run to compare (the wasm-pack test covers its error)
    }
    const sim = new mod.Simulation(readFileSync(path, 'utf8'));
    const wasmHash = sim.state().trace_hash;
    sim.free();
    compared++;
    if (wasmHash !== nativeHash) mismatches.push(`${f}: native ${nativeHash}, wasm ${wasmHash}`);
  }
  assert.ok(compared >= files.length / 2, `only ${compared} of ${files.length} scenarios ran natively`);
  assert.deepEqual(mismatches, []);
});

test('an up-to-date package is not rebuilt; a stale one is', () => {
  const wasmFile = join(out, 'raft_wasm_bg.wasm');
  const before = statSync(wasmFile).mtimeMs;
  const again = buildWasm(['--out-dir', out]);
  assert.equal(again.status, 0, describeRun(again));
  assert.match(again.stdout, /up to date/);
  assert.doesNotMatch(again.stdout, /compiling|wasm-opt/);
  assert.equal(statSync(wasmFile).mtimeMs, before, 'the package was rewritten');

  const fresh = buildWasm(['--out-dir', out, '--check']);
  assert.equal(fresh.status, 0, describeRun(fresh));
  // Make the package older than its sources: --check now says it would rebuild, and why.
  const old = new Date('2001-01-01T00:00:00Z');
  utimesSync(join(out, 'build-info.json'), old, old);
  const stale = buildWasm(['--out-dir', out, '--check']);
  assert.equal(stale.status, 1, describeRun(stale));
  assert.match(stale.stdout, /would rebuild: .+ changed since/);
});

/** Start `node scripts/serve.mjs ARG` and resolve with its first stdout line and the child. */
function startServe(arg) {
  const child = spawn(process.execPath, ['scripts/serve.mjs', String(arg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    let errText = '';
    child.stdout.on('data', (d) => {
      text += d;
      if (/served at/.test(text)) resolve({ child, text });
    });
    child.stderr.on('data', (d) => (errText += d));
    child.on('exit', (code) => reject(new Error(`serve.mjs exited ${code}: ${text}${errText}`)));
  });
}

test('a port in use gets a clear message and the next free port', async (t) => {
  const blocker = createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const busy = blocker.address().port;

  const { child, text } = await startServe(busy);
  t.after(() => child.kill());
  assert.match(text, new RegExp(`port ${busy} is already in use`));
  const m = text.match(/served at (http:\/\/127\.0\.0\.1:(\d+)\/)/);
  assert.ok(m, text);
  assert.ok(Number(m[2]) > busy, `served on ${m[2]}, the busy port was ${busy}`);
  assert.match(text, new RegExp(`port ${busy} was in use`));
  const res = await fetch(`${m[1]}index.html`);
  assert.equal(res.status, 200);
});

test('a bad port is refused with a message', () => {
  const r = spawnSync(process.execPath, ['scripts/serve.mjs', 'eighty'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad port "eighty"/);
});
