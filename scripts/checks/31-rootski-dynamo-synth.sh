#!/usr/bin/env bash
# `rootski synth` also emits Rootski-Dynamo-Stack (the DynamoDB table), and
#   - cfn-lint accepts its template with no errors and no warnings,
#   - the AWS CDK CLI lists it and synthesizes it from the assembly.
# Needs no AWS credentials or network; everything happens in a temp dir.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- rootski synth (table stack)"
rootski=$(ws_debug_dir)/rootski
"$rootski" synth --output "$work/cdk.out"
template="$work/cdk.out/Rootski-Dynamo-Stack.template.json"
test -s "$template"

echo "-- cfn-lint (no errors, no warnings)"
cfn-lint --format parseable "$template"

cd "$work"
echo "-- cdk ls / synth --app cdk.out Rootski-Dynamo-Stack"
listed=$(timeout 120 cdk ls --app cdk.out --no-notices 2>&1)
echo "$listed"
grep -qx 'Rootski-Dynamo-Stack' <<<"$listed"
timeout 120 cdk synth --app cdk.out --no-notices Rootski-Dynamo-Stack >"$work/synth.yaml"
grep -q 'AWS::DynamoDB::Table' "$work/synth.yaml"
grep -q 'PointInTimeRecoveryEnabled: true' "$work/synth.yaml"
echo "-- rootski table stack check passed"
