//! Asset publishing from `<stack>.assets.json`: every file asset (a directory is
//! zipped deterministically; `file` packaging uploads the file as is — this includes
//! the stack template) goes to its destination bucket/key. Keys are content hashes,
//! so an object that already exists is skipped, as the CDK's publisher does.
//! Each destination is written with its `assumeRoleArn` (the file-publishing role)
//! assumed, falling back as [`super::roles`] describes.

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use serde_json::Value;

use super::Ui;
use super::roles::{RoleToAssume, Sessions};
use super::sdk_error::aws_error;
use super::stacks::read_asset_manifest;
use crate::error::{Result, ToolkitError};

pub use super::roles::Target;

/// What publishing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    /// `bucket/key` uploaded.
    pub uploaded: Vec<String>,
    /// `bucket/key` that already existed.
    pub skipped: Vec<String>,
}

/// Publishes the file assets of one asset manifest.
pub async fn publish_manifest(
    sessions: &mut Sessions<'_>,
    manifest_path: &Path,
    target: &Target,
    ui: &mut dyn Ui,
) -> Result<PublishReport> {
    let manifest = read_asset_manifest(manifest_path)?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let mut published = Published::default();
    for (hash, asset) in manifest
        .get("files")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut file = FileAsset::read(manifest_path, dir, hash, asset)?;
        for (_, dest) in asset
            .get("destinations")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(dest) = Destination::of(dest, target) {
                publish_to(sessions, target, &mut file, &dest, &mut published, ui).await?;
            }
        }
    }
    Ok(published.report)
}

/// One file asset of a manifest; its bytes are read (or zipped) once, when the
/// first destination needs them.
struct FileAsset<'a> {
    name: &'a str,
    path: PathBuf,
    packaging: &'a str,
    body: Option<Vec<u8>>,
}

impl<'a> FileAsset<'a> {
    fn read(manifest_path: &Path, dir: &Path, hash: &'a str, asset: &'a Value) -> Result<Self> {
        let name = asset
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or(hash);
        let source = asset
            .pointer("/source/path")
            .and_then(Value::as_str)
            .ok_or_else(|| ToolkitError::AssetWithoutPath {
                manifest: manifest_path.to_path_buf(),
                hash: hash.to_string(),
            })?;
        let packaging = asset
            .pointer("/source/packaging")
            .and_then(Value::as_str)
            .unwrap_or("file");
        Ok(Self {
            name,
            path: dir.join(source),
            packaging,
            body: None,
        })
    }

    fn bytes(&mut self) -> Result<Vec<u8>> {
        if self.body.is_none() {
            self.body = Some(read_source(&self.path, self.packaging)?);
        }
        Ok(self.body.clone().unwrap_or_default())
    }
}

/// Where one destination of an asset goes, placeholders substituted.
struct Destination {
    bucket: String,
    key: String,
    region: String,
    role: Option<RoleToAssume>,
}

impl Destination {
    /// `None` when the destination names no bucket or key.
    fn of(dest: &Value, target: &Target) -> Option<Self> {
        let field = |f: &str| {
            dest.get(f)
                .and_then(Value::as_str)
                .map(|s| target.substitute(s))
        };
        let (Some(bucket), Some(key)) = (field("bucketName"), field("objectKey")) else {
            return None;
        };
        let region = field("region").unwrap_or_else(|| target.region.clone());
        let role = dest
            .get("assumeRoleArn")
            .and_then(Value::as_str)
            .map(|arn| {
                RoleToAssume::resolve(
                    arn,
                    dest.get("assumeRoleExternalId").and_then(Value::as_str),
                    target,
                )
            });
        Some(Self {
            bucket,
            key,
            region,
            role,
        })
    }
}

/// The report so far and the buckets already checked to exist.
#[derive(Default)]
struct Published {
    report: PublishReport,
    checked_buckets: Vec<String>,
}

