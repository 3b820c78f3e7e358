#!/usr/bin/env bash
# `npm run bench`: frame-time benchmark of the page (release wasm) in headless
# chromium, then the same with 5,000 entries of history behind it, then the
# history benchmark of the wasm in node (bench/history.mjs; issue 9), then
# RaftScope's model beside ours (bench/raftscope.mjs; it needs RaftScope's
# raft.js fetched once, see its header, and prints ours alone without it).
# Arguments go to the first frame-time run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
node bench/frame-time.mjs "$@"
node bench/frame-time.mjs --history 5000 --nodes 15
node bench/history.mjs
exec node bench/raftscope.mjs
