#!/usr/bin/env bash
# `npm run bench`: frame-time benchmark of the page (release wasm) in headless chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
exec node bench/frame-time.mjs "$@"
