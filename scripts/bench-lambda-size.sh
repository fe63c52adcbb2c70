#!/usr/bin/env bash
# Benchmark of the Lambda function's size (figures, no thresholds): unzipped and
# zipped size of `bootstrap`, its largest contributors, its glibc needs, and its cold
# start, warm latency and RSS through `rootski local` — for this checkout's build and
# for a baseline, both measured in the same run.
#
# This checkout's bootstrap is built exactly as the bundler builds it (`cargo build
# --release -p rootski-lambda -p rootski-cli --bin bootstrap` in the
# workspace target), so an up-to-date bundle or `cargo build --release` makes it
# cheap (CURRENT_BIN=/path/to/bootstrap measures that binary instead). The baseline:
#   BASELINE_BIN=/path/to/bootstrap   an already built baseline binary, or
#   BASELINE_REV (default fdbdb96, the last revision before the size profile) is
#   checked out in a temporary git worktree (removed on exit) and built with its own
#   CARGO_TARGET_DIR (BASELINE_TARGET_DIR, default
#   /tmp/rootski-bench-lambda-size-baseline-target, kept between runs).
# Largest contributors: ELF sections (`size -A`), the Swagger UI files and the
# open dataset (data/*.zst) embedded verbatim (found by content), and, for a binary that still has its symbols, code
# and data per crate from `nm` (a monomorphised std generic counts for the first
# non-std crate in its name). The bundle strips symbols, so per-crate figures need
#   CURRENT_SYMBOLS_BIN / BASELINE_SYMBOLS_BIN=/path/to/unstripped/bootstrap
# (e.g. built with CARGO_PROFILE_RELEASE_STRIP=none in a target dir of its own).
# Zipped size: one entry, deflate level 9 (zlib), as the bundle; the real bundle's
# size is printed too when target/lambda-bundle/out holds this very binary.
# Cold start: ROUNDS (default 3) alternating starts of `rootski local --no-build`
# with each binary staged as the bundle of a scratch tree (one seeded store shared
# by all), first request (spawns bootstrap) then 50 warm ones; medians printed.
# The gateway is the debug build of `rootski` (`BENCH_PROFILE=release` for release,
# or ROOTSKI_CLI=/path/to/rootski). COLD_START=0 skips that part. BENCH_STORE=dynamodb
# runs the function on the DynamoDB store instead (moto on 127.0.0.1, started here and
# stopped on exit, with the fixture dataset imported): its Init Duration includes
# building the SDK client (credentials, region, HTTPS client and its trust roots).
# Usage:
#   scripts/bench-lambda-size.sh
#   BENCH_STORE=dynamodb BASELINE_BIN=/tmp/bootstrap-baseline scripts/bench-lambda-size.sh
#   BASELINE_BIN=/tmp/bootstrap-baseline ROUNDS=5 scripts/bench-lambda-size.sh
# A benchmark beside the checks, not one of them (scripts/test does not run it).
shopt -s inherit_errexit

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"
BASELINE_REV="${BASELINE_REV:-fdbdb96}"
BASELINE_TARGET_DIR="${BASELINE_TARGET_DIR:-/tmp/rootski-bench-lambda-size-baseline-target}"
WORK="$(mktemp -d)"
BASELINE_TREE="$WORK/baseline-tree"
pid=

