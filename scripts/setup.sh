#!/usr/bin/env bash
# Install everything `npm start` and `npm test` need, and nothing twice.
#
# Idempotent: every step first checks whether its work is already done and
# prints "skip" if so, so on a warm machine this takes a couple of seconds.
# On a fresh machine (CI) it installs:
#   - rustup targets wasm32-unknown-unknown (the browser build) and
#     wasm32v1-none (proves raft-core / raft-sim build without std),
#   - wasm-bindgen-cli at exactly the version Cargo.lock pins (wasm-pack only
#     uses a wasm-bindgen on PATH when the versions match; otherwise it
#     compiles its own copy on every fresh machine),
#   - wasm-pack,
#   - Debian's chromium + chromium-driver (tools may not download browsers
#     here, so Playwright and wasm-pack test both drive this one),
#   - the npm devDependencies (playwright-core, binaryen) from package-lock.json.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
export PATH="$HOME/.cargo/bin:$PATH"

say()  { printf '[setup] %s\n' "$*"; }
skip() { printf '[setup] skip: %s\n' "$*"; }
die()  { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

command -v cargo  >/dev/null 2>&1 || die "cargo not found: install the Rust toolchain (rustup) first"
command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the wasm targets"
command -v node   >/dev/null 2>&1 || die "node not found: install Node.js 20 or newer"
command -v npm    >/dev/null 2>&1 || die "npm not found: install npm"

# --- 1. Rust targets -------------------------------------------------------
installed_targets="$(rustup target list --installed)"
for target in wasm32-unknown-unknown wasm32v1-none; do
    if grep -qx "$target" <<<"$installed_targets"; then
        skip "rust target $target already installed"
    else
        say "rustup target add $target"
        rustup target add "$target"
    fi
done

# --- 2. wasm-bindgen-cli at the version Cargo.lock pins --------------------
# Read it from Cargo.lock (the `wasm-bindgen` package entry), so the version is
# written down in exactly one place: raft-wasm/Cargo.toml's `=` pin.
wasm_bindgen_version() {
    awk '
        /^\[\[package\]\]/ { in_wb = 0 }
        /^name = "wasm-bindgen"$/ { in_wb = 1; next }
        in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}
WB_VERSION="$(wasm_bindgen_version || true)"
if [ -z "$WB_VERSION" ]; then
    # Cargo.lock not yet regenerated after the dependency was added: use the
    # exact pin (`wasm-bindgen = "=X.Y.Z"`) from raft-wasm/Cargo.toml.
    WB_VERSION="$(sed -n 's/^wasm-bindgen *= *{\{0,1\}[^"]*"=\([0-9.]*\)".*/\1/p' raft-wasm/Cargo.toml | head -n1)"
fi
[ -n "$WB_VERSION" ] || die "could not find the wasm-bindgen version in Cargo.lock (nor an exact =X.Y.Z pin in raft-wasm/Cargo.toml)"

have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wb" = "$WB_VERSION" ]; then
    skip "wasm-bindgen $WB_VERSION already installed"
else
    say "cargo install wasm-bindgen-cli --version $WB_VERSION --locked (found: ${have_wb:-none}; takes a few minutes)"
    # --locked reproduces the CLI's own Cargo.lock, but a crate that lock pins
    # may have been yanked from crates.io since (wasm-bindgen-cli 0.2.130 pins
    # webpki-roots 1.0.11, which can no longer be selected); then resolve afresh.
    if ! cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked --force; then
        say "the --locked install failed (a yanked dependency?); retrying without --locked"
        cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
    fi
fi

# --- 3. wasm-pack ----------------------------------------------------------
if command -v wasm-pack >/dev/null 2>&1; then
    skip "$(wasm-pack --version) already installed"
else
    say "cargo install wasm-pack --locked (takes a few minutes)"
    cargo install wasm-pack --locked
fi

# --- 4. Chromium and ChromeDriver from Debian -------------------------------
# A CJK font too, so the 简体中文 page renders (in screenshots) as readers see it.
cjk_font_present() { [ -d /usr/share/fonts/truetype/wqy ] || fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk'; }
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && cjk_font_present; then
    skip "chromium, chromedriver and a CJK font already installed"
else
    command -v apt-get >/dev/null 2>&1 || die "/usr/bin/chromium or /usr/bin/chromedriver missing and no apt-get to install them"
    say "apt-get install chromium chromium-driver fonts-wqy-microhei"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    as_root apt-get install -y -q chromium chromium-driver fonts-wqy-microhei
fi

# --- 5. npm devDependencies -------------------------------------------------
# node_modules is stale when package.json or package-lock.json changed since
# the last install; we remember a hash of both inside node_modules.
stamp_file="node_modules/.raft-lab-install-stamp"
lock_files="package.json"
[ -f package-lock.json ] && lock_files="package.json package-lock.json"
# shellcheck disable=SC2086
want_stamp="$(cat $lock_files | sha256sum | awk '{print $1}')"
have_stamp="$(cat "$stamp_file" 2>/dev/null || true)"
if [ -d node_modules ] && [ "$have_stamp" = "$want_stamp" ]; then
    skip "node_modules is up to date"
else
    if [ -f package-lock.json ]; then
        say "npm ci"
        npm ci --no-audit --no-fund
    else
        say "npm install (no package-lock.json yet)"
        npm install --no-audit --no-fund
    fi
    # Hash again: `npm install` may just have written package-lock.json.
    # shellcheck disable=SC2086
    cat package.json $( [ -f package-lock.json ] && echo package-lock.json ) | sha256sum | awk '{print $1}' >"$stamp_file"
fi

say "ok ($ROOT)"
