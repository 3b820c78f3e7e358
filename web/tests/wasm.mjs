// The release wasm in web/pkg, loaded into node for the unit tests that run
// the real simulator. `const wasm = await loadWasm();` (in a `before` hook).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));

export async function loadWasm() {
  if (!existsSync(`${PKG}raft_wasm_bg.wasm`)) throw new Error('web/pkg is missing: run `npm run build-wasm` first');
  const wasm = await import(new URL('../pkg/raft_wasm.js', import.meta.url).href);
  await wasm.default({ module_or_path: readFileSync(`${PKG}raft_wasm_bg.wasm`) });
  return wasm;
}
