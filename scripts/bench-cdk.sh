#!/usr/bin/env bash
# Benchmark (not a test): synthesis time and peak memory of examples/cdk-example and of
# a generated stack with 400 extra resources, with a release build. Prints figures.
# Peak RSS comes from GNU time (/usr/bin/time -f %M).
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
RUNS=${RUNS:-5}
cargo build --quiet --release --locked -p cdk-example
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/cdk-example"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

peak_rss_kib() { # runs "$@", prints its peak RSS in KiB (GNU time's %M)
    /usr/bin/time -f '%M' -o "$OUT/rss" "$@" > /dev/null
    tail -1 "$OUT/rss"
}

bench() {
    local name=$1; shift
    local best=""
    for i in $(seq "$RUNS"); do
        rm -rf "$OUT/cdk.out"
        local start end ms
        start=$(date +%s%N)
        "$BIN" "$OUT/cdk.out" "$@" > /dev/null
        end=$(date +%s%N)
        ms=$(( (end - start) / 1000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    rm -rf "$OUT/cdk.out"
    local inner
    inner=$("$BIN" "$OUT/cdk.out" "$@")
    local rss
    rm -rf "$OUT/cdk.out"
    rss=$(peak_rss_kib "$BIN" "$OUT/cdk.out" "$@")
    printf '%-28s process wall (best of %s): %6.2f ms | %s | peak RSS: %6.2f MiB\n' \
        "$name" "$RUNS" "$(echo "$best / 1000" | bc -l)" "$inner" "$(echo "$rss / 1024" | bc -l)"
}

bench "example (2 resources)"
bench "generated (402 resources)" --resources 400
