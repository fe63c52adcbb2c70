#!/usr/bin/env bash
# deploy | diff | destroy | bootstrap against a local CloudFormation endpoint:
# moto_server (pinned in tools/requirements.txt, with tools/moto-patch applied: change
# sets in DependsOn order, failure events and rollback, the API Gateway / ACM types
# moto's CloudFormation skips) on 127.0.0.1 (free port), waited for at most 30 s and
# always stopped. Runs the cdk-toolkit deploy tests (feature
# `deploy`) and the `rootski` CLI deploy tests with AWS_ENDPOINT_URL pointing at it
# and dummy credentials — nothing talks to anything but 127.0.0.1. The bootstrap roles
# are exercised too: moto answers STS AssumeRole (switching to the role's account),
# the SSM version parameter and EC2 DescribeAvailabilityZones.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

. "$ROOT/scripts/lib/moto.sh"
WORK="$(mktemp -d)"
cleanup() {
    stop_moto
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
start_moto "$WORK" || exit 1

export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-west-2 AWS_DEFAULT_REGION=us-west-2
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-credentials"
unset AWS_PROFILE

echo "== deploy tests against moto_server on $AWS_ENDPOINT_URL"
ws_test --test deploy_moto -- --nocapture \
    || { echo "FAIL: cdk-toolkit deploy tests" >&2; tail -n 50 "$MOTO_LOG" >&2; exit 1; }
# The role tests read moto's whole-state dump, which the state the flow tests leave
# behind can break (moto answers 500): they get a fresh server.
stop_moto
start_moto "$WORK" || exit 1
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
ws_test --test deploy_roles_moto -- --nocapture \
    || { echo "FAIL: cdk-toolkit role tests" >&2; tail -n 50 "$MOTO_LOG" >&2; exit 1; }
# The whole Rootski-Lambda-REST-API-Stack, as a user deploys it (and hotswaps it, reads
# its function's logs): the stacks' account
# (cdk.json) is moto's default account, the real bundled `bootstrap` (reused from
# 40-bundle.sh's build) is the function's code.
stop_moto
MOTO_ACCOUNT_ID=091910621680 start_moto "$WORK" || exit 1
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
ws_test --test deploy_cli -- --nocapture \
    || { echo "FAIL: rootski deploy CLI tests" >&2; tail -n 50 "$MOTO_LOG" >&2; exit 1; }
echo "OK: deploy, diff, destroy and bootstrap against moto_server"
