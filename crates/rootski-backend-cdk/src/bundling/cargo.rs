//! Running the release build of the Lambda binary.
//!
//! Only the installed toolchain is used (no `rustup target add`). The native builder
//! is a plain `cargo build --release -p rootski-lambda -p rootski-cli --bin bootstrap`
//! in the workspace's own target directory, with no `--target` (the host is the Lambda's
//! `x86_64-unknown-linux-gnu`) and no flags of its own: it shares every artifact of
//! `cargo build --release` and of `cargo run --release --bin rootski`, so bundling
//! after them compiles only the crates whose features differ. Paths are remapped for
//! every build of the workspace by `.cargo/config.toml` (`tools/build/rustc-wrapper`),
//! which keeps the binary, and so the asset hash, independent of the checkout path.
//!
//! The zigbuild builder (`cargo zigbuild --target x86_64-unknown-linux-gnu.2.34`)
//! links against that glibc whatever the host has; a `--target` build keeps its own
//! artifacts (`target/x86_64-unknown-linux-gnu/`), so it pays a second compile of the
//! dependency graph. The binary's path comes from cargo's JSON messages either way.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Builder, BundleOptions};
use crate::error::Error;

/// The Lambda target triple (x86_64 Lambda functions).
pub const TARGET: &str = "x86_64-unknown-linux-gnu";

/// How the build was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedBuilder {
    /// `cargo build` for the host's glibc.
    Native,
    /// `cargo zigbuild` against the pinned glibc.
    Zigbuild,
}

/// Chooses the builder: zigbuild when asked, or in auto mode when both tools exist.
/// A host that is not the Lambda's triple needs zigbuild.
pub fn choose(builder: Builder) -> Result<UsedBuilder, Error> {
    let zig_available = on_path("cargo-zigbuild") && on_path("zig");
    let host_is_lambda = cfg!(all(
        target_arch = "x86_64",
        target_os = "linux",
        target_env = "gnu"
    ));
    match builder {
        Builder::Native if host_is_lambda => Ok(UsedBuilder::Native),
        Builder::Auto if zig_available => Ok(UsedBuilder::Zigbuild),
        Builder::Auto if host_is_lambda => Ok(UsedBuilder::Native),
        Builder::Zigbuild if zig_available => Ok(UsedBuilder::Zigbuild),
        Builder::Native | Builder::Auto | Builder::Zigbuild => Err(Error::Tool {
            tool: "cargo-zigbuild",
            hint: "install it with `pip install cargo-zigbuild ziglang` (both must be on PATH); \
                   without it only an x86_64-unknown-linux-gnu host can build the bootstrap",
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "cargo-zigbuild or zig not found on PATH",
            ),
        }),
    }
}

/// The first `tool` on `PATH`.
pub(super) fn find_on_path(tool: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

fn on_path(tool: &str) -> bool {
    find_on_path(tool).is_some()
}

/// The cargo command line for `used`.
pub fn command(options: &BundleOptions, used: UsedBuilder) -> Command {
    let mut command = Command::new(&options.cargo);
    match used {
        UsedBuilder::Native => command.arg("build"),
        UsedBuilder::Zigbuild => command.arg("zigbuild"),
    };
    command.args(["--release", "--package", &options.package]);
    for package in &options.shares_features_with {
        command.args(["--package", package]);
    }
    command.args([
        "--bin",
        &options.binary,
        "--message-format=json-render-diagnostics",
    ]);
    if used == UsedBuilder::Zigbuild {
        command
            .arg("--target")
            .arg(format!("{TARGET}.{}", options.max_glibc));
    }
    command
        .current_dir(&options.workspace_root)
        .env("CARGO_TERM_COLOR", "never");
    let inherited = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for name in set_by_cargo(inherited) {
        command.env_remove(name);
    }
    command
}

/// The variables among `names` that cargo sets for the crate it builds, runs or tests
/// (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, `OUT_DIR`, `CARGO_CFG_*`, ...). Under
/// `cargo run --bin rootski` or `cargo test` they are in our environment; passed on
/// to the bundle's cargo they would look like changed inputs to build scripts that
/// watch them (ring's and cc's `rerun-if-env-changed`), so the bundle would rebuild
/// ring, rustls and everything above them, and the next plain `cargo build` again.
pub fn set_by_cargo(names: impl Iterator<Item = String>) -> Vec<String> {
    const NAMES: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    const PREFIXES: &[&str] = &[
        "CARGO_PKG_",
        "CARGO_CFG_",
        "CARGO_FEATURE_",
        "CARGO_BIN_EXE_",
    ];
    let mut out: Vec<String> = names
        .filter(|name| {
            NAMES.contains(&name.as_str()) || PREFIXES.iter().any(|p| name.starts_with(p))
        })
        .collect();
    out.sort();
    out
}

/// The executable of `binary` named in cargo's JSON message `line`, if it is one.
fn artifact_executable(line: &str, binary: &str) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    let target = message.get("target")?;
    let is_bin = target
        .get("kind")?
        .as_array()?
        .iter()
        .any(|kind| kind.as_str() == Some("bin"));
    if !is_bin || target.get("name")?.as_str()? != binary {
        return None;
    }
    message.get("executable")?.as_str().map(PathBuf::from)
}

