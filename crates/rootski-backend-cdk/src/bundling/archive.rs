//! The reproducible zip of a `bootstrap`.
//!
//! The asset hash, and so whether CloudFormation updates the function, depends on
//! the zip's bytes. Zip entries carry a timestamp and permissions, so both are fixed
//! (1980-01-01 00:00, the zip epoch; 0755 so Lambda can execute it), as are the
//! entry name, the single entry and the compression (deflate, level 9). Same binary
//! → same zip → same sha256.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::Error;

/// Writes `bytes` as the single entry `bootstrap` of a new zip at `out`.
pub fn write_bootstrap_zip(bytes: &[u8], out: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut buffer = std::io::Cursor::new(Vec::with_capacity(bytes.len() / 2));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o755)
        .large_file(false);
    {
        let mut zip = ZipWriter::new(&mut buffer);
        zip.start_file("bootstrap", options)
            .map_err(|e| Error::Zip(e.to_string()))?;
        zip.write_all(bytes).map_err(io)?;
        zip.finish().map_err(|e| Error::Zip(e.to_string()))?;
    }
    // Write-then-rename so a reader never sees half a zip.
    let partial = out.with_extension("zip.partial");
    std::fs::write(&partial, buffer.get_ref()).map_err(io)?;
    std::fs::rename(&partial, out).map_err(io)
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_zip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
        write_bootstrap_zip(b"\x7fELF pretend binary", &a).expect("zip a");
        std::thread::sleep(std::time::Duration::from_millis(1100));
        write_bootstrap_zip(b"\x7fELF pretend binary", &b).expect("zip b");
        let (a, b) = (std::fs::read(a).expect("a"), std::fs::read(b).expect("b"));
        assert_eq!(sha256_hex(&a), sha256_hex(&b));
    }

    #[test]
    fn single_executable_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bootstrap.zip");
        write_bootstrap_zip(b"content", &path).expect("zip");
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
        assert_eq!(archive.len(), 1);
        let entry = archive.by_index(0).expect("entry");
        assert_eq!(entry.name(), "bootstrap");
        assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o755));
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