/// Uploads the asset to one destination with the destination's role, unless the
/// object is there already (keys are content hashes).
async fn publish_to(
    sessions: &mut Sessions<'_>,
    target: &Target,
    file: &mut FileAsset<'_>,
    dest: &Destination,
    published: &mut Published,
    ui: &mut dyn Ui,
) -> Result<()> {
    let name = file.name;
    let (bucket, key, region) = (&dest.bucket, &dest.key, &dest.region);
    let dest_target = Target {
        region: region.clone(),
        ..target.clone()
    };
    let s3 = sessions
        .for_role(
            &dest_target,
            dest.role.as_ref(),
            &format!("publishing {name}"),
            ui,
        )
        .await?
        .s3(region);
    if !published.checked_buckets.contains(bucket) {
        check_bucket(&s3, bucket, region).await?;
        published.checked_buckets.push(bucket.clone());
    }
    let at = format!("{bucket}/{key}");
    if object_exists(&s3, bucket, key).await? {
        ui.line(&format!("  {name}: already published (s3://{at})"));
        published.report.skipped.push(at);
        return Ok(());
    }
    let bytes = file.bytes()?;
    let size = bytes.len();
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(bytes))
        .send()
        .await
        .map_err(|e| aws_error("S3 PutObject", format!("uploading {name} to s3://{at}"), e))?;
    ui.line(&format!("  {name}: published s3://{at} ({size} bytes)"));
    published.report.uploaded.push(at);
    Ok(())
}

async fn check_bucket(s3: &aws_sdk_s3::Client, bucket: &str, region: &str) -> Result<()> {
    match s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {
            Err(ToolkitError::BucketMissing {
                bucket: bucket.to_owned(),
                region: region.to_owned(),
            })
        }
        Err(e) => Err(aws_error(
            "S3 HeadBucket",
            format!("checking bucket {bucket}"),
            e,
        )),
    }
}

async fn object_exists(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Result<bool> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) => Err(aws_error(
            "S3 HeadObject",
            format!("checking s3://{bucket}/{key}"),
            e,
        )),
    }
}

/// The bytes to upload: a directory zipped, a file as is.
fn read_source(path: &Path, packaging: &str) -> Result<Vec<u8>> {
    let read_err = |source| ToolkitError::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        if packaging != "zip" {
            return Err(ToolkitError::DirectoryNotZipped {
                path: path.to_path_buf(),
                packaging: packaging.to_owned(),
            });
        }
        return zip_directory(path);
    }
    std::fs::read(path).map_err(read_err)
}

/// Zips a directory deterministically: sorted entries, fixed timestamps, Unix modes
/// kept (a Lambda `bootstrap` must stay executable).
pub fn zip_directory(dir: &Path) -> Result<Vec<u8>> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let zip_err = |source: zip::result::ZipError| ToolkitError::Zip {
        dir: dir.to_path_buf(),
        source,
    };
    for rel in files {
        let full = dir.join(&rel);
        let bytes = std::fs::read(&full).map_err(|source| ToolkitError::Read {
            path: full.clone(),
            source,
        })?;
        let mode = file_mode(&full);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        writer.start_file(rel, options).map_err(zip_err)?;
        writer.write_all(&bytes)?;
    }
    Ok(writer.finish().map_err(zip_err)?.into_inner())
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| ToolkitError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_: &Path) -> u32 {
    0o644
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips_are_deterministic_and_keep_modes() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("bootstrap"), b"#!/bin/sh\n").expect("write");
        std::fs::write(dir.path().join("sub/data.txt"), b"x").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.path().join("bootstrap"),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod");
        }
        let a = zip_directory(dir.path()).expect("zip");
        let b = zip_directory(dir.path()).expect("zip");
        assert_eq!(a, b);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).expect("read zip");
        let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        assert_eq!(names, vec!["bootstrap", "sub/data.txt"]);
        #[cfg(unix)]
        assert_eq!(
            archive
                .by_name("bootstrap")
                .expect("entry")
                .unix_mode()
                .map(|m| m & 0o777),
            Some(0o755)
        );
    }
}
