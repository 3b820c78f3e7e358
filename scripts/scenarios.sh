#!/usr/bin/env bash
# `npm run scenarios`: run every scenarios/*.raft through the release CLI and
# print one summary line per file (from the CLI's --json view model).
# Exits 1 if any scenario failed an expect/await or violated an invariant.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release -q -p raft-sim --bin raft-sim || { echo "[scenarios] cargo build failed" >&2; exit 1; }
CLI="${CARGO_TARGET_DIR:-target}/release/raft-sim"

shopt -s nullglob
files=(scenarios/*.raft)
[ ${#files[@]} -gt 0 ] || { echo "[scenarios] no scenarios/*.raft files" >&2; exit 1; }

ok=0
bad=0
for f in "${files[@]}"; do
    json="$("$CLI" run "$f" --json 2>/tmp/raft-scenarios.err)"
    rc=$?
    line="$(printf '%s' "$json" | node -e '
        let s = "";
        process.stdin.on("data", (d) => (s += d)).on("end", () => {
            try {
                const v = JSON.parse(s);
                const sum = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);
                const leaders = (v.nodes || []).filter((n) => n.role === "leader").map((n) => "n" + n.id + "@t" + n.term);
                const commits = (v.nodes || []).map((n) => n.commit);
                console.log(`${v.ok ? "ok  " : "FAIL"} time=${v.time_ms}ms seed=${v.seed} ` +
                    `failures=${(v.failures || []).length} violations=${(v.violations || []).length} ` +
                    `msgs=${sum(v.messages && v.messages.sent)} leader=${leaders.join(",") || "none"} ` +
                    `commit=[${commits.join(",")}]`);
                for (const f of v.failures || []) console.log(`    line ${f.line}: ${f.message}`);
                for (const x of v.violations || []) console.log(`    ${x.time_ms}ms ${x.invariant}: ${x.message}`);
            } catch (e) {
                console.log("no JSON view model on stdout");
            }
        });')"
    if [ $rc -eq 0 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
    printf '%-40s exit=%d  %s\n' "$f" "$rc" "$line"
    if [ $rc -ge 2 ]; then sed 's/^/    /' /tmp/raft-scenarios.err | head -n 20; fi
done
echo "scenarios: $ok passed, $bad failed"
[ $bad -eq 0 ]