/// Runs the build, showing cargo's current step on a spinner (or its lines when
/// progress is off), and returns the binary's path.
pub fn build(options: &BundleOptions, used: UsedBuilder) -> Result<PathBuf, Error> {
    let mut command = command(options, used);
    let shown = format!("{command:?}");
    let spinner = options.progress.then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {wide_msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(format!("bundling {} ({}):", options.binary, label(used)));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| Error::Tool {
            tool: "cargo",
            hint: "cargo must be on PATH",
            source,
        })?;
    // stdout carries cargo's JSON messages (read on a thread so neither pipe fills up);
    // stderr its progress and rendered diagnostics.
    let binary = options.binary.clone();
    let messages = child.stdout.take().map(|stdout| {
        std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|line| artifact_executable(&line, &binary))
                .last()
        })
    });
    let mut log = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            match &spinner {
                Some(bar) => bar.set_message(line.trim().to_owned()),
                None => eprintln!("{line}"),
            }
            log.push(line);
        }
    }
    let status = child.wait().map_err(|source| Error::Tool {
        tool: "cargo",
        hint: "cargo must be on PATH",
        source,
    })?;
    let executable = messages.and_then(|reader| reader.join().ok().flatten());
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let tail = || {
        let start = log.len().saturating_sub(40);
        log[start..].join("\n")
    };
    if !status.success() {
        return Err(Error::Build {
            command: shown,
            output: tail(),
        });
    }
    executable.ok_or_else(|| Error::Build {
        command: shown,
        output: format!(
            "{}\ncargo succeeded but reported no executable named {}",
            tail(),
            options.binary
        ),
    })
}

pub(super) fn label(used: UsedBuilder) -> &'static str {
    match used {
        UsedBuilder::Native => "cargo build",
        UsedBuilder::Zigbuild => "cargo zigbuild",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn options() -> BundleOptions {
        BundleOptions::for_workspace(Path::new("/src/rootski"))
    }

    fn args(command: &Command) -> Vec<String> {
        command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn native_command_line_shares_the_host_release_build() {
        let command = command(&options(), UsedBuilder::Native);
        assert_eq!(
            args(&command),
            [
                "build",
                "--release",
                "--package",
                "rootski-lambda",
                "--package",
                "rootski-cli",
                "--bin",
                "bootstrap",
                "--message-format=json-render-diagnostics"
            ]
        );
        // No flags or target dir of its own: the same artifacts as `cargo build --release`.
        let set: Vec<_> = command
            .get_envs()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k.to_owned())
            .collect();
        assert_eq!(set, ["CARGO_TERM_COLOR"]);
        // Under `cargo test` the crate's variables are set; the bundle's cargo gets none.
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert!(removed.iter().any(|k| k == "CARGO_PKG_NAME"), "{removed:?}");
        assert!(
            removed.iter().any(|k| k == "CARGO_MANIFEST_DIR"),
            "{removed:?}"
        );
        assert_eq!(command.get_current_dir(), Some(Path::new("/src/rootski")));
    }

    #[test]
    fn variables_cargo_sets_for_a_crate_are_not_passed_on() {
        let names = [
            "PATH",
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
            "CARGO_MANIFEST_DIR",
            "OUT_DIR",
            "CARGO_CFG_TARGET_OS",
            "CARGO_BIN_EXE_rootski",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "RUSTFLAGS",
            "CARGO",
        ];
        assert_eq!(
            set_by_cargo(names.iter().map(|n| n.to_string())),
            [
                "CARGO_BIN_EXE_rootski",
                "CARGO_CFG_TARGET_OS",
                "CARGO_MANIFEST_DIR",
                "CARGO_PKG_NAME",
                "CARGO_PKG_VERSION_MAJOR",
                "OUT_DIR"
            ]
        );
    }

    #[test]
    fn zigbuild_pins_the_glibc() {
        let args = args(&command(&options(), UsedBuilder::Zigbuild));
        assert_eq!(args[0], "zigbuild");
        assert_eq!(
            args[args.len() - 2..],
            ["--target", "x86_64-unknown-linux-gnu.2.34"]
        );
    }

    #[test]
    fn the_executable_comes_from_cargos_artifact_message() {
        let bin = r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"bootstrap"},"executable":"/t/release/bootstrap"}"#;
        assert_eq!(
            artifact_executable(bin, "bootstrap"),
            Some(PathBuf::from("/t/release/bootstrap"))
        );
        let lib = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"bootstrap"},"executable":null}"#;
        assert_eq!(artifact_executable(lib, "bootstrap"), None);
        let other = r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"rootski"},"executable":"/t/rootski"}"#;
        assert_eq!(artifact_executable(other, "bootstrap"), None);
        let finished = r#"{"reason":"build-finished","success":true}"#;
        assert_eq!(artifact_executable(finished, "bootstrap"), None);
        assert_eq!(artifact_executable("not json", "bootstrap"), None);
    }
}
