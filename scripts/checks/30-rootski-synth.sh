#!/usr/bin/env bash
# `rootski synth` produces a cloud assembly that
#   - cfn-lint accepts with no errors and no warnings, and
#   - the AWS CDK CLI lists and synthesizes (`cdk ls/synth --app <dir>`).
# Needs no AWS credentials or network; everything happens in a temp dir.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- rootski synth"
rootski=$(ws_debug_dir)/rootski
if [ -x /usr/bin/time ]; then
    # A figure, not an assertion: synthesis time and peak memory (debug build, no bundling).
    /usr/bin/time -o "$work/time.txt" -f "rootski synth --no-bundle: %e s wall, %M KB peak RSS" \
        "$rootski" synth --no-bundle --output "$work/cdk.out.nobundle" 2>/dev/null
    cat "$work/time.txt"
fi
# The assembly that is checked is the deployable one: the real bootstrap is bundled
# (a release build of rootski-lambda, reused when unchanged).
"$rootski" synth --output "$work/cdk.out"
grep -q '"Handler": "bootstrap"' "$work/cdk.out/Rootski-Lambda-REST-API-Stack.template.json"
asset=$(ls -d "$work"/cdk.out/asset.*/ | head -1)
python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read(4) != b"\x7fELF")' "$asset/bootstrap" ||
    { echo "the staged bootstrap is not the real ELF binary" >&2; exit 1; }
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
