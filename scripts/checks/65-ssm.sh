#!/usr/bin/env bash
# ROOTSKI__FETCH_VALUES_FROM_AWS_SSM against an SSM-compatible server: moto's
# `moto_server` (pinned in tools/requirements.txt) on 127.0.0.1, started here with a
# bounded wait and stopped by the trap. No AWS: dummy credentials, no config files,
# no instance metadata. Runs:
#   - rootski-api's `ssm_moto` tests (feature `ssm`, --include-ignored): parameters
#     read and merged, SecureString decrypted, missing parameters named;
#   - `rootski serve` with the flag on and AWS_ENDPOINT_URL at moto: the Cognito
#     settings come from /rootski/dev/..., shown by the start-up line and by auth
#     (a token for the SSM issuer and client is accepted, one for another client is
#     a 401); with ROOTSKI__ENVIRONMENT=prod (parameters missing) start-up fails
#     naming them;
#   - the Lambda `bootstrap` with the parameters missing: it posts the error to the
#     Runtime API's /runtime/init/error (a stub on 127.0.0.1) and exits non-zero.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

. "$ROOT/scripts/lib/moto.sh"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        stop_pid "$pid"
    done
    stop_moto
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
start_moto "$work" || exit 1

endpoint="$MOTO_ENDPOINT"
export ROOTSKI_TEST_SSM_ENDPOINT="$endpoint"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SSM || true
# Nothing of the caller's rootski settings may leak into the runs below.
for var in $(env | sed -n 's/^\(ROOTSKI__[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$var"; done

echo "-- ssm_moto tests (feature ssm)"
ws_test --test ssm_moto -- --include-ignored

echo "-- rootski serve with ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true"
debug=$(ws_debug_dir)
rootski="$debug/rootski"
bootstrap="$debug/bootstrap"
fixtures="$ROOT/crates/rootski-api/tests/fixtures/http"

python3 - "$endpoint" <<'PY'
import sys, boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="us-east-1")
for name, value, kind in [
    ("cognito_aws_region", "us-e2e-1", "String"),
    ("cognito_user_pool_id", "us-e2e-1_SsmPool", "String"),
    ("cognito_web_client_id", "e2e-web-client", "SecureString"),
]:
    ssm.put_parameter(Name=f"/rootski/dev/{name}", Value=value, Type=kind, Overwrite=True)
PY

AWS_ENDPOINT_URL="$endpoint" ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true ROOTSKI__ENVIRONMENT=dev \
    ROOTSKI__LOG_LEVEL=info ROOTSKI__COGNITO_JWKS_PATH="$fixtures/jwks.json" \
    "$rootski" serve --host 127.0.0.1 --port 0 --db "$work/rootski.sqlite3" >"$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
base=
for _ in $(seq 1 600); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -1 | sed 's/listening on //' || true)
    [ -n "$base" ] && break
    if ! kill -0 "$serve_pid" 2>/dev/null; then
        echo "rootski serve exited:" >&2; cat "$work/serve.log" >&2; exit 1
    fi
    sleep 0.5
done
fail() { echo "FAIL: $*" >&2; cat "$work/serve.log" >&2; exit 1; }
[ -n "$base" ] || fail "rootski serve did not listen within 300 s"
grep -q "issuer https://cognito-idp.us-e2e-1.amazonaws.com/us-e2e-1_SsmPool, web client e2e-web-client" \
    "$work/serve.log" || fail "no start-up line with the SSM issuer and client"

