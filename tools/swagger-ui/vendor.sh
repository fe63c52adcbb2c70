#!/usr/bin/env bash
# Regenerates crates/rootski-api/assets/swagger-ui from a Swagger UI release archive
# (https://github.com/swagger-api/swagger-ui/archive/refs/tags/vX.Y.Z.zip; the
# vendored 5.17.14 is the archive utoipa-swagger-ui-vendored 0.1.2 ships).
# Takes from dist/ only what /docs loads: the page, its stylesheet, the two bundles
# and the favicons. The source maps, the ES-module bundles and oauth2-redirect.html
# are left out, the sourceMappingURL comments removed, and the three large files
# stored gzip-compressed (gzip -9 -n: no name or time, so the output is
# byte-identical on every run). swagger-initializer.js is ours (not from the
# archive): it points the UI at ../openapi.json.
#   tools/swagger-ui/vendor.sh path/to/swagger-ui-5.17.14.zip
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
zip=${1:?usage: vendor.sh SWAGGER_UI_ZIP}
out="$ROOT/crates/rootski-api/assets/swagger-ui"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unzip -q "$zip" -d "$work"
top=$(ls "$work")
dist="$work/$top/dist"
for f in index.html index.css favicon-16x16.png favicon-32x32.png; do
    cp "$dist/$f" "$out/$f"
done
for f in swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js; do
    sed '/^\/[*/]# sourceMappingURL=/d' "$dist/$f" | gzip -9 -n >"$out/$f.gz"
done
cp "$work/$top/LICENSE" "$out/LICENSE"
cp "$work/$top/NOTICE" "$out/NOTICE"
echo "$top" >"$out/VERSION"
ls -l "$out"
