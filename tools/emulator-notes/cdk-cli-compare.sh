#!/usr/bin/env bash
# The AWS CDK CLI (pinned in tools/package.json) deploying the same cloud assembly as
# `rootski deploy`, to the same local endpoint: moto_server as pinned
# (`--unpatched`) or with tools/moto-patch applied (default). Shows whether a failure
# is ours or the emulator's: the CDK CLI, which CloudFormation users trust, fails
# the same way on unpatched moto 5.2.5 ("The REST API doesn't contain any methods").
#
#   tools/emulator-notes/cdk-cli-compare.sh [--unpatched] CODE_ASSET_DIR
#
# CODE_ASSET_DIR: a directory holding a built `bootstrap` (target/lambda-bundle/out/
# asset after scripts/checks/40-bundle.sh). Needs `cargo build --bin rootski` and
# scripts/install-tools. Talks only to 127.0.0.1; stops the moto_server it starts.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
. scripts/lib/moto.sh
bin="$ROOT/.tools/venv/bin/moto_server_patched"
if [ "${1:-}" = "--unpatched" ]; then bin="$ROOT/.tools/venv/bin/moto_server"; shift; fi
code=$(cd "${1:?CODE_ASSET_DIR}" && pwd)
rootski="$ROOT/target/debug/rootski"
cdk="$ROOT/.tools/node/node_modules/.bin/cdk"
WORK=$(mktemp -d)
trap 'stop_moto; rm -rf "$WORK"' EXIT

# start_moto runs the patched server; the unpatched one is started the same way.
if [ "$bin" = "$ROOT/.tools/venv/bin/moto_server" ]; then
    sed "s#moto_server_patched#moto_server#" scripts/lib/moto.sh > "$WORK/moto.sh"
    . "$WORK/moto.sh"
fi
MOTO_ACCOUNT_ID=091910621680 start_moto "$WORK"
export AWS_ENDPOINT_URL=$MOTO_ENDPOINT AWS_REGION=us-west-2 AWS_DEFAULT_REGION=us-west-2
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=$WORK/none AWS_SHARED_CREDENTIALS_FILE=$WORK/none
unset AWS_PROFILE AWS_SESSION_TOKEN

app="$WORK/app"
mkdir -p "$app"
cp cdk.json "$app/"
echo '{}' > "$app/cdk.context.json"
"$ROOT/.tools/venv/bin/python" -c "
import boto3; boto3.client('route53').create_hosted_zone(Name='rootski.io', CallerReference='compare')"
cd "$app"
"$rootski" bootstrap -o cdk.out
set +e
echo "== rootski deploy"
start=$(date +%s.%N)
"$rootski" deploy Rootski-Lambda-REST-API-Stack --require-approval never --code-asset "$code" -o cdk.out 2>&1 | tail -n 12
status=${PIPESTATUS[0]}
echo "rootski deploy exit status $status, $(echo "$(date +%s.%N) - $start" | bc) s"
"$rootski" destroy Rootski-Lambda-REST-API-Stack --force --code-asset "$code" -o cdk.out 2>&1 | tail -n 1
echo "== cdk deploy (same cdk.out, same endpoint)"
start=$(date +%s.%N)
timeout 600 "$cdk" deploy --app cdk.out Rootski-Lambda-REST-API-Stack --require-approval never \
    --no-notices --no-version-reporting --progress events ${CDK_ARGS:-} 2>&1 \
    | grep -v -e NodeVersionSupportWarning -e 'node >=22' -e 'node v20' -e 'a.co/' -e trace-warnings \
        -e 'versions published after' -e 'upgrade to node' -e '^$' | tail -n 60
status=${PIPESTATUS[0]}
set -e
echo "cdk deploy exit status $status, $(echo "$(date +%s.%N) - $start" | bc) s"
"$ROOT/.tools/venv/bin/python" -c "
import boto3
s = boto3.client('cloudformation').describe_stacks(StackName='Rootski-Lambda-REST-API-Stack')['Stacks'][0]
print('stack status:', s['StackStatus'])
for o in s.get('Outputs', []): print('output', o['OutputKey'], '=', o['OutputValue'])" || true
