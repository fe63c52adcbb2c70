//! Watching the workspace's sources for the commands that rebuild on save
//! (`rootski local --watch`, `rootski watch`).
//!
//! What counts as a source: every file under `crates/` and the workspace's
//! `Cargo.toml` and `Cargo.lock` — what the `bootstrap` build and the stack's
//! synthesis read. Build output (`target/`, `cdk.out/`), `.git/` and editors' temporary
//! files (`.foo.swp`, `foo~`, `.#foo`, `#foo#`, vim's `4913` probe) are not.
//!
//! Events are debounced as `cargo lambda watch` and `cdk watch` do: one save often
//! means several events (an editor writes a temporary file, renames it, touches the
//! original), and a `git checkout` means hundreds. [`SourceWatcher::next_change`]
//! returns once the tree has been quiet for the debounce period, with every path that
//! changed since the last call, so one save gives one rebuild.
//!
//! ```ignore
//! # fn demo(root: &std::path::Path) -> anyhow::Result<()> {
//! use crate::cli::source_watch::{DEBOUNCE, SourceWatcher};
//! let watcher = SourceWatcher::new(root, DEBOUNCE)?;
//! while let Some(change) = watcher.next_change() {
//!     println!("changed: {}", change.summary());
//!     // rebuild...
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

/// Quiet time after the last event before a change is reported (what `cdk watch`
/// and `cargo lambda watch` wait, give or take).
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// Longest a change is held back while events keep arriving (a long checkout or a
/// formatter over the whole tree), so a rebuild still starts.
pub const MAX_DELAY: Duration = Duration::from_secs(3);

/// The source files that changed in one debounced burst of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceChange {
    /// Changed paths, relative to the workspace root, in order.
    pub paths: BTreeSet<PathBuf>,
}

impl SourceChange {
    /// Whether any changed path is under one of `prefixes` (relative to the root),
    /// e.g. the crates that define the stack.
    pub fn touches(&self, prefixes: &[&str]) -> bool {
        self.paths
            .iter()
            .any(|path| prefixes.iter().any(|prefix| path.starts_with(prefix)))
    }

    /// The changed paths for one line of output: the first few, then how many more.
    pub fn summary(&self) -> String {
        const SHOWN: usize = 5;
        let mut shown: Vec<String> = self
            .paths
            .iter()
            .take(SHOWN)
            .map(|path| path.display().to_string())
            .collect();
        if self.paths.len() > SHOWN {
            shown.push(format!("and {} more", self.paths.len() - SHOWN));
        }
        shown.join(", ")
    }
}

/// A debounced watcher of a workspace's sources. Dropping it stops watching.
pub struct SourceWatcher {
    debounce: Duration,
    events: mpsc::Receiver<PathBuf>,
    _watcher: notify::RecommendedWatcher,
}

impl SourceWatcher {
    /// Watches `root/crates` (recursively) and `root` itself (for `Cargo.toml` and
    /// `Cargo.lock`), reporting a change after `debounce` without events.
    pub fn new(root: &Path, debounce: Duration) -> anyhow::Result<Self> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot read the workspace {}", root.display()))?;
        let (send, events) = mpsc::channel();
        let filter_root = root.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if !changes_content(&event.kind) {
                    return;
                }
                for path in event.paths {
                    if let Some(relative) = source_path(&filter_root, &path) {
                        let _ = send.send(relative);
                    }
                }
            })
            .context(
                "cannot start watching files (inotify); raise fs.inotify.max_user_instances",
            )?;
        let crates = root.join("crates");
        watcher
            .watch(&crates, RecursiveMode::Recursive)
            .with_context(|| {
                format!(
                    "cannot watch {}; raise fs.inotify.max_user_watches",
                    crates.display()
                )
            })?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        Ok(Self {
            debounce,
            events,
            _watcher: watcher,
        })
    }

    /// Blocks until sources change and the tree has been quiet for the debounce
    /// period (at most [`MAX_DELAY`] after the first event); `None` when watching
    /// stopped.
    pub fn next_change(&self) -> Option<SourceChange> {
        let first = self.events.recv().ok()?;
        Some(self.collect_burst(first))
    }

    /// As [`next_change`](Self::next_change), giving up after `timeout` without a
    /// first event (`None` then, or when watching stopped). Only the tests use it so
    /// far: drop the `cfg` to use it elsewhere.
    #[cfg(test)]
    pub fn next_change_timeout(&self, timeout: Duration) -> Option<SourceChange> {
        let first = self.events.recv_timeout(timeout).ok()?;
        Some(self.collect_burst(first))
    }

    fn collect_burst(&self, first: PathBuf) -> SourceChange {
        let started = Instant::now();
        let mut paths = BTreeSet::from([first]);
        loop {
            let left = MAX_DELAY.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(self.debounce.min(left)) {
                Ok(path) => {
                    paths.insert(path);
                }
                Err(_) => break,
            }
        }
        SourceChange { paths }
    }
}

