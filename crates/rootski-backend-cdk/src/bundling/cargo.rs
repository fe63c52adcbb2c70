//! Running the release build of the Lambda binary.
//!
//! Only the installed toolchain is used (no `rustup target add`): the host target
//! `x86_64-unknown-linux-gnu` natively, or through `cargo zigbuild` with a glibc
//! suffix (`x86_64-unknown-linux-gnu.2.34`) when `cargo-zigbuild` and `zig` are on
//! PATH, which links against that glibc whatever the host has. Paths of the
//! workspace and of cargo's registry are remapped so the binary, and so the asset
//! hash, does not depend on where the tree is checked out.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Builder, BundleError, BundleOptions};

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
pub fn choose(builder: Builder) -> Result<UsedBuilder, BundleError> {
    let zig_available = on_path("cargo-zigbuild") && on_path("zig");
    match builder {
        Builder::Native => Ok(UsedBuilder::Native),
        Builder::Auto if zig_available => Ok(UsedBuilder::Zigbuild),
        Builder::Auto => Ok(UsedBuilder::Native),
        Builder::Zigbuild if zig_available => Ok(UsedBuilder::Zigbuild),
        Builder::Zigbuild => Err(BundleError::Tool {
            tool: "cargo-zigbuild",
            hint: "install it with `pip install cargo-zigbuild ziglang` (both must be on PATH)",
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "cargo-zigbuild or zig not found on PATH",
            ),
        }),
    }
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false)
}

/// The cargo command line for `used`.
pub fn command(options: &BundleOptions, used: UsedBuilder) -> Command {
    let mut command = Command::new(&options.cargo);
    let target = match used {
        UsedBuilder::Native => {
            command.arg("build");
            TARGET.to_owned()
        }
        UsedBuilder::Zigbuild => {
            command.arg("zigbuild");
            format!("{TARGET}.{}", options.max_glibc)
        }
    };
    command
        .args([
            "--release",
            "--package",
            &options.package,
            "--bin",
            &options.binary,
            "--target",
            &target,
        ])
        .arg("--target-dir")
        .arg(&options.target_dir)
        .current_dir(&options.workspace_root)
        // Our --target-dir wins over an inherited CARGO_TARGET_DIR anyway; dropping it
        // keeps the build's fingerprint independent of the caller's.
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TERM_COLOR", "never")
        .env(
            "CARGO_ENCODED_RUSTFLAGS",
            remap_flags(&options.workspace_root),
        );
    command
}

/// `--remap-path-prefix` for the workspace and cargo home, `\x1f`-separated as
/// `CARGO_ENCODED_RUSTFLAGS` wants.
fn remap_flags(workspace: &Path) -> String {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut flags = vec![format!(
        "--remap-path-prefix={}=/build",
        workspace.display()
    )];
    if let Some(home) = cargo_home {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    flags.join("\x1f")
}

/// Path of the built binary.
pub fn output_path(options: &BundleOptions) -> PathBuf {
    options
        .target_dir
        .join(TARGET)
        .join("release")
        .join(&options.binary)
}

/// Runs the build, showing cargo's current step on a spinner (or its lines when
/// progress is off), and returns the binary's path.
pub fn build(options: &BundleOptions, used: UsedBuilder) -> Result<PathBuf, BundleError> {
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
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| BundleError::Tool {
            tool: "cargo",
            hint: "cargo must be on PATH",
            source,
        })?;
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
    let status = child.wait().map_err(|source| BundleError::Tool {
        tool: "cargo",
        hint: "cargo must be on PATH",
        source,
    })?;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    if !status.success() {
        let tail: Vec<&str> = log
            .iter()
            .rev()
            .take(40)
            .rev()
            .map(String::as_str)
            .collect();
        return Err(BundleError::Build {
            command: shown,
            output: tail.join("\n"),
        });
    }
    Ok(output_path(options))
}

fn label(used: UsedBuilder) -> &'static str {
    match used {
        UsedBuilder::Native => "cargo build",
        UsedBuilder::Zigbuild => "cargo zigbuild",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> BundleOptions {
        BundleOptions::for_workspace(Path::new("/src/rootski"))
    }

    #[test]
    fn native_command_line() {
        let command = command(&options(), UsedBuilder::Native);
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "build",
                "--release",
                "--package",
                "rootski-lambda",
                "--bin",
                "bootstrap",
                "--target",
                "x86_64-unknown-linux-gnu",
                "--target-dir",
                "/src/rootski/target/lambda-bundle"
            ]
        );
    }

    #[test]
    fn zigbuild_pins_the_glibc() {
        let command = command(&options(), UsedBuilder::Zigbuild);
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args[0], "zigbuild");
        assert!(
            args.contains(&"x86_64-unknown-linux-gnu.2.34".to_owned()),
            "{args:?}"
        );
    }

    #[test]
    fn paths_are_remapped() {
        let flags = remap_flags(Path::new("/src/rootski"));
        assert!(
            flags.starts_with("--remap-path-prefix=/src/rootski=/build"),
            "{flags}"
        );
    }

    #[test]
    fn binary_location() {
        assert_eq!(
            output_path(&options()),
            Path::new(
                "/src/rootski/target/lambda-bundle/x86_64-unknown-linux-gnu/release/bootstrap"
            )
        );
    }
}
