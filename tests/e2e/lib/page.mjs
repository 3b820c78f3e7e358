// Shared set-up for the end-to-end tests: serve the repository root on an
// ephemeral localhost port, drive Debian's chromium with playwright-core, and
// talk to the page through the public `<raft-lab>` element API.
//
// Everything runs in *simulated* time: autoplay is off, and tests move time
// only with `exec('run …')` / `exec('await … within …')`, so each run sees the
// same cluster history and the assertions never depend on the machine's speed.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, ROOT } from '../../../scripts/serve.mjs';

export { ROOT };
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');
export const WASM_PATH = join(ROOT, 'web', 'pkg', 'raft_wasm_bg.wasm');
export const BUILD_INFO_PATH = join(ROOT, 'web', 'pkg', 'build-info.json');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// The flags this machine needs (see the machine notes): no sandbox as root,
// no GPU, and no background network traffic to hosts that are unreachable here.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Fail early, with a message that says what to run, when the release build is missing. */
export function requireReleaseBuild() {
  if (!existsSync(WASM_PATH) || !existsSync(BUILD_INFO_PATH)) {
    throw new Error(`${WASM_PATH} or build-info.json is missing: run \`npm run build-wasm\` (the release build) first`);
  }
  return JSON.parse(readFileSync(BUILD_INFO_PATH, 'utf8'));
}

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Register before/after hooks that require the release build, start one
 * served lab for the file, and close it afterwards. Returns a holder whose
 * `lab` is set once the hooks have run.
 */
export function useLab() {
  const holder = { lab: null };
  before(async () => {
    requireReleaseBuild();
    holder.lab = await startLab();
  });
  after(async () => {
    await holder.lab?.close();
  });
  return holder;
}

/**
 * Start the static server and the browser once per test file.
 * Returns `{ url, browser, close() }`.
 */
export async function startLab() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/setup.sh (apt chromium)`);
  const server = await startServer(0);
  let browser;
  try {
    // Playwright makes a fresh temporary profile (--user-data-dir) per launch.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/**
 * Open the page with the given query (autoplay is forced off unless the query
 * sets it), wait until `<raft-lab>` is defined and its simulation exists.
 * Returns the Playwright page; `page.errors` collects uncaught exceptions and
 * `page.consoleErrors` console.error lines, `page.responses` the URLs fetched.
 */
export async function openLab(
  lab,
  query = '',
  { viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1, isMobile = false, waitReady = true } = {},
) {
  const context = await lab.browser.newContext({ viewport, deviceScaleFactor, isMobile, hasTouch: isMobile, locale: 'en-US' });
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.responses = [];
  page.on('pageerror', (err) => page.errors.push(String(err && err.stack ? err.stack : err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.consoleErrors.push(msg.text());
  });
  page.on('response', (res) => page.responses.push({ url: res.url(), status: res.status() }));
  const params = new URLSearchParams(query);
  if (!params.has('autoplay')) params.set('autoplay', '0');
  await page.goto(`${lab.url}index.html?${params}`, { waitUntil: 'load' });
  if (waitReady) await waitForLab(page);
  return page;
}

/** Resolve once the element's wasm simulation is ready, then make sure it is paused. */
export async function waitForLab(page, timeoutMs = 20000) {
  await page.waitForFunction(() => customElements.get('raft-lab') && document.querySelector('raft-lab'), null, {
    timeout: timeoutMs,
  });
  await page.evaluate(async (ms) => {
    const el = document.querySelector('raft-lab');
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`<raft-lab>.ready did not resolve within ${ms} ms`)), ms),
    );
    await Promise.race([el.ready, timeout]);
    el.pause();
  }, timeoutMs);
}

/**
 * Run scenario commands through `el.exec`, returning the new view model.
 * A parse error rejects with the element's Error message (which has line:col).
 */
export async function exec(page, text) {
  return page.evaluate((t) => {
    const el = document.querySelector('raft-lab');
    el.exec(t);
    return el.state();
  }, text);
}

/** Run commands that must be rejected; returns what the thrown Error carried. */
export async function execExpectingError(page, text) {
  return page.evaluate((t) => {
    const el = document.querySelector('raft-lab');
    try {
      el.exec(t);
    } catch (err) {
      return { threw: true, message: String(err && err.message), line: err.line ?? null, column: err.column ?? null };
    }
    return { threw: false };
  }, text);
}

export async function state(page) {
  return page.evaluate(() => document.querySelector('raft-lab').state());
}

export async function commandLog(page) {
  return page.evaluate(() => document.querySelector('raft-lab').commandLog());
}

/** Draw the current simulated instant, then save a screenshot under test-output/screenshots/. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.querySelector('raft-lab').render());
  await settled(page);
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/**
 * Wait until the ring canvas stops changing (the renderer glides nodes to a
 * new layout for a fraction of a second of real time, even while paused), so
 * a screenshot shows the layout the simulated instant settles on. Gives up
 * quietly after `maxMs`: a picture that never settles is still worth saving.
 */
export async function settled(page, maxMs = 3000) {
  await page.evaluate(async (max) => {
    const canvas = document.querySelector('raft-lab').shadowRoot.querySelector('canvas');
    if (!canvas) return;
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const t0 = performance.now();
    let last = canvas.toDataURL();
    let same = 0;
    while (same < 3 && performance.now() - t0 < max) {
      await frame();
      const now = canvas.toDataURL();
      same = now === last ? same + 1 : 0;
      last = now;
    }
  }, maxMs);
}

/**
 * How many distinct colours the ring canvas shows (sampled on a grid): a blank
 * or single-colour canvas has 1, a drawn cluster many.
 */
export async function canvasColourCount(page, selector = 'canvas[data-testid="ring"]') {
  return page.evaluate((sel) => {
    const el = document.querySelector('raft-lab');
    el.render();
    const canvas = el.shadowRoot.querySelector(sel) || el.shadowRoot.querySelector('canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set();
    const stepX = Math.max(1, Math.floor(canvas.width / 200));
    const stepY = Math.max(1, Math.floor(canvas.height / 200));
    for (let y = 0; y < canvas.height; y += stepY) {
      for (let x = 0; x < canvas.width; x += stepX) {
        const i = (y * canvas.width + x) * 4;
        colours.add((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]);
      }
    }
    return colours.size;
  }, selector);
}

// --- reading the view model -------------------------------------------------

/** The up node that is leader in the highest term, or null (scenario-language `leader`). */
export function leaderOf(view) {
  if (view.leader == null) return null;
  const node = view.nodes.find((n) => n.id === view.leader);
  assert.ok(node && node.up && node.role === 'leader', `view.leader n${view.leader} is not an up leader`);
  return node;
}

export function nodeById(view, id) {
  const n = view.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`node n${id} not in the view model`);
  return n;
}

/** A short description of every node, for assertion messages. */
export function describe(view) {
  return view.nodes
    .map((n) => `n${n.id}:${n.role}@t${n.term} commit=${n.commit} last=${n.last_index} kv=${JSON.stringify(n.kv)}`)
    .join('; ');
}
