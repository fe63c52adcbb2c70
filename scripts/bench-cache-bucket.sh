#!/usr/bin/env bash
# The first GET /morpheme/morphemes.json of a fresh instance on the DynamoDB store:
# building the index from the table (and uploading it to the cache bucket) vs
# reading it from the warm bucket (ROOTSKI__OBJECT_CACHE_BUCKET_NAME), both against
# moto (DynamoDB + S3) on 127.0.0.1. Imports the open dataset's morphemes
# (data/morphemes.jsonl.zst: 19,442 families, 38,884 items; BENCH_MORPHEMES=<file>
# for another file), then starts `rootski serve` (release) twice, each a new process
# with nothing in memory, and times its first index request with curl. Prints both
# times and their ratio. Bounded waits; moto and the servers are stopped on exit.
#
# One run (2026-12-02, BENCH_PROFILE=debug, moto 5.2.5, 2 cores shared with a CI
# build, full open dataset: 19,442 entries, 2.9 MB):
#   built from DynamoDB and uploaded   103.466 s
#   read from the warm cache bucket      0.363 s   (0.0035×, 285× faster)

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$(mktemp -d)"
MORPHEMES="${BENCH_MORPHEMES:-$ROOT/data/morphemes.jsonl.zst}"
[ -x "$ROOT/.tools/venv/bin/moto_server" ] || "$ROOT/scripts/install-tools"
. "$ROOT/scripts/lib/moto.sh"

# BENCH_PROFILE=debug reuses the test build (the time is moto's and the wire's).
PROFILE="${BENCH_PROFILE:-release}"
echo "building rootski ($PROFILE) ..." >&2
if [ "$PROFILE" = release ]; then
    (cd "$ROOT" && cargo build --release --locked -p rootski-cli --bin rootski >&2)
    BIN="$TARGET_DIR/release/rootski"
else
    (cd "$ROOT" && cargo build --locked -p rootski-cli --bin rootski >&2)
    BIN="$TARGET_DIR/debug/rootski"
fi

SERVER_PID=""
stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }
cleanup() { stop_server; stop_moto; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
start_moto "$WORK" >&2 || exit 1

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
unset AWS_ENDPOINT_URL AWS_PROFILE || true
export ROOTSKI__DYNAMO_ENDPOINT_URL="$MOTO_ENDPOINT" ROOTSKI__DYNAMO_TABLE_NAME=rootski-bench
export ROOTSKI__S3_ENDPOINT_URL="$MOTO_ENDPOINT" ROOTSKI__OBJECT_CACHE_BUCKET_NAME=rootski-bench-cache
export ROOTSKI__LOG_LEVEL=info
"$ROOT/.tools/venv/bin/python" - "$MOTO_ENDPOINT" <<'PY'
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1").create_bucket(Bucket="rootski-bench-cache")
PY
echo "importing $(basename "$MORPHEMES") into DynamoDB on moto ..." >&2
"$BIN" import --store dynamodb --create-table "$MORPHEMES" >&2

# Prints the seconds of the first morphemes.json of a new `rootski serve`.
first_index_seconds() {
    local log="$WORK/serve-$1.log" port
    port=$(free_port)
    "$BIN" serve --store dynamodb --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do
        grep -q "listening on" "$log" && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.2
    done
    curl -s --max-time 600 -o "$WORK/index-$1.json" -w '%{time_total}' \
        "http://127.0.0.1:$port/morpheme/morphemes.json"
    stop_server
}

cold=$(first_index_seconds build)
grep -q "uploaded morphemes.json" "$WORK/serve-build.log" || { echo "the first instance did not upload" >&2; exit 1; }
warm=$(first_index_seconds bucket)
grep -q "read morphemes.json from the cache bucket" "$WORK/serve-bucket.log" || { echo "the second instance did not read the bucket" >&2; exit 1; }
cmp -s "$WORK/index-build.json" "$WORK/index-bucket.json" || { echo "the two instances served different indexes" >&2; exit 1; }
entries=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/index-build.json")
printf 'first morphemes.json of a fresh instance (%s entries, %s bytes), moto DynamoDB + S3:\n' \
    "$entries" "$(stat -c %s "$WORK/index-build.json")"
printf '  built from DynamoDB and uploaded  %8.3f s\n' "$cold"
printf '  read from the warm cache bucket   %8.3f s\n' "$warm"
python3 -c "import sys; c,w=float(sys.argv[1]),float(sys.argv[2]); print(f'  bucket / build = {w/c:.4f} ({c/w:.0f}x faster)')" "$cold" "$warm"
