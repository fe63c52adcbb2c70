#!/usr/bin/env bash
# Benchmark of the rootski API on loopback, over the full open dataset (60k words).
#
# Builds `rootski` (release), starts `rootski serve` on 127.0.0.1 with an embedded
# store seeded from the bundled dataset (kept in target/bench/ between runs), then
# drives each route with wrk (Debian package, installed with apt if missing) and
# prints requests/s, p50/p99 latency and the server's CPU time per request, read
# from /proc/<pid>/stat (utime+stime) before and after each run. GET /health runs
# first as the baseline of the same machine and run, so figures compare as ratios.
#
# Bounded: every wrk run lasts BENCH_SECONDS (default 10 s), the start-up wait is
# capped, and the server is stopped on exit. Usage:
#   scripts/bench-api.sh                 # all routes
#   BENCH_SECONDS=5 BENCH_CONNECTIONS=64 scripts/bench-api.sh

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WRK_THREADS="${BENCH_WRK_THREADS:-1}"
PORT="${BENCH_PORT:-38917}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BENCH_DIR="$ROOT/target/bench"
WRK_VERSION_EXPECTED="4.1.0"

need_wrk() {
    if ! command -v wrk >/dev/null 2>&1; then
        echo "installing wrk (Debian package) ..." >&2
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
        else
            sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq wrk >/dev/null
        fi
    fi
    local version
    version="$( (wrk --version 2>&1 || true) | head -1 | awk '{print $2}')"
    case "$version" in
        *"$WRK_VERSION_EXPECTED"*) ;;
        *) echo "note: wrk $version (figures were taken with $WRK_VERSION_EXPECTED)" >&2 ;;
    esac
}

need_wrk
mkdir -p "$BENCH_DIR"

echo "building rootski (release) ..." >&2
(cd "$ROOT" && cargo build --release --locked -p rootski-cli --bin rootski >&2)
BIN="$TARGET_DIR/release/rootski"

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM

ROOTSKI__LOG_LEVEL=warn ROOTSKI__STATIC_ASSETS_DIR="$BENCH_DIR/static" \
    "$BIN" serve --host 127.0.0.1 --port "$PORT" --db "$BENCH_DIR/rootski.sqlite3" \
    >"$BENCH_DIR/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"

# First start seeds the store (tens of seconds); later starts are immediate.
for i in $(seq 1 600); do
    if curl -sf "$BASE/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "server exited; log:" >&2; cat "$BENCH_DIR/server.log" >&2; exit 1
    fi
    if [ "$i" = 600 ]; then echo "server did not start within 300 s" >&2; exit 1; fi
    sleep 0.5
done

# Request mixes: random word ids over the dataset; search prefixes repeated (as
# typing sends them, served from the 60 s search cache) and distinct (cold).
WORD_COUNT=60000
WORDS_TEXT="$BENCH_DIR/words.txt"
if command -v zstd >/dev/null 2>&1; then
    zstd -dc "$ROOT/data/words.jsonl.zst" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["word"])' >"$WORDS_TEXT"
else
    : >"$WORDS_TEXT"   # no zstd: the cold-search run is skipped
fi
python3 - "$BENCH_DIR" "$WORD_COUNT" "$WORDS_TEXT" <<'PY'
import random, sys, urllib.parse
out, count, words_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(7)
prefixes = ["при", "по", "за", "вы", "на", "об", "ра", "с", "мо", "ко", "пе", "не", "до", "от",
            "у", "из", "про", "под", "пре", "сам", "бе", "ве", "го", "ла", "ме", "тр", "ст", "ч"]
def lua(name, paths):
    body = ",\n".join('  "%s"' % p for p in paths)
    with open(f"{out}/{name}.lua", "w") as f:
        f.write("local paths = {\n%s\n}\nlocal n = #paths\nlocal i = 0\n"
                "request = function()\n  i = i %% n + 1\n  return wrk.format(\"GET\", paths[i])\nend\n" % body)
ids = [random.randint(1, count) for _ in range(2000)]
lua("search", ["/search/" + urllib.parse.quote(p) for p in prefixes])
lua("word", ["/word/%d/x" % i for i in ids])
lua("breakdown", ["/breakdown/%d" % i for i in ids])
# Distinct prefixes of real words, shuffled: nearly every request misses the
# search cache, so this run measures the store query and serialization.
words = [w.strip() for w in open(words_file, encoding="utf-8") if w.strip()]
cold = sorted({w[:n] for w in words for n in range(2, 8) if len(w) >= n})
random.shuffle(cold)
if cold:
    lua("search_cold", ["/search/" + urllib.parse.quote(p) for p in cold[:300000]])
PY

clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# wrk latency lines look like "     50%  310.00us"; convert to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n = n / 1000; else if (u == "s") n = n * 1000; else if (u == "m") n = n * 60000;
        printf "%.3f", n }'
}

printf '%-28s %12s %10s %10s %14s\n' "route" "req/s" "p50 ms" "p99 ms" "CPU ms/req"
run() {
    local name="$1" url="$2"; shift 2
    # Warm-up (builds morphemes.json and its compressed variants on first use).
    wrk -t1 -c4 -d1s "$@" "$url" >/dev/null 2>&1 || true
    local before after out
    before="$(cpu_ticks)"
    out="$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url")"
    after="$(cpu_ticks)"
    local rps requests p50 p99 errors
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    requests="$(awk '/requests in/ {print $1}' <<<"$out")"
    p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")"
    local cpu_ms
    cpu_ms="$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$requests" \
        'BEGIN { if (n > 0) printf "%.4f", t * 1000 / hz / n; else print "n/a" }')"
    printf '%-28s %12s %10s %10s %14s' "$name" "$rps" "$p50" "$p99" "$cpu_ms"
    if [ -n "$errors" ]; then printf '   (%s non-2xx/3xx)' "$errors"; fi
    printf '\n'
    echo "$name $rps $p50 $p99 $cpu_ms" >>"$BENCH_DIR/results.txt"
}

: >"$BENCH_DIR/results.txt"
run "health (baseline)" "$BASE/health"
run "search (28 prefixes)" "$BASE/" -s "$BENCH_DIR/search.lua"
if [ -s "$BENCH_DIR/search_cold.lua" ]; then
    run "search (distinct prefixes)" "$BASE/" -s "$BENCH_DIR/search_cold.lua"
fi
run "word (random ids)" "$BASE/" -s "$BENCH_DIR/word.lua"
run "breakdown (random ids)" "$BASE/" -s "$BENCH_DIR/breakdown.lua"
run "morphemes.json (identity)" "$BASE/morpheme/morphemes.json"
run "morphemes.json (br)" "$BASE/morpheme/morphemes.json" -H "Accept-Encoding: br"
run "morphemes.json (304)" "$BASE/morpheme/morphemes.json" \
    -H "If-None-Match: $(curl -s -o /dev/null -D - "$BASE/morpheme/morphemes.json" | awk -F': ' 'tolower($1) == "etag" {print $2}' | tr -d '\r')"

echo
echo "ratios to the /health baseline (req/s, CPU per request):"
awk 'NR == 1 { base_rps = $(NF-3); base_cpu = $NF; next }
     { name = $1; for (i = 2; i <= NF - 4; i++) name = name " " $i;
       printf "  %-28s %6.2fx req/s  %6.2fx CPU/req\n", name, $(NF-3) / base_rps, (base_cpu > 0 ? $NF / base_cpu : 0) }' \
    "$BENCH_DIR/results.txt"
echo "(machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk ${WRK_THREADS} thread(s), ${CONNECTIONS} connections, ${SECONDS_PER_RUN}s per route)"