token() {
    python3 - "$fixtures/trusted.pem" "$1" <<'PY'
import sys, time
from joserfc import jwt
from joserfc.jwk import RSAKey
key = RSAKey.import_key(open(sys.argv[1]).read())
now = int(time.time())
claims = {
    "sub": "sub-ssm", "email": "ssm-user@example.com", "token_use": "id",
    "aud": sys.argv[2], "iss": "https://cognito-idp.us-e2e-1.amazonaws.com/us-e2e-1_SsmPool",
    "iat": now, "exp": now + 600,
}
print(jwt.encode({"alg": "RS256", "kid": "test-key-1"}, claims, key))
PY
}
status() { curl -s --max-time 30 -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $1" "$base/breakdown/8"; }
[ "$(status "$(token e2e-web-client)")" = 200 ] || fail "token for the SSM issuer and client refused: $(cat "$work/body")"
[ "$(status "$(token another-client)")" = 401 ] || fail "token for another client accepted"
kill "$serve_pid"
echo "rootski serve: Cognito settings from SSM, token for them accepted"

echo "-- rootski serve with the parameters missing (ROOTSKI__ENVIRONMENT=prod)"
python3 - "$endpoint" <<'PY'
import sys, boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="us-east-1")
for name in ("cognito_user_pool_id", "cognito_web_client_id"):
    try:
        ssm.delete_parameter(Name=f"/rootski/prod/{name}")
    except ssm.exceptions.ParameterNotFound:
        pass
PY
if AWS_ENDPOINT_URL="$endpoint" ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true ROOTSKI__ENVIRONMENT=prod \
    timeout 60 "$rootski" serve --host 127.0.0.1 --port 0 --db "$work/prod.sqlite3" >"$work/prod.log" 2>&1; then
    echo "FAIL: rootski serve started without its SSM parameters" >&2; cat "$work/prod.log" >&2; exit 1
fi
grep -q "/rootski/prod/cognito_user_pool_id" "$work/prod.log" || { cat "$work/prod.log" >&2; exit 1; }
grep -q "ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false" "$work/prod.log" || { cat "$work/prod.log" >&2; exit 1; }
echo "rootski serve: missing parameters stop start-up with their names"

echo "-- bootstrap with the parameters missing reports an init error"
runtime_port=$(free_port)
python3 - "$runtime_port" "$work/init-error.json" "$work/runtime.ready" >"$work/runtime.log" 2>&1 <<'PY' &
import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
out = sys.argv[2]
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/2018-06-01/runtime/init/error":
            open(out, "wb").write(body)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def do_GET(self):
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()
server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.timeout = 1
open(sys.argv[3], "w").close()
deadline = time.time() + 90
while time.time() < deadline:
    server.handle_request()
    try:
        if open(out, "rb").read():
            break
    except FileNotFoundError:
        pass
PY
runtime_pid=$!
pids+=("$runtime_pid")
for _ in $(seq 1 100); do [ -e "$work/runtime.ready" ] && break; sleep 0.1; done
[ -e "$work/runtime.ready" ] || { echo "FAIL: Runtime API stub did not start" >&2; cat "$work/runtime.log" >&2; exit 1; }
if env -i PATH="$PATH" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$AWS_CONFIG_FILE" \
    AWS_SHARED_CREDENTIALS_FILE="$AWS_SHARED_CREDENTIALS_FILE" AWS_ENDPOINT_URL="$endpoint" \
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$runtime_port" ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true \
    ROOTSKI__ENVIRONMENT=prod ROOTSKI__DB="$work/lambda.sqlite3" \
    timeout 60 "$bootstrap" >"$work/bootstrap.log" 2>&1; then
    echo "FAIL: bootstrap started without its SSM parameters" >&2; cat "$work/bootstrap.log" >&2; exit 1
fi
for _ in $(seq 1 50); do [ -s "$work/init-error.json" ] && break; sleep 0.1; done
python3 - "$work/init-error.json" <<'PY' || { cat "$work/bootstrap.log" >&2; exit 1; }
import json, sys
error = json.load(open(sys.argv[1]))
assert error["errorType"] == "Runtime.InitError", error
assert "/rootski/prod/cognito_user_pool_id" in error["errorMessage"], error
PY
echo "bootstrap: missing SSM parameters reported to /runtime/init/error"
echo "-- SSM check passed"