cleanup() {
    if declare -F stop_moto >/dev/null; then stop_moto; fi
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    if [[ -d "$BASELINE_TREE" ]]; then
        git -C "$ROOT" worktree remove --force "$BASELINE_TREE" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# build <source tree> <target dir>: the bundler's build; prints the binary's path.
build() {
    # The package whose features the bundle shares: the CLI's crate (rootski-backend-cdk
    # before rootski-cli existed, so older baselines build too).
    local cli=rootski-cli
    [[ -d "$1/crates/rootski-cli" ]] || cli=rootski-backend-cdk
    (cd "$1" && CARGO_TARGET_DIR="$2" cargo build --release --locked -q \
        -p rootski-lambda -p "$cli" --bin bootstrap >&2)
    echo "$2/release/bootstrap"
}

baseline_bin() {
    if [[ -n "${BASELINE_BIN:-}" ]]; then
        echo "$BASELINE_BIN"
        return
    fi
    git -C "$ROOT" worktree add --detach "$BASELINE_TREE" "$BASELINE_REV" >/dev/null 2>&1
    echo "building baseline $BASELINE_REV ..." >&2
    build "$BASELINE_TREE" "$BASELINE_TARGET_DIR"
}

target_dir="$(target_dir)"
if [[ -n "${CURRENT_BIN:-}" ]]; then
    cp "$CURRENT_BIN" "$WORK/bootstrap-new"
else
    echo "building this checkout's bootstrap ..." >&2
    cp "$(build "$ROOT" "$target_dir")" "$WORK/bootstrap-new"
fi
cp "$(baseline_bin)" "$WORK/bootstrap-base"

# The Swagger UI archive utoipa-swagger-ui embedded (its `vendored` feature) before
# rootski-api embedded its own trimmed set (crates/rootski-api/assets/swagger-ui).
swagger_zip="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/utoipa-swagger-ui-vendored-*/res/*.zip \
    2>/dev/null | sort -V | tail -1 || true)"
bundle_dir="$ROOT/target/lambda-bundle/out"

python3 - "$WORK/bootstrap-base" "$WORK/bootstrap-new" "${BASELINE_SYMBOLS_BIN:-}" \
    "${CURRENT_SYMBOLS_BIN:-}" "$swagger_zip" "$bundle_dir" "$ROOT/data" \
    "$ROOT/crates/rootski-api/assets/swagger-ui" <<'PY'
import hashlib, io, os, re, subprocess, sys, zipfile
base, new, base_syms, new_syms, swagger_zip, bundle_dir, data_dir, assets_dir = sys.argv[1:9]
MiB = 1048576

def zipped(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("bootstrap", (1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, open(path, "rb").read(), compresslevel=9)
    return len(buf.getvalue())

def sections(path):
    out = subprocess.run(["size", "-A", path], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("."):
            found[parts[0]] = int(parts[1])
    return found

def max_glibc(path):
    out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True, check=True).stdout
    versions = set(re.findall(r"GLIBC_([0-9][0-9.]*)", out))
    return max(versions, key=lambda v: [int(x) for x in v.split(".")], default="none")

def swagger_files(path):
    """Swagger UI files found verbatim in the binary: the whole dist/ of the archive
    (what utoipa-swagger-ui embedded) and the files of assets/swagger-ui (what
    rootski-api embeds now, the large ones as .gz)."""
    data = open(path, "rb").read()
    found = {}
    if swagger_zip:
        with zipfile.ZipFile(swagger_zip) as z:
            for name in z.namelist():
                if "/dist/" in name and not name.endswith("/"):
                    content = z.read(name)
                    if len(content) >= 4096 and data.find(content) >= 0:
                        found[name.rsplit("/", 1)[1]] = len(content)
    if os.path.isdir(assets_dir):
        for name in sorted(os.listdir(assets_dir)):
            content = open(os.path.join(assets_dir, name), "rb").read()
            if len(content) >= 4096 and data.find(content) >= 0:
                found[name] = len(content)
    return found

STD = {"core", "alloc", "std", "__rustc"}
def crate_of(name):
    crates = re.findall(r"(?:^|[^A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::", name)
    if not crates:
        if name.startswith("anon.") or name.startswith(".L"):
            return "[anonymous constants]"
        if name.startswith("sqlite3"):
            return "[C] sqlite3* (libsqlite3-sys)"
        if name.startswith("ring_") or "_ring_core_" in name or "nistz" in name:
            return "[C/asm] ring"
        return "[C, unprefixed: sqlite, ring, libc glue]"
    for crate in crates:
        if crate not in STD:
            return crate
    return crates[0]

def per_crate(path):
    out = subprocess.run(["nm", "-C", "-S", "--size-sort", "-t", "d", path],
                         capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) != 4:
            continue
        kind = "code" if parts[2] in "tTwW" else "data"
        crate = crate_of(parts[3])
        entry = sizes.setdefault(crate, {"code": 0, "data": 0})
        entry[kind] += int(parts[1])
    return sizes

binaries = {"baseline": base, "new": new}
figures = {}
for label, path in binaries.items():
    figures[label] = {
        "unzipped": os.path.getsize(path),
        "zipped": zipped(path),
        "sections": sections(path),
        "glibc": max_glibc(path),
        "swagger": swagger_files(path),
    }

print("bootstrap size (MB = 10^6 bytes)             baseline                 new   new/base")
def row(label, key):
    b, n = figures["baseline"][key], figures["new"][key]
    print(f"  {label:<32} {b:>10} ({b / 1e6:5.2f} MB) {n:>10} ({n / 1e6:5.2f} MB) {n / b:6.3f}")
row("unzipped", "unzipped")
row("zipped (deflate -9, one entry)", "zipped")
print(f"  {'max GLIBC (objdump -T)':<32} {figures['baseline']['glibc']:>21} {figures['new']['glibc']:>21}")

new_sha = hashlib.sha256(open(new, "rb").read()).hexdigest()
asset = os.path.join(bundle_dir, "asset", "bootstrap")
real_zip = os.path.join(bundle_dir, "bootstrap.zip")
if os.path.isfile(asset) and os.path.isfile(real_zip):
    same = hashlib.sha256(open(asset, "rb").read()).hexdigest() == new_sha
    if same:
        size = os.path.getsize(real_zip)
        print(f"  real bundle zip of the new build: {size} bytes ({size / 1e6:.2f} MB)")
    else:
        print("  (the bundle in target/lambda-bundle/out is of another build: run `rootski synth`)")

print("\ndata files of data/ embedded verbatim (the open dataset)   baseline MiB      new MiB")
for name in sorted(os.listdir(data_dir)):
    if name.endswith(".zst"):
        content = open(os.path.join(data_dir, name), "rb").read()
        found = [open(p, "rb").read().find(content) >= 0 for p in (base, new)]
        print(f"  {name:<54} {found[0] * len(content) / MiB:8.2f} {found[1] * len(content) / MiB:12.2f}")

print("\nlargest ELF sections (size -A)             baseline MiB      new MiB")
names = sorted(set(figures["baseline"]["sections"]) | set(figures["new"]["sections"]),
               key=lambda s: -max(figures["baseline"]["sections"].get(s, 0),
                                  figures["new"]["sections"].get(s, 0)))
for name in names[:8]:
    b = figures["baseline"]["sections"].get(name, 0)
    n = figures["new"]["sections"].get(name, 0)
    print(f"  {name:<38} {b / MiB:12.2f} {n / MiB:12.2f}")

print("\nSwagger UI files embedded verbatim (>= 4 KiB)  baseline MiB      new MiB")
# What /docs loads (the dist's index.html); the rest only ever serves a developer tool.
PAGE = {"index.html", "index.css", "swagger-ui.css", "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js", "swagger-initializer.js"}
PAGE |= {name + ".gz" for name in PAGE}
if not swagger_zip:
    print("  (the utoipa-swagger-ui-vendored archive is not in cargo's registry: "
          "only assets/swagger-ui is looked for)")
files = sorted(set(figures["baseline"]["swagger"]) | set(figures["new"]["swagger"]))
for name in files:
    b = figures["baseline"]["swagger"].get(name, 0)
    n = figures["new"]["swagger"].get(name, 0)
    note = "" if name in PAGE else "  (not loaded by /docs)"
    print(f"  {name:<42} {b / MiB:12.2f} {n / MiB:12.2f}{note}")
b = sum(figures["baseline"]["swagger"].values())
n = sum(figures["new"]["swagger"].values())
print(f"  {'total':<42} {b / MiB:12.2f} {n / MiB:12.2f}")
unloaded_names = set(figures["new"]["swagger"]) - PAGE
if not swagger_zip or not unloaded_names:
    print("  the new build embeds no Swagger UI file that /docs does not load")
else:
    # Estimate of a bundle without the files /docs does not load: those bytes zeroed.
    data = bytearray(open(new, "rb").read())
    with zipfile.ZipFile(swagger_zip) as z:
        for name in z.namelist():
            if name.rsplit("/", 1)[-1] in unloaded_names:
                content = z.read(name)
                at = data.find(content)
                if at >= 0:
                    data[at:at + len(content)] = bytes(len(content))
    trimmed = os.path.join(os.path.dirname(new), "bootstrap-trimmed-estimate")
    with open(trimmed, "wb") as out:
        out.write(data)
    unloaded = sum(v for k, v in figures["new"]["swagger"].items() if k not in PAGE)
    size = zipped(trimmed)
    print(f"  new build without the files /docs does not load (estimate, bytes zeroed): "
          f"{size} bytes zipped ({size / 1e6:.2f} MB), "
          f"{(figures['new']['unzipped'] - unloaded) / 1e6:.2f} MB unzipped")

for label, path in (("baseline", base_syms), ("new", new_syms)):
    print(f"\nlargest crates of the {label} build (nm, symbol sizes in KiB)")
    if not path:
        var = "BASELINE" if label == "baseline" else "CURRENT"
        print(f"  (stripped: set {var}_SYMBOLS_BIN to an unstripped build of it)")
        continue
    sizes = per_crate(path)
    total = sum(v["code"] + v["data"] for v in sizes.values())
    print(f"  {'crate':<44} {'code':>8} {'data':>8}   of {total / 1024:.0f} KiB in symbols")
    top = sorted(sizes.items(), key=lambda kv: -(kv[1]["code"] + kv[1]["data"]))[:25]
    for crate, v in top:
        print(f"  {crate:<44} {v['code'] / 1024:8.0f} {v['data'] / 1024:8.0f}")
PY

[[ "${COLD_START:-1}" == 0 ]] && exit 0

# Cold start and RSS through `rootski local --no-build`, each binary staged as the
# bundle of a scratch source tree (what --no-build reuses), one seeded store for all.
if [[ -n "${ROOTSKI_CLI:-}" ]]; then
    cli="$ROOTSKI_CLI"
elif [[ "${BENCH_PROFILE:-debug}" == release ]]; then
    cargo build --quiet --locked --release --bin rootski
    cli="$target_dir/release/rootski"
else
    cli="$(ws_debug_dir)/rootski"
fi
for label in base new; do
    tree="$WORK/tree-$label"
    mkdir -p "$tree/crates/rootski-lambda" "$tree/target/lambda-bundle/out/asset"
    cp Cargo.toml "$tree/"
    for f in cdk.json cdk.context.json; do [[ -f "$f" ]] && cp "$f" "$tree/"; done
    cp "$WORK/bootstrap-$label" "$tree/target/lambda-bundle/out/asset/bootstrap"
done

# The store the function reads: one SQLite file seeded by the first start, or a
# DynamoDB table on moto holding the fixture dataset.
store_args=(--db "$WORK/rootski.sqlite3")
if [[ "${BENCH_STORE:-sqlite}" == dynamodb ]]; then
    . "$ROOT/scripts/lib/moto.sh"
    start_moto "$WORK" >&2 || exit 1
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
    export AWS_EC2_METADATA_DISABLED=true
    export ROOTSKI__DYNAMO_ENDPOINT_URL="$MOTO_ENDPOINT" ROOTSKI__DYNAMO_TABLE_NAME=rootski-bench
    fixtures=crates/rootski-api/tests/fixtures/store/dataset
    "$cli" import --store dynamodb --endpoint-url "$MOTO_ENDPOINT" --table rootski-bench \
        --create-table "$fixtures/words.jsonl" "$fixtures/breakdowns.jsonl" \
        "$fixtures/morphemes.jsonl" >&2
    store_args=(--store dynamodb)
fi
echo "cold start: $ROUNDS round(s) of rootski local --no-build per binary ($cli, store ${BENCH_STORE:-sqlite})" >&2
for ((round = 1; round <= ROUNDS; round++)); do
    for label in base new; do
        out="$WORK/cdk.out-$label-$round"
        (cd "$WORK/tree-$label" && exec "$cli" local --no-build --port 0 \
            "${store_args[@]}" --output "$out" >"$WORK/stdout" 2>"$WORK/stderr") &
        pid=$!
        url=
        for _ in $(seq 1 3600); do
            url=$(sed -n 's/^.*\.ApiGatewayUrl = //p' "$WORK/stdout" | head -1)
            [[ -n "$url" ]] && break
            kill -0 "$pid" 2>/dev/null || { tail -40 "$WORK/stderr"; echo "rootski local exited"; exit 1; }
            sleep 0.2
        done
        [[ -n "$url" ]] || { tail -40 "$WORK/stderr"; echo "rootski local did not start"; exit 1; }
        python3 - "$url" "$out" "$label" >>"$WORK/samples" <<'PY'
import http.client, os, statistics, sys, time, urllib.parse
url, staged, label = sys.argv[1:4]
u = urllib.parse.urlsplit(url)
path = u.path + "search/%D0%BF%D1%80%D0%B8"
def get(conn):
    start = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, (r.status, body[:200])
    return (time.perf_counter() - start) * 1000
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
cold = get(conn)
warm = statistics.median(get(conn) for _ in range(50))
rss = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if (open(f"/proc/{pid}/comm").read().strip() == "bootstrap"
                and staged in open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")):
            fields = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
            rss.append([int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")])
    except OSError:
        pass
now, peak = max(rss) if rss else (float("nan"), float("nan"))
print(label, f"{cold:.2f}", f"{warm:.3f}", f"{now:.2f}", f"{peak:.2f}")
PY
        init=$(grep -ho 'Init Duration: [0-9.]*' "$WORK/stderr" | head -1 | awk '{print $3}')
        sed -i "\$s/\$/ ${init:-nan}/" "$WORK/samples"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        pid=
    done
done

python3 - "$WORK/samples" "$ROUNDS" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"\nthrough rootski local (median of {sys.argv[2]} round(s))   baseline        new")
def med(label, i):
    return statistics.median(float(r[i]) for r in rows if r[0] == label)
for name, i, unit in (("cold start, first request (ms)", 1, ""), ("Init Duration (ms)", 5, ""),
                      ("warm request, median of 50 (ms)", 2, ""),
                      ("bootstrap RSS (MiB)", 3, ""), ("bootstrap peak RSS (MiB)", 4, "")):
    print(f"  {name:<44} {med('base', i):8.2f} {med('new', i):10.2f}")
PY
