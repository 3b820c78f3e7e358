#!/usr/bin/env bash
# Install what Raft Lab needs, and nothing twice.
#
#   bash scripts/setup.sh --serve   only what serving the page needs (`npm start`)
#   bash scripts/setup.sh           everything the tests need too (`npm test`)
#
# Idempotent: every step first checks whether its work is already done and
# prints "skip" if so, so on a warm machine this takes a second or two.
#
# For serving (`--serve`), on a fresh machine it installs:
#   - the rustup target wasm32-unknown-unknown (the browser build),
#   - wasm-bindgen-cli at exactly the version Cargo.lock pins (the CLI refuses
#     a module built by another version of the wasm-bindgen crate),
#   - the npm devDependencies from package-lock.json (binaryen's wasm-opt;
#     playwright-core is a few MB of JavaScript and downloads no browser).
# For the tests (no flag), also:
#   - the rustup target wasm32v1-none (proves raft-core / raft-sim build without std),
#   - the rustup components rustfmt and clippy (the fmt and clippy stages),
#   - wasm-pack (only `wasm-pack test` uses it),
#   - Debian's chromium + chromium-driver and a CJK font (tools may not
#     download browsers here, so Playwright and wasm-pack test both drive this one).
#
# Long steps (the `cargo install`s, apt) print a progress line instead of their
# output; the full output is in target/logs/ (see scripts/lib/step.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
# Tools installed by `cargo install` live in ~/.cargo/bin; add it only when
# cargo is not already on PATH, so a caller's PATH is respected.
command -v cargo >/dev/null 2>&1 || export PATH="$HOME/.cargo/bin:$PATH"

STEP_TAG=setup
# shellcheck source=lib/step.sh
. scripts/lib/step.sh

MODE=test
case "${1:-}" in
    --serve) MODE=serve ;;
    "" | --test) MODE=test ;;
    *) die "unknown option '$1' (use --serve for what serving needs, or nothing for everything)" ;;
esac

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

command -v cargo  >/dev/null 2>&1 || die "cargo not found: install the Rust toolchain with rustup (https://rustup.rs), then run this again"
command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the wasm32 targets (install Rust with rustup)"
command -v node   >/dev/null 2>&1 || die "node not found: install Node.js 20 or newer"
command -v npm    >/dev/null 2>&1 || die "npm not found: install npm (it comes with Node.js)"

# --- 1. Rust targets -------------------------------------------------------
targets=(wasm32-unknown-unknown)
[ "$MODE" = test ] && targets+=(wasm32v1-none)
installed_targets="$(rustup target list --installed)"
for target in "${targets[@]}"; do
    if grep -qx "$target" <<<"$installed_targets"; then
        skip "rust target $target already installed"
    else
        run_step "rustup-$target" "rustup target add $target" \
            "once per toolchain, a download of about 30 MB (seconds)" \
            "check the network, or run \`rustup target add $target\` yourself" \
            -- rustup target add "$target"
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

install_wasm_bindgen() {
    # Built for a first run in minutes (issue 13): --no-default-features drops
    # the TLS stack (rustls, ring), which only wasm-bindgen-test-runner uses to
    # download browser drivers — never here, where the drivers come from
    # Debian; opt-level 1 compiles in about 15 % less CPU time than 3, and the
    # CLI still processes our module in a fraction of a second (the output is
    # byte-identical; it only rewrites one small file).
    local flags=(wasm-bindgen-cli --version "$WB_VERSION" --no-default-features --force)
    export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
    # --locked reproduces the CLI's own Cargo.lock, but a crate that lock pins
    # may have been yanked from crates.io since (wasm-bindgen-cli 0.2.130 pins
    # webpki-roots 1.0.11, which can no longer be selected); then resolve afresh.
    if ! cargo install "${flags[@]}" --locked; then
        echo "[setup] the --locked install failed (a yanked dependency?); retrying without --locked"
        cargo install "${flags[@]}"
    fi
}
have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wb" = "$WB_VERSION" ]; then
    skip "wasm-bindgen $WB_VERSION already installed"
else
    run_step wasm-bindgen-cli "compiling wasm-bindgen-cli $WB_VERSION (found: ${have_wb:-none})" \
        "once per machine, about 1½ minutes on 2 idle cores (longer on a busy machine)" \
        "read the log above; a network error means crates.io is unreachable — run \`cargo install wasm-bindgen-cli --version $WB_VERSION\` yourself once it is" \
        -- install_wasm_bindgen
fi

# --- 2b. rustfmt and clippy (tests only: the fmt and clippy stages) ---------
# rustup's default profile has both; a minimal profile does not.
if [ "$MODE" = test ]; then
    installed_components="$(rustup component list --installed 2>/dev/null || true)"
    for component in rustfmt clippy; do
        if grep -q "^$component" <<<"$installed_components"; then
            skip "rust component $component already installed"
        else
            run_step "rustup-$component" "rustup component add $component" \
                "once per toolchain, a small download (seconds)" \
                "check the network, or run \`rustup component add $component\` yourself" \
                -- rustup component add "$component"
        fi
    done
fi

# --- 3. wasm-pack (tests only) ---------------------------------------------
if [ "$MODE" = test ]; then
    if command -v wasm-pack >/dev/null 2>&1; then
        skip "$(wasm-pack --version) already installed"
    else
        run_step wasm-pack "compiling wasm-pack (for \`wasm-pack test\`)" \
            "once per machine, about 5 minutes on 2 cores" \
            "read the log above; or run \`cargo install wasm-pack --locked\` yourself" \
            -- cargo install wasm-pack --locked
    fi
fi

# --- 4. Chromium and ChromeDriver from Debian (tests only) ------------------
# A CJK font too, so the 简体中文 page renders (in screenshots) as readers see it.
cjk_font_present() { [ -d /usr/share/fonts/truetype/wqy ] || fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk'; }
apt_install_browser() {
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    as_root apt-get install -y -q chromium chromium-driver fonts-wqy-microhei
}
if [ "$MODE" = test ]; then
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && cjk_font_present; then
        skip "chromium, chromedriver and a CJK font already installed"
    else
        command -v apt-get >/dev/null 2>&1 || die "/usr/bin/chromium or /usr/bin/chromedriver missing and no apt-get to install them: install Chromium and its ChromeDriver yourself"
        run_step apt-chromium "apt-get install chromium chromium-driver fonts-wqy-microhei (for the browser tests)" \
            "once per machine, a download of about 100 MB (a minute or two)" \
            "read the log above; run \`apt-get install chromium chromium-driver fonts-wqy-microhei\` as root yourself" \
            -- apt_install_browser
    fi
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
        run_step npm-ci "npm ci (binaryen's wasm-opt, playwright-core)" \
            "again only when package-lock.json changes, a few seconds" \
            "check that the npm registry is reachable, then run \`npm ci\` yourself" \
            -- npm ci --no-audit --no-fund
    else
        run_step npm-install "npm install (no package-lock.json yet)" \
            "again only when package.json changes, a few seconds" \
            "check that the npm registry is reachable, then run \`npm install\` yourself" \
            -- npm install --no-audit --no-fund
    fi
    # Hash again: `npm install` may just have written package-lock.json.
    # shellcheck disable=SC2086
    cat package.json $( [ -f package-lock.json ] && echo package-lock.json ) | sha256sum | awk '{print $1}' >"$stamp_file"
fi

say "ok ($MODE: $ROOT)"
