#!/usr/bin/env bash
# The API against its own OpenAPI document, fuzzed (schemathesis, pinned in
# tools/requirements.txt): every default check — responses match the schema, no 5xx,
# schema-valid requests accepted, invalid ones rejected, status codes and content
# types documented — over `rootski serve` on two stores: the production-shaped
# fixture items (crates/rootski-api/tests/fixtures/item_shapes) and the bundled open
# dataset. Requests carry a valid bearer token (test-only key, trusted through
# ROOTSKI__COGNITO_JWKS_PATH), so the authenticated paths are exercised too.
# Bounded: a fixed seed, a fixed number of examples per operation, 127.0.0.1 only;
# every server started here is stopped.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

BIN="$(ws_debug_dir)/rootski"
KEYS=crates/rootski-api/tests/fixtures/http
REGION=us-test-1
POOL=us-test-1_TestPool
CLIENT=test-web-client
# Examples per operation and phase; with the fixed seed the run is repeatable.
MAX_EXAMPLES="${ROOTSKI_FUZZ_MAX_EXAMPLES:-100}"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    stop_pid "$SERVER_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; cat "$WORK"/*.log >&2 2>/dev/null || true; exit 1; }

TOKEN="$(python3 tools/schemathesis/mint_token.py "$KEYS/trusted.pem" \
    "https://cognito-idp.$REGION.amazonaws.com/$POOL" "$CLIENT")" || fail "minting the test token"

# fuzz NAME DB: serve DB on a free port, run schemathesis against it, stop the server.
fuzz() {
    local name=$1 db=$2 port base
    port="$(free_port)"
    env -u ROOTSKI__CONFIG_FILE_PATH -u ROOTSKI__STORE ROOTSKI__LOG_LEVEL=error \
        ROOTSKI__COGNITO_AWS_REGION=$REGION ROOTSKI__COGNITO_USER_POOL_ID=$POOL \
        ROOTSKI__COGNITO_WEB_CLIENT_ID=$CLIENT ROOTSKI__COGNITO_JWKS_PATH="$ROOT/$KEYS/jwks.json" \
        "$BIN" serve --host 127.0.0.1 --port "$port" --db "$db" >"$WORK/serve-$name.log" 2>&1 &
    SERVER_PID=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        curl -s --max-time 2 -o /dev/null "$base/health" && break
        kill -0 "$SERVER_PID" 2>/dev/null || fail "rootski serve ($name) exited"
        sleep 0.5
    done
    curl -s --max-time 2 -o /dev/null "$base/health" || fail "rootski serve ($name) did not answer within 300 s"

    local start=$SECONDS
    # From $WORK: schemathesis keeps a .schemathesis/ cache in its working directory.
    (cd "$WORK" && schemathesis --config-file "$ROOT/tools/schemathesis/schemathesis.toml" run "$base/openapi.json" \
        --header "Authorization: Bearer $TOKEN" \
        --seed 20261203 --max-examples "$MAX_EXAMPLES" --generation-database none \
        --no-color --request-timeout 30 >"$WORK/fuzz-$name.out" 2>&1) \
        || { cat "$WORK/fuzz-$name.out" >&2; fail "schemathesis found failures on the $name store"; }
    echo "$name store: $(grep -Eo '[0-9]+ generated' "$WORK/fuzz-$name.out" | head -1) test cases," \
        "0 failures, $((SECONDS - start)) s"
    stop_pid "$SERVER_PID"
    SERVER_PID=""
}

env -u ROOTSKI__STORE "$BIN" import --db "$WORK/shapes.sqlite3" \
    crates/rootski-api/tests/fixtures/item_shapes/items.scan.json >"$WORK/import.log" 2>&1 \
    || fail "rootski import of the item-shapes fixture"
fuzz fixture "$WORK/shapes.sqlite3"
fuzz open-dataset "$WORK/open.sqlite3"
echo "API fuzz: every default schemathesis check passed on both stores"
