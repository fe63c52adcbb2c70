//! The toolkit side of the CDK: it reads a cloud assembly (`cdk.out/`) and acts on
//! it. It knows nothing about any particular app.
//!
//! - [`assembly`]: `manifest.json`, stack templates and their file assets;
//! - [`local`]: runs a stack's API Gateway REST API and its Lambda functions on
//!   127.0.0.1 (API Gateway emulator + Lambda Runtime API + real `bootstrap`
//!   processes);
//! - [`diff`]: what changes between a deployed and a synthesized template;
//! - `deploy` (feature `deploy`): asset publishing, change-set deployment, destroy,
//!   bootstrap and context lookups against AWS (or a local endpoint).

pub mod assembly;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod diff;
pub mod error;
pub mod local;

pub use error::{Result, ToolkitError};
