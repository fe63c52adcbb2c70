#!/usr/bin/env bash
# `rootski serve` on a fresh store serves the bundled open dataset with no other
# set-up step: it seeds the embedded store, then GET /search/при returns words and
# GET /breakdown/8 the inferred breakdown of быть. Then the docs page in a real
# browser (Debian's chromium, headless, installed by scripts/install-tools): the
# Swagger UI the binary embeds renders every operation of /openapi.json. Starts the
# server on 127.0.0.1 (free port), waits at most 300 s, and always stops it.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

BIN="$(ws_debug_dir)/rootski"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    stop_pid "$SERVER_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

env -u ROOTSKI__CONFIG_FILE_PATH ROOTSKI__LOG_LEVEL=warn \
    "$BIN" serve --host 127.0.0.1 --port 0 --db "$WORK/rootski.sqlite3" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!

BASE=""
for _ in $(seq 1 600); do
    BASE="$(grep -o 'listening on http://[0-9.:]*' "$WORK/serve.log" | head -1 | sed 's/listening on //' || true)"
    [ -n "$BASE" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "rootski serve exited:" >&2; cat "$WORK/serve.log" >&2; exit 1
    fi
    sleep 0.5
done
[ -n "$BASE" ] || { echo "rootski serve did not listen within 300 s" >&2; cat "$WORK/serve.log" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; cat "$WORK/serve.log" >&2; exit 1; }
get() { curl -s --max-time 30 -o "$WORK/body" -w '%{http_code}' "$BASE$1"; }

[ "$(get /health)" = 200 ] || fail "/health"
[ "$(get /search/%D0%BF%D1%80%D0%B8)" = 200 ] || fail "/search/при status"
python3 - "$WORK/body" <<'PY' || fail "/search/при body"
import json, sys
words = json.load(open(sys.argv[1]))["words"]
assert 0 < len(words) <= 100, len(words)
assert all(w["word"].startswith("при") and w["pos"] == "deprecated" for w in words), words[:3]
# frequency is a rank (1 = most frequent): при is the 52nd most frequent word.
assert [w["frequency"] for w in words if w["word"] == "при"] == [52], words[:3]
PY
[ "$(get /breakdown/8)" = 200 ] || fail "/breakdown/8 status"
python3 - "$WORK/body" <<'PY' || fail "/breakdown/8 body"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["word"] == "быть" and b["is_inference"] is True, b
assert "".join(i["morpheme"] for i in b["breakdown_items"]) == "быть", b
PY
[ "$(get /morpheme/morphemes.json)" = 200 ] || fail "morphemes.json"
[ "$(get /openapi.json)" = 200 ] || fail "openapi.json"
[ "$(get /nope)" = 404 ] || fail "404 fallback"
grep -q "seeded the new embedded store" "$WORK/serve.log" || fail "no line saying the store was seeded"

# The docs page as a browser runs it: index.html, the gzip-compressed bundles, the
# initializer, then ../openapi.json fetched and rendered (virtual time: the budget
# is spent only while nothing is loading, so the bound is not a race).
command -v chromium >/dev/null || fail "chromium not found: run scripts/install-tools"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$WORK/chromium" --virtual-time-budget=20000 \
    --dump-dom "$BASE/docs/" >"$WORK/docs.html" 2>"$WORK/chromium.log" \
    || { cat "$WORK/chromium.log" >&2; fail "chromium could not load /docs/"; }
python3 - "$WORK/docs.html" <<'PY' || fail "/docs/ did not render the API"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
assert "Rootski API" in dom, "title not rendered: " + dom[:500]
paths = set(re.findall(r'data-path="([^"]+)"', dom))
expected = {"/health", "/search/{search_term}", "/word/{word_id}/{word_type}",
            "/breakdown/{word_id}", "/breakdown", "/morpheme/morphemes.json"}
assert expected <= paths, f"operations rendered: {sorted(paths)}"
PY
echo "docs page: Swagger UI rendered the API's operations in chromium"
echo "rootski serve: fresh store seeded and served ($BASE)"
