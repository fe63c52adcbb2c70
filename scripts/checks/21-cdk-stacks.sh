#!/usr/bin/env bash
# Synthesizes the multi-stack examples of examples/cdk-stacks (a cross-stack
# reference: Producer/Consumer; nested stacks: Parent + its nested template), lints
# every template with cfn-lint, and has the pinned AWS CDK CLI read each assembly
# (`cdk ls`, `cdk synth`) without AWS credentials or network.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

BIN=$(ws_debug_dir)
"$BIN/two-stacks" "$OUT/two/cdk.out"
"$BIN/nested" "$OUT/nested/cdk.out"
cfn-lint "$OUT"/two/cdk.out/*.template.json "$OUT"/nested/cdk.out/*.template.json

# No credentials: make sure the CLI cannot pick any up or reach AWS.
export AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_SESSION_TOKEN= AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true
check() { # <dir> <expected stacks...>
  local dir=$1; shift
  local listed
  listed=$(cd "$dir" && timeout 120 cdk ls --app cdk.out --no-notices --no-version-reporting 2>&1)
  echo "$listed"
  for s in "$@"; do
    grep -qx "$s" <<<"$listed" || { echo "cdk ls did not list $s in $dir"; exit 1; }
  done
}
check "$OUT/two" Producer Consumer
check "$OUT/nested" Parent
(cd "$OUT/two" && timeout 120 cdk synth --app cdk.out --no-notices --no-version-reporting Consumer) > "$OUT/consumer.yaml"
grep -q 'Fn::ImportValue' "$OUT/consumer.yaml" || { echo "Consumer does not import the producer's values"; exit 1; }
(cd "$OUT/nested" && timeout 120 cdk synth --app cdk.out --no-notices --no-version-reporting Parent) > "$OUT/parent.yaml"
grep -q 'AWS::CloudFormation::Stack' "$OUT/parent.yaml" || { echo "Parent lacks its nested stack resource"; exit 1; }
echo "cdk-stacks: cfn-lint, cdk ls and cdk synth passed for the two-stack and nested examples"
