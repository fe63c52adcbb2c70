//! Link options of the function's binary only (`bootstrap`), so the host CLI and the
//! function still share one build of their dependencies: lld folds identical
//! functions (`--icf=safe`: only those whose address is never taken).
//! scripts/bench-lambda-size.sh measures what it saves.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-link-arg-bin=bootstrap=-Wl,--icf=safe");
}
