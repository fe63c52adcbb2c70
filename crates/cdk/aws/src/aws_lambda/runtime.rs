//! Lambda runtimes and architectures (the identifiers CloudFormation takes).

/// A Lambda runtime identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime(&'static str);

impl Runtime {
    /// OS-only runtime on Amazon Linux 2023 (a `bootstrap` executable).
    pub const PROVIDED_AL2023: Runtime = Runtime("provided.al2023");
    /// OS-only runtime on Amazon Linux 2.
    pub const PROVIDED_AL2: Runtime = Runtime("provided.al2");
    /// Python 3.12.
    pub const PYTHON_3_12: Runtime = Runtime("python3.12");
    /// Python 3.13.
    pub const PYTHON_3_13: Runtime = Runtime("python3.13");
    /// Node.js 22.
    pub const NODEJS_22_X: Runtime = Runtime("nodejs22.x");

    /// The identifier, e.g. `provided.al2023`.
    pub fn name(self) -> &'static str {
        self.0
    }
}

/// The instruction set of a function (`Architectures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// `x86_64`.
    X86_64,
    /// `arm64`.
    Arm64,
}

impl Architecture {
    /// The CloudFormation spelling.
    pub fn name(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}
