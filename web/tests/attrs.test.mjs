// The element's attribute checks (web/attrs.js) and the Embed dialog's
// snippets (web/snippets.js): bad values are refused, and both snippets carry
// the session so that the real parser reads the same commands from them.
// Run: node --test web/tests/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNodes, parseSeed, parseSpeed, parseHeight, parseControls, CONTROLS, MAX_NODES } from '../attrs.js';
import { embedSnippets } from '../snippets.js';

let wasm;
before(async () => {
  wasm = await import(new URL('../pkg/raft_wasm.js', import.meta.url).href);
  await wasm.default({ module_or_path: readFileSync(fileURLToPath(new URL('../pkg/raft_wasm_bg.wasm', import.meta.url))) });
});

test("the page's cluster-size limit is raft-sim's (wasm max_nodes())", () => {
  assert.equal(MAX_NODES, wasm.max_nodes());
  assert.equal(parseNodes(String(MAX_NODES)), MAX_NODES);
  assert.equal(parseNodes(String(MAX_NODES + 1)), null);
  // And the simulator itself refuses one more: the limit is not only the page's.
  assert.throws(() => new wasm.Simulation(`cluster ${MAX_NODES + 1}\n`), new RegExp(`1\.\.=${MAX_NODES}`));
});

test('attribute values: good ones pass, bad ones are null', () => {
  assert.equal(parseNodes('7'), 7);
  for (const bad of ['0', '16', 'abc', '3.5', '']) assert.equal(parseNodes(bad), null, bad);
  assert.equal(parseSeed('18446744073709551615'), '18446744073709551615');
  assert.equal(parseSeed('18446744073709551616'), null);
  assert.equal(parseSpeed('0.25'), 0.25);
  assert.equal(parseSpeed('1000'), null);
  assert.equal(parseHeight('420'), '420px');
  assert.equal(parseHeight('60vh'), '60vh');
  for (const bad of ['tall', '-3px', '420 px', 'calc(1px)']) assert.equal(parseHeight(bad), null, bad);
  assert.deepEqual(parseControls('crash, put  speed bogus'), { known: ['crash', 'put', 'speed'], unknown: ['bogus'] });
  assert.deepEqual(parseControls(null), { known: [], unknown: [] });
  assert.ok(CONTROLS.includes('log'));
});

test('both Embed snippets carry the session: the parser reads the same commands from them', () => {
  const sim = new wasm.Simulation('cluster 3\nseed 8\n# a comment with </script> in it\n');
  sim.exec('await leader any within 2s\nput k v');
  sim.advance(120);
  const log = sim.command_log();
  const { element, iframe } = embedSnippets({ log, lang: 'zh', speed: 0.5, base: 'https://example.org/static/raft-lab/', title: 'Raft "Lab"' });

  assert.match(element, /^<script type="module" src="https:\/\/example\.org\/static\/raft-lab\/element\.js"><\/script>\n<raft-lab /);
  assert.match(element, / lang="zh" speed="0\.5">/);
  // Exactly one end tag for the inline script: the comment's </script> was escaped.
  assert.equal(element.match(/<\/script>/g).length, 2, 'the module script and the inline scenario end once each');
  const inline = /<script type="text\/raft">\n([\s\S]*)\n {2}<\/script>/.exec(element)[1];
  const commands = (text) => wasm.inspect_script(text).commands.map((c) => [c.kind, c.ms]);
  assert.deepEqual(commands(inline), commands(log));
  assert.equal(new wasm.Simulation(inline).trace_hash(), new wasm.Simulation(log).trace_hash());

  const src = /src="([^"]+)"/.exec(iframe)[1].replace(/&amp;/g, '&');
  const url = new URL(src);
  assert.equal(url.pathname, '/static/raft-lab/embed.html');
  assert.equal(url.searchParams.get('scenario'), log, 'the iframe URL holds the log exactly');
  assert.equal(url.searchParams.get('lang'), 'zh');
  assert.match(iframe, /title="Raft &quot;Lab&quot;"/);
  sim.free();
});
