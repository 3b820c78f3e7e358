#!/usr/bin/env bash
# `npm test`: every check of the project, in stages, failing fast.
#
#   bash scripts/test.sh              run every stage
#   bash scripts/test.sh e2e no-std   run only the named stages (after setup)
#
# Each stage prints a banner; on failure the script stops and names the stage.
# The last lines are a summary with one line per stage and its wall time.
set -uo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

ALL_STAGES=(setup fmt cargo-test clippy no-std wasm-pack-test build-wasm serve-path web-unit e2e)

stage_cmd() {
    case "$1" in
        setup)          bash scripts/setup.sh ;;
        # The Rust code is formatted as rustfmt.toml says (`cargo fmt --all` fixes it).
        fmt)            cargo fmt --all --check ;;
        # Unit, property and scenario tests of raft-core, raft-sim and raft-wasm (native).
        cargo-test)     cargo test --workspace ;;
        # No clippy warning in any crate or target (clippy.toml: the MSRV's lints).
        clippy)         cargo clippy --workspace --all-targets -- -D warnings ;;
        # raft-core and raft-sim's library build on a target that has no std at all.
        no-std)         cargo build -p raft-core --no-default-features --target wasm32v1-none &&
                        cargo build -p raft-sim --lib --no-default-features --target wasm32v1-none ;;
        # raft-wasm's wasm-bindgen tests in Debian's headless chromium
        # (webdriver.json next to raft-wasm/Cargo.toml passes --no-sandbox etc.).
        wasm-pack-test) CHROMEDRIVER=/usr/bin/chromedriver wasm-pack --log-level warn test --headless --chrome raft-wasm ;;
        # The release build the page loads, optimized by npm binaryen's wasm-opt.
        build-wasm)     bash scripts/build-wasm.sh ;;
        # The serving path builds and loads with wasm-pack and Chromium hidden
        # from PATH; an up-to-date package is not rebuilt; a busy port is skipped.
        serve-path)     node --test --test-concurrency=1 --test-timeout=1800000 tests/serve/ ;;
        # The page's controller and message tables, against the real parser (wasm in node).
        web-unit)       node --test --test-concurrency=1 web/tests/ ;;
        # Playwright (playwright-core + Debian chromium) against the served page.
        e2e)            node --test --test-concurrency=1 --test-timeout=120000 tests/e2e/ ;;
        *)              echo "[test] unknown stage '$1' (stages: ${ALL_STAGES[*]})" >&2; return 2 ;;
    esac
}

if [ $# -gt 0 ]; then
    STAGES=(setup "$@")
else
    STAGES=("${ALL_STAGES[@]}")
fi

SUMMARY=()
passed=0
failed=0
t_all=$SECONDS

print_summary() {
    echo
    echo "[test] ===== summary ====="
    for line in "${SUMMARY[@]}"; do echo "[test] $line"; done
    echo "[test] total $((SECONDS - t_all))s"
    echo "stages: $passed passed, $failed failed"
}

for name in "${STAGES[@]}"; do
    echo
    echo "[test] ===== stage: $name ====="
    t0=$SECONDS
    stage_cmd "$name"
    rc=$?
    dt=$((SECONDS - t0))
    if [ $rc -ne 0 ]; then
        failed=$((failed + 1))
        SUMMARY+=("$(printf 'FAIL  %-15s %5ss  (exit %s)' "$name" "$dt" "$rc")")
        print_summary
        echo "[test] FAILED at stage '$name' (exit $rc); later stages were not run." >&2
        exit 1
    fi
    passed=$((passed + 1))
    SUMMARY+=("$(printf 'ok    %-15s %5ss' "$name" "$dt")")
done

print_summary
