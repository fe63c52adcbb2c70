#!/usr/bin/env bash
# Benchmark of `rootski synth` with an up-to-date bundle (issue 14): wall time and peak
# RSS of the release CLI, median of N runs each, for
#   - baseline: the stamp has no fingerprint (as when it cannot be computed), so
#     cargo checks the build, objdump reads the binary and the binary and asset are
#     hashed — what every synth did before the fingerprint;
#   - stamp: the fingerprint of the build's inputs matches, no cargo;
#   - floor: `--no-bundle` (placeholder code, no bundling at all).
# Figures only, no thresholds. Usage: scripts/bench-synth.sh [runs, default 15]
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
runs=${1:-15}
cargo build --quiet --release --locked --bin rootski
target=$(target_dir)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Builds the bundle once (and writes its stamp).
"$target/release/rootski" synth --output "$work/cdk.out" >/dev/null 2>&1
python3 - "$target/release/rootski" "$work" "$ROOT/target/lambda-bundle/out/bootstrap.stamp.json" "$runs" <<'PY'
import json, os, statistics, subprocess, sys, time
rootski, work, stamp, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def run(args, before=None):
    if before:
        before()
    start = time.perf_counter()
    p = subprocess.Popen([rootski, "synth", "--output", f"{work}/cdk.out", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    assert status == 0, f"rootski synth {args} failed"
    return wall, usage.ru_maxrss / 1024

def forget_fingerprint():
    with open(stamp) as f:
        kept = json.load(f)
    kept["fingerprint"] = None
    with open(stamp, "w") as f:
        json.dump(kept, f)

def measure(name, args, before=None):
    results = [run(args, before) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    rss = max(r[1] for r in results)
    print(f"{name:<44} median {wall:7.1f} ms wall, peak {rss:6.1f} MiB RSS")
    return wall, rss

base = measure("baseline (cargo, objdump, hashing)", [], forget_fingerprint)
fresh = measure("stamp matches (no cargo)", [])
floor = measure("--no-bundle (no bundling)", ["--no-bundle"])
print(f"stamp vs baseline: {fresh[0] / base[0]:.3f}x wall, {fresh[1] / base[1]:.3f}x peak RSS")
print(f"stamp vs --no-bundle: {fresh[0] / floor[0]:.2f}x wall")
PY
