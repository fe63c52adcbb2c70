#!/usr/bin/env bash
# The Lambda bundle: release build of rootski-lambda's `bootstrap` (cargo-zigbuild
# pinned to glibc 2.34 when installed, else native), glibc check against
# provided.al2023 (2.34), reproducible zip. Bundles twice (relinking the binary in
# between) and asserts the same sha256; prints zip size, unzipped size, max GLIBC.
# Builds locally only; starts no server.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cargo test --quiet --workspace --locked --test bundling_reproducible \
    -- --ignored --nocapture >"$log" 2>&1; then
    tail -80 "$log"
    echo "bundle check failed"
    exit 1
fi
grep '^bundle ' "$log"

# Cross-check the Rust objdump parser and the zip with the plain tools.
zip=$(sed -n 's/^bundle zip: //p' "$log")
unpacked=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$unpacked"' EXIT
python3 - "$zip" "$unpacked" <<'PY'
import sys, zipfile, stat
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert names == ["bootstrap"], names
info = z.getinfo("bootstrap")
assert info.date_time == (1980, 1, 1, 0, 0, 0), info.date_time
assert stat.S_IMODE(info.external_attr >> 16) == 0o755, oct(info.external_attr >> 16)
z.extractall(sys.argv[2])
PY
max=$(objdump -T "$unpacked/bootstrap" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
echo "objdump -T max GLIBC: $max"
if [ "$(printf '%s\n2.34\n' "$max" | sort -V | tail -1)" != "2.34" ]; then
    echo "bootstrap needs GLIBC $max > 2.34 (provided.al2023)"
    exit 1
fi
# The function never seeds a store: the bundled open dataset (data/*.zst, 3.5 MB,
# compiled into the CLI for `rootski serve`/`local`) must not be linked into it.
python3 - "$unpacked/bootstrap" data/*.jsonl.zst <<'PY'
import sys
binary = open(sys.argv[1], "rb").read()
for path in sys.argv[2:]:
    head = open(path, "rb").read()[:4096]
    assert head not in binary, f"{path} is embedded in bootstrap: the function reaches the seeding code"
PY
echo "bundle: reproducible, glibc <= 2.34, no bundled dataset"
