#!/usr/bin/env bash
# Build the release WebAssembly package the page loads (web/pkg/):
#
#   1. cargo build -p raft-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
#      --no-default-features   (no native scenario runs: only the wasm tests need them)
#   2. wasm-bindgen --target web     (the JS glue: web/pkg/raft_wasm.js)
#   3. wasm-opt -Oz --low-memory-unused   (npm binaryen's, pinned in package-lock.json)
#
# No wasm-pack: serving needs only cargo, wasm-bindgen-cli and npm's binaryen
# (`npm test` checks this by running this script with wasm-pack and Chromium
# hidden from PATH). wasm-pack stays for `wasm-pack test`.
#
#   bash scripts/build-wasm.sh                  build web/pkg unless it is up to date
#   bash scripts/build-wasm.sh --force          rebuild even if it looks up to date
#   bash scripts/build-wasm.sh --out-dir DIR    write the package to DIR instead
#   bash scripts/build-wasm.sh --check          only say whether a build is needed
#                                               (exit 0: up to date, 1: it would rebuild)
#
# Up to date = the out dir's build-info.json is newer than every source the
# wasm is built from (Rust sources, Cargo manifests and lock, this script,
# package-lock.json); then nothing is rebuilt and this takes well under a second.
#
# Why npm's wasm-opt: Debian's binaryen (v108) is too old for the features
# current rustc emits (it produces a broken module), and wasm-pack's own
# wasm-opt is a download this environment cannot fetch.
set -euo pipefail

cd "$(dirname "$0")/.."
command -v cargo >/dev/null 2>&1 || export PATH="$HOME/.cargo/bin:$PATH"

STEP_TAG=build-wasm
# shellcheck source=lib/step.sh
. scripts/lib/step.sh

OUT=web/pkg
FORCE=0
CHECK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --force) FORCE=1 ;;
        --check) CHECK=1 ;;
        --out-dir) [ $# -ge 2 ] || die "--out-dir needs a directory"; OUT="${2%/}"; shift ;;
        *) die "unknown option '$1' (options: --force, --check, --out-dir DIR)" ;;
    esac
    shift
done

# The files the page, the element and the tests load (keep these names).
NAME=raft_wasm
WASM="$OUT/${NAME}_bg.wasm"
INFO="$OUT/build-info.json"

# --- 0. Nothing to do? ------------------------------------------------------
SOURCES=(Cargo.toml Cargo.lock raft-core raft-sim/Cargo.toml raft-sim/src raft-wasm/Cargo.toml
         raft-wasm/src scripts/build-wasm.sh package-lock.json)
if [ $FORCE = 0 ] && [ -f "$WASM" ] && [ -f "$OUT/$NAME.js" ] && [ -f "$INFO" ]; then
    newer="$(find "${SOURCES[@]}" -newer "$INFO" -type f -print -quit 2>/dev/null || true)"
    if [ -z "$newer" ]; then
        say "up to date: $OUT is newer than its sources (--force rebuilds)"
        exit 0
    fi
    reason="$newer changed since $INFO"
elif [ $FORCE = 1 ]; then
    reason="--force"
else
    reason="$OUT has no complete package yet"
fi
if [ $CHECK = 1 ]; then
    say "would rebuild: $reason"
    exit 1
fi
say "building: $reason"

# OUT is replaced wholesale at the end: refuse to do that to a directory that
# is not a package this script wrote.
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ] && [ ! -f "$OUT/$NAME.js" ]; then
    die "$OUT exists and does not look like a wasm package (no $NAME.js): choose another --out-dir"
fi

# --- 1. The tools ------------------------------------------------------------
WASM_OPT=node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || die "$WASM_OPT missing: run \`npm run setup\` (or \`npm ci\`) first"
command -v wasm-bindgen >/dev/null 2>&1 || die "wasm-bindgen not found: run \`bash scripts/setup.sh --serve\` (installs wasm-bindgen-cli at Cargo.lock's version)"
want_wb="$(awk '/^name = "wasm-bindgen"$/ { f = 1; next } f && /^version = / { gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
have_wb="$(wasm-bindgen --version | awk '{print $2}')"
[ "$have_wb" = "$want_wb" ] || die "wasm-bindgen $have_wb is installed but Cargo.lock wants $want_wb: run \`bash scripts/setup.sh --serve\`"

