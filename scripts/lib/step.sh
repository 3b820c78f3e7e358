# Shared by scripts/setup.sh and scripts/build-wasm.sh (sourced, not run).
#
# `run_step` runs one long step (a `cargo install`, a cold `cargo build`, an
# apt install) quietly: it says what is happening, whether it happens once, and
# roughly how long it takes; while it runs it prints a short progress line
# (elapsed time and the last thing the tool said) instead of pages of compiler
# output. The full output goes to a log file. On failure it names the step,
# shows the tail of the log and says what to do.
#
# The caller sets STEP_TAG (e.g. "setup") before sourcing.

: "${STEP_TAG:=raft-lab}"
# Logs live under target/ (gitignored), one file per step, overwritten each run.
STEP_LOG_DIR="${STEP_LOG_DIR:-$PWD/target/logs}"

say()  { printf '[%s] %s\n' "$STEP_TAG" "$*"; }
skip() { printf '[%s] skip: %s\n' "$STEP_TAG" "$*"; }
die()  { printf '[%s] ERROR: %s\n' "$STEP_TAG" "$*" >&2; exit 1; }

# How often (seconds) a progress line is printed when the output is not a
# terminal (CI logs); on a terminal the line is redrawn in place every second.
STEP_PROGRESS_EVERY="${STEP_PROGRESS_EVERY:-20}"

# The last meaningful line a tool wrote to its log, shortened for a status line.
_step_last_line() {
    tail -n 20 "$1" 2>/dev/null | tr '\r' '\n' | grep -v '^[[:space:]]*$' | tail -n 1 |
        sed -e 's/^[[:space:]]*//' | cut -c1-60
}

# run_step NAME WHAT HOW_LONG HINT -- COMMAND [ARGS...]
#   NAME      short id, also the log file name (target/logs/NAME.log)
#   WHAT      what is being done, in words ("compiling wasm-bindgen-cli 0.2.130")
#   HOW_LONG  when and how long ("once per machine, about 4 minutes on 2 cores")
#   HINT      what to do if it fails
run_step() {
    local name="$1" what="$2" how_long="$3" hint="$4"
    shift 4
    [ "${1:-}" = "--" ] && shift
    mkdir -p "$STEP_LOG_DIR"
    local log="$STEP_LOG_DIR/$name.log"
    say "$what — $how_long (log: ${log#"$PWD"/})"
    local t0=$SECONDS
    "$@" >"$log" 2>&1 &
    local pid=$!
    local tty=0 last_report=$SECONDS
    [ -t 1 ] && tty=1
    # Poll once a second: a progress line, never the tool's own output.
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        local dt=$((SECONDS - t0))
        if [ $tty = 1 ]; then
            printf '\r\033[K[%s]   … %3ss  %s' "$STEP_TAG" "$dt" "$(_step_last_line "$log")"
        elif [ $((SECONDS - last_report)) -ge "$STEP_PROGRESS_EVERY" ]; then
            printf '[%s]   … %ss  %s\n' "$STEP_TAG" "$dt" "$(_step_last_line "$log")"
            last_report=$SECONDS
        fi
    done
    local rc=0
    wait "$pid" || rc=$?
    [ $tty = 1 ] && printf '\r\033[K'
    local dt=$((SECONDS - t0))
    if [ $rc -ne 0 ]; then
        printf '[%s] FAILED: %s (exit %s after %ss). Last lines of %s:\n' \
            "$STEP_TAG" "$what" "$rc" "$dt" "${log#"$PWD"/}" >&2
        tail -n 25 "$log" | sed 's/^/    /' >&2
        printf '[%s] What to do: %s\n' "$STEP_TAG" "$hint" >&2
        return "$rc"
    fi
    say "done in ${dt}s: $what"
}
