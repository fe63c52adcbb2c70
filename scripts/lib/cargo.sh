# Cargo helpers of the check scripts. Source it after setting ROOT.
#
# Every build here selects the whole workspace, as `cargo test --workspace` in
# scripts/test does, so cargo resolves the same features and the checks reuse that
# run's artifacts instead of compiling feature variants of their own (a `-p` build
# of one package resolves its features alone, which rebuilds every crate whose
# features differ).
#
#   ws_test ARGS...   cargo test --workspace --locked ARGS... (select tests with --test)
#   ws_debug_dir      build the workspace's debug binaries (with the features of
#                     `cargo test --workspace`, so its artifacts are reused) and
#                     print the directory holding them
#   target_dir        print the workspace's target directory (honours
#                     CARGO_TARGET_DIR and .cargo/config.toml, as cargo does)

ws_test() {
    cargo test --workspace --locked "$@"
}

ws_debug_dir() {
    cargo build --workspace --bins --locked --quiet >&2 || return 1
    local target
    target=$(target_dir) || return 1
    echo "$target/debug"
}

target_dir() {
    cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}
