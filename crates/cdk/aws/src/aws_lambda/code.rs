//! `Code`: where a function's deployment package comes from.
//!
//! `Code::from_asset(path)` registers the directory (or `.zip` file) as a file asset of
//! the stack: the synthesizer hashes its content, stages it as `cdk.out/asset.<hash>`
//! and the function's `Code` points at `<hash>.zip` in the bootstrap bucket — the
//! DefaultStackSynthesizer conventions, so `cdk deploy --app cdk.out` publishes it.
//! Bundling (building what goes in the directory) happens before: the caller passes the
//! staged output path, or uses [`Code::from_bundling`] to build it lazily only when the
//! stack needs bundling.

use std::path::PathBuf;
use std::rc::Rc;

use cdk::{Construct, FileAssetPackaging, FileAssetSource, Stack};

use super::CfnCode;
use crate::error::{Error, Result};

/// A bundling step: produces the directory (or zip file) holding the package.
pub type BundlingHook = Rc<dyn Fn() -> std::result::Result<PathBuf, String>>;

/// A function's code.
#[derive(Clone)]
pub enum Code {
    /// A local directory or `.zip` file, published as an asset.
    Asset(PathBuf),
    /// A local directory or `.zip` file whose content fingerprint the caller already
    /// knows (see [`Code::from_fingerprinted_asset`]).
    FingerprintedAsset {
        /// The directory or zip.
        path: PathBuf,
        /// Its content fingerprint, as [`cdk::assets::fingerprint`] computes it.
        fingerprint: String,
    },
    /// A directory produced by a bundling hook at bind time.
    Bundled(BundlingHook),
    /// An existing object in S3.
    Bucket {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Code::Asset(p) => write!(f, "Code::Asset({})", p.display()),
            Code::FingerprintedAsset { path, fingerprint } => write!(
                f,
                "Code::FingerprintedAsset({}, {fingerprint})",
                path.display()
            ),
            Code::Bundled(_) => write!(f, "Code::Bundled(..)"),
            Code::Bucket { bucket, key } => write!(f, "Code::Bucket({bucket}/{key})"),
        }
    }
}

impl Code {
    /// Code from a local directory or `.zip` file.
    pub fn from_asset(path: impl Into<PathBuf>) -> Code {
        Code::Asset(path.into())
    }

    /// Code from a local directory or `.zip` file whose content fingerprint
    /// ([`cdk::assets::fingerprint`]) the caller kept from when it was staged, so
    /// synthesis does not read the content again. The template is the one
    /// [`Code::from_asset`] gives for the same content: the fingerprint is the asset
    /// hash as is (unlike CDK's `AssetHashType.CUSTOM`, which hashes a custom value).
    pub fn from_fingerprinted_asset(
        path: impl Into<PathBuf>,
        fingerprint: impl Into<String>,
    ) -> Code {
        Code::FingerprintedAsset {
            path: path.into(),
            fingerprint: fingerprint.into(),
        }
    }

    /// Code produced by `hook` (e.g. a cargo build + zip), run when the function binds
    /// its code, i.e. while the stack is being defined.
    pub fn from_bundling(
        hook: impl Fn() -> std::result::Result<PathBuf, String> + 'static,
    ) -> Code {
        Code::Bundled(Rc::new(hook))
    }

    /// An object already in S3.
    pub fn from_bucket(bucket: impl Into<String>, key: impl Into<String>) -> Code {
        Code::Bucket {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    /// Registers the asset (child construct `Code`, as CDK's `s3_assets.Asset`) and
    /// returns the `Code` property.
    pub(crate) fn bind(&self, function: &Construct) -> Result<CfnCode> {
        let (path, fingerprint) = match self {
            Code::Bucket { bucket, key } => {
                return Ok(CfnCode {
                    s3_bucket: Some(bucket.clone()),
                    s3_key: Some(key.clone()),
                    ..Default::default()
                });
            }
            Code::Asset(p) => (p.clone(), None),
            Code::FingerprintedAsset { path, fingerprint } => {
                (path.clone(), Some(fingerprint.clone()))
            }
            Code::Bundled(hook) => (
                hook().map_err(|e| {
                    Error::validation(
                        function.path(),
                        format!("bundling the function code failed: {e}"),
                    )
                })?,
                None,
            ),
        };
        if !path.exists() {
            return Err(Error::validation(
                function.path(),
                format!(
                    "code asset {} does not exist; build it first or point Code::from_asset at the output directory",
                    path.display()
                ),
            ));
        }
        // As AWS CDK's AssetCode: the package is a directory (zipped) or a `.zip`.
        if !path.is_dir() && !is_zip_name(&path) {
            return Err(Error::validation(
                function.path(),
                format!(
                    "Asset must be a .zip file or a directory ({}); point the code at the directory holding `bootstrap`, or at a .zip of it",
                    path.display()
                ),
            ));
        }
        let asset = Construct::new(function, "Code")?;
        asset.set_construct_info("aws-cdk-lib.aws_s3_assets.Asset");
        // The children CDK's Asset has (staging, imported bucket), for the same tree.
        Construct::new(&asset, "Stage")?.set_construct_info("aws-cdk-lib.AssetStaging");
        Construct::new(&asset, "AssetBucket")?.set_construct_info("aws-cdk-lib.aws_s3.BucketBase");
        let packaging = if path.is_dir() {
            FileAssetPackaging::ZipDirectory
        } else {
            FileAssetPackaging::File
        };
        let stack = Stack::of(function)?;
        let location = stack.synthesizer().add_file_asset(FileAssetSource {
            source_path: path,
            packaging,
            source_hash: fingerprint,
            display_name: Some(format!("{}/Code", relative_path(&stack, function))),
        })?;
        Ok(CfnCode {
            s3_bucket: Some(location.bucket_name),
            s3_key: Some(location.object_key),
            ..Default::default()
        })
    }
}

/// Whether `path` names a zip archive (by its extension, case-insensitively, as
/// CDK's asset staging decides it).
fn is_zip_name(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The construct path below the stack (CDK's asset display name).
fn relative_path(stack: &Stack, c: &Construct) -> String {
    let prefix = format!("{}/", stack.path());
    c.path()
        .strip_prefix(&prefix)
        .unwrap_or(c.path())
        .to_string()
}
