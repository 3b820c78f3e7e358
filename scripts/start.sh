#!/usr/bin/env bash
# `npm start`: install what serving needs (only that), build the release wasm
# if its sources changed, serve the page.
#   npm start            → http://127.0.0.1:8080/ (or the next free port)
#   PORT=9000 npm start  (or: npm start -- 9000)
#
# Serving needs cargo, wasm-bindgen-cli and npm's binaryen; wasm-pack and
# Chromium are for the tests only (`npm test` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash scripts/setup.sh --serve
bash scripts/build-wasm.sh
echo "[start] ready in $((SECONDS - t0))s"
exec node scripts/serve.mjs "$@"
