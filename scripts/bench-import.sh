#!/usr/bin/env bash
# Benchmark of the import: seeding a fresh embedded (SQLite) store with the full
# bundled dataset (data/*.jsonl.zst, 218,876 items), as `rootski serve` does on a
# fresh clone. Prints wall time and peak RSS (/usr/bin/time -f) of this checkout's
# build and of a baseline build measured in the same run, and new/baseline ratios.
# Figures only: no thresholds.
#
# Measures crates/rootski-api/examples/import_bench.rs (release, feature
# bundled-dataset), which calls `open_seeded_store` on a new file. The baseline:
#   BASELINE_BIN=/path/to/import_bench   an already built baseline binary, or
#   BASELINE_REV (default a6845b7, the branch point of the streaming import) is
#   checked out in a temporary git worktree (removed on exit), given this
#   checkout's example, and built with its own CARGO_TARGET_DIR
#   (BASELINE_TARGET_DIR, default /tmp/rootski-bench-import-baseline-target,
#   kept between runs so a second run does not rebuild it).
# RUNS (default 3) runs of each; the best wall time and the largest peak RSS are
# printed. Usage:
#   scripts/bench-import.sh
#   BASELINE_BIN=/tmp/old/import_bench RUNS=1 scripts/bench-import.sh
shopt -s inherit_errexit

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
RUNS="${RUNS:-3}"
BASELINE_REV="${BASELINE_REV:-a6845b7}"
BASELINE_TARGET_DIR="${BASELINE_TARGET_DIR:-/tmp/rootski-bench-import-baseline-target}"
EXAMPLE=crates/rootski-api/examples/import_bench.rs
WORK="$(mktemp -d)"
# Set here, not in baseline_bin: that runs in a command substitution (a subshell).
BASELINE_TREE="$WORK/baseline"

cleanup() {
    if [[ -d "$BASELINE_TREE" ]]; then
        git -C "$ROOT" worktree remove --force "$BASELINE_TREE" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }

# build <source tree> <target dir>: builds import_bench, prints its path.
build() {
    (cd "$1" && CARGO_TARGET_DIR="$2" cargo build --release --locked -q \
        -p rootski-api --features bundled-dataset --example import_bench >&2)
    echo "$2/release/examples/import_bench"
}

baseline_bin() {
    if [[ -n "${BASELINE_BIN:-}" ]]; then
        echo "$BASELINE_BIN"
        return
    fi
    git -C "$ROOT" worktree add --detach "$BASELINE_TREE" "$BASELINE_REV" >/dev/null 2>&1
    mkdir -p "$(dirname "$BASELINE_TREE/$EXAMPLE")"
    cp "$ROOT/$EXAMPLE" "$BASELINE_TREE/$EXAMPLE"
    echo "building baseline $BASELINE_REV ..." >&2
    build "$BASELINE_TREE" "$BASELINE_TARGET_DIR"
}

# measure <binary>: prints "<best wall s> <max peak RSS KiB>" over RUNS runs.
measure() {
    local best="" peak=0 i wall rss
    for ((i = 1; i <= RUNS; i++)); do
        rm -f "$WORK/store.sqlite3"*
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$1" "$WORK/store.sqlite3" >&2
        read -r wall rss <"$WORK/time"
        if [[ -z "$best" ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$wall"
        fi
        ((rss > peak)) && peak="$rss"
    done
    echo "$best $peak"
}

echo "building this checkout ..." >&2
NEW_BIN="$(build "$ROOT" "${CARGO_TARGET_DIR:-$ROOT/target}")"
OLD_BIN="$(baseline_bin)"
for bin in "$NEW_BIN" "$OLD_BIN"; do
    [[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 1; }
done

read -r new_wall new_rss <<<"$(measure "$NEW_BIN")"
read -r old_wall old_rss <<<"$(measure "$OLD_BIN")"

awk -v nw="$new_wall" -v nr="$new_rss" -v ow="$old_wall" -v or="$old_rss" -v runs="$RUNS" 'BEGIN {
    printf "import of the bundled dataset into a new SQLite store (best wall / max RSS of %d run(s))\n", runs
    printf "  %-9s %8s %12s\n", "", "wall s", "peak RSS MiB"
    printf "  %-9s %8.2f %12.1f\n", "new", nw, nr / 1024
    printf "  %-9s %8.2f %12.1f\n", "baseline", ow, or / 1024
    printf "  %-9s %8.2f %12.2f\n", "new/base", nw / ow, nr / or
}'
