#!/usr/bin/env bash
# The DynamoDB store against a DynamoDB-compatible server: moto's `moto_server`
# (pinned in tools/requirements.txt) on 127.0.0.1, started here with a bounded wait
# and stopped by the trap. Runs, with the `dynamodb` feature:
#   - the store conformance suite's DynamoDB variant and the fault tests (--ignored);
#   - morphemes.json through the cache bucket on moto's S3 (cache_bucket_moto);
#   - the HTTP integration tests with ROOTSKI__STORE=dynamodb;
#   - `rootski import --store dynamodb` of the bundled dataset subset, then --resume.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

. "$ROOT/scripts/lib/moto.sh"
work=$(mktemp -d)
cleanup() {
    stop_moto
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
start_moto "$work" || exit 1

export ROOTSKI_TEST_DYNAMO_ENDPOINT="$MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

export ROOTSKI_TEST_S3_ENDPOINT="$MOTO_ENDPOINT"
echo "-- store conformance and fault tests on DynamoDB, the cache bucket on S3"
ws_test --test store_conformance --test dynamo_faults --test cache_bucket_moto -- --ignored

echo "-- HTTP integration tests with ROOTSKI__STORE=dynamodb"
ROOTSKI__STORE=dynamodb ws_test --test http_routes --test http_breakdown --test http_auth --test http_morphemes --test http_item_shapes

echo "-- rootski import --store dynamodb (then --resume)"
rootski=$(ws_debug_dir)/rootski
fixtures=crates/rootski-api/tests/fixtures/store
dataset=(dataset/words.jsonl dataset/breakdowns.jsonl dataset/morphemes.jsonl)
files=()
for f in "${dataset[@]}"; do files+=("$fixtures/$f"); done
"$rootski" import --store dynamodb --endpoint-url "$ROOTSKI_TEST_DYNAMO_ENDPOINT" \
    --table rootski-import-check --create-table "${files[@]}"
"$rootski" import --store dynamodb --endpoint-url "$ROOTSKI_TEST_DYNAMO_ENDPOINT" \
    --table rootski-import-check --resume "${files[@]}" 2>&1 | tee "$work/resume.log"
grep -q "(0 written now, 37 already committed" "$work/resume.log"

echo "-- rootski import --resume over items already present (no checkpoint for these inputs)"
"$rootski" import --store dynamodb --endpoint-url "$ROOTSKI_TEST_DYNAMO_ENDPOINT" \
    --table rootski-present-check --create-table "$fixtures/dataset/morphemes.jsonl" 2>&1 | tee "$work/first.log"
present=$(sed -n 's/^imported \([0-9]*\) item(s).*/\1/p' "$work/first.log")
[ -n "$present" ] || { echo "no item count in the first import's output" >&2; exit 1; }
"$rootski" import --store dynamodb --endpoint-url "$ROOTSKI_TEST_DYNAMO_ENDPOINT" \
    --table rootski-present-check --resume "${files[@]}" 2>&1 | tee "$work/present.log"
grep -q "($((37 - present)) written now, 0 already committed by an earlier run, $present already present" "$work/present.log"
echo "-- rootski serve --store dynamodb on a missing table fails at start, naming it"
if ROOTSKI__DYNAMO_ENDPOINT_URL="$ROOTSKI_TEST_DYNAMO_ENDPOINT" ROOTSKI__DYNAMO_TABLE_NAME=rootski-no-such-table \
    timeout 60 "$rootski" serve --store dynamodb --port 0 >"$work/missing.log" 2>&1; then
    echo "rootski serve started on a missing table" >&2; exit 1
fi
grep -q "DynamoDB table rootski-no-such-table does not exist" "$work/missing.log" \
    || { cat "$work/missing.log" >&2; exit 1; }
echo "-- DynamoDB check passed"
