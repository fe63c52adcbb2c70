#!/usr/bin/env bash
# Synthesizes examples/cdk-example with the cdk crate, lints the template with
# cfn-lint, and has the pinned AWS CDK CLI read the assembly (`cdk ls`, `cdk synth`)
# without AWS credentials or network (version check and notices off).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

"$(ws_debug_dir)/cdk-example" "$OUT/cdk.out"
cfn-lint "$OUT/cdk.out/ExampleStack.template.json"

# No credentials: make sure the CLI cannot pick any up or reach AWS.
export AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_SESSION_TOKEN= AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true
cd "$OUT"
stacks=$(timeout 120 cdk ls --app cdk.out --no-notices --no-version-reporting 2>&1)
echo "$stacks"
grep -qx 'ExampleStack' <<<"$stacks" || { echo "cdk ls did not list ExampleStack"; exit 1; }
timeout 120 cdk synth --app cdk.out --no-notices --no-version-reporting ExampleStack > "$OUT/synth.yaml"
grep -q 'AWS::S3::Bucket' "$OUT/synth.yaml" || { echo "cdk synth output lacks the bucket"; exit 1; }
echo "cdk-example: cfn-lint, cdk ls and cdk synth passed"
