#!/usr/bin/env bash
# `npm start`: install what is missing, build the release wasm, serve the page.
#   npm start            → http://127.0.0.1:8080/
#   PORT=9000 npm start  (or: npm start -- 9000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
exec node scripts/serve.mjs "$@"
