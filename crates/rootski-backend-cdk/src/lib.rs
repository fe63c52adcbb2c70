//! `rootski_backend_cdk`: the Rootski backend's infrastructure, written in Rust on our
//! CDK-style library. It defines and synthesizes the stacks and bundles the function's
//! code; it neither deploys nor talks to AWS (that is the `rootski` CLI of
//! `crates/rootski-cli`, over `cdk-toolkit`), so its golden tests build without the
//! AWS SDK.
//!
//! - [`lambda_rest_api::stacks::lambda_rest_api`]: `RootskiLambdaRestApiStack` (API
//!   Gateway → Lambda, custom domain, DNS record, outputs) and `StackOutputs`.
//! - [`lambda_rest_api::stacks::lambda_code`]: where the function's `bootstrap` comes
//!   from (the bundling seam).
//! - [`bundling`]: builds the real `bootstrap` of `rootski-lambda` (cargo build, glibc
//!   check, reproducible zip) whose asset directory synthesis uses.
//! - [`dynamo_table::stacks::dynamo_table`]: `RootskiDynamoStack`, the DynamoDB table.
//! - [`app`]: the app entry — environment from context, synthesis to `cdk.out/`.
//! - [`error`]: the crate's one error type.

pub mod app;
pub mod bundling;
pub mod dynamo_table;
pub mod error;
pub mod lambda_rest_api;

pub use error::{Error, Result};
