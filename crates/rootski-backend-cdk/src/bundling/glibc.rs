//! Which glibc a binary needs, from `objdump -T`.
//!
//! A binary runs on a Lambda runtime only if every versioned glibc symbol it imports
//! exists there; `provided.al2023` ships glibc 2.34. The dynamic symbol table lists
//! each import with its version (`GLIBC_2.34`, `GLIBC_2.2.5`), so the maximum of
//! those is the binary's requirement. `GLIBC_PRIVATE` is not a version.

use std::fmt;
use std::path::Path;
use std::process::Command;

use crate::error::Error;

/// A glibc symbol version such as 2.34 or 2.2.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlibcVersion {
    /// Major (2).
    pub major: u32,
    /// Minor (34).
    pub minor: u32,
    /// Patch (5 in 2.2.5, else 0).
    pub patch: u32,
}

impl GlibcVersion {
    /// The glibc of the `provided.al2023` Lambda runtime.
    pub const AL2023: GlibcVersion = GlibcVersion {
        major: 2,
        minor: 34,
        patch: 0,
    };

    /// Parses `2.34` or `2.2.5`.
    pub fn parse(text: &str) -> Option<GlibcVersion> {
        let mut parts = text.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let patch = match parts.next() {
            Some(p) => p?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(GlibcVersion {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// What the dynamic symbol table says about glibc.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlibcRequirements {
    /// Highest version required, `None` for a binary that imports no versioned
    /// glibc symbol (e.g. statically linked).
    pub max: Option<GlibcVersion>,
    /// `(symbol, version)` of every import, in table order.
    pub symbols: Vec<(String, GlibcVersion)>,
}

impl GlibcRequirements {
    /// Symbols whose version is newer than `limit`, for the error message.
    pub fn newer_than(&self, limit: GlibcVersion) -> Vec<String> {
        self.symbols
            .iter()
            .filter(|(_, v)| *v > limit)
            .map(|(name, v)| format!("{name}@GLIBC_{v}"))
            .collect()
    }
}

/// Parses `objdump -T` output. Lines look like
/// `0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) __libc_start_main`
/// (binutils ≥ 2.35 puts the version in parentheses, older ones do not).
pub fn parse_objdump(output: &str) -> GlibcRequirements {
    let mut requirements = GlibcRequirements::default();
    for line in output.lines() {
        let Some(start) = line.find("GLIBC_") else {
            continue;
        };
        let rest = &line[start + "GLIBC_".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let Some(version) = GlibcVersion::parse(&rest[..end]) else {
            continue;
        };
        let symbol = rest[end..]
            .trim_start_matches(')')
            .split_whitespace()
            .last()
            .unwrap_or_default();
        requirements.symbols.push((symbol.to_owned(), version));
        requirements.max = requirements.max.max(Some(version));
    }
    requirements
}

/// Runs `objdump -T` on `binary` and parses it.
pub fn inspect(binary: &Path) -> Result<GlibcRequirements, Error> {
    let output = Command::new("objdump")
        .arg("-T")
        .arg(binary)
        .output()
        .map_err(|source| Error::Tool {
            tool: "objdump",
            hint: "install binutils (`apt-get install binutils`) so the glibc check can run",
            source,
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        // A static binary has no dynamic symbol table: no glibc requirement at all.
        if stderr.contains("not a dynamic object") || stdout.contains("no symbols") {
            return Ok(GlibcRequirements::default());
        }
        return Err(Error::Inspect {
            binary: binary.to_path_buf(),
            message: stderr.trim().to_owned(),
        });
    }
    Ok(parse_objdump(&stdout))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `objdump -T` of a Rust release binary built on Debian 12 (binutils 2.40).
    const DEBIAN12: &str = "
target/release/bootstrap:     file format elf64-x86-64

DYNAMIC SYMBOL TABLE:
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.2.5) __errno_location
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.34) __libc_start_main
0000000000000000  w   D  *UND*\t0000000000000000  Base        __gmon_start__
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.28) statx
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.33) fstat64
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.3.2) pthread_cond_wait
0000000000000000      DO *UND*\t0000000000000000 (GLIBC_PRIVATE) _rtld_global
";

    /// Same with the pre-2.35 binutils layout (no parentheses).
    const OLD_BINUTILS: &str = "
DYNAMIC SYMBOL TABLE:
0000000000000000      DF *UND*\t0000000000000000  GLIBC_2.2.5 free
0000000000000000      DF *UND*\t0000000000000000  GLIBC_2.39  pidfd_spawnp
";

    #[test]
    fn max_version_of_a_debian12_build() {
        let req = parse_objdump(DEBIAN12);
        assert_eq!(req.max, Some(GlibcVersion::AL2023));
        assert_eq!(req.symbols.len(), 5);
        assert_eq!(
            req.symbols[1],
            ("__libc_start_main".to_owned(), GlibcVersion::AL2023)
        );
        assert_eq!(
            req.symbols[4].1,
            GlibcVersion {
                major: 2,
                minor: 3,
                patch: 2
            }
        );
        assert!(req.newer_than(GlibcVersion::AL2023).is_empty());
    }

    #[test]
    fn too_new_symbols_are_named() {
        let req = parse_objdump(OLD_BINUTILS);
        assert_eq!(req.max, GlibcVersion::parse("2.39"));
        assert_eq!(
            req.newer_than(GlibcVersion::AL2023),
            vec!["pidfd_spawnp@GLIBC_2.39"]
        );
    }

    #[test]
    fn no_glibc_symbols() {
        assert_eq!(
            parse_objdump("DYNAMIC SYMBOL TABLE:\nno symbols\n").max,
            None
        );
    }

    #[test]
    fn version_order_and_display() {
        let v = |s| GlibcVersion::parse(s).expect("version");
        assert!(v("2.2.5") < v("2.3"));
        assert!(v("2.34") > v("2.9"));
        assert_eq!(v("2.2.5").to_string(), "2.2.5");
        assert_eq!(v("2.34").to_string(), "2.34");
        assert_eq!(GlibcVersion::parse("2"), None);
        assert_eq!(GlibcVersion::parse("2.x"), None);
    }
}
