#!/usr/bin/env bash
# A user's own store: `rootski import` of items shaped like the production table
# (crates/rootski-api/tests/fixtures/item_shapes, DynamoDB-typed scan output), then
# `rootski serve` on that store answers with exactly those items — nothing of the
# bundled open dataset is mixed in, and serve says so in one line. Starts the
# server on 127.0.0.1 (free port), waits at most 120 s, and always stops it.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

BIN="$(ws_debug_dir)/rootski"
CORPUS=crates/rootski-api/tests/fixtures/item_shapes/items.scan.json

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    stop_pid "$SERVER_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; cat "$WORK"/*.log >&2; exit 1; }

env -u ROOTSKI__STORE "$BIN" import --db "$WORK/own.sqlite3" "$CORPUS" >"$WORK/import.log" 2>&1 \
    || fail "rootski import"
grep -q "imported 18 item(s) into .*; 0 bad record(s) skipped" "$WORK/import.log" || fail "import report"

env -u ROOTSKI__CONFIG_FILE_PATH -u ROOTSKI__STORE ROOTSKI__LOG_LEVEL=warn \
    "$BIN" serve --host 127.0.0.1 --port 0 --db "$WORK/own.sqlite3" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 240); do
    BASE="$(grep -o 'listening on http://[0-9.:]*' "$WORK/serve.log" | head -1 | sed 's/listening on //' || true)"
    [ -n "$BASE" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "rootski serve exited"
    sleep 0.5
done
[ -n "$BASE" ] || fail "rootski serve did not listen within 120 s"
grep -q "holds 18 items that are not the bundled open dataset" "$WORK/serve.log" \
    || fail "no line saying the store is served as it is"

get() { curl -s --max-time 30 -o "$WORK/body" -w '%{http_code}' "$BASE$1"; }
expect_json() {
    local path=$1 want=$2
    [ "$(get "$path")" = 200 ] || fail "$path status"
    python3 - "$WORK/body" "$want" <<'PY' || fail "$path body"
import json, sys
got, want = json.load(open(sys.argv[1])), json.loads(sys.argv[2])
assert got == want, (got, want)
PY
}
# Every search answers with the imported words only (the dataset has hundreds of each).
expect_json /search/%D0%BD '{"words": [{"word": "новость", "word_id": "801", "frequency": -1, "pos": "deprecated"}]}'
expect_json /search/%D0%BF '{"words": [{"word": "переносить", "word_id": "802", "frequency": 1957, "pos": "deprecated"}]}'
expect_json /search/%D0%B2 '{"words": []}'
[ "$(get /word/8/verb)" = 404 ] || fail "a dataset word (быть) is served"
[ "$(get /breakdown/801)" = 200 ] || fail "/breakdown/801"
[ "$(get /morpheme/morphemes.json)" = 200 ] || fail "morphemes.json"
python3 - "$WORK/body" <<'PY' || fail "morphemes.json holds other morphemes"
import json, sys
assert sorted(json.load(open(sys.argv[1]))) == ["9001", "9002", "9003", "9004", "9006"]
PY
echo "rootski import then serve: exactly the imported items ($BASE)"
