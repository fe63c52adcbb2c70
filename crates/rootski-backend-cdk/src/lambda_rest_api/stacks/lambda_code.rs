//! Where the function's code asset comes from.
//!
//! The single seam for bundling: [`lambda_code_asset`] returns a directory holding the
//! `bootstrap` executable. Today it stages a placeholder script (so synthesis works
//! without building the Rust Lambda); the bundling integration replaces its body with
//! the cargo build + glibc check + reproducible zip of `rootski-lambda`. Everything
//! downstream (asset hash, staging into `cdk.out/asset.<hash>`, the function's
//! `Code.S3Key`) is real and content-addressed either way.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The placeholder `bootstrap`: fixed bytes, so the asset hash is stable.
const PLACEHOLDER_BOOTSTRAP: &str = "#!/bin/sh\n\
# Placeholder rootski bootstrap: the real one is built by `rootski local`/bundling.\n\
echo 'rootski placeholder bootstrap: build the rootski-lambda bundle to run the API' >&2\n\
exit 1\n";

/// A directory containing `bootstrap`, staged under `staging_root` (deterministic
/// location `<staging_root>/rootski-lambda-placeholder`).
pub fn lambda_code_asset(staging_root: &Path) -> Result<PathBuf> {
    let dir = staging_root.join("rootski-lambda-placeholder");
    let io = |source| Error::CodeStaging {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let bootstrap = dir.join("bootstrap");
    let current = std::fs::read_to_string(&bootstrap).ok();
    if current.as_deref() != Some(PLACEHOLDER_BOOTSTRAP) {
        std::fs::write(&bootstrap, PLACEHOLDER_BOOTSTRAP).map_err(io)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bootstrap, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    Ok(dir)
}
