#!/usr/bin/env bash
# Benchmark of `rootski local` (figures, no thresholds): cold start (first request,
# which spawns the bootstrap process, to its response), warm request latency through
# gateway -> Runtime API -> bootstrap -> SQLite, RSS of one bootstrap, bundle zip size.
# Starts rootski local on a free 127.0.0.1 port in a temp dir and stops it on exit.
# A benchmark beside the checks, not one of them (scripts/test does not run it).
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

work=$(mktemp -d)
pid=
cleanup() {
    stop_pid "$pid"
    rm -rf "$work"
}
trap cleanup EXIT

# The Lambda side is always the release bundle; the gateway runs in the debug CLI that
# `cargo test` already built, unless BENCH_PROFILE=release.
profile=${BENCH_PROFILE:-debug}
if [ "$profile" = release ]; then
    cargo build --quiet --locked --release --bin rootski
else
    ws_debug_dir >/dev/null
fi
target=$(dirname "$(ws_debug_dir)")
echo "gateway: $profile build of rootski"
(cd "$work" && exec "$target/$profile/rootski" local --port 0 --db "$work/rootski.sqlite3" \
    --output "$work/cdk.out" >"$work/stdout" 2>"$work/stderr") &
pid=$!

url=
for _ in $(seq 1 3600); do
    url=$(sed -n 's/^.*\.ApiGatewayUrl = //p' "$work/stdout" | head -1)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { tail -40 "$work/stderr"; echo "rootski local exited"; exit 1; }
    sleep 0.5
done
[ -n "$url" ] || { tail -40 "$work/stderr"; echo "rootski local did not start"; exit 1; }

python3 - "$url" "$work/cdk.out" <<'PY'
import http.client, os, statistics, sys, time, urllib.parse
url, staged = sys.argv[1], sys.argv[2]
u = urllib.parse.urlsplit(url)
path = u.path + "search/%D0%BF%D1%80%D0%B8"

def get(conn):
    start = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, (r.status, body[:200])
    return (time.perf_counter() - start) * 1000

conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
cold = get(conn)
warm = sorted(get(conn) for _ in range(200))
def rss(pid):
    fields = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
    return [int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")]
bootstraps = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if (open(f"/proc/{pid}/comm").read().strip() == "bootstrap"
                and staged in open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")):
            bootstraps.append(rss(pid))
    except OSError:
        pass
print(f"cold start (first request, spawns bootstrap): {cold:.1f} ms")
print(f"warm request latency over 200: median {statistics.median(warm):.2f} ms, "
      f"p95 {warm[int(len(warm) * 0.95)]:.2f} ms, max {warm[-1]:.2f} ms")
for now, peak in bootstraps:
    print(f"bootstrap RSS: {now:.1f} MiB (peak {peak:.1f} MiB)")
PY
grep -h 'Init Duration' "$work/stderr" | head -1 || true
zip=$(ls "$ROOT"/target/lambda-bundle/out/bootstrap.zip)
echo "bundle zip size: $(stat -c %s "$zip") bytes; unzipped: $(stat -c %s "$ROOT/target/lambda-bundle/out/asset/bootstrap") bytes"
