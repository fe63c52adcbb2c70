//! File assets: content fingerprints and staging into the cloud assembly.
//!
//! Invariant: the hash depends on content and relative paths only (never mtimes,
//! owners or the absolute location), so the same sources give the same hash, the same
//! `asset.<hash>` and byte-identical templates. It is exactly CDK's
//! `FileSystem.fingerprint` (= an `Asset`'s hash with default options), so Lambda code
//! keys match what AWS CDK would upload:
//! sha256 over fields `\x01<header>\x02<value>\x03`: `options.extra` = `""`,
//! `options.follow` = `external`, then per file (directory entries sorted by name at
//! each level, depth first) `file:<relative path>` = `<size>:<sha256>` of the content,
//! text files (no NUL byte in the first 8 KiB) with CRLF normalised to LF. A single
//! file uses an empty relative path.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

const BINARY_SNIFF: usize = 8 * 1024;

/// `<size>:<sha256>` of a file as CDK's `contentFingerprint` computes it.
fn file_digest(path: &Path) -> Result<String> {
    let mut f = fs::File::open(path).map_err(|e| Error::io("reading asset file", path, e))?;
    let mut head = vec![0u8; BINARY_SNIFF];
    let mut filled = 0;
    while filled < head.len() {
        let n = f
            .read(&mut head[filled..])
            .map_err(|e| Error::io("reading asset file", path, e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let mut h = Sha256::new();
    let mut size = 0u64;
    if head.contains(&0) {
        h.update(&head);
        size += head.len() as u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f
                .read(&mut buf)
                .map_err(|e| Error::io("reading asset file", path, e))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            h.update(&buf[..n]);
        }
    } else {
        let mut data = head;
        f.read_to_end(&mut data)
            .map_err(|e| Error::io("reading asset file", path, e))?;
        let mut normalized = Vec::with_capacity(data.len());
        let mut i = 0;
        while i < data.len() {
            if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            normalized.push(data[i]);
            i += 1;
        }
        size = normalized.len() as u64;
        h.update(&normalized);
    }
    Ok(format!("{size}:{}", hex::encode(h.finalize())))
}

/// Files below `dir` as `(relative path, path)`, depth first with the entries of each
/// directory sorted by name (CDK's `walkDirectory` order). Symlinks are followed.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>, depth: usize) -> Result<()> {
        if depth > 64 {
            return Err(Error::validation(
                "",
                format!(
                    "asset directory {} is nested too deeply (symlink loop?)",
                    dir.display()
                ),
            ));
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(dir).map_err(|e| Error::io("listing asset directory", dir, e))? {
            let entry = entry.map_err(|e| Error::io("listing asset directory", dir, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let meta =
                fs::metadata(&path).map_err(|e| Error::io("reading asset entry", &path, e))?;
            if meta.is_dir() {
                walk(&path, &child_rel, out, depth + 1)?;
            } else if meta.is_file() {
                out.push((child_rel, path));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out, 0)?;
    Ok(out)
}

fn field(h: &mut Sha256, header: &str, value: &str) {
    h.update([1u8]);
    h.update(header.as_bytes());
    h.update([2u8]);
    h.update(value.as_bytes());
    h.update([3u8]);
}

/// Content-only sha256 fingerprint of a file or directory (hex).
pub fn fingerprint(path: &Path) -> Result<String> {
    let meta = fs::metadata(path).map_err(|e| Error::io("reading asset source", path, e))?;
    let mut h = Sha256::new();
    field(&mut h, "options.extra", "");
    field(&mut h, "options.follow", "external");
    if meta.is_dir() {
        for (rel, file) in list_files(path)? {
            field(&mut h, &format!("file:{rel}"), &file_digest(&file)?);
        }
    } else {
        field(&mut h, "file:", &file_digest(path)?);
    }
    Ok(hex::encode(h.finalize()))
}

/// Copies `source` (file or directory) to `dest` unless `dest` already exists (same
/// hash → same content). Files are written with their content only.
pub(crate) fn stage(source: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Ok(());
    }
    let meta = fs::metadata(source).map_err(|e| Error::io("reading asset source", source, e))?;
    if meta.is_dir() {
        fs::create_dir_all(dest).map_err(|e| Error::io("creating staging directory", dest, e))?;
        for (rel, file) in list_files(source)? {
            let target = dest.join(&rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| Error::io("creating staging directory", parent, e))?;
            }
            fs::copy(&file, &target).map_err(|e| Error::io("staging asset file", &target, e))?;
        }
    } else {
        fs::copy(source, dest).map_err(|e| Error::io("staging asset file", dest, e))?;
    }
    Ok(())
}

/// Zips a directory deterministically: entries sorted by path, fixed timestamp
/// (1980-01-01), permissions 0644 (0755 when the source file is executable), deflate.
/// Same files → same bytes. Used for Lambda code zips and by asset publishers.
pub fn zip_directory(dir: &Path, out: &Path) -> Result<()> {
    use std::io::Write;
    let zerr = |m: String| Error::Zip {
        path: dir.to_path_buf(),
        message: m,
    };
    let file = fs::File::create(out).map_err(|e| Error::io("creating zip", out, e))?;
    let mut zip = zip::ZipWriter::new(file);
    for (rel, path) in list_files(dir)? {
        let mode = file_mode(&path);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        zip.start_file(rel.as_str(), options)
            .map_err(|e| zerr(e.to_string()))?;
        let data = fs::read(&path).map_err(|e| Error::io("reading file to zip", &path, e))?;
        zip.write_all(&data)
            .map_err(|e| Error::io("writing zip", out, e))?;
    }
    zip.finish().map_err(|e| zerr(e.to_string()))?;
    Ok(())
}

#[cfg(unix)]
fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    match fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o111 != 0 => 0o755,
        _ => 0o644,
    }
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> u32 {
    0o644
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cdk-fp-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(d.join("a")).unwrap();
        fs::write(d.join("a.txt"), "x\r\ny\n").unwrap();
        fs::write(d.join("a/b"), "b\n").unwrap();
        fs::write(d.join("z.bin"), b"bin\0\r\n").unwrap();
        d
    }

    #[test]
    fn fingerprints_match_aws_cdk() {
        // Vectors from aws-cdk-lib 2.276 `FileSystem.fingerprint` / `Asset.assetHash`
        // on the same files (see tools/cdk-reference).
        let d = tree("fp");
        assert_eq!(
            fingerprint(&d).unwrap(),
            "dc812e8fde31627dbcbc2d3dbefca0de2464ef1e72049e7af781293da0d5aef9"
        );
        assert_eq!(
            fingerprint(&d.join("a.txt")).unwrap(),
            "9faba6ac8747f226de49acd28f832cc7265c9054594217c39b4afde16e0eef78"
        );
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asset-src");
        assert_eq!(
            fingerprint(&fixture).unwrap(),
            "b040996f5564d35c29c5fab60bdb6effc49fa2949dfce305712fc2e460421b8f"
        );
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn zips_are_byte_identical() {
        let d = tree("zip");
        let (z1, z2) = (d.with_extension("1.zip"), d.with_extension("2.zip"));
        zip_directory(&d, &z1).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(d.join("a/b"), "b\n").unwrap(); // new mtime, same content
        zip_directory(&d, &z2).unwrap();
        assert_eq!(fs::read(&z1).unwrap(), fs::read(&z2).unwrap());
        for p in [z1, z2, d] {
            let _ = fs::remove_file(&p);
            let _ = fs::remove_dir_all(&p);
        }
    }
}
