//! File assets: content fingerprints and staging into the cloud assembly.
//!
//! Invariant: the hash depends on content and relative paths only (never mtimes,
//! owners or the absolute location), so the same sources give the same hash, the same
//! `asset.<hash>` and byte-identical templates. Directory fingerprint: sha256 over the
//! files in sorted relative-path order, each contributing
//! `\x01file:<rel>\x02<size>:<sha256(content)>\x03` (the field framing of CDK's
//! `fingerprint`, without its options fields and CRLF normalisation).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

fn file_digest(path: &Path) -> Result<String> {
    let mut f = fs::File::open(path).map_err(|e| Error::io("reading asset file", path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
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
    Ok(format!("{size}:{}", hex::encode(h.finalize())))
}

/// Files below `dir`, sorted by relative path (`/`-separated).
pub(crate) fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = fs::read_dir(&d).map_err(|e| Error::io("listing asset directory", &d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("listing asset directory", &d, e))?;
            let path = entry.path();
            let meta =
                fs::metadata(&path).map_err(|e| Error::io("reading asset entry", &path, e))?;
            if meta.is_dir() {
                todo.push(path);
            } else if meta.is_file() {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
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
    if meta.is_dir() {
        for (rel, file) in list_files(path)? {
            field(&mut h, &format!("file:{rel}"), &file_digest(&file)?);
        }
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        field(&mut h, &format!("file:{name}"), &file_digest(path)?);
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
