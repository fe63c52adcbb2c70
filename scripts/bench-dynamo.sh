#!/usr/bin/env bash
# Benchmark of the rootski API on the DynamoDB store against moto (the DynamoDB
# emulator the original project measured against: 1.4–6.1 ms CPU per request,
# 110–660 req/s on this machine).
#
# Starts moto_server (.tools/venv, pinned in tools/requirements.txt) on 127.0.0.1,
# imports the test dataset (tests/fixtures/store/dataset: 5 words, their search
# entries and breakdowns, 11 morphemes) with `rootski import --store dynamodb`,
# starts `rootski serve --store dynamodb` (release build), drives each route with
# wrk, and prints requests/s, p50/p99 and the CPU ms per request of our server and
# of moto, read from /proc/<pid>/stat before and after each run. Bounded: each wrk
# run lasts BENCH_SECONDS (default 10 s), start-up waits are capped, both servers are
# stopped on exit. Moto answers one request at a time, so it is the bottleneck:
# requests/s measure moto, CPU ms/request of our server measure us. The API caches
# search answers and morphemes.json, so those rows measure the cache, not moto.
#
# Figures of one run (2026-11-25, 2 cores shared with other builds, moto 5.2.5):
#   route              req/s   p50 ms  rootski CPU ms/req  moto CPU ms/req
#   health (no store)  52136    0.094        0.009               -
#   search (cached)    47004    0.104        0.010               -
#   word               290     26.98         0.498             3.173
#   breakdown          165     48.00         0.905             5.579
#   morphemes.json     51359    0.098        0.009               -

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BENCH_DIR="$ROOT/target/bench-dynamo"
mkdir -p "$BENCH_DIR"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
[ -x "$ROOT/.tools/venv/bin/moto_server" ] || "$ROOT/scripts/install-tools"

echo "building rootski (release) ..." >&2
(cd "$ROOT" && cargo build --release --locked -p rootski-cli --bin rootski >&2)
BIN="$TARGET_DIR/release/rootski"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MOTO_PORT=$(free_port)
API_PORT=$(free_port)
MOTO_PID=""
SERVER_PID=""
cleanup() {
    for pid in $SERVER_PID $MOTO_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM

wait_port() {
    for _ in $(seq 1 150); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2).close()" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "nothing listens on port $1 after 30 s" >&2
    return 1
}

"$ROOT/.tools/venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$BENCH_DIR/moto.log" 2>&1 &
MOTO_PID=$!
wait_port "$MOTO_PORT"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export ROOTSKI__DYNAMO_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" ROOTSKI__DYNAMO_TABLE_NAME=rootski-bench
DATA="$ROOT/crates/rootski-api/tests/fixtures/store/dataset"
"$BIN" import --store dynamodb --create-table \
    "$DATA/words.jsonl" "$DATA/breakdowns.jsonl" "$DATA/morphemes.jsonl" >&2

ROOTSKI__LOG_LEVEL=warn "$BIN" serve --store dynamodb --host 127.0.0.1 --port "$API_PORT" \
    >"$BENCH_DIR/server.log" 2>&1 &
SERVER_PID=$!
wait_port "$API_PORT"
BASE="http://127.0.0.1:$API_PORT"

cat >"$BENCH_DIR/word.lua" <<'LUA'
local i = 0
request = function() i = i % 5 + 1; return wrk.format("GET", "/word/" .. i .. "/x") end
LUA
cat >"$BENCH_DIR/breakdown.lua" <<'LUA'
local i = 0
request = function() i = i % 5 + 1; return wrk.format("GET", "/breakdown/" .. i) end
LUA

clk_tck="$(getconf CLK_TCK)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
printf '%-22s %10s %9s %9s %16s %14s %8s\n' route req/s "p50 ms" "p99 ms" "rootski CPU ms" "moto CPU ms" non-2xx
run() {
    local name="$1" url="$2"; shift 2
    wrk -t1 -c2 -d1s "$@" "$url" >/dev/null 2>&1 || true
    local s0 m0 s1 m1 out
    s0=$(ticks "$SERVER_PID"); m0=$(ticks "$MOTO_PID")
    out="$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url")"
    s1=$(ticks "$SERVER_PID"); m1=$(ticks "$MOTO_PID")
    local rps n p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
    awk -v name="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v s=$((s1 - s0)) -v m=$((m1 - m0)) \
        -v hz="$clk_tck" -v n="$n" -v e="${errors:-0}" \
        'BEGIN { printf "%-22s %10s %9s %9s %16.3f %14.3f %8s\n", name, rps, p50, p99, s*1000/hz/n, m*1000/hz/n, e }'
}
run "health (no store)" "$BASE/health"
run "search /search/при" "$BASE/search/%D0%BF%D1%80%D0%B8"
run "word (5 ids)" "$BASE/" -s "$BENCH_DIR/word.lua"
run "breakdown (5 ids)" "$BASE/" -s "$BENCH_DIR/breakdown.lua"
run "morphemes.json" "$BASE/morpheme/morphemes.json"
echo
echo "original FastAPI app against moto: 1.4–6.1 ms CPU/request, 110–660 req/s"
echo "(machine: $(nproc) cores; wrk 1 thread, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per route; moto $("$ROOT/.tools/venv/bin/python" -c 'import moto; print(moto.__version__)'))"