/// Whether an event can change what a build reads (not a read or an open).
fn changes_content(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

/// `path` relative to `root` when it is a source file of the workspace (see the
/// module docs), else `None`.
pub fn source_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(root).ok()?;
    let mut components = relative.components();
    let first = components.next()?;
    let Component::Normal(first) = first else {
        return None;
    };
    let is_source = if components.clone().next().is_none() {
        first == "Cargo.toml" || first == "Cargo.lock"
    } else {
        first == "crates"
            && relative.components().all(|part| match part {
                Component::Normal(name) => {
                    !matches!(name.to_str(), Some("target" | ".git" | "cdk.out"))
                }
                _ => false,
            })
    };
    let name = relative.file_name()?.to_str()?;
    (is_source && !is_editor_temporary(name)).then(|| relative.to_path_buf())
}

/// Files editors write beside the one being edited.
fn is_editor_temporary(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".bak"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || name == "4913"
        || name.starts_with(".goutputstream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_crates_and_the_manifests() {
        let root = Path::new("/w");
        let yes = |p: &str| source_path(root, Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(
            yes("/w/crates/rootski-lambda/src/main.rs").as_deref(),
            Some("crates/rootski-lambda/src/main.rs")
        );
        assert_eq!(yes("/w/Cargo.toml").as_deref(), Some("Cargo.toml"));
        assert_eq!(yes("/w/Cargo.lock").as_deref(), Some("Cargo.lock"));
        for no in [
            "/w/target/release/bootstrap",
            "/w/cdk.out/manifest.json",
            "/w/.git/index",
            "/w/README.md",
            "/w/crates/x/target/debug/foo",
            "/w/crates/x/src/.main.rs.swp",
            "/w/crates/x/src/main.rs~",
            "/w/crates/x/src/.#main.rs",
            "/w/crates/x/src/#main.rs#",
            "/w/crates/x/src/4913",
            "/elsewhere/crates/x/src/main.rs",
            "/w/crates",
        ] {
            assert_eq!(yes(no), None, "{no}");
        }
    }

    #[test]
    fn summary_names_the_first_paths_then_counts() {
        let change = SourceChange {
            paths: (0..7)
                .map(|i| PathBuf::from(format!("crates/f{i}.rs")))
                .collect(),
        };
        let summary = change.summary();
        assert!(
            summary.starts_with("crates/f0.rs, crates/f1.rs"),
            "{summary}"
        );
        assert!(summary.ends_with("and 2 more"), "{summary}");
        assert!(change.touches(&["crates/f6.rs"]));
        assert!(!change.touches(&["crates/cdk"]));
    }

    #[test]
    fn one_burst_of_saves_is_one_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("crates/demo/src");
        std::fs::create_dir_all(&src).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("target")).expect("mkdir");
        let watcher = SourceWatcher::new(dir.path(), Duration::from_millis(200)).expect("watch");
        assert_eq!(
            watcher.next_change_timeout(Duration::from_millis(100)),
            None
        );
        for round in 0..3 {
            std::fs::write(src.join("lib.rs"), format!("// {round}")).expect("write");
            std::fs::write(src.join(".lib.rs.swp"), "x").expect("write");
            std::fs::write(dir.path().join("target/out"), "x").expect("write");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]").expect("write");
        let change = watcher
            .next_change_timeout(Duration::from_secs(5))
            .expect("a change");
        let expected: BTreeSet<PathBuf> = ["Cargo.toml", "crates/demo/src/lib.rs"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(change.paths, expected);
        assert_eq!(
            watcher.next_change_timeout(Duration::from_millis(400)),
            None
        );
        // New directories are watched too.
        let new = dir.path().join("crates/new/src");
        std::fs::create_dir_all(&new).expect("mkdir");
        std::thread::sleep(Duration::from_millis(100));
        std::fs::write(new.join("main.rs"), "fn main() {}").expect("write");
        let change = watcher
            .next_change_timeout(Duration::from_secs(5))
            .expect("a change");
        assert!(
            change.paths.contains(Path::new("crates/new/src/main.rs")),
            "{change:?}"
        );
    }
}
