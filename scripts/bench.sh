#!/usr/bin/env bash
# `npm run bench`: frame-time benchmark of the page (release wasm) in headless
# chromium, then the same with 5,000 entries of history behind it (and with
# slow links, so ~200 messages are in flight), then the history benchmark of
# the wasm in node (bench/history.mjs; issue 9), then RaftScope's model beside
# ours (bench/raftscope.mjs; it needs RaftScope's raft.js fetched once, see its
# header, and prints ours alone without it).
# Arguments go to the first frame-time run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
node bench/frame-time.mjs "$@"
node bench/frame-time.mjs --history 5000 --nodes 15
# Issue 9's frame target: 15 servers, ~200 messages in flight (slow links), 5,000 entries.
node bench/frame-time.mjs --history 5000 --nodes 15 --latency 150..300
node bench/history.mjs
exec node bench/raftscope.mjs
