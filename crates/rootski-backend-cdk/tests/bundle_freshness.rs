//! Bundle freshness without cargo: a stand-in `cargo` (a script that copies a real
//! ELF binary as the `bootstrap`, writes its dep-info and counts its runs) shows when
//! bundling runs cargo and when the stamp's fingerprint answers alone.

use std::path::{Path, PathBuf};

use rootski_backend_cdk::bundling::{
    Builder, Bundle, BundleOptions, GlibcVersion, bundle_bootstrap,
};

struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
    options: BundleOptions,
}

impl Workspace {
    /// A workspace with one source file and a stand-in cargo; `dep_info` says whether
    /// the stand-in writes the binary's dep-info as cargo does.
    fn new(dep_info: bool) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        std::fs::create_dir_all(root.join("src")).expect("src");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n").expect("manifest");
        std::fs::write(root.join("Cargo.lock"), "version = 4\n").expect("lock");
        std::fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
        let release = root.join("target/release");
        let dep_info_line = if dep_info {
            format!(
                "printf '%s: %s\\n' \"$out\" '{}' > \"$out.d\"",
                root.join("src/main.rs").display()
            )
        } else {
            String::new()
        };
        let script = format!(
            "#!/bin/sh\nset -e\necho \"$*\" >> '{log}'\nmkdir -p '{release}'\nout='{release}/bootstrap'\n\
             cp /bin/true \"$out\"\n{dep_info_line}\n\
             echo '{{\"reason\":\"compiler-artifact\",\"target\":{{\"kind\":[\"bin\"],\"name\":\"bootstrap\"}},\"executable\":\"'\"$out\"'\"}}'\n",
            log = root.join("cargo.log").display(),
            release = release.display(),
        );
        let cargo = root.join("fake-cargo");
        std::fs::write(&cargo, script).expect("script");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
        let mut options = BundleOptions::for_workspace(&root);
        options.cargo = cargo;
        options.builder = Builder::Native;
        options.max_glibc = GlibcVersion {
            major: 2,
            minor: 99,
            patch: 0,
        };
        Workspace {
            _dir: dir,
            root,
            options,
        }
    }

    fn cargo_runs(&self) -> usize {
        std::fs::read_to_string(self.root.join("cargo.log"))
            .map(|log| log.lines().count())
            .unwrap_or(0)
    }

    fn bundle(&self) -> Bundle {
        bundle_bootstrap(&self.options).expect("bundle")
    }

    fn main_rs(&self) -> PathBuf {
        self.root.join("src/main.rs")
    }
}

fn touch(path: &Path) {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .expect("open");
    file.set_modified(std::time::SystemTime::now())
        .expect("touch");
}

#[test]
fn an_unchanged_tree_does_not_run_cargo() {
    let ws = Workspace::new(true);
    let first = ws.bundle();
    assert!(first.cargo_ran);
    assert_eq!(ws.cargo_runs(), 1);
    let second = ws.bundle();
    assert!(!second.cargo_ran, "the fingerprint matched: no cargo");
    assert_eq!(ws.cargo_runs(), 1);
    assert!(second.reused);
    assert_eq!(second.zip_sha256, first.zip_sha256);
    assert_eq!(second.binary_sha256, first.binary_sha256);
    assert_eq!(second.max_glibc, first.max_glibc);
    assert_eq!(
        second.asset_fingerprint,
        cdk::assets::fingerprint(&second.asset_dir).expect("fingerprint"),
        "the stamped asset fingerprint is CDK's hash of the staged directory"
    );
}

#[test]
fn an_edited_source_runs_cargo_and_touching_alone_does_not() {
    let ws = Workspace::new(true);
    ws.bundle();
    std::fs::write(ws.main_rs(), "fn main() { println!(\"changed\"); }\n").expect("edit");
    assert!(ws.bundle().cargo_ran, "an edited source rebuilds");
    assert_eq!(ws.cargo_runs(), 2);
    touch(&ws.main_rs());
    assert!(
        !ws.bundle().cargo_ran,
        "same content, new mtime: no rebuild"
    );
    assert!(!ws.bundle().cargo_ran, "and the new mtime was kept");
    assert_eq!(ws.cargo_runs(), 2);
}

#[test]
fn manifests_lock_file_and_new_toolchain_files_are_inputs() {
    let ws = Workspace::new(true);
    ws.bundle();
    std::fs::write(ws.root.join("Cargo.lock"), "version = 4\n# changed\n").expect("lock");
    assert!(ws.bundle().cargo_ran, "Cargo.lock changed");
    std::fs::write(ws.root.join("rust-toolchain.toml"), "[toolchain]\n").expect("toolchain");
    assert!(ws.bundle().cargo_ran, "a toolchain file appeared");
    assert!(!ws.bundle().cargo_ran);
    assert_eq!(ws.cargo_runs(), 3);
}

#[test]
fn a_changed_staged_asset_or_option_runs_cargo() {
    let ws = Workspace::new(true);
    let first = ws.bundle();
    std::fs::remove_file(first.asset_dir.join("bootstrap")).expect("remove staged");
    let again = ws.bundle();
    assert!(
        again.cargo_ran && !again.reused,
        "the staged binary is rebuilt"
    );
    assert!(again.asset_dir.join("bootstrap").is_file());
    let mut other = ws.options.clone();
    other.shares_features_with = vec![];
    assert!(bundle_bootstrap(&other).expect("bundle").cargo_ran);
    assert_eq!(ws.cargo_runs(), 3);
}

#[test]
fn without_dep_info_cargo_decides_every_time() {
    let ws = Workspace::new(false);
    ws.bundle();
    let second = ws.bundle();
    assert!(second.cargo_ran, "no fingerprint: cargo's own check");
    assert!(
        second.reused,
        "the unchanged binary is still not staged again"
    );
    assert_eq!(ws.cargo_runs(), 2);
}
