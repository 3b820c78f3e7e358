#!/usr/bin/env bash
# Build the release WebAssembly package the page loads (web/pkg/), then
# optimize it with npm's binaryen wasm-opt.
#
# Why not wasm-pack's own wasm-opt: wasm-pack downloads a wasm-opt binary,
# which this environment cannot fetch, and Debian's binaryen (v108) is too old
# for the features current rustc emits (it produces a broken module). So
# raft-wasm's Cargo.toml turns wasm-pack's wasm-opt off and we run the one that
# ships inside the `binaryen` npm package (pinned in package-lock.json).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WASM=web/pkg/raft_wasm_bg.wasm
WASM_OPT=node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || { echo "[build-wasm] ERROR: $WASM_OPT missing: run scripts/setup.sh (npm ci) first" >&2; exit 1; }

echo "[build-wasm] wasm-pack build raft-wasm --release --target web --out-dir ../web/pkg"
wasm-pack --log-level warn build raft-wasm --release --target web --out-dir ../web/pkg

raw_before=$(stat -c %s "$WASM")

# The features rustc (LLVM) enables by default for wasm32-unknown-unknown: the
# optimizer must accept every one of them, or it rejects (or miscompiles) the
# module. Keep in step with the toolchain's defaults
# (`rustc --print target-features --target wasm32-unknown-unknown`, "generic" CPU).
FEATURES=(
    --enable-bulk-memory
    --enable-bulk-memory-opt
    --enable-call-indirect-overlong
    --enable-nontrapping-float-to-int
    --enable-sign-ext
    --enable-mutable-globals
    --enable-multivalue
    --enable-reference-types
)

BINARYEN_VERSION="$(node -p "require('./node_modules/binaryen/package.json').version")"
echo "[build-wasm] wasm-opt -O3 (npm binaryen $BINARYEN_VERSION)"
"$WASM_OPT" -O3 "${FEATURES[@]}" "$WASM" -o "$WASM.opt"
mv "$WASM.opt" "$WASM"

raw=$(stat -c %s "$WASM")
gz=$(gzip -9 -c "$WASM" | wc -c)
# Record what was built, so the end-to-end smoke test can check that the page
# really loaded this optimized release binary (by its hash).
cat >web/pkg/build-info.json <<JSON
{
  "profile": "release",
  "wasm_opt": "binaryen $BINARYEN_VERSION -O3",
  "sha256": "$(sha256sum "$WASM" | awk '{print $1}')",
  "bytes": $raw,
  "gzip_bytes": $gz,
  "bytes_before_wasm_opt": $raw_before
}
JSON
printf '[build-wasm] %s: %d bytes raw (%d before wasm-opt), %d bytes gzipped\n' "$WASM" "$raw" "$raw_before" "$gz"
