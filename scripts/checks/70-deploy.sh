#!/usr/bin/env bash
# deploy | diff | destroy | bootstrap against a local CloudFormation endpoint:
# moto_server (pinned in tools/requirements.txt) on 127.0.0.1 (free port), waited for
# at most 60 s and always stopped. Runs the cdk-toolkit deploy tests (feature
# `deploy`) and the `rootski` CLI deploy tests with AWS_ENDPOINT_URL pointing at it
# and dummy credentials — nothing talks to anything but 127.0.0.1. The bootstrap roles
# are exercised too: moto answers STS AssumeRole (switching to the role's account),
# the SSM version parameter and EC2 DescribeAvailabilityZones.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

MOTO="$(command -v moto_server || true)"
[ -n "$MOTO" ] || MOTO="$ROOT/.tools/venv/bin/moto_server"
[ -x "$MOTO" ] || { echo "moto_server not found: run scripts/install-tools" >&2; exit 1; }

WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
    if [ -n "$MOTO_PID" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$MOTO_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$MOTO_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
ready=""
for _ in $(seq 1 120); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/data.json', timeout=1)" 2>/dev/null; then
        ready=1; break
    fi
    kill -0 "$MOTO_PID" 2>/dev/null || { echo "moto_server exited:" >&2; cat "$WORK/moto.log" >&2; exit 1; }
    sleep 0.5
done
[ -n "$ready" ] || { echo "moto_server did not answer within 60 s" >&2; cat "$WORK/moto.log" >&2; exit 1; }

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-west-2 AWS_DEFAULT_REGION=us-west-2
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-credentials"
unset AWS_PROFILE

echo "== deploy tests against moto_server on $AWS_ENDPOINT_URL"
cargo test --locked -p cdk-toolkit --features deploy --test deploy_moto -- --nocapture \
    || { echo "FAIL: cdk-toolkit deploy tests" >&2; tail -n 50 "$WORK/moto.log" >&2; exit 1; }
cargo test --locked -p rootski-backend-cdk --test deploy_cli \
    || { echo "FAIL: rootski deploy CLI tests" >&2; tail -n 50 "$WORK/moto.log" >&2; exit 1; }
echo "OK: deploy, diff, destroy and bootstrap against moto_server"
