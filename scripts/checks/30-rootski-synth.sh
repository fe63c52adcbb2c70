#!/usr/bin/env bash
# `rootski synth` produces a cloud assembly that
#   - cfn-lint accepts with no errors and no warnings, and
#   - the AWS CDK CLI lists and synthesizes (`cdk ls/synth --app <dir>`).
# Needs no AWS credentials or network; everything happens in a temp dir.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
export PATH="$ROOT/.tools/venv/bin:$ROOT/.tools/node/node_modules/.bin:$PATH"
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- rootski synth"
cargo build --quiet --locked --bin rootski
rootski=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/rootski
if [ -x /usr/bin/time ]; then
    # A figure, not an assertion: synthesis time and peak memory (debug build, no bundling).
    /usr/bin/time -f "rootski synth: %e s wall, %M KB peak RSS" "$rootski" synth --output "$work/cdk.out"
else
    "$rootski" synth --output "$work/cdk.out"
fi
template="$work/cdk.out/Rootski-Lambda-REST-API-Stack.template.json"
test -s "$template"

echo "-- cfn-lint (no errors, no warnings)"
cfn-lint --format parseable "$template"

cd "$work"
echo "-- cdk ls --app cdk.out"
listed=$(timeout 120 cdk ls --app cdk.out --no-notices 2>&1)
echo "$listed"
grep -qx 'Rootski-Lambda-REST-API-Stack' <<<"$listed"

echo "-- cdk synth --app cdk.out"
timeout 120 cdk synth --app cdk.out --no-notices Rootski-Lambda-REST-API-Stack >"$work/synth.yaml"
grep -q 'AWS::ApiGateway::RestApi' "$work/synth.yaml"
grep -q 'RootskiLambdaRESTAPIDeployment5662808430884d7e8920f9009cba28b45b439aa0' "$work/synth.yaml"
echo "-- rootski synth check passed"