# --- 2. cargo build ---------------------------------------------------------
# Cargo's own target dir (CARGO_TARGET_DIR or target/) keeps later builds incremental.
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
mkdir -p "$TARGET_DIR"
# The build's start time becomes build-info.json's mtime: a source saved while
# cargo runs is then newer than the package, and the next run rebuilds.
STARTED="$(mktemp "$TARGET_DIR/.build-wasm-started.XXXXXX")"
STAGE=""
cleanup() { rm -rf "$STARTED" ${STAGE:+"$STAGE"}; }
trap cleanup EXIT
RAW="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/$NAME.wasm"
if [ -f "$RAW" ]; then
    how_long="only what changed is recompiled, usually under a minute"
else
    how_long="the first build compiles every crate, about 2 minutes on 2 cores"
fi
run_step cargo-build-wasm "compiling raft-core + raft-sim + raft-wasm to WebAssembly (release)" \
    "$how_long" \
    "fix the compile error shown above (the full log has every message), then run \`npm run build-wasm\` again" \
    -- cargo build -p raft-wasm --lib --target wasm32-unknown-unknown --profile wasm-release --no-default-features

# --- 3 and 4. wasm-bindgen, wasm-opt into a fresh directory ------------------
# Built beside OUT and swapped in at the end, so a failed build never leaves a
# half-written package behind.
mkdir -p "$(dirname "$OUT")"
STAGE="$(mktemp -d "${OUT}.tmp.XXXXXX")"

say "wasm-bindgen $have_wb --target web"
wasm-bindgen --target web --out-dir "$STAGE" --out-name "$NAME" "$RAW" ||
    die "wasm-bindgen failed on $RAW (see above); a version mismatch is fixed by \`bash scripts/setup.sh --serve\`"
raw_before=$(stat -c %s "$STAGE/${NAME}_bg.wasm")

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
OPT_LEVEL=-Oz
# --low-memory-unused: nothing lives in the lowest 1 KB of memory (rustc puts
# the 1 MB stack first, growing down toward 0), so wasm-opt may fold a small
# constant added to a pointer into the load's or store's offset; the only
# access that changes is one that wraps below address 0, which Rust code
# never makes. About 3.6 KB raw, 1.7 KB gzipped (docs/wasm-size.md).
OPT_PASSES=(--low-memory-unused)
BINARYEN_VERSION="$(node -p "require('./node_modules/binaryen/package.json').version")"
say "wasm-opt $OPT_LEVEL ${OPT_PASSES[*]} (npm binaryen $BINARYEN_VERSION) — on every build, about 30 s"
"$WASM_OPT" "${OPT_PASSES[@]}" "$OPT_LEVEL" "${FEATURES[@]}" "$STAGE/${NAME}_bg.wasm" -o "$STAGE/${NAME}_bg.wasm.opt" ||
    die "wasm-opt failed (see above); \`npm ci\` reinstalls binaryen"
mv "$STAGE/${NAME}_bg.wasm.opt" "$STAGE/${NAME}_bg.wasm"

raw=$(stat -c %s "$STAGE/${NAME}_bg.wasm")
gz=$(gzip -9 -c "$STAGE/${NAME}_bg.wasm" | wc -c)
# Record what was built, so the end-to-end smoke test can check that the page
# really loaded this optimized release binary (by its hash).
cat >"$STAGE/build-info.json" <<JSON
{
  "profile": "release",
  "wasm_bindgen": "$have_wb",
  "wasm_opt": "binaryen $BINARYEN_VERSION $OPT_LEVEL ${OPT_PASSES[*]}",
  "sha256": "$(sha256sum "$STAGE/${NAME}_bg.wasm" | awk '{print $1}')",
  "bytes": $raw,
  "gzip_bytes": $gz,
  "bytes_before_wasm_opt": $raw_before
}
JSON

touch -r "$STARTED" "$STAGE/build-info.json"
rm -rf "$OUT"
mv "$STAGE" "$OUT"
STAGE=""
chmod 755 "$OUT"
printf '[build-wasm] %s: %d bytes raw (%d before wasm-opt), %d bytes gzipped\n' "$WASM" "$raw" "$raw_before" "$gz"
